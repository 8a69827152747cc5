/**
 * The `ovmf` platform: QEMU Q35 (ICH9) + OVMF X64 with SMM. Which modules are in the firmware
 * volume, where RAM, TSEG and runtime data live, and the boot path that brings SMM up.
 */

import { SHIPPED_SAMPLE_MODULES, type ShippedModule } from '../cdriver/Shipped';
import { registerGuidName } from '../lib/Guid';
import { type Accel, layoutForAccel } from '../machine/SaveStateMap';
import { SMM_DEFAULT_SMBASE } from '../machine/SaveStateField';
import { cpuHotplugSmmInC } from '../modules/CpuHotplugSmm';
import { CpuIo2Smm } from '../modules/CpuIo2Smm';
import { FvbServicesSmm } from '../modules/FvbServicesSmm';
import { PiSmmCore } from '../modules/PiSmmCore';
import { PiSmmCpuDxeSmm } from '../modules/PiSmmCpuDxeSmm';
import { PiSmmIpl } from '../modules/PiSmmIpl';
import { PlatformPei } from '../modules/PlatformPei';
import { SmmAccess2Dxe } from '../modules/SmmAccess2Dxe';
import { SmmControl2Dxe } from '../modules/SmmControl2Dxe';
import { SmmFaultTolerantWriteDxe } from '../modules/SmmFaultTolerantWriteDxe';
import { SmmLockBox } from '../modules/SmmLockBox';
import { TcgMorLockSmm } from '../modules/TcgMorLockSmm';
import { VariableSmm } from '../modules/VariableSmm';
import { VariableSmmRuntimeDxe } from '../modules/VariableSmmRuntimeDxe';
import { OVMF_DEBUG_PRINT_ERROR_LEVEL } from '../pi/Debug';
import type { ArrivalOrder, ModuleDef } from '../pi/Platform';
import { type MemoryMapEntry, type PlatformConfig } from '../pi/Platform';
import { EFI_MEMORY_RO, EFI_MEMORY_XP, EfiACPIMemoryNVS, EfiBootServicesCode, EfiBootServicesData, EfiConventionalMemory, EfiReservedMemoryType, EfiRuntimeServicesCode, EfiRuntimeServicesData } from '../pi/SmmMemLib';

/**
 * Modules of the `ovmf` profile in firmware-volume order (OvmfPkg/OvmfPkgX64.fdf): the PEIM, the
 * DXE drivers, then the SMM core and the SMM drivers as the FDF lists them (the order the SMM
 * dispatcher scans them in): CpuHotplugSmm, CpuIo2Smm, SmmLockBox, PiSmmCpuDxeSmm, FvbServicesSmm,
 * SmmFaultTolerantWriteDxe, VariableSmm, TcgMorLockSmm. CpuHotplugSmm's root handler is SMM-C
 * (src/core/cdriver/samples/CpuHotplugSmm/CpuHotplug.c), its entry point the model's.
 */
export const OVMF_MODULES: ModuleDef[] = [
  PlatformPei, SmmAccess2Dxe, SmmControl2Dxe, PiSmmIpl, PiSmmCore, VariableSmmRuntimeDxe,
  cpuHotplugSmmInC(), CpuIo2Smm, SmmLockBox, PiSmmCpuDxeSmm, FvbServicesSmm, SmmFaultTolerantWriteDxe, VariableSmm, TcgMorLockSmm,
];
/**
 * Modules a user can add with --module: SMM-C modules SmiScope ships (src/core/cdriver/samples),
 * compiled from their .inf and .c files when a platform first needs them (ShippedModule.def()).
 */
export const SAMPLE_MODULES: readonly ShippedModule[] = SHIPPED_SAMPLE_MODULES;

for (const d of [...OVMF_MODULES, ...SAMPLE_MODULES]) registerGuidName(d.fileGuid, d.name);

export const MAX_CPUS = 256;

/**
 * The model's UEFI memory map at EndOfDxe (SmmMemLib keeps the reserved, runtime and ACPI NVS
 * entries as communication regions) and Memory Attributes Table. Addresses are model choices laid
 * out like the pinned commit's real boot (runtime data below TSEG, the SMRAM at the default SMBASE
 * and TSEG reserved); the model keeps data only where `what` says.
 */
