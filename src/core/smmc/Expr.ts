/**
 * Expressions (C99 6.5), by precedence climbing as chibicc's parse.c: comma, assignment,
 * conditional, the binary levels, casts and unary operators. Postfix operators and primary
 * expressions are in Postfix.ts. Every node comes out typed, with its conversions explicit
 * (Nodes.ts holds the rules).
 */

import type { BinaryOp, Node } from './Ast';
import type { Token } from './Lexer';
import { evalConst } from './ConstEval';
import {
  add,
  addressOf,
  arithmetic,
  assignConvert,
  binary,
  checkModifiable,
  checkScalar,
  compare,
  conditional as condNode,
  convert,
  explicitCast,
  logical,
  num,
  numVal,
  rv,
  scaled,
  shift,
  sub,
  unary as unaryNode,
} from './Nodes';
import { deref, incdec, postfix } from './Postfix';
import type { State } from './State';
import { integerPromote, isInteger, isScalar, T, typeName, unqualified, usualArith } from './Types';

/** expression := assignment (',' assignment)* */
export function expr(p: State): Node {
  let n = assign(p);
  while (p.is(',')) {
    p.next();
    const r = rv(assign(p));
    n = binaryComma(n, r);
  }
  return n;
}

function binaryComma(l: Node, r: Node): Node {
  return binary('comma', rv(l), r, r.ty);
}

const COMPOUND: Record<string, BinaryOp> = {
  '+=': 'add',
  '-=': 'sub',
  '*=': 'mul',
  '/=': 'div',
  '%=': 'mod',
  '&=': 'bitand',
  '|=': 'bitor',
  '^=': 'bitxor',
  '<<=': 'shl',
  '>>=': 'shr',
};

/** assignment := conditional (assign-op assignment)? */
export function assign(p: State): Node {
  const lhs = conditional(p);
  const t = p.tok;
  if (t.kind !== 'punct') return lhs;
  if (t.text === '=') {
    p.next();
    const rhs = assign(p);
    checkModifiable(lhs, t.loc, 'left operand of assignment');
    const lt = unqualified(lhs.ty);
    const n = binary('assign', lhs, assignConvert(rhs, lt, { kind: 'assign', loc: t.loc }), lt);
    return n;
  }
  const op = COMPOUND[t.text];
  if (!op) return lhs;
  p.next();
  const rhs = rv(assign(p));
  checkModifiable(lhs, t.loc, 'left operand of assignment');
  const lt = unqualified(lhs.ty);
  let opTy;
  let r: Node;
  if (lt.kind === 'ptr' && (op === 'add' || op === 'sub') && isInteger(rhs.ty)) {
    opTy = lt;
    r = scaled(rhs, lt, t.loc);
  } else {
    if (!isInteger(lt) || !isInteger(rhs.ty)) {
      p.error(t, `invalid operands to binary expression ('${typeName(lhs.ty)}' and '${typeName(rhs.ty)}')`);
    }
    opTy = op === 'shl' || op === 'shr' ? integerPromote(lt) : usualArith(lt, rhs.ty);
    r = convert(op === 'shl' || op === 'shr' ? convert(rhs, integerPromote(rhs.ty)) : rhs, opTy);
  }
  const n = binary('assign', lhs, r, lt);
  n.op = op;
  n.opTy = opTy;
  return n;
}

/** conditional := binary ('?' expression ':' conditional)? */
export function conditional(p: State): Node {
  const c = binaryExpr(p, 1);
  if (!p.is('?')) return c;
  const q = p.next();
  const cond = checkScalar(c, q.loc);
  const a = expr(p);
  const colon = p.expect(':');
  const b = conditional(p);
  return condNode(cond, a, b, c.loc, colon.loc);
}

/** Binary operators by precedence (C99 6.5.5-6.5.14), lowest first; all left-associative. */
const PREC = new Map<string, number>([
  ['||', 1], ['&&', 2], ['|', 3], ['^', 4], ['&', 5], ['==', 6], ['!=', 6], ['<', 7], ['<=', 7], ['>', 7], ['>=', 7],
  ['<<', 8], ['>>', 8], ['+', 9], ['-', 9], ['*', 10], ['/', 10], ['%', 10],
]);

/** Precedence climbing over the binary levels (one table lookup per operator instead of one call per level). */
function binaryExpr(p: State, min: number): Node {
  let lhs = cast(p);
  for (;;) {
    const t = p.tok;
    if (t.kind !== 'punct') return lhs;
    const prec = PREC.get(t.text);
    if (prec === undefined || prec < min) return lhs;
    p.next();
    lhs = binaryOp(t, lhs, binaryExpr(p, prec + 1));
  }
}

