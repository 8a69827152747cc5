/**
 * A C value as a debugger shows it, decoded from the bytes at its address (never from a copy the
 * runtime keeps): integers in decimal and hex, pointers in hex, BOOLEAN as TRUE/FALSE,
 * EFI_STATUS with its name, EFI_GUID in registry format, CHAR8 and CHAR16 arrays and pointers
 * with the text they hold, structs one level deep.
 */

import type { CType, Val } from './Ast';
import { typeName } from './Types';
import { reprOf } from './Repr';
import { join64 } from './Values';

/** Reads bytes for the formatter (the debugger's unchecked view of memory). */
export type PeekFn = (addr: number, len: number) => Uint8Array;

/** Names for EFI_STATUS values (the caller passes the model's table). */
export type StatusNamer = (v: Val) => string | undefined;

function intOf(bytes: Uint8Array, size: number, signed: boolean): Val {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < Math.min(size, 4); i++) lo |= bytes[i] << (8 * i);
  for (let i = 4; i < size; i++) hi |= bytes[i] << (8 * (i - 4));
  lo >>>= 0;
  hi >>>= 0;
  if (size <= 4) {
    if (!signed) return lo;
    const bits = 8 * size;
    return bits === 32 ? lo | 0 : (lo << (32 - bits)) >> (32 - bits);
  }
  const u = join64(hi, lo);
  if (!signed) return u;
  const b = BigInt.asIntN(64, BigInt(u));
  return b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

const hex = (v: Val, size: number) => '0x' + BigInt.asUintN(8 * size, BigInt(v)).toString(16).toUpperCase();

function textOf(peek: PeekFn, addr: number, wide: boolean, max = 64): string | null {
  if (addr === 0) return null;
  let s = '';
  const unit = wide ? 2 : 1;
  const bytes = peek(addr, max * unit);
  for (let i = 0; i < max; i++) {
    const c = wide ? bytes[2 * i] | (bytes[2 * i + 1] << 8) : bytes[i];
    if (c === 0) return JSON.stringify(s);
    s += String.fromCharCode(c);
  }
  return JSON.stringify(s) + '...';
}

function guidText(b: Uint8Array): string {
  const h = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  const d1 = ((b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0]) >>> 0;
  return `${d1.toString(16).toUpperCase().padStart(8, '0')}-${h(b[5])}${h(b[4])}-${h(b[7])}${h(b[6])}-${h(b[8])}${h(b[9])}-${[...b.slice(10, 16)].map(h).join('')}`;
}

/** The value of type `t` at `addr`, as one line. */
export function formatValue(t: CType, addr: number, peek: PeekFn, statusName: StatusNamer, depth = 0): string {
  const name = t.name ?? '';
  if (t.kind === 'struct' || t.kind === 'union') {
    if (name === 'EFI_GUID' || name === 'GUID' || t.tag === 'GUID') return guidText(peek(addr, 16));
    if (!t.members) return '{...}';
    if (depth >= 1) return '{...}';
    const parts = t.members.slice(0, 8).map((m) => `${m.name} = ${formatValue(m.ty, addr + m.offset, peek, statusName, depth + 1)}`);
    return `{${parts.join(', ')}${t.members.length > 8 ? ', ...' : ''}}`;
  }
  if (t.kind === 'array') {
    const el = t.base!;
    if (el.kind === 'char' || (el.kind === 'short' && el.unsigned && (el.name === 'CHAR16'))) {
      return textOf(peek, addr, el.kind === 'short', Math.min(Math.max(t.arrayLen, 1), 64)) ?? '""';
    }
    const n = Math.min(t.arrayLen < 0 ? 0 : t.arrayLen, 8);
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(formatValue(el, addr + i * el.size, peek, statusName, depth + 1));
    return `{${parts.join(', ')}${t.arrayLen > 8 ? ', ...' : ''}}`;
  }
  if (t.kind === 'func') return `${typeName(t)} @ ${hex(addr, 8)}`;
  const r = reprOf(t);
  if (r === null) return '(void)';
  const size = t.size;
  const bytes = peek(addr, size);
  const v = intOf(bytes, size, r[0] === 'i');
  if (t.kind === 'ptr') {
    const p = Number(v);
    const target = t.base!;
    if (v === 0) return 'NULL';
    if (target.kind === 'char') return `${hex(v, 8)} ${textOf(peek, p, false) ?? ''}`;
    if (target.kind === 'short' && target.name === 'CHAR16') return `${hex(v, 8)} L${textOf(peek, p, true) ?? ''}`;
    return hex(v, 8);
  }
  if (name === 'BOOLEAN') return v === 0 ? 'FALSE' : v === 1 ? 'TRUE' : `${v} (not TRUE or FALSE)`;
  if (name === 'EFI_STATUS' || name === 'RETURN_STATUS') {
    const s = statusName(v);
    return `${hex(v, 8)}${s ? ` (${s})` : ''}`;
  }
  if (t.kind === 'char' && name === 'CHAR8') return `${v} '${String.fromCharCode(Number(v) & 0xff)}'`;
  if (t.kind === 'enum') return String(v);
  return size >= 4 ? `${v} (${hex(v, size)})` : String(v);
}

/** The C spelling of a type for the debugger (typedef names kept: EFI_STATUS, UINTN *). */
export function typeText(t: CType): string {
  return typeName(t);
}
