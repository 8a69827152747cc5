/**
 * The one typed contract between the UI (main thread) and the emulation worker.
 * Types only: both sides switch exhaustively on `type`, so a new message is a compile
 * error until both ends handle it. The UI never emulates; it renders ViewSnapshots.
 */

export const PROTOCOL_VERSION = 2;

/** Debugger granularities, coarse to fine. */
export type StepGranularity = 'smi' | 'phase' | 'event';

/** Toolbar / keyboard actions; each maps to the same console command the terminal accepts. */
export type DebugAction = 'step-phase' | 'step-event' | 'step-smi' | 'continue' | 'pause' | 'reset';

export type UiToWorker =
  | { type: 'hello'; protocolVersion: number }
  /** One console line, exactly as typed in the terminal (same language as the CLI). */
  | { type: 'command'; id: number; line: string }
  | { type: 'action'; id: number; action: DebugAction }
  /** What the panels currently look at; the worker sends only these windows. */
  | { type: 'view'; view: ViewRequest }
  /** Ask for the session file (platform + console lines); answered with 'session'. */
  | { type: 'session-export'; id: number }
  /** Replace the session by replaying a session file (JSON text); answered with 'output'. */
  | { type: 'session-import'; id: number; text: string };

/** One thing the worker reports. */
export type WorkerMessage =
  | { type: 'ready'; protocolVersion: number }
  /** Console output for a command/action; `error` lines are reported at the prompt. */
  | { type: 'output'; id: number; lines: string[]; error: boolean }
  /** Firmware debugcon (DEBUG, port 0x402) lines since the previous message, with their running sequence number. */
  | { type: 'log'; firstSeq: number; lines: string[] }
  | { type: 'snapshot'; snapshot: ViewSnapshot }
  /** The worker is running (continue) and will accept `pause`. */
  | { type: 'busy'; busy: boolean }
  /** A session file as JSON text (for download, autosave and permalinks). */
  | { type: 'session'; id: number; text: string };

/**
 * What goes over the wire. Everything one UI message (or one slice of a running command)
 * produces, typically output + log + snapshot, travels as one `batch` (several messages, in
 * order), so the UI folds a step into its state at once instead of message by message.
 */
export type WorkerToUi = WorkerMessage | { type: 'batch'; messages: WorkerMessage[] };

export interface ViewRequest {
  selectedCpu: number;
  /** Hex window: physical address and length (at most 4096 bytes). */
  hexAddress: number;
  hexLength: number;
}

/** Numbers that can exceed 2^53 (64-bit registers, EFI_STATUS) travel as "0x.." strings. */
export type Hex = string;

export type Phase =
  | 'trigger'
  | 'smi-delivery'
  | 'save-state'
  | 'rendezvous'
  | 'smm-entry'
  | 'communicate'
  | 'mmi-manage'
  | 'handler'
  | 'exit'
  | 'rsm'
  | 'done';

/** What a CPU is doing at this point of the SMI (tile colour and label). */
export type CpuActivity =
  | 'os' // outside SMM, running the OS
  | 'smi-pending' // SMI# latched, not yet taken
  | 'saving-state' // writing the save-state map on SMM entry
  | 'rendezvous' // checked in, waiting for the BSP to be elected / APs to arrive
  | 'bsp' // elected BSP, running SmmEntryPoint
  | 'ap-wait' // AP in APHandler, waiting for the BSP's release
  | 'released' // released by the BSP, about to RSM
  | 'rsm' // executed RSM this step
  | 'hung'; // CpuDeadLoop (ASSERT) inside SMM

export interface CpuView {
  index: number;
  apicId: number;
  smbase: number;
  inSmm: boolean;
  halted: boolean;
  smiPending: boolean;
  activity: CpuActivity;
  /** MSR_SMI_COUNT (QEMU increments it on every SMM entry). */
  smiCount: number;
  /** MSR IA32_APIC_BASE: bit 8 (BSP) is what OVMF's PlatformSmmBspElection reads. */
  apicBase: number;
  rip: Hex;
  rax: Hex;
  /** Executed the OUT that raised the current / last SMI. */
  isOutCpu: boolean;
  /** Elected SMM BSP (monarch) of the current / last SMI. */
  isBsp: boolean;
}

/** One save-state map field, described as data so the UI can decode it from bytes. */
export interface SaveStateFieldDesc {
  name: string;
  /** Offset from SMBASE + 0x8000 (as the SDM and edk2 headers count). */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** Written on SMM entry (QEMU TCG writes only some fields of the AMD64 map; KVM zeroes the rest). */
  written: boolean;
  /** Restored by RSM. */
  restored: boolean;
  note?: string;
}

export interface SaveStateLayoutDesc {
  name: string; // e.g. "AMD64 (QEMU TCG, revision 0x00020064)"
  /** The accelerator whose SMM entry wrote the map (`platform ovmf --accel`). */
  accel: 'tcg' | 'kvm';
  /** Who writes the map, with the upstream file and function. */
  writer: string;
  /** What that accelerator means for the fields the CPU does not save. */
  accelNote: string;
  revision: number;
  /** Map begins at SMBASE + mapOffset (0xFC00) and is mapSize (0x400) bytes long. */
  mapOffset: number;
  mapSize: number;
  fields: SaveStateFieldDesc[];
}

