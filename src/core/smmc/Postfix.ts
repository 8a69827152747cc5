/**
 * Postfix and primary expressions (C99 6.5.1, 6.5.2): subscripts, calls (direct, through a
 * pointer, `(*fp)(x)`), member access with anonymous members, `++`/`--`, identifiers, constants,
 * string literals (globals `.str.N`), `__func__` and `__builtin_offsetof` (folded).
 */

import type { CType, Member, Node, Obj } from './Ast';
import type { Token } from './Lexer';
import {
  add,
  assignConvert,
  checkModifiable,
  convert,
  mk,
  num,
  rv,
  unary as unaryNode,
  varNode,
} from './Nodes';
import type { State } from './State';
import { arrayOf, integerPromote, isInteger, isScalar, sameType, T, typeName, unqualified } from './Types';

export function postfix(p: State): Node {
  let n = primary(p);
  for (;;) {
    const t = p.tok;
    if (t.kind !== 'punct') return n;
    switch (t.text) {
      case '[': {
        p.next();
        const idx = rv(p.expr());
        p.expect(']', "expected ']'");
        const base = rv(n);
        if (base.ty.kind !== 'ptr' && idx.ty.kind !== 'ptr') p.error(t, 'subscripted value is not an array, pointer, or vector');
        if (!isInteger(base.ty.kind === 'ptr' ? idx.ty : base.ty)) p.error(t, 'array subscript is not an integer');
        n = deref(p, add(base, idx, t.loc), t, n.loc);
        continue;
      }
      case '(':
        n = funcall(p, n, p.next());
        continue;
      case '.':
      case '->': {
        p.next();
        const name = p.tok;
        if (name.kind !== 'ident' || p.isKeyword(name)) p.error(name, 'expected identifier');
        p.next();
        n = member(p, n, name, t);
        continue;
      }
      case '++':
      case '--':
        p.next();
        n = incdec(p, n, t.text === '++' ? 1 : -1, false, t.loc);
        continue;
      default:
        return n;
    }
  }
}

/** `*n` (C99 6.5.3.2): a pointer operand; `*&x` is x, `*f` of a function is the function. */
export function deref(p: State, n: Node, opTok: Token, loc = opTok.loc): Node {
  n = rv(n);
  if (n.ty.kind !== 'ptr') p.error(opTok, `indirection requires pointer operand ('${typeName(n.ty)}' invalid)`);
  const b = n.ty.base!;
  if (b.kind === 'void') p.error(opTok, `dereferencing '${typeName(n.ty)}' pointer`);
  if (n.kind === 'addr' && sameType(n.lhs!.ty, b)) return n.lhs!; // *&x, *f
  return unaryNode('deref', n, b, loc);
}

/** The members to go through to reach `name` (more than one for a member of an anonymous struct/union). */
export function findMember(t: CType, name: string): Member[] | null {
  for (const m of t.members ?? []) {
    if (m.name === name) return [m];
    if (!m.name && (m.ty.kind === 'struct' || m.ty.kind === 'union')) {
      const inner = findMember(m.ty, name);
      if (inner) return [m, ...inner];
    }
  }
  return null;
}

/** `struct _X` for a tagged struct (as in "no member named 'X' in 'struct _Y'"), else its typedef name. */
export function structName(t: CType): string {
  return t.tag ? `${t.kind} ${t.tag}` : typeName(unqualified(t));
}

function member(p: State, base: Node, name: Token, op: Token): Node {
  if (op.text === '->') {
    base = rv(base);
    if (base.ty.kind !== 'ptr') {
      if (base.ty.kind === 'struct' || base.ty.kind === 'union') {
        p.error(op, `member reference type '${typeName(base.ty)}' is not a pointer; did you mean to use '.'?`);
      }
      p.error(op, `member reference type '${typeName(base.ty)}' is not a pointer`);
    }
    const b = base.ty.base!;
    if (b.kind !== 'struct' && b.kind !== 'union') {
      p.error(op, `member reference base type '${typeName(b)}' is not a structure or union`);
    }
    base = unaryNode('deref', base, b, base.loc);
  } else if (base.ty.kind !== 'struct' && base.ty.kind !== 'union') {
    const b = base.ty.kind === 'ptr' ? base.ty.base! : null;
    if (b && (b.kind === 'struct' || b.kind === 'union')) {
      p.error(op, `member reference type '${typeName(base.ty)}' is a pointer; did you mean to use '->'?`);
    }
    p.error(op, `member reference base type '${typeName(base.ty)}' is not a structure or union`);
  }
  const st = base.ty;
  if (!st.members) p.error(op, `incomplete definition of type '${typeName(st)}'`);
  const path = findMember(st, name.text);
  if (!path) p.error(name, `no member named '${name.text}' in '${structName(st)}'`);
  let n = base;
  for (const m of path) {
    const isConst = n.ty.isConst && !m.ty.isConst;
    const isVolatile = n.ty.isVolatile && !m.ty.isVolatile;
    const mt = isConst || isVolatile ? p.copy(m.ty, { isConst: m.ty.isConst || isConst, isVolatile: m.ty.isVolatile || isVolatile }) : m.ty;
    const next = mk('member', base.loc, mt);
    next.lhs = n;
    next.member = m;
    n = next;
  }
  return n;
}

