/**
 * How firmware runs in the model: every firmware function (module entry points, MMI handlers,
 * SMST services, the SMI lifecycle) is a generator that yields a TraceEvent wherever a debugger
 * may stop. Live generator frames are not serializable; state lives in MachineState (plain data)
 * and a step inside an SMI is reached again by deterministic replay from the SMI's checkpoint.
 */

/** Where in an SMI (or the boot) an event happens; the timeline's swimlane phases. */
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

export interface TraceEvent {
  phase: Phase;
  /** -1 when the event belongs to no single CPU. */
  cpu: number;
  level: 'phase' | 'event';
  text: string;
  /** Set on handler entry, for `break handler NAME`. */
  handler?: string;
  /** Set on the OUT to APM_CNT (0xB2), for `break apm VALUE`. */
  apm?: number;
  /** What breakpoints and boot stepping look at on the few events that carry it (EventTags). */
  tags?: EventTags;
  /**
   * A stop at a C statement (SMM-C source debugging): the debugger pauses here but does not count
   * it as an event of the run (it happens only while someone steps or has a C breakpoint, so
   * replay, which never asks for it, sees the same events).
   */
  cstop?: CStopInfo;
  /**
   * Work the event stands for, counted in events (absent: 1). A long-running C function reports
   * progress with events that stand for many, so a host that runs the machine in slices of N
   * events (the worker) still gets control back every few milliseconds.
   */
  cost?: number;
}

/** Where C code stopped: the CPU, the module, the source place and the function. */
export interface CStopInfo {
  cpu: number;
  module: string;
  file: string;
  line: number;
  col: number;
  fn: string;
  /** The instruction address of the statement (the module image's code). */
  ip: number;
}

/** Marks a few events carry (a field of their own, so that every event keeps one shape). */
export interface EventTags {
  /** A firmware service, handler or entry point returns here: its EFI_STATUS name (`break status`). */
  status?: string;
  /** SmmLocateProtocol / LocateProtocol: the GUID looked up (`break locate GUID`). */
  locate?: string;
  /** A module's entry point is called: the module's name (`break module NAME`). */
  module?: string;
  /**
   * A boundary of the boot as `step` (phase) walks it: PEI, a driver's entry point, a DXE event
   * (dispatch pass, EndOfDxe, ReadyToLock, ReadyToBoot, ExitBootServices). Each SMI of the boot is
   * one too (the debugger sees where an SMI starts).
   */
  boot?: 'PEI' | 'driver' | 'DXE';
}

/** Marks `e` (returns it) with the fields breakpoints and boot stepping look at. */
export function tag<E extends TraceEvent>(e: E, tags: EventTags): E {
  e.tags = tags;
  return e;
}

export type Gen<T = void> = Generator<TraceEvent, T, void>;

/** CpuDeadLoop() after a failed ASSERT: the CPU spins in SMM forever (DEBUG build). */
export class CpuDeadLoop extends Error {
  constructor(
    readonly cpu: number,
    readonly module: string,
    message: string,
    /** Where in SMM-C source the CPU loops (absent for the model's TypeScript firmware). */
    readonly where?: { file: string; line: number; fn: string },
  ) {
    super(message);
  }
}

export function ev(phase: Phase, cpu: number, text: string, level: 'phase' | 'event' = 'event'): TraceEvent {
  return { phase, cpu, level, text, tags: undefined };
}

/**
 * An event whose text is formatted only when someone reads it (the debugger records it at once;
 * a benchmark or `--run` never does), so the per-CPU hot path does no string work.
 */
export function lazyEv(phase: Phase, cpu: number, fmt: () => string, level: 'phase' | 'event' = 'event'): TraceEvent {
  return new LazyEvent(phase, cpu, level, fmt);
}

class LazyEvent implements TraceEvent {
  handler?: string;
  apm?: number;
  tags: EventTags | undefined = undefined;
  private cached: string | undefined;
  constructor(
    readonly phase: Phase,
    readonly cpu: number,
    readonly level: 'phase' | 'event',
    private readonly fmt: () => string,
  ) {}
  get text(): string {
    return (this.cached ??= this.fmt());
  }
}

/** "0x00".."0xFF": the byte values console output and event texts print most. */
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => '0x' + i.toString(16).toUpperCase().padStart(2, '0'));

export function hex(n: number | bigint, width = 0): string {
  if (width === 2 && typeof n === 'number' && n >= 0 && n < 256 && Number.isInteger(n)) return HEX2[n];
  return '0x' + n.toString(16).toUpperCase().padStart(width, '0');
}
