/**
 * Memory helpers for the library functions SMM-C modules link against: C strings and GUIDs
 * read and written through the same port and access checks as compiled C code (so
 * CopyMem (NULL, ...) after the SMM lock faults just as a C assignment through NULL does).
 */

import { guidFromBytes } from '../lib/Guid';
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
  return guidFromBytes(Uint8Array.from({ length: 16 }, (_, i) => mem.r8(ptr(a) + i)));
}
