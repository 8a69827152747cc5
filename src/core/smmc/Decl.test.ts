import { describe, expect, it } from 'vitest';
import { BASE_TYPES, bodyOf, fn, global, messageOf, parseC } from './ParserTestKit';
import { sameType, typeName } from './Types';

describe('declarations: typedefs and forward-declared structs', () => {
  const p = parseC(`${BASE_TYPES}
    typedef struct _NODE NODE;
    typedef EFI_STATUS (*VISIT)(NODE *N, UINTN Depth);
    NODE *gHead;
    struct _NODE { NODE *Next; UINT32 Value; VISIT Fn; };
    NODE gOne;
    UINTN Sum(NODE *N) { UINTN s = 0; while (N != 0) { s += N->Value; N = N->Next; } return s; }`);

  it('typedef struct _X X before struct _X { } is completed with it (size, members through the typedef)', () => {
    const t = global(p, 'gHead').ty.base!;
    expect([typeName(t), t.size, t.members!.map((m) => `${m.name}@${m.offset}`)]).toEqual(['NODE', 24, ['Next@0', 'Value@8', 'Fn@16']]);
    expect(sameType(t, global(p, 'gOne').ty)).toBe(true);
  });

  it('members of the completed struct are reached through pointers declared before it', () => {
    expect(bodyOf(p, 'Sum')[1]).toBe(
      'for (_ ne[NODE *](N, 0<NODE *>); _) {assignadd<UINTN>[UINTN](s, cast<UINTN>(deref<NODE>(N).Value)); assign<NODE *>(N, deref<NODE>(N).Next);}',
    );
  });

  it('typedefs of function types and of pointers to functions', () => {
    const q = parseC(`${BASE_TYPES} typedef VOID (FUNC_T)(UINTN); FUNC_T *gF; FUNC_T Impl;
      typedef EFI_STATUS (__attribute__((ms_abi)) *EFI_X)(VOID *This); EFI_X gX;
      VOID Use(VOID) { gF(1); (*gF)(2); Impl(3); gX(0); }`);
    expect([typeName(global(q, 'gF').ty), typeName(global(q, 'Impl').ty), typeName(global(q, 'gX').ty.base!)]).toEqual([
      'FUNC_T *',
      'FUNC_T',
      'EFI_STATUS (VOID *)',
    ]);
    expect(bodyOf(q, 'Use')).toEqual(['call<VOID>(gF, 1<UINTN>);', 'call<VOID>(gF, 2<UINTN>);', 'call<VOID>(Impl, 3<UINTN>);', 'call<EFI_STATUS>(gX, 0<VOID *>);']);
  });

  it('a repeated typedef with the same type is allowed (headers do it); a different one is an error', () => {
    parseC(`${BASE_TYPES} typedef UINTN EFI_TPL; typedef UINT64 EFI_TPL;`);
    expect(messageOf('typedef int T; typedef long T;')).toBe("typedef redefinition with different types ('long' vs 'int')");
  });

  it('declarators: arrays of pointers to functions, pointers to arrays, const pointers, attributes, qualifiers', () => {
    const q = parseC(`${BASE_TYPES} EFI_STATUS (*Table[3])(UINTN); UINT8 (*Row)[16]; CHAR8 * const Name = 0;
      __declspec(noreturn) void Dead(void); static inline UINTN Twice(register UINTN x) { return x * 2; }
      VOID *restrict rp; volatile UINT32 Flag;`);
    expect([typeName(global(q, 'Table').ty), typeName(global(q, 'Row').ty), global(q, 'Name').ty.isConst]).toEqual([
      'EFI_STATUS (*[3])(UINTN)',
      'UINT8 (*)[16]',
      true,
    ]);
    expect([global(q, 'Flag').ty.isVolatile, global(q, 'Twice').isStatic]).toEqual([true, true]);
  });
});

