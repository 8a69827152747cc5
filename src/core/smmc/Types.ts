/**
 * C types of SMM-C on X64 (gcc, LP64, -fshort-wchar) and the rules the parser and the compiler
 * share: constructors, predicates, compatibility, C spellings for messages and the debugger, the
 * integer promotions and the usual arithmetic conversions (C99 6.3.1.1, 6.3.1.8). Follows the
 * shape of chibicc's type.c, written for SmiScope's CType (Ast.ts).
 */

import type { CType, TypeKind } from './Ast';

function make(kind: TypeKind, size: number, align: number, unsigned = false): CType {
  return {
    kind,
    size,
    align,
    unsigned,
    base: null,
    arrayLen: -1,
    members: null,
    packed: false,
    returnTy: null,
    params: null,
    variadic: false,
    tag: null,
    name: null,
    isConst: false,
    isVolatile: false,
    origin: null,
  };
}

/** The basic types; every read makes a fresh object (callers may rename or qualify it). */
export const ty = {
  get void_(): CType {
    return make('void', 1, 1);
  },
  get bool(): CType {
    return make('bool', 1, 1, true);
  },
  get char(): CType {
    return make('char', 1, 1);
  },
  get uchar(): CType {
    return make('char', 1, 1, true);
  },
  get short(): CType {
    return make('short', 2, 2);
  },
  get ushort(): CType {
    return make('short', 2, 2, true);
  },
  get int(): CType {
    return make('int', 4, 4);
  },
  get uint(): CType {
    return make('int', 4, 4, true);
  },
  get long(): CType {
    return make('long', 8, 8);
  },
  get ulong(): CType {
    return make('long', 8, 8, true);
  },
};

/**
 * Shared instances of the basic types, for the results the parser computes often (promotions,
 * literals, sizeof). Types are values: nobody mutates these.
 */
export const T = {
  void_: make('void', 1, 1),
  int: make('int', 4, 4),
  uint: make('int', 4, 4, true),
  long: make('long', 8, 8),
  ulong: make('long', 8, 8, true),
  ushort: make('short', 2, 2, true),
  char: make('char', 1, 1),
};

/** A basic integer type by kind and signedness (for the parser's declaration specifiers). */
export function intType(kind: 'bool' | 'char' | 'short' | 'int' | 'long', unsigned: boolean): CType {
  const size = kind === 'bool' || kind === 'char' ? 1 : kind === 'short' ? 2 : kind === 'int' ? 4 : 8;
  return make(kind, size, size, kind === 'bool' ? true : unsigned);
}

export function pointerTo(t: CType): CType {
  const p = make('ptr', 8, 8, true);
  p.base = t;
  return p;
}

/** An array of n elements (n = -1: length not known yet, size -1). */
export function arrayOf(t: CType, n: number): CType {
  const a = make('array', n < 0 || t.size < 0 ? -1 : t.size * n, t.align);
  a.base = t;
  a.arrayLen = n;
  return a;
}

/** A function type; params null means `()` (no prototype). */
export function funcType(ret: CType, params: CType[] | null, variadic: boolean): CType {
  const f = make('func', 1, 1);
  f.returnTy = ret;
  f.params = params;
  f.variadic = variadic;
  return f;
}

/** A new struct or union type, incomplete (size -1) until the parser lays out its members. */
export function structType(kind: 'struct' | 'union', tag: string | null): CType {
  const s = make(kind, -1, 1);
  s.tag = tag;
  return s;
}

/** An enum type: 4 bytes; unsigned (as gcc makes it) when no enumerator is negative. */
export function enumType(tag: string | null): CType {
  const e = make('enum', 4, 4, true);
  e.tag = tag;
  return e;
}

/** The type a copy stands for (a typedef name or a qualified copy points at its origin). */
export function root(t: CType): CType {
  return t.origin ?? t;
}

/**
 * A copy of `t` renamed (typedef) and/or qualified. The copy points at the root type it copies,
 * so a struct completed later is still the same type (sameType compares roots).
 */
export function copyType(t: CType, patch: { name?: string | null; isConst?: boolean; isVolatile?: boolean }): CType {
  const c: CType = { ...t, origin: root(t) };
  if (patch.name !== undefined) c.name = patch.name;
  if (patch.isConst !== undefined) c.isConst = patch.isConst;
  if (patch.isVolatile !== undefined) c.isVolatile = patch.isVolatile;
  return c;
}

/** `t` without const/volatile (the type of a value read from an object of type t). */
export function unqualified(t: CType): CType {
  return t.isConst || t.isVolatile ? copyType(t, { isConst: false, isVolatile: false }) : t;
}

export function isInteger(t: CType): boolean {
  const k = t.kind;
  return k === 'bool' || k === 'char' || k === 'short' || k === 'int' || k === 'long' || k === 'enum';
}

/** Pointers and arrays (an array is used through a pointer to its first element). */
export function isPointerLike(t: CType): boolean {
  return t.kind === 'ptr' || t.kind === 'array';
}

/** Arithmetic or pointer (C99 6.2.5): what a condition, `!`, `&&` and `||` accept (arrays and functions after they decay). */
export function isScalar(t: CType): boolean {
  return isInteger(t) || t.kind === 'ptr';
}

