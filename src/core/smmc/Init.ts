/**
 * Initializers (C99 6.7.8): braces, brace elision, designators (`.Field =`, `[3] =`, chains),
 * strings for char and CHAR16 arrays, `T a[] = {...}` sizing. A global's initializer becomes its
 * bytes plus relocations (addresses of globals, functions, strings); a local's becomes a
 * 'memzero' and assignments, as chibicc's lvar_initializer/gvar_initializer do.
 */

import type { CType, Member, Node, Obj, Reloc } from './Ast';
import { evalConst } from './ConstEval';
import type { Token } from './Lexer';
import { add, assignConvert, binary, mk, num, numVal, rv, varNode, VOID } from './Nodes';
import { findMember, readString, structName } from './Postfix';
import type { State } from './State';
import { arrayOf, isInteger, sameType, ty, typeName, unqualified } from './Types';

/** The initializer of one object or sub-object. */
export interface Init {
  ty: CType;
  /** A scalar's value, or a struct/union initialized from an expression of its type. */
  expr: Node | null;
  /** Elements (arrays) or members (structs; unions: only `unionIdx`), by index. */
  children: (Init | undefined)[] | null;
  /** A char or CHAR16 array initialized by a string literal. */
  str: number[] | null;
  member: Member | null;
  /** Where it was written (errors about its value). */
  loc: Token['loc'];
  unionIdx: number;
}

function newInit(t: CType, loc: Token['loc'], member: Member | null = null): Init {
  return { ty: t, expr: null, children: null, str: null, member, loc, unionIdx: -1 };
}

/** Parses the initializer of an object of type t; returns it and the type completed (`T a[] = ...`). */
export function initializer(p: State, t: CType): { init: Init; ty: CType } {
  const init = newInit(t, p.tok.loc);
  if (t.size < 0 && !(t.kind === 'array' && t.base!.size >= 0)) p.error(p.tok, `variable has incomplete type '${typeName(t)}'`);
  if (t.kind === 'array' && !p.is('{') && !(p.tok.kind === 'str' && charArray(t))) {
    p.error(p.tok, 'array initializer must be an initializer list');
  }
  if ((t.kind === 'struct' || t.kind === 'union') && !p.is('{')) {
    init.expr = p.assign(); // struct from a value of the same struct type (checked when lowered)
    return { init, ty: t };
  }
  fill(p, init, null);
  if (t.kind === 'array' && t.arrayLen < 0) {
    const n = init.str ? init.str.length + 1 : (init.children?.length ?? 0);
    init.ty = arrayOf(t.base!, n);
  }
  return { init, ty: init.ty };
}

function charArray(t: CType): boolean {
  return t.kind === 'array' && isInteger(t.base!) && (t.base!.size === 1 || t.base!.size === 2);
}

/** The members that positional initializers fill (unnamed bit fields are skipped, C99 6.7.8p9). */
function positional(t: CType, i: number): number {
  const ms = t.members!;
  while (i < ms.length && !ms[i].name && ms[i].bitWidth !== null) i++;
  return i;
}

function child(init: Init, i: number): Init {
  const t = init.ty;
  if (t.kind === 'union') {
    if (init.unionIdx !== i) init.children = [];
    init.unionIdx = i;
  }
  if (!init.children) init.children = [];
  let c = init.children[i];
  if (!c) {
    const m = t.kind === 'array' ? null : t.members![i];
    c = newInit(m ? m.ty : t.base!, init.loc, m);
    init.children[i] = c;
  }
  return c;
}

/** At `,` followed by another element of an elided brace (not `}` and not a designator)? */
function moreElided(p: State): boolean {
  if (!p.is(',')) return false;
  const n = p.peek();
  return !(n.kind === 'punct' && (n.text === '}' || n.text === '.' || n.text === '['));
}

/** One initializer for `init`; `pending` is an expression already read for its first scalar. */
function fill(p: State, init: Init, pending: Node | null): void {
  const t = init.ty;
  if (!pending) {
    init.loc = p.tok.loc;
    if (t.kind === 'array' && charArray(t) && p.tok.kind === 'str') return stringInit(p, init);
    if (p.is('{')) return braced(p, init);
    if (t.kind === 'array') return elided(p, init, null);
    if (t.kind === 'struct' || t.kind === 'union') {
      if (p.tok.kind === 'str' && firstLeafIsCharArray(t)) return elided(p, init, null);
      const e = p.assign();
      if ((e.ty.kind === 'struct' || e.ty.kind === 'union') && sameType(e.ty, t)) {
        init.expr = e;
        return;
      }
      return elided(p, init, e);
    }
    init.expr = p.assign();
    return;
  }
  if (t.kind === 'array' || ((t.kind === 'struct' || t.kind === 'union') && !sameType(pending.ty, t))) return elided(p, init, pending);
  init.expr = pending;
}

