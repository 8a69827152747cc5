/**
 * EFI_MM_CPU_PROTOCOL.ReadSaveState / WriteSaveState as OVMF builds them: PiSmmCpuDxeSmm's
 * SmmReadSaveState / SmmWriteSaveState (UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuCommon.c) in front of
 * the AMD MmSaveStateLib (UefiCpuPkg/Library/MmSaveStateLib/AmdMmSaveState.c, mapped in
 * OvmfPkg/OvmfPkgX64.dsc), which reads and writes the save-state bytes in SMRAM through its
 * `mCpuWidthOffset` table. Facts §12.7 (write rules, Present quirk, LMA), §5.1 (IO), §3.4.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import type { Machine } from '../pi/Platform';
import { read32, readBytes, writeBytes } from '../machine/Memory';
import { SMM_HANDLER_OFFSET } from '../machine/SaveStateMap';
import { type Fw } from '../pi/Platform';
import { type Gen, hex, lazyEv } from '../pi/Fw';
import { outCpuOf } from '../pi/SmiRecord';

/** EFI_MM_SAVE_STATE_REGISTER numbers (MdePkg/Include/Protocol/MmCpu.h, facts §3.4). */
export const EFI_MM_SAVE_STATE_REGISTER: Record<string, number> = {
  GDTBASE: 4, IDTBASE: 5, LDTBASE: 6, GDTLIMIT: 7, IDTLIMIT: 8, LDTLIMIT: 9, LDTINFO: 10,
  ES: 20, CS: 21, SS: 22, DS: 23, FS: 24, GS: 25, LDTR_SEL: 26, TR_SEL: 27, DR7: 28, DR6: 29,
  R8: 30, R9: 31, R10: 32, R11: 33, R12: 34, R13: 35, R14: 36, R15: 37,
  RAX: 38, RBX: 39, RCX: 40, RDX: 41, RSP: 42, RBP: 43, RSI: 44, RDI: 45, RIP: 46,
  RFLAGS: 51, CR0: 52, CR3: 53, CR4: 54, IO: 512, LMA: 513, PROCESSOR_ID: 514,
};

/** EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT: what MmSaveStateGetRegisterLma always returns on AMD64. */
export const EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT = 64;

/** sizeof (EFI_MM_SAVE_STATE_IO_INFO) on X64: UINT64 IoData, UINT16 IoPort, two enums (padded). */
export const EFI_MM_SAVE_STATE_IO_INFO_SIZE = 24;

export function registerName(n: number): string {
  return Object.entries(EFI_MM_SAVE_STATE_REGISTER).find(([, v]) => v === n)?.[0] ?? String(n);
}

/**
 * One row of AmdMmSaveState.c's mCpuWidthOffset (CPU_MM_SAVE_STATE_LOOKUP_ENTRY, 64-bit columns):
 * Width64, the offsets of the low and high dwords, and the Writeable flag. Offsets here count from
 * SMBASE + 0x8000 like the rest of SmiScope (the table's MM_CPU_OFFSET counts from SMBASE + 0xFC00).
 */
export interface SaveStateLookupEntry {
  register: number;
  width64: 0 | 2 | 4 | 8;
  lo: number;
  hi: number;
  writeable: boolean;
  /** Field of the AMD64 map it reads, for event text. */
  field: string;
}

const e = (register: number, width64: SaveStateLookupEntry['width64'], lo: number, hi: number, writeable: boolean, field: string): SaveStateLookupEntry =>
  ({ register, width64, lo, hi, writeable, field });
const R = EFI_MM_SAVE_STATE_REGISTER;

/**
 * The table as upstream has it, typos included: the IDTBASE and LDTBASE rows name the LOW dword
 * as their high offset too (`_IDTRBaseLoDword`, `_LDTRBaseLoDword` twice), so an 8-byte read of
 * either returns the low dword twice. SmiScope models the code, not the intent.
 */
