/**
 * C integer arithmetic on X64 with JS values. A value of a type of 32 bits or less is a JS number
 * kept in its type's range; a 64-bit value (long, UINTN, pointers, EFI_STATUS) is a number while
 * it is a safe integer and a bigint otherwise (0x800000000000000E, (UINTN)-1). Each value has
 * exactly one form, so `===` compares them. The fast paths stay in numbers; a result that leaves
 * the safe range falls back to BigInt.asUintN/asIntN, which is C's wrap-around.
 */

import type { Val } from './Ast';

export const TWO32 = 4294967296;
const TWO21 = 2097152;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
const MIN_SAFE_BIG = -MAX_SAFE_BIG;

/** Representation of an integer (or pointer) type: signedness and width in bytes. */
export type Repr = 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'i64' | 'u64' | 'bool';

/**
 * The last BigInt each conversion below was given and what it gave (one entry each): C code tests
 * an EFI_STATUS after every call (EFI_ERROR (Status) converts it to INTN), mostly the same error
 * value again and again. BigInts are values (=== compares them), so the earlier answer is exact.
 */
let u64In: bigint | null = null;
let u64Out: Val = 0;
let i64In: bigint | null = null;
let i64Out: Val = 0;

/** The canonical unsigned 64-bit form of any integer value. */
export function normU64(v: Val): Val {
  if (typeof v === 'number') {
    if (v >= 0 && v <= MAX_SAFE) return v;
    v = BigInt(Math.trunc(v));
  }
  if (v === u64In) return u64Out;
  const b = BigInt.asUintN(64, v);
  const out = b <= MAX_SAFE_BIG ? Number(b) : b;
  u64In = v;
  u64Out = out;
  return out;
}

/** The canonical signed 64-bit form of any integer value. */
export function normI64(v: Val): Val {
  if (typeof v === 'number') {
    if (v >= -MAX_SAFE && v <= MAX_SAFE) return v;
    v = BigInt(Math.trunc(v));
  }
  if (v === i64In) return i64Out;
  const b = BigInt.asIntN(64, v);
  const out = b <= MAX_SAFE_BIG && b >= MIN_SAFE_BIG ? Number(b) : b;
  i64In = v;
  i64Out = out;
  return out;
}

/** Converts any integer value to the representation `r` (C's conversion rules: wrap modulo 2^n; to bool: != 0). */
export function convert(v: Val, r: Repr): Val {
  switch (r) {
    case 'u64':
      return normU64(v);
    case 'i64':
      return normI64(v);
    case 'bool':
      return typeof v === 'number' ? (v !== 0 ? 1 : 0) : v !== 0n ? 1 : 0;
    default: {
      const n = typeof v === 'number' ? (v >= -TWO32 && v <= TWO32 ? v : Number(BigInt.asUintN(32, BigInt(v)))) : Number(BigInt.asUintN(32, v));
      switch (r) {
        case 'i32':
          return n | 0;
        case 'u32':
          return n >>> 0;
        case 'i16':
          return (n << 16) >> 16;
        case 'u16':
          return n & 0xffff;
        case 'i8':
          return (n << 24) >> 24;
        default:
          return n & 0xff;
      }
    }
  }
}

/** The last BigInt split into halves (lo32, hi32: a status stored to memory), and its halves. */
let splitOf: bigint | null = null;
let splitLo = 0;
let splitHi = 0;

function split(v: bigint): void {
  if (v === splitOf) return;
  splitLo = Number(BigInt.asUintN(32, v));
  splitHi = Number(BigInt.asUintN(32, v >> 32n));
  splitOf = v;
}

/** Low 32 bits of a 64-bit value, as an unsigned number. */
export function lo32(v: Val): number {
  if (typeof v === 'number') return v >>> 0;
  split(v);
  return splitLo;
}

/** High 32 bits of a 64-bit value (two's complement), as an unsigned number. */
export function hi32(v: Val): number {
  if (typeof v === 'number') return v >= 0 ? Math.floor(v / TWO32) >>> 0 : Number(BigInt.asUintN(32, BigInt(v) >> 32n));
  split(v);
  return splitHi;
}

/** The last two halves join64 made a BigInt of (a status read back from memory), and that BigInt. */
let joinHi = -1;
let joinLo = -1;
let joined = 0n;

/** Joins two unsigned 32-bit halves into the canonical unsigned 64-bit value. */
export function join64(hi: number, lo: number): Val {
  if (hi < TWO21) return hi * TWO32 + lo;
  if (hi === joinHi && lo === joinLo) return joined;
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  joinHi = hi;
  joinLo = lo;
  joined = v;
  return v;
}

