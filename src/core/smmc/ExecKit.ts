/**
 * Test support: runs C whose body is ASSERT_EQ (expected, expression) lines (chibicc's test/*.c
 * style) in the sandbox and returns the failures as text, so a test reads `expect(failures(src)).toEqual([])`.
 */

import type { Val } from './Ast';
import { readBytes } from '../machine/Memory';
import { runSandbox, type SandboxFn } from './Sandbox';

export const ASSERT_PRELUDE = `
void check (long long expected, long long actual, char *code, int line);
#define ASSERT_EQ(x, y) check ((long long)(x), (long long)(y), #y, __LINE__)
`;

function cString(mem: Parameters<SandboxFn>[1], a: number): string {
  let s = '';
  for (let i = 0; i < 400; i++) {
    const c = readBytes(mem, a + i, 1)[0];
    if (!c) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Runs `body` (functions, with a main) after the prelude; returns "line N: code => actual, expected E" for each failed check. */
export function failures(body: string, natives: Record<string, SandboxFn> = {}): string[] {
  const out: string[] = [];
  const signed = (v: Val) => BigInt.asIntN(64, BigInt(v));
  const prelude = ASSERT_PRELUDE.split('\n').length - 1;
  const run = runSandbox(ASSERT_PRELUDE + body, {
    ...natives,
    check: ([e, a, code, line], mem) => {
      if (signed(e) !== signed(a)) out.push(`line ${Number(line) - prelude}: ${cString(mem, Number(code))} => ${signed(a)}, expected ${signed(e)}`);
      return 0;
    },
  });
  if (run.stop.kind !== 'done') {
    out.push(`stopped: ${JSON.stringify(run.stop.kind === 'fault' ? run.stop.fault : run.stop.kind, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }
  return out;
}
