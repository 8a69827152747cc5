/**
 * The Intel MmSaveStateLib behind PiSmmCpuCommon.c's Read/WriteSaveState (facts §7.6, §3.4, §12.7),
 * on a machine whose CPUs write the Intel 64 map (facts §7.2). Until the pch platform exists, the
 * machine is OVMF's with `layout: 'intel64'` (its CPUs then behave like Intel CPUs on SMM entry
 * and RSM, and PiSmmCpuDxeSmm is linked with the Intel lib).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { ICH9_APM_CNT, ICH9_APM_STS } from '../machine/Ich9Lpc';
import type { PortWrite } from '../machine/IoBus';
import { read32, read64, write32 } from '../machine/Memory';
import { getReg, REG } from '../machine/Registers';
import { fieldByName, INTEL64_LAYOUT } from '../machine/SaveStateMap';
import type { Gen, TraceEvent } from '../pi/Fw';
import { type Machine, machineFromState } from '../pi/Platform';
import { ovmfConfig } from '../profiles/ovmf';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { smiLifecycle } from '../system/SmiLifecycle';
import { MM_CPU_WIDTH_OFFSET } from './AmdMmSaveState';
import {
  INTEL_LIB,
  INTEL_MM_CPU_WIDTH_OFFSET,
  intelLookupRegister,
  intelRegisterIndex,
  MODELLED_INTEL_CPUID,
  mmSaveStateGetRegisterLma,
} from './IntelMmSaveState';
import { EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER as R, mmSaveStateLib, readSaveState, registerName, writeSaveState } from './SmmCpuSaveState';

const BOOTED = new Map<string, Machine>();

/** OVMF booted to the OS with the Intel 64 layout (booted once per configuration, then copied). */
function intelMachine(opts: { cpus?: number; broadcast?: boolean; modules?: string[] } = {}): Machine {
  const key = JSON.stringify(opts);
  let m = BOOTED.get(key);
  if (!m) {
    m = createOvmfMachine({ ...ovmfConfig(opts), layout: 'intel64' });
    const g = bootOvmf(m);
    while (!g.next().done);
    expect(m.s.stage).toBe('os');
    BOOTED.set(key, m);
  }
  return machineFromState(structuredClone(m.s), m.defs, smiLifecycle);
}

/** `out dx, al|ax|eax` with DX = 0xB2 from `cpu` (AX: AL to 0xB2, AH to 0xB3, facts §12.3). */
function outB2(value: number, width: 1 | 2 | 4 = 1): PortWrite[] {
  return [{ port: ICH9_APM_CNT, value, width, by: 'test: out dx, ' + ['', 'al', 'ax', '', 'eax'][width] }];
}

/** An SMI run: events collected as they come, paused where asked. */
class SmiRun {
  readonly texts: string[] = [];
  private readonly g: Gen<void>;
  constructor(readonly m: Machine, cpu: number, writes: PortWrite[]) {
    this.g = smiLifecycle(m, { cpu, writes });
  }
  /** Runs to the first event matching `stop` (inclusive); false when the SMI ended first. */
  until(stop: (e: TraceEvent) => boolean): boolean {
    for (;;) {
      const r = this.g.next();
      if (r.done) return false;
      this.texts.push(r.value.text);
      if (stop(r.value)) return true;
    }
  }
  /** Into the first MMI handler: every CPU that took the SMI has checked in. */
  toHandler(): this {
    expect(this.until((e) => e.handler !== undefined)).toBe(true);
    return this;
  }
  finish(): void {
    this.until(() => false);
  }
}

/** A broadcast SMI from `cpu` (OUT DX, AL = 0x05 to 0xB2), paused in the first handler. */
function pausedAfterOut(cpu = 2, width: 1 | 2 | 4 = 1, value = 0x05): SmiRun {
  const m = intelMachine();
  const run = new SmiRun(m, cpu, outB2(value, width)).toHandler();
  for (let c = 0; c < 4; c++) expect(m.s.mp.present[c], `CPU${c} Present`).toBe(true);
  return run;
}

