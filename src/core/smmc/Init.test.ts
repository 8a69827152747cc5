import { describe, expect, it } from 'vitest';
import type { Obj } from './Ast';
import { BASE_TYPES, bodyOf, global, messageOf, parseC } from './ParserTestKit';
import { sourceLine } from './Source';

const hex = (o: Obj) => Array.from(o.init!, (b) => b.toString(16).padStart(2, '0')).join(' ');
const relocs = (o: Obj) => o.relocs.map((r) => `${r.offset}->${r.target.name}+${r.addend}`);

describe('initializers of globals: bytes and relocations', () => {
  const p = parseC(`${BASE_TYPES}
    EFI_STATUS MyRegister(VOID *This, VOID *Fn, VOID *Ctx, EFI_HANDLE *H);
    EFI_STATUS MyUnRegister(VOID *This, EFI_HANDLE H);
    typedef struct { VOID *Register; VOID *UnRegister; UINTN MaximumSwiValue; } PROTO;
    PROTO mProto = { MyRegister, MyUnRegister, 0xFF };
    PROTO gP2 = { .UnRegister = MyUnRegister };
    EFI_GUID gGuid = { 0x18a3c6dc, 0x5eea, 0x48c8, { 0xa1, 0xc1, 0xb5, 0x33, 0x89, 0xf9, 0x89, 0x99 } };
    EFI_GUID *gGuidPtr = &gGuid;
    UINT8 *gD4 = &gGuid.Data4[3];
    UINTN gAddr = (UINTN)&gGuid.Data3;
    CHAR16 *gName = L"Smm";
    EFI_STATUS (*gTable[])(VOID *This, EFI_HANDLE H) = { MyUnRegister, 0 };
    UINTN gDiff = (UINTN)(&gTable[1] - &gTable[0]);`);

  it('a protocol struct with function pointers: relocations at 0 and 8, 0xFF at 16 (positional, as edk2 writes them)', () => {
    const o = global(p, 'mProto');
    expect(relocs(o)).toEqual(['0->MyRegister+0', '8->MyUnRegister+0']);
    expect(hex(o)).toBe('00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 ff 00 00 00 00 00 00 00');
    expect(relocs(global(p, 'gP2'))).toEqual(['8->MyUnRegister+0']);
  });

  it('smm-c-facts §1.4: a GUID initializer gives the GUID bytes (little-endian fields)', () => {
    expect(hex(global(p, 'gGuid'))).toBe('dc c6 a3 18 ea 5e c8 48 a1 c1 b5 33 89 f9 89 99');
  });

  it('address constants: &gGlobal, &gGlobal.Field[3], (UINTN)&gGlobal.Field, string literals, functions', () => {
    expect([relocs(global(p, 'gGuidPtr')), relocs(global(p, 'gD4')), relocs(global(p, 'gAddr')), relocs(global(p, 'gName'))]).toEqual([
      ['0->gGuid+0'],
      ['0->gGuid+11'],
      ['0->gGuid+6'],
      ['0->.str.0+0'],
    ]);
    expect([global(p, 'gTable').ty.size, relocs(global(p, 'gTable'))]).toEqual([16, ['0->MyUnRegister+0']]);
    expect(hex(global(p, 'gDiff'))).toBe('01 00 00 00 00 00 00 00');
  });
});

describe('initializers: sizes, designators, brace elision, strings (bytes gcc 12 -fshort-wchar gave)', () => {
  const p = parseC(`${BASE_TYPES}
    UINT32 gArr[] = { 1, 2, [5] = 6, 7 };
    struct { UINT8 a; UINT32 b; UINT16 c; } gDes = { .c = 3, .a = 1 };
    UINT16 gMat[2][3] = { 1, 2, 3, 4 };
    struct { EFI_GUID G; UINTN N; } gNest[] = { { { 1, 2, 3, { 4 } }, 5 }, 6, 7, 8 };
    union { UINT32 w; UINT8 b[4]; } gU = { .b = { 1, 2 } };
    UINT8 gB = 0x1FF; BOOLEAN gT = 5; INT8 gN = -2;
    struct { CHAR8 Name[4]; UINT8 V; } gNamed[] = { "ab", 1, "cd", 2 };
    CHAR16 gWide[8] = L"ab";
    CHAR8 gText[] = "abc";
    CHAR8 gBraced[] = { "xy" };`);
  const gcc: [string, number, string][] = [
    ['gArr', 28, '01 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 06 00 00 00 07 00 00 00'],
    ['gDes', 12, '01 00 00 00 00 00 00 00 03 00 00 00'],
    ['gMat', 12, '01 00 02 00 03 00 04 00 00 00 00 00'],
    ['gNest', 48, '01 00 00 00 02 00 03 00 04 00 00 00 00 00 00 00 05 00 00 00 00 00 00 00 06 00 00 00 07 00 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'],
    ['gU', 4, '01 02 00 00'],
    ['gB', 1, 'ff'],
    ['gT', 1, '05'],
    ['gN', 1, 'fe'],
    ['gNamed', 10, '61 62 00 00 01 63 64 00 00 02'],
    ['gWide', 16, '61 00 62 00 00 00 00 00 00 00 00 00 00 00 00 00'],
    ['gText', 4, '61 62 63 00'],
    ['gBraced', 3, '78 79 00'],
  ];
  for (const [name, size, bytes] of gcc) {
    it(`${name}: ${size} bytes`, () => {
      const o = global(p, name);
      expect([o.ty.size, hex(o)]).toEqual([size, bytes]);
    });
  }
});

