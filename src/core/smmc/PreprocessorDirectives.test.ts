/**
 * #include (C99 6.10.2), #error / #pragma / null and unknown directives (6.10.5-6.10.9), the
 * predefined macros (6.10.8 and what gcc 12 defines for an edk2 X64 build), and where tokens say
 * they come from.
 */
import { describe, expect, it } from 'vitest';
import { preprocess } from './Preprocessor';
import { diagnostic, fixture, pp, ppError, ppTokens } from './PpTestKit';

describe('#include (C99 6.10.2)', () => {
  it('6.10.2p3: "X.h" searches the module first, then the shipped headers; <X.h> only the shipped ones', () => {
    const opt = { local: { 'Foo.h': 'local' }, shipped: { 'Foo.h': 'shipped', 'Bar.h': 'bar' } };
    expect(pp('#include "Foo.h"\n#include <Foo.h>\n#include "Bar.h"', opt)).toBe('local shipped bar');
  });

  it('6.10.2: resolve() is asked with the name as written, quoted or not, and the including file', () => {
    const f = fixture('#include <Library/A.h>', { shipped: { 'Library/A.h': '#include "B.h"\na', 'B.h': 'b' } });
    expect(preprocess(f.main, f.opts).map((t) => t.text)).toEqual(['b', 'a', '']);
    expect(f.calls).toEqual([
      ['Library/A.h', false, 'Test.c'],
      ['B.h', true, 'Library/A.h'],
    ]);
  });

  it('6.10.2p4: #include MACRO, for both forms', () => {
    const opt = { shipped: { 'Library/Bar.h': 'bar', 'Foo.h': 'foo' } };
    expect(pp('#define H1 "Foo.h"\n#define H2 <Library/Bar.h>\n#include H1\n#include H2', opt)).toBe('foo bar');
  });

  it("an unknown include is an error at the name: 'Foo.h' file not found, with the headers that exist by folder", () => {
    const opt = { shipped: { 'Library/DebugLib.h': '', 'Library/BaseLib.h': '', 'Protocol/SmmCpu.h': '', 'PiSmm.h': '', 'Uefi.h': '' } };
    const d = diagnostic('int x;\n#include "Foo.h"', opt);
    expect(d.where()).toEqual({ file: 'Test.c', line: 2, col: 10, message: "'Foo.h' file not found" });
    expect(d.notes).toHaveLength(1);
    expect(d.notes[0].message).toBe(
      ['the headers that exist are:', '  Library/: BaseLib.h, DebugLib.h', '  Protocol/: SmmCpu.h', '  top level: PiSmm.h, Uefi.h'].join('\n'),
    );
    expect(d.format()).toBe(
      [
        "Test.c:2:10: error: 'Foo.h' file not found",
        '#include "Foo.h"',
        '         ^',
        'Test.c:2:10: note: the headers that exist are:',
        '  Library/: BaseLib.h, DebugLib.h',
        '  Protocol/: SmmCpu.h',
        '  top level: PiSmm.h, Uefi.h',
      ].join('\n'),
    );
  });

  it('a header asked for without its folder gets a "did you mean"', () => {
    const opt = { shipped: { 'Library/DebugLib.h': '' } };
    expect(ppError('#include <DebugLib.h>', opt)).toBe("Test.c:1:10: 'DebugLib.h' file not found; did you mean 'Library/DebugLib.h'?");
  });

  it('#include nested more than 200 deep is an error (gcc -fmax-include-depth)', () => {
    expect(ppError('#include "Loop.h"', { local: { 'Loop.h': '#include "Loop.h"\n' } })).toBe(
      'Loop.h:1:10: #include nested depth 201 exceeds maximum of 200',
    );
  });

  it('#pragma once: a file is read once per translation unit', () => {
    const opt = { local: { 'Once.h': '#pragma once\nint once;' } };
    expect(pp('#include "Once.h"\n#include "Once.h"\nend', opt)).toBe('int once ; end');
  });

  it('include guards work, and the guard shortcut is exact (an #undef of the guard reads the file again)', () => {
    const opt = { local: { 'G.h': '// guard\n#ifndef G_H_\n#define G_H_\nint g;\n#endif // G_H_\n' } };
    expect(pp('#include "G.h"\n#include "G.h"', opt)).toBe('int g ;');
    expect(pp('#include "G.h"\n#undef G_H_\n#include "G.h"', opt)).toBe('int g ; int g ;');
  });

  it("malformed #include lines give gcc's messages", () => {
    expect(ppError('#include')).toBe('Test.c:1:2: #include expects "FILENAME" or <FILENAME>');
    expect(ppError('#include Foo')).toBe('Test.c:1:10: #include expects "FILENAME" or <FILENAME>');
    expect(ppError('#include ""')).toBe('Test.c:1:10: empty filename in #include');
    expect(ppError('#include <Foo.h')).toBe('Test.c:1:10: missing terminating > character');
  });
});

