/**
 * The `pch` platform: an Intel PCH machine (client silicon in the style of Alder Lake) running the
 * same edk2 SMM core and PiSmmCpuDxeSmm as OVMF, with the pieces that differ on silicon:
 * - chipset: the PCH's SMI logic (machine/PchLpc.ts: APM_STS, EOS, every APM value raises SMI#, SMI#
 *   to every CPU, SMI_LOCK in the PMC);
 * - save state: the Intel x64 map the processor writes (SMRAM_SAVE_STATE_MAP64, facts §7.2), whose
 *   IOMisc describes the OUT that raised the SMI on the CPU that executed it (§7.5, §7.6);
 * - monarch: UefiCpuPkg's SmmCpuPlatformHookLibNull (PlatformSmmBspElection returns EFI_NOT_READY),
 *   so the first CPU to check in becomes the SMM BSP (§8.2 step 7); the arrival order is the model's
 *   choice (`--arrival`);
 * - sync: PcdCpuSmmSyncMode and both timeouts keep their UefiCpuPkg.dec defaults (traditional,
 *   1000000 µs), with no fw_cfg negotiation;
 * - drivers: the PCH's SmmControl (PchSmmControl.ts) and its SMI dispatcher, PchSmiDispatcher, in SMM-C
 *   (src/core/cdriver/samples/PchSmiDispatcher, after Alder Lake's PchSmmCore.c / PchSmmSw.c), which
 *   produces EFI_MM_SW_DISPATCH_PROTOCOL. No QEMU devices (CPU hotplug, fw_cfg), no variable stack.
 * There is no recorded boot of this machine: its boot is built from the upstream code named above.
 */

import { PCH_SMI_DISPATCHER } from '../cdriver/Shipped';
import { CpuIo2Smm } from '../modules/CpuIo2Smm';
import { PchPlatformPei } from '../modules/PchPlatformPei';
import { PchSmmControl } from '../modules/PchSmmControl';
import { PiSmmCore } from '../modules/PiSmmCore';
import { PiSmmCpuDxeSmm } from '../modules/PiSmmCpuDxeSmm';
import { PiSmmIpl } from '../modules/PiSmmIpl';
import { SmmAccess2Dxe } from '../modules/SmmAccess2Dxe';
import { SmmLockBox } from '../modules/SmmLockBox';
import { OVMF_DEBUG_PRINT_ERROR_LEVEL } from '../pi/Debug';
import type { ArrivalOrder, ModuleDef, PlatformConfig } from '../pi/Platform';
import { ovmfMemoryMap } from './ovmf';

/** The pch firmware volume, in dispatch order; PchSmiDispatcher is compiled from its C sources. */
export function pchModules(): ModuleDef[] {
  return [PchPlatformPei, SmmAccess2Dxe, PchSmmControl, PiSmmIpl, PiSmmCore, PCH_SMI_DISPATCHER.def(), CpuIo2Smm, SmmLockBox, PiSmmCpuDxeSmm];
}

export function pchConfig(opts: { cpus?: number; syncMode?: PlatformConfig['syncMode']; modules?: string[]; arrival?: ArrivalOrder } = {}): PlatformConfig {
  const ramSize = 0x80000000;
  const tsegSize = 8 * 1024 * 1024; // a typical client TSEG (PcdTsegSize 8 MiB)
  const runtimeDataBase = 0x7ee00000;
  const runtimeDataSize = 0x100000;
  const { map, mat } = ovmfMemoryMap(runtimeDataBase, runtimeDataSize, ramSize - tsegSize, tsegSize);
  return {
    profile: 'pch',
    chipset: 'pch',
    arrival: opts.arrival ?? 'caller-first',
    cpuCount: opts.cpus ?? 4,
    broadcast: true, // the PCH delivers SMI# to every thread; nothing to negotiate
    hotplugSmi: false,
    bspElection: 'first-to-check-in',
    syncMode: opts.syncMode ?? null,
    extraModules: opts.modules ?? [],
    layout: 'intel64',
    accel: 'tcg', // unused on pch: the processor writes the save state (layout 'intel64')
    ramSize,
    tsegBase: ramSize - tsegSize,
    tsegSize,
    defaultSmbaseSmram: null,
    runtimeDataBase,
    runtimeDataSize,
    debugPrintErrorLevel: OVMF_DEBUG_PRINT_ERROR_LEVEL,
    physAddressBits: 39,
    hobListBase: 0x7ec28000,
    peiRelocationStackPage: 0x7ec8c000,
    // No SMRAM at the default SMBASE on silicon (a QEMU q35 feature): low RAM is one range up to 640 KiB.
    uefiMemoryMap: map.filter((e) => e.base !== 0x30000 && e.base !== 0x50000).map((e) => (e.base === 0 ? { ...e, size: 0xa0000 } : e)),
    memoryAttributesTable: mat,
  };
}
