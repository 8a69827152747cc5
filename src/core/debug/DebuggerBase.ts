/**
 * The debugger's state and the small things it answers (where the run is, the timeline, the
 * memory barrier of a console line, the log); debug/Debugger.ts runs the machine with it.
 */

import type { Workspace } from '../cdriver/CModule';
import { type Accel, describeLayout } from '../machine/SaveStateMap';
import { SERIAL_LOG_LIMIT } from '../machine/Debugcon';
import { touchCow } from '../machine/Memory';
import type { Gen,Phase,TraceEvent } from '../pi/Fw';
import type { ArrivalOrder,Machine,PlatformConfig,PlatformName } from '../pi/Platform';
import type { HangCause,RunStart } from './BootRun';
import type { Breakpoint,BreakpointSpec } from './Breakpoints';
import { CStepper } from './CStepper';
import { type History,HISTORY_LIMITS,type HistoryLimits } from './History';
import { captureMaps,mapBefore,watchMap } from './MapMarks';
import { SmiList } from './SmiList';
import { Timeline } from './Timeline';
import type { TimelineEvent,ViewCursor } from './ViewTypes';

/** 'c': a source step in SMM-C (the mode is in Debugger.c.step). */
export type StepGranularity = 'event' | 'phase' | 'smi' | 'c';

export interface ConsoleResult {
  lines: string[];
  error: boolean;
}

export interface PlatformOptions {
  /** `platform NAME`: ovmf (default), ovmf-swdispatch or pch (profiles/Platforms.ts). */
  platform?: PlatformName;
  /** `--arrival`: the CPUs' arrival order at SMI# (a model choice; default caller-first). */
  arrival?: ArrivalOrder;
  cpus: number;
  broadcast: boolean;
  /** QEMU offers CPU hotplug / hot-unplug with SMI (`--hotplug-smi`); absent = the `broadcast` value. */
  hotplugSmi?: boolean;
  syncMode: 'traditional' | 'relaxed' | null;
  modules: string[];
  /** `--accel tcg|kvm`: who runs the vCPUs and writes the save state (default tcg). */
  accel: Accel;
  /** SMM-C modules `load` put into the firmware volume (they stay across `reset` until `unload`). */
  cModules?: PlatformConfig['cModules'];
}

export interface ActiveRun {
  gen: Gen<unknown>;
  start: RunStart;
  /** Its operation in the history (whose event count follows `consumed`). */
  op: number;
  /** Events consumed so far (replay target for `back`). */
  consumed: number;
  /** The most events this run had consumed before a `back` (the `total` of debugger.event). */
  furthest: number;
  sawSave: boolean;
}

export const DEFAULT_PLATFORM: PlatformOptions = { cpus: 4, broadcast: true, syncMode: null, modules: [], accel: 'tcg' };

