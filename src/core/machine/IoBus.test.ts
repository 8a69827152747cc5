import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { createOvmfMachine, ovmfConfig } from '../profiles/ovmf';
import { ICH9_SMI_EN_APMC_EN, smiLocked } from './Ich9Lpc';
import { IoError, ioRead, ioWidthFor, ioWrite } from './IoBus';

const LPC_CFG = (off: number) => (0x80000000 | (31 << 11) | off) >>> 0;

function freshMachine() {
  return createOvmfMachine(ovmfConfig({ cpus: 2 }));
}

describe('IoBus: APM ports (§4.4)', () => {
  it('§4.4 0xB3 stores the data byte and reads back as written, raising no SMI', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), (v) => {
      const m = freshMachine();
      const r = ioWrite(m, 0xb3, 1, v);
      expect(r.apm).toBeUndefined();
      expect(ioRead(m, 0xb3, 1).value).toBe(v);
      expect(ioRead(m, 0xb2, 1).value).toBe(0);
    }));
  });

  it('§4.4 0xB2 stores the command and reads back as written; the chipset is consulted (apm outcome)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), (v) => {
      const m = freshMachine();
      m.s.lpc.smiEn = ICH9_SMI_EN_APMC_EN;
      const r = ioWrite(m, 0xb2, 1, v);
      expect(r.apm).toBeDefined();
      expect(r.apm!.smi).toBe(v !== 2 && v !== 3);
      expect(ioRead(m, 0xb2, 1).value).toBe(v);
    }));
  });

  it('§4.4 APM ports take byte accesses only (OUT and IN, word or dword)', () => {
    const m = freshMachine();
    for (const port of [0xb2, 0xb3]) {
      for (const width of [2, 4] as const) {
        expect(() => ioWrite(m, port, width, 0x0404), `OUT ${port}/${width}`).toThrow(IoError);
        expect(() => ioRead(m, port, width), `IN ${port}/${width}`).toThrow(IoError);
      }
    }
    expect(ioWidthFor(0xb2, m)).toBe(1);
    expect(m.s.lpc.apmc).toBe(0);
  });

  it('§4.4 byte-only through the console: out/in with --width 2 on 0xB2 are errors and change nothing', () => {
    const s = Session.create({ cpus: 2 });
    const before = s.exec('state --json').lines[0];
    const o = s.exec('out 0xb2 0x04 --width 2');
    expect(o.error).toBe(true);
    expect(o.lines[0]).toMatch(/byte accesses only/);
    const i = s.exec('in 0xb2 --width 2');
    expect(i.error).toBe(true);
    expect(i.lines[0]).toMatch(/byte accesses only/);
    expect(s.exec('state --json').lines[0]).toBe(before);
  });
});

describe('IoBus: LPC config through 0xCF8/0xCFC and the PM block (§4.3)', () => {
  it('§4.3 SMI_LOCK set through PCI config mechanism #1 is sticky and locks GBL_SMI_EN at PMBASE+0x30', () => {
    const m = freshMachine();
    ioWrite(m, 0xcf8, 4, LPC_CFG(0x40));
    ioWrite(m, 0xcfc, 4, 0x601);
    expect(ioRead(m, 0xcfc, 4).value).toBe(0x601);
    ioWrite(m, 0x630, 4, 0x21);
    expect(ioRead(m, 0x630, 4).value).toBe(0x21);
    ioWrite(m, 0x630, 4, 0x20); // unlocked: GBL_SMI_EN can be cleared
    expect(ioRead(m, 0x630, 4).value).toBe(0x20);
    ioWrite(m, 0x630, 4, 0x21);
    ioWrite(m, 0xcf8, 4, LPC_CFG(0xa0));
    ioWrite(m, 0xcfc, 1, 0x10);
    expect(smiLocked(m.s.lpc)).toBe(true);
    ioWrite(m, 0xcfc, 1, 0x00);
    expect(ioRead(m, 0xcfc, 1).value & 0x10).toBe(0x10);
    ioWrite(m, 0x630, 4, 0x00);
    expect(ioRead(m, 0x630, 4).value).toBe(0x01);
  });

  it('§4.3 config writes to another device (not B0:D31:F0) do not reach the LPC', () => {
    const m = freshMachine();
    ioWrite(m, 0xcf8, 4, (0x80000000 | (30 << 11) | 0xa0) >>> 0);
    ioWrite(m, 0xcfc, 1, 0x10);
    expect(smiLocked(m.s.lpc)).toBe(false);
  });
});