export const MM_CPU_WIDTH_OFFSET: readonly SaveStateLookupEntry[] = [
  e(R.GDTBASE, 8, 0x7e68, 0x7e6c, false, 'GDTR.Base'),
  e(R.IDTBASE, 8, 0x7e88, 0x7e88, false, 'IDTR.Base'),
  e(R.LDTBASE, 8, 0x7e78, 0x7e78, false, 'LDTR.Base'),
  e(R.GDTLIMIT, 2, 0x7e64, 0, false, 'GDTR.Limit'),
  e(R.IDTLIMIT, 2, 0x7e84, 0, false, 'IDTR.Limit'),
  e(R.LDTLIMIT, 4, 0x7e74, 0, false, 'LDTR.Limit'),
  e(R.LDTINFO, 0, 0, 0, false, '(none)'),
  e(R.ES, 2, 0x7e00, 0, false, 'ES.Selector'),
  e(R.CS, 2, 0x7e10, 0, false, 'CS.Selector'),
  e(R.SS, 2, 0x7e20, 0, false, 'SS.Selector'),
  e(R.DS, 2, 0x7e30, 0, false, 'DS.Selector'),
  e(R.FS, 2, 0x7e40, 0, false, 'FS.Selector'),
  e(R.GS, 2, 0x7e50, 0, false, 'GS.Selector'),
  e(R.LDTR_SEL, 2, 0x7e70, 0, false, 'LDTR.Selector'),
  e(R.TR_SEL, 2, 0x7e90, 0, false, 'TR.Selector'),
  e(R.DR7, 8, 0x7f60, 0x7f64, false, 'DR7'),
  e(R.DR6, 8, 0x7f68, 0x7f6c, false, 'DR6'),
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => e(R[`R${n}`], 8, 0x7ff8 - n * 8, 0x7ffc - n * 8, true, `R${n}`)),
  e(R.RAX, 8, 0x7ff8, 0x7ffc, true, 'RAX'),
  e(R.RBX, 8, 0x7fe0, 0x7fe4, true, 'RBX'),
  e(R.RCX, 8, 0x7ff0, 0x7ff4, true, 'RCX'),
  e(R.RDX, 8, 0x7fe8, 0x7fec, true, 'RDX'),
  e(R.RSP, 8, 0x7fd8, 0x7fdc, true, 'RSP'),
  e(R.RBP, 8, 0x7fd0, 0x7fd4, true, 'RBP'),
  e(R.RSI, 8, 0x7fc8, 0x7fcc, true, 'RSI'),
  e(R.RDI, 8, 0x7fc0, 0x7fc4, true, 'RDI'),
  e(R.RIP, 8, 0x7f78, 0x7f7c, true, 'RIP'),
  e(R.RFLAGS, 8, 0x7f70, 0x7f74, true, 'RFLAGS'),
  e(R.CR0, 8, 0x7f58, 0x7f5c, false, 'CR0'),
  e(R.CR3, 8, 0x7f50, 0x7f54, false, 'CR3'),
  e(R.CR4, 8, 0x7f48, 0x7f4c, false, 'CR4'),
];

/** MmSaveStateGetRegisterIndex: only GDTBASE..LDTINFO, ES..RIP and RFLAGS..CR4 have a row. */
const LOOKUP: (SaveStateLookupEntry | undefined)[] = [];
for (const row of MM_CPU_WIDTH_OFFSET) LOOKUP[row.register] = row;

export function lookupSaveStateRegister(register: number): SaveStateLookupEntry | undefined {
  return register >= 0 && register < LOOKUP.length ? LOOKUP[register] : undefined;
}

export interface IoInfo {
  ioData: bigint;
  ioPort: number;
  /** EFI_MM_SAVE_STATE_IO_WIDTH: 0 = UINT8, 1 = UINT16, 2 = UINT32. */
  ioWidth: number;
  /** EFI_MM_SAVE_STATE_IO_TYPE: 1 = INPUT, 2 = OUTPUT. */
  ioType: number;
}

export type SaveStateRead =
  | { status: 'EFI_SUCCESS'; value: bigint; io?: IoInfo; note?: string }
  | { status: Exclude<EfiStatus, 'EFI_SUCCESS'>; why: string };

export interface SaveStateWrite {
  status: EfiStatus;
  why: string;
  /** False when the call succeeds without writing (LMA, PROCESSOR_ID, Width 0). */
  written: boolean;
  /** Set when the upstream Present-pointer quirk let a write through to a CPU not in this SMI. */
  quirk?: string;
}

const PI_SMM_CPU_COMMON = 'UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuCommon.c';
const AMD_LIB = 'UefiCpuPkg/Library/MmSaveStateLib/AmdMmSaveState.c';

function readLE(m: Machine, addr: number, n: number): bigint {
  if (n <= 0) return 0n;
  const raw = readBytes(m.s.mem, addr, n);
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
  return v;
}