function binaryOp(t: Token, l: Node, r: Node): Node {
  const at = t.loc;
  switch (t.text) {
    case '||':
      return logical('logor', l, r, at);
    case '&&':
      return logical('logand', l, r, at);
    case '|':
      return arithmetic('bitor', l, r, at);
    case '^':
      return arithmetic('bitxor', l, r, at);
    case '&':
      return arithmetic('bitand', l, r, at);
    case '==':
      return compare('eq', l, r, at);
    case '!=':
      return compare('ne', l, r, at);
    case '<':
      return compare('lt', l, r, at);
    case '<=':
      return compare('le', l, r, at);
    case '>':
      return compare('lt', r, l, at, l.loc); // a > b is b < a
    case '>=':
      return compare('le', r, l, at, l.loc);
    case '<<':
      return shift('shl', l, r, at);
    case '>>':
      return shift('shr', l, r, at);
    case '+':
      return add(l, r, at);
    case '-':
      return sub(l, r, at);
    case '*':
      return arithmetic('mul', l, r, at);
    case '/':
      return arithmetic('div', l, r, at);
    default:
      return arithmetic('mod', l, r, at);
  }
}

/** cast := '(' type-name ')' cast | unary */
export function cast(p: State): Node {
  if (p.is('(') && p.isTypename(p.peek())) {
    const lp = p.next();
    const t = p.typeName();
    p.expect(')', "expected ')'");
    if (p.is('{')) p.error(p.tok, 'compound literals are not supported in SMM-C');
    return explicitCast(cast(p), t, lp.loc);
  }
  return unary(p);
}

/** unary := ('+' | '-' | '&' | '*' | '!' | '~') cast | ('++' | '--') unary | sizeof | _Alignof | postfix */
export function unary(p: State): Node {
  const t = p.tok;
  if (t.kind === 'ident') {
    if (t.text === 'sizeof' || t.text === '_Alignof' || t.text === '__alignof__' || t.text === '__alignof') return sizeofExpr(p);
    if (t.text === '__extension__') {
      p.next();
      return cast(p);
    }
  }
  if (t.kind !== 'punct') return postfix(p);
  switch (t.text) {
    case '+': {
      p.next();
      const n = rv(cast(p));
      if (!isInteger(n.ty)) p.error(t, `invalid argument type '${typeName(n.ty)}' to unary expression`);
      return convert(n, integerPromote(n.ty));
    }
    case '-':
    case '~': {
      p.next();
      const n = rv(cast(p));
      if (!isInteger(n.ty)) p.error(t, `invalid argument type '${typeName(n.ty)}' to unary expression`);
      const pt = integerPromote(n.ty);
      const v = convert(n, pt);
      if (v.kind === 'num') return num(t.text === '-' ? -numVal(v) : ~numVal(v), pt, t.loc);
      return unaryNode(t.text === '-' ? 'neg' : 'bitnot', v, pt, t.loc);
    }
    case '!': {
      p.next();
      const n = rv(cast(p));
      if (!isScalar(n.ty)) p.error(t, `invalid argument type '${typeName(n.ty)}' to unary expression`);
      if (n.kind === 'num') return num(numVal(n) === 0n ? 1 : 0, T.int, t.loc);
      return unaryNode('not', n, T.int, t.loc);
    }
    case '&': {
      p.next();
      const n = cast(p);
      if (n.kind === 'member' && n.member!.bitWidth !== null) p.error(t, "address of bit-field requested");
      if (n.kind !== 'deref' && !(n.kind === 'var' || n.kind === 'member')) {
        p.error(t, "lvalue required as unary '&' operand");
      }
      return addressOf(n, t.loc);
    }
    case '*': {
      p.next();
      return deref(p, cast(p), t);
    }
    case '++':
    case '--': {
      p.next();
      return incdec(p, unary(p), t.text === '++' ? 1 : -1, true, t.loc);
    }
  }
  return postfix(p);
}

function sizeofExpr(p: State): Node {
  const t = p.next();
  const align = t.text !== 'sizeof';
  let type;
  let bitField = false;
  if (p.is('(') && p.isTypename(p.peek())) {
    p.next();
    type = p.typeName();
    p.expect(')', "expected ')'");
    if (p.is('{')) p.error(p.tok, 'compound literals are not supported in SMM-C');
  } else {
    const n = unary(p);
    type = n.ty;
    bitField = n.kind === 'member' && n.member!.bitWidth !== null;
  }
  const what = align ? 'alignof' : 'sizeof';
  if (bitField) p.error(t, `invalid application of '${what}' to bit-field`);
  if (type.kind === 'func') p.error(t, `invalid application of '${what}' to a function type`);
  if (type.size < 0 && type.kind !== 'void') p.error(t, `invalid application of '${what}' to an incomplete type '${typeName(type)}'`);
  return num(type.kind === 'void' ? 1 : align ? type.align : type.size, T.ulong, t.loc);
}

/** An integer constant expression (array sizes, case labels, enum values, bit-field widths). */
export function constExpr(p: State): bigint {
  const start = p.tok;
  const n = conditional(p);
  const v = evalConst(n);
  if (!v || v.obj || !isInteger(n.ty)) p.error(start, 'expression is not an integer constant expression');
  return v.val;
}