const at = (m: Machine, cpu: number, off: number) => m.s.cpus[cpu].smbase + 0x8000 + off;

describe('Intel layout: the machine boots and the CPUs write the Intel map (§7.2, §12.2, §10.4)', () => {
  it('§12.2/§10.4 SMBASE relocation through the Intel map: x86.SMBASE at 0x3FEF8, RSM reloads it; the SMBASEs are the AMD boot\'s', () => {
    const m = intelMachine();
    expect(m.layout).toBe(INTEL64_LAYOUT);
    expect(m.s.cpus.map((c) => c.smbase)).toEqual([0x7eff9000, 0x7effb000, 0x7effd000, 0x7efff000]);
    expect(mmSaveStateLib(m).file).toBe(INTEL_LIB);
  });

  it('§12.2/§5.3 ConfigureSmBase names the map it writes: x86.SMBASE at 0x3FEF8 on the Intel map (UefiCpuPkg\'s copy), x64.SMBASE at 0x3FF00 on QEMU\'s', () => {
    for (const [layout, want] of [['intel64', 'x86.SMBASE at 0x3FEF8'], ['amd64-qemu', 'x64.SMBASE at 0x3FF00']] as const) {
      const m = createOvmfMachine({ ...ovmfConfig({ cpus: 2 }), layout });
      const g = bootOvmf(m);
      const texts: string[] = [];
      for (let r = g.next(); !r.done; r = g.next()) if (r.value.text.includes('ConfigureSmBase')) texts.push(r.value.text);
      expect(texts, layout).toHaveLength(2);
      for (const t of texts) expect(t, layout).toContain(want);
      expect(m.s.cpus.map((c) => c.smbase), layout).toEqual([0x7eff9000, 0x7effb000]);
    }
  });

  it('§7.5/§10.7 broadcast SMI after OUT DX, AL to 0xB2 on CPU2: IOMisc 0x00B20003 on CPU2 only, SmiFlag 0 on the others', () => {
    const run = pausedAfterOut(2);
    const m = run.m;
    for (let c = 0; c < 4; c++) expect(read32(m.s.mem, at(m, c, 0x7fa4)), `CPU${c}`).toBe(c === 2 ? 0x00b20003 : 0);
    expect(run.texts.find((t) => t.startsWith('CPU2: SMM entry'))).toContain('IOMisc 0x00B20003 = SmiFlag 1: OUT DX, 1 byte, port 0xB2');
    expect(run.texts.find((t) => t.startsWith('CPU0: SMM entry'))).toContain('IOMisc 0x00000000 = SmiFlag 0');
    run.finish();
    expect(m.s.cpus.every((c) => c.lastIo === null && !c.inSmm)).toBe(true);
  });

  it('§10.5 idle CPUs return to HLT after RSM (AutoHALTRestart bit 0); the OUT CPU runs on', () => {
    const run = pausedAfterOut(1);
    const m = run.m;
    expect(m.s.cpus.map((c) => read32(m.s.mem, at(m, c.index, 0x7f00)) >>> 16)).toEqual([1, 0, 1, 1]);
    run.finish();
    expect(m.s.cpus.map((c) => c.halted)).toEqual([true, false, true, true]);
    expect(run.texts.find((t) => t.startsWith('CPU0: SmiRendezvous returns to the stub -> RSM'))).toMatch(/AutoHALTRestart bit 0 is set, so the CPU is back in HLT$/);
    expect(run.texts.find((t) => t.startsWith('CPU1: SmiRendezvous returns to the stub -> RSM'))).not.toMatch(/HLT/);
  });
});

