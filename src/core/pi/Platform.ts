/**
 * The platform firmware runs on, as the PI core and the drivers see it: the hardware state
 * (machine/Hardware) plus the firmware's own data (SMM core databases, dispatcher records, the
 * DEBUG log), all plain data, so structuredClone(state) between SMIs is a complete checkpoint; and
 * the code that runs on it (module images, the save-state layout, the platform's SMI flow).
 *
 * The type lives here, at the PI floor, because PI code and drivers operate on it and a type may
 * not point up; system/ builds the whole machine and runs the flows that span hardware and
 * firmware (the SMI lifecycle, the boot stages).
 */

import { createHardware, type HardwareState } from '../machine/Hardware';
import { smiHostFeatures } from '../machine/Ich9Lpc';
import type { PortWrite } from '../machine/IoBus';
import { type Accel, type SaveStateLayout, layoutById } from '../machine/SaveStateMap';
import type { EfiStatus } from '../lib/EfiStatus';
import type { Gen, TraceEvent } from './Fw';
import type { Guid } from '../lib/Guid';
import type { Val } from '../smmc/Ast';
import type { ModuleRecord } from './ModuleRecord';
import type { MpSyncState, SyncMode } from './MpSyncState';
import type { ProtocolEntry, ProtocolLookup, SmmCoreState } from './SmmCoreState';
import type { HandlerCall, SmiSummary } from './SmiRecord';
import type { SmramRegion } from './SmramMap';

/** The platforms SmiScope models (profiles/): `platform NAME` in the console. */
export type PlatformName = 'ovmf' | 'ovmf-swdispatch' | 'pch';

/**
 * The order in which the CPUs of one SMI take SMI# and reach SmiRendezvous: a model choice (real
 * hardware gives no order; which thread wins is a race). It matters where the monarch is the first
 * CPU to check in ('first-to-check-in'): 'caller-first' = the CPU that executed the OUT, then the
 * others by index; 'ascending' = by CPU index; 'descending' = highest index first.
 */
export type ArrivalOrder = 'caller-first' | 'ascending' | 'descending';

export interface PlatformConfig {
  profile: PlatformName;
  /** Which chipset decodes the APM ports and the SMI logic (machine/Ich9Lpc.ts, machine/PchLpc.ts). */
  chipset: 'ich9-qemu' | 'pch';
  /** The CPUs' arrival order at SMI#: see ArrivalOrder. */
  arrival: ArrivalOrder;
  cpuCount: number;
  /** QEMU offers broadcast SMI (-global ICH9-LPC.x-smi-broadcast; etc/smi/supported-features bit 0). */
  broadcast: boolean;
  /**
   * QEMU offers CPU hotplug and hot-unplug with SMI (x-smi-cpu-hotplug, x-smi-cpu-hot-unplug;
   * feature bits 1 and 2). OVMF requests them with broadcast; QEMU rejects them without it.
   */
  hotplugSmi: boolean;
  /**
   * How PiSmmCpuDxeSmm's SmiRendezvous elects the SMM BSP (monarch) of each SMI:
   * 'apic-bsp-hook' = the platform's PlatformSmmBspElection succeeds and picks the CPU whose
   * IA32_APIC_BASE.BSP is set (OVMF: OvmfPkg/Library/SmmCpuPlatformHookLibQemu);
   * 'first-to-check-in' = the hook returns EFI_NOT_READY (UefiCpuPkg SmmCpuPlatformHookLibNull)
   * and the first CPU to win InterlockedCompareExchange32 (&BspIndex) becomes BSP.
   */
  bspElection: 'apic-bsp-hook' | 'first-to-check-in';
  /** Override PcdCpuSmmSyncMode after negotiation (null = what OVMF would pick). */
  syncMode: SyncMode | null;
  /** Extra (sample / user) SMM modules in the firmware volume, by name. */
  extraModules: string[];
  /**
   * SMM-C modules the user loaded (`load`), as their source files: plain data, so a checkpoint, a
   * session file and a link carry them. They are added to the firmware volume after the others.
   */
  cModules?: { inf: { name: string; text: string }; files: { name: string; text: string }[] }[];
  layout: SaveStateLayout['id'];
  /** `--accel`: QEMU TCG or KVM runs the vCPUs; decides who writes the save state (facts §12.10). */
  accel: Accel;
  ramSize: number;
  tsegBase: number;
  tsegSize: number;
  /** SMRAM at the default SMBASE (QEMU q35 >= 5.1, PcdQ35SmramAtDefaultSmbase). */
  defaultSmbaseSmram: { base: number; size: number } | null;
  /** gSmmCorePrivate and PiSmmIpl's communication buffer live here (EfiRuntimeServicesData). */
  runtimeDataBase: number;
  runtimeDataSize: number;
  /** PcdDebugPrintErrorLevel: which DEBUG() levels reach the debugcon port. */
  debugPrintErrorLevel: number;
  /** Physical address width QEMU reports in CPUID 0x80000008 (PlatformPei puts it in the CPU HOB). */
  physAddressBits: number;
  /** Where the HOB list lives (PEI builds it; DXE and SMM drivers read it). Outside SMRAM. */
  hobListBase: number;
  /** The PEI page SmmRelocationLib gets for its relocation stack (the model has no PEI allocator). */
  peiRelocationStackPage: number;
  /** The UEFI memory map at EndOfDxe (what SmmMemLib copies), in ascending address order. */
  uefiMemoryMap: MemoryMapEntry[];
  /** The UEFI Memory Attributes Table (runtime images: code read-only, data no-execute). */
  memoryAttributesTable: MemoryMapEntry[];
}

