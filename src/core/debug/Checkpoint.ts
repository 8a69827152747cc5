/**
 * Checkpoints of the machine that cost what changed since the previous one, not the machine's size.
 *
 * - Memory: copy-on-write pages (machine/Memory's `cow` barrier). A checkpoint keeps the pages
 *   written since the previous checkpoint (its delta) by reference; the live memory copies a page
 *   the first time it writes it afterwards. The first (base) checkpoint holds every page.
 * - The debugcon log: lines only ever get appended (and the oldest dropped), so a checkpoint keeps
 *   them in chunks of 1024 lines by line number and shares every chunk the previous one already has.
 * - Everything else (CPUs, chipset, SMM core tables, modules, ...): a frozen copy that shares every
 *   object, array and typed array that is equal to the previous checkpoint's one. Comparing reads
 *   the live state once and allocates nothing; only what differs is copied.
 *
 * A checkpoint is exact: restoring it gives byte-identical memory and equal data everywhere else
 * (Checkpoint.test.ts). Checkpoints are never written: the live state is copied before it changes.
 */

import { type CowState, createCow, type MemoryState, syncLine, touchCow } from '../machine/Memory';
import type { MachineState } from '../pi/Platform';

/** MachineState without memory and the log, frozen. */
type Rest = Omit<MachineState, 'mem' | 'serial'>;

const CHUNK = 1024;

interface LogChunk {
  /** Line number (serial.firstSeq numbering) of lines[0]. */
  from: number;
  lines: readonly string[];
}

interface LogSnap {
  firstSeq: number;
  end: number;
  partial: string;
  /** By chunk number (line number / CHUNK). */
  chunks: Map<number, LogChunk>;
}

export interface Checkpoint {
  rest: Rest;
  log: LogSnap;
  /** Pages created or written since the previous checkpoint, as they are at this one (shared, never written). */
  delta: Map<number, Uint8Array>;
  /** Every page (the base checkpoint of a history only). */
  full: Map<number, Uint8Array> | null;
  /** Estimated bytes this checkpoint added: the pages of its delta and the objects it did not share. */
  bytes: number;
}

/** Counts what a freeze allocates. */
interface Cost {
  bytes: number;
}

/**
 * A frozen copy of `v` that reuses `prev` (the same position in the previous checkpoint) wherever
 * they are equal. `seen` keeps objects that occur twice in the live state aliased in the copy.
 */
function freeze(v: unknown, prev: unknown, seen: Map<object, unknown>, cost: Cost): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  let out: unknown;
  if (ArrayBuffer.isView(v)) out = freezeTyped(v as unknown as ArrayLike<number> & { slice(): unknown; byteLength: number }, prev, cost);
  else if (Array.isArray(v)) out = freezeArray(v, prev, seen, cost);
  else if (v instanceof Map || v instanceof Set) {
    out = structuredClone(v); // none in MachineState today: copied whole, never shared
    cost.bytes += 64 + 32 * v.size;
  } else out = freezeObject(v as Record<string, unknown>, prev, seen, cost);
  seen.set(v, out);
  return out;
}

function freezeTyped(v: ArrayLike<number> & { slice(): unknown; byteLength: number }, prev: unknown, cost: Cost): unknown {
  if (prev !== undefined && ArrayBuffer.isView(prev) && Object.getPrototypeOf(prev) === Object.getPrototypeOf(v)) {
    const p = prev as unknown as ArrayLike<number>;
    if (p.length === v.length) {
      let i = 0;
      while (i < v.length && Object.is(v[i], p[i])) i++;
      if (i === v.length) return prev;
    }
  }
  cost.bytes += 64 + v.byteLength;
  return v.slice();
}

function freezeArray(v: unknown[], prev: unknown, seen: Map<object, unknown>, cost: Cost): unknown[] {
  const pa = Array.isArray(prev) ? prev : null;
  let out: unknown[] | null = pa !== null && pa.length === v.length ? null : new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const p = pa !== null && i < pa.length ? pa[i] : undefined;
    const c = freeze(v[i], p, seen, cost);
    if (out === null) {
      if (Object.is(c, p)) continue;
      out = pa!.slice(0, i);
    }
    out[i] = c;
  }
  if (out === null) return pa!;
  cost.bytes += 16 + 8 * v.length;
  return out;
}

function freezeObject(v: Record<string, unknown>, prev: unknown, seen: Map<object, unknown>, cost: Cost): Record<string, unknown> {
  const po = typeof prev === 'object' && prev !== null && !Array.isArray(prev) && !ArrayBuffer.isView(prev) ? (prev as Record<string, unknown>) : null;
  const keys = Object.keys(v);
  let same = po !== null && Object.keys(po).length === keys.length;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const p = po !== null ? po[k] : undefined;
    const c = freeze(v[k], p, seen, cost);
    if (same && (!Object.is(c, p) || !(k in po!))) same = false;
    out[k] = c;
  }
  if (same) return po!;
  cost.bytes += 24 + 8 * keys.length;
  return out;
}

function snapLog(s: MachineState, prev: LogSnap | null, cost: Cost): LogSnap {
  const { firstSeq, lines, partial } = s.serial;
  const end = firstSeq + lines.length;
  const chunks = new Map<number, LogChunk>();
  if (lines.length > 0) {
    for (let c = Math.floor(firstSeq / CHUNK); c * CHUNK < end; c++) {
      const lo = Math.max(c * CHUNK, firstSeq);
      const hi = Math.min((c + 1) * CHUNK, end);
      const p = prev?.chunks.get(c);
      if (p && p.from <= lo && p.from + p.lines.length >= hi) chunks.set(c, p); // a line's text never changes
      else {
        chunks.set(c, { from: lo, lines: lines.slice(lo - firstSeq, hi - firstSeq) });
        cost.bytes += 32 + 8 * (hi - lo);
      }
    }
  }
  return { firstSeq, end, partial, chunks };
}