describe('IntelMmSaveState.c: ReadSaveState (IO) (§7.6)', () => {
  it('§7.6 the OUT CPU: EFI_SUCCESS, IoPort 0xB2, IoType OUTPUT (2), IoWidth UINT8 (0), IoData = AL; the others EFI_NOT_FOUND', () => {
    const { m } = pausedAfterOut(2, 1, 0x05);
    const al = getReg(m.s.cpus[2].regs, REG.RAX); // in SMM the live RAX is still the OS one
    expect(al & 0xffn).toBe(0x05n);
    const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 2);
    expect(r).toMatchObject({ status: 'EFI_SUCCESS', io: { ioPort: 0xb2, ioType: 2, ioWidth: 0, ioData: 0x05n }, lib: INTEL_LIB });
    for (const c of [0, 1, 3]) {
      const n = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, c);
      expect(n.status, `CPU${c}`).toBe('EFI_NOT_FOUND');
      expect(n.status !== 'EFI_SUCCESS' && n.why).toMatch(/SmiFlag clear/);
    }
  });

  it('§7.6 OUT DX, AX and OUT DX, EAX: IoWidth UINT16 / UINT32, IoData = the low 2 / 4 bytes of the saved RAX', () => {
    for (const [width, ioWidth, misc] of [[2, 1, 0x00b20005], [4, 2, 0x00b20009]] as const) {
      const { m } = pausedAfterOut(3, width, 0x12340705);
      expect(read32(m.s.mem, at(m, 3, 0x7fa4))).toBe(misc);
      const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 3);
      const rax = read64(m.s.mem, at(m, 3, 0x7f5c));
      expect(r).toMatchObject({ status: 'EFI_SUCCESS', io: { ioPort: 0xb2, ioType: 2, ioWidth, ioData: rax & (width === 2 ? 0xffffn : 0xffffffffn) } });
    }
  });

  it('§7.6 Width 8 (< sizeof (EFI_MM_SAVE_STATE_IO_INFO) = 24): EFI_INVALID_PARAMETER on the OUT CPU (the Intel lib checks it, the AMD lib does not); EFI_NOT_FOUND still wins on the others', () => {
    const { m } = pausedAfterOut(2);
    const r = readSaveState(m, 8, R.IO, 2);
    expect(r.status).toBe('EFI_INVALID_PARAMETER');
    expect(r.status !== 'EFI_SUCCESS' && r.why).toMatch(/Width 8 < sizeof \(EFI_MM_SAVE_STATE_IO_INFO\) = 24/);
    expect(readSaveState(m, 23, R.IO, 2).status).toBe('EFI_INVALID_PARAMETER');
    expect(readSaveState(m, 8, R.IO, 0).status).toBe('EFI_NOT_FOUND');
  });

  it('§7.6 SMMRevId < 0x30004 (SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC) -> EFI_NOT_FOUND, before IOMisc is looked at', () => {
    const { m } = pausedAfterOut(2);
    write32(m.s.mem, at(m, 2, 0x7efc), 0x00030003);
    const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 2);
    expect(r.status).toBe('EFI_NOT_FOUND');
    expect(r.status !== 'EFI_SUCCESS' && r.why).toMatch(/SMMRevId 0x00030003 < SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC/);
    write32(m.s.mem, at(m, 2, 0x7efc), 0x00030004);
    expect(readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 2).status).toBe('EFI_SUCCESS');
  });

  it('§7.6 the type and length tables: IN -> INPUT, OUT imm -> OUTPUT, OUTS/INS/REP and undefined types or lengths -> EFI_NOT_FOUND', () => {
    const { m } = pausedAfterOut(2);
    const want: Record<number, number | null> = { 0: 2, 1: 1, 2: null, 3: null, 4: null, 5: null, 6: null, 7: null, 8: 2, 9: 1, 10: null, 15: null };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(want).map(Number)), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 0xffff }), (type, length, port) => {
        write32(m.s.mem, at(m, 2, 0x7fa4), ((port << 16) | (type << 4) | (length << 1) | 1) >>> 0);
        const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 2);
        const widthOk = length === 1 || length === 2 || length === 4;
        if (want[type] === null || !widthOk) {
          expect(r.status).toBe('EFI_NOT_FOUND');
        } else {
          expect(r).toMatchObject({ status: 'EFI_SUCCESS', io: { ioPort: port, ioType: want[type], ioWidth: { 1: 0, 2: 1, 4: 2 }[length] } });
        }
      }),
      { numRuns: 120 },
    );
  });

  it('§7.6 a unicast SMI (no broadcast) on CPU0: CPU0 reads its OUT; CPU1 is not Present -> EFI_INVALID_PARAMETER (PiSmmCpuCommon.c)', () => {
    const m = intelMachine({ broadcast: false });
    const run = new SmiRun(m, 0, outB2(0x05)).toHandler();
    expect(readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 0)).toMatchObject({ status: 'EFI_SUCCESS', io: { ioPort: 0xb2 } });
    const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 1);
    expect(r).toMatchObject({ status: 'EFI_INVALID_PARAMETER' });
    expect(r.lib).toBeUndefined(); // PiSmmCpuCommon.c answered, not the lib
    run.finish();
  });

  it('§7.6 an OUT that raises no SMI is forgotten: the next SMI (another CPU\'s) shows no I/O on it', () => {
    const m = intelMachine();
    new SmiRun(m, 1, [{ port: ICH9_APM_STS, value: 0x07, width: 1, by: 'test: data port only' }]).finish();
    expect(m.s.cpus[1].lastIo).toBeNull();
    const run = new SmiRun(m, 2, outB2(0x05)).toHandler();
    expect(read32(m.s.mem, at(m, 1, 0x7fa4))).toBe(0);
    expect(read32(m.s.mem, at(m, 2, 0x7fa4))).toBe(0x00b20003);
    run.finish();
  });
});

