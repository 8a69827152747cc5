/**
 * Memory helpers for the library functions SMM-C modules link against: C strings, GUIDs and
 * UINTNs read and written through the same port and access checks as compiled C code (so
 * CopyMem (NULL, ...) after the SMM lock faults just as a C assignment through NULL does).
 */

import type { Machine } from '../pi/Platform';
import type { Val } from '../smmc/Ast';
import { MEM, type MemPort } from '../smmc/MemPort';
import { smmAccessPolicy } from './AccessPolicy';

/** The port, bound to `m` (a library call may run after another machine's C code). */
export function memOf(m: Machine): MemPort {
  const c = m.s.config;
  if (MEM.mem !== m.s.mem) MEM.bind(m.s.mem, c.tsegBase, c.tsegBase + c.tsegSize, smmAccessPolicy(m));
  return MEM;
}

/** A pointer argument as a number (a pointer above 2^53 is never valid memory: the access will fault). */
export function ptr(v: Val): number {
  return typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
}

/** Longest string a library function reads before it gives up (PcdMaximumAsciiStringLength is 0: no limit; the model stops here). */
const MAX_STRING = 0x10000;

/** The CHAR8 string at `a` (without its NUL), or null for NULL. */
export function readAscii(m: Machine, a: Val): string | null {
  if (a === 0) return null;
  const mem = memOf(m);
  let s = '';
  for (let i = 0; i < MAX_STRING; i++) {
    const c = mem.r8(ptr(a) + i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The CHAR16 string at `a` (without its NUL), or null for NULL. */
export function readUnicode(m: Machine, a: Val): string | null {
  if (a === 0) return null;
  const mem = memOf(m);
  let s = '';
  for (let i = 0; i < MAX_STRING; i++) {
    const c = mem.r16(ptr(a) + 2 * i);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** The EFI_GUID at `a` in registry format (lower case), or null for NULL. */
export function readGuid(m: Machine, a: Val): string | null {
  if (a === 0) return null;
  const mem = memOf(m);
  const b = Array.from({ length: 16 }, (_, i) => mem.r8(ptr(a) + i));
  const h = (n: number) => n.toString(16).padStart(2, '0');
  const d1 = (b[3] << 24) | (b[2] << 16) | (b[1] << 8) | b[0];
  return `${(d1 >>> 0).toString(16).padStart(8, '0')}-${h(b[5])}${h(b[4])}-${h(b[7])}${h(b[6])}-${h(b[8])}${h(b[9])}-${b.slice(10).map(h).join('')}`;
}

export function readUintn(m: Machine, a: Val): Val {
  return memOf(m).r64(a);
}

export function writeUintn(m: Machine, a: Val, v: Val): void {
  memOf(m).w64(a, v);
}
