/**
 * The Intel MmSaveStateLib (UefiCpuPkg/Library/MmSaveStateLib/IntelMmSaveState.c with
 * MmSaveStateCommon.c, IntelMmSaveStateLib.inf): MmSaveStateReadRegister / MmSaveStateWriteRegister
 * on the Intel 64 map (SMRAM_SAVE_STATE_MAP64, facts §7.2) through its own `mCpuWidthOffset`
 * table. Chosen by SmmCpuSaveState.ts when the machine's layout is intel64. Facts §7.5, §7.6, §3.4.
 *
 * How it differs from the AMD lib (AmdMmSaveState.ts):
 *  - the table has three rows of its own before the PI registers (SMMRevId, IOMisc, IOMemAddr),
 *    so MmSaveStateGetRegisterIndex (MmSaveStateCommon.c) starts the PI ranges at index 4;
 *  - the descriptor-table bases read their two halves from GdtBaseLo/HiDword etc. (no repeated
 *    low dword), the limits and LDTINFO have width 0 (EFI_NOT_FOUND), selectors and CR4 are 4 bytes;
 *  - IO comes from IOMisc: revision >= 0x30004, SmiFlag, the type and length tables, and (unlike
 *    the AMD lib) Width must hold a whole EFI_MM_SAVE_STATE_IO_INFO, else EFI_INVALID_PARAMETER;
 *  - LMA comes from CPUID (what the processor can do), not from the interrupted EFER.LMA.
 * The Writeable rows are the same as the AMD lib's: R8-R15, RAX-RDI, RIP, RFLAGS.
 */

import { SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC } from '../machine/IoMisc';
import { SMM_HANDLER_OFFSET } from '../machine/SaveStateField';
import { hex } from '../pi/Fw';
import type { Machine } from '../pi/Platform';
import {
  EFI_MM_SAVE_STATE_IO_INFO_SIZE,
  EFI_MM_SAVE_STATE_IO_TYPE,
  EFI_MM_SAVE_STATE_IO_WIDTH,
  EFI_MM_SAVE_STATE_REGISTER,
  EFI_MM_SAVE_STATE_REGISTER_LMA_32BIT,
  EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT,
  lazyNotFound,
  type MmSaveStateLib,
  readRowNumber,
  readThroughRow,
  registerName,
  type SaveStateLookupEntry,
  type SaveStateRead,
  type SaveStateWrite,
  writeThroughRow,
} from './MmSaveStateCommon';

export const INTEL_LIB = 'UefiCpuPkg/Library/MmSaveStateLib/IntelMmSaveState.c';
const COMMON = 'MmSaveStateCommon.c';
const R = EFI_MM_SAVE_STATE_REGISTER;

/** The lib's own rows (INTEL_MM_SAVE_STATE_REGISTER_*_INDEX) and where the PI ranges start. */
export const INTEL_MM_SAVE_STATE_REGISTER_SMMREVID_INDEX = 1;
export const INTEL_MM_SAVE_STATE_REGISTER_IOMISC_INDEX = 2;
export const INTEL_MM_SAVE_STATE_REGISTER_IOMEMADDR_INDEX = 3;
export const INTEL_MM_SAVE_STATE_REGISTER_MAX_INDEX = 4;

const e = (register: number, width64: SaveStateLookupEntry['width64'], lo: number, hi: number, writeable: boolean, field: string): SaveStateLookupEntry =>
  ({ register, width64, lo, hi, writeable, field });
/** A row with no register number (index 0 and the lib's internal rows). */
const NONE = -1;

/**
 * mCpuWidthOffset of IntelMmSaveState.c, 64-bit columns (Width64, Offset64Lo, Offset64Hi,
 * Writeable), indexed as upstream: [0] reserved, [1..3] the lib's internal rows, then
 * GDTBASE..LDTINFO, ES..RIP, RFLAGS..CR4. The 32-bit columns (Width32, Offset32) serve a CPU
 * without Intel 64, whose map is SMRAM_SAVE_STATE_MAP32; the modelled CPU is not one (see
 * mmSaveStateGetRegisterLma), so the lib never uses them here and they are left out.
 */
