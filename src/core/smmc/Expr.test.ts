import { describe, expect, it } from 'vitest';
import { dump } from './AstDump';
import { BASE_TYPES, errorOf, exprIn, global, messageOf, parseC } from './ParserTestKit';

/** Globals the expressions below use (edk2 shapes). */
const D = `UINT8 b; UINT16 w; UINT32 d; UINTN n; INTN sn; INT32 i; UINT8 *p8; UINT32 *p32; VOID *vp; EFI_GUID g; EFI_GUID *pg;
UINT32 arr[4]; CHAR16 *s16;
EFI_STATUS Fn(UINTN A, VOID *B); typedef EFI_STATUS (*FNP)(UINTN A); FNP fp;
UINTN DebugPrint(UINTN ErrorLevel, const CHAR8 *Format, ...);
struct BF { UINT32 lo : 4; UINT32 hi : 28; } bf; enum COLOR { RED, GREEN = 5 } color;`;

const x = (e: string) => dump(exprIn(e, D));
const err = (e: string) => messageOf(`${BASE_TYPES}${D}\nvoid f(void) { ${e}; }`);

describe('expressions: integer promotions and usual arithmetic conversions as explicit casts', () => {
  it('UINT8 + UINT16 is int: both operands promoted', () => {
    expect(x('b + w')).toBe('add(cast(b), cast(w))');
  });
  it('UINT32 + INT32 is UINT32; UINTN + INT32 is UINTN; INTN + UINT32 is INTN', () => {
    expect([x('d + i'), x('n + i'), x('sn + d')]).toEqual(['add<UINT32>(d, cast<UINT32>(i))', 'add<UINTN>(n, cast<UINTN>(i))', 'add<INTN>(sn, cast<INTN>(d))']);
  });
  it('shifts promote each operand on its own; the result has the left type', () => {
    expect([x('b << 3'), x('n >> b')]).toEqual(['shl(cast(b), 3)', 'shr<UINTN>(n, cast(b))']);
  });
  it('comparisons convert to a common opTy and give int; > and >= swap into < and <=', () => {
    expect([x('n > i'), x('i >= d'), x('color == GREEN')]).toEqual([
      'lt[UINTN](cast<UINTN>(i), n)',
      'le[UINT32](d, cast<UINT32>(i))',
      'eq[unsigned int](cast<unsigned int>(color), 5<unsigned int>)', // gcc: an enum without negative values is unsigned
    ]);
  });
  it('unary minus and ~ promote; ! gives int', () => {
    expect([x('-b'), x('~d'), x('!p8')]).toEqual(['neg(cast(b))', 'bitnot<UINT32>(d)', 'not(p8)']);
  });
  it('the conditional operator converts both branches to their common type', () => {
    expect([x('i ? b : n'), x('i ? p8 : 0')]).toEqual(['cond<UINTN>(i, cast<UINTN>(b), n)', 'cond<UINT8 *>(i, p8, 0<UINT8 *>)']);
  });
});

describe('expressions: pointers', () => {
  it('pointer + integer is scaled; both operands have the pointer type', () => {
    expect(x('p32 + i')).toBe('add<UINT32 *>(p32, cast<UINT32 *>(mul<long>(cast<long>(i), 4<long>)))');
    expect([x('p8 + 1'), x('1 + p32'), x('p32 - 1')]).toEqual(['add<UINT8 *>(p8, 1<UINT8 *>)', 'add<UINT32 *>(p32, 4<UINT32 *>)', 'sub<UINT32 *>(p32, 4<UINT32 *>)']);
  });
  it('pointer - pointer is the element distance (long)', () => {
    expect(x('p32 - p32')).toBe('div<long>(sub<long>(cast<long>(p32), cast<long>(p32)), 4<long>)');
  });
  it('VOID * arithmetic counts bytes, as gcc does', () => {
    expect(x('vp + 1')).toBe('add<VOID *>(vp, 1<VOID *>)');
  });
  it('arrays decay to an addr of their first element; a[i] is *(a + i), and so is i[a]', () => {
    expect(x('arr[2]')).toBe('deref<UINT32>(add<UINT32 *>(addr<UINT32 *>(arr), 8<UINT32 *>))');
    expect(x('2[arr]')).toBe(x('arr[2]'));
    expect(x('&arr[1]')).toBe('add<UINT32 *>(addr<UINT32 *>(arr), 4<UINT32 *>)');
  });
  it('comparing with 0 or with another pointer type converts to the left pointer type', () => {
    expect([x('p8 == 0'), x('p8 == vp')]).toEqual(['eq[UINT8 *](p8, 0<UINT8 *>)', 'eq[UINT8 *](p8, cast<UINT8 *>(vp))']);
  });
  it('integer <-> pointer and pointer <-> pointer assignments are accepted (gcc only warns)', () => {
    expect([x('vp = 5'), x('p8 = vp')]).toEqual(['assign<VOID *>(vp, 5<VOID *>)', 'assign<UINT8 *>(p8, cast<UINT8 *>(vp))']);
  });
  it('member access through -> is a member of a deref', () => {
    expect(x('pg->Data4[3]')).toBe('deref<UINT8>(add<UINT8 *>(addr<UINT8 *>(deref<EFI_GUID>(pg).Data4), 3<UINT8 *>))');
  });
});