function funcall(p: State, callee: Node, lparen: Token): Node {
  let c = callee;
  if (c.ty.kind === 'func' && c.kind === 'deref') c = c.lhs!;
  let fn: CType;
  if (c.ty.kind === 'func') fn = c.ty;
  else if (c.ty.kind === 'ptr' && c.ty.base!.kind === 'func') fn = c.ty.base!;
  else return p.error(lparen, `called object type '${typeName(c.ty)}' is not a function or function pointer`);
  const args: Node[] = [];
  const params = fn.params;
  if (!p.is(')')) {
    for (;;) {
      const at = p.tok;
      let a = p.assign();
      const i = args.length;
      if (params && i < params.length) a = assignConvert(a, params[i], { kind: 'arg', loc: at.loc });
      else if (params && !fn.variadic) {
        p.error(at, `too many arguments to function call, expected ${params.length}, have ${countArgs(p, i + 1)}`);
      } else {
        a = rv(a); // C99 6.5.2.2: default argument promotions for `...` and unprototyped calls
        if (isInteger(a.ty)) a = convert(a, integerPromote(a.ty));
        if (a.ty.kind === 'void') p.error(at, "argument type 'void' is incomplete");
      }
      args.push(a);
      if (!p.consume(',')) break;
    }
  }
  const rp = p.tok;
  p.expect(')', "expected ')'");
  if (params && args.length < params.length) {
    const least = fn.variadic ? 'at least ' : '';
    p.error(rp, `too few arguments to function call, expected ${least}${params.length}, have ${args.length}`);
  }
  const ret = fn.returnTy!;
  if (ret.size < 0 && ret.kind !== 'void') p.error(lparen, `calling function with incomplete return type '${typeName(ret)}'`);
  const n = mk('funcall', callee.loc, unqualified(ret));
  n.callee = c;
  n.args = args;
  return n;
}

/** For the "too many arguments" message: how many arguments the call has in all (skipping the rest). */
function countArgs(p: State, have: number): number {
  let depth = 0;
  let n = have;
  for (let i = p.pos; i < p.toks.length; i++) {
    const t = p.toks[i];
    if (t.kind === 'eof') break;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') {
      if (depth === 0) break;
      depth--;
    } else if (t.text === ',' && depth === 0) n++;
  }
  return n;
}

function primary(p: State): Node {
  const t = p.tok;
  switch (t.kind) {
    case 'num':
    case 'char': {
      p.next();
      const nt = t.numType;
      const type = nt === 'uint' ? T.uint : nt === 'long' ? T.long : nt === 'ulong' ? T.ulong : nt === 'char16' ? T.ushort : T.int;
      return num(t.value ?? 0n, type, t.loc);
    }
    case 'str':
      return stringLiteral(p);
    case 'ident':
      return identifier(p, t);
    case 'punct':
      if (t.text === '(') {
        p.next();
        if (p.is('{')) p.error(p.tok, 'statement expressions are not supported in SMM-C');
        const n = p.expr();
        p.expect(')', "expected ')'");
        return n;
      }
      break;
  }
  return p.error(t, 'expected expression');
}

function identifier(p: State, t: Token): Node {
  const name = t.text;
  const b = p.lookup(name); // keywords are never bound: declarations refuse them as names
  if (b) {
    p.next();
    switch (b.kind) {
      case 'obj':
        return varNode(b.obj, t.loc);
      case 'enumConst':
        return num(b.val, b.ty, t.loc);
      case 'typedef':
        return p.error(t, `unexpected type name '${name}': expected expression`);
    }
  }
  if (name === '__builtin_offsetof') return offsetof(p);
  if (p.isKeyword(t)) {
    if (name === 'float' || name === 'double') p.error(t, 'floating point is not supported in SMM code');
    if (name === 'asm' || name === '__asm__' || name === '__asm') p.error(t, 'inline assembly is not supported in SMM-C');
    p.error(t, 'expected expression');
  }
  p.next();
  if ((name === '__func__' || name === '__FUNCTION__') && p.fn) return varNode(funcName(p), t.loc);
  if (p.is('(')) p.error(t, `call to undeclared function '${name}'; ISO C99 and later do not support implicit function declarations`);
  return p.error(t, `use of undeclared identifier '${name}'`);
}

