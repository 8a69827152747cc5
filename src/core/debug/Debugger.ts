/**
 * The debugger around one Machine (the console's Session extends it with the command language): runs boot and SMIs as event streams, stops at phase / event /
 * SMI granularity and at breakpoints, records the session's execution with periodic checkpoints
 * (debug/History), so any earlier event is reached again by restoring a checkpoint and replaying
 * (`back`, `back --to`), and builds the UI's ViewSnapshots (deltas and visible windows only).
 * Used by the worker, the CLI and the tests.
 */

import type { Phase } from '../pi/Fw';
import type { TimelineEvent, ViewCursor } from './ViewTypes';
import { type Machine, type MachineState, machineFromState } from '../pi/Platform';
import { keepBefore, PAGE_SIZE } from '../machine/Memory';
import { type Accel, SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, describeLayout } from '../machine/SaveStateMap';
import { CpuDeadLoop, type Gen, type TraceEvent } from '../pi/Fw';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { moduleDefs, ovmfConfig } from '../profiles/ovmf';
import { smiLifecycle } from '../system/SmiLifecycle';
import { type Breakpoint, type BreakpointSpec, describeBreakpoint, matches } from './Breakpoints';
import { History, HISTORY_LIMITS, type HistoryLimits } from './History';

export type StepGranularity = 'event' | 'phase' | 'smi';

export interface ConsoleResult {
  lines: string[];
  error: boolean;
}

export interface PlatformOptions {
  cpus: number;
  broadcast: boolean;
  /** QEMU offers CPU hotplug / hot-unplug with SMI (`--hotplug-smi`); absent = the `broadcast` value. */
  hotplugSmi?: boolean;
  syncMode: 'traditional' | 'relaxed' | null;
  modules: string[];
  /** `--accel tcg|kvm`: who runs the vCPUs and writes the save state (default tcg). */
  accel: Accel;
}

/** How a run began, so it can be replayed from its checkpoint. */
export type RunStart =
  | { kind: 'lifecycle' | 'boot'; make: (m: Machine) => Gen<unknown>; describe: string; onDone: (m: Machine, result: unknown) => string[] };

interface ActiveRun {
  gen: Gen<unknown>;
  start: RunStart;
  /** Its operation in the history (whose event count follows `consumed`). */
  op: number;
  /** Events consumed so far (replay target for `back`). */
  consumed: number;
  sawSave: boolean;
}

/** The timeline keeps at most this many events (the most recent ones). */
export const TIMELINE_LIMIT = 5000;

/** End states of finished boots by configuration (a boot is a pure function of its configuration). */
const BOOT_CACHE = new Map<string, { state: MachineState; out: string[] }>();
const BOOT_CACHE_LIMIT = 8;

export const DEFAULT_PLATFORM: PlatformOptions = { cpus: 4, broadcast: true, syncMode: null, modules: [], accel: 'tcg' };

export class Debugger {
  m!: Machine;
  platform: PlatformOptions = DEFAULT_PLATFORM;
  run: ActiveRun | null = null;
  /**
   * The run's events as the timeline shows them (the most recent TIMELINE_LIMIT), oldest first:
   * tl[i] has seq tlFirstSeq + i. Kept as the events themselves: their text is formatted when
   * someone reads it (the view sends it), not when they are recorded.
   */
  protected tl: TraceEvent[] = [];
  protected tlFirstSeq = 1;
  timelineEpoch = 0;
  /** The session's event number: events executed since the platform's boot (timeline seq, `back --to`). */
  eventSeq = 0;
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
  protected cursor: ViewCursor = { layoutEpoch: -1, regionsVersion: -1, tablesVersion: -1, timelineEpoch: -1, timelineSent: 0, seq: 0 };
  protected logDrained = 0;
  protected pendingSlice: { target: StepGranularity | 'continue'; remaining: number } | null = null;

  static create<T extends Debugger>(this: new () => T, opts: Partial<PlatformOptions> = {}): T {
    const s = new this();
    s.reset({ ...DEFAULT_PLATFORM, ...opts });
    return s;
  }

