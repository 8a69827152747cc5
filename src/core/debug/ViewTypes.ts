/**
 * What the debugger shows of the machine: the ViewSnapshot a host (the worker) sends to a UI,
 * built from the machine's bytes by debug/View. The core owns these types; src/protocol imports
 * them for the wire contract.
 */

import type { CStopInfo } from '../pi/Fw';
import type { CFrameView, CVarView } from '../cdriver/CDebug';
import type { CpuActivity } from '../machine/Cpu';
import type { SaveStateLayoutDesc } from '../machine/SaveStateField';
import type { Phase } from '../pi/Fw';
import type { ModuleState } from '../pi/ModuleRecord';
import type { SmiSummary } from '../pi/SmiRecord';
import type { SmramDescriptorView, SmramRegion } from '../pi/SmramMap';

export interface ViewRequest {
  selectedCpu: number;
  /** Hex window: physical address and length (at most 4096 bytes). */
  hexAddress: number;
  hexLength: number;
  /**
   * The save state follows the step: after a console line that ran events, the snapshot shows the
   * map of the CPU of its last event that has one (instead of `selectedCpu`) and keeps it until
   * the next such step or a request with another `selectedCpu` (the user's choice); saveState.cpu
   * says which. Absent = false.
   */
  followCpu?: boolean;
}

/** Numbers that can exceed 2^53 (64-bit registers, EFI_STATUS) travel as "0x.." strings. */
export type Hex = string;

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

export interface ModuleRow {
  name: string;
  guid: string;
  state: ModuleState;
  reason: string;
  depex: string;
  missing: string[];
  imageBase: number;
  imageSize: number;
  /** What the module does, in one line (ModuleDef.summary). */
  summary?: string;
  /** Its .inf in edk2 (e.g. UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.inf); null for SmiScope's samples. */
  path?: string | null;
  /**
   * Set when the dispatcher's record of this module is out of date ("not evaluated: boot hung in
   * SwDispatch2Locate ..."): `missing` then lists what its last evaluation missed, not what is
   * missing now.
   */
  notEvaluated?: string | null;
  /** With notEvaluated: the depex GUIDs still missing against the protocols installed now. */
  missingNow?: string[];
}

/** A GUID modules looked up or depend on that nobody installed (pi/MissingProtocols). */
export interface MissingProtocolRow {
  name: string;
  guid: string;
  /** Who asked and what they got: "SwDispatch2Locate: gSmst->SmmLocateProtocol -> EFI_NOT_FOUND in SMI #7". */
  askedBy: string[];
  /** Modules of this firmware that would install it (empty: no producer on OVMF). */
  producers: string[];
  note: string;
}

export interface TimelineEvent {
  seq: number;
  phase: Phase;
  /** -1 for events that belong to no single CPU. */
  cpu: number;
  /** '' when `textLater` is set. */
  text: string;
  level: 'phase' | 'event';
  /**
   * The text was not sent with the snapshot (only the newest events of a snapshot carry theirs):
   * the UI asks for it with a 'timeline-text' message when it shows the event.
   */
  textLater?: true;
}

/** The buffer PiSmmIpl passed in gSmmCorePrivate->CommunicationBuffer (anywhere in memory, usually runtime data outside SMRAM). */
export interface CommBufferView {
  base: number;
  size: number;
  label: string;
  /** The SMI it belongs to (SmiSummary.number). */
  smi: number;
  /** That SMI is in progress, or the request is still pending in gSmmCorePrivate. */
  active: boolean;
  /** The last console line wrote some of its bytes (the OS's request, the handler's reply). */
  written: boolean;
  inSmram: boolean;
}

export interface DebugStatus {
  mode: 'idle' | 'paused' | 'hung';
  /** Why the machine is hung / what the debugger paused on. */
  message: string;
  phase: Phase | null;
  eventSeq: number;
  /** What is paused: the boot or an SMI run. */
  run?: 'boot' | 'smi' | null;
  /** The paused event, 1-based within its run, and how far the run went (goes down on `back`). */
  event?: { index: number; total: number } | null;
  /** Session event number just before the run's first event (a timeline seq minus this is its number within the run). */
  runStart?: number;
  /** After a hang: the event that explains it (session event number and text). */
  cause?: { seq: number; text: string } | null;
  /** SMIs since power-on in the session's list (the page asks for the list when this changes). */
  smiCount?: number;
}

/** One row of the SMI list (console `smis`, the page's SMI list). */
export interface SmiListRow {
  number: number;
  group: 'relocation' | 'first-smi' | 'ipi' | 'communicate' | 'variable' | 'sw';
  label: string;
  /** Session event numbers of its first and last event (end 0: in progress). */
  start: number;
  end: number;
  /** Raised during the boot. */
  boot: boolean;
  bsp: number | null;
  /** "Handler -> status" of each MMI handler called. */
  calls: string;
}