function firstLeafIsCharArray(t: CType): boolean {
  for (;;) {
    if (charArray(t)) return true;
    if (t.kind === 'array') t = t.base!;
    else if ((t.kind === 'struct' || t.kind === 'union') && t.members && t.members.length) t = t.members[positional(t, 0)]?.ty ?? ty.int;
    else return false;
  }
}

/** An aggregate without its own braces (brace elision): as many elements as it has, or fewer. */
function elided(p: State, init: Init, pending: Node | null): void {
  const t = init.ty;
  const n = t.kind === 'array' ? t.arrayLen : t.kind === 'union' ? 1 : t.members!.length;
  if (n < 0) p.error(p.tok, 'array initializer must be an initializer list');
  let first = true;
  for (let i = t.kind === 'array' ? 0 : positional(t, 0); i < n; i = t.kind === 'array' ? i + 1 : positional(t, i + 1)) {
    if (!first) {
      if (!moreElided(p)) return;
      p.next();
    }
    fill(p, child(init, i), first ? pending : null);
    first = false;
  }
}

function stringInit(p: State, init: Init): void {
  const s = readString(p);
  const t = init.ty;
  const wideArray = t.base!.size === 2;
  if (s.wide && !wideArray) p.error(s.loc, 'initializing char array with wide string literal');
  if (!s.wide && wideArray) p.error(s.loc, 'initializing wide char array with non-wide string literal');
  if (t.arrayLen >= 0 && s.units.length > t.arrayLen) p.error(s.loc, 'initializer-string for char array is too long');
  init.str = s.units;
}

function braced(p: State, init: Init): void {
  p.next();
  const t = init.ty;
  if (t.kind === 'array' && charArray(t) && p.tok.kind === 'str') {
    stringInit(p, init);
    p.consume(',');
    p.expect('}', "expected '}'");
    return;
  }
  if (t.kind !== 'array' && t.kind !== 'struct' && t.kind !== 'union') {
    // `int x = { 5 };`
    if (p.is('}')) p.error(p.tok, 'scalar initializer cannot be empty');
    init.expr = p.assign();
    p.consume(',');
    if (!p.is('}')) p.error(p.tok, 'excess elements in scalar initializer');
    p.next();
    return;
  }
  let i = t.kind === 'array' ? 0 : positional(t, 0);
  for (;;) {
    if (p.consume('}')) return;
    if (p.is('[') || p.is('.')) {
      i = designator(p, init) + 1;
      if (t.kind !== 'array') i = positional(t, i);
    } else {
      const n = t.kind === 'array' ? t.arrayLen : t.kind === 'union' ? 1 : t.members!.length;
      if (n >= 0 && i >= n) p.error(p.tok, `excess elements in ${t.kind} initializer`);
      fill(p, child(init, i), null);
      i = t.kind === 'array' ? i + 1 : positional(t, i + 1);
    }
    if (!p.consume(',') && !p.is('}')) p.error(p.tok, "expected '}'");
  }
}

/** `[k]` or `.Field` (then more designators or `=` and the value) at this level; returns the index it chose. */
function designator(p: State, init: Init): number {
  const t = init.ty;
  const d = p.next();
  let idx: number;
  let target: Init;
  if (d.text === '[') {
    if (t.kind !== 'array') p.error(d, `array designator cannot initialize non-array type '${typeName(t)}'`);
    const at = p.tok;
    const e = p.assign();
    const v = evalConst(e);
    if (!v || v.obj || !isInteger(e.ty)) p.error(at, 'expression is not an integer constant expression');
    p.expect(']', "expected ']'");
    if (v.val < 0n || (t.arrayLen >= 0 && v.val >= BigInt(t.arrayLen))) {
      p.error(at, `array designator index (${v.val}) exceeds array bounds (${t.arrayLen})`);
    }
    idx = Number(v.val);
    target = child(init, idx);
  } else {
    const name = p.tok;
    if (name.kind !== 'ident') p.error(name, 'expected a field designator, such as \'.field = 4\'');
    p.next();
    if (t.kind !== 'struct' && t.kind !== 'union') {
      p.error(d, `field designator cannot initialize a non-struct, non-union type '${typeName(t)}'`);
    }
    const path = findMember(t, name.text);
    if (!path) p.error(name, `field designator '${name.text}' does not refer to any field in type '${structName(t)}'`);
    idx = t.members!.indexOf(path[0]);
    target = child(init, idx);
    for (let k = 1; k < path.length; k++) target = child(target, target.ty.members!.indexOf(path[k]));
  }
  if (p.is('[') || p.is('.')) designator(p, target);
  else {
    p.expect('=', "expected '=' or another designator");
    fill(p, target, null);
  }
  return idx;
}