/** An EFI_MEMORY_DESCRIPTOR, as bytes count: type is the EFI_MEMORY_TYPE number, attribute the EFI_MEMORY_* bits below bit 32. */
export interface MemoryMapEntry {
  base: number;
  size: number;
  type: number;
  attribute: number;
  /** What the model keeps there. */
  what: string;
}

/** The SMI record is exactly what the UI's summary shows: one shape, defined in the protocol. */
export type HandlerCallRec = HandlerCall;
export type SmiRecord = SmiSummary;

/** A child of EFI_MM_SW_DISPATCH_PROTOCOL (GenericSwDispatcher's or PchSmiDispatcher's), decoded from its record in SMRAM. */
export interface SwRegistration {
  value: number;
  module: string;
  handler: string;
  /** The DispatchHandle Register returned: GenericSwDispatcher's record, PchSmiDispatcher's record's Link. */
  handle: number;
  /** Set when C code registered a DispatchFunction pointer that is no handler the model knows (`handler` is then its address in hex). */
  address?: number;
}

export interface HungInfo {
  cpu: number;
  module: string;
  message: string;
  /** Whether the CPU dead-loops inside SMM (an SMM driver) or outside it (a DXE driver). */
  inSmm: boolean;
  /** Where in SMM-C source the CPU is stuck (an endless loop, a fault, an ASSERT, CpuDeadLoop ()). */
  where?: { file: string; line: number; fn: string };
}

export interface MachineState extends HardwareState {
  format: 'smiscope-machine';
  version: 1;
  config: PlatformConfig;
  smm: SmmCoreState;
  mp: MpSyncState;
  modules: ModuleRecord[];
  /** The UEFI (gBS) protocol database, as far as SMM depex evaluation and PiSmmIpl care. */
  uefiProtocols: ProtocolEntry[];
  /** Every SmmLocateProtocol / gBS->LocateProtocol a module made (merged per module, service, GUID). */
  protocolLookups: ProtocolLookup[];
  smiSeq: number;
  /**
   * The virtual clock, in microseconds. No instruction is timed: only the waits the firmware
   * models advance it, by what they wait (PcdCpuSmmApSyncTimeout / ...Timeout2 when they time out).
   */
  clockUs: number;
  currentSmi: SmiRecord | null;
  lastSmi: SmiRecord | null;
  hung: HungInfo | null;
  stage: 'reset' | 'boot' | 'os';
  smramRegions: SmramRegion[];
  /** Bumped when handler / protocol / module tables or the SMRAM picture change. */
  tablesVersion: number;
  regionsVersion: number;
}

/** What raises an SMI: the OUTs one CPU executes (and, for PiSmmIpl's Communicate, the buffer). */
export interface SmiTrigger {
  cpu: number;
  writes: PortWrite[];
  /**
   * Set for PiSmmIpl's Communicate: the buffer gSmmCorePrivate points at. `guid` is what the header
   * in memory says; `osIntent` is the GUID the OS meant to write when the header lies in SMRAM and
   * its writes were dropped (the record and the events then name the GUID asked for).
   */
  communicate?: { address: number; size: number; guid: Guid; osIntent?: Guid };
}

/**
 * Everything that happens from an OUT to the last RSM. The system layer supplies it when it builds
 * the machine, so a driver that triggers an SMI (SmmControl2 Trigger from PiSmmIpl's Communicate)
 * runs the platform's flow without importing upward.
 */
export type SmiFlow = (m: Machine, t: SmiTrigger) => Gen<void>;

export interface Machine {
  s: MachineState;
  layout: SaveStateLayout;
  defs: ReadonlyMap<string, ModuleDef>;
  smi: SmiFlow;
}

/** The context a firmware function runs in: the machine, its module, the CPU executing it. */
export interface Fw {
  m: Machine;
  mod: ModuleRecord;
  cpu: number;
}

/**
 * EFI_SMM_HANDLER_ENTRY_POINT2: (DispatchHandle, Context, CommBuffer, CommBufferSize).
 * CommBuffer is a physical address (0 = NULL); CommBufferSize is the UINTN the caller passes by
 * pointer (null = NULL), so a handler can change it as edk2 handlers do.
 */