describe('initializers of locals: memzero and assignments (one statement per declarator)', () => {
  const p = parseC(`${BASE_TYPES}
    typedef struct { UINTN SwSmiInputValue; } CTX;
    EFI_GUID gG;
    VOID f(UINTN v) {
      UINTN a = v + 1, b;
      CTX c = { 0x5A };
      EFI_GUID g = gG;
      UINT8 arr[4] = { 1, 0, v };
      CHAR8 s[] = "hi";
      struct { UINT8 x; UINT16 y[2]; } d = { .y[1] = 9, .x = 1 };
      CTX z = { 0 };
      const UINTN k = 3;
      static CHAR16 *Name = L"n";
    }`);
  const body = bodyOf(p, 'f');

  it('a scalar is one assignment (no memzero); a struct from a struct value is a struct assignment', () => {
    expect(body[0]).toBe('assign<UINTN>(a, add<UINTN>(v, 1<UINTN>));');
    expect(body[2]).toBe('assign<EFI_GUID>(g, gG);');
  });

  it('an aggregate is memzero then the non-zero parts', () => {
    expect(body[1]).toBe('comma<UINTN>(memzero(c), assign<UINTN>(c.SwSmiInputValue, 90<UINTN>));');
    expect(body[3]).toBe(
      'comma<UINT8>(comma<UINT8>(memzero(arr), assign<UINT8>(deref<UINT8>(addr<UINT8 *>(arr)), 1<UINT8>)), assign<UINT8>(deref<UINT8>(add<UINT8 *>(addr<UINT8 *>(arr), 2<UINT8 *>)), cast<UINT8>(v)));',
    );
    expect(body[6]).toBe('memzero(z);');
  });

  it('a char array from a string: its characters, sized from the string', () => {
    expect(body[4]).toBe(
      'comma<CHAR8>(comma<CHAR8>(memzero(s), assign<CHAR8>(deref<CHAR8>(addr<CHAR8 *>(s)), 104<CHAR8>)), assign<CHAR8>(deref<CHAR8>(add<CHAR8 *>(addr<CHAR8 *>(s), 1<CHAR8 *>)), 105<CHAR8>));',
    );
    expect(p.functions[0].locals.find((l) => l.name === 's')!.ty.size).toBe(3);
  });

  it('designators in a local; a const local is initialized; a static local is a global with bytes', () => {
    expect(body[5]).toBe(
      'comma<UINT16>(comma<UINT8>(memzero(d), assign<UINT8>(d.x, 1<UINT8>)), assign<UINT16>(deref<UINT16>(add<UINT16 *>(addr<UINT16 *>(d.y), 2<UINT16 *>)), 9<UINT16>));',
    );
    expect(body[7]).toBe('assign<UINTN>(k, 3<UINTN>);');
    expect(relocs(global(p, 'Name.0'))).toEqual(['0->.str.0+0']);
    expect(body).toHaveLength(8);
  });

  it('the statement of a declaration starts at the declaration (the debugger stops there)', () => {
    const f = p.functions[0].body!.body;
    expect(f.map((s) => sourceLine(s.loc.file, s.loc.line).trim().slice(0, 12))).toEqual([
      'UINTN a = v ',
      'CTX c = { 0x',
      'EFI_GUID g =',
      'UINT8 arr[4]',
      'CHAR8 s[] = ',
      'struct { UIN',
      'CTX z = { 0 ',
      'const UINTN ',
    ]);
    expect(f.map((s) => s.loc.col)).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
  });
});

describe('initializers: errors', () => {
  const cases: [string, string][] = [
    ['EFI_GUID g = { 1 }; UINTN x = g.Data1;', 'initializer element is not a compile-time constant'],
    ['UINTN f(void); UINTN x = f();', 'initializer element is not a compile-time constant'],
    ['UINTN n; UINT32 y = (UINT32)(UINTN)&n;', 'initializer element is not a compile-time constant'],
    ['EFI_GUID a; EFI_GUID b = a;', 'initializer element is not a compile-time constant'],
    ['UINT32 a[2] = { [2] = 1 };', 'array designator index (2) exceeds array bounds (2)'],
    ['UINT32 a[2] = { 1, 2, 3 };', 'excess elements in array initializer'],
    ['EFI_GUID g = { 1, 2, 3, {4}, 5 };', 'excess elements in struct initializer'],
    ['EFI_GUID g = { .Nope = 1 };', "field designator 'Nope' does not refer to any field in type 'EFI_GUID'"],
    ['EFI_GUID g = { [0] = 1 };', "array designator cannot initialize non-array type 'EFI_GUID'"],
    ['UINTN a[2] = { .x = 1 };', "field designator cannot initialize a non-struct, non-union type 'UINTN[2]'"],
    ['CHAR8 s[2] = "abc";', 'initializer-string for char array is too long'],
    ['CHAR16 s[] = "abc";', 'initializing wide char array with non-wide string literal'],
    ['CHAR8 s[] = L"abc";', 'initializing char array with wide string literal'],
    ['UINT32 a[] = 5;', 'array initializer must be an initializer list'],
    ['EFI_GUID g = 5;', "initializing 'EFI_GUID' with an expression of incompatible type 'int'"],
    ['VOID f(VOID) { EFI_GUID g = 5; }', "initializing 'EFI_GUID' with an expression of incompatible type 'int'"],
    ['UINTN x = { 1, 2 };', 'excess elements in scalar initializer'],
    ['UINTN x = { };', 'scalar initializer cannot be empty'],
    ['UINTN a[2] = { 1 2 };', "expected '}'"],
  ];
  for (const [src, msg] of cases) it(`${src} -> ${msg}`, () => expect(messageOf(`${BASE_TYPES}${src}`)).toBe(msg));
});
