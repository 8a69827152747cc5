import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dump } from './AstDump';
import { tokenize, type Token } from './Lexer';
import { parse } from './Parser';
import { BASE_TYPES, bodyOf, errorOf, fn, global, parseC } from './ParserTestKit';
import { CDiagnostic } from './Source';

/**
 * A root MMI handler in the OVMF manner (OvmfPkg/CpuHotplugSmm/CpuHotplug.c CpuHotplugMmi reads
 * the APM control port through gMmst->MmIo.Io.Read and returns EFI_WARN_INTERRUPT_SOURCE_QUIESCED
 * when the value is not its own), written in SMM-C's own words with the macros already expanded
 * (the preprocessor is another stage): EFIAPI as gcc's ms_abi attribute, DEBUG and ASSERT as
 * DebugLib.h expands them, CpuDeadLoop with its volatile local.
 */
const DRIVER = `${BASE_TYPES}
typedef struct _EFI_MM_CPU_IO_PROTOCOL EFI_MM_CPU_IO_PROTOCOL;
typedef enum { MM_IO_UINT8, MM_IO_UINT16, MM_IO_UINT32, MM_IO_UINT64 } EFI_MM_IO_WIDTH;
typedef EFI_STATUS (__attribute__((ms_abi)) *EFI_MM_CPU_IO)(const EFI_MM_CPU_IO_PROTOCOL *This, EFI_MM_IO_WIDTH Width,
  UINT64 Address, UINTN Count, VOID *Buffer);
typedef struct { EFI_MM_CPU_IO Read; EFI_MM_CPU_IO Write; } EFI_MM_IO_ACCESS;
struct _EFI_MM_CPU_IO_PROTOCOL { EFI_MM_IO_ACCESS Mem; EFI_MM_IO_ACCESS Io; };
typedef EFI_STATUS (__attribute__((ms_abi)) *EFI_MM_HANDLER_ENTRY_POINT)(EFI_HANDLE DispatchHandle,
  const VOID *Context, VOID *CommBuffer, UINTN *CommBufferSize);
typedef struct {
  UINT8 Hdr[24]; CHAR16 *MmFirmwareVendor; UINT32 MmFirmwareRevision; VOID *MmInstallConfigurationTable;
  EFI_MM_CPU_IO_PROTOCOL MmIo;
  VOID *Pad[18];
  EFI_STATUS (__attribute__((ms_abi)) *MmiHandlerRegister)(EFI_MM_HANDLER_ENTRY_POINT Handler, const EFI_GUID *HandlerType,
    EFI_HANDLE *DispatchHandle);
} EFI_MM_SYSTEM_TABLE;
_Static_assert(__builtin_offsetof(EFI_MM_SYSTEM_TABLE, MmiHandlerRegister) == 0xE0, "smm-c-facts 1.2: SmiHandlerRegister at 0xE0");
extern EFI_MM_SYSTEM_TABLE *gMmst;
BOOLEAN __attribute__((ms_abi)) DebugPrintEnabled(VOID);
BOOLEAN __attribute__((ms_abi)) DebugPrintLevelEnabled(const UINTN ErrorLevel);
VOID __attribute__((ms_abi)) DebugPrint(UINTN ErrorLevel, const CHAR8 *Format, ...);
BOOLEAN __attribute__((ms_abi)) DebugAssertEnabled(VOID);
VOID __attribute__((ms_abi)) DebugAssert(const CHAR8 *FileName, UINTN LineNumber, const CHAR8 *Description);

static UINTN mHits;

VOID __attribute__((ms_abi)) CpuDeadLoop(VOID)
{
  volatile UINTN Index;

  for (Index = 0; Index == 0;) {
  }
}

static EFI_STATUS __attribute__((ms_abi)) RootHandler(
  EFI_HANDLE DispatchHandle, const VOID *Context, VOID *CommBuffer, UINTN *CommBufferSize)
{
  EFI_STATUS Status;
  UINT8      ApmControl;

  Status = gMmst->MmIo.Io.Read(&gMmst->MmIo, MM_IO_UINT8, 0xB2, 1, &ApmControl);
  if (((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL) {
    if (DebugPrintEnabled()) {
      if (DebugPrintLevelEnabled(0x80000000)) {
        DebugPrint(0x80000000, "%a: read 0xB2: %r\\n", __func__, Status);
      }
    }
    return Status;
  }
  if (ApmControl != 0x5A) {
    return 0x2000000000000001ULL;
  }
  mHits++;
  if (DebugAssertEnabled()) {
    if (!(mHits < 100)) {
      DebugAssert("Root.c", 60, "mHits < 100");
    }
  }
  return 0;
}

EFI_STATUS __attribute__((ms_abi)) RootEntry(EFI_HANDLE ImageHandle, VOID *SystemTable)
{
  EFI_HANDLE Handle;
  return gMmst->MmiHandlerRegister(RootHandler, ((VOID *) 0), &Handle);
}
`;

