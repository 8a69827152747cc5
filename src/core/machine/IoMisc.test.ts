import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeIoMisc, ioMiscValue, SMM_IO_TYPE, SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC } from './IoMisc';

describe('IoMisc: the Intel I/O state field (§7.5, §10.7)', () => {
  it('§7.5 OUT DX, AL / AX / EAX to 0xB2: SmiFlag 1, Length 1/2/4, Type 0 (OUT DX), Port 0xB2', () => {
    expect(ioMiscValue({ port: 0xb2, length: 1, type: SMM_IO_TYPE.OUT_DX })).toBe(0x00b20003);
    expect(ioMiscValue({ port: 0xb2, length: 2, type: SMM_IO_TYPE.OUT_DX })).toBe(0x00b20005);
    expect(ioMiscValue({ port: 0xb2, length: 4, type: SMM_IO_TYPE.OUT_DX })).toBe(0x00b20009);
  });

  it('§7.5 another port: OUT DX, AL to 0x80 / AX to 0xCF8 / EAX to 0xCFC', () => {
    expect(ioMiscValue({ port: 0x80, length: 1, type: SMM_IO_TYPE.OUT_DX })).toBe(0x00800003);
    expect(ioMiscValue({ port: 0xcf8, length: 2, type: SMM_IO_TYPE.OUT_DX })).toBe(0x0cf80005);
    expect(ioMiscValue({ port: 0xcfc, length: 4, type: SMM_IO_TYPE.OUT_DX })).toBe(0x0cfc0009);
  });

  it('§7.5 the table\'s other example: OUT 0xB2, AL (immediate, type 8) is 0x00B20083', () => {
    expect(ioMiscValue({ port: 0xb2, length: 1, type: SMM_IO_TYPE.OUT_IMMEDIATE })).toBe(0x00b20083);
  });

  it('§10.7 no I/O instruction right before the SMI: IOMisc = 0 (SmiFlag clear)', () => {
    expect(ioMiscValue(null)).toBe(0);
    expect(ioMiscValue(undefined)).toBe(0);
    expect(describeIoMisc(0)).toMatch(/^SmiFlag 0/);
  });

  it('§7.5 every field lands in its bits: SmiFlag bit 0, Length 3:1, Type 7:4, reserved 15:8 zero, Port 31:16', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(1 as const, 2 as const, 4 as const), fc.constantFrom(...Object.values(SMM_IO_TYPE)), (port, length, type) => {
        const v = ioMiscValue({ port, length, type });
        expect(v & 1).toBe(1);
        expect((v >>> 1) & 7).toBe(length);
        expect((v >>> 4) & 0xf).toBe(type);
        expect((v >>> 8) & 0xff).toBe(0);
        expect(v >>> 16).toBe(port);
      }),
    );
  });

  it('§7.1 SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC is 0x30004; describeIoMisc reads the bits back', () => {
    expect(SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC).toBe(0x30004);
    expect(describeIoMisc(0x00b20003)).toBe('SmiFlag 1: OUT DX, 1 byte, port 0xB2');
    expect(describeIoMisc(0x0cfc0009)).toBe('SmiFlag 1: OUT DX, 4 bytes, port 0xCFC');
  });
});
