/**
 * The debugger around one Machine (the console's Session extends it with the command language): runs boot and SMIs as event streams, stops at phase / event /
 * SMI granularity and at breakpoints, keeps a checkpoint at the start of the SMI in progress (so
 * any step in it is reached again by deterministic replay: `back`), and builds the UI's
 * ViewSnapshots (deltas and visible windows only). Used by the worker, the CLI and the tests.
 */

import type { Phase } from '../pi/Fw';
import type { TimelineEvent, ViewCursor } from './ViewTypes';
import { type Machine, type MachineState, machineFromState } from '../pi/Platform';
import { readBytes } from '../machine/Memory';
import { type Accel, SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, describeLayout } from '../machine/SaveStateMap';
import { CpuDeadLoop, type Gen, type TraceEvent } from '../pi/Fw';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { moduleDefs, ovmfConfig } from '../profiles/ovmf';
import { smiLifecycle } from '../system/SmiLifecycle';
import { type Breakpoint, type BreakpointSpec, describeBreakpoint, matches } from './Breakpoints';

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
  | { kind: 'lifecycle'; make: (m: Machine) => Gen<unknown>; describe: string; onDone: (m: Machine, result: unknown) => string[] };

interface ActiveRun {
  gen: Gen<unknown>;
  start: RunStart;
  checkpoint: MachineState;
  /** Events consumed so far (replay target for `back`). */
  consumed: number;
  sawSave: boolean;
}

/** End states of finished boots by configuration (a boot is a pure function of its configuration). */
const BOOT_CACHE = new Map<string, { state: MachineState; out: string[] }>();
const BOOT_CACHE_LIMIT = 8;

export const DEFAULT_PLATFORM: PlatformOptions = { cpus: 4, broadcast: true, syncMode: null, modules: [], accel: 'tcg' };