describe('declarations: functions and globals', () => {
  it('a prototype and then the definition are one Obj; params are in params and locals', () => {
    const p = parseC(`${BASE_TYPES} UINTN Add(UINTN A, UINTN B); UINTN Use(VOID) { return Add(1, 2); }
      UINTN Add(UINTN A, UINTN B) { UINTN C = A + B; return C; }`);
    const add = fn(p, 'Add');
    expect(p.globals.filter((g) => g.name === 'Add')).toHaveLength(1);
    expect([add.params.map((x) => x.name), add.locals.map((x) => x.name), add.isDefinition]).toEqual([['A', 'B'], ['A', 'B', 'C'], true]);
    expect(bodyOf(p, 'Use')).toEqual(['return call<UINTN>(Add, 1<UINTN>, 2<UINTN>);']);
  });

  it('(VOID) and (void) mean no parameters; () has no prototype (any arguments, promoted)', () => {
    const p = parseC(`${BASE_TYPES} UINTN NoArgs(VOID); UINTN Old(); UINTN Use(VOID) { return NoArgs() + Old((UINT8)1, 2); }`);
    expect(global(p, 'NoArgs').ty.params).toEqual([]);
    expect(bodyOf(p, 'Use')).toEqual(['return add<UINTN>(call<UINTN>(NoArgs), call<UINTN>(Old, 1, 2));']);
    expect(messageOf(`${BASE_TYPES} UINTN NoArgs(VOID); UINTN f(VOID) { return NoArgs(1); }`)).toBe('too many arguments to function call, expected 0, have 1');
  });

  it('extern declarations are not definitions; tentative definitions are zero-initialized', () => {
    const p = parseC(`${BASE_TYPES} extern UINTN gExt; UINTN gTent; UINTN gTent; UINT32 gArr[]; UINT32 gArr[4];`);
    expect([global(p, 'gExt').isDefinition, global(p, 'gExt').init]).toEqual([false, null]);
    expect([global(p, 'gTent').isDefinition, Array.from(global(p, 'gTent').init!)]).toEqual([true, [0, 0, 0, 0, 0, 0, 0, 0]]);
    expect(global(p, 'gArr').ty.size).toBe(16);
  });

  it('static locals are globals with a unique name (Name.N), remembered on the function', () => {
    const p = parseC(`${BASE_TYPES} UINTN Count(VOID) { static UINTN Calls = 5; Calls++; { UINTN Calls = 7; Calls++; } return Calls; }`);
    const f = fn(p, 'Count');
    const s = global(p, 'Calls.0');
    expect([s.isStatic, s.isLocal, s.cName, Array.from(s.init!)[0], f.statics]).toEqual([true, false, 'Calls', 5, [s]]);
    expect(f.locals.map((l) => l.name)).toEqual(['Calls']);
    expect(bodyOf(p, 'Count')).toEqual(['post+1<UINTN>(Calls.0);', '{assign<UINTN>(Calls, 7<UINTN>); post+1<UINTN>(Calls);}', 'return Calls.0;']);
  });

  it('block scopes shadow: every local is its own Obj, with the end of its scope', () => {
    const src = `${BASE_TYPES}\nUINTN Shadow(UINTN x) {\n  UINTN r = x;\n  {\n    UINT8 x = 1;\n    r += x;\n  }\n  return r + x;\n}`;
    const p = parseC(src);
    const f = fn(p, 'Shadow');
    expect(bodyOf(p, 'Shadow')).toEqual(['assign<UINTN>(r, x);', '{assign<UINT8>(x, 1<UINT8>); assignadd<UINTN>[UINTN](r, cast<UINTN>(x));}', 'return add<UINTN>(r, x);']);
    expect(f.locals.map((l) => `${l.name}:${l.loc.line}-${l.scopeEnd!.line}`)).toEqual(['x:14-21', 'r:15-21', 'x:17-19']);
  });

  it('enums: values count on from the last one; constants are ints; the type is 4 bytes', () => {
    const p = parseC('enum E { A, B = 10, C, D = -1, F }; enum E e; int v[C + F + 1]; _Static_assert(sizeof (enum E) == 4, "4");');
    expect(global(p, 'v').ty.arrayLen).toBe(12);
    expect(global(p, 'e').ty.unsigned).toBe(false);
  });

  it('_Static_assert at file scope, in a struct, in a function', () => {
    parseC('_Static_assert(1, "a"); struct S { int x; _Static_assert(sizeof (int) == 4, "b"); }; void f(void) { _Static_assert(1, "c"); }');
    expect(messageOf('void f(void) { _Static_assert(2 > 3, "never"); }')).toBe('static assertion failed: "never"');
  });
});

