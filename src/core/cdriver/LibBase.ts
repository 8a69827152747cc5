/**
 * BaseLib's string, list and 64-bit math functions (MdePkg/Library/BaseLib: String.c, SafeString.c,
 * LinkedList.c, Math64.c, Unaligned.c, SwapBytes*.c, HighBitSet32.c), as an SMM driver calls them.
 * LIST_ENTRY is { ForwardLink at 0, BackLink at 8 } in memory, so a list a driver builds is bytes
 * in SMRAM the panels show.
 */

import type { Val } from '../smmc/Ast';
import { CFault } from '../smmc/MemPort';
import { normU64 } from '../smmc/Values';
import { memOf, ptr, readAscii, readUnicode } from './CMem';
import type { NativeImpl } from './CRun';
import { efiStatusValue } from '../lib/EfiStatus';

/* eslint-disable require-yield */

const u64 = (v: Val) => BigInt.asUintN(64, BigInt(v));
const num = (v: Val) => Number(u64(v));

export const AsciiStrLen: NativeImpl = function* (fw, [s]) {
  return readAscii(fw.m, s)?.length ?? 0;
};
export const StrLen: NativeImpl = function* (fw, [s]) {
  return readUnicode(fw.m, s)?.length ?? 0;
};
export const AsciiStrSize: NativeImpl = function* (fw, [s]) {
  const t = readAscii(fw.m, s);
  return t === null ? 0 : t.length + 1;
};
export const StrSize: NativeImpl = function* (fw, [s]) {
  const t = readUnicode(fw.m, s);
  return t === null ? 0 : 2 * (t.length + 1);
};

function compare(a: string, b: string, n = Infinity): number {
  for (let i = 0; i < n; i++) {
    const x = i < a.length ? a.charCodeAt(i) : 0;
    const y = i < b.length ? b.charCodeAt(i) : 0;
    if (x !== y || x === 0) return x - y;
  }
  return 0;
}

export const AsciiStrCmp: NativeImpl = function* (fw, [a, b]) {
  return compare(readAscii(fw.m, a) ?? '', readAscii(fw.m, b) ?? '');
};
export const AsciiStrnCmp: NativeImpl = function* (fw, [a, b, n]) {
  return compare(readAscii(fw.m, a) ?? '', readAscii(fw.m, b) ?? '', num(n));
};
export const StrCmp: NativeImpl = function* (fw, [a, b]) {
  return compare(readUnicode(fw.m, a) ?? '', readUnicode(fw.m, b) ?? '');
};
export const StrnCmp: NativeImpl = function* (fw, [a, b, n]) {
  return compare(readUnicode(fw.m, a) ?? '', readUnicode(fw.m, b) ?? '', num(n));
};

/** AsciiStrCpyS / StrCpyS (SafeString.c): RETURN_INVALID_PARAMETER for NULL or a zero size, RETURN_BUFFER_TOO_SMALL when it does not fit. */
function strCpyS(wide: boolean): NativeImpl {
  return function* (fw, [dst, max, src]) {
    const n = num(max);
    if (dst === 0 || src === 0 || n === 0) return efiStatusValue('EFI_INVALID_PARAMETER');
    const s = (wide ? readUnicode(fw.m, src) : readAscii(fw.m, src)) ?? '';
    if (s.length >= n) return efiStatusValue('EFI_BUFFER_TOO_SMALL');
    const mem = memOf(fw.m);
    const unit = wide ? 2 : 1;
    for (let i = 0; i <= s.length; i++) {
      const c = i < s.length ? s.charCodeAt(i) : 0;
      if (wide) mem.w16(ptr(dst) + unit * i, c);
      else mem.w8(ptr(dst) + i, c);
    }
    return 0;
  };
}
export const AsciiStrCpyS = strCpyS(false);
export const StrCpyS = strCpyS(true);

// ---- LinkedList.c (no list-validity ASSERTs: PcdVerifyNodeInList is FALSE by default)

const fwd = (fw: Parameters<NativeImpl>[0], e: Val) => memOf(fw.m).r64(e);
const back = (fw: Parameters<NativeImpl>[0], e: Val) => memOf(fw.m).r64(ptr(e) + 8);
const setFwd = (fw: Parameters<NativeImpl>[0], e: Val, v: Val) => memOf(fw.m).w64(e, v);
const setBack = (fw: Parameters<NativeImpl>[0], e: Val, v: Val) => memOf(fw.m).w64(ptr(e) + 8, v);

