/**
 * Declarations' types (C99 6.7): declaration specifiers, declarators (pointers, arrays, functions,
 * nested `(EFIAPI *Fn)(...)`), type names, struct/union/enum specifiers, typedef names,
 * `_Static_assert`; `__attribute__((...))` and `__declspec(...)` are skipped (`packed` is kept).
 * The declarator is read as chibicc's parse.c reads it: the part in parentheses is applied last.
 */

import type { CType } from './Ast';
import { constExpr } from './Expr';
import { layout, type FieldDecl } from './Layout';
import type { Token } from './Lexer';
import type { State } from './State';
import { arrayOf, enumType, funcType, intType, isInteger, pointerTo, sameType, structType, ty, typeName } from './Types';

export interface DeclAttr {
  isTypedef: boolean;
  isStatic: boolean;
  isExtern: boolean;
  isInline: boolean;
}

export function newAttr(): DeclAttr {
  return { isTypedef: false, isStatic: false, isExtern: false, isInline: false };
}

/** A parameter as written (the name matters only in a definition). */
export interface ParamDecl {
  name: Token | null;
  ty: CType;
  loc: Token['loc'];
}

export interface Declarator {
  ty: CType;
  name: Token | null;
  /** When the declarator is a function declarator `name(...)`: its parameters, for a definition. */
  params: ParamDecl[] | null;
  /** Where the declarator starts (for messages about unnamed parameters). */
  loc: Token['loc'];
}

const QUALS = new Map<string, 'c' | 'v' | 'r'>([
  ['const', 'c'],
  ['__const', 'c'],
  ['__const__', 'c'],
  ['volatile', 'v'],
  ['__volatile', 'v'],
  ['__volatile__', 'v'],
  ['restrict', 'r'],
  ['__restrict', 'r'],
  ['__restrict__', 'r'],
]);

/** Skips `__attribute__((...))` and `__declspec(...)`; tells whether one of them said `packed`. */
export function skipAttributes(p: State): boolean {
  let packed = false;
  for (;;) {
    const t = p.tok;
    if (t.kind !== 'ident' || (t.text !== '__attribute__' && t.text !== '__attribute' && t.text !== '__declspec')) return packed;
    p.next();
    const open = p.expect('(', "expected '('");
    let depth = 1;
    while (depth > 0) {
      const u = p.tok;
      if (u.kind === 'eof') p.error(open, "expected ')'");
      p.next();
      if (u.kind === 'punct') {
        if (u.text === '(') depth++;
        else if (u.text === ')') depth--;
      } else if (u.kind === 'ident' && (u.text === 'packed' || u.text === '__packed__')) packed = true;
    }
  }
}