/** MmSaveStateReadRegisterByIndex: low dword MIN (4, Width) bytes, then Width - 4 bytes at the high offset. */
function readByIndex(m: Machine, smbase: number, row: SaveStateLookupEntry | undefined, width: number, register: number): SaveStateRead {
  if (!row) return { status: 'EFI_NOT_FOUND', why: `register ${register} has no row in mCpuWidthOffset (MmSaveStateGetRegisterIndex returns 0)` };
  if (row.width64 === 0) return { status: 'EFI_NOT_FOUND', why: `${registerName(register)}: Width64 is 0 in mCpuWidthOffset` };
  if (width > row.width64) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > ${row.width64} (${row.field} is ${row.width64} bytes in mCpuWidthOffset)` };
  const base = smbase + SMM_HANDLER_OFFSET;
  let value = readLE(m, base + row.lo, Math.min(4, width));
  if (width > 4) value |= readLE(m, base + row.hi, width - 4) << 32n;
  if (row.hi === row.lo && width > 4) {
    return { status: 'EFI_SUCCESS', value, note: `upstream table quirk: the ${registerName(register)} row of mCpuWidthOffset (${AMD_LIB}) names the low dword as its high offset too, so the upper 4 bytes repeat the lower ones` };
  }
  return { status: 'EFI_SUCCESS', value };
}

/** SmmReadSaveState (PiSmmCpuCommon.c) + MmSaveStateReadRegister (AmdMmSaveState.c), a pure read of SMRAM bytes. */
export function readSaveState(m: Machine, width: number, register: number, cpuIndex: number): SaveStateRead {
  const s = m.s;
  if (cpuIndex < 0 || cpuIndex >= s.cpus.length) return { status: 'EFI_INVALID_PARAMETER', why: `CpuIndex ${cpuIndex} >= gMmst->NumberOfCpus ${s.cpus.length}` };
  const cpu = s.cpus[cpuIndex];
  // SmmReadSaveState dereferences the Present pointer here (unlike SmmWriteSaveState).
  const present = s.mp.present[cpuIndex];
  if (register === R.PROCESSOR_ID) {
    if (width !== 8) return { status: 'EFI_INVALID_PARAMETER', why: 'PROCESSOR_ID needs Width 8 (sizeof (UINT64))' };
    if (!present) return { status: 'EFI_NOT_FOUND', why: `*CpuData[${cpuIndex}].Present is FALSE: CPU${cpuIndex} is not in this SMI` };
    return { status: 'EFI_SUCCESS', value: BigInt(cpu.apicId) };
  }
  if (!present) return { status: 'EFI_INVALID_PARAMETER', why: `*CpuData[${cpuIndex}].Present is FALSE: CPU${cpuIndex} did not check in to this SMI` };
  const smbase = cpu.smbase;
  if (register === R.LMA) {
    if (width !== 1) return { status: 'EFI_INVALID_PARAMETER', why: 'LMA: only Width 1 is supported' };
    // MmSaveStateGetRegisterLma: "AMD64 processors support EFI_SMM_SAVE_STATE_REGISTER_LMA_64BIT only".
    return { status: 'EFI_SUCCESS', value: BigInt(EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT) };
  }
  if (register === R.IO) {
    // IO_DWord (SMBASE + 0xFEC0) bit 1 = valid. QEMU TCG never writes it; KVM zeroes it (facts §5.1, §12.10).
    const ioDword = read32(s.mem, smbase + SMM_HANDLER_OFFSET + 0x7ec0);
    if (!(ioDword & 0x2)) return { status: 'EFI_NOT_FOUND', why: `IO_DWord (SMBASE+0xFEC0) = ${hex(ioDword, 8)}: bit 1 (valid) clear - QEMU does not describe the trapped OUT in the save state` };
    const ioWidth = ioDword & 0x10 ? 0 : ioDword & 0x20 ? 1 : 2;
    const dataWidth = [1, 2, 4][ioWidth];
    const rax = readByIndex(m, smbase, LOOKUP[R.RAX], dataWidth, R.RAX);
    const io: IoInfo = { ioData: rax.status === 'EFI_SUCCESS' ? rax.value : 0n, ioPort: ioDword >>> 16, ioWidth, ioType: ioDword & 1 ? 1 : 2 };
    // The lib never looks at Width: it fills a whole EFI_MM_SAVE_STATE_IO_INFO into Buffer.
    return width < EFI_MM_SAVE_STATE_IO_INFO_SIZE
      ? { status: 'EFI_SUCCESS', value: 0n, io, note: `Width ${width} < sizeof (EFI_MM_SAVE_STATE_IO_INFO) = 24, but MmSaveStateReadRegister does not check Width and writes all 24 bytes into Buffer` }
      : { status: 'EFI_SUCCESS', value: 0n, io };
  }
  return readByIndex(m, smbase, lookupSaveStateRegister(register), width, register);
}

/** SmmWriteSaveState (PiSmmCpuCommon.c) + MmSaveStateWriteRegister (AmdMmSaveState.c), on SMRAM bytes. */
export function writeSaveState(m: Machine, width: number, register: number, cpuIndex: number, value: bigint): SaveStateWrite {
  const s = m.s;
  if (cpuIndex < 0 || cpuIndex >= s.cpus.length) return { status: 'EFI_INVALID_PARAMETER', why: `CpuIndex ${cpuIndex} >= gMmst->NumberOfCpus ${s.cpus.length}`, written: false };
  if (register === R.PROCESSOR_ID) return { status: 'EFI_SUCCESS', why: 'writes to PROCESSOR_ID are ignored', written: false };
  // `if (!mSmmMpSyncData->CpuData[CpuIndex].Present)` tests the POINTER (never NULL), not the
  // BOOLEAN it points to, so a CPU that is not in this SMI is never rejected here.
  const cpu = s.cpus[cpuIndex];
  const quirk = s.mp.present[cpuIndex]
    ? undefined
    : cpu.inSmm
      ? `upstream quirk (${PI_SMM_CPU_COMMON} SmmWriteSaveState tests the Present pointer, not *Present): CPU${cpuIndex} has not checked in to this SMI but is in SMM, so the write lands and its RSM loads it`
      : `upstream quirk (${PI_SMM_CPU_COMMON} SmmWriteSaveState tests the Present pointer, not *Present): CPU${cpuIndex} is not in this SMI, yet the write goes ahead into its save state; nothing loads it, and CPU${cpuIndex}'s next SMM entry overwrites it`;
  const r = writeRegister(m, cpu.smbase, width, register, value);
  return quirk && r.status === 'EFI_SUCCESS' ? { ...r, quirk } : r;
}

