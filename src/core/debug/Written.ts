/**
 * What the last console line wrote in memory, as the SMRAM picture shows it: which labelled
 * regions (save states at SMM entry, SMI_HANDLER records in the core's pool, a driver's data
 * pages) and whether the Communicate buffer was written. The memory barrier logs the pages each
 * line writes (machine/Memory `writtenThisLine`); this intersects them with the regions, so the
 * cost is per page written, not per write.
 *
 * Precision: a write anywhere in a page counts for every region on that page (the regions are
 * page-aligned allocations, except each CPU's entry stub, PSD and save state), with one exception:
 * on a page the debugger watches (a save-state map's, which also holds the PSD) only the map
 * counts, as the map is the one thing on it an SMI writes. A page a `back` restore put back is not
 * written by anyone: there the bytes before and after the line are compared over each region, so
 * `back` marks what it changed.
 */

import { PAGE_SIZE, writtenThisLine } from '../machine/Memory';
import type { MemoryState } from '../machine/Memory';
import type { SmramRegion, SmramRegionKind } from '../pi/SmramMap';

/** Regions that only contain others (TSEG, a CPU's SMBASE window below TSEG): never flagged themselves. */
const CONTAINER: ReadonlySet<SmramRegionKind> = new Set(['tseg', 'default-smbase', 'smbase', 'free']);

/** Page number -> indexes of the regions on that page; built once per regions array and version. */
interface PageIndex {
  regions: readonly SmramRegion[];
  version: number;
  byPage: Map<number, number[]>;
}

let lastIndex: PageIndex | null = null;

function pageIndex(regions: readonly SmramRegion[], version: number): Map<number, number[]> {
  if (lastIndex !== null && lastIndex.regions === regions && lastIndex.version === version) return lastIndex.byPage;
  const byPage = new Map<number, number[]>();
  for (let r = 0; r < regions.length; r++) {
    const g = regions[r];
    if (CONTAINER.has(g.kind) || g.size <= 0) continue;
    const last = Math.floor((g.base + g.size - 1) / PAGE_SIZE);
    for (let n = Math.floor(g.base / PAGE_SIZE); n <= last; n++) {
      const list = byPage.get(n);
      if (list) list.push(r);
      else byPage.set(n, [r]);
    }
  }
  lastIndex = { regions, version, byPage };
  return byPage;
}

/** True when bytes [lo, hi) of page `n` differ between `before` (null: all zero) and now. */
function differs(mem: MemoryState, n: number, before: Uint8Array | null, lo: number, hi: number): boolean {
  const now = mem.pages.get(n);
  if (now === before) return false;
  for (let i = lo; i < hi; i++) if ((now === undefined ? 0 : now[i]) !== (before === null ? 0 : before[i])) return true;
  return false;
}

/** Does the line's write log say that bytes [base, base + size) were written (on page `n`)? */
function writtenOnPage(mem: MemoryState, n: number, base: number, size: number, before: ReadonlyMap<number, Uint8Array | null>): boolean {
  const start = n * PAGE_SIZE;
  const lo = Math.max(base, start) - start;
  const hi = Math.min(base + size, start + PAGE_SIZE) - start;
  if (hi <= lo) return false;
  const old = before.get(n);
  if (old !== undefined) return differs(mem, n, old, lo, hi);
  const w = mem.cow?.watch.get(n);
  if (w !== undefined) return lo < w.off + w.before.length && w.off < hi;
  return true;
}

/** Indexes into `regions` (the machine's smramRegions) of the regions the current / last console line wrote, ascending. */
export function writtenRegions(mem: MemoryState, regions: readonly SmramRegion[], version: number): number[] {
  const log = writtenThisLine(mem);
  if (log === null || log.pages.size === 0) return [];
  const byPage = pageIndex(regions, version);
  const hit = new Set<number>();
  for (const n of log.pages) {
    const rs = byPage.get(n);
    if (rs === undefined) continue;
    for (const r of rs) {
      if (hit.has(r)) continue;
      const g = regions[r];
      if (writtenOnPage(mem, n, g.base, g.size, log.before)) hit.add(r);
    }
  }
  return [...hit].sort((a, b) => a - b);
}

/** Whether the current / last console line wrote any byte of [base, base + size) (e.g. the Communicate buffer). */
export function rangeWritten(mem: MemoryState, base: number, size: number): boolean {
  const log = writtenThisLine(mem);
  if (log === null || log.pages.size === 0 || size <= 0) return false;
  const last = Math.floor((base + size - 1) / PAGE_SIZE);
  for (let n = Math.floor(base / PAGE_SIZE); n <= last; n++) {
    if (log.pages.has(n) && writtenOnPage(mem, n, base, size, log.before)) return true;
  }
  return false;
}