export type MmiHandlerFn = (
  fw: Fw,
  dispatchHandle: number,
  context: number,
  commBuffer: number,
  commBufferSize: { value: number } | null,
) => Gen<EfiStatus>;

export type EntryPointFn = (fw: Fw) => Gen<EfiStatus>;

/**
 * EFI_MM_NOTIFY_FN: (Protocol, Interface, Handle), called by SmmInstallProtocolInterface for every
 * notification registered on the protocol with SmmRegisterProtocolNotify (PiSmmCore Notify.c).
 */
export type NotifyFn = (fw: Fw, protocol: string, iface: number) => Gen<EfiStatus>;

/**
 * A firmware function C code can call through a pointer (pi/Native.ts): `args` in C parameter
 * order, already converted to the parameter types (pointers are physical addresses); returns the
 * C return value (an EFI_STATUS as its 64-bit value, lib/EfiStatus efiStatusValue). `fw` is the
 * caller's context: its module and the CPU it runs on.
 */
export interface NativeImpl {
  (fw: Fw, args: Val[]): Gen<Val>;
  /**
   * Set on a native that yields one event at most (pi/Native.ts oneEventNative): the same function
   * as a plain call that leaves that event in `out.event`, so the C run loop yields it itself,
   * without a generator of the native's own.
   */
  once?: OneEventNativeFn;
}

/** A native's work as a plain function: the C return value, and the one event (or none) it would yield, in `out`. */
export type OneEventNativeFn = (fw: Fw, args: Val[], out: NativeOut) => Val;

export interface NativeOut {
  /** The event, yielded once the function has returned. */
  event: TraceEvent | null;
  /** Work the native does after its event (when the debugger resumes): its value replaces the one returned. */
  after: (() => Val) | null;
}

/** The code side of a firmware module: what the build would put in an FFS file. */
export interface ModuleDef {
  name: string;
  fileGuid: Guid;
  kind: ModuleRecord['kind'];
  /** The .inf [Depex] expression (DXE_SMM_DRIVER only); null = no depex section. */
  depex: string | null;
  imageSize: number;
  entry: EntryPointFn;
  /** Functions the module can register as MMI handlers, by C name. */
  handlers: Record<string, MmiHandlerFn>;
  /** Functions the module can register with SmmRegisterProtocolNotify, by C name. */
  notifies?: Record<string, NotifyFn>;
  /** One line, in SmiScope's words, on what the module does (the Modules tab, `modules`, state --json). */
  summary: string;
  /** The module's .inf in edk2 (e.g. UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.inf); null for SmiScope's samples. */
  path: string | null;
  /**
   * Protocol GUIDs the module installs (SMM or UEFI database) when it runs: how the model knows a
   * GUID that nobody installed has no producer in this firmware (the Protocols tab's missing list).
   */
  produces?: Guid[];
  /**
   * The module's functions other code may call through a pointer (the SMST's services, protocol
   * members), by C name: each has a fixed address in the module's image (pi/Native.ts).
   */
  natives?: Record<string, NativeImpl>;
  /**
   * For modules whose functions are C (SMM-C): the name of the function at `addr` (null: none
   * starts there), and the address of the function `name` (null: no such function). Without them
   * the model's own code layout applies (pi/Native.ts).
   */
  functionAt?(imageBase: number, addr: number): string | null;
  functionAddress?(imageBase: number, name: string): number | null;
}

export function createMachineState(config: PlatformConfig, smm: SmmCoreState, mp: MpSyncState): MachineState {
  return {
    format: 'smiscope-machine',
    version: 1,
    config,
    ...createHardware(config.cpuCount, smiHostFeatures(config.broadcast, config.hotplugSmi), config.chipset),
    smm,
    mp,
    modules: [],
    uefiProtocols: [],
    protocolLookups: [],
    smiSeq: 0,
    clockUs: 0,
    currentSmi: null,
    lastSmi: null,
    hung: null,
    stage: 'reset',
    smramRegions: [],
    tablesVersion: 0,
    regionsVersion: 0,
  };
}

export function machineFromState(s: MachineState, defs: ReadonlyMap<string, ModuleDef>, smi: SmiFlow): Machine {
  return { s, layout: layoutById(s.config.layout), defs, smi };
}

export function isSmram(m: Machine, addr: number, len = 1): boolean {
  const c = m.s.config;
  const overlaps = (b: number, sz: number) => addr < b + sz && b < addr + len;
  return overlaps(c.tsegBase, c.tsegSize) || (c.defaultSmbaseSmram !== null && overlaps(c.defaultSmbaseSmram.base, c.defaultSmbaseSmram.size));
}

export function bumpTables(m: Machine): void {
  m.s.tablesVersion++;
}

export function addRegion(m: Machine, r: SmramRegion): void {
  m.s.smramRegions.push(r);
  m.s.smramRegions.sort((a, b) => a.base - b.base || b.size - a.size);
  m.s.regionsVersion++;
}