/** declaration-specifiers: storage classes (into attr), qualifiers and one type. */
export function declspec(p: State, attr: DeclAttr | null): CType {
  const start = p.tok;
  let nVoid = 0, nBool = 0, nChar = 0, nShort = 0, nInt = 0, nLong = 0, nSigned = 0, nUnsigned = 0;
  let other: CType | null = null;
  let isConst = false;
  let isVolatile = false;
  let count = 0; // type specifiers seen
  for (;;) {
    const t = p.tok;
    if (t.kind !== 'ident') break;
    const w = t.text;
    const storage = STORAGE.get(w);
    if (storage) {
      p.next();
      if (storage === 'x') continue; // register, auto, _Noreturn: nothing to do
      if (!attr) p.error(t, `'${w}' is not allowed here`);
      if (storage === 't') attr.isTypedef = true;
      else if (storage === 's') attr.isStatic = true;
      else if (storage === 'e') attr.isExtern = true;
      else attr.isInline = true;
      if (attr.isTypedef && (attr.isStatic || attr.isExtern)) p.error(t, 'cannot combine with previous declaration specifier');
      continue;
    }
    const q = QUALS.get(w);
    if (q) {
      p.next();
      if (q === 'c') isConst = true;
      else if (q === 'v') isVolatile = true;
      continue;
    }
    if (w === '__attribute__' || w === '__attribute' || w === '__declspec') {
      skipAttributes(p);
      continue;
    }
    if (w === '_Alignas') {
      p.next();
      skipParens(p);
      continue;
    }
    if (w === 'float' || w === 'double' || w === '_Complex') p.error(t, 'floating point is not supported in SMM code');
    if (w === '__int128') p.error(t, "'__int128' is not supported in SMM-C");
    if (w === 'struct' || w === 'union' || w === 'enum') {
      if (count) dupSpec(p, t, other);
      other = w === 'enum' ? enumDecl(p) : structDecl(p, w);
      count++;
      continue;
    }
    if (w === '__builtin_va_list' || w === '__builtin_ms_va_list') {
      if (count) dupSpec(p, t, other);
      p.next();
      other = p.copy(pointerTo(ty.char), { name: w });
      count++;
      continue;
    }
    if (w === 'void') nVoid++;
    else if (w === '_Bool') nBool++;
    else if (w === 'char') nChar++;
    else if (w === 'short') nShort++;
    else if (w === 'int') nInt++;
    else if (w === 'long') nLong++;
    else if (w === 'signed' || w === '__signed__' || w === '__signed') nSigned++;
    else if (w === 'unsigned') nUnsigned++;
    else {
      // A typedef name, unless a type was given already (then it is the declarator's name).
      if (count) break;
      const b = p.lookup(w);
      if (b?.kind !== 'typedef') break;
      p.next();
      other = b.ty;
      count++;
      continue;
    }
    if (other) dupSpec(p, t, other);
    count++;
    p.next();
  }
  let t: CType;
  if (other) t = other;
  else if (nVoid) {
    if (count !== 1) p.error(start, 'invalid combination of type specifiers');
    t = ty.void_;
  } else if (nBool) {
    if (count !== 1) p.error(start, 'invalid combination of type specifiers');
    t = ty.bool;
  } else {
    if (nSigned + nUnsigned > 1 || nInt > 1 || nShort > 1 || nLong > 2 || nChar > 1 || (nChar && nShort + nInt + nLong) || (nShort && nLong)) {
      p.error(start, 'invalid combination of type specifiers');
    }
    const unsigned = nUnsigned > 0;
    if (nChar) t = intType('char', unsigned);
    else if (nShort) t = intType('short', unsigned);
    else if (nLong) t = intType('long', unsigned);
    else if (nInt || nSigned || nUnsigned) t = intType('int', unsigned);
    else {
      if (start.kind === 'ident' && !p.isKeyword(start) && !p.lookup(start.text)) p.error(start, `unknown type name '${start.text}'`);
      return p.error(start, "type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int");
    }
  }
  if (isConst || isVolatile) t = p.copy(t, { isConst: isConst || t.isConst, isVolatile: isVolatile || t.isVolatile });
  return t;
}

const STORAGE = new Map<string, 't' | 's' | 'e' | 'i' | 'x'>([
  ['typedef', 't'],
  ['static', 's'],
  ['extern', 'e'],
  ['inline', 'i'],
  ['__inline', 'i'],
  ['__inline__', 'i'],
  ['register', 'x'],
  ['auto', 'x'],
  ['_Noreturn', 'x'],
]);

function dupSpec(p: State, t: Token, other: CType | null): never {
  return p.error(t, `cannot combine with previous '${typeName(other ?? ty.int)}' declaration specifier`);
}

function skipParens(p: State): void {
  const open = p.expect('(', "expected '('");
  let depth = 1;
  while (depth > 0) {
    const u = p.next();
    if (u.kind === 'eof') p.error(open, "expected ')'");
    if (u.kind === 'punct' && u.text === '(') depth++;
    else if (u.kind === 'punct' && u.text === ')') depth--;
  }
}

/** `*` with qualifiers (`VOID * CONST p`, `CHAR8 * EFIAPI`). */
function pointers(p: State, t: CType): CType {
  for (;;) {
    skipAttributes(p);
    if (!p.is('*')) return t;
    p.next();
    t = pointerTo(t);
    for (;;) {
      const q = p.tok.kind === 'ident' ? QUALS.get(p.tok.text) : undefined;
      if (q) {
        p.next();
        if (q !== 'r') t = p.copy(t, q === 'c' ? { isConst: true } : { isVolatile: true });
      } else if (!skipAttributes(p) && !(p.tok.kind === 'ident' && p.tok.text.startsWith('__attribute'))) break;
    }
  }
}

/** The index of the `)` that closes the `(` at `open`. */
function closing(p: State, open: number): number {
  let depth = 0;
  for (let i = open; i < p.toks.length; i++) {
    const t = p.toks[i];
    if (t.kind === 'eof') break;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')' && --depth === 0) return i;
  }
  return p.error(p.toks[open], "expected ')'");
}

export type DeclMode = 'named' | 'abstract' | 'either';