  /**
   * `platform ovmf ...`: power on a fresh machine and boot it to the OS. The boot is deterministic,
   * so a second boot with the same configuration restores a clone of the first one's end state
   * (BOOT_CACHE) instead of replaying its ~520 SMIs; `npm run bench` measures the real boot.
   */
  reset(opts: PlatformOptions): string[] {
    const config = ovmfConfig({ cpus: opts.cpus, broadcast: opts.broadcast, hotplugSmi: opts.hotplugSmi ?? opts.broadcast, syncMode: opts.syncMode, modules: opts.modules, accel: opts.accel });
    const defs = moduleDefs(config); // throws on an unknown module name before anything changes
    this.platform = opts;
    const key = JSON.stringify(config);
    const cached = BOOT_CACHE.get(key);
    if (cached) {
      BOOT_CACHE.delete(key);
      BOOT_CACHE.set(key, cached); // most recently used last
      this.m = machineFromState(shareState(cached.state), defs, smiLifecycle);
      this.afterReset();
      this.startHistory();
      return [...cached.out];
    }
    this.m = createOvmfMachine(config);
    this.afterReset();
    const out: string[] = [];
    this.m.s.mem.cow = null; // the boot writes its pages in place; the history starts after it
    try {
      const g = bootOvmf(this.m);
      while (!g.next().done) {
        /* boot runs to completion */
      }
    } catch (e) {
      if (!(e instanceof CpuDeadLoop)) throw e;
      const inSmm = this.applyHang(e);
      out.push(`boot HUNG: ${e.message}`);
      out.push(
        inSmm
          ? `CPU${e.cpu} spins in CpuDeadLoop() inside SMM (module ${e.module}). See the debugcon log and the Modules table; reset with \`platform ovmf\`.`
          : `CPU${e.cpu} spins in CpuDeadLoop() outside SMM (module ${e.module})${this.m.s.modules.find((x) => x.name === 'PiSmmIpl')?.state !== 'dispatched' ? ': the boot stops in DXE, before the SMM IPL (PiSmmIpl) ran' : ''}. See the debugcon log and the Modules table; reset with \`platform ovmf\`.`,
      );
    }
    // The cache shares the pages with this machine: the history's base checkpoint made them copy-on-write.
    BOOT_CACHE.set(key, { state: shareState(this.m.s), out: [...out] });
    if (BOOT_CACHE.size > BOOT_CACHE_LIMIT) BOOT_CACHE.delete(BOOT_CACHE.keys().next().value!);
    return out;
  }

  /**
   * Powers the machine on without running the boot: the boot (bootOvmf, power-on to the OS) becomes
   * the first run of the history, paused at its first event, so it is stepped, reversed (`back`)
   * and replayed like an SMI. (`platform` / `reset` run the boot to its end instead.)
   */
  powerOn(opts: PlatformOptions): string[] {
    const config = ovmfConfig({ cpus: opts.cpus, broadcast: opts.broadcast, hotplugSmi: opts.hotplugSmi ?? opts.broadcast, syncMode: opts.syncMode, modules: opts.modules, accel: opts.accel });
    moduleDefs(config);
    this.platform = opts;
    this.m = createOvmfMachine(config);
    this.afterReset();
    this.startHistory();
    return this.startRun({ kind: 'boot', describe: 'boot', make: (m) => bootOvmf(m), onDone: () => ['boot finished: the OS runs'] }, true);
  }

  private afterReset(): void {
    this.run = null;
    this.platformEpoch++;
    this.eventSeq = 0;
    this.clearTimeline();
    this.lastEvent = null;
    this.logDrained = 0;
    this.pendingSlice = null;
  }

  /** A new history whose base checkpoint is the machine as it is now (after a reset, or a machine swapped in from outside). */
  private startHistory(): void {
    this.hist = new History<RunStart>(this.m.s, this.eventSeq, this.historyLimits);
    for (let i = 0; i < this.m.s.cpus.length; i++) this.watchMap(i);
  }

  /** The history records this machine state (a caller may have swapped in another one: start anew from it). */
  protected ensureHistory(): void {
    if (this.hist === undefined || this.hist.live !== this.m.s || this.m.s.mem.cow === null) this.startHistory();
  }

  /** Records the hang in the machine state; returns whether the CPU dead-loops inside SMM. */
  private applyHang(e: CpuDeadLoop): boolean {
    const s = this.m.s;
    const inSmm = s.cpus[e.cpu]?.inSmm ?? false;
    s.hung = { cpu: e.cpu, module: e.module, message: e.message, inSmm };
    const rec = s.modules.find((x) => x.name === e.module);
    if (rec) {
      rec.state = 'hung';
      rec.reason = `${e.message} -> CpuDeadLoop()`;
    }
    for (const c of s.cpus) if (c.inSmm) c.activity = c.index === e.cpu ? 'hung' : 'ap-wait';
    if (s.cpus[e.cpu]) s.cpus[e.cpu].activity = 'hung';
    s.tablesVersion++;
    return inSmm;
  }