describe('parser: an edk2-style SMM driver', () => {
  const p = parseC(DRIVER, 'Root.c');

  it('functions in source order, globals with their kinds (extern, static, strings)', () => {
    expect(p.functions.map((f) => f.name)).toEqual(['CpuDeadLoop', 'RootHandler', 'RootEntry']);
    expect([global(p, 'gMmst').isDefinition, global(p, 'mHits').isStatic, global(p, 'RootHandler').isStatic]).toEqual([false, true, true]);
  });

  it('the I/O read goes through two member accesses and a function pointer, &ApmControl as VOID *', () => {
    expect(bodyOf(p, 'RootHandler')[0]).toBe(
      'assign<EFI_STATUS>(Status, call<EFI_STATUS>(deref<EFI_MM_SYSTEM_TABLE>(gMmst).MmIo.Io.Read, addr<EFI_MM_CPU_IO_PROTOCOL *>(deref<EFI_MM_SYSTEM_TABLE>(gMmst).MmIo), 0<EFI_MM_IO_WIDTH>, 178<UINT64>, 1<UINTN>, cast<VOID *>(addr<UINT8 *>(ApmControl))));',
    );
  });

  it('CpuDeadLoop: the volatile local stays volatile (the loop condition reads it each time)', () => {
    const idx = fn(p, 'CpuDeadLoop').locals[0];
    expect([idx.name, idx.ty.isVolatile]).toEqual(['Index', true]);
    expect(bodyOf(p, 'CpuDeadLoop')).toEqual(['for (assign<UINTN>(Index, 0<UINTN>); eq[UINTN](Index, 0<UINTN>); _) {}']);
  });

  it('registering the handler passes the function designator decayed to a pointer', () => {
    expect(bodyOf(p, 'RootEntry')).toEqual([
      // the handler's type is EFI_MM_HANDLER_ENTRY_POINT's pointee: no cast is needed
      'return call<EFI_STATUS>(deref<EFI_MM_SYSTEM_TABLE>(gMmst).MmiHandlerRegister, addr<EFI_STATUS (*)(EFI_HANDLE, const VOID *, VOID *, UINTN *)>(RootHandler), 0<const EFI_GUID *>, addr<EFI_HANDLE *>(Handle));',
    ]);
  });

  it('DEBUG passes __func__ (a .str global) through the variadic prototype', () => {
    const s = dump(fn(p, 'RootHandler').body!.body[1]);
    expect(s).toContain('call<VOID>(DebugPrint, 2147483648<UINTN>, addr<char *>(.str.0), addr<char *>(.str.1), Status)');
    expect(String.fromCharCode(...global(p, '.str.1').init!)).toBe('RootHandler\0');
  });

  it('function definitions know where they end (the closing brace)', () => {
    expect(fn(p, 'RootEntry').endLoc!.line).toBe(DRIVER.split('\n').length - 1);
  });
});

