/**
 * SMRAM descriptors (edk2 MdePkg/Include/Pi/PiMultiPhase.h EFI_MMRAM_DESCRIPTOR, alias
 * EFI_SMRAM_DESCRIPTOR) and the gEfiSmmSmramMemoryGuid HOB that carries them from PEI to DXE
 * (MdePkg/Include/Guid/SmramMemoryReserve.h EFI_SMRAM_HOB_DESCRIPTOR_BLOCK). On OVMF the
 * SmmAccess2 protocol's GetCapabilities reports exactly this HOB's descriptors
 * (OvmfPkg/SmmAccess/SmramInternal.c SmramAccessGetCapabilities).
 */

import type { Machine } from './Platform';
import { read32, read64, write32, write64 } from '../machine/Memory';
import { hex } from './Fw';
import type { SmramDescriptor } from './SmramMap';
import { getFirstGuidHob, guidHobData } from './HobLib';

export const gEfiSmmSmramMemoryGuid = '6dadf1d1-d4cc-4910-bb6e-82b1fd80ff3d';

/** RegionState bits (PiMultiPhase.h). */
export const EFI_SMRAM_OPEN = 0x1;
export const EFI_SMRAM_CLOSED = 0x2;
export const EFI_SMRAM_LOCKED = 0x4;
export const EFI_CACHEABLE = 0x8;
export const EFI_ALLOCATED = 0x10;
export const EFI_NEEDS_TESTING = 0x20;
export const EFI_NEEDS_ECC_INITIALIZATION = 0x40;

/** PhysicalStart, CpuStart, PhysicalSize, RegionState: four UINT64s. */
export const EFI_SMRAM_DESCRIPTOR_SIZE = 32;

export function readSmramDescriptor(m: Machine, at: number): SmramDescriptor {
  const mem = m.s.mem;
  return {
    physicalStart: Number(read64(mem, at)),
    cpuStart: Number(read64(mem, at + 8)),
    physicalSize: Number(read64(mem, at + 16)),
    regionState: Number(read64(mem, at + 24)),
  };
}

export function writeSmramDescriptor(m: Machine, at: number, d: SmramDescriptor): void {
  const mem = m.s.mem;
  write64(mem, at, BigInt(d.physicalStart));
  write64(mem, at + 8, BigInt(d.cpuStart));
  write64(mem, at + 16, BigInt(d.physicalSize));
  write64(mem, at + 24, BigInt(d.regionState));
}

/**
 * EFI_SMRAM_HOB_DESCRIPTOR_BLOCK: UINT32 NumberOfSmmReservedRegions, then (8-byte aligned) the
 * descriptors. sizeof (block) + (n - 1) * sizeof (descriptor) = 8 + 32 n.
 */
export function smramHobBlockSize(n: number): number {
  return 8 + EFI_SMRAM_DESCRIPTOR_SIZE * n;
}

export function readSmramHobBlock(m: Machine, data: number): SmramDescriptor[] {
  const n = read32(m.s.mem, data);
  const out: SmramDescriptor[] = [];
  for (let i = 0; i < n && i < 64; i++) out.push(readSmramDescriptor(m, data + 8 + EFI_SMRAM_DESCRIPTOR_SIZE * i));
  return out;
}

export function writeSmramHobBlock(m: Machine, data: number, ds: SmramDescriptor[]): void {
  write32(m.s.mem, data, ds.length);
  ds.forEach((d, i) => writeSmramDescriptor(m, data + 8 + EFI_SMRAM_DESCRIPTOR_SIZE * i, d));
}

/** The descriptors of the first gEfiSmmSmramMemoryGuid HOB (what GetCapabilities reports), or null. */
export function smramHobDescriptors(m: Machine): SmramDescriptor[] | null {
  const h = getFirstGuidHob(m, gEfiSmmSmramMemoryGuid);
  return h ? readSmramHobBlock(m, guidHobData(h).data) : null;
}

/** True when SmmIsBufferOutsideSmmValid / the SMM IPL skip the range as not free. */
export function smramNotFree(d: SmramDescriptor): boolean {
  return (d.regionState & (EFI_ALLOCATED | EFI_NEEDS_TESTING | EFI_NEEDS_ECC_INITIALIZATION)) !== 0;
}

const STATE_NAMES: [number, string][] = [
  [EFI_SMRAM_OPEN, 'OPEN'], [EFI_SMRAM_CLOSED, 'CLOSED'], [EFI_SMRAM_LOCKED, 'LOCKED'], [EFI_CACHEABLE, 'CACHEABLE'],
  [EFI_ALLOCATED, 'ALLOCATED'], [EFI_NEEDS_TESTING, 'NEEDS_TESTING'], [EFI_NEEDS_ECC_INITIALIZATION, 'NEEDS_ECC_INITIALIZATION'],
];

/** "CLOSED|CACHEABLE|ALLOCATED" for 0x1A. */
export function regionStateText(state: number): string {
  const names = STATE_NAMES.filter(([bit]) => state & bit).map(([, n]) => n);
  return names.length ? names.join('|') : hex(state);
}