export const INTEL_MM_CPU_WIDTH_OFFSET: readonly SaveStateLookupEntry[] = [
  e(NONE, 0, 0, 0, false, '(reserved)'),
  e(NONE, 4, 0x7efc, 0, false, 'SMMRevId'),
  e(NONE, 4, 0x7fa4, 0, false, 'IOMisc'),
  e(NONE, 8, 0x7f9c, 0x7fa0, false, 'IOMemAddr'),
  e(R.GDTBASE, 8, 0x7e8c, 0x7dd0, false, 'GdtBaseLoDword'),
  e(R.IDTBASE, 8, 0x7e94, 0x7dd8, false, 'IdtBaseLoDword'),
  e(R.LDTBASE, 8, 0x7e9c, 0x7dd4, false, 'LdtBaseLoDword'),
  e(R.GDTLIMIT, 0, 0, 0, false, '(none)'),
  e(R.IDTLIMIT, 0, 0, 0, false, '(none)'),
  e(R.LDTLIMIT, 0, 0, 0, false, '(none)'),
  e(R.LDTINFO, 0, 0, 0, false, '(none)'),
  ...['ES', 'CS', 'SS', 'DS', 'FS', 'GS'].map((s, i) => e(R[s], 4, 0x7fa8 + 4 * i, 0, false, `${s}.Selector`)),
  e(R.LDTR_SEL, 4, 0x7fc0, 0, false, 'LDTR.Selector'),
  e(R.TR_SEL, 4, 0x7fc4, 0, false, 'TR.Selector'),
  e(R.DR7, 8, 0x7fc8, 0x7fcc, false, 'DR7'),
  e(R.DR6, 8, 0x7fd0, 0x7fd4, false, 'DR6'),
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => e(R[`R${n}`], 8, 0x7f1c + (15 - n) * 8, 0x7f20 + (15 - n) * 8, true, `R${n}`)),
  e(R.RAX, 8, 0x7f5c, 0x7f60, true, 'RAX'),
  e(R.RBX, 8, 0x7f74, 0x7f78, true, 'RBX'),
  e(R.RCX, 8, 0x7f64, 0x7f68, true, 'RCX'),
  e(R.RDX, 8, 0x7f6c, 0x7f70, true, 'RDX'),
  e(R.RSP, 8, 0x7f7c, 0x7f80, true, 'RSP'),
  e(R.RBP, 8, 0x7f84, 0x7f88, true, 'RBP'),
  e(R.RSI, 8, 0x7f8c, 0x7f90, true, 'RSI'),
  e(R.RDI, 8, 0x7f94, 0x7f98, true, 'RDI'),
  e(R.RIP, 8, 0x7fd8, 0x7fdc, true, 'RIP'),
  e(R.RFLAGS, 8, 0x7fe8, 0x7fec, true, 'RFLAGS'),
  e(R.CR0, 8, 0x7ff8, 0x7ffc, false, 'CR0'),
  e(R.CR3, 8, 0x7ff0, 0x7ff4, false, 'CR3'),
  e(R.CR4, 4, 0x7e40, 0, false, 'CR4'),
];

/** mCpuRegisterRanges (MmSaveStateCommon.c): the PI registers that have rows, in table order. */
const RANGES: readonly [number, number][] = [[R.GDTBASE, R.LDTINFO], [R.ES, R.RIP], [R.RFLAGS, R.CR4]];

/** MmSaveStateGetRegisterIndex (Register, INTEL_MM_SAVE_STATE_REGISTER_MAX_INDEX): 0 = no row. */
export function intelRegisterIndex(register: number): number {
  let offset = INTEL_MM_SAVE_STATE_REGISTER_MAX_INDEX;
  for (const [start, end] of RANGES) {
    if (register >= start && register <= end) return register - start + offset;
    offset += end - start + 1;
  }
  return 0;
}

/** The row the lib uses for `register`, undefined when MmSaveStateGetRegisterIndex returns 0. */
export function intelLookupRegister(register: number): SaveStateLookupEntry | undefined {
  const i = intelRegisterIndex(register);
  return i === 0 ? undefined : INTEL_MM_CPU_WIDTH_OFFSET[i];
}

/**
 * What MmSaveStateGetRegisterLma asks CPUID: the display family and model (leaf 1) and, when leaf
 * 0x80000001 exists, its EDX (bit 29 = Intel 64).
 */
export interface LmaCpuid {
  familyId: number;
  modelId: number;
  maxExtendedLeaf: number;
  extendedEdx: number;
}

/**
 * The CPUID SmiScope's Intel CPU answers: Intel 64 (0x80000001 EDX bit 29). SmiScope models no
 * particular core, so the model number is left 0; the lib looks at it only to force 64-bit for
 * family 6 models 0x0F, 0x17 and 0x1C.
 */
export const MODELLED_INTEL_CPUID: LmaCpuid = { familyId: 6, modelId: 0, maxExtendedLeaf: 0x80000008, extendedEdx: 1 << 29 };

/**
 * MmSaveStateGetRegisterLma (IntelMmSaveState.c): 64 when CPUID says the processor supports
 * Intel 64 (or for three early family-6 models), else 32. It asks what the CPU can do, not what
 * the interrupted code was running: a CPU that took the SMI in 32-bit protected mode still answers
 * 64, and the lib keeps reading the 64-bit columns (the Intel 64 CPU always writes the 64-bit map).
 */