/** A global holding the code units of a string literal (with its terminating zero). */
export function stringGlobal(p: State, units: number[], wide: boolean, loc: Token['loc']): Obj {
  const t = arrayOf(wide ? T.ushort : T.char, units.length + 1);
  const o = p.newGlobal(p.stringName(), t, loc);
  o.isStatic = true;
  o.isDefinition = true;
  const bytes = new Uint8Array(t.size);
  for (let i = 0; i < units.length; i++) {
    if (wide) {
      bytes[i * 2] = units[i] & 0xff;
      bytes[i * 2 + 1] = (units[i] >> 8) & 0xff;
    } else bytes[i] = units[i] & 0xff;
  }
  o.init = bytes;
  return o;
}

/** Adjacent string literals, concatenated (wide if any of them is). */
export function readString(p: State): { units: number[]; wide: boolean; loc: Token['loc'] } {
  const first = p.tok;
  let units: number[] = [];
  let wide = false;
  while (p.tok.kind === 'str') {
    const s = p.next();
    if (s.wide) wide = true;
    units = units.concat(s.units ?? []);
  }
  return { units, wide, loc: first.loc };
}

function stringLiteral(p: State): Node {
  const s = readString(p);
  return varNode(stringGlobal(p, s.units, s.wide, s.loc), s.loc);
}

function funcName(p: State): Obj {
  const f = p.fn!;
  if (!f.funcName) {
    const name = f.obj.name;
    f.funcName = stringGlobal(p, Array.from(name, (c) => c.charCodeAt(0) & 0xff), false, f.obj.loc);
  }
  return f.funcName;
}

/** `__builtin_offsetof (T, a.b[2])` (edk2's OFFSET_OF with gcc): a constant of type unsigned long. */
function offsetof(p: State): Node {
  const start = p.next();
  p.expect('(', "expected '('");
  const t = p.typeName();
  p.expect(',', "expected ','");
  let cur = t;
  let off = 0n;
  let first = true;
  for (;;) {
    if (first || p.is('.')) {
      if (!first) p.next();
      first = false;
      const name = p.tok;
      if (name.kind !== 'ident') p.error(name, 'expected identifier');
      p.next();
      if (cur.kind !== 'struct' && cur.kind !== 'union') p.error(name, `offsetof requires struct, union, or class type, '${typeName(cur)}' invalid`);
      if (!cur.members) p.error(name, `incomplete definition of type '${typeName(cur)}'`);
      const path = findMember(cur, name.text);
      if (!path) p.error(name, `no member named '${name.text}' in '${structName(cur)}'`);
      for (const m of path) {
        if (m.bitWidth !== null) p.error(name, `cannot compute offset of bit-field '${m.name}'`);
        off += BigInt(m.offset);
        cur = m.ty;
      }
    } else if (p.is('[')) {
      const lb = p.next();
      const idxTok = p.tok;
      const e = p.expr();
      const v = e.kind === 'num' ? BigInt(e.val) : null;
      if (v === null) p.error(idxTok, 'expression is not an integer constant expression');
      p.expect(']', "expected ']'");
      if (cur.kind !== 'array') p.error(lb, 'subscripted value is not an array');
      cur = cur.base!;
      off += v * BigInt(cur.size);
    } else break;
  }
  p.expect(')', "expected ')'");
  return num(off, T.ulong, start.loc);
}

/** `++x`, `x--`, ...: delta is ±1, or ±sizeof (*p) for pointers. */
export function incdec(p: State, lhs: Node, sign: 1 | -1, prefix: boolean, loc: Node['loc']): Node {
  checkModifiable(lhs, loc, sign > 0 ? 'increment operand' : 'decrement operand');
  if (!isScalar(lhs.ty)) p.error(loc, `cannot ${sign > 0 ? 'increment' : 'decrement'} value of type '${typeName(lhs.ty)}'`);
  let delta = sign;
  if (lhs.ty.kind === 'ptr') {
    const b = lhs.ty.base!;
    if (b.size < 0 && b.kind !== 'void' && b.kind !== 'func') p.error(loc, `arithmetic on a pointer to an incomplete type '${typeName(b)}'`);
    delta = sign * (b.kind === 'void' || b.kind === 'func' ? 1 : b.size);
  }
  const n = mk('incdec', prefix ? loc : lhs.loc, unqualified(lhs.ty));
  n.lhs = lhs;
  n.prefix = prefix;
  n.delta = delta;
  return n;
}

