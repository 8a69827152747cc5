/**
 * Physical memory as 4 KiB pages allocated on first write (reads of untouched memory return 0).
 * Plain data: a Map of page number -> bytes, so a snapshot is structuredClone(state.mem).
 */

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_SIZE - 1;

export interface MemoryState {
  pages: Map<number, Uint8Array>;
}

export function createMemory(): MemoryState {
  return { pages: new Map() };
}

function page(mem: MemoryState, addr: number, create: boolean): Uint8Array | undefined {
  const n = Math.floor(addr / PAGE_SIZE);
  let p = mem.pages.get(n);
  if (!p && create) {
    p = new Uint8Array(PAGE_SIZE);
    mem.pages.set(n, p);
  }
  return p;
}

export function read8(mem: MemoryState, addr: number): number {
  const p = page(mem, addr, false);
  return p ? p[addr & PAGE_MASK] : 0;
}

export function write8(mem: MemoryState, addr: number, v: number): void {
  page(mem, addr, true)![addr & PAGE_MASK] = v & 0xff;
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
    const p = page(mem, a, v !== 0);
    if (p) p.fill(v & 0xff, off, off + n); // an untouched page already reads 0
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
    const dp = page(mem, d, sp !== undefined);
    if (dp) {
      if (sp) dp.set(sp.subarray(soff, soff + n), doff);
      else dp.fill(0, doff, doff + n);
    }
    i += n;
  }
}

/** Little-endian reads/writes; 64-bit values as (lo, hi) 32-bit halves or bigint. */
export function read32(mem: MemoryState, addr: number): number {
  return (read8(mem, addr) | (read8(mem, addr + 1) << 8) | (read8(mem, addr + 2) << 16) | (read8(mem, addr + 3) << 24)) >>> 0;
}

export function write32(mem: MemoryState, addr: number, v: number): void {
  for (let i = 0; i < 4; i++) write8(mem, addr + i, (v >>> (8 * i)) & 0xff);
}

export function read64(mem: MemoryState, addr: number): bigint {
  return (BigInt(read32(mem, addr + 4)) << 32n) | BigInt(read32(mem, addr));
}

export function write64(mem: MemoryState, addr: number, v: bigint): void {
  write32(mem, addr, Number(v & 0xffffffffn));
  write32(mem, addr + 4, Number((v >> 32n) & 0xffffffffn));
}

/**
 * A view of `len` bytes at `addr` that lies inside one page (save-state maps do: SMBASE is
 * page aligned and the map is SMBASE+0xFC00..+0xFFFF). Writes go straight to memory.
 */
export function pageView(mem: MemoryState, addr: number, len: number): { bytes: Uint8Array; base: number } {
  const off = addr & PAGE_MASK;
  if (off + len > PAGE_SIZE) throw new Error(`pageView: 0x${addr.toString(16)}+${len} crosses a page`);
  return { bytes: page(mem, addr, true)!, base: off };
}
