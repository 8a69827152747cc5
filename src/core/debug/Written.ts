/**
 * What the last console line wrote in memory, as the SMRAM picture shows it: which labelled
 * regions (save states at SMM entry, SMI_HANDLER records in the core's pool, a driver's data
 * pages) and whether the Communicate buffer was written. The memory barrier logs the pages each
 * line writes (machine/Memory `writtenThisLine`); this intersects them with the regions, so the
 * cost is per page written, not per write.
 *
 * Precision: a write anywhere in a page counts for every region on that page (the regions are
 * page-aligned allocations, except each CPU's entry stub, PSD and save state), with one exception:
 * on a page that holds a save-state map (and the PSD below it) only the map counts, as the map is
 * the one thing on it an SMI writes (the PSD is written once, when PiSmmCpuDxeSmm installs it). A page a `back` restore put back is not
 * written by anyone: there the bytes before and after the line are compared over each region, so
 * `back` marks what it changed.
 */

import { PAGE_SIZE, syncLine, writtenThisLine } from '../machine/Memory';
import type { MemoryState } from '../machine/Memory';
import type { SmramRegion, SmramRegionKind } from '../pi/SmramMap';

/** Regions that only contain others (TSEG, a CPU's SMBASE window below TSEG): never flagged themselves. */
const CONTAINER: ReadonlySet<SmramRegionKind> = new Set(['tseg', 'default-smbase', 'smbase', 'free']);

/** What a write to one page means for the regions on it. */
interface PageRegions {
  /** Every region with bytes on the page (compared byte by byte when the page's old array is known). */
  all: number[];
  /** The regions a write to the page marks: all of them, or on a save-state page only the map(s). */
  marked: number[];
}

/** Page number -> its regions; built once per regions array and version. */
interface PageIndex {
  regions: readonly SmramRegion[];
  version: number;
  byPage: Map<number, PageRegions>;
  /** The same for pages lo .. lo + dense.length - 1 as an array (a lookup per written page is an index, not a hash). */
  lo: number;
  dense: (PageRegions | undefined)[];
  /** One mark per region, all zero between uses. */
  marks: Uint8Array;
}

const INDEXES = new WeakMap<readonly SmramRegion[], PageIndex>();

function pageIndex(regions: readonly SmramRegion[], version: number): PageIndex {
  const known = INDEXES.get(regions);
  if (known !== undefined && known.version === version) return known;
  const byPage = new Map<number, PageRegions>();
  for (let r = 0; r < regions.length; r++) {
    const g = regions[r];
    if (CONTAINER.has(g.kind) || g.size <= 0) continue;
    const last = Math.floor((g.base + g.size - 1) / PAGE_SIZE);
    for (let n = Math.floor(g.base / PAGE_SIZE); n <= last; n++) {
      const e = byPage.get(n);
      if (e) e.all.push(r);
      else byPage.set(n, { all: [r], marked: [] });
    }
  }
  for (const e of byPage.values()) {
    const maps = e.all.filter((r) => regions[r].kind === 'save-state');
    e.marked = maps.length > 0 ? maps : e.all;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const n of byPage.keys()) {
    lo = Math.min(lo, n);
    hi = Math.max(hi, n);
  }
  const dense: (PageRegions | undefined)[] = [];
  if (hi >= lo && hi - lo < 1 << 16) {
    for (let n = lo; n <= hi; n++) dense.push(byPage.get(n));
  } else lo = 0;
  const index = { regions, version, byPage, lo, dense, marks: new Uint8Array(regions.length) };
  INDEXES.set(regions, index);
  return index;
}

/** True when bytes [base, base + size) on page `n` differ between `before` (null: all zero) and now. */
function differs(mem: MemoryState, n: number, before: Uint8Array | null, base: number, size: number): boolean {
  const now = mem.pages.get(n);
  if (now === before) return false;
  const start = n * PAGE_SIZE;
  const lo = Math.max(base, start) - start;
  const hi = Math.min(base + size, start + PAGE_SIZE) - start;
  for (let i = lo; i < hi; i++) if ((now === undefined ? 0 : now[i]) !== (before === null ? 0 : before[i])) return true;
  return false;
}

/**
 * The last answer and the pages it was computed from: the next line usually writes the same pages
 * (each SMI writes every CPU's save-state map), and then the answer is the same array again.
 */
const lastAnswer = { pages: [] as number[], before: 0, index: null as PageIndex | null, out: [] as number[] };

function samePages(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const NONE: number[] = [];

/** Indexes into `regions` (the machine's smramRegions) of the regions the current / last console line wrote, ascending. */
export function writtenRegions(mem: MemoryState, regions: readonly SmramRegion[], version: number): number[] {
  const cow = mem.cow;
  if (cow === null) return NONE;
  syncLine(cow);
  const pages = cow.linePages;
  if (pages.length === 0) return NONE;
  const a = lastAnswer;
  const idx = a.index;
  // (A restore's old arrays make byte comparisons: never reused.)
  if (idx !== null && idx.regions === regions && idx.version === version && cow.lineBefore.size === 0 && a.before === 0 && samePages(a.pages, pages)) return a.out;
  const index = pageIndex(regions, version);
  const { byPage, marks, dense, lo } = index;
  const before = cow.lineBefore;
  let hits = 0;
  for (let k = 0; k < pages.length; k++) {
    const n = pages[k];
    const d = n - lo;
    const e = d >= 0 && d < dense.length ? dense[d] : dense.length === 0 ? byPage.get(n) : undefined;
    if (e === undefined) continue;
    const old = before.size === 0 ? undefined : before.get(n);
    if (old === undefined) {
      const marked = e.marked;
      for (let j = 0; j < marked.length; j++) {
        const r = marked[j];
        if (marks[r] === 0) {
          marks[r] = 1;
          hits++;
        }
      }
    } else {
      for (const r of e.all) if (marks[r] === 0 && differs(mem, n, old, regions[r].base, regions[r].size)) {
        marks[r] = 1;
        hits++;
      }
    }
  }
  const out: number[] = new Array(hits);
  for (let r = 0, k = 0; k < hits; r++) {
    if (marks[r] === 0) continue;
    marks[r] = 0;
    out[k++] = r;
  }
  a.pages.length = 0;
  for (const n of pages) a.pages.push(n);
  a.before = cow.lineBefore.size;
  a.index = index;
  a.out = out;
  return out;
}

/** Whether the current / last console line wrote any byte of [base, base + size) (e.g. the Communicate buffer). */
export function rangeWritten(mem: MemoryState, base: number, size: number): boolean {
  const log = writtenThisLine(mem);
  if (log === null || log.pages.length === 0 || size <= 0) return false;
  const last = Math.floor((base + size - 1) / PAGE_SIZE);
  for (let n = Math.floor(base / PAGE_SIZE); n <= last; n++) {
    if (!log.pages.includes(n)) continue;
    const old = log.before.get(n);
    if (old === undefined || differs(mem, n, old, base, size)) return true;
  }
  return false;
}