describe('#error, #pragma and the other directives (C99 6.10.5-6.10.9)', () => {
  it('6.10.5: #error stops at the directive with its text, whitespace folded as gcc prints it', () => {
    expect(ppError('int a;\n  #  error  hello   there  // c')).toBe('Test.c:2:6: #error hello there');
    expect(ppError('#if 1\n#error "not here"\n#endif')).toBe('Test.c:2:2: #error "not here"');
    expect(pp('#if 0\n#error no\n#endif\nok')).toBe('ok');
  });

  it("6.10.7: the null directive, #warning, #line, #ident and gcc's `# 33 \"file\"` are accepted and emit nothing", () => {
    expect(pp('#\n#warning careful\n#line 10 "x.c"\n#ident "v1"\n# 33 "x.c"\nok')).toBe('ok');
  });

  it('an unknown directive is an error at its name', () => {
    expect(ppError('#foo bar')).toBe('Test.c:1:2: invalid preprocessing directive #foo');
    expect(ppError('#"x"')).toBe('Test.c:1:2: invalid preprocessing directive #"x"');
  });

  it('directives inside a macro call\'s arguments are done, as gcc does (gcc 12: [a c] / 1 5 5)', () => {
    expect(pp('#define F(x) [x]\nF(a\n#ifdef Q\nb\n#else\nc\n#endif\n)')).toBe('[ a c ]');
    expect(pp('#define G(x) x\nG(1\n#define Z 5\nZ) Z')).toBe('1 5 5');
  });

  it('a # that a macro produced at the start of a line is not a directive', () => {
    expect(pp('#define H #\nH define X 1\nX')).toBe('# define X 1 X');
  });

  it('#pragma pack becomes one __pragma_pack token (its value the packing in force, 0n = default), at the pragma', () => {
    const src = [
      'a',
      '#pragma pack(push, 1)', // 1
      '#pragma pack(push, 4)', // 4
      '#pragma pack(pop)', // back to 1
      '#pragma pack(pop)', // back to the default
      '#pragma pack(2)', // 2
      '#pragma pack(push)', // 2 saved, still 2
      '#pragma pack(8)', // 8
      '#pragma pack(pop)', // 2
      '#pragma pack()', // default
      '#pragma pack(pop)', // nothing saved: default
      '#define ALIGN 16',
      '#pragma pack(push, ALIGN)', // gcc expands macros in pack
      'b',
    ].join('\n');
    const toks = ppTokens(src);
    const packs = toks.filter((t) => t.text === '__pragma_pack');
    expect(packs.map((t) => t.value)).toEqual([1n, 4n, 1n, 0n, 2n, 2n, 8n, 2n, 0n, 0n, 16n]);
    expect(packs.every((t) => t.kind === 'ident' && t.atBol)).toBe(true);
    expect(packs.map((t) => t.loc.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]);
    expect(toks[0].text).toBe('a');
    expect(toks[toks.length - 1].text).toBe('b');
  });

  it("#pragma pack errors: gcc's alignment rule, a malformed pragma", () => {
    expect(ppError('#pragma pack(3)')).toBe('Test.c:1:14: alignment must be a small power of two, not 3');
    expect(ppError('#pragma pack 4')).toBe("Test.c:1:14: malformed '#pragma pack' directive");
    expect(ppError('#pragma pack(4')).toBe("Test.c:1:14: malformed '#pragma pack' directive");
  });

  it('other pragmas are dropped', () => {
    expect(pp('#pragma GCC diagnostic ignored "-Wunused"\n#pragma warning(disable:4200)\nok')).toBe('ok');
  });

  it('6.10.9: _Pragma("...") works as the #pragma line would', () => {
    const toks = ppTokens('#define PACKED(n) _Pragma("pack(push, 1)") n _Pragma("pack(pop)")\nx PACKED(y) z');
    expect(toks.map((t) => (t.text === '__pragma_pack' ? `pack${t.value}` : t.text))).toEqual(['x', 'pack1', 'y', 'pack0', 'z']);
    expect(pp('#include "O.h"\n#include "O.h"', { local: { 'O.h': '_Pragma("once") o' } })).toBe('o');
    expect(ppError('_Pragma(1)')).toBe('Test.c:1:1: _Pragma takes a parenthesized string literal');
  });
});