export function mmSaveStateGetRegisterLma(c: LmaCpuid = MODELLED_INTEL_CPUID): number {
  let lma = EFI_MM_SAVE_STATE_REGISTER_LMA_32BIT;
  if (c.maxExtendedLeaf >= 0x80000001 && (c.extendedEdx & (1 << 29)) !== 0) lma = EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT;
  if (c.familyId === 6 && (c.modelId === 0x17 || c.modelId === 0x0f || c.modelId === 0x1c)) lma = EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT;
  return lma;
}

/** mSmmCpuIoWidth: IOMisc Length (bits 3:1) -> [bytes, EFI_MM_SAVE_STATE_IO_WIDTH]; 0 bytes = undefined. */
export const SMM_CPU_IO_WIDTH: readonly [number, number][] = [
  [0, EFI_MM_SAVE_STATE_IO_WIDTH.UINT8],
  [1, EFI_MM_SAVE_STATE_IO_WIDTH.UINT8],
  [2, EFI_MM_SAVE_STATE_IO_WIDTH.UINT16],
  [0, EFI_MM_SAVE_STATE_IO_WIDTH.UINT8],
  [4, EFI_MM_SAVE_STATE_IO_WIDTH.UINT32],
  [0, EFI_MM_SAVE_STATE_IO_WIDTH.UINT8],
  [0, EFI_MM_SAVE_STATE_IO_WIDTH.UINT8],
  [0, EFI_MM_SAVE_STATE_IO_WIDTH.UINT8],
];

/** mSmmCpuIoType: IOMisc Type (bits 7:4) -> EFI_MM_SAVE_STATE_IO_TYPE; 0 = undefined. */
const { INPUT, OUTPUT, STRING, REP_PREFIX } = EFI_MM_SAVE_STATE_IO_TYPE;
export const SMM_CPU_IO_TYPE: readonly number[] = [OUTPUT, INPUT, STRING, STRING, 0, 0, REP_PREFIX, REP_PREFIX, OUTPUT, INPUT, 0, 0, 0, 0, 0, 0];

const IO_WIDTH_NAME = ['UINT8', 'UINT16', 'UINT32', 'UINT64'];
const IO_TYPE_NAME: Record<number, string> = { 1: 'INPUT', 2: 'OUTPUT', 4: 'STRING', 8: 'REP_PREFIX' };

