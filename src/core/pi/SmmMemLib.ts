/**
 * SmmMemLib (edk2 MdePkg/Library/SmmMemLib/SmmMemLib.c): SmmIsBufferOutsideSmmValid, the check
 * every SMM driver makes before it touches a buffer the OS passed in.
 * - The SMRAM ranges are the SmmAccess2 descriptors the library's constructor got from
 *   GetCapabilities (on OVMF: the 4 KiB page at TsegBase, the SMBASE relocation block, the rest),
 *   so an overlap names the descriptor it hit.
 * - The largest valid address comes from the CPU HOB's SizeOfMemorySpace, capped at 48 bits.
 * - After SmmReadyToLock a buffer must lie inside one UEFI memory-map descriptor of type
 *   EfiReservedMemoryType, EfiRuntimeServicesCode, EfiRuntimeServicesData or EfiACPIMemoryNVS
 *   (the map copied at EndOfDxe), and must not touch runtime memory the Memory Attributes Table
 *   marks read-only.
 */

import { edk2SprintLf } from '../lib/PrintLib';
import { DEBUG, DEBUG_INFO } from './Debug';
import { cpuHobSizeOfMemorySpace } from './HobLib';
import type { Machine } from './Platform';
import { type Fw } from './Platform';
import type { SmramDescriptor } from './SmramMap';

/** EFI_MEMORY_TYPE numbers (MdePkg/Include/Uefi/UefiMultiPhase.h). */
export const EfiReservedMemoryType = 0;
export const EfiBootServicesCode = 3;
export const EfiBootServicesData = 4;
export const EfiRuntimeServicesCode = 5;
export const EfiRuntimeServicesData = 6;
export const EfiConventionalMemory = 7;
export const EfiACPIMemoryNVS = 10;
/** EFI_MEMORY_XP, EFI_MEMORY_RO (UefiSpec.h). */
export const EFI_MEMORY_XP = 0x4000;
export const EFI_MEMORY_RO = 0x20000;

export const EFI_MEMORY_TYPE_NAME: Record<number, string> = {
  0: 'EfiReservedMemoryType', 1: 'EfiLoaderCode', 2: 'EfiLoaderData', 3: 'EfiBootServicesCode', 4: 'EfiBootServicesData',
  5: 'EfiRuntimeServicesCode', 6: 'EfiRuntimeServicesData', 7: 'EfiConventionalMemory', 8: 'EfiUnusableMemory',
  9: 'EfiACPIReclaimMemory', 10: 'EfiACPIMemoryNVS',
};

/** SmmLibInternalEndOfDxeNotify keeps only these memory-map entries as communication regions. */
const VALID_COMMUNICATION_TYPES = new Set([EfiReservedMemoryType, EfiRuntimeServicesCode, EfiRuntimeServicesData, EfiACPIMemoryNVS]);

/**
 * SmmMemLibInternalCalculateMaximumSupportAddress: PhysicalAddressBits from the CPU HOB (else
 * CPUID 0x80000008), "IA-32e paging translates 48-bit linear addresses": more than 48 becomes 48.
 */
export function smmMemLibMaximumSupportAddress(m: Machine): number {
  let bits = cpuHobSizeOfMemorySpace(m) ?? m.s.config.physAddressBits;
  if (bits > 48) bits = 48;
  return 2 ** bits - 1;
}

/**
 * SmmMemLibConstructor, run in every SMM driver that links the library (PiSmmCore, SmmLockBox,
 * VariableSmm, SmmFaultTolerantWriteDxe on OVMF), as far as the boot log shows it: save the
 * SmmAccess2 descriptors, compute and print the maximum support address. (It also registers the
 * EndOfDxe and ReadyToLock notifications; the model reads the memory map and the ReadyToLock flag
 * when it checks.) Every instance sees the same descriptors, so the model keeps one copy: a driver
 * after PiSmmCore passes none and the saved ones stay.
 */
export function smmMemLibConstructor(fw: Fw, smramRanges?: SmramDescriptor[]): void {
  const max = smmMemLibMaximumSupportAddress(fw.m);
  const ranges = smramRanges ?? fw.m.s.smm.memLib.smramRanges;
  fw.m.s.smm.memLib = { smramRanges: ranges.map((d) => ({ ...d })), maximumSupportAddress: max };
  DEBUG(fw, DEBUG_INFO, 'mSmmMemLibInternalMaximumSupportAddress = 0x%lx\n', BigInt(max));
}

function overlaps(buffer: number, length: number, start: number, size: number): boolean {
  return (buffer >= start && buffer < start + size) || (start >= buffer && start < buffer + length);
}

/**
 * SmmIsBufferOutsideSmmValid: null when the buffer is valid, else the DEBUG_ERROR line the library
 * prints (the Overlap message is two DEBUG calls that make one line).
 */
export function smmIsBufferOutsideSmmValid(m: Machine, buffer: number, length: number): string | null {
  const { smramRanges, maximumSupportAddress: max } = m.s.smm.memLib;
  const big = (n: number) => BigInt(n);
  if (length > max || buffer > max || (length !== 0 && buffer > max - (length - 1))) {
    return edk2SprintLf(
      'SmmIsBufferOutsideSmmValid: Overflow: Buffer (0x%lx) - Length (0x%lx), MaximumSupportAddress (0x%lx)',
      big(buffer), big(length), big(max),
    );
  }
  for (const r of smramRanges) {
    if (overlaps(buffer, length, r.cpuStart, r.physicalSize)) {
      return edk2SprintLf('SmmIsBufferOutsideSmmValid: Overlap: Buffer (0x%lx) - Length (0x%lx), ', big(buffer), big(length)) +
        edk2SprintLf('CpuStart (0x%lx) - PhysicalSize (0x%lx)', big(r.cpuStart), big(r.physicalSize));
    }
  }
  if (m.s.smm.readyToLock) {
    const c = m.s.config;
    const inRegion = c.uefiMemoryMap.some((d) => VALID_COMMUNICATION_TYPES.has(d.type) && buffer >= d.base && buffer + length <= d.base + d.size);
    if (!inRegion) {
      return edk2SprintLf('SmmIsBufferOutsideSmmValid: Not in ValidCommunicationRegion: Buffer (0x%lx) - Length (0x%lx)', big(buffer), big(length));
    }
    // (The GCD untested-memory check finds nothing: the model has no untested memory.)
    for (const e of c.memoryAttributesTable) {
      if ((e.type === EfiRuntimeServicesCode || e.type === EfiRuntimeServicesData) && (e.attribute & EFI_MEMORY_RO) && overlaps(buffer, length, e.base, e.size)) {
        return edk2SprintLf('SmmIsBufferOutsideSmmValid: In RuntimeCode Region: Buffer (0x%lx) - Length (0x%lx)', big(buffer), big(length));
      }
    }
  }
  return null;
}