describe('parser: edk2 idioms (smm-c-facts §2.2 macros, expanded by hand)', () => {
  const p = parseC(`${BASE_TYPES}
    typedef struct { UINT32 Signature; UINTN Link; UINT8 Data; } REC;
    _Static_assert(((UINTN)&(((REC *)0)->Data)) == 16, "the old OFFSET_OF is a constant");
    UINTN gSig = ((('S') | ('M' << 8)) | ((('S') | ('T' << 8)) << 16));
    CHAR16 *gStrs[] = { L"a", L"b" };
    CHAR8 *gMid = &"abc"[1];
    UINT32 gTbl[sizeof (REC) / sizeof (UINT32)];
    REC *Back(UINTN *Link) { return ((REC *)(VOID *)((CHAR8 *)(Link) - ((UINTN)__builtin_offsetof(REC, Link)))); }
    VOID Use(VOID *p) {
      (VOID)p;
      UINTN n = sizeof (gTbl) / sizeof ((gTbl)[0]);
      if ((((RETURN_STATUS)(n)) >= 0x8000000000000000ULL)) { n = (UINTN)-1; }
      *(REC *)p = *(REC *)p;
    }`);
  const relocs = (n: string) => global(p, n).relocs.map((r) => `${r.offset}->${r.target.name}+${r.addend}`);

  it('SIGNATURE_32 folds to its value (smm-c-facts §2.2: SMST is 0x54534D53)', () => {
    expect(Array.from(global(p, 'gSig').init!)).toEqual([0x53, 0x4d, 0x53, 0x54, 0, 0, 0, 0]);
  });
  it('arrays of strings and pointers into a string are relocations', () => {
    expect([relocs('gStrs'), relocs('gMid')]).toEqual([['0->.str.0+0', '8->.str.1+0'], ['0->.str.2+1']]);
  });
  it('BASE_CR: a CHAR8 * minus OFFSET_OF, cast back', () => {
    expect(bodyOf(p, 'Back')).toEqual(['return cast<REC *>(cast<VOID *>(sub<CHAR8 *>(cast<CHAR8 *>(Link), 8<CHAR8 *>)));']);
  });
  it('(VOID)x, ARRAY_SIZE folded, EFI_ERROR as HEAD defines it, struct copy through casts', () => {
    expect(bodyOf(p, 'Use')).toEqual([
      'cast<VOID>(p);',
      'assign<UINTN>(n, 6<unsigned long>);',
      'if (le[unsigned long](9223372036854775808<unsigned long>, cast<RETURN_STATUS>(n))) {assign<UINTN>(n, 18446744073709551615<UINTN>);}',
      'assign<REC>(deref<REC>(cast<REC *>(p)), deref<REC>(cast<REC *>(p)));',
    ]);
  });
  it("names that are JavaScript's own (constructor, __proto__, toString) are ordinary C names", () => {
    const q = parseC('int constructor; int toString(int __proto__) { int hasOwnProperty = 1; return constructor + __proto__ + hasOwnProperty; }');
    expect(bodyOf(q, 'toString')[1]).toBe('return add(add(constructor, __proto__), hasOwnProperty);');
  });
});

describe('parser: error positions are file:line:col with the source line and a caret', () => {
  it('a missing semicolon after an expression', () => {
    expect(errorOf('int f(int x) {\n  x = x + 1\n  return x;\n}', 'MySmm.c')).toBe(
      ["MySmm.c:2:12: error: expected ';' after expression", '  x = x + 1', '           ^'].join('\n'),
    );
  });
  it('an undeclared identifier inside a call', () => {
    expect(errorOf('int f(int x) {\n\treturn g(Nope);\n}')).toBe(
      ["Test.c:2:9: error: call to undeclared function 'g'; ISO C99 and later do not support implicit function declarations", ' return g(Nope);', '        ^'].join('\n'),
    );
  });
  it("a missing ')' points at the token found instead", () => {
    expect(errorOf('int f(int x) { return (x + 1; }')).toBe(
      ["Test.c:1:29: error: expected ')'", 'int f(int x) { return (x + 1; }', '                            ^'].join('\n'),
    );
  });
  it('the end of the file: a function never closed', () => {
    expect(errorOf('int f(int x) {\n  return x;\n')).toBe(["Test.c:3:1: error: expected '}'", '', '^'].join('\n'));
  });
  it('nesting too deep for the parser is a diagnostic, not a crash', () => {
    const deep = `int f(void) { return ${'('.repeat(20000)}1${')'.repeat(20000)}; }`;
    expect(errorOf(deep)).toContain('error: nesting is too deep');
  });
});