function unpackLog(l: LogSnap): MachineState['serial'] {
  const lines: string[] = [];
  for (let c = Math.floor(l.firstSeq / CHUNK); c * CHUNK < l.end; c++) {
    const ch = l.chunks.get(c)!;
    const lo = Math.max(c * CHUNK, l.firstSeq);
    const hi = Math.min((c + 1) * CHUNK, l.end);
    for (let q = lo; q < hi; q++) lines.push(ch.lines[q - ch.from]);
  }
  return { firstSeq: l.firstSeq, lines, partial: l.partial };
}

function restOf(s: MachineState): Rest {
  const { mem: _mem, serial: _serial, ...rest } = s;
  return rest;
}

/**
 * The first checkpoint of a history: every page by reference (they become copy-on-write from now
 * on: the live memory gets a fresh barrier), the rest frozen.
 */
export function baseCheckpoint(s: MachineState): Checkpoint {
  const cost: Cost = { bytes: 0 };
  const full = new Map(s.mem.pages);
  s.mem.cow = createCow();
  return { rest: freeze(restOf(s), undefined, new Map(), cost) as Rest, log: snapLog(s, null, cost), delta: new Map(), full, bytes: cost.bytes + 16 * full.size };
}

/** A checkpoint after `prev`: the pages written since it, and what else differs from it. */
export function nextCheckpoint(s: MachineState, prev: Checkpoint): Checkpoint {
  const cow = s.mem.cow!;
  const cost: Cost = { bytes: 0 };
  const delta = new Map<number, Uint8Array>();
  for (const n of cow.written) delta.set(n, s.mem.pages.get(n)!);
  freezePages(cow);
  cost.bytes += delta.size * 4096;
  return { rest: freeze(restOf(s), prev.rest, new Map(), cost) as Rest, log: snapLog(s, prev.log, cost), delta, full: null, bytes: cost.bytes };
}

/** Every page the live memory holds is now shared with a checkpoint: the next write to each copies it. */
function freezePages(cow: CowState): void {
  cow.written.clear();
  cow.owned.clear();
  touchCow(cow);
}

/**
 * Drops checkpoint `i` (not the first nor the last) of `chain`: its delta folds into the next one,
 * which then holds every page that changed since checkpoint i-1.
 */
export function dropCheckpoint(chain: Checkpoint[], i: number): void {
  if (i <= 0 || i >= chain.length - 1) throw new Error('dropCheckpoint: only a middle checkpoint can go');
  const next = chain[i + 1];
  for (const [n, p] of chain[i].delta) {
    if (!next.delta.has(n)) {
      next.delta.set(n, p);
      next.bytes += 4096;
    }
  }
  chain.splice(i, 1);
}

/** Page `n` as it was at checkpoint `i` of `chain` (undefined: not allocated then). */
function pageAt(chain: Checkpoint[], i: number, n: number): Uint8Array | undefined {
  for (let j = i; j > 0; j--) {
    const p = chain[j].delta.get(n);
    if (p !== undefined) return p;
  }
  return chain[0].full!.get(n);
}

/**
 * The machine state of checkpoint `i`, rebuilt from the live state `s` (whose memory it reuses:
 * only the pages written since checkpoint i are put back). The checkpoints after i are dropped
 * from `chain`: the state they hold lies in the future of the one restored.
 */
export function restoreCheckpoint(chain: Checkpoint[], i: number, s: MachineState): MachineState {
  const mem: MemoryState = s.mem;
  const cow = mem.cow!;
  const changed = new Set(cow.written);
  for (let j = i + 1; j < chain.length; j++) for (const n of chain[j].delta.keys()) changed.add(n);
  // The restore belongs to the console line in progress (`back`): its page log goes on after the
  // epoch moves. A page it replaces counts as written, and its old array (no longer live, never
  // written again) is what the line started from, unless the line wrote the page before.
  syncLine(cow);
  const inLine = new Set(cow.linePages);
  for (const n of changed) {
    const old = mem.pages.get(n);
    const p = pageAt(chain, i, n);
    if (p === old) continue;
    if (!inLine.has(n)) {
      cow.linePages.push(n);
      cow.lineBefore.set(n, old ?? null);
    }
    if (p === undefined) mem.pages.delete(n);
    else mem.pages.set(n, p);
  }
  freezePages(cow); // (touches the barrier: the pages above were replaced too)
  cow.epoch++;
  cow.lineEpoch = cow.epoch;
  chain.length = i + 1;
  const c = chain[i];
  return { ...structuredClone(c.rest), mem, serial: unpackLog(c.log) } as MachineState;
}

/**
 * A live machine state equal to checkpoint `i` of `chain`, with memory of its own (a new barrier:
 * every page is shared with the checkpoints until its first write). The chain is not changed: a
 * cached boot's checkpoints start a new session's history this way.
 */
export function stateAtCheckpoint(chain: readonly Checkpoint[], i: number): MachineState {
  const pages = new Map(chain[0].full!);
  for (let j = 1; j <= i; j++) for (const [n, p] of chain[j].delta) pages.set(n, p);
  const mem: MemoryState = { pages, cow: createCow() };
  const c = chain[i];
  return { ...structuredClone(c.rest), mem, serial: unpackLog(c.log) } as MachineState;
}
