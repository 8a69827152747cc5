/**
 * The `ovmf` platform: QEMU Q35 (ICH9) + OVMF X64 with SMM. Which modules are in the firmware
 * volume, where RAM, TSEG and runtime data live, and the boot path that brings SMM up.
 */

import { createCpu, dxeRegs, osRegs } from '../machine/Cpu';
import { createMachineState, type Machine, type MachineState, type MemoryMapEntry, type PlatformConfig, serialNote, serialWrite } from '../machine/Machine';
import { type Accel, layoutById, layoutForAccel, SMM_DEFAULT_SMBASE } from '../machine/SaveStateMap';
import { CpuHotplugSmm } from '../modules/CpuHotplugSmm';
import { CpuIo2Smm } from '../modules/CpuIo2Smm';
import { GenericSwDispatcher } from '../modules/GenericSwDispatcher';
import type { ModuleDef } from '../modules/ModuleDef';
import { PiSmmCore, newModuleRecord } from '../modules/PiSmmCore';
import { PiSmmCpuDxeSmm } from '../modules/PiSmmCpuDxeSmm';
import { PiSmmIpl, smmIplDispatchDriver } from '../modules/PiSmmIpl';
import { onMpServices2Available, PlatformPei } from '../modules/PlatformPei';
import { RootMmiSample, SwDispatch2Depex, SwDispatch2Locate } from '../modules/Samples';
import { SmmAccess2Dxe, smmAccess2Lock } from '../modules/SmmAccess2Dxe';
import { SmmControl2Dxe } from '../modules/SmmControl2Dxe';
import { SmmLockBox } from '../modules/SmmLockBox';
import { FvbServicesSmm } from '../modules/FvbServicesSmm';
import { SmmFaultTolerantWriteDxe } from '../modules/SmmFaultTolerantWriteDxe';
import { TcgMorLockSmm } from '../modules/TcgMorLockSmm';
import { VariableSmm } from '../modules/VariableSmm';
import { VariableSmmRuntimeDxe } from '../modules/VariableSmmRuntimeDxe';
import { formatOvmfVarsFlash } from '../modules/VariableStore';
import { DXE_IMAGE_BASE, exitBootServices, installDxeArchProtocols, runOvmfDxePhase } from './OvmfDxe';
import { OVMF_DEBUG_PRINT_ERROR_LEVEL } from '../pi/Debug';
import { ev, type Fw, type Gen, hex } from '../pi/Fw';
import { GUIDS, registerGuidName } from '../pi/Guid';
import { createHobList } from '../pi/HobLib';
import {
  EFI_MEMORY_RO, EFI_MEMORY_XP, EfiACPIMemoryNVS, EfiBootServicesCode, EfiBootServicesData, EfiConventionalMemory,
  EfiReservedMemoryType, EfiRuntimeServicesCode, EfiRuntimeServicesData,
} from '../pi/SmmMemLib';

/**
 * Modules of the `ovmf` profile in firmware-volume order (OvmfPkg/OvmfPkgX64.fdf): the PEIM, the
 * DXE drivers, then the SMM core and the SMM drivers as the FDF lists them (the order the SMM
 * dispatcher scans them in): CpuHotplugSmm, CpuIo2Smm, SmmLockBox, PiSmmCpuDxeSmm, FvbServicesSmm,
 * SmmFaultTolerantWriteDxe, VariableSmm, TcgMorLockSmm.
 */
export const OVMF_MODULES: ModuleDef[] = [
  PlatformPei, SmmAccess2Dxe, SmmControl2Dxe, PiSmmIpl, PiSmmCore, VariableSmmRuntimeDxe,
  CpuHotplugSmm, CpuIo2Smm, SmmLockBox, PiSmmCpuDxeSmm, FvbServicesSmm, SmmFaultTolerantWriteDxe, VariableSmm, TcgMorLockSmm,
];
/** Modules a user can add with --module. */
export const SAMPLE_MODULES: ModuleDef[] = [SwDispatch2Locate, SwDispatch2Depex, RootMmiSample, GenericSwDispatcher];

for (const d of [...OVMF_MODULES, ...SAMPLE_MODULES]) registerGuidName(d.fileGuid, d.name);

export const MAX_CPUS = 256;

/**
 * The model's UEFI memory map at EndOfDxe (SmmMemLib keeps the reserved, runtime and ACPI NVS
 * entries as communication regions) and Memory Attributes Table. Addresses are model choices laid
 * out like the pinned commit's real boot (runtime data below TSEG, the SMRAM at the default SMBASE
 * and TSEG reserved); the model keeps data only where `what` says.
 */
