/**
 * Building typed nodes: the semantic rules of C's operators (C99 6.5) applied as the parser meets
 * them, as chibicc's new_add/new_sub/add_type do. Every implicit conversion becomes a 'cast' node;
 * array and function values decay to 'addr' nodes typed as a pointer to the element (function);
 * pointer arithmetic is scaled (both operands of a pointer 'add'/'sub' have the pointer type, the
 * integer one is `(T *)((long)i * sizeof (T))`); operations on constants are folded where C defines
 * the result (never a division by zero: that stays for run time, where it raises #DE).
 */

import type { BinaryOp, CType, Node, NodeKind, Obj, Val } from './Ast';
import { arith, fromVal, toVal, wrap } from './ConstEval';
import { errorAt, type Loc } from './Source';
import {
  decayType,
  integerPromote,
  isInteger,
  isScalar,
  pointerTo,
  sameType,
  T,
  typeName,
  unqualified,
  usualArith,
} from './Types';

/** The type of statements. */
export const VOID: CType = T.void_;
const LONG: CType = T.long;
const INT: CType = T.int;

/** The lists of nodes that have none (shared, frozen: blocks, calls and switches get their own). */
const NONE: Node[] = Object.freeze([]) as unknown as Node[];

export function mk(kind: NodeKind, loc: Loc, t: CType): Node {
  return {
    kind,
    loc,
    ty: t,
    lhs: null,
    rhs: null,
    val: 0,
    obj: null,
    member: null,
    op: null,
    opTy: null,
    prefix: false,
    delta: 0,
    callee: null,
    args: NONE,
    cond: null,
    then: null,
    els: null,
    init: null,
    inc: null,
    body: kind === 'block' ? [] : NONE,
    cases: kind === 'switch' ? [] : NONE,
    defaultCase: null,
    caseVal: null,
    label: null,
  };
}

export function unary(kind: NodeKind, lhs: Node, t: CType, loc: Loc = lhs.loc): Node {
  const n = mk(kind, loc, t);
  n.lhs = lhs;
  return n;
}

export function binary(kind: NodeKind, lhs: Node, rhs: Node, t: CType, loc: Loc = lhs.loc): Node {
  const n = mk(kind, loc, t);
  n.lhs = lhs;
  n.rhs = rhs;
  return n;
}

/** A constant of type t (the value wrapped into t). */
export function num(v: bigint | number, t: CType, loc: Loc): Node {
  const n = mk('num', loc, t);
  // Small non-negative values fit every integer type as they are (the common case: no bigint work).
  if (typeof v === 'number' && v >= 0 && v < 0x80 && t.kind !== 'bool') n.val = v;
  else if (typeof v === 'bigint' && v >= 0n && v < 0x80n && t.kind !== 'bool') n.val = Number(v);
  else n.val = toVal(wrap(typeof v === 'bigint' ? v : BigInt(v), t));
  return n;
}

export function varNode(obj: Obj, loc: Loc): Node {
  const n = mk('var', loc, obj.ty);
  n.obj = obj;
  return n;
}

export function isNum(n: Node, v?: number): boolean {
  return n.kind === 'num' && (v === undefined || fromVal(n.val) === BigInt(v));
}

/** C99 6.3.2.3: an integer constant 0, or one cast to void *. */
export function isNullPointerConstant(n: Node): boolean {
  return isNum(n, 0) && (isInteger(n.ty) || (n.ty.kind === 'ptr' && n.ty.base!.kind === 'void'));
}

/** Array-to-pointer and function-to-pointer conversion (C99 6.3.2.1): an 'addr' of the object. */
export function rv(n: Node): Node {
  if (n.ty.kind !== 'array' && n.ty.kind !== 'func') return n;
  const t = decayType(n.ty);
  if (n.kind === 'deref') return sameType(n.lhs!.ty, t) ? n.lhs! : convert(n.lhs!, t); // *fp: the pointer itself
  return unary('addr', n, t, n.loc);
}

/** An implicit conversion of a value to type t: a 'cast' node unless nothing changes (a constant is folded). */
export function convert(n: Node, t: CType): Node {
  if (sameType(n.ty, t)) return n;
  if (n.kind === 'num' && (isInteger(t) || t.kind === 'ptr')) return num(fromVal(n.val), t, n.loc);
  return unary('cast', n, t, n.loc);
}