function writeRegister(m: Machine, smbase: number, width: number, register: number, value: bigint): SaveStateWrite {
  if (register === R.LMA) return { status: 'EFI_SUCCESS', why: 'writes to LMA are ignored', written: false };
  if (register === R.IO) return { status: 'EFI_NOT_FOUND', why: 'writes to the IO pseudo-register are not supported', written: false };
  const row = lookupSaveStateRegister(register);
  if (!row) return { status: 'EFI_NOT_FOUND', why: `register ${register} has no row in mCpuWidthOffset (MmSaveStateGetRegisterIndex returns 0)`, written: false };
  if (!row.writeable) return { status: 'EFI_UNSUPPORTED', why: `${registerName(register)} is not Writeable in mCpuWidthOffset (${AMD_LIB}): only R8-R15, RAX-RDI, RIP and RFLAGS are`, written: false };
  if (row.width64 === 0) return { status: 'EFI_NOT_FOUND', why: `${registerName(register)}: Width64 is 0`, written: false };
  if (width > row.width64) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > ${row.width64} (${row.field} is ${row.width64} bytes)`, written: false };
  const base = smbase + SMM_HANDLER_OFFSET;
  const v = BigInt.asUintN(64, value);
  const lo = Math.min(4, width);
  const bytes = new Uint8Array(width);
  for (let i = 0; i < width; i++) bytes[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  if (lo > 0) writeBytes(m.s.mem, base + row.lo, bytes.subarray(0, lo));
  if (width > 4) writeBytes(m.s.mem, base + row.hi, bytes.subarray(4));
  return width === 0
    ? { status: 'EFI_SUCCESS', why: 'Width 0: nothing copied', written: false }
    : { status: 'EFI_SUCCESS', why: `${row.field} @ ${hex(base + row.lo)}`, written: true };
}

/** EFI_MM_CPU_PROTOCOL.ReadSaveState as a service call a handler makes. */
export function* MmCpuReadSaveState(fw: Fw, width: number, register: number, cpuIndex: number): Gen<SaveStateRead> {
  const r = readSaveState(fw.m, width, register, cpuIndex);
  yield lazyEv('handler', fw.cpu, () =>
    `${fw.mod.name}: mMmCpu->ReadSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}) = ${r.status}${r.status === 'EFI_SUCCESS' ? `, ${hex(r.value)}${r.note ? ` (${r.note})` : ''}` : ` (${r.why})`}`);
  return r;
}

/**
 * What the model knows and the handler cannot: an answer in RAX reaches the program that raised a
 * software SMI only if it goes to the CPU that executed the OUT to 0xB2 (SmiScope's note, not
 * firmware text).
 */
function callerNote(out: number | null, register: number, cpuIndex: number): string {
  if (register !== R.RAX || out === null || out === cpuIndex) return '';
  return `. The OUT to 0xB2 came from CPU${out}: its saved RAX is not written, so that caller gets nothing back (real drivers answer through a Communicate buffer instead)`;
}

/** EFI_MM_CPU_PROTOCOL.WriteSaveState; the event says whether RSM will load the value. */
export function* MmCpuWriteSaveState(fw: Fw, width: number, register: number, cpuIndex: number, value: bigint): Gen<EfiStatus> {
  const r = writeSaveState(fw.m, width, register, cpuIndex, value);
  const out = outCpuOf(fw.m.s.currentSmi); // now: the text is made later, when the SMI may be over
  yield lazyEv('handler', fw.cpu, () => {
    const head = `${fw.mod.name}: mMmCpu->WriteSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}, ${hex(value)}) = ${r.status} (${r.why})`;
    if (r.quirk) return `${head}; ${r.quirk}`;
    return r.written ? `${head}; RSM will load it${callerNote(out, register, cpuIndex)}` : head;
  });
  return r.status;
}