export interface ViewSnapshot {
  seq: number;
  platform: {
    name: string;
    /** The platform (`platform NAME`): ovmf, ovmf-swdispatch or pch. */
    id: 'ovmf' | 'ovmf-swdispatch' | 'pch';
    cpuCount: number;
    broadcast: boolean;
    /** The CPUs' arrival order at SMI# (a model choice; decides the monarch on pch). */
    arrival: 'caller-first' | 'ascending' | 'descending';
    /** The module that produces EFI_MM_SW_DISPATCH_PROTOCOL (null: none, as on OVMF). */
    swDispatcher: string | null;
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
  /** SMIs the machine took since power-on (PEI's SMI IPIs, the boot's Communicate SMIs, then the user's): MachineState.smiSeq. */
  smisSincePowerOn: number;
  status: DebugStatus;
  cpus: CpuView[];
  /** Sent when it changes (platform reset), otherwise omitted. */
  layout?: SaveStateLayoutDesc;
  saveState: SaveStateView;
  /** `regions` and `descriptors` are sent when they change. */
  smram: {
    regions?: SmramRegion[];
    descriptors?: SmramDescriptorView[];
    hexAddress: number;
    hexBytes: Uint8Array;
    /**
     * Indexes into `regions` of the regions the last console line wrote (save states at SMM entry,
     * the SMM core's pool and data pages, ...), ascending (debug/Written). Absent from older workers.
     */
    written?: number[];
    /** The Communicate buffer of the current / last Communicate SMI (absent when neither is one). */
    commBuffer?: CommBufferView;
  };
  /** Tables are sent only when they changed since the previous snapshot. */
  tables?: { handlers: HandlerRow[]; protocols: ProtocolRow[]; modules: ModuleRow[]; missingProtocols?: MissingProtocolRow[] };
  /** Events of the current SMI: `reset` = replace, else append. */
  timeline: { reset: boolean; events: TimelineEvent[] };
  lastSmi: SmiSummary | null;
  breakpoints: { id: number; text: string; hits: number }[];
  /** SMM-C: the source debugger (absent from older workers). */
  c?: CView;
  /**
   * The Explain panel's text for the current step (debug/explain): sent when the event the
   * debugger stands on changes (a step, `back`, a new run, a hang), otherwise omitted.
   */
  explain?: Explanation;
}

/** A panel of the page a "look here" pointer can name. */
export type LookPanel = 'cpus' | 'savestate' | 'smram' | 'handlers' | 'timeline' | 'terminal' | 'editor';

/** One "look here" pointer of an explanation: a panel and, when it has one, the row, byte or CPU in it. */
export interface LookHere {
  panel: LookPanel;
  /** What the chip says ("CPU 1: wrote 0xB2", "RAX of CPU 1's save state"). */
  label: string;
  /** A CPU tile, a timeline lane, or the CPU whose save state `field` is in. */
  cpu?: number;
  /** A save-state field by its layout name (RAX, RIP, IOMisc, SMBASE ...). */
  field?: string;
  /** An SMRAM (or CommBuffer) range: its first byte and length. */
  address?: number;
  size?: number;
  /** A row of the MMI handlers table (the handler function's name). */
  handler?: string;
  /** A row of the Modules table. */
  module?: string;
  /** An SMM-C source line. */
  file?: string;
  line?: number;
}

/** What the current step did, in plain words (the Explain panel; debug/explain/Explain). */
export interface Explanation {
  /** Session event number it explains (0: none, e.g. a hang explained as a whole). */
  seq: number;
  title: string;
  /** Two to four plain-language sentences. */
  sentences: string[];
  /** The upstream file and function the step follows (edk2, QEMU), for those who want it. */
  source?: string;
  look: LookHere[];
}

/** A file of a loaded SMM-C module, as the editor shows it. */
export interface CSourceFile {
  name: string;
  text: string;
}

/** What the page's editor and source panels show of SMM-C. */
export interface CView {
  /** Where the debugger is paused in C (null: at an event, or not in C). */
  stop: CStopInfo | null;
  /** The call stack, innermost first: C frames and the firmware frames that called them. */
  frames: CFrameView[];
  /** The innermost C frame's parameters and locals (decoded from the SMM stack). */
  locals: CVarView[];
  /**
   * The loaded modules' files: sent when they change (load, unload, a platform with other
   * `--module`s), else omitted. After the user's modules come the SMM-C modules SmiScope ships
   * that are in this firmware volume (`--module SwDispatch2Locate` ...), marked `shipped: true`:
   * their sources are part of SmiScope (src/core/cdriver/samples), so an editor shows them
   * read-only; absent on older workers.
   */
  modules?: { name: string; inf: CSourceFile; files: CSourceFile[]; shipped?: boolean }[];
  /** The last compile error (file:line:col and the gcc-style text), cleared by a good load. */
  diagnostic: { file: string; line: number; col: number; message: string; text: string } | null;
  /** A CPU that is stuck in C (an endless loop, a fault, an ASSERT): where. */
  hung: { cpu: number; file: string; line: number; fn: string } | null;
  /** `break FILE.c:LINE` breakpoints. */
  lineBreakpoints: { id: number; file: string; line: number }[];
  /** `watch EXPR`: each with its value where C is paused (or why it has none). */
  watches: { id: number; expr: string; type: string | null; value: string; error: boolean }[];
}

export interface ViewCursor {
  layoutEpoch: number;
  regionsVersion: number;
  tablesVersion: number;
  timelineEpoch: number;
  timelineSent: number;
  seq: number;
  /**
   * The byte arrays of the last snapshot (save-state map, hex window) and where they were read:
   * when memory still holds the same bytes, the next snapshot hands out the same array again
   * instead of a new one (these arrays are never written after they are made).
   */
  mapBytes?: { addr: number; bytes: Uint8Array };
  /** The SW dispatcher's registrations when the tables were last sent (decoded from SMRAM). */
  swKey?: string;
  /** The loaded SMM-C modules last sent (their platform's cModules array). */
  cModules?: unknown;
  /** The shipped SMM-C modules last sent (their names). */
  cShipped?: string;
  hexBytes?: { addr: number; bytes: Uint8Array };
  /** The session event number the last snapshot's follow-the-step choice looked at (ViewRequest.followCpu). */
  followSeq?: number;
  /** The CPU the save state follows: the step's, or the user's last choice. */
  followCpu?: number;
  /** The last ViewRequest.selectedCpu seen (a new one is the user's choice). */
  followReq?: number;
  /** What the last explanation sent was about (debug/explain explainKey). */
  explainKey?: string;
}