function describeIncompatible(ctx: ConvCtx, to: CType, from: CType): string {
  const a = typeName(to);
  const b = typeName(from);
  switch (ctx.kind) {
    case 'assign':
      return `assigning to '${a}' from incompatible type '${b}'`;
    case 'init':
      return `initializing '${a}' with an expression of incompatible type '${b}'`;
    case 'arg':
      return `passing '${b}' to parameter of incompatible type '${a}'`;
    case 'return':
      return `returning '${b}' from a function with incompatible result type '${a}'`;
  }
}

export interface ConvCtx {
  kind: 'assign' | 'init' | 'arg' | 'return';
  loc: Loc;
}

/**
 * The conversion of C99 6.5.16.1 (assignment, initialization, arguments, return): structs must be
 * the same struct; integers and pointers convert to each other silently (gcc only warns).
 */
export function assignConvert(n: Node, t: CType, ctx: ConvCtx): Node {
  n = rv(n);
  const to = unqualified(t);
  if (to.kind === 'struct' || to.kind === 'union' || n.ty.kind === 'struct' || n.ty.kind === 'union') {
    if (!sameType(n.ty, to)) errorAt(ctx.loc, describeIncompatible(ctx, to, n.ty));
    return n;
  }
  if (to.kind === 'void') return n;
  if (!isScalar(n.ty)) errorAt(ctx.loc, describeIncompatible(ctx, to, n.ty));
  return convert(n, to);
}

/** An explicit cast `(t) n` (C99 6.5.4): scalar to scalar, anything to void. */
export function explicitCast(n: Node, t: CType, loc: Loc): Node {
  n = rv(n);
  if (t.kind === 'void') return unary('cast', n, t, loc);
  if (t.kind === 'struct' || t.kind === 'union' || t.kind === 'array') {
    if (sameType(n.ty, t) && t.kind !== 'array') return n;
    errorAt(loc, `used type '${typeName(t)}' where arithmetic or pointer type is required`);
  }
  if (!isScalar(n.ty)) errorAt(loc, `operand of type '${typeName(n.ty)}' where arithmetic or pointer type is required`);
  if (n.kind === 'num' && (isInteger(t) || t.kind === 'ptr')) return num(fromVal(n.val), t, loc);
  const c = unary('cast', n, t, loc);
  return c;
}

export function invalidOperands(loc: Loc, a: Node, b: Node): never {
  errorAt(loc, `invalid operands to binary expression ('${typeName(a.ty)}' and '${typeName(b.ty)}')`);
}

/** Folds `lhs OP rhs` when both are constants and C defines the result. */
function fold(kind: NodeKind, lhs: Node, rhs: Node, t: CType, opTy: CType): Node | null {
  if (lhs.kind !== 'num' || rhs.kind !== 'num') return null;
  const r = arith(kind, fromVal(lhs.val), fromVal(rhs.val), opTy);
  return r === null ? null : num(r, t, lhs.loc);
}

/** `*`, `/`, `%`, `&`, `|`, `^` on integers: the usual arithmetic conversions. */
export function arithmetic(op: BinaryOp, lhs: Node, rhs: Node, opLoc: Loc): Node {
  lhs = rv(lhs);
  rhs = rv(rhs);
  if (!isInteger(lhs.ty) || !isInteger(rhs.ty)) invalidOperands(opLoc, lhs, rhs);
  const t = usualArith(lhs.ty, rhs.ty);
  const a = convert(lhs, t);
  const b = convert(rhs, t);
  return fold(op, a, b, t, t) ?? binary(op, a, b, t);
}

/** `<<`, `>>`: each operand promoted on its own; the result has the left one's promoted type. */
export function shift(op: 'shl' | 'shr', lhs: Node, rhs: Node, opLoc: Loc): Node {
  lhs = rv(lhs);
  rhs = rv(rhs);
  if (!isInteger(lhs.ty) || !isInteger(rhs.ty)) invalidOperands(opLoc, lhs, rhs);
  const t = integerPromote(lhs.ty);
  const a = convert(lhs, t);
  const b = convert(rhs, integerPromote(rhs.ty));
  if (a.kind === 'num' && b.kind === 'num') {
    const r = arith(op, fromVal(a.val), fromVal(b.val), t);
    if (r !== null) return num(r, t, a.loc);
  }
  return binary(op, a, b, t);
}

