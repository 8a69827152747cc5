import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { ICH9_SMI_EN_APMC_EN, smiLocked } from './Ich9Lpc';
import { ioRead, ioWidthFor, ioWrite } from './IoBus';

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

  it('§12.3 (corrects §4.4) a word OUT to 0xB2 is split into byte writes at ascending ports: AL to 0xB2 (SMI callback), AH to 0xB3', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (v) => {
      const m = freshMachine();
      m.s.lpc.smiEn = ICH9_SMI_EN_APMC_EN;
      const r = ioWrite(m, 0xb2, 2, v);
      expect(r.apm).toBeDefined();
      expect(r.apmValue).toBe(v & 0xff);
      expect(r.apm!.smi).toBe((v & 0xff) !== 2 && (v & 0xff) !== 3);
      expect([m.s.lpc.apmc, m.s.lpc.apms]).toEqual([v & 0xff, v >> 8]);
      expect(r.device).toMatch(/^split into byte accesses .*0xB2 <- 0x[0-9A-F]{2} \(APM_CNT\), 0xB3 <- /);
      // IN is split the same way: 0xB2 in the low byte, 0xB3 above it.
      expect(ioRead(m, 0xb2, 2).value).toBe(v);
    }));
  });

  it('§12.3 a dword OUT to 0xB2 writes 0xB2 and 0xB3; 0xB4/0xB5 are no device on Q35 (write ignored, read 0xFF)', () => {
    const m = freshMachine();
    m.s.lpc.smiEn = ICH9_SMI_EN_APMC_EN;
    const r = ioWrite(m, 0xb2, 4, 0x78563405);
    expect(r.apmValue).toBe(0x05);
    expect([m.s.lpc.apmc, m.s.lpc.apms]).toEqual([0x05, 0x34]);
    expect(r.device).toContain('0xB4 <- 0x56 (unassigned (write ignored)), 0xB5 <- 0x78 (unassigned (write ignored))');
    expect(ioRead(m, 0xb2, 4).value).toBe(0xffff3405);
    expect(ioWidthFor(0xb2, m)).toBe(1);
  });

  it('§12.3 an access that only overlaps APM reaches it too: a word OUT to 0xB1 puts its high byte into 0xB2; a word OUT to 0xB3 raises no SMI', () => {
    const m = freshMachine();
    m.s.lpc.smiEn = ICH9_SMI_EN_APMC_EN;
    const r = ioWrite(m, 0xb1, 2, 0x05aa);
    expect(r.apm?.smi).toBe(true);
    expect(m.s.lpc.apmc).toBe(0x05);
    const r2 = ioWrite(m, 0xb3, 2, 0x1234);
    expect(r2.apm).toBeUndefined();
    expect(m.s.lpc.apms).toBe(0x34);
    expect(ioRead(m, 0xb3, 2).value).toBe(0xff34);
  });

  it('§12.3 through the console: out 0xB2 0x3405 --width 2 raises the SMI with command 0x05, data 0x34, and the trigger event shows the split', () => {
    const s = Session.create({ cpus: 4 });
    const r = s.exec('out 0xb2 0x3405 --width 2 --cpu 2 --run');
    expect(r.error).toBe(false);
    expect(s.m.s.lastSmi).toMatchObject({ raised: true, kind: 'apm', command: 0x05, data: 0x34, cpu: 2, bsp: 0 });
    const trig = s.timeline.find((e) => e.phase === 'trigger')!;
    expect(trig.text).toContain('CPU2: OUT 0xB2, 0x3405 (word)');
    expect(trig.text).toContain('0xB2 <- 0x05 (APM_CNT), 0xB3 <- 0x34 (APM_STS (scratchpad): stored, no SMI)');
    expect(trig.text).toContain('every byte of the OUT is written before the CPU enters SMM (command 0x05, data 0x34)');
    const i = s.exec('in 0xb2 --width 2');
    expect(i.error).toBe(false);
    expect(i.lines[0]).toMatch(/^IN 0xB2 = 0x3405 \(split into byte accesses/);
    // the saved RAX holds the whole word the OS wrote
    expect(JSON.parse(s.exec('state --json').lines[0]).chipset).toMatchObject({ apmCnt: '0x5', apmSts: '0x34' });
  });

  it('§12.3 break apm matches the byte that reached 0xB2 in a split OUT', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break apm 0x05');
    const r = s.exec('out 0xb2 0x3405 --width 2 --run');
    expect(r.lines.some((l) => l.startsWith('breakpoint 1 (apm 0x05'))).toBe(true);
    expect(s.run).not.toBeNull();
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