  /** A hang ends the run in progress. */
  private markHung(e: CpuDeadLoop): boolean {
    const inSmm = this.applyHang(e);
    if (this.run) this.hist.setEnd(this.run.op, 'hung');
    this.run = null;
    return inSmm;
  }

  /**
   * A change a console line makes to the machine between runs (an OUT to a port that raises no SMI,
   * the OS writing a Communicate buffer): applied now and recorded, so replay repeats it.
   */
  poke<T>(apply: (m: Machine) => T): T {
    this.ensureHistory();
    let result!: T;
    const poke = (m: Machine) => void (result = apply(m));
    const id = this.hist.begin(poke, true, this.eventSeq, this.m.s);
    poke(this.m);
    this.hist.setEnd(id, 'done');
    return result;
  }

  /** Start a run (SMI lifecycle or Communicate) and stop at its first event (or run it out). */
  startRun(start: RunStart, pauseAtStart: boolean): string[] {
    this.ensureHistory();
    const op = this.hist.begin(start, false, this.eventSeq, this.m.s);
    this.clearTimeline();
    this.run = { gen: start.make(this.m), start, op, consumed: 0, sawSave: false };
    return this.advance(pauseAtStart ? 'event' : 'smi', 1);
  }

  /** Takes a checkpoint now (between runs) whatever the interval; returns the bytes it added. For the benchmark. */
  checkpointNow(): number {
    this.ensureHistory();
    return this.hist.checkpoint(this.m.s, this.eventSeq);
  }

  /** The run's generator returned: close its operation in the history and print what it reports. */
  private finishRun(run: ActiveRun, value: unknown, out: string[]): void {
    this.run = null;
    this.lastEvent = null;
    this.hist.setEnd(run.op, 'done');
    for (const line of run.start.onDone(this.m, value)) out.push(line);
  }

  /** Pull events until the granularity is reached COUNT times, a breakpoint hits, or the run ends. */
  advance(target: StepGranularity | 'continue', count: number, budget = Infinity): string[] {
    const out: string[] = [];
    const run = this.run;
    if (!run) {
      this.pendingSlice = null;
      return out;
    }
    let remaining = count;
    let steps = 0;
    const bps = this.breakpoints;
    const gen = run.gen;
    try {
      if ((target === 'smi' || target === 'continue') && bps.length === 0) {
        // To the end of the run, nothing to check on the way: the loop `smi --run` and `continue` take.
        for (;;) {
          if (steps++ >= budget) {
            this.pendingSlice = { target, remaining };
            return out;
          }
          const r = gen.next();
          if (r.done) {
            this.finishRun(run, r.value, out);
            this.pendingSlice = null;
            return out;
          }
          run.consumed++;
          const e = r.value;
          if (e.phase === 'save-state') run.sawSave = true;
          this.record(e);
        }
      }
      while (remaining > 0) {
        if (steps++ >= budget) {
          this.pendingSlice = { target, remaining };
          return out;
        }
        const r = gen.next();
        if (r.done) {
          this.finishRun(run, r.value, out);
          break;
        }
        run.consumed++;
        const e = r.value;
        this.record(e);
        let firstSave = false;
        if (e.phase === 'save-state') {
          firstSave = !run.sawSave;
          run.sawSave = true;
        }
        if (bps.length !== 0) {
          const hit = bps.find((b) => matches(b.spec, e, firstSave));
          if (hit) {
            hit.hits++;
            out.push(`breakpoint ${hit.id} (${describeBreakpoint(hit.spec)}) hit:`);
            out.push(`  [${e.phase}] ${e.text}`);
            this.pendingSlice = null;
            return out;
          }
        }
        if (target === 'event' || (target === 'phase' && e.level === 'phase')) {
          remaining--;
          if (remaining === 0) out.push(`[${e.phase}] ${e.text}`);
        }
      }
    } catch (e) {
      if (!(e instanceof CpuDeadLoop)) throw e;
      this.hist.setEvents(run.op, run.consumed);
      const inSmm = this.markHung(e);
      out.push(`HUNG: ${e.message}`, `CPU${e.cpu} spins in CpuDeadLoop()${inSmm ? ' inside SMM; the other CPUs wait for it forever' : ''}. \`platform ovmf\` resets.`);
      return out;
    } finally {
      this.hist.setEvents(run.op, run.consumed);
    }
    this.pendingSlice = null;
    return out;
  }

