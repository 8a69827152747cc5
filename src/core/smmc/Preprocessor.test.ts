/**
 * The preprocessor's macro replacement (C99 6.10.3) against gcc: every expected text marked
 * "gcc 12" was produced by `gcc -E -P` (gcc 12.2.0) from the same input and pasted here; token
 * spellings are compared one space apart (gccOut), so only the printer's spacing is ignored, while a
 * stringized literal is compared character for character.
 */
import { describe, expect, it } from 'vitest';
import { gccOut, pp, ppError, ppTokens } from './PpTestKit';

describe('object-like and function-like macros (C99 6.10.3)', () => {
  it('6.10.3p9: an object-like macro is replaced by its replacement list', () => {
    expect(pp('#define N 42\nint x = N;')).toBe('int x = 42 ;');
  });

  it('6.10.3p10: a function-like macro substitutes its arguments; a name without ( is left alone', () => {
    expect(pp('#define MAX(a, b) (((a) > (b)) ? (a) : (b))\nMAX(1, x+2); MAX;')).toBe('( ( ( 1 ) > ( x + 2 ) ) ? ( 1 ) : ( x + 2 ) ) ; MAX ;');
  });

  it('6.10.3p10: `#define F (x)` with a space is object-like', () => {
    expect(pp('#define F (x) x\nF(1)')).toBe('( x ) x ( 1 )');
  });

  it('6.10.3p11: commas inside parentheses do not split arguments; arguments may span lines', () => {
    expect(pp('#define A(x, y) [x|y]\nA((1, 2), f(3,\n 4))')).toBe('[ ( 1 , 2 ) | f ( 3 , 4 ) ]');
  });

  it('6.10.3.1: arguments are fully macro-expanded before substitution', () => {
    expect(pp('#define ONE 1\n#define ID(x) x\n#define TWICE(x) ID(x) + ID(x)\nTWICE(ONE)')).toBe('1 + 1');
  });

  it('6.10.3p12: variadic macros: __VA_ARGS__ takes the rest, commas included (EXAMPLE 7, gcc 12)', () => {
    const src = [
      '#define debug(...) fprintf(stderr, __VA_ARGS__)',
      '#define showlist(...) puts(#__VA_ARGS__)',
      '#define report(test, ...) ((test)?puts(#test):\\',
      ' printf(__VA_ARGS__))',
      'debug("Flag");',
      'debug("X = %d\\n", x);',
      'showlist(The first, second, and third items.);',
      'report(x>y, "x is %d but y is %d", x, y);',
    ].join('\n');
    expect(pp(src)).toBe(
      gccOut(`fprintf(stderr, "Flag");
fprintf(stderr, "X = %d\\n", x);
puts("The first, second, and third items.");
((x>y)?puts("x>y"): printf("x is %d but y is %d", x, y));`),
    );
  });

  it("gcc: a variadic macro may be used without its variable arguments; `, ## __VA_ARGS__` then drops the comma (gcc 12)", () => {
    const src = '#define P(fmt, ...) printf(fmt, ## __VA_ARGS__)\nP("a"); P("b", 1, 2); P("c",);';
    expect(pp(src)).toBe(gccOut('printf("a"); printf("b", 1, 2); printf("c",);'));
  });

  it("gcc: named variable arguments `args...`", () => {
    expect(pp('#define L(fmt, args...) log(fmt, args)\nL("x", 1, 2)')).toBe('log ( "x" , 1 , 2 )');
  });

  it('6.10.3p4: wrong argument counts are errors with gcc\'s words, at the closing parenthesis', () => {
    expect(ppError('#define f(a,b) a\nf(1)')).toBe('Test.c:2:4: macro "f" requires 2 arguments, but only 1 given');
    expect(ppError('#define f(a,b) a\nf(1,2,3)')).toBe('Test.c:2:8: macro "f" passed 3 arguments, but takes just 2');
    expect(ppError('#define f() x\nf(1)')).toBe('Test.c:2:4: macro "f" passed 1 arguments, but takes just 0');
    expect(ppError('#define f(a) x\nf(,)')).toBe('Test.c:2:4: macro "f" passed 2 arguments, but takes just 1');
    expect(pp('#define f(a) [a]\n#define g() G\nf() g()')).toBe('[ ] G');
  });

  it('6.10.3p4: an argument list running to the end of the file is an error at the macro name', () => {
    expect(ppError('#define f(a) a\nx f(1')).toBe('Test.c:2:3: unterminated argument list invoking macro "f"');
  });

  it('gcc: the arity error carries a note at the definition', () => {
    expect(() => pp('#define f(a,b) a\nf(1)')).toThrow(/requires 2 arguments/);
    try {
      pp('#define f(a,b) a\nf(1)');
    } catch (e) {
      const d = e as { notes: { loc: { line: number; col: number }; message: string }[] };
      expect(d.notes[0]).toMatchObject({ loc: { line: 1, col: 9 }, message: 'macro "f" defined here' });
    }
  });

  it('6.10.3p2: redefinition (even a different one) is accepted and replaces the old; #undef removes it', () => {
    expect(pp('#define A 1\n#define A 2\nA\n#undef A\nA')).toBe('2 A');
  });
});

