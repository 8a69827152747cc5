/**
 * Physical memory as 4 KiB pages allocated on first write (reads of untouched memory return 0).
 * Plain data: a Map of page number -> bytes, so structuredClone(state.mem) is a complete copy.
 *
 * Copy-on-write: the debugger keeps checkpoints that share page arrays with the live memory
 * instead of copying them (debug/Checkpoint). While `cow` is set, every write goes through
 * `writablePage`: a page not owned in this epoch may be shared with a checkpoint, so its first write
 * copies it (and `cow.written` remembers it for the next checkpoint's delta). Pages in `watch`
 * keep their bytes as they were before the first write since `cow.epoch` changed (what the
 * debugger shows as "changed by the last command"); a watched page never counts as owned, so
 * each of its writes takes the slow path (one per CPU and SMI: the save-state maps).
 *
 * Pages written during the current console line: `owned` tags each page with the epoch it was
 * taken in, so a new line (Debugger.beginCommand moves the epoch) owns nothing, without clearing
 * anything, and each page's first write of a line takes the slow path once more. There it is
 * logged (`linePages`: one push); later writes of the line stay in place. A checkpoint restore
 * (`back`) replaces pages without writing them: it logs them with their old arrays in
 * `lineBefore` (debug/Checkpoint), so what `back` changed can be told byte by byte (debug/Written).
 */

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;

export interface MemoryState {
  pages: Map<number, Uint8Array>;
  /** The debugger's copy-on-write bookkeeping; null = no checkpoint shares these pages. */
  cow: CowState | null;
}

/** What the copy-on-write barrier tracks (plain data; the debugger creates and resets it). */
export interface CowState {
  /** Pages written since the barrier last froze them, each with the epoch it was written in: later writes of that epoch go in place. */
  owned: Map<number, number>;
  /** Pages created or copied since the last checkpoint (its successor's delta). */
  written: Set<number>;
  /** Pages whose bytes at `off` (before.length of them) are kept in `before` as they were before the first write of the current epoch. */
  watch: Map<number, WatchedRange>;
  epoch: number;
  /** The epoch `linePages` and `lineBefore` belong to (they are emptied when the epoch moves on). */
  lineEpoch: number;
  /**
   * The pages written since the epoch began (the current console line), in the order of their
   * first write; a page may appear twice (a checkpoint taken during the line makes it shared again).
   */
  linePages: number[];
  /**
   * For the pages of `linePages` a checkpoint restore replaced: the page as it was when the
   * epoch began (null: it did not exist). The old array is no longer live, so keeping it is free.
   */
  lineBefore: Map<number, Uint8Array | null>;
  /**
   * Moves on whenever a page array is replaced or a page stops being writable in place (a copy,
   * a checkpoint, a restore, a new epoch, a new watch): whoever remembers page arrays between
   * accesses (smmc/MemPort) may keep them while it has not moved. See `touchCow`.
   */
  gen: number;
}

/** The barrier changed in a way that makes remembered page arrays stale (CowState.gen). */
export function touchCow(cow: CowState): void {
  cow.gen++;
}

export interface WatchedRange {
  before: Uint8Array;
  off: number;
  epoch: number;
  /** The last page the range was copied from and its subarray (no new view per copy). */
  src?: Uint8Array;
  srcRange?: Uint8Array;
}

/** Keeps `w`'s bytes of page `p` (all zero if the page does not exist yet). */
export function keepBefore(w: WatchedRange, p: Uint8Array | undefined): void {
  if (p === undefined) {
    w.before.fill(0);
    return;
  }
  if (w.src !== p) {
    w.src = p;
    w.srcRange = p.subarray(w.off, w.off + w.before.length);
  }
  w.before.set(w.srcRange!);
}

export function createMemory(): MemoryState {
  return { pages: new Map(), cow: null };
}

/**
 * Pages are carved from 64 KiB slabs: one ArrayBuffer per 16 pages instead of one per page (a
 * copy-on-write copy costs a third as much; SaveStateCopies' word views exist once per slab). A slab
 * lives while any page in it does.
 */
const SLAB_PAGES = 16;
let slab: ArrayBuffer = new ArrayBuffer(0);
let slabNext = SLAB_PAGES;

function newPage(): Uint8Array {
  if (slabNext === SLAB_PAGES) {
    slab = new ArrayBuffer(SLAB_PAGES * PAGE_SIZE);
    slabNext = 0;
  }
  return new Uint8Array(slab, PAGE_SIZE * slabNext++, PAGE_SIZE);
}

export function createCow(): CowState {
  return { owned: new Map(), written: new Set(), watch: new Map(), epoch: 0, lineEpoch: 0, linePages: [], lineBefore: new Map(), gen: 0 };
}

