/**
 * The debugger around one Machine (the console's Session extends it with the command language): runs boot and SMIs as event streams, stops at phase / event /
 * SMI granularity and at breakpoints, records the session's execution with periodic checkpoints
 * (debug/History), so any earlier event is reached again by restoring a checkpoint and replaying
 * (`back`, `back --to`), and builds the UI's ViewSnapshots (deltas and visible windows only).
 * Used by the worker, the CLI and the tests.
 */

import { setCDebugHook } from '../cdriver/CHook';
import { CpuDeadLoop,type TraceEvent } from '../pi/Fw';
import { type Machine,machineFromState,type PlatformConfig } from '../pi/Platform';
import { moduleDefs,platformConfig } from '../profiles/Platforms';
import { createMachine } from '../system/OvmfBoot';
import { smiLifecycle } from '../system/SmiLifecycle';
import { BOOT_CACHE,BOOT_CACHE_LIMIT,BOOT_RUN,findHangCause,hangLines,type RunStart } from './BootRun';
import { breakLine,describeBreakpoint,matches } from './Breakpoints';
import { type ActiveRun,type ConsoleResult,DebuggerBase,DEFAULT_PLATFORM,type PlatformOptions,type StepGranularity } from './DebuggerBase';
import { applyHang } from './Hang';
import { History } from './History';
import { SmiList } from './SmiList';
import { phaseEventLines } from './StepLines';

export type { RunStart } from './BootRun';
export { DEFAULT_PLATFORM } from './DebuggerBase';
export type { ConsoleResult,PlatformOptions,StepGranularity } from './DebuggerBase';
export { TIMELINE_LIMIT } from './Timeline';

function configOf(opts: PlatformOptions): PlatformConfig {
  const config = platformConfig({ platform: opts.platform, cpus: opts.cpus, broadcast: opts.broadcast, hotplugSmi: opts.hotplugSmi ?? opts.broadcast, syncMode: opts.syncMode, modules: opts.modules, accel: opts.accel, arrival: opts.arrival });
  if (opts.cModules && opts.cModules.length) config.cModules = opts.cModules;
  return config;
}

export class Debugger extends DebuggerBase {
  static create<T extends Debugger>(this: new () => T, opts: Partial<PlatformOptions> = {}): T {
    const s = new this();
    s.reset({ ...DEFAULT_PLATFORM, ...opts });
    return s;
  }



  /**
   * `platform ovmf ...` / `reset`: power on a fresh machine and boot it (system/OvmfBoot bootOvmf)
   * as the history's first run: breakpoints stop it, `step` walks it (PEI, driver entry points,
   * DXE events, each SMI), `back` goes back inside it. With no breakpoint set, a configuration
   * booted before starts from its cached boot (BOOT_CACHE) instead of running its ~520 SMIs again,
   * unless someone taps the events (`eventTap`: a cached boot has none to show).
   */
  reset(opts: PlatformOptions): string[] {
    const config = configOf(opts);
    const defs = moduleDefs(config); // throws on an unknown module name before anything changes
    this.platform = opts;
    this.bootBreakpoints = this.breakpoints.map((b) => breakLine(b.spec));
    const key = JSON.stringify(config) + '|' + JSON.stringify(this.historyLimits);
    const cached = this.breakpoints.length === 0 && this.eventTap === null ? BOOT_CACHE.get(key) : undefined;
    if (cached) {
      BOOT_CACHE.delete(key);
      BOOT_CACHE.set(key, cached); // most recently used last
      const { hist, live } = History.fromBoot(cached.rec, this.historyLimits);
      this.retireLog();
      this.m = machineFromState(live, defs, smiLifecycle);
      this.afterReset();
      this.hist = hist;
      for (let i = 0; i < live.cpus.length; i++) this.watchMap(i);
      this.setTimeline(cached.tl.copy());
      this.smis = cached.smis.copy();
      this.eventSeq = cached.eventSeq;
      this.bootEvents = cached.eventSeq;
      this.hangCause = cached.hangCause;
      return [...cached.out];
    }
    this.retireLog();
    this.m = createMachine(config);
    this.afterReset();
    this.startHistory();
    const out = this.startRun(BOOT_RUN, false);
    if (this.run === null) {
      this.bootEvents = this.eventSeq;
      if (this.breakpoints.length === 0) {
        this.hist.checkpoint(this.m.s, this.eventSeq);
        BOOT_CACHE.set(key, { rec: this.hist.bootRecord(), tl: this.tl.copy(), smis: this.smis.copy(), eventSeq: this.eventSeq, out: [...out], hangCause: this.hangCause });
        if (BOOT_CACHE.size > BOOT_CACHE_LIMIT) BOOT_CACHE.delete(BOOT_CACHE.keys().next().value!);
      }
    } else {
      out.push('the boot is paused: `step` (F10) walks it (PEI, each driver entry point, each DXE event, each SMI), `step event` (F11) event by event, `back` goes back, `continue` (F5) runs it on.');
    }
    return out;
  }

