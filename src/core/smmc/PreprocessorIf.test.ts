/**
 * Conditional inclusion (C99 6.10.1): #if arithmetic in intmax_t/uintmax_t, defined, the group
 * directives and their errors. Every "yes/no" below was checked with gcc 12 (`gcc -E -P`).
 */
import { describe, expect, it } from 'vitest';
import { pp, ppError } from './PpTestKit';

const ifValue = (e: string) => pp(`#if ${e}\nyes\n#else\nno\n#endif`);

describe('#if arithmetic (C99 6.10.1p4: intmax_t / uintmax_t, 64 bits)', () => {
  const cases: [string, 'yes' | 'no'][] = [
    ['-1 > 0u', 'yes'], // 6.3.1.8: unsigned if either operand is
    ['-1 < 0', 'yes'],
    ['0xFFFFFFFFFFFFFFFF == -1', 'yes'],
    ['(0 ? 1u : -1) > 0', 'yes'], // ?: takes the common type of both arms
    ['(1 ? -1 : 0u) > 0', 'yes'],
    ['1 << 63 < 0', 'yes'],
    ['(-1 >> 1) == -1', 'yes'],
    ["'A' == 65", 'yes'],
    ["'\\xff' < 0", 'yes'], // char is signed on X64 gcc
    ["L'\\xffff' > 0", 'yes'], // CHAR16 (-fshort-wchar) promotes to a positive int
    ['0 && 1/0', 'no'], // && and || do not evaluate the side they skip
    ['1 || 1/0', 'yes'],
    ['0 ? 1/0 : 2', 'yes'],
    ['18446744073709551615 == -1', 'yes'],
    ['0x7FFFFFFFFFFFFFFF + 1 < 0', 'yes'], // wraps
    ['-9223372036854775807 - 1 < 0', 'yes'],
    ['(-7) / 2 == -3', 'yes'],
    ['(-7) % 2 == -1', 'yes'],
    ['1u - 2 > 0', 'yes'],
    ['~0u == 0xFFFFFFFFFFFFFFFF', 'yes'],
    ['!0 + !5 == 1', 'yes'],
    ['1 << 64', 'no'],
    ['1 >> -1 == 2', 'yes'],
    ['-1 >> 64 == -1', 'yes'],
    ['UNDEFINED_NAME == 0', 'yes'], // identifiers that remain are 0
    ['defined(__GNUC__) && __GNUC__ >= 4', 'yes'],
    ['(1, 2) == 2', 'yes'],
    ['3 > 2 > 1', 'no'],
    ['0x10 == 16 && 010 == 8', 'yes'],
    ['-0x8000000000000000 < 0', 'no'],
    ['10 / 3 * 3 + 10 % 3 == 10', 'yes'],
    ['1 ? 2 : 3 ? 4 : 5', 'yes'],
    ['(0 ? 2 : 0 ? 4 : 5) == 5', 'yes'],
    ['-1u > 0', 'yes'],
  ];
  for (const [e, want] of cases) {
    it(`6.10.1: #if ${e} is ${want === 'yes' ? 'true' : 'false'} (gcc 12)`, () => expect(ifValue(e)).toBe(want));
  }

  it('6.10.1p1: defined X and defined ( X ) are 1 or 0, the name not expanded; macros are expanded first', () => {
    expect(pp('#define A\n#define B A\n#if defined A && defined(B) && !defined C\nyes\n#endif')).toBe('yes');
    expect(pp('#define V 3\n#define W V+1\n#if W == 4\nyes\n#endif')).toBe('yes');
    // gcc 12 also honours a `defined` that an object-like macro produced
    expect(pp('#define HAS_A defined(A)\n#define HAS_Z defined Z\n#define A\n#if HAS_A && !HAS_Z\nyes\n#endif')).toBe('yes');
    // ... but an argument is expanded first, so `defined(x)` in a function-like macro sees A's (empty) expansion (gcc 12 too)
    expect(ppError('#define HAS(x) defined(x)\n#define A\n#if HAS(A)\n#endif')).toBe('Test.c:3:5: operator "defined" requires an identifier');
  });

  it('6.10.1p4: division by zero is an error at the operator', () => {
    expect(ppError('#if 1 / 0\n#endif')).toBe('Test.c:1:7: division by zero in preprocessor expression');
    expect(ppError('#if 1 % (2 - 2)\n#endif')).toBe('Test.c:1:7: division by zero in preprocessor expression');
  });

  it("6.10.1: malformed expressions give gcc's messages", () => {
    expect(ppError('#if 1 +\n#endif')).toBe("Test.c:1:7: operator '+' has no right operand");
    expect(ppError('#if (1\n#endif')).toBe("Test.c:1:5: missing ')' in expression");
    expect(ppError('#if 1 2\n#endif')).toBe('Test.c:1:7: missing binary operator before token "2"');
    expect(ppError('#if 1 ? 2\n#endif')).toBe("Test.c:1:7: '?' without following ':'");
    expect(ppError('#if 1 : 2\n#endif')).toBe("Test.c:1:7: ':' without preceding '?'");
    expect(ppError('#if )\n#endif')).toBe("Test.c:1:5: missing '(' in expression");
    expect(ppError('#if 1 )\n#endif')).toBe("Test.c:1:7: missing '(' in expression");
    expect(ppError('#if ()\n#endif')).toBe("Test.c:1:6: missing expression between '(' and ')'");
    expect(ppError('#if\n#endif')).toBe('Test.c:1:2: #if with no expression');
    expect(ppError('#if "s"\n#endif')).toBe('Test.c:1:5: token ""s"" is not valid in preprocessor expressions');
    expect(ppError('#if 1 = 2\n#endif')).toBe('Test.c:1:7: token "=" is not valid in preprocessor expressions');
    expect(ppError('#if defined\n#endif')).toBe('Test.c:1:5: operator "defined" requires an identifier');
    expect(ppError('#if defined(X\n#endif')).toBe('Test.c:1:13: missing \')\' after "defined"');
    expect(ppError('#if 1.5\n#endif')).toBe('Test.c:1:5: floating constant in preprocessor expression');
    expect(ppError('#if (char)1\n#endif')).toBe('Test.c:1:11: missing binary operator before token "1"');
    expect(ppError('#if * 2\n#endif')).toBe("Test.c:1:5: operator '*' has no left operand");
  });

  it('deep nesting is an error, not a crash', () => {
    expect(ppError(`#if ${'('.repeat(5000)}1${')'.repeat(5000)}\n#endif`)).toMatch(/nested too deeply/);
    expect(ppError(`#if ${'- '.repeat(5000)}1\n#endif`)).toMatch(/nested too deeply/);
  });
});