describe('IntelMmSaveState.c: the register table, LMA, writes (§7.6, §12.7, §3.4)', () => {
  it('§7.6 MmSaveStateGetRegisterIndex: three rows of its own first, so GDTBASE is row 4, ES row 11, RIP row 37, RFLAGS row 38, CR4 row 41; gaps have none', () => {
    expect([R.GDTBASE, R.LDTINFO, R.ES, R.RIP, R.RFLAGS, R.CR4].map(intelRegisterIndex)).toEqual([4, 10, 11, 37, 38, 41]);
    for (const n of [0, 3, 11, 19, 47, 50, 55, 511, 512, 515]) expect(intelRegisterIndex(n), String(n)).toBe(0);
    expect(INTEL_MM_CPU_WIDTH_OFFSET).toHaveLength(42);
    expect(INTEL_MM_CPU_WIDTH_OFFSET.slice(1, 4).map((r) => [r.field, r.lo])).toEqual([['SMMRevId', 0x7efc], ['IOMisc', 0x7fa4], ['IOMemAddr', 0x7f9c]]);
    for (let i = 4; i < INTEL_MM_CPU_WIDTH_OFFSET.length; i++) expect(intelRegisterIndex(INTEL_MM_CPU_WIDTH_OFFSET[i].register), registerName(INTEL_MM_CPU_WIDTH_OFFSET[i].register)).toBe(i);
  });

  it('§7.2/§12.7 every row points at the Intel field of the same name; Writeable rows are the AMD lib\'s (R8-R15, RAX-RDI, RIP, RFLAGS)', () => {
    for (const row of INTEL_MM_CPU_WIDTH_OFFSET) {
      if (row.width64 === 0) continue;
      expect(fieldByName(INTEL64_LAYOUT, row.field)?.offset, row.field).toBe(row.lo);
      if (row.width64 === 8) {
        const hi = fieldByName(INTEL64_LAYOUT, row.field.replace('Lo', 'Hi'));
        expect(row.hi, row.field).toBe(hi && hi !== fieldByName(INTEL64_LAYOUT, row.field) ? hi.offset : row.lo + 4);
      }
    }
    const writable = (rows: readonly { register: number; writeable: boolean }[]) => rows.filter((r) => r.writeable).map((r) => registerName(r.register)).sort();
    expect(writable(INTEL_MM_CPU_WIDTH_OFFSET)).toEqual(writable(MM_CPU_WIDTH_OFFSET));
  });

  it('§7.6 widths: selectors, LDTR/TR and CR4 are 4 bytes, the limits and LDTINFO have no field (EFI_NOT_FOUND); bases read both halves', () => {
    const { m } = pausedAfterOut(2);
    const w = (n: string) => intelLookupRegister(R[n])!.width64;
    for (const n of ['ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'LDTR_SEL', 'TR_SEL', 'CR4']) expect(w(n), n).toBe(4);
    for (const n of ['GDTLIMIT', 'IDTLIMIT', 'LDTLIMIT', 'LDTINFO']) {
      expect(w(n), n).toBe(0);
      expect(readSaveState(m, 2, R[n], 1).status, n).toBe('EFI_NOT_FOUND');
    }
    expect(readSaveState(m, 8, R.CS, 1).status).toBe('EFI_INVALID_PARAMETER');
    expect(readSaveState(m, 4, R.CS, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: 0x10n }); // the OS CS selector
    const gdt = getReg(m.s.cpus[1].regs, REG.GDTR_BASE); // the OS value: in SMM, nothing loaded another GDT yet
    expect(readSaveState(m, 8, R.GDTBASE, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: gdt });
    expect(readSaveState(m, 8, R.RIP, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: read64(m.s.mem, at(m, 1, 0x7fd8)) });
  });

  it('§7.6 LMA: Width 1 only; 64 because CPUID says Intel 64 (not the interrupted mode); 32 without it, 64 again for family 6 models 0x0F/0x17/0x1C', () => {
    const { m } = pausedAfterOut(2);
    expect(readSaveState(m, 1, R.LMA, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: 64n, lib: INTEL_LIB });
    expect(readSaveState(m, 2, R.LMA, 1).status).toBe('EFI_INVALID_PARAMETER');
    expect(mmSaveStateGetRegisterLma()).toBe(64);
    const noLm = { ...MODELLED_INTEL_CPUID, extendedEdx: 0 };
    expect(mmSaveStateGetRegisterLma(noLm)).toBe(32);
    expect(mmSaveStateGetRegisterLma({ ...noLm, maxExtendedLeaf: 0x80000000, extendedEdx: 1 << 29 })).toBe(32);
    for (const modelId of [0x0f, 0x17, 0x1c]) expect(mmSaveStateGetRegisterLma({ ...noLm, modelId })).toBe(64);
    expect(mmSaveStateGetRegisterLma({ ...noLm, familyId: 0xf, modelId: 0x17 })).toBe(32);
  });

  it('§12.7/§7.2 WriteSaveState (RAX) lands at SMBASE+0x8000+0x7F5C and RSM loads it; not-Writeable rows -> EFI_UNSUPPORTED; IO -> EFI_NOT_FOUND', () => {
    const run = pausedAfterOut(2);
    const m = run.m;
    expect(writeSaveState(m, 8, R.RAX, 2, 0x5a5a0007n)).toMatchObject({ status: 'EFI_SUCCESS', written: true, lib: INTEL_LIB });
    expect(read64(m.s.mem, at(m, 2, 0x7f5c))).toBe(0x5a5a0007n);
    expect(read64(m.s.mem, at(m, 2, 0x7ff8))).not.toBe(0x5a5a0007n); // the AMD offset is CR0 here
    for (const n of ['CR0', 'CR3', 'CR4', 'CS', 'GDTBASE', 'DR7']) expect(writeSaveState(m, 4, R[n], 2, 0n).status, n).toBe('EFI_UNSUPPORTED');
    expect(writeSaveState(m, 9, R.RIP, 2, 0n).status).toBe('EFI_INVALID_PARAMETER');
    expect(writeSaveState(m, 24, R.IO, 2, 0n).status).toBe('EFI_NOT_FOUND');
    expect(writeSaveState(m, 1, R.LMA, 2, 32n)).toMatchObject({ status: 'EFI_SUCCESS', written: false });
    run.finish();
    expect(getReg(m.s.cpus[2].regs, REG.RAX)).toBe(0x5a5a0007n);
  });

  it('§12.7 any Width 1..8 round-trips through Write then Read for every Writeable register', () => {
    const { m } = pausedAfterOut(2);
    const names = INTEL_MM_CPU_WIDTH_OFFSET.filter((r) => r.writeable).map((r) => registerName(r.register));
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.integer({ min: 1, max: 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 3 }), (name, width, v, cpu) => {
        expect(writeSaveState(m, width, R[name], cpu, v).status).toBe('EFI_SUCCESS');
        expect(readSaveState(m, width, R[name], cpu)).toMatchObject({ status: 'EFI_SUCCESS', value: BigInt.asUintN(8 * width, v) });
      }),
      { numRuns: 60 },
    );
  });
});

