/**
 * The recorded execution of a session since its platform reset, as record/replay debuggers keep it:
 * the operations that changed the machine in order (runs: an SMI, a Communicate; pokes: what a
 * console line writes between runs, an OUT or a Communicate buffer) with the events each consumed,
 * and checkpoints taken every `interval` events at the start of an operation. Any earlier
 * event is reached again by restoring the nearest checkpoint before it and replaying the
 * operations from there (debug/Debugger `goTo`). Checkpoints cost what changed (debug/Checkpoint);
 * at most `maxCheckpoints` are kept (the closest pair is merged), and at most `maxOps` operations
 * (older ones fall off the start together with the checkpoints before them).
 */

import { baseCheckpoint, type Checkpoint, dropCheckpoint, nextCheckpoint, restoreCheckpoint, stateAtCheckpoint } from './Checkpoint';
import type { Machine, MachineState } from '../pi/Platform';
import type { Gen } from '../pi/Fw';

/** How a run began, so it can be replayed (the debugger's RunStart). */
export interface RunStartLike {
  make: (m: Machine) => Gen<unknown>;
}

/** A change a console line makes between runs (an OUT, a Communicate buffer), replayed as is. */
export type Poke = (m: Machine) => void;

/** How a run ended: its generator returned, or a CPU hung (CpuDeadLoop); null while it runs (or a poke not applied yet). */
export type OpEnd = 'done' | 'hung' | null;
const END_CODES: OpEnd[] = [null, 'done', 'hung'];

interface Mark {
  /** The checkpoint holds the state right before operation `op` (an id; nextId: after the last one). */
  op: number;
  pos: number;
  cp: Checkpoint;
}

/** What a finished boot leaves for the next boot of the same configuration (History.bootRecord). */
export interface BootRecord<R> {
  marks: readonly Mark[];
  run: R;
  events: number;
  end: OpEnd;
}

/** How dense and how long the history is. */
export interface HistoryLimits {
  /** Events between checkpoints: replaying them costs a few ms (about 0.1-1 µs per event). */
  interval: number;
  /**
   * At least this many events per CPU between checkpoints (up to maxInterval): a checkpoint costs
   * about one page and one CPU record per CPU (every SMI rewrites every CPU's save-state map), so
   * many CPUs space them out; maxInterval keeps the replay of one interval within ~20 ms.
   */
  intervalPerCpu?: number;
  maxInterval?: number;
  maxCheckpoints: number;
  maxOps: number;
}

export const HISTORY_LIMITS: HistoryLimits = { interval: 32768, intervalPerCpu: 1024, maxInterval: 131072, maxCheckpoints: 64, maxOps: 200_000 };

/**
 * Operations are kept in columns (typed arrays and one array of references), not as an object
 * each: a long session adds a few bytes per SMI and nothing the garbage collector has to trace
 * twice. An operation is named by its id (ids count from the platform reset; the oldest may be
 * forgotten).
 */
export class History<R extends RunStartLike = RunStartLike> {
  private marks: Mark[];
  /** The state object this history records (the debugger swaps in a new one on restore). */
  live: MachineState;
  /** Events between checkpoints for this machine (limits.interval, or more with many CPUs). */
  readonly interval: number;
  /** Id of the oldest operation kept (those before it were forgotten). */
  private first = 0;
  private count = 0;
  private what: (R | Poke)[] = [];
  private poke = new Uint8Array(64);
  private start = new Float64Array(64);
  private events = new Float64Array(64);
  private end = new Uint8Array(64);

  constructor(
    s: MachineState,
    readonly basePos: number,
    readonly limits: HistoryLimits = HISTORY_LIMITS,
    marks?: Mark[],
  ) {
    this.live = s;
    this.interval = Math.max(limits.interval, Math.min((limits.intervalPerCpu ?? 0) * s.cpus.length, limits.maxInterval ?? Infinity));
    this.marks = marks ?? [{ op: 0, pos: basePos, cp: baseCheckpoint(s) }];
  }

  /**
   * The part of a history that a finished boot leaves: its checkpoints (power-on, end of the
   * boot) and its one operation. Checkpoints are never written, so another history can start
   * from them (Debugger's boot cache: a second boot of the same configuration is not run again).
   */
  bootRecord(): BootRecord<R> {
    if (this.count !== 1 || this.poke[0] || this.first !== 0) throw new Error('internal: bootRecord needs a history of exactly the boot');
    return { marks: this.marks.map((m) => ({ ...m })), run: this.what[0] as R, events: this.events[0], end: END_CODES[this.end[0]] };
  }

  /** A history that starts where `rec` ends; `live` becomes the state of its last checkpoint. */
  static fromBoot<R extends RunStartLike>(rec: BootRecord<R>, limits: HistoryLimits): { hist: History<R>; live: MachineState } {
    const chain = rec.marks.map((m) => m.cp);
    const live = stateAtCheckpoint(chain, chain.length - 1);
    const h = new History<R>(live, rec.marks[0].pos, limits, rec.marks.map((m) => ({ ...m })));
    h.what[0] = rec.run;
    h.start[0] = rec.marks[0].pos;
    h.events[0] = rec.events;
    h.end[0] = END_CODES.indexOf(rec.end);
    h.count = 1;
    return { hist: h, live };
  }

  /** Operations kept. */
  get opCount(): number {
    return this.count;
  }

  /** The id the next operation gets. */
  get nextId(): number {
    return this.first + this.count;
  }

