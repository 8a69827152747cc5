/**
 * SMM-C on its own, without a firmware: a translation unit compiled, linked at a fixed address
 * and run on a bare memory with a stack, its calls to undefined functions answered by plain JS
 * functions. This is how the language is tested (chibicc's way: C files full of
 * ASSERT_EQ (expected, expression) lines that run) and how the benchmark counts statements per
 * second. The firmware runs the same compiled code through cdriver/CRun.
 */

import { createMemory, type MemoryState } from '../machine/Memory';
import type { Val } from './Ast';
import { link, type LinkedImage } from './Link';
import { MEM } from './MemPort';
import { parse } from './Parser';
import { preprocess } from './Preprocessor';
import { CDiagnostic, type SourceFile } from './Source';
import { CThread, type Stop } from './Thread';

export const SANDBOX_IMAGE = 0x100000;
export const SANDBOX_STACK_TOP = 0xf0000;
export const SANDBOX_STACK_LIMIT = 0x10000;

export type SandboxFn = (args: Val[], mem: MemoryState) => Val;

export interface SandboxRun {
  value: Val;
  stop: Stop;
  steps: number;
  image: LinkedImage;
  mem: MemoryState;
}

/** Compiles `text` (with `headers` for #include "..."), links it with `natives`, and runs `entry` (default main). */
export function runSandbox(
  text: string,
  natives: Record<string, SandboxFn> = {},
  opts: { entry?: string; args?: Val[]; budget?: number; headers?: Record<string, string>; name?: string } = {},
): SandboxRun {
  const file: SourceFile = { name: opts.name ?? 'test.c', text, shipped: false };
  const headers = new Map(Object.entries(opts.headers ?? {}).map(([n, t]) => [n, { name: n, text: t, shipped: true } as SourceFile]));
  const tokens = preprocess(file, { resolve: (n) => headers.get(n) ?? null, available: () => [...headers.keys()] });
  const program = parse(tokens);
  const image = link(
    [program],
    {
      external: (name) => (natives[name] ? { kind: 'function', impl: natives[name] } : null),
    },
    SANDBOX_IMAGE,
  );
  const mem = createMemory();
  MEM.bind(mem, 0, 2 ** 40, () => null);
  for (const c of image.chunks) for (let i = 0; i < c.bytes.length; i++) MEM.rawSet(c.address + i, c.bytes[i]);
  const entry = opts.entry ?? 'main';
  const fn = image.functions.find((f) => f.name === entry);
  if (!fn) throw new CDiagnostic(null, `no function ${entry}`);
  const fnAt = new Map(image.functions.map((f) => [f.address, f]));
  const thread = new CThread(
    (a) => {
      if (typeof a !== 'number') return null;
      const f = fnAt.get(a);
      if (f) return { kind: 'c', fn: f };
      return image.natives.get(a) ?? null;
    },
    SANDBOX_STACK_TOP,
    SANDBOX_STACK_LIMIT,
    0xdead0000,
  );
  thread.start(fn, opts.args ?? []);
  let budget = opts.budget ?? 50_000_000;
  for (;;) {
    MEM.bind(mem, 0, 2 ** 40, () => null);
    const stop = thread.run(budget);
    if (stop.kind === 'native') {
      thread.resume((stop.target.impl as SandboxFn)(stop.args, mem));
      continue;
    }
    budget = 0;
    return { value: stop.kind === 'done' ? stop.value : 0, stop, steps: thread.steps, image, mem };
  }
}