const big = (v: Val): bigint => (typeof v === 'bigint' ? v : BigInt(v));

// ---- 64-bit operations; `s` = signed. Operands are canonical values of the operation's type.

export function add64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (s ? r >= -MAX_SAFE && r <= MAX_SAFE : r >= 0 && r <= MAX_SAFE) return r;
  }
  return s ? normI64(big(a) + big(b)) : normU64(big(a) + big(b));
}

export function sub64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (s ? r >= -MAX_SAFE && r <= MAX_SAFE : r >= 0 && r <= MAX_SAFE) return r;
  }
  return s ? normI64(big(a) - big(b)) : normU64(big(a) - big(b));
}

export function mul64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (r >= -MAX_SAFE && r <= MAX_SAFE && (s || r >= 0)) return r;
  }
  return s ? normI64(big(a) * big(b)) : normU64(big(a) * big(b));
}

/** Division truncating toward zero; the caller checks for a zero divisor (#DE). */
export function div64(a: Val, b: Val, s: boolean): Val {
  // Below 2^52 the double quotient truncates to the exact integer quotient (a/b is never within
  // rounding distance of the next integer).
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a) <= 2 ** 52) {
    const q = Math.trunc(a / b);
    return q === 0 ? 0 : q; // no -0
  }
  return s ? normI64(big(a) / big(b)) : normU64(big(a) / big(b));
}

export function mod64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number' && Math.abs(a) <= 2 ** 52) {
    const r = a % b;
    return r === 0 ? 0 : r;
  }
  return s ? normI64(big(a) % big(b)) : normU64(big(a) % big(b));
}

export function and64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0) {
    if (a < TWO32 && b < TWO32) return (a & b) >>> 0;
    return join64((hi32(a) & hi32(b)) >>> 0, (lo32(a) & lo32(b)) >>> 0);
  }
  return s ? normI64(big(a) & big(b)) : normU64(big(a) & big(b));
}

export function or64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0) {
    if (a < TWO32 && b < TWO32) return (a | b) >>> 0;
    return s ? normI64(BigInt(a) | BigInt(b)) : join64((hi32(a) | hi32(b)) >>> 0, (lo32(a) | lo32(b)) >>> 0);
  }
  return s ? normI64(big(a) | big(b)) : normU64(big(a) | big(b));
}

export function xor64(a: Val, b: Val, s: boolean): Val {
  if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0) {
    if (a < TWO32 && b < TWO32) return (a ^ b) >>> 0;
    return s ? normI64(BigInt(a) ^ BigInt(b)) : join64((hi32(a) ^ hi32(b)) >>> 0, (lo32(a) ^ lo32(b)) >>> 0);
  }
  return s ? normI64(big(a) ^ big(b)) : normU64(big(a) ^ big(b));
}

/** Shift count: X64 masks it to 6 bits (C leaves a count >= 64 undefined; the hardware's answer is the useful one). */
export function shl64(a: Val, n: number, s: boolean): Val {
  n &= 63;
  if (typeof a === 'number' && a >= 0 && n < 53) {
    const r = a * 2 ** n;
    if (r <= MAX_SAFE) return r;
  }
  return s ? normI64(big(a) << BigInt(n)) : normU64(big(a) << BigInt(n));
}

export function shr64(a: Val, n: number, s: boolean): Val {
  n &= 63;
  if (typeof a === 'number' && a >= 0) return Math.floor(a / 2 ** n);
  return s ? normI64(big(a) >> BigInt(n)) : normU64(big(a) >> BigInt(n));
}

export function neg64(a: Val, s: boolean): Val {
  if (typeof a === 'number' && s) return a === 0 ? 0 : -a;
  return s ? normI64(-big(a)) : normU64(-big(a));
}

export function not64(a: Val, s: boolean): Val {
  return s ? normI64(~big(a)) : normU64(~big(a));
}

/** True when a value is non-zero (C's truth). */
export function truthy(v: Val): boolean {
  return typeof v === 'number' ? v !== 0 : v !== 0n;
}

/** Hex spelling for messages and the debugger: 0x prefix, upper-case digits. */
export function hexVal(v: Val): string {
  return '0x' + (typeof v === 'number' ? (v < 0 ? BigInt.asUintN(64, BigInt(v)) : v).toString(16) : BigInt.asUintN(64, v).toString(16)).toUpperCase();
}
