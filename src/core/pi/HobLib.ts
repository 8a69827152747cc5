/**
 * The HOB list as bytes in memory (PI spec vol. 3; edk2 MdePkg/Include/Pi/PiHob.h, the PEI HobLib
 * MdePkg/Library/PeiHobLib and the DXE/SMM HobLib MdePkg/Library/DxeHobLib). PEI builds HOBs at
 * the end of the list; DXE and SMM drivers find them with GetFirstGuidHob / GetNextGuidHob.
 *
 * Layout used here: the list starts with the PHIT HOB (EFI_HOB_HANDOFF_INFO_TABLE), whose
 * EfiEndOfHobList field points at the END_OF_HOB_LIST HOB; building a HOB overwrites that
 * terminator and writes a new one after it, as PeiServicesCreateHob does.
 */

import type { Machine } from './Platform';
import { read32, read64, write32, write64, writeBytes, readBytes } from '../machine/Memory';
import { type Guid, guidFromBytes, guidToBytes } from '../lib/Guid';

export const EFI_HOB_TYPE_HANDOFF = 0x0001;
export const EFI_HOB_TYPE_GUID_EXTENSION = 0x0004;
export const EFI_HOB_TYPE_CPU = 0x0006;
export const EFI_HOB_TYPE_END_OF_HOB_LIST = 0xffff;

/** sizeof (EFI_HOB_GENERIC_HEADER): UINT16 HobType, UINT16 HobLength, UINT32 Reserved. */
export const EFI_HOB_GENERIC_HEADER_SIZE = 8;
/** sizeof (EFI_HOB_GUID_TYPE): the generic header plus the 16-byte Name. */
export const EFI_HOB_GUID_TYPE_SIZE = 24;
/** sizeof (EFI_HOB_HANDOFF_INFO_TABLE) on X64. */
const PHIT_SIZE = 56;
const PHIT_END_OF_HOB_LIST = 48;
/** sizeof (EFI_HOB_CPU): header, UINT8 SizeOfMemorySpace, UINT8 SizeOfIoSpace, UINT8 Reserved[6]. */
const CPU_HOB_SIZE = 16;
/** HobLength is a UINT16: the largest HOB is 0xFFF8 bytes (PeiHobLib BuildGuidHob's ASSERT). */
export const MAX_HOB_LENGTH = 0xfff8;

export interface HobRef {
  address: number;
  type: number;
  length: number;
}

function hobListBase(m: Machine): number {
  return m.s.config.hobListBase;
}

function writeHeader(m: Machine, at: number, type: number, length: number): void {
  write32(m.s.mem, at, ((type & 0xffff) | ((length & 0xffff) << 16)) >>> 0);
  write32(m.s.mem, at + 4, 0);
}

function readHeader(m: Machine, at: number): HobRef {
  const w = read32(m.s.mem, at);
  return { address: at, type: w & 0xffff, length: w >>> 16 };
}

/** PEI core: the PHIT HOB followed by the terminator (PeiCore's BuildHobHandoffInfoTable). */
export function createHobList(m: Machine): void {
  const base = hobListBase(m);
  writeHeader(m, base, EFI_HOB_TYPE_HANDOFF, PHIT_SIZE);
  write32(m.s.mem, base + 8, 0x0009); // EFI_HOB_HANDOFF_TABLE_VERSION
  write32(m.s.mem, base + 12, 0); // BOOT_WITH_FULL_CONFIGURATION
  write64(m.s.mem, base + PHIT_END_OF_HOB_LIST, BigInt(base + PHIT_SIZE));
  writeHeader(m, base + PHIT_SIZE, EFI_HOB_TYPE_END_OF_HOB_LIST, EFI_HOB_GENERIC_HEADER_SIZE);
}