  /** The run of operation `id` (null: it is a poke). */
  runOf(id: number): R | null {
    const i = id - this.first;
    return this.poke[i] ? null : (this.what[i] as R);
  }

  pokeOf(id: number): Poke | null {
    const i = id - this.first;
    return this.poke[i] ? (this.what[i] as Poke) : null;
  }

  /** Session event number before the operation's first event. */
  startOf(id: number): number {
    return this.start[id - this.first];
  }

  /** Events the operation consumed so far. */
  eventsOf(id: number): number {
    return this.events[id - this.first];
  }

  setEvents(id: number, n: number): void {
    this.events[id - this.first] = n;
  }

  endOf(id: number): OpEnd {
    return END_CODES[this.end[id - this.first]];
  }

  setEnd(id: number, e: OpEnd): void {
    this.end[id - this.first] = END_CODES.indexOf(e);
  }

  /** Records a new operation (a run, or a poke) starting at event `pos`; takes a checkpoint first when one is due. Returns its id. */
  begin(what: R | Poke, isPoke: boolean, pos: number, s: MachineState): number {
    const last = this.marks[this.marks.length - 1];
    if (pos - last.pos >= this.interval) this.checkpoint(s, pos);
    if (this.count === this.start.length) this.grow(this.count * 2);
    const i = this.count++;
    this.what[i] = what;
    this.poke[i] = isPoke ? 1 : 0;
    this.start[i] = pos;
    this.events[i] = 0;
    this.end[i] = 0;
    if (this.count > this.limits.maxOps) this.forget();
    return this.first + i;
  }

  private grow(cap: number): void {
    const g = <T extends Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, Math.min(a.length, cap)) as never);
      return b;
    };
    this.poke = g(this.poke, (n) => new Uint8Array(n));
    this.start = g(this.start, (n) => new Float64Array(n));
    this.events = g(this.events, (n) => new Float64Array(n));
    this.end = g(this.end, (n) => new Uint8Array(n));
  }

  /** First event number that can be reached (events after the oldest checkpoint kept). */
  get firstPos(): number {
    return this.marks[0].pos + 1;
  }

  get checkpoints(): number {
    return this.marks.length;
  }

  /** Estimated bytes the checkpoints hold beyond the live machine. */
  get checkpointBytes(): number {
    return this.marks.reduce((a, m) => a + m.cp.bytes, 0);
  }

  /** A checkpoint of `s` before the next operation; returns the bytes it added (0: nothing ran since the last one). */
  checkpoint(s: MachineState, pos: number): number {
    if (this.marks[this.marks.length - 1].op === this.nextId) return 0;
    const cp = nextCheckpoint(s, this.marks[this.marks.length - 1].cp);
    this.marks.push({ op: this.nextId, pos, cp });
    if (this.marks.length > this.limits.maxCheckpoints) this.thin();
    return cp.bytes;
  }

  /** Merges the two neighbouring checkpoints that lie closest together (the older on a tie). */
  private thin(): void {
    let best = 1;
    let bestGap = Infinity;
    for (let i = 1; i < this.marks.length - 1; i++) {
      const gap = this.marks[i + 1].pos - this.marks[i - 1].pos;
      if (gap < bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    const chain = this.marks.map((m) => m.cp);
    dropCheckpoint(chain, best);
    this.marks.splice(best, 1);
  }

  /** Drops the oldest operations (about half of them), up to a checkpoint that becomes the base. */
  private forget(): void {
    if (this.marks.length < 3) return;
    let k = 1;
    while (k < this.marks.length - 2 && this.marks[k].op < this.nextId - this.limits.maxOps / 2) k++;
    // Checkpoint k becomes the base: its full page map is the base's with every delta up to it applied.
    const full = new Map(this.marks[0].cp.full!);
    for (let j = 1; j <= k; j++) for (const [n, p] of this.marks[j].cp.delta) full.set(n, p);
    const base = this.marks[k];
    base.cp = { ...base.cp, full, delta: new Map() };
    const cut = base.op - this.first;
    this.marks.splice(0, k);
    this.what.splice(0, cut);
    this.poke.copyWithin(0, cut, this.count);
    this.start.copyWithin(0, cut, this.count);
    this.events.copyWithin(0, cut, this.count);
    this.end.copyWithin(0, cut, this.count);
    this.first += cut;
    this.count -= cut;
  }

  /** Id of the operation that holds event `pos` (1-based session event number), or -1. */
  opAt(pos: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid] < pos) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return -1;
    return pos <= this.start[found] + this.events[found] ? this.first + found : -1;
  }

  /**
   * Puts the machine back to the latest checkpoint at or before operation `k` (an id): returns the
   * state to install, the id of the first operation to replay and the event number the state is at.
   * Operations from `k` on stay recorded; the caller cuts them once it has replayed to its target.
   */
  rewind(k: number, s: MachineState): { state: MachineState; from: number; pos: number } {
    let i = this.marks.length - 1;
    while (i > 0 && this.marks[i].op > k) i--;
    const chain = this.marks.map((m) => m.cp);
    const state = restoreCheckpoint(chain, i, s);
    this.marks.length = i + 1;
    this.live = state;
    return { state, from: this.marks[i].op, pos: this.marks[i].pos };
  }

  /** Forgets the operations after id `k` (the future after a rewind). */
  cut(k: number): void {
    this.count = k - this.first + 1;
    this.what.length = this.count;
  }
}