/** MmSaveStateReadRegisterByIndex (MmSaveStateCommon.c), the 64-bit branch (LMA is 64: see above). */
function readByIndex(m: Machine, smbase: number, index: number, width: number, register: number): SaveStateRead {
  if (index === 0) return { status: 'EFI_NOT_FOUND', why: `register ${register} has no row in mCpuWidthOffset (MmSaveStateGetRegisterIndex returns 0, ${COMMON})`, lib: INTEL_LIB };
  const row = INTEL_MM_CPU_WIDTH_OFFSET[index];
  if (row.width64 === 0) return { status: 'EFI_NOT_FOUND', why: `${registerName(register)}: Width64 is 0 in mCpuWidthOffset (the Intel 64 map has no field for it)`, lib: INTEL_LIB };
  if (width > row.width64) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > ${row.width64} (${row.field} is ${row.width64} bytes in mCpuWidthOffset)`, lib: INTEL_LIB };
  return { status: 'EFI_SUCCESS', value: readThroughRow(m, smbase, row, width), lib: INTEL_LIB };
}

/** A dword through one of the lib's internal rows (the lib ignores the status of these reads). */
function internal(m: Machine, smbase: number, index: number): number {
  return readRowNumber(m, smbase, INTEL_MM_CPU_WIDTH_OFFSET[index], 4);
}

/** MmSaveStateReadRegister (IntelMmSaveState.c), a pure read of SMRAM bytes. */
function readRegister(m: Machine, smbase: number, register: number, width: number): SaveStateRead {
  if (register === R.LMA) {
    if (width !== 1) return { status: 'EFI_INVALID_PARAMETER', why: 'LMA: only Width 1 is supported', lib: INTEL_LIB };
    const lma = mmSaveStateGetRegisterLma();
    return { status: 'EFI_SUCCESS', value: BigInt(lma), note: `MmSaveStateGetRegisterLma asks CPUID: 0x80000001 EDX bit 29 (Intel 64) is set, so ${lma}, whatever mode the interrupted code ran in`, lib: INTEL_LIB };
  }
  if (register === R.IO) return readIo(m, smbase, width);
  return readByIndex(m, smbase, intelRegisterIndex(register), width, register);
}

/** Where IOMisc is, as the event text prints it. */
const IOMISC_AT = hex(SMM_HANDLER_OFFSET + 0x7fa4);

/** The IO pseudo-register (facts §7.6): every check in upstream order. */
function readIo(m: Machine, smbase: number, width: number): SaveStateRead {
  const rev = internal(m, smbase, INTEL_MM_SAVE_STATE_REGISTER_SMMREVID_INDEX);
  if (rev < SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC) {
    return { status: 'EFI_NOT_FOUND', why: `SMMRevId ${hex(rev, 8)} < SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC 0x00030004: this CPU's map has no IOMisc`, lib: INTEL_LIB };
  }
  const ioMisc = internal(m, smbase, INTEL_MM_SAVE_STATE_REGISTER_IOMISC_INDEX);
  // The common answer (a dispatcher asks every CPU on every SMI): its text is made only when read.
  if (!(ioMisc & 1)) return lazyNotFound(INTEL_LIB, () => `IOMisc (SMBASE+${IOMISC_AT}) = ${hex(ioMisc, 8)}: SmiFlag clear, the SMI did not come right after an I/O instruction of this CPU`);
  const at = `IOMisc (SMBASE+${IOMISC_AT}) = ${hex(ioMisc, 8)}`;
  const type = (ioMisc >>> 4) & 0xf;
  const ioType = SMM_CPU_IO_TYPE[type];
  if (ioType !== INPUT && ioType !== OUTPUT) {
    return { status: 'EFI_NOT_FOUND', why: `${at}: Type ${type} maps to ${ioType ? IO_TYPE_NAME[ioType] : 'nothing'} in mSmmCpuIoType; only IN and OUT are reported`, lib: INTEL_LIB };
  }
  const length = (ioMisc >>> 1) & 7;
  const [bytes, ioWidth] = SMM_CPU_IO_WIDTH[length];
  if (bytes === 0) return { status: 'EFI_NOT_FOUND', why: `${at}: Length ${length} is undefined in mSmmCpuIoWidth`, lib: INTEL_LIB };
  if (width < EFI_MM_SAVE_STATE_IO_INFO_SIZE) {
    return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} < sizeof (EFI_MM_SAVE_STATE_IO_INFO) = ${EFI_MM_SAVE_STATE_IO_INFO_SIZE}: the Intel lib checks the Buffer is large enough (the AMD lib does not)`, lib: INTEL_LIB };
  }
  // ZeroMem, then IoData = the low Length bytes of the saved RAX (MmSaveStateReadRegister (RAX, Length)).
  const rax = readByIndex(m, smbase, intelRegisterIndex(R.RAX), bytes, R.RAX);
  const io = { ioData: rax.status === 'EFI_SUCCESS' ? rax.value : 0n, ioPort: ioMisc >>> 16, ioWidth, ioType };
  return {
    status: 'EFI_SUCCESS',
    value: 0n,
    io,
    note: `${at}: IoPort ${hex(io.ioPort, 2)}, IoWidth ${IO_WIDTH_NAME[ioWidth]}, IoType ${IO_TYPE_NAME[ioType]}, IoData ${hex(io.ioData, 2 * bytes)} (the low ${bytes} byte${bytes === 1 ? '' : 's'} of the saved RAX)`,
    lib: INTEL_LIB,
  };
}

/** MmSaveStateWriteRegister (IntelMmSaveState.c), on SMRAM bytes (the 64-bit branch). */
function writeRegister(m: Machine, smbase: number, register: number, width: number, value: bigint): SaveStateWrite {
  const lib = INTEL_LIB;
  if (register === R.LMA) return { status: 'EFI_SUCCESS', why: 'writes to LMA are ignored', written: false, lib };
  if (register === R.IO) return { status: 'EFI_NOT_FOUND', why: 'writes to the IO pseudo-register are not supported', written: false, lib };
  const index = intelRegisterIndex(register);
  if (index === 0) return { status: 'EFI_NOT_FOUND', why: `register ${register} has no row in mCpuWidthOffset (MmSaveStateGetRegisterIndex returns 0, ${COMMON})`, written: false, lib };
  const row = INTEL_MM_CPU_WIDTH_OFFSET[index];
  if (!row.writeable) return { status: 'EFI_UNSUPPORTED', why: `${registerName(register)} is not Writeable in mCpuWidthOffset: only R8-R15, RAX-RDI, RIP and RFLAGS are`, written: false, lib };
  if (row.width64 === 0) return { status: 'EFI_NOT_FOUND', why: `${registerName(register)}: Width64 is 0`, written: false, lib };
  if (width > row.width64) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > ${row.width64} (${row.field} is ${row.width64} bytes)`, written: false, lib };
  writeThroughRow(m, smbase, row, width, value);
  return width === 0
    ? { status: 'EFI_SUCCESS', why: 'Width 0: nothing copied', written: false, lib }
    : { status: 'EFI_SUCCESS', why: `${row.field} @ ${hex(smbase + SMM_HANDLER_OFFSET + row.lo)}`, written: true, lib };
}

export const INTEL_MM_SAVE_STATE_LIB: MmSaveStateLib = { file: INTEL_LIB, readRegister, writeRegister };