export function ovmfMemoryMap(runtimeDataBase: number, runtimeDataSize: number, tsegBase: number, tsegSize: number): { map: MemoryMapEntry[]; mat: MemoryMapEntry[] } {
  const rtCode = runtimeDataBase + runtimeDataSize;
  const map: MemoryMapEntry[] = [
    { base: 0, size: 0x30000, type: EfiConventionalMemory, attribute: 0, what: 'low RAM' },
    { base: 0x30000, size: 0x20000, type: EfiReservedMemoryType, attribute: 0, what: 'SMRAM at the default SMBASE (reserved in the memory map; not an SmmAccess2 descriptor)' },
    { base: 0x50000, size: 0x50000, type: EfiConventionalMemory, attribute: 0, what: 'low RAM' },
    { base: 0x100000, size: 0x7ec00000 - 0x100000, type: EfiConventionalMemory, attribute: 0, what: 'RAM (the OS owns it after ExitBootServices)' },
    { base: 0x7ec00000, size: runtimeDataBase - 0x7ec00000, type: EfiBootServicesData, attribute: 0, what: 'DXE data: the HOB list' },
    { base: runtimeDataBase, size: runtimeDataSize, type: EfiRuntimeServicesData, attribute: 0, what: "gSmmCorePrivate, PiSmmIpl's mCommunicateHeader, the default Communicate buffer" },
    { base: rtCode, size: 0x10000, type: EfiRuntimeServicesCode, attribute: 0, what: 'runtime driver images (PiSmmIpl.efi ...): empty in the model' },
    { base: rtCode + 0x10000, size: 0x10000, type: EfiACPIMemoryNVS, attribute: 0, what: 'ACPI NVS: empty in the model' },
    { base: rtCode + 0x20000, size: tsegBase - (rtCode + 0x20000), type: EfiBootServicesCode, attribute: 0, what: 'DXE code: empty in the model (the SMBASEs of CPUs 0-3 point here)' },
    { base: tsegBase, size: tsegSize, type: EfiReservedMemoryType, attribute: 0, what: 'TSEG (SMRAM)' },
  ];
  const mat: MemoryMapEntry[] = [
    { base: runtimeDataBase, size: runtimeDataSize, type: EfiRuntimeServicesData, attribute: EFI_MEMORY_XP, what: 'runtime data' },
    { base: rtCode, size: 0xa000, type: EfiRuntimeServicesCode, attribute: EFI_MEMORY_RO, what: 'runtime image code (read-only)' },
    { base: rtCode + 0xa000, size: 0x6000, type: EfiRuntimeServicesData, attribute: EFI_MEMORY_XP, what: 'runtime image data' },
  ];
  return { map, mat };
}

export function ovmfConfig(opts: { cpus?: number; broadcast?: boolean; hotplugSmi?: boolean; syncMode?: PlatformConfig['syncMode']; modules?: string[]; accel?: Accel; arrival?: ArrivalOrder; swDispatch?: boolean } = {}): PlatformConfig {
  const accel = opts.accel ?? 'tcg';
  const ramSize = 0x80000000; // 2 GiB guest
  const tsegSize = 16 * 1024 * 1024; // QEMU q35 default extended TSEG (mch.extended-tseg-mbytes = 16)
  const runtimeDataBase = 0x7ee00000;
  const runtimeDataSize = 0x100000;
  const { map, mat } = ovmfMemoryMap(runtimeDataBase, runtimeDataSize, ramSize - tsegSize, tsegSize);
  return {
    // `ovmf-swdispatch`: the same machine with the seed thread's GenericSwDispatcher in the firmware volume.
    profile: opts.swDispatch ? 'ovmf-swdispatch' : 'ovmf',
    chipset: 'ich9-qemu',
    arrival: opts.arrival ?? 'caller-first',
    cpuCount: opts.cpus ?? 4,
    broadcast: opts.broadcast ?? true,
    // QEMU's x-smi-cpu-hotplug / x-smi-cpu-hot-unplug: on by default, like broadcast.
    hotplugSmi: opts.hotplugSmi ?? opts.broadcast ?? true,
    // OVMF links SmmCpuPlatformHookLibQemu: PlatformSmmBspElection elects IA32_APIC_BASE.BSP (CPU0).
    bspElection: 'apic-bsp-hook',
    syncMode: opts.syncMode ?? null,
    extraModules: opts.modules ?? [],
    layout: layoutForAccel(accel).id,
    accel,
    ramSize,
    tsegBase: ramSize - tsegSize,
    tsegSize,
    defaultSmbaseSmram: { base: SMM_DEFAULT_SMBASE, size: 0x20000 },
    runtimeDataBase,
    runtimeDataSize,
    debugPrintErrorLevel: OVMF_DEBUG_PRINT_ERROR_LEVEL,
    physAddressBits: 40, // QEMU TCG's default CPU: "PhysBits: 40" in the real log
    hobListBase: 0x7ec28000, // near where the real boot's DXE HOB list is (0x7EC28018)
    peiRelocationStackPage: 0x7ec8c000, // the page the real boot's PEI allocator returned
    uefiMemoryMap: map,
    memoryAttributesTable: mat,
  };
}