describe('# and ## (C99 6.10.3.2, 6.10.3.3)', () => {
  it('6.10.3.2: stringizing spacing and escapes, all as gcc 12 prints them', () => {
    const defs = [
      '#define str(x) #x',
      '#define xstr(x) str(x)',
      '#define E',
      '#define P +',
      '#define f(x) [x]',
      '#define g(x) [ x ]',
      '#define h(x) x+x',
      '#define k(x, y) x y',
    ].join('\n');
    const cases: [string, string][] = [
      ['xstr(a E b)', '"a b"'],
      ['xstr(aE b)', '"aE b"'],
      ['xstr((E))', '"()"'],
      ['xstr(( E ))', '"( )"'],
      ['xstr(-P)', '"-+"'],
      ['xstr(P-)', '"+-"'],
      ['xstr(f())', '"[]"'],
      ['xstr(g())', '"[ ]"'],
      ['xstr(f( 1 ))', '"[1]"'],
      ['xstr(  a   +   b  )', '"a + b"'],
      [`str( "a\\n" 'b' '\\'' "\\\\" )`, String.raw`"\"a\\n\" 'b' '\\'' \"\\\\\""`],
      ['str(L"x")', String.raw`"L\"x\""`],
      ['xstr(E a)', '"a"'],
      ['xstr(a E)', '"a"'],
      ['xstr(h(1))', '"1+1"'],
      ['xstr(h( 1 ))', '"1+1"'],
      ['xstr(k(1,2))', '"1 2"'],
      ['xstr(k(,2))', '"2"'],
      ['xstr(k(1,))', '"1"'],
      ['xstr(x k(,) y)', '"x y"'],
      ['str()', '""'],
      ['str(   )', '""'],
      ['str(a\nb)', '"a b"'],
    ];
    for (const [use, want] of cases) expect(pp(`${defs}\n${use}`), use).toBe(want);
  });

  it('6.10.3.2: the stringized literal has its code units (escapes applied)', () => {
    const [t] = ppTokens('#define S(x) #x\nS("a\\n")');
    expect(t.kind).toBe('str');
    expect(String.fromCharCode(...t.units!)).toBe('"a\\n"');
  });

  it('6.10.3.3: ## pastes and re-lexes the joined spelling (a number, an identifier that is then expanded)', () => {
    expect(pp('#define CAT(a, b) a ## b\n#define xy 7\nCAT(1, 2) CAT(x, y) CAT(0x, 1F) CAT(<, <=)')).toBe('12 7 0x1F <<=');
    const [n] = ppTokens('#define CAT(a, b) a ## b\nCAT(0x, 10)');
    expect(n).toMatchObject({ kind: 'num', value: 16n, numType: 'int' });
  });

  it('6.10.3.3p3: an invalid paste is an error with gcc\'s words, at the left operand', () => {
    expect(ppError('#define g(a) a ## +\ng(x)')).toBe('Test.c:2:3: pasting "x" and "+" does not give a valid preprocessing token');
    expect(ppError('#define h(a, b) a ## b\nh(/, /)')).toBe('Test.c:2:3: pasting "/" and "/" does not give a valid preprocessing token');
  });

  it('6.10.3.5 EXAMPLE 5: placemarkers (gcc 12)', () => {
    const src = '#define t(x,y,z) x ## y ## z\nint j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),\n t(10,,), t(,11,), t(,,12), t(,,) };';
    expect(pp(src)).toBe(gccOut('int j[] = { 123, 45, 67, 89,\n 10, 11, 12, };'));
  });

  it('6.10.3.5 EXAMPLE 4: # and ## together (gcc 12)', () => {
    const src = [
      '#define str(s) # s',
      '#define xstr(s) str(s)',
      '#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \\',
      ' x ## s, x ## t)',
      '#define INCFILE(n) vers ## n',
      '#define glue(a, b) a ## b',
      '#define xglue(a, b) glue(a, b)',
      '#define HIGHLOW "hello"',
      '#define LOW LOW ", world"',
      'debug(1, 2);',
      `fputs(str(strncmp("abc\\0d", "abc", '\\4') // this goes away`,
      ' == 0) str(: @\\n), s);',
      'xstr(INCFILE(2).h)',
      'glue(HIGH, LOW);',
      'xglue(HIGH, LOW)',
    ].join('\n');
    const toks = ppTokens(src);
    expect(toks.map((t) => t.text).join(' ')).toBe(
      gccOut(`printf("x" "1" "= %d, x" "2" "= %s", x1, x2);
fputs("strncmp(\\"abc\\\\0d\\", \\"abc\\", '\\\\4') == 0" ": @\\n", s);
"vers2.h"
"hello";
"hello" ", world"`),
    );
    expect(toks.find((t) => t.text.startsWith('"strncmp'))!.text).toBe(String.raw`"strncmp(\"abc\\0d\", \"abc\", '\\4') == 0"`);
  });

  it("#define errors with gcc's words: # without a parameter, ## at either end, bad parameter lists", () => {
    expect(ppError('#define f(x) #y')).toBe("Test.c:1:14: '#' is not followed by a macro parameter");
    expect(ppError('#define f(x) ## x')).toBe("Test.c:1:14: '##' cannot appear at either end of a macro expansion");
    expect(ppError('#define f(x) x ##')).toBe("Test.c:1:16: '##' cannot appear at either end of a macro expansion");
    expect(ppError('#define f(x x')).toBe(`Test.c:1:13: expected ',' or ')', found "x"`);
    expect(ppError('#define f(x,) x')).toBe('Test.c:1:13: expected parameter name, found ")"');
    expect(ppError('#define f(x,x) x')).toBe('Test.c:1:13: duplicate macro parameter "x"');
    expect(ppError('#define f(x')).toBe(`Test.c:1:11: expected ',' or ')', found "end of line"`);
    expect(ppError('#define f(... x')).toBe("Test.c:1:15: missing ')' in macro parameter list");
    expect(ppError('#define')).toBe('Test.c:1:2: no macro name given in #define directive');
    expect(ppError('#define 3')).toBe('Test.c:1:9: macro names must be identifiers');
    expect(ppError('#define defined')).toBe('Test.c:1:9: "defined" cannot be used as a macro name');
    expect(ppError('#undef')).toBe('Test.c:1:2: no macro name given in #undef directive');
  });
});

