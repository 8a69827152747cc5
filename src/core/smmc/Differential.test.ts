/**
 * SMM-C's arithmetic against gcc's (C99 6.3 conversions and 6.5 operators on X64 LP64): random
 * expressions over every integer type, compiled by gcc 12 and run natively, and run by SMM-C; the
 * printed values must be the same. Undefined behaviour is kept out the way a careful driver
 * would (divisors checked, shift counts masked, -fwrapv for signed overflow), so the comparison
 * is about what C defines. gcc must be on PATH (it is on the development and CI machine).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runSandbox } from './Sandbox';

const TYPES = ['signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'long long', 'unsigned long long'] as const;
const VARS = TYPES.map((t, i) => ({ name: `v${i}`, type: t }));

const arbValue = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
  fc.integer({ min: -300, max: 300 }).map(BigInt),
  fc.constantFrom(0n, 1n, -1n, 127n, 128n, 255n, 32767n, 65535n, 2147483647n, 2147483648n, 4294967295n, 9223372036854775807n),
);

const leaf = fc.oneof(
  fc.constantFrom(...VARS.map((v) => v.name)),
  fc.integer({ min: -100, max: 100 }).map(String),
  fc.constantFrom('0x7FFFFFFF', '0xFFFFFFFFU', '0x8000000000000000ULL', '5LL', '3U', "'a'"),
);

const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '&', '|', '^', '==', '!=', '<', '<=', '>', '>=', '&&', '||'), tie('e')).map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(tie('e'), fc.constantFrom('/', '%'), tie('e')).map(([a, o, b]) => `((${b}) == 0 || ((${b}) == -1) ? 0 : (${a}) ${o} (${b}))`),
    fc.tuple(tie('e'), fc.constantFrom('<<', '>>'), tie('e')).map(([a, o, b]) => `((${a}) ${o} ((${b}) & 31))`),
    fc.tuple(fc.constantFrom("-", "~", "!"), tie("e")).map(([o, a]) => `(${o} ${a})`),
    fc.tuple(fc.constantFrom(...TYPES), tie('e')).map(([t, a]) => `((${t})(${a}))`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
  ),
})).e as fc.Arbitrary<string>;

function program(values: bigint[], exprs: string[], emit: string): string {
  const decls = VARS.map((v, i) => `  ${v.type} ${v.name} = (${v.type})${values[i]}ULL;`).join('\n');
  return `${emit}\nint main (void) {\n${decls}\n${exprs.map((e) => `  out ((long long)(${e}));`).join('\n')}\n  return 0;\n}\n`;
}

function gccRun(src: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'smmc-diff-'));
  const c = join(dir, 'p.c');
  writeFileSync(c, src);
  execFileSync('gcc', ['-O0', '-fwrapv', '-w', '-o', join(dir, 'p'), c]);
  return execFileSync(join(dir, 'p'), { encoding: 'utf8' }).trim().split('\n');
}

describe('SMM-C arithmetic equals gcc 12 X64 (C99 6.3, 6.5)', () => {
  it('random expressions over every integer type print the same values', () => {
    const cases = fc.sample(fc.tuple(fc.array(arbValue, { minLength: 8, maxLength: 8 }), fc.array(expr, { minLength: 60, maxLength: 60 })), { numRuns: 6, seed: 20261130 });
    for (const [values, exprs] of cases) {
      const native = gccRun(program(values, exprs, '#include <stdio.h>\nvoid out (long long v) { printf ("%lld\\n", v); }'));
      const got: string[] = [];
      const r = runSandbox(program(values, exprs, 'void out (long long v);'), {
        out: ([v]) => {
          got.push(BigInt.asIntN(64, BigInt(v)).toString());
          return 0;
        },
      });
      expect(r.stop.kind).toBe('done');
      for (let i = 0; i < exprs.length; i++) expect(got[i], exprs[i]).toBe(native[i]);
    }
  });
});