describe('predefined macros (C99 6.10.8; gcc 12 for X64 edk2)', () => {
  it('MDE_CPU_X64, __x86_64__, __STDC__, __STDC_VERSION__, __GNUC__, __SIZEOF_WCHAR_T__ are defined', () => {
    expect(pp('MDE_CPU_X64 __x86_64__ __STDC__ __STDC_VERSION__ __GNUC__ __SIZEOF_WCHAR_T__')).toBe('1 1 1 199901L 12 2');
    expect(pp('#if defined(MDE_CPU_X64) && __STDC_VERSION__ >= 199901L && __GNUC__ >= 4\nyes\n#endif')).toBe('yes');
  });

  it('__func__ is not a macro (the parser handles it)', () => {
    expect(pp('__func__')).toBe('__func__');
  });

  it('__FILE__ and __FILE_NAME__ name the file of the expansion point; __FILE_NAME__ is the basename', () => {
    const opt = { name: 'Drivers/MySmm.c', shipped: { 'Library/L.h': '#define WHERE __FILE__ __FILE_NAME__\n__FILE__ __FILE_NAME__' } };
    expect(pp('#include <Library/L.h>\nWHERE', opt)).toBe('"Library/L.h" "L.h" "Drivers/MySmm.c" "MySmm.c"');
    const [t] = ppTokens('__FILE__', { name: 'A\\B.c' });
    expect(t.text).toBe('"A\\\\B.c"');
    expect(t.units).toEqual([...'A\\B.c'].map((c) => c.charCodeAt(0)));
  });

  it("__LINE__: a replacement list's is the macro name's line, an argument's its own line (gcc 12 prints 6 7 5)", () => {
    const src = '#define L1 __LINE__\n#define F(x) x __LINE__\n\n\nF(\n __LINE__\n L1\n)';
    expect(pp(src)).toBe('6 7 5');
  });

  it('__COUNTER__ counts up from 0 per translation unit', () => {
    expect(pp('__COUNTER__ __COUNTER__ __COUNTER__')).toBe('0 1 2');
  });

  it('-D defines (PreprocessOptions.defines) are object-like macros seen by #if and the text', () => {
    expect(pp('#if MDEPKG_NDEBUG\nrelease LEVEL\n#endif', { defines: { MDEPKG_NDEBUG: '1', LEVEL: '(1 << 2)' } })).toBe('release ( 1 << 2 )');
    expect(ppError('x', { defines: { '3X': '1' } })).toBe('<command-line>:1:9: macro names must be identifiers');
  });
});

describe('token locations', () => {
  it('a token a macro produced is at the macro use (outermost), and remembers the macro and where it was spelled', () => {
    const src = '#define INNER (1 + 2)\n#define OUTER  x = INNER\nint a;\n  OUTER;';
    const toks = ppTokens(src);
    const one = toks.find((t) => t.text === '1')!;
    expect([one.loc.line, one.loc.col]).toEqual([4, 3]);
    expect([one.expandedFrom!.line, one.expandedFrom!.col]).toEqual([4, 3]);
    expect(one.macro).toBe('INNER');
    expect([one.spelling!.line, one.spelling!.col]).toEqual([1, 16]);
    const x = toks.find((t) => t.text === 'x')!;
    expect([x.loc.line, x.macro, x.spelling!.line]).toEqual([4, 'OUTER', 2]);
  });

  it('a token from a macro argument keeps its own place (a multi-line call)', () => {
    const toks = ppTokens('#define CALL(f, a) f (a)\nCALL (Foo,\n      Bar);');
    const bar = toks.find((t) => t.text === 'Bar')!;
    expect([bar.loc.line, bar.loc.col, bar.macro]).toEqual([3, 7, undefined]);
    expect(toks.find((t) => t.text === '(')!.loc.line).toBe(2);
  });

  it('tokens of a header are at the header; the final eof is at the end of the main file', () => {
    const f = fixture('#include "H.h"\nmain', { local: { 'H.h': '\n  h' } });
    const toks = preprocess(f.main, f.opts);
    expect(toks.map((t) => `${t.text}@${t.loc.file.name}:${t.loc.line}:${t.loc.col}`)).toEqual(['h@H.h:2:3', 'main@Test.c:2:1', '@Test.c:2:5']);
    expect(toks[toks.length - 1].kind).toBe('eof');
  });

  it('a bad token is an error only when it is used: the float or stray character in live code, at its place', () => {
    expect(ppError('int a = 1.5;')).toBe('Test.c:1:9: floating-point constants are not supported: SMM code is built without floating point');
    expect(ppError('x\n  @')).toBe("Test.c:2:3: stray '@' in program");
    expect(ppError("char c = 'ab")).toBe("Test.c:1:10: missing terminating ' character");
    expect(pp('#define UNUSED 1.5 @\n#define S(x) #x\nS(@)')).toBe('"@"');
  });

  it('the tokens returned are fresh objects: changing them does not change the next compile of the same file', () => {
    const f = fixture('#include <H.h>\nmain', { shipped: { 'H.h': 'h' } });
    const a = preprocess(f.main, f.opts);
    a[0].text = 'changed';
    a[1].text = 'changed';
    expect(preprocess(f.main, f.opts).map((t) => t.text)).toEqual(['h', 'main', '']);
  });

  it('an edited file (same SourceFile object, new text) is tokenized again', () => {
    const f = fixture('one');
    expect(preprocess(f.main, f.opts)[0].text).toBe('one');
    f.main.text = 'two';
    expect(preprocess(f.main, f.opts)[0].text).toBe('two');
  });
});