function ovmfMemoryMap(runtimeDataBase: number, runtimeDataSize: number, tsegBase: number, tsegSize: number): { map: MemoryMapEntry[]; mat: MemoryMapEntry[] } {
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

export function ovmfConfig(opts: { cpus?: number; broadcast?: boolean; hotplugSmi?: boolean; syncMode?: PlatformConfig['syncMode']; modules?: string[]; accel?: Accel } = {}): PlatformConfig {
  const accel = opts.accel ?? 'tcg';
  const ramSize = 0x80000000; // 2 GiB guest
  const tsegSize = 16 * 1024 * 1024; // QEMU q35 default extended TSEG (mch.extended-tseg-mbytes = 16)
  const runtimeDataBase = 0x7ee00000;
  const runtimeDataSize = 0x100000;
  const { map, mat } = ovmfMemoryMap(runtimeDataBase, runtimeDataSize, ramSize - tsegSize, tsegSize);
  return {
    profile: 'ovmf',
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

export function moduleDefs(config: PlatformConfig): Map<string, ModuleDef> {
  const defs = new Map<string, ModuleDef>();
  for (const d of OVMF_MODULES) defs.set(d.name, d);
  for (const name of config.extraModules) {
    const d = SAMPLE_MODULES.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!d) throw new Error(`unknown module "${name}" (known: ${SAMPLE_MODULES.map((x) => x.name).join(', ')})`);
    defs.set(d.name, d);
  }
  return defs;
}

/** Power-on state: CPUs at reset, no SMM yet. */
export function createOvmfMachine(config: PlatformConfig): Machine {
  const defs = moduleDefs(config);
  const s: MachineState = createMachineState(
    config,
    {
      loaded: false,
      protocols: [],
      root: [],
      entries: [],
      callingDepth: 0,
      priv: { address: config.runtimeDataBase, size: 0x68 /* sizeof (SMM_CORE_PRIVATE_DATA) on X64 */, inSmm: false, commBuffer: 0, bufferSize: 0, returnStatus: 'EFI_SUCCESS', smmEntryPointRegistered: false, smmEntryPoint: 0 },
      currentlyExecutingCpu: 0,
      numberOfCpus: config.cpuCount,
      notifies: [],
      inLegacyBoot: false,
      bootServicesGone: false,
      smramOpen: false,
      smramLocked: false,
      endOfDxe: false,
      readyToLock: false,
      dispatcherRunning: false,
      scheduledQueue: [],
      requestDispatch: false,
      allocTop: config.tsegBase + config.tsegSize,
      allocBottom: config.tsegBase,
      poolNext: 0,
      poolEnd: 0,
      smramRanges: [],
      rootSmiEntry: 0,
      memLib: { smramRanges: [], maximumSupportAddress: 0 },
    },
    {
      syncMode: 'relaxed',
      apSyncTimeout: 100000,
      apSyncTimeout2: 100000,
      bspIndex: -1,
      insideSmm: false,
      allCpusInSync: false,
      doorLocked: false,
      present: new Array(config.cpuCount).fill(false),
      checkedIn: new Array(config.cpuCount).fill(false),
      smmInitialized: new Array(config.cpuCount).fill(false),
      smBase: new Array(config.cpuCount).fill(SMM_DEFAULT_SMBASE),
      relocated: false,
    },
  );
  for (const d of defs.values()) s.modules.push(newModuleRecord(d));
  // QEMU maps OVMF_VARS.fd (an empty variable store) as the second pflash before the firmware runs.
  formatOvmfVarsFlash(s.mem);
  s.smramRegions.push({ base: config.tsegBase, size: config.tsegSize, kind: 'tseg', label: `TSEG ${config.tsegSize >>> 20} MiB` });
  if (config.defaultSmbaseSmram) {
    const d = config.defaultSmbaseSmram;
    s.smramRegions.push({ base: d.base, size: d.size, kind: 'default-smbase', label: 'SMRAM at the default SMBASE 0x30000 (QEMU >= 5.1, PcdQ35SmramAtDefaultSmbase)' });
  }
  void createCpu;
  return { s, layout: layoutById(config.layout), defs };
}

/** Run one DXE driver's entry point and record the outcome; false when it failed. */
function* startDxeDriver(m: Machine, name: string): Gen<boolean> {
  const rec = m.s.modules.find((x) => x.name === name)!;
  rec.imageBase = DXE_IMAGE_BASE[name] ?? 0;
  const status = yield* m.defs.get(name)!.entry({ m, mod: rec, cpu: 0 });
  rec.state = status === 'EFI_SUCCESS' ? 'dispatched' : 'failed';
  rec.reason = `DXE driver, entry point returned ${status}`;
  rec.entryStatus = status;
  return status === 'EFI_SUCCESS';
}

/**
 * PEI as far as SMM is concerned (on the BSP): the PEI core builds the HOB list, PlatformPei runs
 * (SMRAM HOB, PMBASE, CPU HOB, MP Services2 notification), then CpuMpPei installs
 * EFI_PEI_MP_SERVICES2_PPI and PlatformPei's OnMpServices2Available relocates every SMBASE
 * (SmmRelocationLib). The model gives the CPUs its DXE register context already in PEI
 * (OvmfPkgX64 runs PEI in long mode too).
 */
export function* peiPhase(m: Machine): Gen<boolean> {
  const s = m.s;
  s.cpus.forEach((c, i) => {
    dxeRegs(c.regs, i, i !== 0);
    c.halted = i !== 0;
  });
  createHobList(m);
  const rec = s.modules.find((x) => x.name === 'PlatformPei')!;
  const fw: Fw = { m, mod: rec, cpu: 0 };
  const status = yield* PlatformPei.entry(fw);
  rec.entryStatus = status;
  rec.state = status === 'EFI_SUCCESS' ? 'dispatched' : 'failed';
  rec.reason = `PEIM, entry point returned ${status}`;
  if (status !== 'EFI_SUCCESS') return false;
  yield ev('trigger', 0, 'CpuMpPei: EFI_PEI_MP_SERVICES2_PPI installed -> PlatformPei OnMpServices2Available (RelocateSmBase\'s notification)');
  yield* onMpServices2Available(fw);
  rec.reason = 'PEIM: SMRAM HOB, PMBASE, CPU HOB; relocated every SMBASE in OnMpServices2Available (SmmRelocationLib) and published them in gSmmBaseHobGuid';
  return true;
}

/**
 * OVMF boot as far as SMM is concerned, on the BSP (CPU 0): PEI relocates SMBASE; in DXE
 * SmmAccess2Dxe and SmmControl2Dxe start, PiSmmIpl loads the SMM core, the first dispatch runs
 * SmiManage directly (entry point not registered yet): CpuIo2Smm, SmmLockBox, then
 * PiSmmCpuDxeSmm, whose first-SMI init runs and which registers SmmEntryPoint; the IPL closes
 * SMRAM and dispatches the rest through SMI #1; then the DXE phase (OvmfDxe.ts) sends the real
 * boot's ~520 Communicate SMIs - variable requests, VarCheckPolicy, DXE dispatch, EndOfDxe,
 * ReadyToLock, ReadyToBoot - and the OS loader's ExitBootServices. The OS then runs with all CPUs
 * idle.
 */
export function* bootOvmf(m: Machine): Gen<void> {
  const s = m.s;
  s.stage = 'boot';
  serialNote(m, `QEMU Q35 (ICH9) + OVMF X64, ${s.cpus.length} CPU(s), ${s.config.ramSize >>> 20} MiB RAM, TSEG ${hex(s.config.tsegBase)}+${hex(s.config.tsegSize)}`);
  if (!(yield* peiPhase(m))) return;
  for (const name of ['SmmAccess2Dxe', 'SmmControl2Dxe', 'PiSmmIpl']) {
    if (!(yield* startDxeDriver(m, name))) return;
  }
  installDxeArchProtocols(m);
  yield* smmIplDispatchDriver(m);
  // The DXE phase: every Communicate SMI of the logged real boot, in order (OvmfDxe.ts), then ExitBootServices.
  yield* runOvmfDxePhase(m);
  if (s.hung) return;
  yield* exitBootServices(m);
  if (s.hung) return;
  serialNote(m, `boot done: ${s.smiSeq} SMIs since power-on; the OS runs, all CPUs idle in HLT. Try: smi 0x04 --cpu 1`);
  s.cpus.forEach((c, i) => {
    osRegs(c.regs, i, true);
    c.halted = true;
    c.activity = 'os';
  });
  s.lastSmi = null;
  s.stage = 'os';
}