describe('conditional groups (C99 6.10.1p6)', () => {
  it('#ifdef / #ifndef / #elif / #else pick one group; a later #elif is not evaluated once one was taken', () => {
    const src = (v: string) => `#define V ${v}\n#if V == 1\none\n#elif V == 2\ntwo\n#elif 1/0\nbad\n#else\nother\n#endif`;
    expect(pp(src('1'))).toBe('one');
    expect(pp(src('2'))).toBe('two');
    expect(pp('#ifdef X\na\n#else\nb\n#endif\n#ifndef X\nc\n#endif')).toBe('b c');
  });

  it('6.10.1p6: skipped groups are only scanned for nesting: anything else there is ignored, like gcc', () => {
    const src = "#if 0\n#if 1\n#error no\n#endif\n#foo bar\nit's 1.5e3 @ `\n#include <Nope.h>\n#elif 0\nx\n#else\nkept\n#endif";
    expect(pp(src)).toBe('kept');
  });

  it('an unterminated conditional is an error at its #if, #ifdef or #ifndef', () => {
    expect(ppError('a\n#if 1\n#if 0\n#endif\nb')).toBe('Test.c:2:2: unterminated conditional directive');
    expect(ppError('#ifdef X\n#else')).toBe('Test.c:1:2: unterminated conditional directive');
    // a conditional cannot continue into the file that included it
    expect(ppError('#include "H.h"\n#endif', { local: { 'H.h': '#ifndef Q\n' } })).toBe('H.h:1:2: unterminated conditional directive');
  });

  it("misplaced #else / #elif / #endif give gcc's messages at the directive name", () => {
    expect(ppError('#if 1\n#else\n#else\n#endif')).toBe('Test.c:3:2: #else after #else');
    expect(ppError('#if 1\n#else\n#elif 1\n#endif')).toBe('Test.c:3:2: #elif after #else');
    expect(ppError('#else')).toBe('Test.c:1:2: #else without #if');
    expect(ppError('#endif')).toBe('Test.c:1:2: #endif without #if');
    expect(ppError('#elif 1')).toBe('Test.c:1:2: #elif without #if');
    expect(ppError('#ifdef\n#endif')).toBe('Test.c:1:2: no macro name given in #ifdef directive');
    expect(ppError('#ifndef 3\n#endif')).toBe('Test.c:1:9: macro names must be identifiers');
  });
});