/** Token-level mutations of valid programs: drop, duplicate, swap or replace a token. */
function mutate(tokens: Token[], ops: [number, number, number][]): Token[] {
  const out = tokens.slice(0, -1);
  const eof = tokens[tokens.length - 1];
  const extras = ['(', ')', '{', '}', '[', ']', ';', ',', '*', '&', '=', '->', '.', ':', '?', 'int', 'struct', 'typedef', 'sizeof', 'return', 'if', 'case', '...', 'static', 'UINTN', 'EFI_GUID'];
  for (const [op, a, b] of ops) {
    if (out.length === 0) break;
    const i = a % out.length;
    const j = b % out.length;
    if (op === 0) out.splice(i, 1);
    else if (op === 1) out.splice(i, 0, out[j]);
    else if (op === 2) [out[i], out[j]] = [out[j], out[i]];
    else {
      const text = extras[b % extras.length];
      const kind = /^[a-z_A-Z]/.test(text) ? 'ident' : 'punct';
      out[i] = { ...out[i], kind, text };
    }
  }
  out.push(eof);
  return out;
}

describe('parser: robustness', () => {
  const seeds = [DRIVER, `${BASE_TYPES} UINT32 a[] = { 1, [3] = 2 }; struct { UINT8 x : 3; EFI_GUID g; } s = { .g = { 1, 2, 3, { 4 } } };
    UINTN f(UINTN n) { switch (n) { case 1: return 2; default: break; } for (UINTN i = 0; i < n; i++) { n += i; } return n ? n : 1; }`];

  it('on mutated programs, parse returns or throws a CDiagnostic, never another exception', () => {
    const tokenized = seeds.map((s) => tokenize({ name: 'Fuzz.c', text: s, shipped: false }));
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(3), fc.nat(100000), fc.nat(100000)), { minLength: 1, maxLength: 4 }), (k, ops) => {
        const toks = mutate(tokenized[k], ops);
        try {
          parse(toks);
        } catch (e) {
          if (!(e instanceof CDiagnostic)) throw e;
          expect(e.loc).not.toBeNull();
        }
      }),
      { numRuns: 1500, seed: 7 },
    );
  });
});

describe('parser: speed', () => {
  it('a dense 3000-line unit parses in well under 30 ms (the bound allows for a loaded machine)', () => {
    const lines: string[] = [BASE_TYPES];
    let i = 0;
    while (lines.length < 3000) {
      lines.push(
        `typedef struct _S${i} { UINT32 A; UINT16 B[4]; EFI_GUID G; VOID *P; } S${i};`,
        `static UINTN g${i} = ${i};`,
        `UINTN F${i}(S${i} *s, UINTN n) {`,
        `  UINTN r = n + g${i};`,
        `  for (UINTN k = 0; k < 4; k++) { r += s->B[k] * 3 + (s->A >> 2); }`,
        `  if (s->P != ((VOID *) 0) && r > 10) { r -= sizeof (S${i}); } else { r = r * 2 + 1; }`,
        `  switch (r & 3) { case 0: r++; break; case 1: r--; break; default: r ^= 0x5A; }`,
        `  return r + __builtin_offsetof(S${i}, G);`,
        `}`,
      );
      i++;
    }
    const toks = tokenize({ name: 'Big.c', text: lines.join('\n'), shipped: false });
    for (let k = 0; k < 5; k++) parse(toks); // warm up the JIT
    let best = Infinity;
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      parse(toks);
      best = Math.min(best, performance.now() - t0);
    }
    expect(parse(toks).functions.length).toBe(i);
    // About 9 ms for these 54 000 tokens (3000 lines of driver-style code, 22 000 tokens: about 2 ms).
    expect(best).toBeLessThan(120);
  });
});

describe('parser: tokens that came from a macro', () => {
  it("an error at a macro-made token notes where the macro was used (gcc's 'in expansion of macro')", () => {
    const file = { name: 'Use.c', text: 'int f(void) {\n  return MISSING_SEMI\n}\n', shipped: false };
    const toks = tokenize(file);
    // What a preprocessor makes of `#define MISSING_SEMI 1 1`: two tokens marked with the macro and its use.
    const use = toks[7];
    const made = [1, 2].map((v) => ({ ...use, kind: 'num' as const, text: '1', value: BigInt(v), numType: 'int' as const, hideset: new Set(['MISSING_SEMI']), expandedFrom: use.loc }));
    const expanded = [...toks.slice(0, 7), ...made, ...toks.slice(8)];
    try {
      parse(expanded);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(CDiagnostic);
      const d = e as CDiagnostic;
      expect(d.message).toBe("expected ';' after return statement");
      expect(d.notes.map((n) => [n.message, n.loc.line, n.loc.col])).toEqual([["in expansion of macro 'MISSING_SEMI'", 2, 10]]);
    }
  });
});