/** declarator := pointers ('(' declarator ')' | ident?) type-suffix */
export function declarator(p: State, base: CType, mode: DeclMode): Declarator {
  const loc = p.tok.loc;
  let t = pointers(p, base);
  if (p.is('(') && isNested(p, mode)) {
    const open = p.pos;
    const close = closing(p, open);
    p.pos = close + 1;
    const outer = typeSuffix(p, t);
    t = outer.ty;
    const end = p.pos;
    p.pos = open + 1;
    const d = declarator(p, t, mode);
    if (p.pos !== close) p.expect(')', "expected ')'");
    p.pos = end;
    // The parameters of a definition are those of the function declarator applied to the name:
    // `(*GetFn (UINTN x))(VOID)` has x; `(f)(int x)` (a parenthesized name) has the outer list.
    return { ...d, params: d.params ?? (d.ty === t ? outer.params : null), loc };
  }
  let name: Token | null = null;
  const nt = p.tok;
  if (nt.kind === 'ident' && !p.isKeyword(nt) && mode !== 'abstract') {
    name = nt;
    p.next();
  } else if (mode === 'named') {
    if (nt.kind === 'ident' && (nt.text === 'float' || nt.text === 'double')) p.error(nt, 'floating point is not supported in SMM code');
    p.error(nt, "expected identifier or '('");
  }
  skipAttributes(p);
  const s = typeSuffix(p, t);
  skipAttributes(p);
  return { ty: s.ty, name, params: s.params, loc };
}

/** After the pointers: does `(` open a nested declarator (not a parameter list)? */
function isNested(p: State, mode: DeclMode): boolean {
  if (mode === 'named') return true;
  const n = p.peek();
  if (n.kind === 'punct') return n.text === '*' || n.text === '(' || n.text === '[';
  if (n.kind !== 'ident') return false;
  if (n.text.startsWith('__attribute') || n.text === '__declspec') return true;
  return mode === 'either' && !p.isTypename(n);
}

/** type-suffix := '(' params ')' | '[' size? ']' type-suffix | nothing */
function typeSuffix(p: State, t: CType): { ty: CType; params: ParamDecl[] | null } {
  if (p.is('(')) return funcParams(p, t);
  if (p.is('[')) {
    const lb = p.next();
    while (p.tok.kind === 'ident' && (p.tok.text === 'static' || QUALS.has(p.tok.text))) p.next();
    let len = -1;
    if (!p.is(']')) {
      const v = constExpr(p);
      if (v < 0n) p.error(lb, 'array has a negative size');
      if (v > 0x7fffffffn) p.error(lb, 'array is too large');
      len = Number(v);
    }
    p.expect(']', "expected ']'");
    const inner = typeSuffix(p, t).ty;
    if (inner.kind === 'func') p.error(lb, 'declared as array of functions');
    if (inner.size < 0 && inner.kind !== 'void') p.error(lb, `array has incomplete element type '${typeName(inner)}'`);
    if (inner.kind === 'void') p.error(lb, "array has incomplete element type 'void'");
    return { ty: arrayOf(inner, len), params: null };
  }
  return { ty: t, params: null };
}

/** `f(void)[3]`, `f(void)(int)`: a function cannot return an array or a function. */
function noSuffix(p: State, lp: Token, ret: CType): void {
  if (!p.is('[') && !p.is('(')) return;
  const t = typeSuffix(p, ret).ty;
  p.error(lp, `function cannot return ${t.kind === 'array' ? 'array' : 'function'} type '${typeName(t)}'`);
}

function funcParams(p: State, ret: CType): { ty: CType; params: ParamDecl[] } {
  const lp = p.next();
  if (ret.kind === 'array') p.error(lp, `function cannot return array type '${typeName(ret)}'`);
  if (ret.kind === 'func') p.error(lp, `function cannot return function type '${typeName(ret)}'`);
  if (p.is(')')) {
    p.next();
    noSuffix(p, lp, ret);
    return { ty: funcType(ret, null, false), params: [] };
  }
  const params: ParamDecl[] = [];
  let variadic = false;
  for (;;) {
    if (p.is('...')) {
      p.next();
      variadic = true;
      break;
    }
    const at = p.tok;
    if (!p.isTypename(at)) {
      if (at.kind === 'ident' && !p.isKeyword(at)) p.error(at, `unknown type name '${at.text}'`);
      p.error(at, 'expected parameter declarator');
    }
    const base = declspec(p, null);
    if (base.kind === 'void' && params.length === 0 && p.is(')')) {
      // `(void)` or edk2's `(VOID)`: no parameters
      p.next();
      noSuffix(p, lp, ret);
      return { ty: funcType(ret, [], false), params: [] };
    }
    const d = declarator(p, base, 'either');
    let pt = d.ty;
    // C99 6.7.5.3: array and function parameters are pointers.
    if (pt.kind === 'array') pt = pointerTo(pt.base!);
    else if (pt.kind === 'func') pt = pointerTo(pt);
    if (pt.kind === 'void') p.error(at, "argument may not have 'void' type");
    params.push({ name: d.name, ty: pt, loc: d.name?.loc ?? at.loc });
    if (!p.consume(',')) break;
  }
  p.expect(')', "expected ')'");
  noSuffix(p, lp, ret);
  return { ty: funcType(ret, params.map((x) => x.ty), variadic), params };
}