describe('declarations: nested declarators in definitions', () => {
  const p = parseC(`${BASE_TYPES}
    EFI_STATUS Real(VOID *Ctx) { return 0; }
    EFI_STATUS (*GetFn(UINTN x))(VOID *Ctx) { return x ? Real : 0; }
    UINTN (Twice)(UINTN y) { return y * 2; }
    UINT8 (*Row)[16];
    UINT8 Pick(VOID) { return Row[1][2]; }`);

  it('a function returning a function pointer takes the parameters next to its name', () => {
    expect(fn(p, 'GetFn').params.map((x) => x.name)).toEqual(['x']);
    expect(bodyOf(p, 'GetFn')).toEqual(['return cond<EFI_STATUS (*)(VOID *)>(x, addr<EFI_STATUS (*)(VOID *)>(Real), 0<EFI_STATUS (*)(VOID *)>);']);
  });
  it('a parenthesized function name', () => {
    expect(bodyOf(p, 'Twice')).toEqual(['return mul<UINTN>(y, 2<UINTN>);']);
  });
  it('a pointer to an array: Row[1] steps 16 bytes, then [2] one byte', () => {
    expect(bodyOf(p, 'Pick')).toEqual(['return deref<UINT8>(add<UINT8 *>(cast<UINT8 *>(add<UINT8 (*)[16]>(Row, 16<UINT8 (*)[16]>)), 2<UINT8 *>));']);
  });
});

describe('declarations: errors', () => {
  const cases: [string, string][] = [
    ['int f(int); long f(int);', "conflicting types for 'f'"],
    ['int f(void) { return 0; } int f(void) { return 1; }', "redefinition of 'f'"],
    ['int x = 1; int x = 2;', "redefinition of 'x'"],
    ['int x; long x;', "redefinition of 'x' with a different type: 'long' vs 'int'"],
    ['typedef int T; int T;', "redefinition of 'T' as different kind of symbol"],
    ['int f(void) { return 0; } static int f(void);', "static declaration of 'f' follows non-static declaration"],
    ['int f(a, b) int a; int b; { return 0; }', "unknown type name 'a'"],
    ['int f(int a, ...) { return a; }', "variadic function definitions are not supported in SMM-C ('f'); calls to variadic functions such as DebugPrint are"],
    ['int f(int) { return 0; }', 'parameter name omitted'],
    ['void f(int a) { int a; }', "redefinition of 'a'"],
    ['void f(void) { int a; int a; }', "redefinition of 'a'"],
    ['struct S { int a; }; struct S { int b; };', "redefinition of 'S'"],
    ['struct S { int a; int a; };', "duplicate member 'a'"],
    ['union U; struct U *p;', "use of 'U' with tag type that does not match previous declaration"],
    ['struct S s;', "tentative definition has type 'struct S' that is never completed"],
    ['struct S; void f(void) { struct S s; }', "variable has incomplete type 'struct S'"],
    ['struct S { struct S inner; };', "field has incomplete type 'struct S'"],
    ['void v;', "variable has incomplete type 'void'"],
    ['NOTYPE x;', "unknown type name 'NOTYPE'"],
    ['void f(void) { NOTYPE x; }', "unknown type name 'NOTYPE'"],
    ['void f(NOTYPE x);', "unknown type name 'NOTYPE'"],
    ['x;', "type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int"],
    ['long char c;', 'invalid combination of type specifiers'],
    ['struct S { int a : 33; };', "width of bit-field 'a' (33 bits) exceeds the width of its type (32 bits)"],
    ['struct S { int *a : 3; };', "bit-field 'a' has non-integral type 'int *'"],
    ['struct S { int a : 0; };', "named bit-field 'a' has zero width"],
    ['enum E { X = 0x100000000 };', 'enumerator value 4294967296 is not representable in 32 bits (SMM-C enums are 4 bytes)'],
    ['enum E { X, X };', "redefinition of enumerator 'X'"],
    ['int a[-1];', 'array has a negative size'],
    ['int n; int a[n];', 'expression is not an integer constant expression'],
    ['double d;', 'floating point is not supported in SMM code'],
    ['float f(void);', 'floating point is not supported in SMM code'],
    ['int f(void)[3];', "function cannot return array type 'int[3]'"],
    ['int *;', "expected identifier or '('"],
    ['void f(void) { extern int e = 1; }', 'declaration of block scope identifier with linkage cannot have an initializer'],
    ['int x }', "expected ';' after top level declarator"],
    ['struct S { int a }', "expected ';' at end of declaration list"],
    ['}', "extraneous closing brace ('}')"],
  ];
  for (const [src, msg] of cases) it(`${src} -> ${msg}`, () => expect(messageOf(src)).toBe(msg));
});
