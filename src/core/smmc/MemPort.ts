/**
 * How compiled C reads and writes the emulated machine's physical memory: the bytes live in
 * machine/Memory (so the SMRAM panel shows a C local the moment it is written), and every access
 * outside the fast range (SMRAM, where the code, the stacks and the pool live) asks the firmware's
 * access policy, which is how a NULL write faults once SMM is locked (smm-c-facts §4.5).
 *
 * One port serves all compiled code; the runtime binds it to the machine that runs before each
 * slice of C, so compiled closures never hold a machine.
 */

import { type CowState, type MemoryState, PAGE_SIZE, writablePage } from '../machine/Memory';
import type { Val } from './Ast';
import { hi32, join64, lo32, TWO32 } from './Values';

export type AccessKind = 'read' | 'write' | 'fetch';

/** A CPU exception raised by C code: #DE (0), #UD (6), #GP (13), #PF (14); the runtime stops that CPU with it. */
export interface FaultInfo {
  vector: number;
  /** #PF: the faulting address (CR2); #GP: the non-canonical address, if any. */
  address: Val;
  access: AccessKind;
  /** A line the firmware's handler prints on the debug port before the dump (e.g. "Access SMM communication forbidden address (0x0)!"). */
  message: string | null;
}

export class CFault extends Error {
  constructor(readonly info: FaultInfo) {
    super(`CPU exception ${info.vector}`);
  }
}

/** The firmware's answer for an access outside the fast range: null = allowed, or the fault. */
export type AccessPolicy = (addr: number, len: number, access: AccessKind) => FaultInfo | null;

