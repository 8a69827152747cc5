/**
 * How a C type's values are held at run time (Values.ts) and moved to and from memory (MemPort):
 * the width and signedness of integers and pointers; aggregates are handled by address.
 */

import type { CType, Val } from './Ast';
import type { MemPort } from './MemPort';
import { normI64, type Repr } from './Values';

/** The representation of a scalar type; null for aggregates, arrays, functions and void. */
export function reprOf(t: CType): Repr | null {
  switch (t.kind) {
    case 'bool':
      return 'bool';
    case 'char':
      return t.unsigned ? 'u8' : 'i8';
    case 'short':
      return t.unsigned ? 'u16' : 'i16';
    case 'int':
    case 'enum':
      return t.unsigned ? 'u32' : 'i32';
    case 'long':
      return t.unsigned ? 'u64' : 'i64';
    case 'ptr':
      return 'u64';
    default:
      return null;
  }
}

export function isWide(r: Repr): boolean {
  return r === 'i64' || r === 'u64';
}

export function isSigned(r: Repr): boolean {
  return r[0] === 'i';
}

/** Reads a value of representation `r` at `a`. */
export function load(mem: MemPort, r: Repr, a: Val): Val {
  switch (r) {
    case 'u8':
    case 'bool':
      return mem.r8(a);
    case 'i8':
      return (mem.r8(a) << 24) >> 24;
    case 'u16':
      return mem.r16(a);
    case 'i16':
      return (mem.r16(a) << 16) >> 16;
    case 'u32':
      return mem.r32(a);
    case 'i32':
      return mem.r32(a) | 0;
    case 'u64':
      return mem.r64(a);
    case 'i64': {
      const v = mem.r64(a);
      return typeof v === 'number' ? v : normI64(v);
    }
  }
}

/** Writes `v` (already of representation `r`) at `a`. */
export function store(mem: MemPort, r: Repr, a: Val, v: Val): void {
  switch (r) {
    case 'u8':
    case 'i8':
    case 'bool':
      mem.w8(a, Number(v) & 0xff);
      return;
    case 'u16':
    case 'i16':
      mem.w16(a, Number(v) & 0xffff);
      return;
    case 'u32':
    case 'i32':
      mem.w32(a, Number(v) >>> 0);
      return;
    default:
      mem.w64(a, v);
  }
}