  /** The debugger's part of the SMI record: the phases the SMI went through (machine state: replay repeats it). */
  private notePhase(e: TraceEvent): void {
    const smi = this.m.s.currentSmi ?? this.m.s.lastSmi;
    if (smi === null) return;
    const ph = smi.phasesRun;
    if (!smi.finished) {
      if (ph[ph.length - 1] !== e.phase) ph.push(e.phase);
    } else if (e.phase === 'rsm' && ph[ph.length - 1] !== 'rsm') ph.push('rsm');
  }

  private record(e: TraceEvent): void {
    this.lastEvent = e;
    const st = this.m.s;
    const smi = st.currentSmi ?? st.lastSmi;
    if (smi !== null) {
      // notePhase, inline: this runs for every event the debugger shows.
      const ph = smi.phasesRun;
      const last = ph.length === 0 ? null : ph[ph.length - 1];
      if (!smi.finished) {
        if (last !== e.phase) ph.push(e.phase);
      } else if (e.phase === 'rsm' && last !== 'rsm') ph.push('rsm');
    }
    const tl = this.tl;
    tl.push(e);
    this.eventSeq++;
    if (tl.length > TIMELINE_LIMIT + (TIMELINE_LIMIT >> 2)) {
      const cut = tl.length - TIMELINE_LIMIT;
      tl.splice(0, cut);
      this.tlFirstSeq += cut;
      this.timelineEpoch++;
    }
  }

  /** Reverse step: go back COUNT events in the SMI in progress (not before its first event). */
  back(count: number): string[] {
    const run = this.run;
    if (!run) return [];
    const target = Math.max(1, run.consumed - count);
    return this.goTo(this.hist.startOf(run.op) + target);
  }

  /**
   * Puts the session where it was right after event `pos` (a session event number, as the timeline
   * and the status show it): restores the latest checkpoint before it and replays the recorded
   * operations up to it; the event's run is then the one in progress, paused there. What was
   * recorded after it is forgotten (the next commands make the future anew).
   */
  goTo(pos: number): string[] {
    this.ensureHistory();
    const h = this.hist;
    const k = h.opAt(pos);
    if (k < 0) throw new RangeError(pos < h.firstPos ? `event ${pos} is before the oldest event the history keeps (${h.firstPos})` : `event ${pos} has not happened (the last is ${this.eventSeq})`);
    this.captureMaps();
    const { state, from, pos: at } = h.rewind(k, this.m.s);
    this.m.s = state;
    this.eventSeq = at;
    this.run = null;
    this.pendingSlice = null;
    for (let j = from; j < k; j++) this.replaySilently(j);
    h.cut(k);
    const start = h.runOf(k)!;
    this.clearTimeline();
    this.lastEvent = null;
    const replay: ActiveRun = { gen: start.make(this.m), start, op: k, consumed: 0, sawSave: false };
    this.run = replay;
    h.setEnd(k, null);
    const target = pos - h.startOf(k);
    while (replay.consumed < target) {
      const r = replay.gen.next();
      if (r.done) throw new Error(`replay diverged: the run ended after ${replay.consumed} of ${target} events`);
      replay.consumed++;
      if (r.value.phase === 'save-state') replay.sawSave = true;
      this.record(r.value);
    }
    h.setEvents(k, replay.consumed);
    const e = this.lastEvent as TraceEvent | null;
    return e ? [`[${e.phase}] ${e.text}`] : [];
  }

  /** Repeats a recorded operation without recording its events (they lie before the one going to be shown). */
  private replaySilently(id: number): void {
    const h = this.hist;
    const poke = h.pokeOf(id);
    if (poke) {
      poke(this.m);
      return;
    }
    const g = h.runOf(id)!.make(this.m);
    const events = h.eventsOf(id);
    for (let i = 0; i < events; i++) {
      const r = g.next();
      if (r.done) throw new Error(`replay diverged: a run ended after ${i} of ${events} events`);
      this.eventSeq++;
      this.notePhase(r.value);
    }
    const end = h.endOf(id);
    if (end === 'done') {
      if (!g.next().done) throw new Error('replay diverged: a run went on past its recorded end');
    } else if (end === 'hung') {
      try {
        g.next();
      } catch (e) {
        if (!(e instanceof CpuDeadLoop)) throw e;
        this.applyHang(e);
        return;
      }
      throw new Error('replay diverged: a run that hung did not hang again');
    }
  }

  /** The timeline as plain events (formats every text: for tests and the first frame). */
  get timeline(): TimelineEvent[] {
    return this.timelineAfter(0);
  }

