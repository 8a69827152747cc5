/**
 * The `ovmf` platform: QEMU Q35 (ICH9) + OVMF X64 with SMM. Which modules are in the firmware
 * volume, where RAM, TSEG and runtime data live, and the boot path that brings SMM up.
 */

import { createCpu, dxeRegs, osRegs } from '../machine/Cpu';
import { createMachineState, type Machine, type MachineState, type PlatformConfig, serialNote, serialWrite } from '../machine/Machine';
import { SMM_DEFAULT_SMBASE } from '../machine/SaveStateMap';
import { layoutById } from '../machine/SaveStateMap';
import { CpuHotplugSmm } from '../modules/CpuHotplugSmm';
import { CpuIo2Smm } from '../modules/CpuIo2Smm';
import { GenericSwDispatcher } from '../modules/GenericSwDispatcher';
import type { ModuleDef } from '../modules/ModuleDef';
import { PiSmmCore, newModuleRecord } from '../modules/PiSmmCore';
import { PiSmmCpuDxeSmm } from '../modules/PiSmmCpuDxeSmm';
import { PiSmmIpl, smmIplDispatchDriver } from '../modules/PiSmmIpl';
import { RootMmiSample, SwDispatch2Depex, SwDispatch2Locate } from '../modules/Samples';
import { SmmControl2Dxe } from '../modules/SmmControl2Dxe';
import { FvbServicesSmm } from '../modules/FvbServicesSmm';
import { SmmFaultTolerantWriteDxe } from '../modules/SmmFaultTolerantWriteDxe';
import { TcgMorLockSmm } from '../modules/TcgMorLockSmm';
import { VariableSmm } from '../modules/VariableSmm';
import { VariableSmmRuntimeDxe } from '../modules/VariableSmmRuntimeDxe';
import { formatOvmfVarsFlash } from '../modules/VariableStore';
import { DXE_IMAGE_BASE, exitBootServices, installDxeArchProtocols, runOvmfDxePhase } from './OvmfDxe';
import { OVMF_DEBUG_PRINT_ERROR_LEVEL } from '../pi/Debug';
import { type Gen, hex } from '../pi/Fw';
import { registerGuidName } from '../pi/Guid';

/**
 * Modules of the `ovmf` profile. The SMM drivers are in OvmfPkg/OvmfPkgX64.fdf order (the order
 * the SMM dispatcher scans them in): CpuHotplugSmm, CpuIo2Smm, PiSmmCpuDxeSmm, FvbServicesSmm,
 * SmmFaultTolerantWriteDxe, VariableSmm, TcgMorLockSmm.
 */
export const OVMF_MODULES: ModuleDef[] = [
  SmmControl2Dxe, PiSmmIpl, PiSmmCore, VariableSmmRuntimeDxe,
  CpuHotplugSmm, CpuIo2Smm, PiSmmCpuDxeSmm, FvbServicesSmm, SmmFaultTolerantWriteDxe, VariableSmm, TcgMorLockSmm,
];
/** Modules a user can add with --module. */
export const SAMPLE_MODULES: ModuleDef[] = [SwDispatch2Locate, SwDispatch2Depex, RootMmiSample, GenericSwDispatcher];

for (const d of [...OVMF_MODULES, ...SAMPLE_MODULES]) registerGuidName(d.fileGuid, d.name);

export const MAX_CPUS = 256;

export function ovmfConfig(opts: { cpus?: number; broadcast?: boolean; syncMode?: PlatformConfig['syncMode']; modules?: string[] } = {}): PlatformConfig {
  const ramSize = 0x80000000; // 2 GiB guest
  const tsegSize = 16 * 1024 * 1024; // QEMU q35 default extended TSEG (mch.extended-tseg-mbytes = 16)
  return {
    profile: 'ovmf',
    cpuCount: opts.cpus ?? 4,
    broadcast: opts.broadcast ?? true,
    syncMode: opts.syncMode ?? null,
    extraModules: opts.modules ?? [],
    layout: 'amd64-qemu',
    ramSize,
    tsegBase: ramSize - tsegSize,
    tsegSize,
    defaultSmbaseSmram: { base: SMM_DEFAULT_SMBASE, size: 0x20000 },
    runtimeDataBase: 0x7ee00000,
    runtimeDataSize: 0x100000,
    debugPrintErrorLevel: OVMF_DEBUG_PRINT_ERROR_LEVEL,
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
      priv: { address: config.runtimeDataBase, size: 0x68 /* sizeof (SMM_CORE_PRIVATE_DATA) on X64 */, inSmm: false, commBuffer: 0, bufferSize: 0, returnStatus: 'EFI_SUCCESS', smmEntryPointRegistered: false },
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
    },
    {
      syncMode: 'relaxed',
      apSyncTimeout: 100000,
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

/**
 * OVMF boot as far as SMM is concerned, on the BSP (CPU 0): SmmControl2Dxe, PiSmmIpl loads the SMM
 * core, the first dispatch runs SmiManage directly (entry point not registered yet), PiSmmCpuDxeSmm
 * relocates SMBASEs and registers SmmEntryPoint, SMRAM is closed and the rest is dispatched through
 * SMI #1; then the DXE phase (OvmfDxe.ts) sends the real boot's ~520 Communicate SMIs - variable
 * requests, VarCheckPolicy, DXE dispatch, EndOfDxe, ReadyToLock, ReadyToBoot - and the OS loader's
 * ExitBootServices. The OS then runs with all CPUs idle.
 */
export function* bootOvmf(m: Machine): Gen<void> {
  const s = m.s;
  s.stage = 'boot';
  serialNote(m, `QEMU Q35 (ICH9) + OVMF X64, ${s.cpus.length} CPU(s), ${s.config.ramSize >>> 20} MiB RAM, TSEG ${hex(s.config.tsegBase)}+${hex(s.config.tsegSize)}`);
  for (const name of ['SmmControl2Dxe', 'PiSmmIpl']) {
    const rec = s.modules.find((x) => x.name === name)!;
    rec.imageBase = DXE_IMAGE_BASE[name] ?? 0;
    const status = yield* m.defs.get(name)!.entry({ m, mod: rec, cpu: 0 });
    rec.state = status === 'EFI_SUCCESS' ? 'dispatched' : 'failed';
    rec.reason = `DXE driver, entry point returned ${status}`;
    rec.entryStatus = status;
    if (status !== 'EFI_SUCCESS') return;
  }
  // DXE runs on the BSP in identity-mapped long mode; the APs wait in the MP services' loop.
  s.cpus.forEach((c, i) => {
    dxeRegs(c.regs, i, i !== 0);
    c.halted = i !== 0;
  });
  installDxeArchProtocols(m);
  yield* smmIplDispatchDriver(m);
  // The DXE phase: every Communicate SMI of the logged real boot, in order (OvmfDxe.ts), then ExitBootServices.
  yield* runOvmfDxePhase(m);
  if (s.hung) return;
  yield* exitBootServices(m);
  if (s.hung) return;
  serialNote(m, `boot done: ${s.smiSeq} SMIs since SMM came up; the OS runs, all CPUs idle in HLT. Try: smi 0x04 --cpu 1`);
  s.cpus.forEach((c, i) => {
    osRegs(c.regs, i, true);
    c.halted = true;
    c.activity = 'os';
  });
  s.lastSmi = null;
  s.stage = 'os';
}
