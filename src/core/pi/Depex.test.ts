import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDepex, DEPEX_OP, DepexSyntaxError, disassembleDepex, evaluateDepex } from './Depex';
import { GUIDS, guidToBytes, type Guid } from '../lib/Guid';

const FILE: Guid = '84eea114-c6be-4445-8f90-51d97863e363'; // CpuHotplugSmm FILE_GUID
const FILE_TEXT = 'Evaluate SMM DEPEX for FFS(84EEA114-C6BE-4445-8F90-51D97863E363)';
const CPU_IO = GUIDS.gEfiMmCpuIoProtocolGuid;
const CPU_SERVICE = GUIDS.gEfiSmmCpuServiceProtocolGuid;
const CPU_IO_TEXT = '3242A9D8-CE70-4AA0-955D-5E7B140DE4D2';
const CPU_SERVICE_TEXT = '1D202CAB-C8AB-4D5C-94F7-3CFCC0D3D335';

const none = () => false;
const all = () => true;
const bytes = (...parts: (number | Guid)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...guidToBytes(p)])));

function countingLookup(installed: Set<Guid>) {
  const calls: Guid[] = [];
  return { calls, isInstalled: (g: Guid) => (calls.push(g), installed.has(g)) };
}

describe('Depex: compileDepex', () => {
  it('§1.9 opcode values are those of PiDependency.h', () => {
    expect(DEPEX_OP).toEqual({
      BEFORE: 0, AFTER: 1, PUSH: 2, AND: 3, OR: 4, NOT: 5, TRUE: 6, FALSE: 7, END: 8, SOR: 9, REPLACE_TRUE: 0xff,
    });
  });

  it('§1.9 "TRUE" (PiSmmCpuDxeSmm.inf, CpuIo2Smm.inf) compiles to TRUE; END', () => {
    expect([...compileDepex('TRUE')]).toEqual([DEPEX_OP.TRUE, DEPEX_OP.END]);
    expect([...compileDepex('FALSE END')]).toEqual([DEPEX_OP.FALSE, DEPEX_OP.END]);
  });

  it('§1.9 the CpuHotplugSmm.inf depex compiles to PUSH, PUSH, AND, END (postfix)', () => {
    const d = compileDepex('gEfiMmCpuIoProtocolGuid AND\n  gEfiSmmCpuServiceProtocolGuid');
    expect(d).toEqual(bytes(DEPEX_OP.PUSH, CPU_IO, DEPEX_OP.PUSH, CPU_SERVICE, DEPEX_OP.AND, DEPEX_OP.END));
    expect(d.length).toBe(36);
  });

  it('§1.9 AND and OR have equal priority in GenDepex, so unparenthesized chains group to the right', () => {
    // "A AND B OR C" == A AND (B OR C); "A OR B AND C" == A OR (B AND C)
    expect(disassembleDepex(compileDepex('TRUE AND FALSE OR TRUE'))).toBe('TRUE; FALSE; TRUE; OR; AND; END');
    expect(disassembleDepex(compileDepex('FALSE OR TRUE AND FALSE'))).toBe('FALSE; TRUE; FALSE; AND; OR; END');
    expect(evaluateDepex(compileDepex('FALSE AND FALSE OR TRUE'), FILE, none).result).toBe(false);
    expect(evaluateDepex(compileDepex('(FALSE AND FALSE) OR TRUE'), FILE, none).result).toBe(true);
  });

  it('§1.9 NOT binds tighter than AND/OR; parentheses override', () => {
    expect(disassembleDepex(compileDepex('NOT TRUE AND FALSE'))).toBe('TRUE; NOT; FALSE; AND; END');
    expect(disassembleDepex(compileDepex('NOT (TRUE AND FALSE)'))).toBe('TRUE; FALSE; AND; NOT; END');
    expect(disassembleDepex(compileDepex('NOT NOT TRUE'))).toBe('TRUE; NOT; NOT; END');
  });

  it('§1.9 BEFORE/AFTER take one GUID without PUSH; SOR is emitted first and the GUIDs are pushed', () => {
    expect(compileDepex('BEFORE gEfiMmCpuIoProtocolGuid')).toEqual(bytes(DEPEX_OP.BEFORE, CPU_IO, DEPEX_OP.END));
    expect(compileDepex('AFTER gEfiMmCpuIoProtocolGuid')).toEqual(bytes(DEPEX_OP.AFTER, CPU_IO, DEPEX_OP.END));
    expect(compileDepex('SOR gEfiMmCpuIoProtocolGuid')).toEqual(bytes(DEPEX_OP.SOR, DEPEX_OP.PUSH, CPU_IO, DEPEX_OP.END));
  });

  it('§1.9 operands may be registry-format or C-structure GUIDs as well as C names', () => {
    const expected = bytes(DEPEX_OP.PUSH, CPU_IO, DEPEX_OP.END);
    expect(compileDepex('3242A9D8-CE70-4AA0-955D-5E7B140DE4D2')).toEqual(expected);
    expect(compileDepex('{ 0x3242a9d8, 0xce70, 0x4aa0, { 0x95, 0x5d, 0x5e, 0x7b, 0x14, 0x0d, 0xe4, 0xd2 }}')).toEqual(expected);
    expect(compileDepex('gEfiSmmCpuIo2ProtocolGuid # same GUID, PI 1.2 name')).toEqual(expected);
  });

  it.each([
    ['', 'empty dependency expression', 0],
    ['AND gEfiMmCpuIoProtocolGuid', "missing operand before AND at column 1 ('AND')", 1],
    ['TRUE AND', "extra AND at the end of the dependency expression at column 6 ('AND')", 6],
    ['TRUE NOT FALSE', "missing operator before NOT at column 6 ('NOT')", 6],
    ['TRUE FALSE', "missing operator before FALSE at column 6 ('FALSE')", 6],
    ['(TRUE', "mismatched parentheses at column 1 ('(')", 1],
    ['TRUE)', "mismatched parentheses at column 5 (')')", 5],
    ['()', "missing operand before close parenthesis at column 2 (')')", 2],
    ['TRUE (FALSE)', "missing operator before open parenthesis at column 6 ('(')", 6],
    ['gEfiNoSuchProtocolGuid', "unknown GUID name at column 1 ('gEfiNoSuchProtocolGuid')", 1],
    ['TRUE AND SOR TRUE', "SOR should be the first opcode in the expression at column 10 ('SOR')", 10],
    ['BEFORE gEfiMmCpuIoProtocolGuid AND TRUE', "BEFORE should be the only opcode in the expression at column 32 ('AND')", 32],
    ['AFTER', "missing operand for AFTER at column 1 ('AFTER')", 1],
    ['BEFORE TRUE', "BEFORE needs a GUID operand at column 8 ('TRUE')", 8],
    ['TRUE END FALSE', "extra expressions after END at column 10 ('FALSE')", 10],
    ['TRUE | FALSE', "unexpected character at column 6 ('|')", 6],
  ])('§1.9 compile error for %j', (expr, message, column) => {
    let err: unknown;
    try {
      compileDepex(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DepexSyntaxError);
    expect((err as DepexSyntaxError).message).toBe(message);
    expect((err as DepexSyntaxError).column).toBe(column);
  });
});

describe('Depex: disassembleDepex', () => {
  it('§1.9 names GUIDs and opcodes, including REPLACE_TRUE and unknown bytes', () => {
    expect(disassembleDepex(compileDepex('gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid')))
      .toBe('PUSH gEfiSmmCpuIo2ProtocolGuid; PUSH gEfiSmmCpuServiceProtocolGuid; AND; END');
    expect(disassembleDepex(bytes(DEPEX_OP.REPLACE_TRUE, CPU_SERVICE, 0x0a, DEPEX_OP.SOR, DEPEX_OP.END)))
      .toBe('REPLACE_TRUE gEfiSmmCpuServiceProtocolGuid; UNKNOWN(0x0A); SOR; END');
    expect(disassembleDepex(Uint8Array.from([DEPEX_OP.PUSH, 1, 2]))).toBe('PUSH <truncated GUID>');
  });
});

describe('Depex: evaluateDepex (SmmIsSchedulable)', () => {
  it('§1.9 PUSH/AND/END trace lines are the DEBUG_DISPATCH strings of Dependency.c, GUIDs as %g', () => {
    const ev = evaluateDepex(compileDepex('gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid'), FILE, (g) => g === CPU_IO);
    expect(ev).toEqual({
      result: false,
      trace: [
        FILE_TEXT,
        `  PUSH GUID(${CPU_IO_TEXT}) = TRUE`,
        `  PUSH GUID(${CPU_SERVICE_TEXT}) = FALSE`,
        '  AND',
        '  END',
        '  RESULT = FALSE',
      ],
      missing: [CPU_SERVICE],
    });
  });

  it('§1.9 TRUE, FALSE, NOT, OR each print their line and compute the value', () => {
    const ev = evaluateDepex(compileDepex('NOT FALSE OR TRUE'), FILE, none);
    expect(ev.trace).toEqual([FILE_TEXT, '  FALSE', '  NOT', '  TRUE', '  OR', '  END', '  RESULT = TRUE']);
    expect(ev.result).toBe(true);
    expect(evaluateDepex(compileDepex('TRUE AND NOT TRUE'), FILE, none).result).toBe(false);
    expect(evaluateDepex(compileDepex('FALSE OR FALSE'), FILE, none).result).toBe(false);
  });

  it('§1.9 PUSH caches TRUE as 0xFF: the second evaluation makes no lookup and prints the same lines', () => {
    const d = compileDepex('gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid');
    const first = countingLookup(new Set([CPU_IO, CPU_SERVICE]));
    const ev1 = evaluateDepex(d, FILE, first.isInstalled);
    expect(first.calls).toEqual([CPU_IO, CPU_SERVICE]);
    expect(d[0]).toBe(DEPEX_OP.REPLACE_TRUE);
    expect(d[17]).toBe(DEPEX_OP.REPLACE_TRUE);
    const second = countingLookup(new Set());
    const ev2 = evaluateDepex(d, FILE, second.isInstalled);
    expect(second.calls).toEqual([]);
    expect(ev2).toEqual(ev1);
    expect(ev2.result).toBe(true);
  });

  it('§1.9 PUSH of a missing GUID is not cached: it is looked up again on the next evaluation', () => {
    const d = compileDepex('gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid');
    const first = countingLookup(new Set([CPU_IO]));
    expect(evaluateDepex(d, FILE, first.isInstalled).result).toBe(false);
    const second = countingLookup(new Set([CPU_IO, CPU_SERVICE]));
    const ev = evaluateDepex(d, FILE, second.isInstalled);
    expect(second.calls).toEqual([CPU_SERVICE]);
    expect(ev.result).toBe(true);
    expect(ev.missing).toEqual([]);
  });

  it('§1.9 missing lists each GUID pushed as FALSE once, in order', () => {
    const ev = evaluateDepex(
      compileDepex('gEfiSmmCpuServiceProtocolGuid OR gEfiMmCpuIoProtocolGuid OR gEfiSmmCpuServiceProtocolGuid'),
      FILE,
      none,
    );
    expect(ev.missing).toEqual([CPU_SERVICE, CPU_IO]);
    expect(ev.result).toBe(false);
  });

  it('§1.9 SOR is not supported by the SMM core: "RESULT = FALSE (Unknown opcode)"', () => {
    const ev = evaluateDepex(compileDepex('SOR TRUE'), FILE, all);
    expect(ev.trace).toEqual([FILE_TEXT, '  RESULT = FALSE (Unknown opcode)']);
    expect(ev.result).toBe(false);
    expect(evaluateDepex(Uint8Array.from([DEPEX_OP.TRUE, 0x0a, DEPEX_OP.END]), FILE, all).trace)
      .toEqual([FILE_TEXT, '  TRUE', '  RESULT = FALSE (Unknown opcode)']);
  });

  it('§1.9 BEFORE/AFTER as first opcode: FALSE with no trace; the scheduler handles the driver', () => {
    expect(evaluateDepex(compileDepex('BEFORE gEfiMmCpuIoProtocolGuid'), FILE, all)).toEqual({
      result: false, trace: [], missing: [], beforeAfter: { kind: 'BEFORE', guid: CPU_IO },
    });
    expect(evaluateDepex(compileDepex('AFTER gEfiSmmCpuServiceProtocolGuid'), FILE, all).beforeAfter)
      .toEqual({ kind: 'AFTER', guid: CPU_SERVICE });
  });

  it('§1.9 BEFORE/AFTER elsewhere: prints the error line, ASSERTs, then falls into PUSH (code quirk)', () => {
    const d = bytes(DEPEX_OP.TRUE, DEPEX_OP.AFTER, CPU_IO, DEPEX_OP.AND, DEPEX_OP.END);
    const ev = evaluateDepex(d, FILE, all);
    expect(ev.trace).toEqual([
      FILE_TEXT,
      '  TRUE',
      '  RESULT = FALSE (Unexpected BEFORE or AFTER opcode)',
      `  PUSH GUID(${CPU_IO_TEXT}) = TRUE`,
      '  AND',
      '  END',
      '  RESULT = TRUE',
    ]);
    expect(ev.result).toBe(true);
    expect(ev.assertion).toEqual({ file: 'MdeModulePkg/Core/PiSmmCore/Dependency.c', line: 233, expression: '((BOOLEAN)(0==1))' });
    expect(d[1]).toBe(DEPEX_OP.REPLACE_TRUE); // the AFTER byte itself is rewritten
  });

  it('§1.9 a NULL depex (no depex section) is FALSE with "Depex is empty" and ASSERTs', () => {
    const ev = evaluateDepex(null, FILE, all);
    expect(ev.trace).toEqual([FILE_TEXT, '  RESULT = FALSE (Depex is empty)']);
    expect(ev.result).toBe(false);
    expect(ev.assertion?.expression).toBe('((BOOLEAN)(0==1))');
  });

  it('§1.9 running past the end is FALSE: zero-length section, or no END', () => {
    expect(evaluateDepex(new Uint8Array(0), FILE, all).trace)
      .toEqual([FILE_TEXT, '  RESULT = FALSE (Attempt to fetch past end of depex)']);
    const ev = evaluateDepex(Uint8Array.from([DEPEX_OP.TRUE]), FILE, all);
    expect(ev.trace).toEqual([FILE_TEXT, '  TRUE', '  RESULT = FALSE (Attempt to fetch past end of depex)']);
    expect(ev.result).toBe(false);
  });

  it('§1.9 stack underflow is FALSE with "Unexpected error"', () => {
    expect(evaluateDepex(Uint8Array.from([DEPEX_OP.TRUE, DEPEX_OP.AND, DEPEX_OP.END]), FILE, all).trace)
      .toEqual([FILE_TEXT, '  TRUE', '  AND', '  RESULT = FALSE (Unexpected error)']);
    expect(evaluateDepex(Uint8Array.from([DEPEX_OP.NOT]), FILE, all).trace)
      .toEqual([FILE_TEXT, '  NOT', '  RESULT = FALSE (Unexpected error)']);
    expect(evaluateDepex(Uint8Array.from([DEPEX_OP.END]), FILE, all).trace)
      .toEqual([FILE_TEXT, '  END', '  RESULT = FALSE (Unexpected error)']);
  });

  it('§1.9 END pops one value; values left below it are ignored', () => {
    const ev = evaluateDepex(Uint8Array.from([DEPEX_OP.FALSE, DEPEX_OP.TRUE, DEPEX_OP.END]), FILE, none);
    expect(ev.result).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: compile + evaluate == direct boolean evaluation
// ---------------------------------------------------------------------------------------------

const POOL: Guid[] = [
  '11111111-2222-3333-4444-555555555555',
  'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  GUIDS.gEfiMmCpuIoProtocolGuid,
  GUIDS.gEfiSmmCpuServiceProtocolGuid,
];
const OPERAND_TEXT = ['11111111-2222-3333-4444-555555555555', 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE', 'gEfiMmCpuIoProtocolGuid', 'gEfiSmmCpuServiceProtocolGuid'];

type Ast =
  | { k: 'lit'; v: boolean }
  | { k: 'guid'; i: number }
  | { k: 'not'; e: Ast }
  | { k: 'bin'; op: 'AND' | 'OR'; l: Ast; r: Ast };

const astArb = fc.letrec<{ ast: Ast }>((tie) => ({
  ast: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean().map((v): Ast => ({ k: 'lit', v })),
    fc.integer({ min: 0, max: POOL.length - 1 }).map((i): Ast => ({ k: 'guid', i })),
    tie('ast').map((e): Ast => ({ k: 'not', e })),
    fc.record({ op: fc.constantFrom<'AND' | 'OR'>('AND', 'OR'), l: tie('ast'), r: tie('ast') }).map((b): Ast => ({ k: 'bin', ...b })),
  ),
})).ast;

function evalAst(a: Ast, installed: boolean[]): boolean {
  switch (a.k) {
    case 'lit': return a.v;
    case 'guid': return installed[a.i];
    case 'not': return !evalAst(a.e, installed);
    case 'bin': return a.op === 'AND' ? evalAst(a.l, installed) && evalAst(a.r, installed) : evalAst(a.l, installed) || evalAst(a.r, installed);
  }
}

function printAst(a: Ast): string {
  switch (a.k) {
    case 'lit': return a.v ? 'TRUE' : 'FALSE';
    case 'guid': return OPERAND_TEXT[a.i];
    case 'not': return `NOT ${printAst(a.e)}`;
    case 'bin': return `(${printAst(a.l)} ${a.op} ${printAst(a.r)})`;
  }
}

/** Reference grammar for unparenthesized text, per GenDepex: expr := unary ((AND|OR) expr)?  (right-grouping). */
function referenceEval(text: string, installed: boolean[]): boolean {
  const toks = text.match(/\(|\)|[\w-]+/g) ?? [];
  let p = 0;
  const expr = (): boolean => {
    const left = unary();
    if (toks[p] === 'AND' || toks[p] === 'OR') {
      const op = toks[p++];
      const right = expr();
      return op === 'AND' ? left && right : left || right;
    }
    return left;
  };
  const unary = (): boolean => {
    const t = toks[p++];
    if (t === 'NOT') return !unary();
    if (t === '(') {
      const v = expr();
      p++; // ')'
      return v;
    }
    if (t === 'TRUE' || t === 'FALSE') return t === 'TRUE';
    return installed[OPERAND_TEXT.indexOf(t)];
  };
  return expr();
}

/** Random well-formed text with few parentheses, so precedence and grouping matter. */
const flatTextArb = fc.letrec<{ expr: string; unary: string }>((tie) => ({
  unary: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('TRUE', 'FALSE', ...OPERAND_TEXT),
    tie('unary').map((u) => `NOT ${u}`),
    tie('expr').map((e) => `(${e})`),
  ),
  expr: fc
    .tuple(tie('unary'), fc.array(fc.tuple(fc.constantFrom('AND', 'OR'), tie('unary')), { maxLength: 4 }))
    .map(([first, rest]) => [first, ...rest.flat()].join(' ')),
})).expr;

const installedArb = fc.array(fc.boolean(), { minLength: POOL.length, maxLength: POOL.length });

describe('Depex: properties', () => {
  it('§1.9 property: evaluateDepex(compileDepex(expr)) equals the direct boolean value (parenthesized ASTs)', () => {
    fc.assert(
      fc.property(astArb, installedArb, (ast, installed) => {
        const isInstalled = (g: Guid) => installed[POOL.indexOf(g)];
        const ev = evaluateDepex(compileDepex(printAst(ast)), FILE, isInstalled);
        expect(ev.result).toBe(evalAst(ast, installed));
        expect(ev.trace[ev.trace.length - 1]).toBe(`  RESULT = ${ev.result ? 'TRUE' : 'FALSE'}`);
        expect(ev.missing.every((g) => !isInstalled(g))).toBe(true);
      }),
    );
  });

  it('§1.9 property: unparenthesized AND/OR chains follow GenDepex grouping (NOT tightest, AND = OR, right-grouping)', () => {
    fc.assert(
      fc.property(flatTextArb, installedArb, (text, installed) => {
        const isInstalled = (g: Guid) => installed[POOL.indexOf(g)];
        expect(evaluateDepex(compileDepex(text), FILE, isInstalled).result).toBe(referenceEval(text, installed));
      }),
    );
  });

  it('§1.9 property: re-evaluating after REPLACE_TRUE caching gives the same result and trace with no new lookups of installed GUIDs', () => {
    fc.assert(
      fc.property(astArb, installedArb, (ast, installed) => {
        const d = compileDepex(printAst(ast));
        const lookups: Guid[] = [];
        const isInstalled = (g: Guid) => (lookups.push(g), installed[POOL.indexOf(g)]);
        const ev1 = evaluateDepex(d, FILE, isInstalled);
        lookups.length = 0;
        const ev2 = evaluateDepex(d, FILE, isInstalled);
        expect(ev2).toEqual(ev1);
        expect(lookups.every((g) => !installed[POOL.indexOf(g)])).toBe(true);
      }),
    );
  });
});
