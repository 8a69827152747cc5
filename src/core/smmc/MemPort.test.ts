/**
 * The memory port remembers page arrays between accesses; the runtime asks it to refresh after
 * every firmware service C called (smm-c-facts §5.1: C locals are bytes on the SMM stack, so a
 * stale page would lose a write or hide one). It forgets them exactly when the copy-on-write
 * barrier says a page array may have been replaced or made shared.
 */
import { describe, expect, it } from 'vitest';
import { createCow, createMemory, read32, touchCow, write32 } from '../machine/Memory';
import { MemPort } from './MemPort';

function setup() {
  const mem = createMemory();
  mem.cow = createCow();
  const port = new MemPort();
  port.bind(mem, 0, 2 ** 40, () => null);
  return { mem, cow: mem.cow, port };
}

/** What a checkpoint does to the barrier (debug/Checkpoint freezePages): every page becomes shared. */
function freeze(cow: ReturnType<typeof createCow>): void {
  cow.written.clear();
  cow.owned.clear();
  touchCow(cow);
}

describe('MemPort page memory across firmware calls (smm-c-facts §5.1)', () => {
  it('§5.1 after a checkpoint, a C write copies the page: the checkpoint keeps the old bytes, C reads its own', () => {
    const { mem, cow, port } = setup();
    port.w32(0x1000, 0x11111111);
    const shared = mem.pages.get(1)!;
    freeze(cow); // the debugger checkpoints while C waits for a service
    port.refresh();
    port.w32(0x1000, 0x22222222);
    expect(mem.pages.get(1)).not.toBe(shared);
    expect(shared[0]).toBe(0x11);
    expect(port.r32(0x1000)).toBe(0x22222222);
    expect(read32(mem, 0x1000)).toBe(0x22222222);
  });

  it('§5.1 a page a service copied through machine/Memory is read anew after refresh', () => {
    const { mem, cow, port } = setup();
    port.w32(0x2000, 1);
    expect(port.r32(0x2000)).toBe(1);
    freeze(cow);
    write32(mem, 0x2000, 7); // the copy-on-write copy replaces the array the port remembered
    port.refresh();
    expect(port.r32(0x2000)).toBe(7);
  });

  it('§5.1 while the barrier has not moved, refresh keeps the remembered pages (no lookup per firmware call)', () => {
    const { mem, port } = setup();
    port.w32(0x3000, 5);
    const kept = mem.pages.get(3)!;
    // Not something the model does (every replacement moves the barrier): shows the page is remembered.
    mem.pages.set(3, new Uint8Array(4096));
    port.refresh();
    expect(port.r32(0x3000)).toBe(5);
    port.flush();
    expect(port.r32(0x3000)).toBe(0);
    mem.pages.set(3, kept);
  });

  it('§5.1 a copy the port makes itself does not make it forget its other pages', () => {
    const { mem, cow, port } = setup();
    port.w32(0x4000, 1);
    port.w32(0x5000, 2);
    freeze(cow);
    port.refresh();
    expect(port.r32(0x4000)).toBe(1);
    port.w32(0x5000, 3); // copies page 5 and moves the barrier
    const seen = mem.pages.get(4)!;
    mem.pages.set(4, new Uint8Array(4096)); // (as above: only to show what is remembered)
    port.refresh();
    expect(port.r32(0x4000)).toBe(1);
    mem.pages.set(4, seen);
    expect(port.r32(0x5000)).toBe(3);
  });

  it('§5.1 a new barrier (a history starts) makes the port forget its pages', () => {
    const mem = createMemory();
    const port = new MemPort();
    port.bind(mem, 0, 2 ** 40, () => null);
    port.w32(0x6000, 9);
    const page = mem.pages.get(6)!;
    mem.cow = createCow(); // debug/Checkpoint baseCheckpoint: every page is shared from now on
    port.refresh();
    port.w32(0x6000, 10);
    expect(page[0]).toBe(9);
    expect(port.r32(0x6000)).toBe(10);
  });

  it('§1.1 a UINT64 (number or BigInt) at every offset around a page end reads back exactly, little endian', () => {
    const { mem, port } = setup();
    const values = [0, 1, 0x12345678, 0x1_0000_0000, 2 ** 53 - 1, 0x8000000000000000n, 0xffffffffffffffffn, 0x123456789abcdef0n];
    for (let off = 0xff0; off <= 0x1000; off++) {
      for (const v of values) {
        const a = 0x7000 + off;
        port.w64(a, v);
        const want = typeof v === 'number' ? v : v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
        expect(port.r64(a)).toBe(want);
        const b = BigInt(v);
        for (let i = 0; i < 8; i++) expect(read32(mem, a + i) & 0xff).toBe(Number((b >> BigInt(8 * i)) & 0xffn));
        port.rawSet64(a, 0);
        expect(port.r64(a)).toBe(0);
      }
    }
  });
});