describe('expressions: assignment', () => {
  it('simple assignment converts the right side to the left type', () => {
    expect([x('d = n'), x('b = i')]).toEqual(['assign<UINT32>(d, cast<UINT32>(n))', 'assign<UINT8>(b, cast<UINT8>(i))']);
  });
  it('compound assignment: opTy is the promoted common type, the result goes back to the left type', () => {
    expect(x('b += 300')).toBe('assignadd<UINT8>[int](b, 300)');
    expect(x('n <<= i')).toBe('assignshl<UINTN>[UINTN](n, cast<UINTN>(i))');
    expect(x('p32 += 2')).toBe('assignadd<UINT32 *>[UINT32 *](p32, 8<UINT32 *>)');
    expect(x('p32[i] |= 1u << 31')).toBe(
      'assignbitor<UINT32>[UINT32](deref<UINT32>(add<UINT32 *>(p32, cast<UINT32 *>(mul<long>(cast<long>(i), 4<long>)))), 2147483648<unsigned int>)',
    );
  });
  it('++ and --: the delta of a pointer is the element size', () => {
    expect([x('i++'), x('--p32')]).toEqual(['post+1<INT32>(i)', 'pre-4<UINT32 *>(p32)']);
  });
  it('bit-field members are lvalues (the member carries width and bit offset)', () => {
    expect(x('bf.hi = 3')).toBe('assign<UINT32>(bf.hi, 3<UINT32>)');
  });
});

describe('expressions: calls', () => {
  it('direct calls convert each argument to its parameter type', () => {
    expect(x('Fn(1, p8)')).toBe('call<EFI_STATUS>(Fn, 1<UINTN>, cast<VOID *>(p8))');
  });
  it('through a pointer: fp(x) and (*fp)(x) are the same call; (*Fn)(...) is a direct call', () => {
    expect(x('fp(b)')).toBe('call<EFI_STATUS>(fp, cast<UINTN>(b))');
    expect(x('(*fp)(b)')).toBe(x('fp(b)'));
    expect(x('(*Fn)(1, 0)')).toBe('call<EFI_STATUS>(Fn, 1<UINTN>, 0<VOID *>)');
  });
  it('variadic calls (DebugPrint): extra arguments get the default promotions', () => {
    expect(x('DebugPrint(1, "v=%x", b, w, n)')).toBe('call<UINTN>(DebugPrint, 1<UINTN>, addr<char *>(.str.0), cast(b), cast(w), n)');
  });
  it('a function used as a value decays to its address', () => {
    expect(x('fp = Fn')).toBe('assign<FNP>(fp, cast<FNP>(addr<EFI_STATUS (*)(UINTN, VOID *)>(Fn)))');
    expect(x('&Fn')).toBe('addr<EFI_STATUS (*)(UINTN, VOID *)>(Fn)');
  });
});

describe('expressions: constants, sizeof, offsetof, literals', () => {
  it('sizeof and __builtin_offsetof fold to unsigned long numbers', () => {
    expect([x('sizeof(EFI_GUID)'), x('sizeof arr'), x('sizeof arr[0]'), x('__builtin_offsetof(EFI_GUID, Data4[2])')]).toEqual([
      '16<unsigned long>',
      '16<unsigned long>',
      '4<unsigned long>',
      '10<unsigned long>',
    ]);
  });
  it('casts of constants fold with wrap-around; TRUE is ((BOOLEAN)(1==1)) = 1', () => {
    expect([x('(UINTN)-1'), x('(BOOLEAN)(1==1)'), x('0x80000000 + 1')]).toEqual(['18446744073709551615<UINTN>', '1<BOOLEAN>', '2147483649<unsigned int>']);
  });
  it('a division by a constant zero stays for run time (#DE), it is not folded', () => {
    expect(x('5 / 0')).toBe('div(5, 0)');
  });
  it("character constants: 'x' is int (char is signed: '\\xff' is -1), L'x' is CHAR16", () => {
    expect([x("'\\xff'"), x("L'A'")]).toEqual(['-1', '65<unsigned short>']);
  });
  it('string literals are globals .str.N: narrow char arrays, L"" arrays of unsigned short, adjacent ones joined', () => {
    const p = parseC(`${BASE_TYPES} CHAR8 *a = "ab" "c"; CHAR16 *w = L"Hi" "!";`);
    const s0 = global(p, '.str.0');
    const s1 = global(p, '.str.1');
    expect([s0.ty.size, Array.from(s0.init!)]).toEqual([4, [97, 98, 99, 0]]);
    expect([s1.ty.size, Array.from(s1.init!)]).toEqual([8, [72, 0, 105, 0, 33, 0, 0, 0]]);
    expect([s0.isStatic, global(p, 'a').relocs[0].target]).toEqual([true, s0]);
  });
  it('__func__ is the function name as a string', () => {
    const p = parseC(`${BASE_TYPES} const CHAR8 *MyHandler(void) { return __func__; }`);
    expect(Array.from(global(p, '.str.0').init!)).toEqual([...Buffer.from('MyHandler'), 0]);
  });
});