/** PeiServicesCreateHob: a HOB of `length` bytes (rounded up to 8) where the terminator was. */
export function createHob(m: Machine, type: number, length: number): number {
  const base = hobListBase(m);
  const size = (length + 7) & ~7;
  if (size > MAX_HOB_LENGTH) throw new Error(`internal: HOB of ${size} bytes is larger than 0xFFF8`);
  const at = Number(read64(m.s.mem, base + PHIT_END_OF_HOB_LIST));
  writeBytes(m.s.mem, at, new Uint8Array(size));
  writeHeader(m, at, type, size);
  writeHeader(m, at + size, EFI_HOB_TYPE_END_OF_HOB_LIST, EFI_HOB_GENERIC_HEADER_SIZE);
  write64(m.s.mem, base + PHIT_END_OF_HOB_LIST, BigInt(at + size));
  return at;
}

/** BuildGuidHob: returns the address of the (zeroed) data that follows the 24-byte header. */
export function buildGuidHob(m: Machine, guid: Guid, dataLength: number): number {
  const at = createHob(m, EFI_HOB_TYPE_GUID_EXTENSION, EFI_HOB_GUID_TYPE_SIZE + dataLength);
  writeBytes(m.s.mem, at + EFI_HOB_GENERIC_HEADER_SIZE, guidToBytes(guid));
  return at + EFI_HOB_GUID_TYPE_SIZE;
}

/** BuildCpuHob (SizeOfMemorySpace, SizeOfIoSpace). */
export function buildCpuHob(m: Machine, sizeOfMemorySpace: number, sizeOfIoSpace: number): void {
  const at = createHob(m, EFI_HOB_TYPE_CPU, CPU_HOB_SIZE);
  writeBytes(m.s.mem, at + 8, Uint8Array.of(sizeOfMemorySpace, sizeOfIoSpace));
}

/** The HOBs from `from` (a HOB address) to the terminator, in list order. */
export function* walkHobs(m: Machine, from = hobListBase(m)): Generator<HobRef> {
  let at = from;
  for (let n = 0; n < 0x10000; n++) {
    const h = readHeader(m, at);
    if (h.type === EFI_HOB_TYPE_END_OF_HOB_LIST || h.length === 0) return;
    yield h;
    at += h.length;
  }
}

/** GetFirstHob (Type): the first HOB of that type, or null. */
export function getFirstHob(m: Machine, type: number): HobRef | null {
  for (const h of walkHobs(m)) if (h.type === type) return h;
  return null;
}

export function guidHobName(m: Machine, h: HobRef): Guid {
  return guidFromBytes(readBytes(m.s.mem, h.address + EFI_HOB_GENERIC_HEADER_SIZE, 16));
}

/** GetNextGuidHob (Guid, HobStart): the first GUID HOB named `guid` at or after `from`. */
export function getNextGuidHob(m: Machine, guid: Guid, from: number): HobRef | null {
  for (const h of walkHobs(m, from)) {
    if (h.type === EFI_HOB_TYPE_GUID_EXTENSION && guidHobName(m, h) === guid) return h;
  }
  return null;
}

/** GetFirstGuidHob (Guid). */
export function getFirstGuidHob(m: Machine, guid: Guid): HobRef | null {
  return getNextGuidHob(m, guid, hobListBase(m));
}

/** GET_GUID_HOB_DATA / GET_GUID_HOB_DATA_SIZE. */
export function guidHobData(h: HobRef): { data: number; size: number } {
  return { data: h.address + EFI_HOB_GUID_TYPE_SIZE, size: h.length - EFI_HOB_GUID_TYPE_SIZE };
}

/** GET_NEXT_HOB. */
export function nextHob(h: HobRef): number {
  return h.address + h.length;
}

/** The CPU HOB's SizeOfMemorySpace (what SmmMemLib and PiSmmCpuDxeSmm's paging read), or null. */
export function cpuHobSizeOfMemorySpace(m: Machine): number | null {
  const h = getFirstHob(m, EFI_HOB_TYPE_CPU);
  return h ? readBytes(m.s.mem, h.address + 8, 1)[0] : null;
}
