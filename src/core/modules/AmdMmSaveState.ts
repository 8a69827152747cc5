/**
 * The AMD MmSaveStateLib OVMF links (UefiCpuPkg/Library/MmSaveStateLib/AmdMmSaveState.c, mapped in
 * OvmfPkg/OvmfPkgX64.dsc): MmSaveStateReadRegister / MmSaveStateWriteRegister on the AMD64 map
 * QEMU and KVM write, through its `mCpuWidthOffset` table. Facts §12.7 (write rules, LMA), §5.1 (IO).
 * Chosen by SmmCpuSaveState.ts for the amd64-* layouts.
 */

import { read32 } from '../machine/Memory';
import { SMM_HANDLER_OFFSET } from '../machine/SaveStateField';
import { hex } from '../pi/Fw';
import type { Machine } from '../pi/Platform';
import {
  EFI_MM_SAVE_STATE_IO_INFO_SIZE,
  EFI_MM_SAVE_STATE_REGISTER,
  EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT,
  type IoInfo,
  type MmSaveStateLib,
  lazyNotFound,
  readThroughRow,
  registerName,
  type SaveStateLookupEntry,
  type SaveStateRead,
  type SaveStateWrite,
  writeThroughRow,
} from './MmSaveStateCommon';

const e = (register: number, width64: SaveStateLookupEntry['width64'], lo: number, hi: number, writeable: boolean, field: string): SaveStateLookupEntry =>
  ({ register, width64, lo, hi, writeable, field });
const R = EFI_MM_SAVE_STATE_REGISTER;

export const AMD_LIB = 'UefiCpuPkg/Library/MmSaveStateLib/AmdMmSaveState.c';

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

/** MmSaveStateReadRegisterByIndex: low dword MIN (4, Width) bytes, then Width - 4 bytes at the high offset. */
function readByIndex(m: Machine, smbase: number, row: SaveStateLookupEntry | undefined, width: number, register: number): SaveStateRead {
  if (!row) return { status: 'EFI_NOT_FOUND', why: `register ${register} has no row in mCpuWidthOffset (MmSaveStateGetRegisterIndex returns 0)` };
  if (row.width64 === 0) return { status: 'EFI_NOT_FOUND', why: `${registerName(register)}: Width64 is 0 in mCpuWidthOffset` };
  if (width > row.width64) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > ${row.width64} (${row.field} is ${row.width64} bytes in mCpuWidthOffset)` };
  const value = readThroughRow(m, smbase, row, width);
  if (row.hi === row.lo && width > 4) {
    return { status: 'EFI_SUCCESS', value, note: `upstream table quirk: the ${registerName(register)} row of mCpuWidthOffset (${AMD_LIB}) names the low dword as its high offset too, so the upper 4 bytes repeat the lower ones` };
  }
  return { status: 'EFI_SUCCESS', value };
}

/** MmSaveStateReadRegister (AmdMmSaveState.c), a pure read of SMRAM bytes. */
function readRegister(m: Machine, smbase: number, register: number, width: number): SaveStateRead {
  if (register === R.LMA) {
    if (width !== 1) return { status: 'EFI_INVALID_PARAMETER', why: 'LMA: only Width 1 is supported' };
    // MmSaveStateGetRegisterLma: "AMD64 processors support EFI_SMM_SAVE_STATE_REGISTER_LMA_64BIT only".
    return { status: 'EFI_SUCCESS', value: BigInt(EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT) };
  }
  if (register === R.IO) {
    // IO_DWord (SMBASE + 0xFEC0) bit 1 = valid. QEMU TCG never writes it; KVM zeroes it (facts §5.1, §12.10).
    const ioDword = read32(m.s.mem, smbase + SMM_HANDLER_OFFSET + 0x7ec0);
    if (!(ioDword & 0x2)) return lazyNotFound(undefined, () => `IO_DWord (SMBASE+0xFEC0) = ${hex(ioDword, 8)}: bit 1 (valid) clear - QEMU does not describe the trapped OUT in the save state`);
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

/** MmSaveStateWriteRegister (AmdMmSaveState.c), on SMRAM bytes. */
function writeRegister(m: Machine, smbase: number, register: number, width: number, value: bigint): SaveStateWrite {
  if (register === R.LMA) return { status: 'EFI_SUCCESS', why: 'writes to LMA are ignored', written: false };
  if (register === R.IO) return { status: 'EFI_NOT_FOUND', why: 'writes to the IO pseudo-register are not supported', written: false };
  const row = lookupSaveStateRegister(register);
  if (!row) return { status: 'EFI_NOT_FOUND', why: `register ${register} has no row in mCpuWidthOffset (MmSaveStateGetRegisterIndex returns 0)`, written: false };
  if (!row.writeable) return { status: 'EFI_UNSUPPORTED', why: `${registerName(register)} is not Writeable in mCpuWidthOffset (${AMD_LIB}): only R8-R15, RAX-RDI, RIP and RFLAGS are`, written: false };
  if (row.width64 === 0) return { status: 'EFI_NOT_FOUND', why: `${registerName(register)}: Width64 is 0`, written: false };
  if (width > row.width64) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > ${row.width64} (${row.field} is ${row.width64} bytes)`, written: false };
  writeThroughRow(m, smbase, row, width, value);
  return width === 0
    ? { status: 'EFI_SUCCESS', why: 'Width 0: nothing copied', written: false }
    : { status: 'EFI_SUCCESS', why: `${row.field} @ ${hex(smbase + SMM_HANDLER_OFFSET + row.lo)}`, written: true };
}

export const AMD_MM_SAVE_STATE_LIB: MmSaveStateLib = { file: AMD_LIB, readRegister, writeRegister };
