import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { read32, read64, write32, write64 } from '../machine/Memory';
import { getReg, REG, type RegName } from '../machine/Registers';
import { fieldByName } from '../machine/SaveStateMap';
import { EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER as R, lookupSaveStateRegister, MM_CPU_WIDTH_OFFSET, readSaveState, registerName, writeSaveState } from './SmmCpuSaveState';

/** A broadcast SMI paused inside CpuHotplugMmi: every CPU is in SMM and Present. */
function paused(accel: 'tcg' | 'kvm' = 'tcg') {
  const s = Session.create({ cpus: 4, accel });
  s.exec('break handler CpuHotplugMmi');
  s.exec('smi 0x04 --cpu 0 --run');
  expect(s.run).not.toBeNull();
  for (let c = 0; c < 4; c++) expect(s.m.s.mp.present[c], `CPU${c} Present`).toBe(true);
  return s;
}

const at = (s: Session, cpu: number, off: number) => s.m.s.cpus[cpu].smbase + 0x8000 + off;

const WRITABLE = ['R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'RAX', 'RBX', 'RCX', 'RDX', 'RSP', 'RBP', 'RSI', 'RDI', 'RIP', 'RFLAGS'];
const NOT_WRITABLE = ['GDTBASE', 'IDTBASE', 'LDTBASE', 'GDTLIMIT', 'IDTLIMIT', 'LDTLIMIT', 'LDTINFO', 'ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'LDTR_SEL', 'TR_SEL', 'DR7', 'DR6', 'CR0', 'CR3', 'CR4'];

describe('SmmCpuSaveState: the AMD lib table (§12.7, §5.1)', () => {
  it('§12.7 mCpuWidthOffset: Writeable only for R8-R15, RAX-RDI, RIP, RFLAGS; every register row points at the AMD64 field of the same name', () => {
    expect(MM_CPU_WIDTH_OFFSET.filter((r) => r.writeable).map((r) => registerName(r.register)).sort()).toEqual([...WRITABLE].sort());
    expect(MM_CPU_WIDTH_OFFSET.filter((r) => !r.writeable).map((r) => registerName(r.register)).sort()).toEqual([...NOT_WRITABLE].sort());
    const s = Session.create({ cpus: 1 });
    for (const row of MM_CPU_WIDTH_OFFSET) {
      if (row.width64 === 0) continue;
      expect(fieldByName(s.m.layout, row.field)?.offset, row.field).toBe(row.lo);
    }
  });

  it('§12.7 widths in the table: selectors and GDT/IDT limits 2, LDT limit 4, LDTINFO 0, everything else 8', () => {
    const w = (n: string) => lookupSaveStateRegister(R[n])!.width64;
    for (const n of ['ES', 'CS', 'SS', 'DS', 'FS', 'GS', 'LDTR_SEL', 'TR_SEL', 'GDTLIMIT', 'IDTLIMIT']) expect(w(n), n).toBe(2);
    expect(w('LDTLIMIT')).toBe(4);
    expect(w('LDTINFO')).toBe(0);
    for (const n of [...WRITABLE, 'GDTBASE', 'IDTBASE', 'LDTBASE', 'DR6', 'DR7', 'CR0', 'CR3', 'CR4']) expect(w(n), n).toBe(8);
    // MmSaveStateGetRegisterIndex has no row for the gaps between the ranges.
    for (const n of [11, 19, 47, 50, 55, 511, 515]) expect(lookupSaveStateRegister(n), String(n)).toBeUndefined();
  });
});

describe('SmmCpuSaveState: WriteSaveState (§12.7)', () => {
  it.each(WRITABLE)('§12.7 %s is writable: Width 8 lands in the save state and RSM loads it', (name) => {
    const s = paused();
    const v = 0x1122334455667788n;
    expect(writeSaveState(s.m, 8, R[name], 2, v)).toMatchObject({ status: 'EFI_SUCCESS', written: true });
    const row = lookupSaveStateRegister(R[name])!;
    expect(read64(s.m.s.mem, at(s, 2, row.lo))).toBe(v);
    s.exec('delete 1');
    s.exec('continue');
    expect(s.run).toBeNull();
    // QEMU's helper_rsm reloads RFLAGS as 32 bits (ldl), the others as 64.
    expect(getReg(s.m.s.cpus[2].regs, REG[name as RegName])).toBe(name === 'RFLAGS' ? v & 0xffffffffn : v);
  });

  it.each(NOT_WRITABLE)('§12.7 %s is not writable: EFI_UNSUPPORTED and no byte changes', (name) => {
    const s = paused();
    const row = lookupSaveStateRegister(R[name])!;
    const before = row.width64 ? read64(s.m.s.mem, at(s, 1, row.lo)) : 0n;
    const r = writeSaveState(s.m, 2, R[name], 1, 0xffffn);
    expect(r.status).toBe('EFI_UNSUPPORTED');
    expect(r.why).toMatch(/not Writeable in mCpuWidthOffset/);
    if (row.width64) expect(read64(s.m.s.mem, at(s, 1, row.lo))).toBe(before);
  });

  it('§12.7 LMA -> EFI_SUCCESS (ignored), IO -> EFI_NOT_FOUND, PROCESSOR_ID -> EFI_SUCCESS (ignored), unknown register -> EFI_NOT_FOUND', () => {
    const s = paused();
    expect(writeSaveState(s.m, 1, R.LMA, 1, 32n)).toMatchObject({ status: 'EFI_SUCCESS', written: false });
    expect(readSaveState(s.m, 1, R.LMA, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: 64n });
    expect(writeSaveState(s.m, 8, R.IO, 1, 0n)).toMatchObject({ status: 'EFI_NOT_FOUND', written: false });
    expect(writeSaveState(s.m, 8, R.PROCESSOR_ID, 1, 7n)).toMatchObject({ status: 'EFI_SUCCESS', written: false });
    expect(readSaveState(s.m, 8, R.PROCESSOR_ID, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: 1n });
    for (const n of [12, 48, 600]) expect(writeSaveState(s.m, 8, n, 1, 0n).status, String(n)).toBe('EFI_NOT_FOUND');
  });

  it('§12.7 Width larger than the register -> EFI_INVALID_PARAMETER; a smaller Width writes only that many low bytes', () => {
    const s = paused();
    expect(writeSaveState(s.m, 9, R.RAX, 1, 0n).status).toBe('EFI_INVALID_PARAMETER');
    expect(writeSaveState(s.m, 16, R.RFLAGS, 1, 0n).status).toBe('EFI_INVALID_PARAMETER');
    const rax = at(s, 1, 0x7ff8);
    write64(s.m.s.mem, rax, 0xaaaaaaaaaaaaaaaan);
    expect(writeSaveState(s.m, 2, R.RAX, 1, 0x1234n).status).toBe('EFI_SUCCESS');
    expect(read64(s.m.s.mem, rax)).toBe(0xaaaaaaaaaaaa1234n);
    expect(writeSaveState(s.m, 6, R.RAX, 1, 0x665544332211n).status).toBe('EFI_SUCCESS'); // low dword, then Width - 4 at the high offset
    expect(read64(s.m.s.mem, rax)).toBe(0xaaaa665544332211n);
    expect(writeSaveState(s.m, 0, R.RAX, 1, 0x99n)).toMatchObject({ status: 'EFI_SUCCESS', written: false });
    expect(read64(s.m.s.mem, rax)).toBe(0xaaaa665544332211n);
  });

  it('§12.7 any Width 1..8 round-trips through Write then Read for every writable register', () => {
    const s = paused();
    fc.assert(
      fc.property(fc.constantFrom(...WRITABLE), fc.integer({ min: 1, max: 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 3 }), (name, width, v, cpu) => {
        expect(writeSaveState(s.m, width, R[name], cpu, v).status).toBe('EFI_SUCCESS');
        const r = readSaveState(s.m, width, R[name], cpu);
        expect(r).toMatchObject({ status: 'EFI_SUCCESS', value: BigInt.asUintN(8 * width, v) });
      }),
      { numRuns: 60 },
    );
  });

  it('§12.7 Present quirk: SmmWriteSaveState tests the pointer, so a write to a CPU outside the SMI succeeds and is lost at its next SMM entry', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x05 --cpu 0 --run'); // over: no CPU is Present or in SMM
    expect(s.m.s.mp.present.some(Boolean)).toBe(false);
    expect(readSaveState(s.m, 8, R.RAX, 2).status).toBe('EFI_INVALID_PARAMETER'); // Read dereferences *Present
    expect(readSaveState(s.m, 8, R.PROCESSOR_ID, 2).status).toBe('EFI_NOT_FOUND');
    const w = writeSaveState(s.m, 8, R.RAX, 2, 0xdeadbeefn);
    expect(w).toMatchObject({ status: 'EFI_SUCCESS', written: true });
    expect(w.quirk).toMatch(/PiSmmCpuCommon\.c SmmWriteSaveState tests the Present pointer/);
    expect(w.quirk).toMatch(/next SMM entry overwrites it/);
    const rax = at(s, 2, 0x7ff8);
    expect(read64(s.m.s.mem, rax)).toBe(0xdeadbeefn); // the bytes did change...
    const osRax = s.m.s.cpus[2].regs[0];
    s.exec('smi 0x05 --cpu 0 --run');
    expect(read64(s.m.s.mem, rax)).toBe(BigInt(osRax)); // ...and the next entry saved the OS RAX over them
    expect(s.m.s.cpus[2].regs[0]).toBe(osRax); // the OS never saw 0xDEADBEEF
  });

  it('§12.7 Present quirk, other case: a CPU in SMM that has not checked in gets the write, and its RSM loads it', () => {
    const s = paused();
    s.m.s.mp.present[3] = false; // as in relaxed sync, before CPU3 checks in
    const w = writeSaveState(s.m, 8, R.RAX, 3, 0x77n);
    expect(w.status).toBe('EFI_SUCCESS');
    expect(w.quirk).toMatch(/in SMM, so the write lands and its RSM loads it/);
  });
});

describe('SmmCpuSaveState: ReadSaveState (§12.7, §5.1)', () => {
  it('§12.7 reads: Width > the table width -> EFI_INVALID_PARAMETER, LDTINFO and gaps -> EFI_NOT_FOUND (never EFI_UNSUPPORTED)', () => {
    const s = paused();
    expect(readSaveState(s.m, 4, R.CS, 1).status).toBe('EFI_INVALID_PARAMETER');
    expect(readSaveState(s.m, 2, R.CS, 1).status).toBe('EFI_SUCCESS');
    expect(readSaveState(s.m, 8, R.LDTLIMIT, 1).status).toBe('EFI_INVALID_PARAMETER');
    expect(readSaveState(s.m, 4, R.LDTINFO, 1).status).toBe('EFI_NOT_FOUND');
    for (const n of [11, 47, 515, 600]) expect(readSaveState(s.m, 8, n, 1).status, String(n)).toBe('EFI_NOT_FOUND');
    expect(readSaveState(s.m, 2, R.LMA, 1).status).toBe('EFI_INVALID_PARAMETER');
  });

  it('§12.7 CR0/CR3/CR4/DRx read as 8 bytes (low dword + high dword), the saved CS selector as 2', () => {
    const s = paused();
    expect(readSaveState(s.m, 8, R.CR3, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: read64(s.m.s.mem, at(s, 1, 0x7f50)) });
    expect(readSaveState(s.m, 2, R.CS, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: BigInt(read32(s.m.s.mem, at(s, 1, 0x7e10)) & 0xffff) });
  });

  it('§12.7 upstream table quirk: IDTBASE names its low dword twice, so an 8-byte read repeats it; GDTBASE reads both halves', () => {
    const s = paused();
    write64(s.m.s.mem, at(s, 1, 0x7e88), 0xfffffe0012345678n);
    write64(s.m.s.mem, at(s, 1, 0x7e68), 0xfffffe0087654321n);
    const idt = readSaveState(s.m, 8, R.IDTBASE, 1);
    expect(idt).toMatchObject({ status: 'EFI_SUCCESS', value: 0x1234567812345678n });
    expect(idt.status === 'EFI_SUCCESS' && idt.note).toMatch(/low dword as its high offset/);
    expect(readSaveState(s.m, 8, R.GDTBASE, 1)).toMatchObject({ status: 'EFI_SUCCESS', value: 0xfffffe0087654321n });
  });

  it('§5.1/§12.7 IO: EFI_NOT_FOUND while IO_DWord bit 1 is clear; the lib ignores Width (a short Buffer still gets 24 bytes)', () => {
    const s = paused();
    expect(readSaveState(s.m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 0).status).toBe('EFI_NOT_FOUND');
    write32(s.m.s.mem, at(s, 0, 0x7ec0), (0xb2 << 16) | 0x10 | 0x2); // as if the CPU had described its OUT (CPU0 executed it: AL = 4)
    const r = readSaveState(s.m, 1, R.IO, 0);
    expect(r).toMatchObject({ status: 'EFI_SUCCESS', io: { ioPort: 0xb2, ioWidth: 0, ioType: 2, ioData: 0x04n } });
    expect(r.status === 'EFI_SUCCESS' && r.note).toMatch(/does not check Width/);
  });
});