export abstract class DebuggerBase {
  m!: Machine;
  platform: PlatformOptions = DEFAULT_PLATFORM;
  run: ActiveRun | null = null;
  /** The run's events as the timeline shows them (debug/Timeline). */
  protected tl = new Timeline();
  /** Added to the timeline's own epoch: bumped when the timeline object is replaced. */
  private tlEpochBase = 0;
  /** Every SMI of the session, the boot's included (`smis`, the page's SMI list). */
  smis = new SmiList();
  /** After a hang: the event that explains it (shown with the hang, linked from the ASSERT line). */
  hangCause: HangCause | null = null;
  /** The session's event number: events executed since power-on, the boot's included (timeline seq, `back --to`). */
  eventSeq = 0;
  /** Session event number just before the current (or last) run's first event. */
  runStartSeq = 0;
  /** Events the boot ran (session event numbers 1..bootEvents belong to it). */
  bootEvents = 0;
  /** The recorded execution since the platform reset: operations and checkpoints. */
  hist!: History<RunStart>;
  /** Checkpoint spacing and history length for the next history (tests make them small). */
  historyLimits: HistoryLimits = HISTORY_LIMITS;
  lastEvent: TraceEvent | null = null;
  breakpoints: Breakpoint[] = [];
  nextBreakpointId = 1;
  platformEpoch = 0;
  /** Console lines that succeeded since the last platform reset (the session file's body). */
  history: string[] = [];
  /** The `break` lines that were set when the platform booted (a session file replays them before the boot). */
  bootBreakpoints: string[] = [];
  protected cursor: ViewCursor = { layoutEpoch: -1, regionsVersion: -1, tablesVersion: -1, timelineEpoch: -1, timelineSent: 0, seq: 0 };
  protected logDrained = 0;
  /**
   * Lines the earlier machines of this session logged: each boot (`platform`, `reset`, a `load`
   * that reboots, a loaded session file) starts a new debugcon log numbered from 0, so with the
   * current log's end this counts every line the session has produced (logCount).
   */
  private logBase = 0;
  /** The last lines of those earlier logs (at most SERIAL_LOG_LIMIT), ending at line logBase. */
  private retired: string[] = [];
  protected pendingSlice: { target: StepGranularity | 'continue'; remaining: number } | null = null;
  /** `watch EXPR`: C expressions shown at every stop in C. */
  watches: { id: number; expr: string }[] = [];
  nextWatchId = 1;
  /** SMM-C source stepping and line breakpoints. */
  readonly c = new CStepper();
  /** Where `load` reads module files (the CLI's disk, the page's editor buffers); null = none. */
  workspace: Workspace | null = null;
  /**
   * Sees every event the debugger records (runs and replays), with its session event number;
   * null = nobody. compare/ collects whole traces with it (the timeline keeps only the newest
   * events of the run in progress). While it is set, `reset` boots for real (no cached boot).
   */
  eventTap: ((e: TraceEvent, seq: number) => void) | null = null;
  /** The last SMM-C compile error (the editor marks it), cleared by a good load. */
  cDiagnostic: { file: string; line: number; col: number; message: string; text: string } | null = null;

  get timelineEpoch(): number {
    return this.tlEpochBase + this.tl.epoch;
  }

  /** Replaces the timeline object (a cached boot's, an imported session's). */
  protected setTimeline(t: Timeline): void {
    this.tlEpochBase += this.tl.epoch + 1;
    this.tlEpochBase -= t.epoch;
    this.tl = t;
  }

  /** Where the paused run is, 1-based within it (the boot or one SMI run), and how far it went before any `back`. */
  eventIndex(): { index: number; total: number } | null {
    const run = this.run;
    if (!run) return null;
    return { index: run.consumed, total: Math.max(run.furthest, run.consumed) };
  }

  /** Session event number just before the run in progress (or the last one) began. */
  runStart(): number {
    return this.runStartSeq;
  }

  /** The timeline as plain events (formats every text: for tests and the first frame). */
  get timeline(): TimelineEvent[] {
    return this.tl.after(0);
  }

  /** The timeline's events with seq > `seq` (Timeline.after). */
  timelineAfter(seq: number, withText = Infinity): TimelineEvent[] {
    return this.tl.after(seq, withText);
  }

  /** The texts of the timeline events `seqs` (those still in the timeline), as [seq, text]. */
  timelineTexts(seqs: readonly number[]): [number, string][] {
    return this.tl.texts(seqs);
  }

  /** The timeline's events themselves (their texts not formatted yet), oldest first. */
  timelineEvents(): readonly TraceEvent[] {
    return this.tl.events;
  }

  protected clearTimeline(): void {
    this.tl.clear(this.eventSeq + 1);
  }

  addBreakpoint(spec: BreakpointSpec): Breakpoint {
    const b = { id: this.nextBreakpointId++, spec, hits: 0 };
    this.breakpoints.push(b);
    return b;
  }

  /**
   * A console line begins: from now on the memory barrier keeps each save-state map's bytes as they
   * were before its first write (`mapBefore`, the view's changed-byte marks). Returns a token that
   * `endCommand` takes back when the line failed (it changed nothing, the marks stay as they were).
   */
  beginCommand(): number {
    this.ensureHistory();
    const cow = this.m.s.mem.cow!;
    touchCow(cow);
    return cow.epoch++;
  }