/** Brings the line's page list to the current epoch (a new line starts with none written). */
export function syncLine(cow: CowState): void {
  if (cow.lineEpoch === cow.epoch) return;
  cow.lineEpoch = cow.epoch;
  cow.linePages.length = 0;
  if (cow.lineBefore.size !== 0) cow.lineBefore.clear();
}


/**
 * The pages written since the memory barrier's epoch began (the console line in progress or the
 * last one), with the old arrays of those a restore replaced; null when no barrier is up (nothing
 * is tracked).
 */
export function writtenThisLine(mem: MemoryState): { pages: readonly number[]; before: ReadonlyMap<number, Uint8Array | null>; epoch: number } | null {
  const cow = mem.cow;
  if (cow === null) return null;
  syncLine(cow);
  return { pages: cow.linePages, before: cow.lineBefore, epoch: cow.epoch };
}

function page(mem: MemoryState, addr: number, create: boolean): Uint8Array | undefined {
  const n = Math.floor(addr / PAGE_SIZE);
  if (create) return writablePage(mem, n);
  return mem.pages.get(n);
}

/** Page `n`, ready to be written in place (created, copied off a checkpoint, its old bytes kept if watched). */
export function writablePage(mem: MemoryState, n: number): Uint8Array {
  const p = mem.pages.get(n);
  const cow = mem.cow;
  if (cow === null) {
    if (p !== undefined) return p;
    const fresh = newPage();
    mem.pages.set(n, fresh);
    return fresh;
  }
  if (p !== undefined && cow.owned.get(n) === cow.epoch) return p;
  return cowSlow(mem, cow, n, p);
}

function cowSlow(mem: MemoryState, cow: CowState, n: number, p: Uint8Array | undefined): Uint8Array {
  if (cow.lineEpoch !== cow.epoch) syncLine(cow);
  const w = cow.watch.get(n);
  if (w === undefined) {
    // Not owned in this epoch: the page's first write of the line (or the first since a checkpoint froze it).
    cow.owned.set(n, cow.epoch);
    cow.linePages.push(n);
  } else if (w.epoch !== cow.epoch) {
    // A watched page is never owned: every write comes here, and the first one of an epoch keeps
    // the old bytes and logs the page (the later ones of the epoch find it logged).
    keepBefore(w, p);
    w.epoch = cow.epoch;
    cow.linePages.push(n);
  }
  if (p !== undefined && cow.written.has(n)) return p; // already private since the last checkpoint
  const q = newPage();
  if (p) q.set(p);
  mem.pages.set(n, q);
  cow.written.add(n);
  cow.gen++;
  return q;
}

export function read8(mem: MemoryState, addr: number): number {
  const p = page(mem, addr, false);
  return p ? p[addr & PAGE_MASK] : 0;
}

export function write8(mem: MemoryState, addr: number, v: number): void {
  page(mem, addr, true)![addr & PAGE_MASK] = v & 0xff;
}

const slabWords = new WeakMap<ArrayBufferLike, Uint32Array>();

/**
 * True when the bytes at `addr` equal `bytes` (a page never written reads as zeros). Allocates
 * nothing after the first call per slab; compares 32-bit words when the range is aligned.
 */
export function sameBytes(mem: MemoryState, addr: number, bytes: Uint8Array): boolean {
  const len = bytes.length;
  if (((addr | len | bytes.byteOffset) & 3) === 0 && (addr & PAGE_MASK) + len <= PAGE_SIZE) {
    const p = mem.pages.get(Math.floor(addr / PAGE_SIZE));
    const mine = new Uint32Array(bytes.buffer, bytes.byteOffset, len >> 2);
    // From the end: a save-state map changes in its register fields, near the top.
    if (p === undefined) {
      for (let k = mine.length - 1; k >= 0; k--) if (mine[k] !== 0) return false;
      return true;
    }
    let w = slabWords.get(p.buffer);
    if (w === undefined) {
      w = new Uint32Array(p.buffer, 0, p.buffer.byteLength >> 2);
      slabWords.set(p.buffer, w);
    }
    const at = (p.byteOffset + (addr & PAGE_MASK)) >> 2;
    for (let k = mine.length - 1; k >= 0; k--) if (mine[k] !== w[at + k]) return false;
    return true;
  }
  let i = 0;
  while (i < len) {
    const a = addr + i;
    const off = a & PAGE_MASK;
    const n = Math.min(len - i, PAGE_SIZE - off);
    const p = mem.pages.get(Math.floor(a / PAGE_SIZE));
    if (p === undefined) {
      for (let k = 0; k < n; k++) if (bytes[i + k] !== 0) return false;
    } else {
      for (let k = 0; k < n; k++) if (bytes[i + k] !== p[off + k]) return false;
    }
    i += n;
  }
  return true;
}

