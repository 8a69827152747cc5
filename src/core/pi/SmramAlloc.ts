/**
 * SMRAM allocation: pages top-down from the end of TSEG (as the SMM core's page allocator hands
 * out the highest free pages), and a small pool for the core's own records.
 */

import type { SmramRegionKind } from './SmramMap';
import { addRegion, type Machine } from './Platform';
import { PAGE_SIZE } from '../machine/Memory';

export function smmAllocatePages(m: Machine, bytes: number, label: string | null, kind: SmramRegionKind = 'core-data'): number | null {
  const smm = m.s.smm;
  const size = Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
  if (smm.allocTop - size < smm.allocBottom) return null; // EFI_OUT_OF_RESOURCES
  smm.allocTop -= size;
  if (label !== null) addRegion(m, { base: smm.allocTop, size, kind, label });
  return smm.allocTop;
}

/** Pool allocation from the core-data pages (8-byte aligned); null when the pool is exhausted. */
export function smmAllocatePool(m: Machine, bytes: number): number | null {
  const smm = m.s.smm;
  const size = (bytes + 7) & ~7;
  if (smm.poolNext + size > smm.poolEnd) {
    const more = smmAllocatePages(m, 4 * PAGE_SIZE, 'SMM core pool', 'core-data');
    if (more === null) return null;
    smm.poolNext = more;
    smm.poolEnd = more + 4 * PAGE_SIZE;
  }
  const a = smm.poolNext;
  smm.poolNext += size;
  return a;
}