const CANONICAL_LIMIT = 2 ** 47;
const TWO21 = 2 ** 21;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class MemPort {
  mem: MemoryState = { pages: new Map(), cow: null };
  /** Accesses inside [lo, hi) need no policy check. */
  lo = 0;
  hi = 0;
  policy: AccessPolicy = () => null;

  /**
   * One page for reads and one for writes, remembered between accesses (a C function's locals sit
   * on one or two stack pages). Valid only while nobody else touches the page map: bind() and
   * flush() forget them, and the runtime calls bind() before every slice of C.
   */
  private rPn = -1;
  private rPage: Uint8Array | undefined = undefined;
  /**
   * Three more remembered read pages, most recent first (a handler reads its stack, its globals,
   * the SMST and a protocol's interface in turn: PchSmiDispatcher's loop over the CPUs touches four).
   */
  private r2Pn = -1;
  private r2Page: Uint8Array | undefined = undefined;
  private r3Pn = -1;
  private r3Page: Uint8Array | undefined = undefined;
  private r4Pn = -1;
  private r4Page: Uint8Array | undefined = undefined;
  private wPn = -1;
  private wPage: Uint8Array | undefined = undefined;
  /** The memory's copy-on-write barrier and its generation when the pages above were remembered (refresh). */
  private cowSeen: CowState | null = null;
  private genSeen = 0;

  bind(mem: MemoryState, lo: number, hi: number, policy: AccessPolicy): void {
    this.mem = mem;
    this.lo = lo;
    this.hi = hi;
    this.policy = policy;
    this.flush();
  }

  /** Forgets the remembered pages (someone else may have replaced them). */
  flush(): void {
    this.rPn = -1;
    this.rPage = undefined;
    this.r2Pn = -1;
    this.r2Page = undefined;
    this.r3Pn = -1;
    this.r3Page = undefined;
    this.r4Pn = -1;
    this.r4Page = undefined;
    this.wPn = -1;
    this.wPage = undefined;
    const cow = this.mem.cow;
    this.cowSeen = cow;
    this.genSeen = cow === null ? 0 : cow.gen;
  }

  /**
   * Forgets the remembered pages only if they may be stale: the barrier moved on (machine/Memory
   * CowState.gen: a page was copied or replaced, a checkpoint or a new console line made pages
   * shared again) or came or went. Without a barrier nothing ever replaces a page's array.
   */
  refresh(): void {
    const cow = this.mem.cow;
    if (cow !== this.cowSeen || (cow !== null && cow.gen !== this.genSeen)) this.flush();
  }

  /** The address as a number, after the checks an access of `len` bytes needs; throws CFault. */
  check(a: Val, len: number, access: AccessKind): number {
    if (typeof a === 'number' && a >= this.lo && a + len <= this.hi) return a;
    if (typeof a !== 'number' || a < 0) {
      // Above 2^53 (or a negative signed pointer): non-canonical unless the top 17 bits are all ones.
      const b = BigInt.asUintN(64, BigInt(a));
      const top = b >> 47n;
      throw new CFault({ vector: top === 0n || top === 0x1ffffn ? 14 : 13, address: a, access, message: null });
    }
    if (a >= CANONICAL_LIMIT) throw new CFault({ vector: 13, address: a, access, message: null });
    const f = this.policy(a, len, access);
    if (f) throw new CFault(f);
    return a;
  }

  private page(a: number): Uint8Array | undefined {
    const pn = a < TWO32 ? a >>> 12 : Math.floor(a / PAGE_SIZE);
    if (pn === this.rPn) return this.rPage;
    if (pn === this.wPn) return this.wPage;
    if (pn === this.r2Pn) return this.r2Page;
    if (pn === this.r3Pn) return this.r3Page;
    if (pn === this.r4Pn) return this.r4Page;
    const p = this.mem.pages.get(pn);
    if (p !== undefined) {
      this.r4Pn = this.r3Pn;
      this.r4Page = this.r3Page;
      this.r3Pn = this.r2Pn;
      this.r3Page = this.r2Page;
      this.r2Pn = this.rPn;
      this.r2Page = this.rPage;
      this.rPn = pn;
      this.rPage = p;
    }
    return p;
  }

  private wpage(a: number): Uint8Array {
    const pn = a < TWO32 ? a >>> 12 : Math.floor(a / PAGE_SIZE);
    if (pn === this.wPn) return this.wPage!;
    // A copy made here replaces only this page, which is remembered below: if nothing else had
    // moved the barrier, the other remembered pages are still current.
    const cow = this.mem.cow;
    const was = cow === null ? 0 : cow.gen;
    const p = writablePage(this.mem, pn);
    if (cow !== null && was === this.genSeen && cow === this.cowSeen) this.genSeen = cow.gen;
    this.wPn = pn;
    this.wPage = p;
    if (pn === this.rPn) this.rPage = p;
    if (pn === this.r2Pn) this.r2Page = p;
    if (pn === this.r3Pn) this.r3Page = p;
    if (pn === this.r4Pn) this.r4Page = p;
    return p;
  }

  r8(addr: Val): number {
    const a = this.check(addr, 1, 'read');
    const p = this.page(a);
    return p === undefined ? 0 : p[a & 0xfff];
  }

  r16(addr: Val): number {
    const a = this.check(addr, 2, 'read');
    const o = a & 0xfff;
    if (o > 0xffe) return this.rawByte(a) | (this.rawByte(a + 1) << 8);
    const p = this.page(a);
    return p === undefined ? 0 : p[o] | (p[o + 1] << 8);
  }

  r32(addr: Val): number {
    const a = this.check(addr, 4, 'read');
    return this.raw32(a);
  }

  r64(addr: Val): Val {
    const a = this.check(addr, 8, 'read');
    const o = a & 0xfff;
    if (o <= 0xff8) {
      // Both halves in one page (a UINTN local, a pointer in a struct): one page lookup.
      const p = this.page(a);
      if (p === undefined) return 0;
      const lo = (p[o] | (p[o + 1] << 8) | (p[o + 2] << 16) | (p[o + 3] << 24)) >>> 0;
      const hi = (p[o + 4] | (p[o + 5] << 8) | (p[o + 6] << 16) | (p[o + 7] << 24)) >>> 0;
      return hi < TWO21 ? hi * TWO32 + lo : join64(hi, lo);
    }
    return join64(this.raw32(a + 4), this.raw32(a));
  }

  w8(addr: Val, v: number): void {
    const a = this.check(addr, 1, 'write');
    this.wpage(a)[a & 0xfff] = v;
  }

  w16(addr: Val, v: number): void {
    const a = this.check(addr, 2, 'write');
    const o = a & 0xfff;
    if (o > 0xffe) {
      this.rawSet(a, v & 0xff);
      this.rawSet(a + 1, (v >>> 8) & 0xff);
      return;
    }
    const p = this.wpage(a);
    p[o] = v;
    p[o + 1] = v >>> 8;
  }

  w32(addr: Val, v: number): void {
    const a = this.check(addr, 4, 'write');
    this.raw32set(a, v);
  }

  w64(addr: Val, v: Val): void {
    this.rawSet64(this.check(addr, 8, 'write'), v);
  }

  /** Copies `len` bytes (memmove semantics), both ranges checked. */
  copy(dst: Val, src: Val, len: number): void {
    if (len <= 0) return;
    const d = this.check(dst, len, 'write');
    const s = this.check(src, len, 'read');
    const tmp = new Uint8Array(len);
    for (let i = 0; i < len; i++) tmp[i] = this.rawByte(s + i);
    for (let i = 0; i < len; i++) this.rawSet(d + i, tmp[i]);
  }

  fill(dst: Val, len: number, v: number): void {
    if (len <= 0) return;
    const d = this.check(dst, len, 'write');
    for (let i = 0; i < len; i++) this.rawSet(d + i, v);
  }

  /** Bytes for the debugger and the runtime (no checks: the debugger reads what it likes). */
  peek(a: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) out[i] = this.rawByte(a + i);
    return out;
  }

  rawByte(a: number): number {
    const p = this.page(a);
    return p === undefined ? 0 : p[a & 0xfff];
  }

  /** Writes a UINTN without the access checks (the loader and the firmware write their own frames). */
  rawSet64(a: number, v: Val): void {
    let lo: number;
    let hi: number;
    if (typeof v === 'number' && v >= 0 && v <= MAX_SAFE) {
      lo = v >>> 0;
      hi = (v - lo) / TWO32;
    } else {
      lo = lo32(v);
      hi = hi32(v);
    }
    const o = a & 0xfff;
    if (o > 0xff8) {
      this.raw32set(a, lo);
      this.raw32set(a + 4, hi);
      return;
    }
    // Both halves in one page (the frame's return address and saved RBP, a UINTN local): one page lookup.
    const p = this.wpage(a);
    p[o] = lo;
    p[o + 1] = lo >>> 8;
    p[o + 2] = lo >>> 16;
    p[o + 3] = lo >>> 24;
    p[o + 4] = hi;
    p[o + 5] = hi >>> 8;
    p[o + 6] = hi >>> 16;
    p[o + 7] = hi >>> 24;
  }

  rawSet(a: number, v: number): void {
    this.wpage(a)[a & 0xfff] = v;
  }

  private raw32(a: number): number {
    const o = a & 0xfff;
    if (o > 0xffc) return (this.rawByte(a) | (this.rawByte(a + 1) << 8) | (this.rawByte(a + 2) << 16) | (this.rawByte(a + 3) << 24)) >>> 0;
    const p = this.page(a);
    return p === undefined ? 0 : (p[o] | (p[o + 1] << 8) | (p[o + 2] << 16) | (p[o + 3] << 24)) >>> 0;
  }

  private raw32set(a: number, v: number): void {
    const o = a & 0xfff;
    if (o > 0xffc) {
      for (let i = 0; i < 4; i++) this.rawSet(a + i, (v >>> (8 * i)) & 0xff);
      return;
    }
    const p = this.wpage(a);
    p[o] = v;
    p[o + 1] = v >>> 8;
    p[o + 2] = v >>> 16;
    p[o + 3] = v >>> 24;
  }
}

/** The one port compiled code uses (the runtime rebinds it before every slice of C). */
export const MEM = new MemPort();
