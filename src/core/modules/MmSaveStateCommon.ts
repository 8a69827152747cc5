/**
 * What the two MmSaveStateLib flavours share, and what PiSmmCpuDxeSmm's Read/WriteSaveState
 * front (SmmCpuSaveState.ts) hands them: the EFI_MM_SAVE_STATE_REGISTER numbers and the IO info
 * of MdePkg/Include/Protocol/MmCpu.h (facts §3.4), the lookup-table row of
 * UefiCpuPkg/Library/MmSaveStateLib/MmSaveState.h (CPU_MM_SAVE_STATE_LOOKUP_ENTRY, its 64-bit
 * columns), and the copy both libraries make through a row: the low MIN (4, Width) bytes at the
 * low offset, then Width - 4 bytes at the high offset (MmSaveStateReadRegisterByIndex /
 * MmSaveStateWriteRegister). The libraries themselves: AmdMmSaveState.ts, IntelMmSaveState.ts.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import { read32, read8, write8 } from '../machine/Memory';
import { SMM_HANDLER_OFFSET } from '../machine/SaveStateField';
import type { Machine } from '../pi/Platform';

/** EFI_MM_SAVE_STATE_REGISTER numbers (MdePkg/Include/Protocol/MmCpu.h, facts §3.4). */
export const EFI_MM_SAVE_STATE_REGISTER: Record<string, number> = {
  GDTBASE: 4, IDTBASE: 5, LDTBASE: 6, GDTLIMIT: 7, IDTLIMIT: 8, LDTLIMIT: 9, LDTINFO: 10,
  ES: 20, CS: 21, SS: 22, DS: 23, FS: 24, GS: 25, LDTR_SEL: 26, TR_SEL: 27, DR7: 28, DR6: 29,
  R8: 30, R9: 31, R10: 32, R11: 33, R12: 34, R13: 35, R14: 36, R15: 37,
  RAX: 38, RBX: 39, RCX: 40, RDX: 41, RSP: 42, RBP: 43, RSI: 44, RDI: 45, RIP: 46,
  RFLAGS: 51, CR0: 52, CR3: 53, CR4: 54, IO: 512, LMA: 513, PROCESSOR_ID: 514,
};

/** EFI_MM_SAVE_STATE_REGISTER_LMA_32BIT / _64BIT: the two answers of the LMA pseudo-register. */
export const EFI_MM_SAVE_STATE_REGISTER_LMA_32BIT = 32;
export const EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT = 64;

/** sizeof (EFI_MM_SAVE_STATE_IO_INFO) on X64: UINT64 IoData, UINT16 IoPort, two enums (padded). */
export const EFI_MM_SAVE_STATE_IO_INFO_SIZE = 24;

/** EFI_MM_SAVE_STATE_IO_WIDTH and EFI_MM_SAVE_STATE_IO_TYPE (facts §3.4). */
export const EFI_MM_SAVE_STATE_IO_WIDTH = { UINT8: 0, UINT16: 1, UINT32: 2, UINT64: 3 } as const;
export const EFI_MM_SAVE_STATE_IO_TYPE = { INPUT: 1, OUTPUT: 2, STRING: 4, REP_PREFIX: 8 } as const;

export function registerName(n: number): string {
  return Object.entries(EFI_MM_SAVE_STATE_REGISTER).find(([, v]) => v === n)?.[0] ?? String(n);
}

/**
 * One row of a library's mCpuWidthOffset (CPU_MM_SAVE_STATE_LOOKUP_ENTRY, 64-bit columns):
 * Width64, the offsets of the low and high dwords, and the Writeable flag. Offsets here count from
 * SMBASE + 0x8000 like the rest of SmiScope (the table's MM_CPU_OFFSET counts from SMBASE + 0xFC00).
 */
export interface SaveStateLookupEntry {
  register: number;
  width64: 0 | 2 | 4 | 8;
  lo: number;
  hi: number;
  writeable: boolean;
  /** Field of the save-state map it reads (the low dword's, when the halves are two fields), for event text. */
  field: string;
}

export interface IoInfo {
  ioData: bigint;
  ioPort: number;
  /** EFI_MM_SAVE_STATE_IO_WIDTH: 0 = UINT8, 1 = UINT16, 2 = UINT32. */
  ioWidth: number;
  /** EFI_MM_SAVE_STATE_IO_TYPE: 1 = INPUT, 2 = OUTPUT. */
  ioType: number;
}

