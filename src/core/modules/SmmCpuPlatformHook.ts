/**
 * SmmCpuPlatformHookLib's PlatformSmmBspElection, the hook SmiRendezvous asks first when it elects
 * the SMM BSP (monarch) of an SMI (UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c). Which library instance
 * is linked is the platform's choice (PlatformConfig.bspElection):
 *  - OVMF links OvmfPkg/Library/SmmCpuPlatformHookLibQemu: *IsBsp = (IA32_APIC_BASE.BSP == 1),
 *    EFI_SUCCESS. QEMU sets that bit on CPU#0 only, so CPU#0 is the monarch of every SMI, whichever
 *    CPU executed the OUT or arrived first (edk2 commit 43df61878d, "OvmfPkg: enable SMM Monarch
 *    Election").
 *  - UefiCpuPkg/Library/SmmCpuPlatformHookLibNull returns EFI_NOT_READY; SmiRendezvous then falls
 *    back to InterlockedCompareExchange32 (&BspIndex, MAX_UINT32, CpuIndex): the first CPU to check
 *    in wins.
 */

import type { CpuState } from '../machine/Cpu';
import { MSR_IA32_APICBASE_BSP } from '../machine/Cpu';
import type { PlatformConfig } from '../pi/Platform';

export type BspElectionHook = PlatformConfig['bspElection'];

/** PlatformSmmBspElection (IsBsp): EFI_SUCCESS with IsBsp, or EFI_NOT_READY (no opinion). */
export function platformSmmBspElection(hook: BspElectionHook, cpu: CpuState): { status: 'EFI_SUCCESS' | 'EFI_NOT_READY'; isBsp: boolean } {
  if (hook === 'apic-bsp-hook') return { status: 'EFI_SUCCESS', isBsp: (cpu.apicBase & MSR_IA32_APICBASE_BSP) !== 0 };
  return { status: 'EFI_NOT_READY', isBsp: false };
}

/** Where the hook comes from, for event text. */
export function hookLibrary(hook: BspElectionHook): string {
  return hook === 'apic-bsp-hook' ? 'OvmfPkg/Library/SmmCpuPlatformHookLibQemu' : 'UefiCpuPkg/Library/SmmCpuPlatformHookLibNull';
}