export const InitializeListHead: NativeImpl = function* (fw, [head]) {
  setFwd(fw, head, head);
  setBack(fw, head, head);
  return head;
};
export const InsertHeadList: NativeImpl = function* (fw, [head, entry]) {
  const first = fwd(fw, head);
  setFwd(fw, entry, first);
  setBack(fw, entry, head);
  setBack(fw, first, entry);
  setFwd(fw, head, entry);
  return head;
};
export const InsertTailList: NativeImpl = function* (fw, [head, entry]) {
  const last = back(fw, head);
  setFwd(fw, entry, head);
  setBack(fw, entry, last);
  setFwd(fw, last, entry);
  setBack(fw, head, entry);
  return head;
};
export const RemoveEntryList: NativeImpl = function* (fw, [entry]) {
  const f = fwd(fw, entry);
  const b = back(fw, entry);
  setBack(fw, f, b);
  setFwd(fw, b, f);
  return f;
};
export const IsListEmpty: NativeImpl = function* (fw, [head]) {
  return fwd(fw, head) === head ? 1 : 0;
};
export const GetFirstNode: NativeImpl = function* (fw, [head]) {
  return fwd(fw, head);
};
export const GetNextNode: NativeImpl = function* (fw, [, node]) {
  return fwd(fw, node);
};
export const GetPreviousNode: NativeImpl = function* (fw, [, node]) {
  return back(fw, node);
};
export const IsNull: NativeImpl = function* (_fw, [head, node]) {
  return head === node ? 1 : 0;
};
export const IsNodeAtEnd: NativeImpl = function* (fw, [head, node]) {
  return node !== head && fwd(fw, node) === head ? 1 : 0;
};

// ---- Math64.c, Unaligned.c, SwapBytes, HighBitSet32

export const LShiftU64: NativeImpl = function* (_fw, [v, n]) {
  return normU64(u64(v) << BigInt(num(n) & 63));
};
export const RShiftU64: NativeImpl = function* (_fw, [v, n]) {
  return normU64(u64(v) >> BigInt(num(n) & 63));
};
export const MultU64x32: NativeImpl = function* (_fw, [a, b]) {
  return normU64(u64(a) * BigInt.asUintN(32, BigInt(b)));
};
export const MultU64x64: NativeImpl = function* (_fw, [a, b]) {
  return normU64(u64(a) * u64(b));
};
export const DivU64x32: NativeImpl = function* (_fw, [a, b]) {
  const d = BigInt.asUintN(32, BigInt(b));
  if (d === 0n) throw divideByZero();
  return normU64(u64(a) / d);
};
export const ModU64x32: NativeImpl = function* (_fw, [a, b]) {
  const d = BigInt.asUintN(32, BigInt(b));
  if (d === 0n) throw divideByZero();
  return Number(u64(a) % d);
};
export const DivU64x32Remainder: NativeImpl = function* (fw, [a, b, rem]) {
  const d = BigInt.asUintN(32, BigInt(b));
  if (d === 0n) throw divideByZero();
  if (rem !== 0) memOf(fw.m).w32(rem, Number(u64(a) % d));
  return normU64(u64(a) / d);
};
export const ReadUnaligned16: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r16(a);
};
export const ReadUnaligned32: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r32(a);
};
export const ReadUnaligned64: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r64(a);
};
export const WriteUnaligned16: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w16(a, num(v) & 0xffff);
  return num(v) & 0xffff;
};
export const WriteUnaligned32: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w32(a, Number(BigInt.asUintN(32, BigInt(v))));
  return Number(BigInt.asUintN(32, BigInt(v)));
};
export const WriteUnaligned64: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w64(a, v);
  return v;
};
export const SwapBytes16: NativeImpl = function* (_fw, [v]) {
  const x = num(v) & 0xffff;
  return ((x & 0xff) << 8) | (x >> 8);
};
export const SwapBytes32: NativeImpl = function* (_fw, [v]) {
  const x = Number(BigInt.asUintN(32, BigInt(v)));
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
};
export const SwapBytes64: NativeImpl = function* (_fw, [v]) {
  let x = u64(v);
  let r = 0n;
  for (let i = 0; i < 8; i++) {
    r = (r << 8n) | (x & 0xffn);
    x >>= 8n;
  }
  return normU64(r);
};
export const HighBitSet32: NativeImpl = function* (_fw, [v]) {
  const x = Number(BigInt.asUintN(32, BigInt(v)));
  return x === 0 ? -1 : 31 - Math.clz32(x);
};
export const HighBitSet64: NativeImpl = function* (_fw, [v]) {
  const x = u64(v);
  return x === 0n ? -1 : x.toString(2).length - 1;
};

/** DivU64x32 and friends divide with DIV: a zero divisor raises #DE (the DEBUG build's ASSERT (Divisor != 0) is not modelled). */
function divideByZero(): CFault {
  return new CFault({ vector: 0, address: 0, access: 'read', message: null });
}