export function isAggregate(t: CType): boolean {
  return t.kind === 'struct' || t.kind === 'union' || t.kind === 'array';
}

export function isVoid(t: CType): boolean {
  return t.kind === 'void';
}

/**
 * Compatible types (C99 6.2.7) as SMM-C needs them: typedef names and qualifiers do not matter,
 * structs and unions are the same declaration, integers agree in kind and signedness, pointers
 * and arrays in their element types, functions in return and parameter types.
 */
export function sameType(a: CType, b: CType): boolean {
  a = root(a);
  b = root(b);
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'void':
      return true;
    case 'bool':
    case 'char':
    case 'short':
    case 'int':
    case 'long':
      return a.unsigned === b.unsigned;
    case 'enum':
    case 'struct':
    case 'union':
      return false; // distinct declarations (the roots differ)
    case 'ptr':
      return sameType(a.base!, b.base!);
    case 'array':
      return sameType(a.base!, b.base!) && (a.arrayLen < 0 || b.arrayLen < 0 || a.arrayLen === b.arrayLen);
    case 'func': {
      if (!sameType(a.returnTy!, b.returnTy!) || a.variadic !== b.variadic) return false;
      if (!a.params || !b.params) return true;
      if (a.params.length !== b.params.length) return false;
      for (let i = 0; i < a.params.length; i++) if (!sameType(a.params[i], b.params[i])) return false;
      return true;
    }
  }
}

/** Same representation: what a conversion between the two changes nothing in (size and signedness of integers). */
export function sameRepr(a: CType, b: CType): boolean {
  if (isInteger(a) && isInteger(b)) return a.size === b.size && a.unsigned === b.unsigned && (a.kind === 'bool') === (b.kind === 'bool');
  return sameType(a, b);
}

function quals(t: CType): string {
  return (t.isConst ? 'const ' : '') + (t.isVolatile ? 'volatile ' : '');
}

function baseName(t: CType): string {
  switch (t.kind) {
    case 'void':
      return 'void';
    case 'bool':
      return '_Bool';
    case 'char':
      return t.unsigned ? 'unsigned char' : 'char';
    case 'short':
      return t.unsigned ? 'unsigned short' : 'short';
    case 'int':
      return t.unsigned ? 'unsigned int' : 'int';
    case 'long':
      return t.unsigned ? 'unsigned long' : 'long';
    case 'enum':
    case 'struct':
    case 'union':
      return `${t.kind} ${t.tag ?? '<anonymous>'}`;
    default:
      return '?';
  }
}

function join(spec: string, inner: string): string {
  if (!inner) return spec;
  return inner[0] === '[' ? spec + inner : `${spec} ${inner}`;
}

function spell(t: CType, inner: string): string {
  if (t.name) return join(quals(t) + t.name, inner);
  switch (t.kind) {
    case 'ptr': {
      const q = t.isConst ? (t.isVolatile ? 'const volatile' : 'const') : t.isVolatile ? 'volatile' : '';
      let s = '*' + q + (q && inner ? ' ' : '') + inner;
      const b = t.base!;
      if (!b.name && (b.kind === 'array' || b.kind === 'func')) s = `(${s})`;
      return spell(b, s);
    }
    case 'array':
      return spell(t.base!, `${inner}[${t.arrayLen < 0 ? '' : t.arrayLen}]`);
    case 'func': {
      const ps = t.params === null ? '' : t.params.length === 0 && !t.variadic ? 'void' : t.params.map((p) => typeName(p)).join(', ');
      const va = t.variadic ? (t.params && t.params.length ? ', ...' : '...') : '';
      return spell(t.returnTy!, `${inner}(${ps}${va})`);
    }
    default:
      return join(quals(t) + baseName(t), inner);
  }
}

/** The C spelling of a type: the typedef name where there is one (`EFI_STATUS`, `CONST EFI_GUID *` as `const EFI_GUID *`). */
export function typeName(t: CType): string {
  return spell(t, '');
}

/** C99 6.3.1.1: _Bool, char, short (and enums as their underlying int) become int, or unsigned int. */
export function integerPromote(t: CType): CType {
  switch (t.kind) {
    case 'bool':
    case 'char':
    case 'short':
      return T.int;
    case 'enum':
      return t.unsigned ? T.uint : T.int;
    default:
      return unqualified(t);
  }
}

/** C99 6.3.1.8 for integer operands on LP64: the common type both are converted to. */
export function usualArith(a: CType, b: CType): CType {
  const pa = integerPromote(a);
  const pb = integerPromote(b);
  if (pa.size === pb.size && pa.unsigned === pb.unsigned) return pa;
  if (pa.size === pb.size) return pa.unsigned ? pa : pb; // same rank: unsigned wins
  // The wider type (long, 8 bytes) holds every value of the narrower one (int, 4 bytes).
  return pa.size > pb.size ? pa : pb;
}

/** The type C gives `&x` / an array's decayed value: pointer to the element (or the function). */
export function decayType(t: CType): CType {
  return t.kind === 'array' ? pointerTo(t.base!) : pointerTo(t);
}