export class Debugger {
  m!: Machine;
  platform: PlatformOptions = DEFAULT_PLATFORM;
  run: ActiveRun | null = null;
  timeline: TimelineEvent[] = [];
  timelineEpoch = 0;
  eventSeq = 0;
  lastEvent: TraceEvent | null = null;
  breakpoints: Breakpoint[] = [];
  nextBreakpointId = 1;
  /** Save-state maps as they were before the last command, to mark changed bytes. */
  prevMaps = new Map<number, Uint8Array>();
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
      this.m = machineFromState(structuredClone(cached.state), defs, smiLifecycle);
      this.afterReset();
      this.snapshotMaps();
      return [...cached.out];
    }
    this.m = createOvmfMachine(config);
    this.afterReset();
    const out: string[] = [];
    try {
      const g = bootOvmf(this.m);
      while (!g.next().done) {
        /* boot runs to completion */
      }
    } catch (e) {
      if (!(e instanceof CpuDeadLoop)) throw e;
      const inSmm = this.markHung(e);
      out.push(`boot HUNG: ${e.message}`);
      out.push(
        inSmm
          ? `CPU${e.cpu} spins in CpuDeadLoop() inside SMM (module ${e.module}). See the debugcon log and the Modules table; reset with \`platform ovmf\`.`
          : `CPU${e.cpu} spins in CpuDeadLoop() outside SMM (module ${e.module})${this.m.s.modules.find((x) => x.name === 'PiSmmIpl')?.state !== 'dispatched' ? ': the boot stops in DXE, before the SMM IPL (PiSmmIpl) ran' : ''}. See the debugcon log and the Modules table; reset with \`platform ovmf\`.`,
      );
    }
    BOOT_CACHE.set(key, { state: structuredClone(this.m.s), out: [...out] });
    if (BOOT_CACHE.size > BOOT_CACHE_LIMIT) BOOT_CACHE.delete(BOOT_CACHE.keys().next().value!);
    this.snapshotMaps();
    return out;
  }

  private afterReset(): void {
    this.run = null;
    this.timeline = [];
    this.timelineEpoch++;
    this.platformEpoch++;
    this.lastEvent = null;
    this.logDrained = 0;
    this.pendingSlice = null;
  }

  /** Records the hang; returns whether the CPU dead-loops inside SMM. */
  private markHung(e: CpuDeadLoop): boolean {
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
    this.run = null;
    return inSmm;
  }

  /** Start a run (SMI lifecycle or Communicate) and stop at its first event (or run it out). */
  startRun(start: RunStart, pauseAtStart: boolean): string[] {
    const checkpoint = structuredClone(this.m.s);
    this.timeline = [];
    this.timelineEpoch++;
    this.run = { gen: start.make(this.m), start, checkpoint, consumed: 0, sawSave: false };
    return this.advance(pauseAtStart ? 'event' : 'smi', 1);
  }

  /** Pull events until the granularity is reached COUNT times, a breakpoint hits, or the run ends. */
  advance(target: StepGranularity | 'continue', count: number, budget = Infinity): string[] {
    const out: string[] = [];
    let remaining = count;
    let steps = 0;
    while (this.run && remaining > 0) {
      if (steps++ >= budget) {
        this.pendingSlice = { target, remaining };
        return out;
      }
      const run = this.run;
      let r: IteratorResult<TraceEvent, unknown>;
      try {
        r = run.gen.next();
      } catch (e) {
        if (!(e instanceof CpuDeadLoop)) throw e;
        const inSmm = this.markHung(e);
        out.push(`HUNG: ${e.message}`, `CPU${e.cpu} spins in CpuDeadLoop()${inSmm ? ' inside SMM; the other CPUs wait for it forever' : ''}. \`platform ovmf\` resets.`);
        return out;
      }
      if (r.done) {
        this.run = null;
        this.lastEvent = null;
        out.push(...run.start.onDone(this.m, r.value));
        break;
      }
      run.consumed++;
      const e = r.value;
      this.record(e);
      const firstSave = e.phase === 'save-state' && !run.sawSave;
      if (e.phase === 'save-state') run.sawSave = true;
      const hit = this.breakpoints.find((b) => matches(b.spec, e, firstSave));
      if (hit) {
        hit.hits++;
        out.push(`breakpoint ${hit.id} (${describeBreakpoint(hit.spec)}) hit:`);
        out.push(`  [${e.phase}] ${e.text}`);
        return out;
      }
      if (target === 'event' || (target === 'phase' && e.level === 'phase')) {
        remaining--;
        if (remaining === 0) out.push(`[${e.phase}] ${e.text}`);
      }
    }
    this.pendingSlice = null;
    return out;
  }

  private record(e: TraceEvent): void {
    this.lastEvent = e;
    const smi = this.m.s.currentSmi ?? this.m.s.lastSmi;
    if (smi && !smi.finished && smi.phasesRun[smi.phasesRun.length - 1] !== e.phase) smi.phasesRun.push(e.phase);
    else if (smi && smi.finished && e.phase === 'rsm' && smi.phasesRun[smi.phasesRun.length - 1] !== 'rsm') smi.phasesRun.push('rsm');
    this.timeline.push({ seq: ++this.eventSeq, phase: e.phase, cpu: e.cpu, text: e.text, level: e.level });
    if (this.timeline.length > 5000) {
      this.timeline.splice(0, this.timeline.length - 5000);
      this.timelineEpoch++;
    }
  }

  /** Reverse step: restore the run's checkpoint and replay all but the last `count` events. */
  back(count: number): string[] {
    const run = this.run;
    if (!run) return [];
    const target = Math.max(1, run.consumed - count);
    this.m.s = structuredClone(run.checkpoint);
    this.timeline = [];
    this.timelineEpoch++;
    const replay: ActiveRun = { gen: run.start.make(this.m), start: run.start, checkpoint: run.checkpoint, consumed: 0, sawSave: false };
    this.run = replay;
    while (replay.consumed < target) {
      const r = replay.gen.next();
      if (r.done) break;
      replay.consumed++;
      if (r.value.phase === 'save-state') replay.sawSave = true;
      this.record(r.value);
    }
    return this.lastEvent ? [`[${this.lastEvent.phase}] ${this.lastEvent.text}`] : [];
  }

  addBreakpoint(spec: BreakpointSpec): Breakpoint {
    const b = { id: this.nextBreakpointId++, spec, hits: 0 };
    this.breakpoints.push(b);
    return b;
  }

  snapshotMaps(): void {
    for (const c of this.m.s.cpus) this.prevMaps.set(c.index, readBytes(this.m.s.mem, c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE));
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