describe('IntelMmSaveState.c from C: an SMM-C driver calling mSmmCpu->ReadSaveState (§7.6, §3.4)', () => {
  it('§7.6 RootMmiSample on the Intel map: ReadSaveState (IO) succeeds for the OUT CPU, and the event names IntelMmSaveState.c', () => {
    const m = intelMachine({ modules: ['RootMmiSample'] });
    const run = new SmiRun(m, 0, [
      { port: ICH9_APM_STS, value: 0x07, width: 1, by: 'test: data port first' },
      { port: ICH9_APM_CNT, value: 0x42, width: 1, by: 'test: command port' },
    ]);
    run.finish();
    const read = run.texts.find((t) => t.startsWith('RootMmiSample: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=0)'));
    expect(read).toMatch(/= EFI_SUCCESS, IoInfo \(IOMisc \(SMBASE\+0xFFA4\) = 0x00B20003: IoPort 0xB2, IoWidth UINT8, IoType OUTPUT, IoData 0x42/);
    expect(read).toContain(`[${INTEL_LIB}]`);
    expect(run.texts.find((t) => t.startsWith('RootMmiSample: mMmCpu->WriteSaveState'))).toContain(`[${INTEL_LIB}]`);
    expect(m.s.serial.lines).toContain('RootMmiSample: command 0x42, data 0x7; ReadSaveState (IO) Success, so RAX of CurrentlyExecutingCpu 0 = 0x5A5A0007: Success');
    expect(getReg(m.s.cpus[0].regs, REG.RAX)).toBe(0x5a5a0007n);
  });
});

describe('The console decodes the Intel map from its bytes (§7.2)', () => {
  it('§7.2 `savestate` prints the Intel fields at their offsets and says the processor left EptVmxControl alone; narrow output too', () => {
    const s = Session.create({ cpus: 4 });
    s.m = intelMachine();
    new SmiRun(s.m, 2, outB2(0x05)).finish();
    const wide = s.exec('savestate 2').lines;
    expect(wide[0]).toMatch(/layout Intel 64 \(SMMRevId 0x00030064\) \(not in SMM: what the last entry left\)$/);
    expect(wide.find((l) => /^ {2}0x7FA4 0x7F00CFA4 IOMisc /.test(l))).toMatch(/0x00B20003/);
    expect(wide.find((l) => / RAX /.test(l))).toMatch(/^ {2}0x7F5C /);
    expect(wide.find((l) => / EptVmxControl /.test(l))).toMatch(/\(not written by the processor\)$/);
    expect(wide.filter((l) => /not written by QEMU/.test(l))).toEqual([]);
    s.columns = 60;
    expect(s.exec('savestate 2').lines.join('\n')).toMatch(/\* not written by the processor/);
  });
});
