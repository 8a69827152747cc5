/**
 * Constant expressions (C99 6.6): integer constant expressions for array sizes, case labels, enum
 * values, bit-field widths and _Static_assert, and the address constants of global initializers
 * (`&gGlobal.Field`, `(UINTN)&X`, a function's name, a string literal), evaluated over the typed
 * tree with C's wrap-around in the node's type. As chibicc's eval/eval2 in parse.c.
 */

import type { CType, Node, Obj, Val } from './Ast';

/** A constant: an integer (obj null) or the address of a global `obj` plus `val`. */
export interface ConstVal {
  obj: Obj | null;
  val: bigint;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `v` converted to type `t` (C99 6.3.1.3 as gcc does it: modulo 2^N; to _Bool: v != 0). */
export function wrap(v: bigint, t: CType): bigint {
  if (t.kind === 'bool') return v !== 0n ? 1n : 0n;
  const bits = (t.size > 0 ? t.size : 8) * 8;
  return t.unsigned || t.kind === 'ptr' ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

/** A bigint as the AST's Val (a number when it is a safe integer). */
export function toVal(v: bigint): Val {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

export function fromVal(v: Val): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/**
 * `a OP b` in type `t` (operands already converted to t), or null when C leaves it undefined and
 * the machine would fault or differ (division by zero, INT_MIN / -1, shifts by the width or more):
 * those stay for run time, where x86 decides.
 */
export function arith(op: string, a: bigint, b: bigint, t: CType): bigint | null {
  let r: bigint;
  const bits = BigInt(t.size * 8);
  switch (op) {
    case 'add':
      r = a + b;
      break;
    case 'sub':
      r = a - b;
      break;
    case 'mul':
      r = a * b;
      break;
    case 'div':
    case 'mod': {
      if (b === 0n) return null;
      if (!t.unsigned && b === -1n && a === -(1n << (bits - 1n))) return null;
      r = op === 'div' ? a / b : a % b; // bigint division truncates toward zero, as C99 does
      break;
    }
    case 'bitand':
      r = a & b;
      break;
    case 'bitor':
      r = a | b;
      break;
    case 'bitxor':
      r = a ^ b;
      break;
    case 'shl':
    case 'shr':
      if (b < 0n || b >= bits) return null;
      r = op === 'shl' ? a << b : a >> b; // a is already signed or unsigned: >> is arithmetic or logical
      break;
    case 'eq':
      return a === b ? 1n : 0n;
    case 'ne':
      return a !== b ? 1n : 0n;
    case 'lt':
      return a < b ? 1n : 0n;
    case 'le':
      return a <= b ? 1n : 0n;
    default:
      return null;
  }
  return wrap(r, t);
}

/** The value of a constant expression, or null if it is not one. */
export function evalConst(n: Node): ConstVal | null {
  switch (n.kind) {
    case 'num':
      return { obj: null, val: fromVal(n.val) };
    case 'cast': {
      const v = evalConst(n.lhs!);
      if (!v) return null;
      const t = n.ty;
      if (t.kind === 'void' || t.kind === 'struct' || t.kind === 'union') return null;
      if (v.obj) return t.size === 8 ? v : null; // an address survives only in a pointer-sized integer
      return { obj: null, val: wrap(v.val, t) };
    }
    case 'addr':
      return evalAddr(n.lhs!);
    case 'neg':
    case 'bitnot':
    case 'not': {
      const v = evalConst(n.lhs!);
      if (!v) return null;
      if (v.obj) return n.kind === 'not' ? { obj: null, val: 0n } : null;
      const r = n.kind === 'neg' ? -v.val : n.kind === 'bitnot' ? ~v.val : v.val === 0n ? 1n : 0n;
      return { obj: null, val: wrap(r, n.ty) };
    }
    case 'add':
    case 'sub': {
      const a = evalConst(n.lhs!);
      const b = evalConst(n.rhs!);
      if (!a || !b) return null;
      if (a.obj && b.obj) {
        if (n.kind !== 'sub' || a.obj !== b.obj) return null;
        return { obj: null, val: wrap(a.val - b.val, n.ty) };
      }
      if (b.obj) return n.kind === 'add' ? { obj: b.obj, val: a.val + b.val } : null;
      if (a.obj) return { obj: a.obj, val: n.kind === 'add' ? a.val + b.val : a.val - b.val };
      const r = arith(n.kind, a.val, b.val, n.ty);
      return r === null ? null : { obj: null, val: r };
    }
    case 'mul':
    case 'div':
    case 'mod':
    case 'bitand':
    case 'bitor':
    case 'bitxor':
    case 'shl':
    case 'shr':
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le': {
      const a = evalConst(n.lhs!);
      const b = evalConst(n.rhs!);
      if (!a || !b || a.obj || b.obj) return null;
      const r = arith(n.kind, a.val, b.val, n.opTy ?? n.ty);
      return r === null ? null : { obj: null, val: r };
    }
    case 'logand':
    case 'logor': {
      const a = evalConst(n.lhs!);
      if (!a || a.obj) return null;
      if (n.kind === 'logand' ? a.val === 0n : a.val !== 0n) return { obj: null, val: n.kind === 'logand' ? 0n : 1n };
      const b = evalConst(n.rhs!);
      if (!b || b.obj) return null;
      return { obj: null, val: b.val !== 0n ? 1n : 0n };
    }
    case 'cond': {
      const c = evalConst(n.cond!);
      if (!c || c.obj) return null;
      return evalConst(c.val !== 0n ? n.then! : n.els!);
    }
    default:
      return null;
  }
}

/** The address of an lvalue made of globals, members and constant indexes; null if not constant. */
function evalAddr(n: Node): ConstVal | null {
  switch (n.kind) {
    case 'var':
      return n.obj!.isLocal ? null : { obj: n.obj, val: 0n };
    case 'member': {
      const b = evalAddr(n.lhs!);
      return b && { obj: b.obj, val: b.val + BigInt(n.member!.offset) };
    }
    case 'deref':
      return evalConst(n.lhs!);
    default:
      return null;
  }
}