/**
 * `lib` names the library source that answered when it is not the one OVMF links (the Intel lib):
 * the event text carries it. The AMD lib's answers leave it unset (their text says enough).
 */
export type SaveStateRead =
  | { status: 'EFI_SUCCESS'; value: bigint; io?: IoInfo; note?: string; lib?: string }
  | { status: Exclude<EfiStatus, 'EFI_SUCCESS'>; why: string; lib?: string };

export interface SaveStateWrite {
  status: EfiStatus;
  why: string;
  /** False when the call succeeds without writing (LMA, PROCESSOR_ID, Width 0). */
  written: boolean;
  /** Set when the upstream Present-pointer quirk let a write through to a CPU not in this SMI. */
  quirk?: string;
  lib?: string;
}

/**
 * A MmSaveStateLib flavour: MmSaveStateReadRegister / MmSaveStateWriteRegister on the save state
 * of the CPU whose SMBASE is given (gMmst->CpuSaveState[CpuIndex] = SMBASE + 0xFC00), called by
 * PiSmmCpuCommon.c after its own checks.
 */
export interface MmSaveStateLib {
  /** The upstream source, e.g. UefiCpuPkg/Library/MmSaveStateLib/IntelMmSaveState.c. */
  file: string;
  readRegister(m: Machine, smbase: number, register: number, width: number): SaveStateRead;
  writeRegister(m: Machine, smbase: number, register: number, width: number, value: bigint): SaveStateWrite;
}

/**
 * EFI_NOT_FOUND with its reason formatted only when someone reads it (the event text is lazy too):
 * a SW dispatcher asks every CPU's save state for IO on every SMI, and all but one say no.
 */
export function lazyNotFound(lib: string | undefined, why: () => string): SaveStateRead {
  return new LazyNotFound(lib, why);
}

/** A class, not an object literal with a getter (V8 builds those slowly). */
class LazyNotFound {
  readonly status = 'EFI_NOT_FOUND';
  private text: string | undefined = undefined;
  constructor(
    readonly lib: string | undefined,
    private readonly fmt: () => string,
  ) {}
  get why(): string {
    return (this.text ??= this.fmt());
  }
}

/** `n` little-endian bytes of memory (n <= 8) as a number: exact up to 6 bytes (the callers read at most 4 at a time). */
export function readLENumber(m: Machine, addr: number, n: number): number {
  const mem = m.s.mem;
  if (n === 4) return read32(mem, addr);
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + read8(mem, addr + i);
  return v;
}

/** `n` little-endian bytes of memory (n <= 8) as an exact unsigned value: 32-bit halves, one BigInt. */
export function readLE(m: Machine, addr: number, n: number): bigint {
  if (n <= 0) return 0n;
  if (n <= 4) return BigInt(readLENumber(m, addr, n));
  return (BigInt(readLENumber(m, addr + 4, n - 4)) << 32n) | BigInt(read32(m.s.mem, addr));
}

/**
 * The read both libraries make through a row: MIN (4, Width) bytes at the low offset, then Width - 4
 * at the high one. Widths up to 4 in plain numbers (readRowNumber); the high half joins as a BigInt.
 */
export function readThroughRow(m: Machine, smbase: number, row: SaveStateLookupEntry, width: number): bigint {
  const lo = readRowNumber(m, smbase, row, Math.min(4, width));
  if (width <= 4) return BigInt(lo);
  const hi = readLENumber(m, smbase + SMM_HANDLER_OFFSET + row.hi, width - 4);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** readThroughRow for a Width of at most 4 (the IO pseudo-register's SMMRevId and IOMisc dwords, an 8-bit IoData), as a number. */
export function readRowNumber(m: Machine, smbase: number, row: SaveStateLookupEntry, width: number): number {
  return width <= 0 ? 0 : readLENumber(m, smbase + SMM_HANDLER_OFFSET + row.lo, width);
}

/** The write both libraries make through a row (the same split as readThroughRow), in two 32-bit halves. */
export function writeThroughRow(m: Machine, smbase: number, row: SaveStateLookupEntry, width: number, value: bigint): void {
  const base = smbase + SMM_HANDLER_OFFSET;
  const v = BigInt.asUintN(64, value);
  const mem = m.s.mem;
  const lo = Number(v & 0xffffffffn);
  for (let i = 0; i < width && i < 4; i++) write8(mem, base + row.lo + i, lo >>> (8 * i));
  if (width <= 4) return;
  const hi = Number(v >> 32n);
  for (let i = 0; i < width - 4; i++) write8(mem, base + row.hi + i, hi >>> (8 * i));
}