/** type-name := specifier-qualifier-list abstract-declarator (casts, sizeof, offsetof). */
export function typeName_(p: State): CType {
  const base = declspec(p, null);
  return declarator(p, base, 'abstract').ty;
}

function structDecl(p: State, kind: 'struct' | 'union'): CType {
  const kw = p.next();
  let packed = skipAttributes(p);
  let tag: Token | null = null;
  if (p.tok.kind === 'ident' && !p.isKeyword(p.tok)) tag = p.next();
  packed = skipAttributes(p) || packed;
  if (!p.is('{')) {
    if (!tag) p.error(p.tok, `declaration of anonymous ${kind} must be a definition`);
    const found = p.lookupTag(tag.text);
    if (found) {
      if (found.kind !== kind) p.error(tag, `use of '${tag.text}' with tag type that does not match previous declaration`);
      return found;
    }
    const t = structType(kind, tag.text);
    p.bindTag(tag.text, t);
    return t;
  }
  let t: CType;
  const here = tag ? p.lookupTagHere(tag.text) : undefined;
  if (here) {
    if (here.kind !== kind) p.error(tag!, `use of '${tag!.text}' with tag type that does not match previous declaration`);
    if (here.size >= 0) p.error(tag!, `redefinition of '${tag!.text}'`);
    t = here;
  } else {
    t = structType(kind, tag ? tag.text : null);
    if (tag) p.bindTag(tag.text, t);
  }
  p.next(); // {
  const fields = structMembers(p, kw);
  packed = skipAttributes(p) || packed;
  layout(t, fields, packed ? 1 : p.pack);
  p.completed(t);
  return t;
}

function structMembers(p: State, kw: Token): FieldDecl[] {
  const fields: FieldDecl[] = [];
  const names = new Set<string>();
  let flexLoc: Token['loc'] | null = null;
  while (!p.consume('}')) {
    if (p.tok.kind === 'eof') p.error(kw, "expected '}'");
    if (p.is('_Static_assert')) {
      staticAssert(p);
      continue;
    }
    if (p.tok.kind === 'ident' && p.tok.text === '__pragma_pack') {
      pragmaPack(p);
      continue;
    }
    if (p.consume(';')) continue;
    const at = p.tok;
    if (!p.isTypename(at)) {
      if (at.kind === 'ident' && !p.isKeyword(at) && !p.lookup(at.text)) p.error(at, `unknown type name '${at.text}'`);
      p.error(at, 'type name requires a specifier or qualifier');
    }
    const base = declspec(p, null);
    if (p.is(';') && (base.kind === 'struct' || base.kind === 'union') && !base.tag) {
      // C11 anonymous struct/union: its members are reached as if they were the outer one's.
      p.next();
      if (flexLoc) p.error(flexLoc, 'flexible array member must be the last member');
      fields.push({ name: '', ty: base, bitWidth: null, loc: at.loc });
      continue;
    }
    for (;;) {
      let d: Declarator;
      if (p.is(':')) d = { ty: base, name: null, params: null, loc: p.tok.loc };
      else d = declarator(p, base, 'named');
      const name = d.name?.text ?? '';
      const loc = d.name?.loc ?? d.loc;
      let bitWidth: number | null = null;
      if (p.is(':')) {
        const colon = p.next();
        const w = constExpr(p);
        if (!isInteger(d.ty)) p.error(loc, `bit-field '${name}' has non-integral type '${typeName(d.ty)}'`);
        if (w < 0n) p.error(colon, `bit-field '${name}' has negative width (${w})`);
        if (w > BigInt(d.ty.size * 8)) {
          p.error(colon, `width of bit-field '${name}' (${w} bits) exceeds the width of its type (${d.ty.size * 8} bits)`);
        }
        if (w === 0n && name) p.error(loc, `named bit-field '${name}' has zero width`);
        bitWidth = Number(w);
      }
      if (d.ty.kind === 'func') p.error(loc, `field '${name}' declared as a function`);
      if (flexLoc) p.error(flexLoc, 'flexible array member must be the last member');
      const flexible = d.ty.kind === 'array' && d.ty.arrayLen < 0;
      if (flexible) flexLoc = loc;
      else if (d.ty.size < 0 || d.ty.kind === 'void') p.error(loc, `field has incomplete type '${typeName(d.ty)}'`);
      if (name) {
        if (names.has(name)) p.error(loc, `duplicate member '${name}'`);
        names.add(name);
      }
      fields.push({ name, ty: flexible ? arrayOf(d.ty.base!, 0) : d.ty, bitWidth, loc });
      if (!p.consume(',')) break;
    }
    p.expectAfter(';', "expected ';' at end of declaration list");
  }
  return fields;
}