export interface SaveStateView {
  cpu: number;
  /** Physical address of the first byte of `bytes` (SMBASE + 0xFC00). */
  address: number;
  bytes: Uint8Array;
  /** Offsets within `bytes` that changed since the previous step. */
  changedOffsets: number[];
  /** True while the map holds a state saved for the current SMI. */
  live: boolean;
}

export type SmramRegionKind =
  | 'tseg'
  | 'default-smbase'
  | 'smi-entry'
  | 'psd'
  | 'save-state'
  | 'module'
  | 'core-data'
  | 'reserved'
  | 'smbase'
  | 'free';

export interface SmramRegion {
  base: number;
  size: number;
  kind: SmramRegionKind;
  label: string;
  cpu?: number;
}

/** One SMRAM descriptor as SmmAccess2 GetCapabilities reports it (EFI_SMRAM_DESCRIPTOR). */
export interface SmramDescriptorView {
  cpuStart: number;
  physicalSize: number;
  regionState: number;
  /** RegionState bits by name, e.g. "CLOSED|CACHEABLE|ALLOCATED". */
  stateText: string;
  /** What it holds on OVMF (reserved page, SMBASE relocation block, SMM core and drivers). */
  label: string;
  /** The same in a few words. */
  short: string;
}

export interface HandlerRow {
  /** Root, GUID or SW registration. */
  kind: 'root' | 'guid' | 'sw';
  guid?: string;
  guidName?: string;
  swValue?: number;
  module: string;
  handler: string;
  /** DispatchHandle (the SMI_HANDLER record's SMRAM address). */
  handle: number;
  toRemove: boolean;
}

export interface ProtocolRow {
  name: string;
  guid: string;
  module: string;
  /** 'smm' = in the SMST protocol database; 'uefi' = in gBS (boot services). */
  database: 'smm' | 'uefi';
  interface: number;
}

export type ModuleState = 'dispatched' | 'dependent' | 'failed' | 'hung' | 'unloaded';

export interface ModuleRow {
  name: string;
  guid: string;
  state: ModuleState;
  reason: string;
  depex: string;
  missing: string[];
  imageBase: number;
  imageSize: number;
}

export interface TimelineEvent {
  seq: number;
  phase: Phase;
  /** -1 for events that belong to no single CPU. */
  cpu: number;
  text: string;
  level: 'phase' | 'event';
}

export interface HandlerCall {
  handler: string;
  module: string;
  kind: 'root' | 'guid' | 'sw';
  returned: string;
}

/**
 * How an SMI was raised: an OUT to APM_CNT 0xB2 by the OS ('apm'), PiSmmIpl's Communicate
 * ('communicate'), or a local-APIC SMI IPI of the boot ('smi-ipi': SMBASE relocation, first-SMI init).
 */
export type SmiKind = 'apm' | 'communicate' | 'smi-ipi';

export interface SmiSummary {
  number: number;
  kind: SmiKind;
  command: number;
  data: number;
  cpu: number;
  bsp: number | null;
  communicate: string | null;
  phasesRun: Phase[];
  handlersCalled: HandlerCall[];
  finished: boolean;
  /** False when the APM write raised no SMI (0x02/0x03, APMC_EN clear); `note` says why. */
  raised: boolean;
  note: string;
  /** CPUs that took SMI# (and those SmmWaitForApArrival pulled in late with SMI IPIs). */
  cpus: number[];
}

export interface DebugStatus {
  mode: 'idle' | 'paused' | 'hung';
  /** Why the machine is hung / what the debugger paused on. */
  message: string;
  phase: Phase | null;
  eventSeq: number;
}

export interface ViewSnapshot {
  seq: number;
  platform: {
    name: string;
    cpuCount: number;
    broadcast: boolean;
    /** QEMU offers CPU hotplug / hot-unplug with SMI (x-smi-cpu-hotplug, x-smi-cpu-hot-unplug). */
    hotplugSmi: boolean;
    syncMode: 'traditional' | 'relaxed';
    /** `--accel`: which accelerator runs the vCPUs (and writes the save state). */
    accel: 'tcg' | 'kvm';
    /** How SmiRendezvous elects the SMM BSP (OVMF: PlatformSmmBspElection picks IA32_APIC_BASE.BSP, CPU0). */
    bspElection: 'apic-bsp-hook' | 'first-to-check-in';
    tsegBase: number;
    tsegSize: number;
  };
  /** The machine's virtual clock (microseconds): advanced only by modelled waits (sync timeouts). */
  virtualTimeUs: number;
  status: DebugStatus;
  cpus: CpuView[];
  /** Sent when it changes (platform reset), otherwise omitted. */
  layout?: SaveStateLayoutDesc;
  saveState: SaveStateView;
  /** `regions` and `descriptors` are sent when they change. */
  smram: { regions?: SmramRegion[]; descriptors?: SmramDescriptorView[]; hexAddress: number; hexBytes: Uint8Array };
  /** Tables are sent only when they changed since the previous snapshot. */
  tables?: { handlers: HandlerRow[]; protocols: ProtocolRow[]; modules: ModuleRow[] };
  /** Events of the current SMI: `reset` = replace, else append. */
  timeline: { reset: boolean; events: TimelineEvent[] };
  lastSmi: SmiSummary | null;
  breakpoints: { id: number; text: string; hits: number }[];
}