function pointee(t: CType): CType {
  return t.base!;
}

/** sizeof (*p) for pointer arithmetic (void and function pointees count 1, as gcc does). */
function stride(p: CType, loc: Loc): number {
  const b = pointee(p);
  if (b.kind === 'void' || b.kind === 'func') return 1;
  if (b.size < 0) errorAt(loc, `arithmetic on a pointer to an incomplete type '${typeName(b)}'`);
  return b.size;
}

/** The integer operand of pointer arithmetic, scaled and converted to the pointer type. */
export function scaled(i: Node, p: CType, loc: Loc): Node {
  const size = stride(p, loc);
  let n = convert(i, LONG);
  if (size !== 1) {
    const s = num(size, LONG, i.loc);
    n = fold('mul', n, s, LONG, LONG) ?? binary('mul', n, s, LONG);
  }
  return convert(n, p);
}

/** `lhs + rhs` (C99 6.5.6): integers, or a pointer and an integer. */
export function add(lhs: Node, rhs: Node, opLoc: Loc): Node {
  lhs = rv(lhs);
  rhs = rv(rhs);
  if (isInteger(lhs.ty) && isInteger(rhs.ty)) return arithmetic('add', lhs, rhs, opLoc);
  if (lhs.ty.kind === 'ptr' && isInteger(rhs.ty)) return binary('add', lhs, scaled(rhs, lhs.ty, opLoc), unqualified(lhs.ty));
  if (isInteger(lhs.ty) && rhs.ty.kind === 'ptr') return binary('add', rhs, scaled(lhs, rhs.ty, opLoc), unqualified(rhs.ty), lhs.loc);
  return invalidOperands(opLoc, lhs, rhs);
}

/** `lhs - rhs`: integers, pointer minus integer, or the element distance of two pointers (long). */
export function sub(lhs: Node, rhs: Node, opLoc: Loc): Node {
  lhs = rv(lhs);
  rhs = rv(rhs);
  if (isInteger(lhs.ty) && isInteger(rhs.ty)) return arithmetic('sub', lhs, rhs, opLoc);
  if (lhs.ty.kind === 'ptr' && isInteger(rhs.ty)) return binary('sub', lhs, scaled(rhs, lhs.ty, opLoc), unqualified(lhs.ty));
  if (lhs.ty.kind === 'ptr' && rhs.ty.kind === 'ptr') {
    if (!sameType(unqualified(pointee(lhs.ty)), unqualified(pointee(rhs.ty)))) {
      errorAt(opLoc, `'${typeName(lhs.ty)}' and '${typeName(rhs.ty)}' are not pointers to compatible types`);
    }
    const size = stride(lhs.ty, opLoc);
    const d = binary('sub', convert(lhs, LONG), convert(rhs, LONG), LONG);
    return size === 1 ? d : binary('div', d, num(size, LONG, lhs.loc), LONG);
  }
  return invalidOperands(opLoc, lhs, rhs);
}

/** `==` `!=` `<` `<=` (callers swap operands for `>` `>=`): operands converted to a common opTy; int result. */
export function compare(kind: 'eq' | 'ne' | 'lt' | 'le', lhs: Node, rhs: Node, opLoc: Loc, loc: Loc = lhs.loc): Node {
  lhs = rv(lhs);
  rhs = rv(rhs);
  let t: CType;
  if (isInteger(lhs.ty) && isInteger(rhs.ty)) t = usualArith(lhs.ty, rhs.ty);
  else if (lhs.ty.kind === 'ptr' && (rhs.ty.kind === 'ptr' || isInteger(rhs.ty))) t = unqualified(lhs.ty);
  else if (isInteger(lhs.ty) && rhs.ty.kind === 'ptr') t = unqualified(rhs.ty);
  else return invalidOperands(opLoc, lhs, rhs);
  const a = convert(lhs, t);
  const b = convert(rhs, t);
  const f = fold(kind, a, b, INT, t);
  if (f) return f;
  const n = binary(kind, a, b, INT, loc);
  n.opTy = t;
  return n;
}