// ---- lowering

function writeLE(bytes: Uint8Array, off: number, size: number, v: bigint): void {
  for (let i = 0; i < size && off + i < bytes.length; i++) {
    bytes[off + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function readLE(bytes: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(off + i < bytes.length ? bytes[off + i] : 0);
  return v;
}

/** A global's initial bytes and relocations; every element must be a constant or an address constant. */
export function globalInit(p: State, obj: Obj, init: Init): void {
  const bytes = new Uint8Array(Math.max(0, obj.ty.size));
  const relocs: Reloc[] = [];
  write(p, init, bytes, 0, relocs);
  obj.init = bytes;
  obj.relocs = relocs;
}

function write(p: State, init: Init, bytes: Uint8Array, off: number, relocs: Reloc[]): void {
  const t = init.ty;
  if (init.str) {
    const es = t.base!.size;
    const n = t.arrayLen >= 0 ? Math.min(init.str.length, t.arrayLen) : init.str.length;
    for (let i = 0; i < n; i++) writeLE(bytes, off + i * es, es, BigInt(init.str[i]));
    return;
  }
  if (init.expr) {
    const e = assignConvert(init.expr, t, { kind: 'init', loc: init.expr.loc });
    const v = evalConst(e);
    const m = init.member;
    const bitField = m !== null && m.bitWidth !== null;
    if (!v || (v.obj && (t.size !== 8 || bitField))) p.error(init.expr.loc, 'initializer element is not a compile-time constant');
    if (v.obj) relocs.push({ offset: off, target: v.obj, addend: Number(BigInt.asIntN(64, v.val)) });
    else if (bitField) {
      const size = m.ty.size;
      const mask = ((1n << BigInt(m.bitWidth!)) - 1n) << BigInt(m.bitOffset);
      const old = readLE(bytes, off, size);
      writeLE(bytes, off, size, (old & ~mask) | ((v.val << BigInt(m.bitOffset)) & mask));
    } else writeLE(bytes, off, t.size, v.val);
    return;
  }
  if (!init.children) return;
  for (let i = 0; i < init.children.length; i++) {
    const c = init.children[i];
    if (!c) continue;
    if (t.kind === 'array') write(p, c, bytes, off + i * t.base!.size, relocs);
    else write(p, c, bytes, off + t.members![i].offset, relocs);
  }
}

/** A local's initializer as one expression: `memzero` and the assignments (just one for a scalar). */
export function localInit(obj: Obj, init: Init, loc: Token['loc']): Node {
  const lv = varNode(obj, loc);
  if (init.expr) return store(lv, init.expr, init.ty);
  const parts: Node[] = [];
  const z = mk('memzero', loc, VOID);
  z.obj = obj;
  parts.push(z);
  emit(init, lv, parts);
  let n = parts[0];
  for (let i = 1; i < parts.length; i++) n = binary('comma', n, parts[i], parts[i].ty, loc);
  return n;
}

function store(lv: Node, e: Node, t: CType): Node {
  const lt = unqualified(t);
  return binary('assign', lv, assignConvert(e, lt, { kind: 'init', loc: e.loc }), lt, lv.loc);
}

function elementOf(lv: Node, i: number): Node {
  const a = i === 0 ? rv(lv) : add(lv, num(i, ty.long, lv.loc), lv.loc);
  const d = mk('deref', lv.loc, lv.ty.base!);
  d.lhs = a;
  return d;
}

function emit(init: Init, lv: Node, out: Node[]): void {
  const t = init.ty;
  if (init.str) {
    const n = t.arrayLen >= 0 ? Math.min(init.str.length, t.arrayLen) : init.str.length;
    for (let i = 0; i < n; i++) if (init.str[i] !== 0) out.push(store(elementOf(lv, i), num(init.str[i], t.base!, lv.loc), t.base!));
    return;
  }
  if (init.expr) {
    const e = init.expr;
    if (e.kind === 'num' && numVal(e) === 0n) return; // memzero did it
    out.push(store(lv, e, t));
    return;
  }
  if (!init.children) return;
  for (let i = 0; i < init.children.length; i++) {
    const c = init.children[i];
    if (!c) continue;
    if (t.kind === 'array') emit(c, elementOf(lv, i), out);
    else {
      const m = t.members![i];
      const mn = mk('member', lv.loc, m.ty);
      mn.lhs = lv;
      mn.member = m;
      emit(c, mn, out);
    }
  }
}