export function readBytes(mem: MemoryState, addr: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let i = 0;
  while (i < len) {
    const a = addr + i;
    const off = a & PAGE_MASK;
    const n = Math.min(len - i, PAGE_SIZE - off);
    const p = page(mem, a, false);
    if (p) out.set(p.subarray(off, off + n), i);
    i += n;
  }
  return out;
}

export function writeBytes(mem: MemoryState, addr: number, data: Uint8Array): void {
  let i = 0;
  while (i < data.length) {
    const a = addr + i;
    const off = a & PAGE_MASK;
    const n = Math.min(data.length - i, PAGE_SIZE - off);
    page(mem, a, true)!.set(data.subarray(i, i + n), off);
    i += n;
  }
}

export function fill(mem: MemoryState, addr: number, len: number, v: number): void {
  let i = 0;
  while (i < len) {
    const a = addr + i;
    const off = a & PAGE_MASK;
    const n = Math.min(len - i, PAGE_SIZE - off);
    // An untouched page already reads 0; an existing one is written (made writable first).
    const p = v !== 0 || mem.pages.has(Math.floor(a / PAGE_SIZE)) ? page(mem, a, true) : undefined;
    if (p) p.fill(v & 0xff, off, off + n);
    i += n;
  }
}

/** CopyMem between two physical ranges (they must not overlap), page by page, without a temporary buffer. */
export function copyBytes(mem: MemoryState, dst: number, src: number, len: number): void {
  let i = 0;
  while (i < len) {
    const d = dst + i;
    const sa = src + i;
    const doff = d & PAGE_MASK;
    const soff = sa & PAGE_MASK;
    const n = Math.min(len - i, PAGE_SIZE - doff, PAGE_SIZE - soff);
    const sp = page(mem, sa, false);
    const dp = sp !== undefined || mem.pages.has(Math.floor(d / PAGE_SIZE)) ? page(mem, d, true) : undefined;
    if (dp) {
      if (sp) dp.set(sp.subarray(soff, soff + n), doff);
      else dp.fill(0, doff, doff + n);
    }
    i += n;
  }
}

/** Little-endian reads/writes; 64-bit values as (lo, hi) 32-bit halves or bigint. */
export function read32(mem: MemoryState, addr: number): number {
  const off = addr & PAGE_MASK;
  if (off <= PAGE_SIZE - 4) {
    const p = mem.pages.get(Math.floor(addr / PAGE_SIZE));
    return p ? (p[off] | (p[off + 1] << 8) | (p[off + 2] << 16) | (p[off + 3] << 24)) >>> 0 : 0;
  }
  return (read8(mem, addr) | (read8(mem, addr + 1) << 8) | (read8(mem, addr + 2) << 16) | (read8(mem, addr + 3) << 24)) >>> 0;
}

export function write32(mem: MemoryState, addr: number, v: number): void {
  const off = addr & PAGE_MASK;
  if (off <= PAGE_SIZE - 4) {
    const p = writablePage(mem, Math.floor(addr / PAGE_SIZE));
    p[off] = v & 0xff;
    p[off + 1] = (v >>> 8) & 0xff;
    p[off + 2] = (v >>> 16) & 0xff;
    p[off + 3] = (v >>> 24) & 0xff;
    return;
  }
  for (let i = 0; i < 4; i++) write8(mem, addr + i, (v >>> (8 * i)) & 0xff);
}

export function read64(mem: MemoryState, addr: number): bigint {
  return (BigInt(read32(mem, addr + 4)) << 32n) | BigInt(read32(mem, addr));
}

export function write64(mem: MemoryState, addr: number, v: bigint): void {
  write32(mem, addr, Number(v & 0xffffffffn));
  write32(mem, addr + 4, Number((v >> 32n) & 0xffffffffn));
}

/** What a read-only view of an untouched page shows (never written). */
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);

/**
 * The page that holds the `len` bytes at `addr` (they must lie inside one page, as save-state maps
 * do: SMBASE is page aligned and the map is SMBASE+0xFC00..+0xFFFF) and their offset in it.
 * `write`: the caller writes through the view (the page is made writable first); otherwise it only
 * reads, and must not keep the view past the next write to memory.
 */
export function pageView(mem: MemoryState, addr: number, len: number, write = true): { bytes: Uint8Array; base: number } {
  const off = addr & PAGE_MASK;
  if (off + len > PAGE_SIZE) throw new Error(`pageView: 0x${addr.toString(16)}+${len} crosses a page`);
  const n = Math.floor(addr / PAGE_SIZE);
  return { bytes: write ? writablePage(mem, n) : (mem.pages.get(n) ?? ZERO_PAGE), base: off };
}
