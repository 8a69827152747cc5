/**
 * The `ovmf` machine built and booted: power-on state from the profile (profiles/ovmf.ts), then the
 * boot as far as SMM is concerned - PEI (PlatformPei, SmmRelocationLib), the DXE drivers that
 * bring SMM up (SmmAccess2Dxe, SmmControl2Dxe, PiSmmIpl and the SMM core's first dispatch), and
 * the DXE phase's Communicate SMIs (OvmfDxe.ts) up to ExitBootServices. This spans hardware and
 * firmware, so it lives here, above the drivers and the profile.
 */

import { dxeRegs, osRegs } from '../machine/Cpu';
import { serialNote } from '../machine/Debugcon';
import { layoutById } from '../machine/SaveStateMap';
import { SMM_DEFAULT_SMBASE } from '../machine/SaveStateField';
import { newModuleRecord } from '../modules/PiSmmCore';
import { smmIplDispatchDriver } from '../modules/PiSmmIpl';
import { onMpServices2Available, PlatformPei } from '../modules/PlatformPei';
import { formatOvmfVarsFlash } from '../modules/VariableStore';
import { ev, type Gen, hex, tag } from '../pi/Fw';
import { createHobList } from '../pi/HobLib';
import { createMachineState, type Fw, type Machine, type MachineState, type ModuleDef, type PlatformConfig } from '../pi/Platform';
import { moduleDefs } from '../profiles/Platforms';
import { DXE_IMAGE_BASE, exitBootServices, installDxeArchProtocols, runOvmfDxePhase } from './OvmfDxe';
import { smiLifecycle } from './SmiLifecycle';

/** Power-on state of any platform: CPUs at reset, no SMM yet. */
export function createMachine(config: PlatformConfig): Machine {
  return createOvmfMachine(config);
}

/**
 * Power-on state: CPUs at reset, no SMM yet. PiSmmCpuDxeSmm's sync PCDs start at the platform's DSC
 * values: OVMF's (relaxed, 100000 µs; SmmControl2Dxe's negotiation may switch to traditional), or on
 * the PCH UefiCpuPkg.dec's defaults (traditional, 1000000 µs each; facts §8.1).
 */
export function createOvmfMachine(config: PlatformConfig): Machine {
  const silicon = config.chipset === 'pch';
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
      smstAddress: 0,
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
      syncMode: silicon ? config.syncMode ?? 'traditional' : 'relaxed',
      apSyncTimeout: silicon ? 1000000 : 100000,
      apSyncTimeout2: silicon ? 1000000 : 100000,
      bspIndex: -1,
      insideSmm: false,
      allCpusInSync: false,
      doorLocked: false,
      present: new Array(config.cpuCount).fill(false),
      checkedIn: new Array(config.cpuCount).fill(false),
      smmInitialized: new Array(config.cpuCount).fill(false),
      smBase: new Array(config.cpuCount).fill(SMM_DEFAULT_SMBASE),
      relocated: false,
      entryContext: 0,
    },
  );
  for (const d of defs.values()) s.modules.push(newModuleRecord(d));
  // QEMU maps OVMF_VARS.fd (an empty variable store) as the second pflash before the firmware runs.
  if (!silicon) formatOvmfVarsFlash(s.mem);
  s.smramRegions.push({ base: config.tsegBase, size: config.tsegSize, kind: 'tseg', label: `TSEG ${config.tsegSize >>> 20} MiB` });
  if (config.defaultSmbaseSmram) {
    const d = config.defaultSmbaseSmram;
    s.smramRegions.push({ base: d.base, size: d.size, kind: 'default-smbase', label: 'SMRAM at the default SMBASE 0x30000 (QEMU >= 5.1, PcdQ35SmramAtDefaultSmbase)' });
  }
  return { s, layout: layoutById(config.layout), defs, smi: smiLifecycle };
}

/** Run one DXE driver's entry point and record the outcome; false when it failed. */
export function* startDxeDriver(m: Machine, name: string): Gen<boolean> {
  const rec = m.s.modules.find((x) => x.name === name)!;
  rec.imageBase = DXE_IMAGE_BASE[name] ?? 0;
  yield tag(ev('trigger', 0, `DXE core: CoreStartImage (${name})${rec.imageBase ? `, entry point at ${hex(rec.imageBase + 0x1000)}` : ''}`), { module: name, boot: 'driver' });
  const status = yield* m.defs.get(name)!.entry({ m, mod: rec, cpu: 0 });
  yield tag(ev('trigger', 0, `${name}: entry point returned ${status}`), { status });
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
  return yield* runPei(m, PlatformPei,
    'PEI: the PEI core built the HOB list and dispatches PlatformPei (OvmfPkg/PlatformPei, InitializePlatform)',
    "CpuMpPei: EFI_PEI_MP_SERVICES2_PPI installed -> PlatformPei OnMpServices2Available (RelocateSmBase's notification)",
    'PEIM: SMRAM HOB, PMBASE, CPU HOB; relocated every SMBASE in OnMpServices2Available (SmmRelocationLib) and published them in gSmmBaseHobGuid');
}

/**
 * PEI on the BSP with the platform's PEIM `peim`: the CPUs get the model's DXE register context, the
 * PEI core builds the HOB list, the PEIM runs, then CpuMpPei's MP Services2 notification relocates
 * every SMBASE (SmmRelocationLib). Shared by the ovmf and pch boots.
 */
export function* runPei(m: Machine, peim: ModuleDef, intro: string, mpServices: string, reason: string): Gen<boolean> {
  const s = m.s;
  s.cpus.forEach((c, i) => {
    dxeRegs(c.regs, i, i !== 0);
    c.halted = i !== 0;
  });
  createHobList(m);
  const rec = s.modules.find((x) => x.name === peim.name)!;
  const fw: Fw = { m, mod: rec, cpu: 0 };
  yield tag(ev('trigger', 0, intro), { module: peim.name, boot: 'PEI' });
  const status = yield* peim.entry(fw);
  yield tag(ev('trigger', 0, `${peim.name}: entry point returned ${status}`), { status });
  rec.entryStatus = status;
  rec.state = status === 'EFI_SUCCESS' ? 'dispatched' : 'failed';
  rec.reason = `PEIM, entry point returned ${status}`;
  if (status !== 'EFI_SUCCESS') return false;
  yield ev('trigger', 0, mpServices);
  yield* onMpServices2Available(fw);
  rec.reason = reason;
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
  bootDone(m, 'smi 0x04 --cpu 1');
}

/** The end of a boot: the OS runs, every CPU idles in HLT. */
export function bootDone(m: Machine, tryLine: string): void {
  const s = m.s;
  serialNote(m, `boot done: ${s.smiSeq} SMIs since power-on; the OS runs, all CPUs idle in HLT. Try: ${tryLine}`);
  s.cpus.forEach((c, i) => {
    osRegs(c.regs, i, true);
    c.halted = true;
    c.activity = 'os';
  });
  s.lastSmi = null;
  s.stage = 'os';
}
