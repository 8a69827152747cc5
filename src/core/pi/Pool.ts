/**
 * PiSmmCore's pool as Pool.c builds it (smm-c-facts §5.2), for the allocations SMM drivers make
 * through gSmst->SmmAllocatePool / SmmFreePool: a POOL_HEADER (Signature 'sphd', Available, Type,
 * Size) before every block and a POOL_TAIL ('sptl', Size) at its end, bins of 64..2048 bytes per
 * memory type, filled by halving a page (the lower half to the bin, the upper half handed down),
 * LIFO free lists, requests above 2048 - 40 bytes in whole pages. The model's own TypeScript
 * drivers keep their records in pi/SmramAlloc's pool; C modules share these bins with each other.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import { read32, read8, write32, write8 } from '../machine/Memory';
import { type Machine } from './Platform';
import { smmAllocatePages } from './SmramAlloc';

export const POOL_HEADER_SIGNATURE = 0x64687073; // SIGNATURE_32('s','p','h','d')
export const POOL_TAIL_SIGNATURE = 0x6c747073; // SIGNATURE_32('s','p','t','l')
export const POOL_HEADER_SIZE = 24;
export const POOL_TAIL_SIZE = 16;
export const POOL_OVERHEAD = POOL_HEADER_SIZE + POOL_TAIL_SIZE;
const MIN_POOL_SHIFT = 6;
const MAX_POOL_INDEX = 5; // bins 64, 128, 256, 512, 1024, 2048 (MAX_POOL_SHIFT = EFI_PAGE_SHIFT - 1)
export const MAX_POOL_SIZE = 1 << (MIN_POOL_SHIFT + MAX_POOL_INDEX);
const PAGE = 0x1000;
const EfiRuntimeServicesCode = 5;
const EfiRuntimeServicesData = 6;

/** The free lists: [0] code, [1] data, each a LIFO list of block addresses per bin (plain data). */
export interface PoolState {
  free: number[][][];
}

function poolOf(m: Machine): PoolState {
  return (m.s.smm.pool ??= { free: [[[], [], [], [], [], []], [[], [], [], [], [], []]] });
}

function writeU64(m: Machine, a: number, v: number): void {
  write32(m.s.mem, a, v >>> 0);
  write32(m.s.mem, a + 4, Math.floor(v / 0x100000000) >>> 0);
}

function readU64(m: Machine, a: number): number {
  return read32(m.s.mem, a) + read32(m.s.mem, a + 4) * 0x100000000;
}

/** Marks block `b` (of `size` bytes, pool type `type`) as handed out: header and tail. */
function stamp(m: Machine, b: number, size: number, type: number): void {
  write32(m.s.mem, b, POOL_HEADER_SIGNATURE);
  write8(m.s.mem, b + 4, 0); // Available = FALSE
  write32(m.s.mem, b + 8, type);
  writeU64(m, b + 16, size);
  const t = b + size - POOL_TAIL_SIZE;
  write32(m.s.mem, t, POOL_TAIL_SIGNATURE);
  writeU64(m, t + 8, size);
}

/** InternalAllocPoolByIndex: a block of bin `i` (64 << i bytes), splitting larger ones; null when SMRAM is full. */
function blockOfBin(m: Machine, list: number[][], i: number): number | null {
  const bin = list[i];
  if (bin.length > 0) return bin.pop()!; // GetFirstNode of a list InsertHeadList filled: LIFO
  let whole: number | null;
  let wholeSize: number;
  if (i === MAX_POOL_INDEX) {
    whole = smmAllocatePages(m, PAGE, 'SMM pool page (PiSmmCore Pool.c bins: POOL_HEADER blocks of 64..2048 bytes)', 'core-data');
    wholeSize = PAGE;
  } else {
    whole = blockOfBin(m, list, i + 1);
    wholeSize = 2 << (MIN_POOL_SHIFT + i);
  }
  if (whole === null) return null;
  const half = wholeSize / 2;
  bin.push(whole); // the lower half waits in this bin
  return whole + half; // the upper half goes down
}

/** SmmInternalAllocatePool: the buffer (block + 24) or a status. */
export function smmPoolAllocate(m: Machine, type: number, size: number): { buffer: number } | { status: EfiStatus } {
  if (type !== EfiRuntimeServicesCode && type !== EfiRuntimeServicesData) return { status: 'EFI_INVALID_PARAMETER' };
  const total = size + POOL_OVERHEAD;
  if (total > MAX_POOL_SIZE) {
    const pages = Math.ceil(total / PAGE);
    const base = pages > 0x100000 ? null : smmAllocatePages(m, pages * PAGE, `SMM pool: ${pages} page(s) for ${size} bytes (Pool.c: above MAX_POOL_SIZE)`, 'core-data');
    if (base === null) return { status: 'EFI_OUT_OF_RESOURCES' };
    stamp(m, base, pages * PAGE, type);
    return { buffer: base + POOL_HEADER_SIZE };
  }
  let i = 0;
  while (64 << i < total) i++;
  const list = poolOf(m).free[type === EfiRuntimeServicesCode ? 0 : 1];
  const b = blockOfBin(m, list, i);
  if (b === null) return { status: 'EFI_OUT_OF_RESOURCES' };
  stamp(m, b, 64 << i, type);
  return { buffer: b + POOL_HEADER_SIZE };
}

/**
 * SmmInternalFreePool: NULL is EFI_INVALID_PARAMETER; a block whose header is not a live 'sphd'
 * (freed already, or never the pool's) is the ASSERT of Pool.c (what it prints is the caller's
 * business: `bad`).
 */
export function smmPoolFree(m: Machine, buffer: number): { status: EfiStatus } | { bad: 'signature' | 'available' } {
  if (buffer === 0) return { status: 'EFI_INVALID_PARAMETER' };
  const b = buffer - POOL_HEADER_SIZE;
  if (read32(m.s.mem, b) !== POOL_HEADER_SIGNATURE) return { bad: 'signature' };
  if (read8(m.s.mem, b + 4) !== 0) return { bad: 'available' };
  const size = readU64(m, b + 16);
  const type = read32(m.s.mem, b + 8);
  // A freed header: Signature 0, Available TRUE (what makes a second free ASSERT).
  write32(m.s.mem, b, 0);
  write8(m.s.mem, b + 4, 1);
  if (size > MAX_POOL_SIZE) return { status: 'EFI_SUCCESS' }; // whole pages: the model's page allocator does not take pages back
  let i = 0;
  while (64 << i < size) i++;
  poolOf(m).free[type === EfiRuntimeServicesCode ? 0 : 1][i].push(b);
  return { status: 'EFI_SUCCESS' };
}

/** The line Pool.c's ASSERT prints for a double free (HEAD line number, smm-c-facts §5.2). */
export const DOUBLE_FREE_ASSERT = { file: 'Pool.c', line: 390, expr: "FreePoolHdr->Header.Signature == ((('s') | ('p' << 8)) | ((('h') | ('d' << 8)) << 16))" };
/** The next line of SmmInternalFreePool: a block whose header says it is free already. */
export const AVAILABLE_ASSERT = { file: 'Pool.c', line: 391, expr: '!FreePoolHdr->Header.Available' };