export function checkScalar(n: Node, loc: Loc, what = 'statement requires expression of scalar type'): Node {
  n = rv(n);
  if (!isScalar(n.ty)) errorAt(loc, `${what} ('${typeName(n.ty)}' invalid)`);
  return n;
}

/** `!`, `&&`, `||`: scalar operands, int result. */
export function logical(kind: 'logand' | 'logor', lhs: Node, rhs: Node, opLoc: Loc): Node {
  lhs = rv(lhs);
  rhs = rv(rhs);
  if (!isScalar(lhs.ty) || !isScalar(rhs.ty)) invalidOperands(opLoc, lhs, rhs);
  if (lhs.kind === 'num' && rhs.kind === 'num') {
    const a = fromVal(lhs.val) !== 0n;
    const b = fromVal(rhs.val) !== 0n;
    return num(kind === 'logand' ? Number(a && b) : Number(a || b), INT, lhs.loc);
  }
  return binary(kind, lhs, rhs, INT);
}

/** An lvalue C lets a program store into (C99 6.3.2.1): objects reached by name, `*`, `.`, `->`. */
export function isLvalue(n: Node): boolean {
  switch (n.kind) {
    case 'var':
      return !n.obj!.isFunction;
    case 'deref':
      return true;
    case 'member':
      return isLvalue(n.lhs!) || n.lhs!.kind === 'deref';
    default:
      return false;
  }
}

/** The checks before a store: an lvalue, not an array, not const. */
export function checkModifiable(n: Node, loc: Loc, what: string): void {
  if (!isLvalue(n)) errorAt(loc, `lvalue required as ${what}`);
  if (n.ty.kind === 'array') errorAt(loc, `array type '${typeName(n.ty)}' is not assignable`);
  if (n.ty.isConst) {
    if (n.kind === 'var') errorAt(loc, `cannot assign to variable '${n.obj!.name}' with const-qualified type '${typeName(n.ty)}'`);
    errorAt(loc, 'read-only variable is not assignable');
  }
}

/** `c ? a : b` (C99 6.5.15): the common type of the two branches. */
export function conditional(c: Node, a: Node, b: Node, loc: Loc, colonLoc: Loc): Node {
  a = rv(a);
  b = rv(b);
  let t: CType;
  if (isInteger(a.ty) && isInteger(b.ty)) t = usualArith(a.ty, b.ty);
  else if (a.ty.kind === 'void' && b.ty.kind === 'void') t = VOID;
  else if (a.ty.kind === 'ptr' && b.ty.kind === 'ptr') {
    if (isNullPointerConstant(b)) t = unqualified(a.ty);
    else if (isNullPointerConstant(a)) t = unqualified(b.ty);
    else if (a.ty.base!.kind === 'void') t = unqualified(a.ty);
    else if (b.ty.base!.kind === 'void') t = unqualified(b.ty);
    else t = unqualified(a.ty);
  } else if (a.ty.kind === 'ptr' && isInteger(b.ty)) t = unqualified(a.ty);
  else if (isInteger(a.ty) && b.ty.kind === 'ptr') t = unqualified(b.ty);
  else if ((a.ty.kind === 'struct' || a.ty.kind === 'union') && sameType(a.ty, b.ty)) t = unqualified(a.ty);
  else errorAt(colonLoc, `incompatible operand types ('${typeName(a.ty)}' and '${typeName(b.ty)}')`);
  const n = mk('cond', loc, t);
  n.cond = c;
  n.then = t.kind === 'void' || t.kind === 'struct' || t.kind === 'union' ? a : convert(a, t);
  n.els = t.kind === 'void' || t.kind === 'struct' || t.kind === 'union' ? b : convert(b, t);
  return n;
}

/** The numeric value of a 'num' node as a bigint. */
export function numVal(n: Node): bigint {
  return fromVal(n.val);
}

export function valOf(v: Val): bigint {
  return fromVal(v);
}

/** `&n`: pointer to n's type (an array's address is a pointer to the array). */
export function addressOf(n: Node, loc: Loc): Node {
  if (n.kind === 'deref') {
    const t = pointerTo(n.ty);
    return sameType(n.lhs!.ty, t) ? n.lhs! : convert(n.lhs!, t);
  }
  return unary('addr', n, pointerTo(n.ty), loc);
}
