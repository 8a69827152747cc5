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

import { baseCheckpoint, type Checkpoint, dropCheckpoint, nextCheckpoint, restoreCheckpoint } from './Checkpoint';
import type { Machine, MachineState } from '../pi/Platform';
import type { Gen } from '../pi/Fw';

/** How a run began, so it can be replayed (the debugger's RunStart). */
export interface RunStartLike {
  make: (m: Machine) => Gen<unknown>;
}

export interface Op<R extends RunStartLike = RunStartLike> {
  /** A run (its generator makes the events) or a poke (a change without events). */
  run: R | null;
  poke: ((m: Machine) => void) | null;
  /** Session event number before the operation's first event. */
  startPos: number;
  /** Events it consumed so far. */
  events: number;
  /** How the run ended: its generator returned, or a CPU hung (CpuDeadLoop); null while it runs. */
  end: 'done' | 'hung' | null;
}

interface Mark {
  /** The checkpoint holds the state right before ops[op] (ops.length: after the last one). */
  op: number;
  pos: number;
  cp: Checkpoint;
}

/** How dense and how long the history is. */
export interface HistoryLimits {
  /** Events between checkpoints: replaying them costs a few ms (about 0.1-1 µs per event). */
  interval: number;
  maxCheckpoints: number;
  maxOps: number;
}

export const HISTORY_LIMITS: HistoryLimits = { interval: 16384, maxCheckpoints: 64, maxOps: 200_000 };

export class History<R extends RunStartLike = RunStartLike> {
  ops: Op<R>[] = [];
  private marks: Mark[];
  /** The state object this history records (the debugger swaps in a new one on restore). */
  live: MachineState;

  constructor(
    s: MachineState,
    readonly basePos: number,
    readonly limits: HistoryLimits = HISTORY_LIMITS,
  ) {
    this.live = s;
    this.marks = [{ op: 0, pos: basePos, cp: baseCheckpoint(s) }];
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

  /** Records a new operation starting at `pos`; takes a checkpoint first when one is due (or `force`). */
  begin(op: Op<R>, s: MachineState, force = false): Op<R> {
    const last = this.marks[this.marks.length - 1];
    if (force || op.startPos - last.pos >= this.limits.interval) this.checkpoint(s, op.startPos);
    this.ops.push(op);
    if (this.ops.length > this.limits.maxOps) this.forget();
    return op;
  }

  /** A checkpoint of `s` before the next operation; returns the bytes it added (0: nothing ran since the last one). */
  checkpoint(s: MachineState, pos: number): number {
    if (this.marks[this.marks.length - 1].op === this.ops.length) return 0;
    const cp = nextCheckpoint(s, this.marks[this.marks.length - 1].cp);
    this.marks.push({ op: this.ops.length, pos, cp });
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
    while (k < this.marks.length - 2 && this.marks[k].op < this.ops.length - this.limits.maxOps / 2) k++;
    // Checkpoint k becomes the base: its full page map is the base's with every delta up to it applied.
    const full = new Map(this.marks[0].cp.full!);
    for (let j = 1; j <= k; j++) for (const [n, p] of this.marks[j].cp.delta) full.set(n, p);
    const base = this.marks[k];
    base.cp = { ...base.cp, full, delta: new Map() };
    const cut = base.op;
    this.marks.splice(0, k);
    for (const m of this.marks) m.op -= cut;
    this.ops.splice(0, cut);
  }

  /** Index of the operation that holds event `pos` (1-based session event number), or -1. */
  opAt(pos: number): number {
    let lo = 0;
    let hi = this.ops.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ops[mid].startPos < pos) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return -1;
    const op = this.ops[found];
    return pos <= op.startPos + op.events ? found : -1;
  }

  /**
   * Puts the machine back to the latest checkpoint at or before operation `k`: returns the state to
   * install, the index of the first operation to replay and the event number the state is at.
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

  /** Forgets the operations after index `k` (the future after a rewind). */
  cut(k: number): void {
    this.ops.length = k + 1;
  }
}