function enumDecl(p: State): CType {
  p.next();
  skipAttributes(p);
  let tag: Token | null = null;
  if (p.tok.kind === 'ident' && !p.isKeyword(p.tok)) tag = p.next();
  skipAttributes(p);
  if (!p.is('{')) {
    if (!tag) p.error(p.tok, "expected '{'");
    const found = p.lookupTag(tag.text);
    if (found) {
      if (found.kind !== 'enum') p.error(tag, `use of '${tag.text}' with tag type that does not match previous declaration`);
      return found;
    }
    const t = enumType(tag.text); // a forward-declared enum: 4 bytes like the rest
    p.bindTag(tag.text, t);
    return t;
  }
  let t = enumType(tag ? tag.text : null);
  if (tag) {
    const here = p.lookupTagHere(tag.text);
    if (here && (here.kind !== 'enum' || p.definedEnums.has(here))) p.error(tag, `redefinition of '${tag.text}'`);
    if (here) t = here;
    else p.bindTag(tag.text, t);
  }
  p.definedEnums.add(t);
  p.next();
  let val = 0n;
  let min = 0n;
  let max = 0n;
  for (;;) {
    if (p.consume('}')) break;
    const name = p.tok;
    if (name.kind !== 'ident' || p.isKeyword(name)) p.error(name, 'expected identifier');
    p.next();
    skipAttributes(p);
    if (p.consume('=')) val = constExpr(p);
    if (val < -0x80000000n || val > 0xffffffffn) p.error(name, `enumerator value ${val} is not representable in 32 bits (SMM-C enums are 4 bytes)`);
    if (val < min) min = val;
    if (val > max) max = val;
    if (min < 0n && max > 0x7fffffffn) p.error(name, 'enumeration values exceed the range of int (SMM-C enums are 4 bytes)');
    if (p.lookupHere(name.text)) p.error(name, `redefinition of enumerator '${name.text}'`);
    p.bind(name.text, { kind: 'enumConst', ty: val > 0x7fffffffn ? ty.uint : ty.int, val, loc: name.loc });
    val++;
    if (!p.consume(',')) {
      p.expect('}', "expected '}'");
      break;
    }
  }
  t.unsigned = min >= 0n; // gcc: an enum with no negative value is unsigned int
  return t;
}

/** `_Static_assert (constant-expression, "message");` at any scope: the layout tests' tool. */
export function staticAssert(p: State): void {
  const kw = p.next();
  p.expect('(', "expected '('");
  const v = constExpr(p);
  let msg = '';
  if (p.consume(',')) {
    if (p.tok.kind !== 'str') p.error(p.tok, 'expected string literal');
    while (p.tok.kind === 'str') msg += String.fromCharCode(...(p.next().units ?? []));
  }
  p.expect(')', "expected ')'");
  p.expectAfter(';', "expected ';' after static_assert");
  if (v === 0n) p.error(kw, msg ? `static assertion failed: "${msg}"` : 'static assertion failed');
}

/** The preprocessor's `#pragma pack` marker: `__pragma_pack` with the value N (0 = back to natural). */
export function pragmaPack(p: State): void {
  const t = p.next();
  if (t.value !== undefined) {
    p.pack = Number(t.value);
    return;
  }
  p.expect('(', "expected '('");
  const n = p.tok;
  if (n.kind !== 'num') p.error(n, 'expected a number in #pragma pack');
  p.next();
  p.expect(')', "expected ')'");
  p.pack = Number(n.value ?? 0n);
}

/** Two declarations of one name: the same type (typedef redefinition is C11, and headers do it). */
export function checkSameType(p: State, at: Token, a: CType, b: CType, what: string): void {
  if (!sameType(a, b)) p.error(at, `${what} ('${typeName(b)}' vs '${typeName(a)}')`);
}