  /**
   * The timeline's events with seq > `seq`, as plain data. Only the newest `withText` of them get
   * their text (formatting it is most of what an event costs); the others are marked `textLater`.
   */
  timelineAfter(seq: number, withText = Infinity): TimelineEvent[] {
    const tl = this.tl;
    const from = Math.max(0, seq + 1 - this.tlFirstSeq);
    const out: TimelineEvent[] = new Array(Math.max(0, tl.length - from));
    const textFrom = tl.length - withText;
    for (let i = from; i < tl.length; i++) {
      const e = tl[i];
      out[i - from] =
        i >= textFrom
          ? { seq: this.tlFirstSeq + i, phase: e.phase, cpu: e.cpu, text: e.text, level: e.level }
          : { seq: this.tlFirstSeq + i, phase: e.phase, cpu: e.cpu, text: '', level: e.level, textLater: true };
    }
    return out;
  }

  /** The texts of the timeline events `seqs` (those still in the timeline), as [seq, text]. */
  timelineTexts(seqs: readonly number[]): [number, string][] {
    const out: [number, string][] = [];
    for (const seq of seqs) {
      const e = this.tl[seq - this.tlFirstSeq];
      if (e !== undefined && Number.isInteger(seq)) out.push([seq, e.text]);
    }
    return out;
  }

  /** The timeline's events themselves (their texts not formatted yet), oldest first. */
  timelineEvents(): readonly TraceEvent[] {
    return this.tl;
  }

  private clearTimeline(): void {
    this.tl = [];
    this.tlFirstSeq = this.eventSeq + 1;
    this.timelineEpoch++;
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
    return cow.epoch++;
  }

  /** Keep the old bytes of CPU `cpu`'s save-state map from now on (the memory barrier watches its page). */
  private watchMap(cpu: number): void {
    const cow = this.m.s.mem.cow;
    const c = this.m.s.cpus[cpu];
    if (!cow || !c) return;
    const addr = c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
    const n = Math.floor(addr / PAGE_SIZE);
    const w = cow.watch.get(n);
    if (w && w.off === addr % PAGE_SIZE) return;
    cow.watch.set(n, { before: new Uint8Array(SMRAM_SAVE_STATE_MAP_SIZE), off: addr % PAGE_SIZE, epoch: -1 });
    cow.owned.delete(n);
  }

  /** The line failed: the marks of the line before stay. */
  undoCommand(prevEpoch: number): void {
    const cow = this.m.s.mem.cow;
    if (cow && cow.epoch === prevEpoch + 1) cow.epoch = prevEpoch;
  }

  /** Keeps every watched map's bytes before they are replaced wholesale (a restore does not write through the barrier). */
  private captureMaps(): void {
    const s = this.m.s;
    const cow = s.mem.cow;
    if (!cow) return;
    for (const [n, w] of cow.watch) {
      if (w.epoch === cow.epoch) continue;
      keepBefore(w, s.mem.pages.get(n));
      w.epoch = cow.epoch;
    }
  }

  /** CPU `cpu`'s save-state map as it was before the last console line, or null when the line did not write it. */
  mapBefore(cpu: number): Uint8Array | null {
    const s = this.m.s;
    const cow = s.mem.cow;
    const c = s.cpus[cpu];
    if (!cow || !c) return null;
    const addr = c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
    const w = cow.watch.get(Math.floor(addr / PAGE_SIZE));
    if (!w || w.off !== addr % PAGE_SIZE) {
      this.watchMap(cpu); // its SMBASE moved (relocation): watched from the next line on
      return null;
    }
    return w.epoch === cow.epoch ? w.before : null;
  }

  busy(): boolean {
    return this.pendingSlice !== null && this.run !== null;
  }

  runSlice(maxEvents: number): ConsoleResult {
    const p = this.pendingSlice;
    if (!p) return { lines: [], error: false };
    return { lines: this.advance(p.target, p.remaining, maxEvents), error: false };
  }

  pause(): ConsoleResult {
    const was = this.pendingSlice !== null;
    this.pendingSlice = null;
    const e = this.lastEvent;
    return { lines: was && e ? [`paused: [${e.phase}] ${e.text}`] : ['nothing is running'], error: false };
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
}

/**
 * A copy of `s` that shares its memory pages (they must not be written in place any more: the
 * history's checkpoints made them copy-on-write) and copies everything else.
 */
function shareState(s: MachineState): MachineState {
  const { mem, ...rest } = s;
  const copy = structuredClone(rest) as Omit<MachineState, 'mem'>;
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(s)) out[k] = k === 'mem' ? { pages: new Map(mem.pages), cow: null } : copy[k as keyof typeof copy];
  return out as unknown as MachineState;
}