describe('rescanning and hide sets (C99 6.10.3.4, Prosser)', () => {
  it('6.10.3.4p2: a macro is not replaced inside its own expansion (gcc 12)', () => {
    const src = [
      '#define foo foo',
      '#define a b',
      '#define b a',
      '#define f(x) x f',
      '#define g(a) a*h',
      '#define h(a) g(a)',
      '#define AA BB',
      '#define BB AA',
      '#define m() m',
      '#define n(x) x',
      'foo a b f(1)(2)(3) g(2)(9) AA BB m()() n(n)(1) n(n(n))(2)',
      '#define obj(x) obj x',
      'obj(obj(1))(2)',
      '#define lparen (',
      '#define call f lparen 7)',
      'call',
      '#define id(x) x',
      'id(id)(3)',
    ].join('\n');
    expect(pp(src)).toBe(gccOut('foo a b 1 f(2)(3) 2*9*h AA BB m() n(1) n(2)\nobj obj 1(2)\nf ( 7)\nid(3)'));
  });

  it('6.10.3.5 EXAMPLE 3: the standard\'s rescanning example (gcc 12)', () => {
    const src = [
      '#define x 3',
      '#define f(a) f(x * (a))',
      '#undef x',
      '#define x 2',
      '#define g f',
      '#define z z[0]',
      '#define h g(~',
      '#define m(a) a(w)',
      '#define w 0,1',
      '#define t(a) a',
      '#define p() int',
      '#define q(x) x',
      '#define r(x,y) x ## y',
      '#define str(x) # x',
      'f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);',
      'g(x+(3,4)-w) | h 5) & m',
      '(f)^m(m);',
      'p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };',
      'char c[2][6] = { str(hello), str() };',
    ].join('\n');
    expect(pp(src)).toBe(
      gccOut(`f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
f(2 * (2 +(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
int i[] = { 1, 23, 4, 5, };
char c[2][6] = { "hello", "" };`),
    );
  });

  it('a function-like macro name at the end of an expansion takes its ( from the text after it', () => {
    expect(pp('#define f(x) <x>\n#define g f\ng(1) g')).toBe('< 1 > f');
  });
});