  /** The line failed: the marks of the line before stay. */
  undoCommand(prevEpoch: number): void {
    const cow = this.m.s.mem.cow;
    if (cow && cow.epoch === prevEpoch + 1) {
      cow.epoch = prevEpoch;
      touchCow(cow);
    }
  }

  /**
   * Whether the save-state maps' old bytes are kept for the view's changed-byte marks (the page's
   * save-state panel). A session nobody views (the CLI, `smiscope lesson`) turns them off: it does
   * not copy every CPU's map at each console line's first write (at 64 CPUs that copy was most of
   * what a `smi --run` line cost beyond the SMI itself).
   */
  protected mapMarks = true;

  /** Turns the changed-byte marks of the save-state maps on (from the next console line) or off. */
  setMapMarks(on: boolean): void {
    this.mapMarks = on;
    this.rewatchMaps();
  }

  /**
   * Watches every CPU's map where it is now (and nothing else): after a boot's SMBASE relocation
   * moved them all, so the first line after a boot marks the changes of every CPU's map.
   */
  protected rewatchMaps(): void {
    const cow = this.m.s.mem.cow;
    if (cow && cow.watch.size > 0) {
      cow.watch.clear();
      touchCow(cow);
    }
    for (let i = 0; i < this.m.s.cpus.length; i++) this.watchMap(i);
  }

  /** Keep the old bytes of CPU `cpu`'s save-state map from now on (debug/MapMarks), when the marks are on. */
  protected watchMap(cpu: number): void {
    if (this.mapMarks) watchMap(this.m.s, cpu);
  }

  protected captureMaps(): void {
    captureMaps(this.m.s);
  }

  /** CPU `cpu`'s save-state map as it was before the last console line, or null when the line did not write it. */
  mapBefore(cpu: number): Uint8Array | null {
    return this.mapMarks ? mapBefore(this.m.s, cpu) : null;
  }

  busy(): boolean {
    return this.pendingSlice !== null && this.run !== null;
  }

  pause(): ConsoleResult {
    const was = this.pendingSlice !== null;
    this.pendingSlice = null;
    const e = this.lastEvent;
    return { lines: was && e ? [`paused: [${e.phase}] ${e.text}`] : ['nothing is running'], error: false };
  }

  /**
   * How many firmware log lines this session has produced, counted over reboots (a mark for
   * logSince; it only goes back when `back` rewinds the current machine's log).
   */
  logCount(): number {
    const ser = this.m.s.serial;
    return this.logBase + ser.firstSeq + ser.lines.length;
  }

  /**
   * The firmware log lines since `mark` (a logCount() value): the kept lines of the machines a
   * reboot replaced, then the current machine's log (the whole of it when it booted after the mark).
   */
  logSince(mark: number): string[] {
    const ser = this.m.s.serial;
    const out: string[] = [];
    if (mark < this.logBase) out.push(...this.retired.slice(Math.max(0, mark - (this.logBase - this.retired.length))));
    const from = Math.max(0, mark - this.logBase - ser.firstSeq);
    out.push(...ser.lines.slice(from));
    return out;
  }

  /** Before a new machine replaces this one: its log joins the lines of earlier machines (logCount, logSince). */
  protected retireLog(): void {
    const ser = this.m?.s.serial;
    if (!ser) return;
    if (ser.firstSeq > 0) this.retired = [...ser.lines];
    else this.retired.push(...ser.lines);
    if (this.retired.length > SERIAL_LOG_LIMIT) this.retired.splice(0, this.retired.length - SERIAL_LOG_LIMIT);
    this.logBase += ser.firstSeq + ser.lines.length;
  }

  drainLog(): { firstSeq: number; lines: string[] } {
    const ser = this.m.s.serial;
    const end = ser.firstSeq + ser.lines.length;
    const from = Math.max(this.logDrained, ser.firstSeq);
    const lines = ser.lines.slice(from - ser.firstSeq);
    this.logDrained = end;
    return { firstSeq: from, lines };
  }

  currentPhase(): Phase | null {
    return this.run && this.lastEvent ? this.lastEvent.phase : null;
  }

  layoutDesc() {
    return describeLayout(this.m.layout);
  }

  protected abstract ensureHistory(): void;
}