describe('expressions: errors (gcc/clang wording)', () => {
  const cases: [string, string][] = [
    ['Fn(1)', 'too few arguments to function call, expected 2, have 1'],
    ['Fn(1, 2, 3)', 'too many arguments to function call, expected 2, have 3'],
    ['DebugPrint()', 'too few arguments to function call, expected at least 2, have 0'],
    ['n()', "called object type 'UINTN' is not a function or function pointer"],
    ['n.x', "member reference base type 'UINTN' is not a structure or union"],
    ['g.Nope', "no member named 'Nope' in 'EFI_GUID'"],
    ['bf.nope', "no member named 'nope' in 'struct BF'"],
    ['pg.Data1', "member reference type 'EFI_GUID *' is a pointer; did you mean to use '->'?"],
    ['g->Data1', "member reference type 'EFI_GUID' is not a pointer; did you mean to use '.'?"],
    ['*vp', "dereferencing 'VOID *' pointer"],
    ['*n', "indirection requires pointer operand ('UINTN' invalid)"],
    ['Undef + 1', "use of undeclared identifier 'Undef'"],
    ['Undef(1)', "call to undeclared function 'Undef'; ISO C99 and later do not support implicit function declarations"],
    ['5 = n', 'lvalue required as left operand of assignment'],
    ['b++ ++', 'lvalue required as increment operand'],
    ['&5', "lvalue required as unary '&' operand"],
    ['arr = 0', "array type 'UINT32[4]' is not assignable"],
    ['&bf.lo', 'address of bit-field requested'],
    ['g + 1', "invalid operands to binary expression ('EFI_GUID' and 'int')"],
    ['p8 * 2', "invalid operands to binary expression ('UINT8 *' and 'int')"],
    ['p32 - p8', "'UINT32 *' and 'UINT8 *' are not pointers to compatible types"],
    ['n = g', "assigning to 'UINTN' from incompatible type 'EFI_GUID'"],
    ['g = *p8', "assigning to 'EFI_GUID' from incompatible type 'UINT8'"],
    ['Fn(g, 0)', "passing 'EFI_GUID' to parameter of incompatible type 'UINTN'"],
    ['(EFI_GUID)n', "used type 'EFI_GUID' where arithmetic or pointer type is required"],
    ['i ? g : n', "incompatible operand types ('EFI_GUID' and 'UINTN')"],
    ['!g', "invalid argument type 'EFI_GUID' to unary expression"],
    ['n[1]', 'subscripted value is not an array, pointer, or vector'],
    ['arr[vp]', 'array subscript is not an integer'],
    ['sizeof(struct Nope)', "invalid application of 'sizeof' to an incomplete type 'struct Nope'"],
    ['sizeof bf.lo', "invalid application of 'sizeof' to bit-field"],
    ['(struct Nope *)p8 + 1', "arithmetic on a pointer to an incomplete type 'struct Nope'"],
    ['n = 1.5', 'floating-point constants are not supported: SMM code is built without floating point'],
    ['n = (double)1', 'floating point is not supported in SMM code'],
    ['n = ({ 1; })', 'statement expressions are not supported in SMM-C'],
    ['g = (EFI_GUID){ 0 }', 'compound literals are not supported in SMM-C'],
    ['n = EFI_GUID', "unexpected type name 'EFI_GUID': expected expression"],
    ['n = )', 'expected expression'],
    ['n = (1 + 2', "expected ')'"],
  ];
  for (const [src, msg] of cases) it(`${src}: ${msg}`, () => expect(err(src)).toBe(msg));

  it('errors point at the offending token with a caret', () => {
    const src = 'typedef struct { int Data1; } EFI_GUID;\nEFI_GUID g;\nvoid f(void) {\n  g.Data5 = 0;\n}';
    expect(errorOf(src, 'MySmm.c')).toBe(["MySmm.c:4:5: error: no member named 'Data5' in 'EFI_GUID'", '  g.Data5 = 0;', '    ^'].join('\n'));
  });
});