describe("edk2's ASSERT describes the fully expanded expression (smm-c-facts §2.2)", () => {
  // The macros as MdePkg writes them (Base.h, ProcessorBind.h, DebugLib.h), laid out our own way.
  const EDK2 = [
    '#define VOID void',
    '#define NULL  ((VOID *) 0)',
    '#define FALSE ((BOOLEAN)(0==1))',
    '#define SIZE_4KB 0x00001000',
    '#define MAX_BIT 0x8000000000000000ULL',
    '#define SIGNATURE_16(A, B)        ((A) | (B << 8))',
    '#define SIGNATURE_32(A, B, C, D)  (SIGNATURE_16 (A, B) | (SIGNATURE_16 (C, D) << 16))',
    "#define POOL_HEAD_SIGNATURE  SIGNATURE_32('s','p','h','d')",
    '#define RETURN_ERROR(StatusCode)  (((RETURN_STATUS)(StatusCode)) >= MAX_BIT)',
    '#define EFI_ERROR(A)  RETURN_ERROR(A)',
    '#define DEBUG_EXPRESSION_STRING(Expression)  #Expression',
    '#define _ASSERT(Expression)  DebugAssert (__FILE_NAME__, __LINE__, DEBUG_EXPRESSION_STRING (Expression))',
    '#define ASSERT(Expression)       \\',
    '  do {                           \\',
    '    if (DebugAssertEnabled ()) { \\',
    '      if (!(Expression)) {       \\',
    '        _ASSERT (Expression);    \\',
    '      }                          \\',
    '    }                            \\',
    '  } while (FALSE)',
    '#define ASSERT_EFI_ERROR(StatusParameter)                       \\',
    '  do {                                                          \\',
    '    if (DebugAssertEnabled ()) {                                \\',
    '      if (EFI_ERROR (StatusParameter)) {                        \\',
    '        _ASSERT (!EFI_ERROR (StatusParameter));                 \\',
    '      }                                                         \\',
    '    }                                                           \\',
    '  } while (FALSE)',
  ].join('\n');
  const describeOf = (use: string) => {
    const toks = ppTokens(`${EDK2}\n${use}`, { name: 'Drivers/MyDrv.c' });
    const i = toks.findIndex((t) => t.text === 'DebugAssert');
    return { file: toks[i + 2].text, line: toks[i + 4].text, text: toks[i + 6].text };
  };

  it('§2.2: ASSERT (Buffer != NULL) describes "Buffer != ((void *) 0)"', () => {
    expect(describeOf('ASSERT (Buffer != NULL);').text).toBe('"Buffer != ((void *) 0)"');
  });
  it('§2.2: ASSERT (FALSE) describes "((BOOLEAN)(0==1))"', () => {
    expect(describeOf('ASSERT (FALSE);').text).toBe('"((BOOLEAN)(0==1))"');
  });
  it('§2.2: ASSERT (Size < SIZE_4KB) describes "Size < 0x00001000"', () => {
    expect(describeOf('ASSERT (Size < SIZE_4KB);').text).toBe('"Size < 0x00001000"');
  });
  it('§2.2: POOL_HEAD_SIGNATURE stringizes as its full expansion', () => {
    expect(describeOf('ASSERT (Head->Signature == POOL_HEAD_SIGNATURE);').text).toBe(
      `"Head->Signature == ((('s') | ('p' << 8)) | ((('h') | ('d' << 8)) << 16))"`,
    );
  });
  it('§2.2: ASSERT_EFI_ERROR (Status) describes "!(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)" (HEAD)', () => {
    expect(describeOf('ASSERT_EFI_ERROR (Status);').text).toBe('"!(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)"');
  });
  it('§2.2: _ASSERT passes __FILE_NAME__ (the basename) and the line of the ASSERT', () => {
    const d = describeOf('\n\nASSERT (\n  X\n);');
    expect(d.file).toBe('"MyDrv.c"');
    expect(d.line).toBe(String(EDK2.split('\n').length + 3));
  });
  it('§2.2: the whole expansion matches gcc 12', () => {
    expect(pp(`${EDK2}\nASSERT (Buffer != NULL);`, { name: 'a.c' }).replace(/DebugAssert \( "a.c" , \d+/, 'DebugAssert ( "a.c" , 0')).toBe(
      gccOut(
        'do { if (DebugAssertEnabled ()) { if (!(Buffer != ((void *) 0))) { DebugAssert ("a.c", 0, "Buffer != ((void *) 0)"); } } } while (((BOOLEAN)(0==1)));',
      ),
    );
  });
});