  /**
   * Powers the machine on and pauses the boot at its first event (the boot is stepped from the
   * start; `platform` / `reset` run it to its end or to a breakpoint).
   */
  powerOn(opts: PlatformOptions): string[] {
    const config = configOf(opts);
    moduleDefs(config);
    this.platform = opts;
    this.bootBreakpoints = this.breakpoints.map((b) => breakLine(b.spec));
    this.retireLog();
    this.m = createMachine(config);
    this.afterReset();
    this.startHistory();
    return this.startRun(BOOT_RUN, true);
  }

  private afterReset(): void {
    this.run = null;
    this.platformEpoch++;
    this.eventSeq = 0;
    this.runStartSeq = 0;
    this.bootEvents = 0;
    this.smis = new SmiList();
    this.hangCause = null;
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

  private applyHang(e: CpuDeadLoop): boolean {
    return applyHang(this.m, e);
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

  /** Start a run (the boot, an SMI lifecycle, a Communicate) and stop at its first event (or run it out). */
  startRun(start: RunStart, pauseAtStart: boolean): string[] {
    this.ensureHistory();
    const op = this.hist.begin(start, false, this.eventSeq, this.m.s);
    this.runStartSeq = this.eventSeq;
    this.clearTimeline();
    this.run = { gen: start.make(this.m), start, op, consumed: 0, furthest: 0, sawSave: false };
    return this.advance(pauseAtStart ? 'event' : 'continue', 1);
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
    if (run.start.kind === 'boot') {
      this.bootEvents = this.eventSeq;
      this.rewatchMaps(); // the relocation moved every map
    }
    for (const line of run.start.onDone(this.m, value)) out.push(line);
  }

  /**
   * Pull events until the granularity is reached COUNT times, a breakpoint hits, or the run ends.
   * In the boot, a phase is a boot boundary (PEI, a driver's entry point, a DXE event) or the
   * start of an SMI, and `smi` runs to the end of the SMI in progress (or of the next one).
   */
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
    const boot = run.start.kind === 'boot';
    // A phase step lists every event it ran (the events that explain the phase), not only the last.
    const phaseEvents: TraceEvent[] | null = target === 'phase' && count === 1 ? [] : null;
    if (bps.length !== 0 || this.c.hasBreakpoints()) this.c.setBreakpoints(bps.flatMap((b) => (b.spec.kind === 'line' ? [b.spec] : [])));
    const cOn = this.c.active();
    setCDebugHook(cOn ? this.c : null);
    try {
      if ((target === 'continue' || (target === 'smi' && !boot)) && bps.length === 0 && !cOn) {
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
          if (this.record(e) === 1) run.sawSave = false;
          if (e.phase === 'save-state') run.sawSave = true;
          if (e.cost !== undefined) steps += e.cost;
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
        const e = r.value;
        if (e.cstop !== undefined) {
          // A C statement the hook stopped at: a pause, not an event of the run.
          this.cStopped(e, out);
          return out;
        }
        run.consumed++;
        if (e.cost !== undefined) steps += e.cost;
        const edge = this.record(e);
        if (edge === 1) run.sawSave = false;
        let firstSave = false;
        if (e.phase === 'save-state') {
          firstSave = !run.sawSave;
          run.sawSave = true;
        }
        if (bps.length !== 0) {
          const hit = bps.find((b) => matches(b.spec, e, firstSave));
          if (hit) {
            hit.hits++;
            out.push(`breakpoint ${hit.id} (${describeBreakpoint(hit.spec)}) hit${boot ? ' in the boot' : ''}:`);
            out.push(`  [${e.phase}] ${e.text}`);
            this.pendingSlice = null;
            return out;
          }
        }
        if (phaseEvents !== null) phaseEvents.push(e);
        const counts =
          target === 'event' ||
          (target === 'phase' && (boot ? e.tags?.boot !== undefined || edge === 1 : e.level === 'phase')) ||
          (target === 'smi' && boot && edge === 2) ||
          (target === 'c' && (this.c.step === null || this.c.step.mode === 'first' || this.c.returned));
        if (counts) {
          remaining--;
          if (target === 'c') this.c.end();
          if (remaining === 0) {
            out.push(`[${e.phase}] ${e.text}`);
            if (phaseEvents !== null && phaseEvents.length > 1) for (const line of phaseEventLines(phaseEvents)) out.push(line);
          }
        }
      }
    } catch (e) {
      if (!(e instanceof CpuDeadLoop)) throw e;
      this.hist.setEvents(run.op, run.consumed);
      const inSmm = this.markHung(e);
      if (boot) this.bootEvents = this.eventSeq;
      this.hangCause = findHangCause(this.tl, this.eventSeq, e.module);
      for (const line of hangLines(this.m, e, inSmm, boot, this.hangCause)) out.push(line);
      return out;
    } finally {
      setCDebugHook(null);
      this.hist.setEvents(run.op, run.consumed);
      if (run.consumed > run.furthest) run.furthest = run.consumed;
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

  /** Records an event; returns 1 when it starts an SMI, 2 when it is an SMI's last event (SmiList.track). */
  private record(e: TraceEvent): 0 | 1 | 2 {
    this.lastEvent = e;
    const st = this.m.s;
    const cur = st.currentSmi;
    const smi = cur ?? st.lastSmi;
    if (smi !== null) {
      // notePhase, inline: this runs for every event the debugger shows.
      const ph = smi.phasesRun;
      const last = ph.length === 0 ? null : ph[ph.length - 1];
      if (!smi.finished) {
        if (last !== e.phase) ph.push(e.phase);
      } else if (e.phase === 'rsm' && last !== 'rsm') ph.push('rsm');
    }
    this.tl.push(e);
    if (this.eventTap !== null) this.eventTap(e, this.eventSeq + 1);
    this.c.onRecord();
    return this.smis.track(cur, ++this.eventSeq);
  }

  /** The run stopped at a C statement: say where and why. */
  private cStopped(e: TraceEvent, out: string[]): void {
    const byBreakpoint = this.c.stopped(e, this.eventSeq);
    const info = e.cstop!;
    if (byBreakpoint) {
      const hit = this.breakpoints.find((b) => b.spec.kind === 'line' && b.spec.file === info.file && b.spec.line === info.line);
      if (hit) {
        hit.hits++;
        out.push(`breakpoint ${hit.id} (${describeBreakpoint(hit.spec)}) hit:`);
      }
    }
    out.push(`[c] ${e.text}`);
    this.lastEvent = e;
    this.pendingSlice = null;
  }



  /** Reverse step: go back COUNT events in the run in progress (not before its first event). */
  back(count: number): string[] {
    const run = this.run;
    if (!run) return [];
    const at = this.c.at;
    if (at !== null) {
      // Paused at a C statement: back to an earlier statement after the same event, or to the event.
      const out = this.goTo(at.event);
      return at.count - count >= 1 ? this.replayToStatement(at.count - count) : out;
    }
    if (run.consumed <= 1) return [`already at the first event of this ${run.start.kind === 'boot' ? 'boot' : 'SMI'} (\`back --to EVENT\` goes to an earlier run)`];
    const target = Math.max(1, run.consumed - count);
    const furthest = Math.max(run.furthest, run.consumed);
    const out = this.goTo(this.hist.startOf(run.op) + target);
    if (this.run) this.run.furthest = furthest;
    return out;
  }

  /** Reverse step to the previous phase boundary of the run in progress (in the boot: the previous boot boundary or SMI start). */
  backPhase(count: number): string[] {
    const run = this.run;
    if (!run) return [];
    if (run.consumed <= 1) return this.back(1);
    const boot = run.start.kind === 'boot';
    const first = this.hist.startOf(run.op) + 1;
    let seq = this.eventSeq;
    for (let i = 0; i < count && seq > first; i++) {
      const found = this.tl.findBack(seq, (e, q) => (boot ? e.tags?.boot !== undefined || this.smis.startsAt(q) : e.level === 'phase'));
      seq = Math.max(found, first);
    }
    return this.back(this.eventSeq - seq);
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
    this.hangCause = null;
    this.smis.rewindTo(at, state.currentSmi);
    for (let j = from; j < k; j++) this.replaySilently(j);
    h.cut(k);
    const start = h.runOf(k)!;
    this.clearTimeline();
    this.lastEvent = null;
    const replay: ActiveRun = { gen: start.make(this.m), start, op: k, consumed: 0, furthest: h.eventsOf(k), sawSave: false };
    this.run = replay;
    h.setEnd(k, null);
    if (start.kind === 'boot') this.bootEvents = 0;
    const target = pos - h.startOf(k);
    this.runStartSeq = h.startOf(k);
    while (replay.consumed < target) {
      const r = replay.gen.next();
      if (r.done) throw new Error(`replay diverged: the run ended after ${replay.consumed} of ${target} events`);
      replay.consumed++;
      if (this.record(r.value) === 1) replay.sawSave = false;
      if (r.value.phase === 'save-state') replay.sawSave = true;
    }
    if (replay.furthest < replay.consumed) replay.furthest = replay.consumed;
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
      this.notePhase(r.value);
      this.smis.track(this.m.s.currentSmi, ++this.eventSeq);
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
    if (h.runOf(id)!.kind === 'boot') this.bootEvents = this.eventSeq;
  }

  /** After goTo(event): runs on to the `count`-th C statement after that event (the C position a stop had). */
  private replayToStatement(count: number): string[] {
    const out: string[] = [];
    const run = this.run!;
    this.c.stopAt = count;
    this.c.since = 0;
    setCDebugHook(this.c);
    try {
      const r = run.gen.next();
      if (r.done || r.value.cstop === undefined) throw new Error(`replay diverged: C statement ${count} after event ${this.eventSeq} did not come`);
      this.cStopped(r.value, out);
    } finally {
      setCDebugHook(null);
      this.c.stopAt = null;
    }
    return out;
  }













  runSlice(maxEvents: number): ConsoleResult {
    const p = this.pendingSlice;
    if (!p) return { lines: [], error: false };
    return { lines: this.advance(p.target, p.remaining, maxEvents), error: false };
  }





}
