import { describe, expect, it } from 'vitest';
import { BASE_TYPES, global, parseC } from './ParserTestKit';
import {
  arrayOf,
  copyType,
  funcType,
  integerPromote,
  isInteger,
  isPointerLike,
  isScalar,
  pointerTo,
  sameType,
  structType,
  ty,
  typeName,
  usualArith,
} from './Types';

describe('Types: constructors and predicates (X64 LP64)', () => {
  it('smm-c-facts §0: sizes of the basic types (long is 8, pointers 8)', () => {
    expect([ty.bool, ty.char, ty.short, ty.int, ty.long, pointerTo(ty.void_)].map((t) => t.size)).toEqual([1, 1, 2, 4, 8, 8]);
    expect(ty.char.unsigned).toBe(false); // plain char is signed on X64 gcc
  });

  it('arrays multiply, an unknown length is incomplete', () => {
    expect(arrayOf(ty.ushort, 8).size).toBe(16);
    expect(arrayOf(ty.int, -1).size).toBe(-1);
  });

  it('isInteger / isScalar / isPointerLike', () => {
    const s = structType('struct', 'S');
    expect([isInteger(ty.bool), isInteger(pointerTo(ty.int)), isScalar(pointerTo(ty.int)), isScalar(s)]).toEqual([true, false, true, false]);
    expect([isPointerLike(arrayOf(ty.int, 2)), isPointerLike(ty.long)]).toEqual([true, false]);
    expect([isScalar(arrayOf(ty.int, 2)), isScalar(funcType(ty.int, [], false))]).toEqual([false, false]); // they decay first
  });
});

describe('Types: sameType compares what C compares', () => {
  it('typedef names and qualifiers do not matter', () => {
    const u = ty.ulong;
    expect(sameType(copyType(u, { name: 'UINTN' }), copyType(u, { name: 'UINT64', isConst: true }))).toBe(true);
    expect(sameType(ty.ulong, ty.long)).toBe(false);
    expect(sameType(ty.int, ty.long)).toBe(false);
  });

  it('structs are the same declaration (a copy points at its origin)', () => {
    const a = structType('struct', 'A');
    const b = structType('struct', 'A');
    expect(sameType(copyType(a, { name: 'X' }), a)).toBe(true);
    expect(sameType(a, b)).toBe(false);
  });

  it('pointers and functions compare their parts', () => {
    const f1 = funcType(ty.ulong, [pointerTo(ty.void_)], false);
    const f2 = funcType(ty.ulong, [pointerTo(ty.void_)], false);
    const f3 = funcType(ty.ulong, [pointerTo(ty.int)], false);
    expect([sameType(pointerTo(f1), pointerTo(f2)), sameType(f1, f3), sameType(f1, funcType(ty.ulong, null, false))]).toEqual([true, false, true]);
  });
});

describe('Types: C spellings (messages and the debugger)', () => {
  const p = parseC(`${BASE_TYPES}
    typedef struct _FOO FOO;
    typedef EFI_STATUS (*EFI_FN)(UINTN A, VOID *B);
    const EFI_GUID *g1; UINT8 *p1; FOO *f1; struct _FOO *f2; EFI_FN fn1; UINT8 a1[4]; UINT8 (*pa)[4];
    EFI_STATUS (*raw)(UINTN, ...); CHAR8 *const cp; unsigned long long ull; enum E { E0 } e1; int (*fns[2])(void);`);
  const name = (g: string) => typeName(global(p, g).ty);

  it('the typedef name where there is one', () => {
    expect([name('g1'), name('p1'), name('f1'), name('fn1')]).toEqual(['const EFI_GUID *', 'UINT8 *', 'FOO *', 'EFI_FN']);
  });

  it('struct tags, arrays, pointers to arrays and functions, const pointers', () => {
    expect([name('f2'), name('a1'), name('pa'), name('raw'), name('cp'), name('e1'), name('fns')]).toEqual([
      'struct _FOO *',
      'UINT8[4]',
      'UINT8 (*)[4]',
      'EFI_STATUS (*)(UINTN, ...)',
      'CHAR8 *const',
      'enum E',
      'int (*[2])(void)',
    ]);
    expect(name('ull')).toBe('unsigned long');
  });
});

describe('Types: integer promotions and the usual arithmetic conversions (C99 6.3.1)', () => {
  it('small types promote to int; enums to their 4-byte type; long stays', () => {
    expect([ty.bool, ty.uchar, ty.short, ty.ushort].map((t) => typeName(integerPromote(t)))).toEqual(['int', 'int', 'int', 'int']);
    const e = global(parseC('enum P { A = 1 } pe; enum N { B = -1 } ne;'), 'pe').ty;
    expect(typeName(integerPromote(e))).toBe('unsigned int');
    expect(typeName(integerPromote(global(parseC('enum N { B = -1 } ne;'), 'ne').ty))).toBe('int');
  });

  it('unsigned wins at equal size; the wider type wins otherwise (long holds every unsigned int)', () => {
    expect(typeName(usualArith(ty.int, ty.uint))).toBe('unsigned int');
    expect(typeName(usualArith(ty.uint, ty.long))).toBe('long');
    expect(typeName(usualArith(ty.long, ty.ulong))).toBe('unsigned long');
    expect(typeName(usualArith(ty.uchar, ty.short))).toBe('int');
  });

  it('a typedef name survives when the common type is that type', () => {
    const u = copyType(ty.ulong, { name: 'UINTN' });
    expect(typeName(usualArith(u, ty.int))).toBe('UINTN');
  });
});
