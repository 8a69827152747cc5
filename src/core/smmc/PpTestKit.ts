/**
 * Helpers for the preprocessor's tests (and the parser's, if they want them): a module with its
 * own files and a set of shipped headers, resolved the way the module loader does (a quoted name
 * looks in the module first, then the shipped headers; <name> only in the shipped headers).
 */

import { tokenize, type Token } from './Lexer';
import { preprocess, type PreprocessOptions } from './Preprocessor';
import { CDiagnostic, type SourceFile } from './Source';

export interface PpFixture {
  main: SourceFile;
  opts: PreprocessOptions;
  /** Every resolve() call: [name, quoted, from.name]. */
  calls: [string, boolean, string][];
  /** The SourceFile objects (stable across calls, so the token cache and #pragma once see one file). */
  files: Map<string, SourceFile>;
}

export function fixture(
  mainText: string,
  opt: { name?: string; local?: Record<string, string>; shipped?: Record<string, string>; defines?: Record<string, string> } = {},
): PpFixture {
  const main: SourceFile = { name: opt.name ?? 'Test.c', text: mainText, shipped: false };
  const files = new Map<string, SourceFile>();
  const local = new Map<string, SourceFile>();
  const shipped = new Map<string, SourceFile>();
  for (const [n, text] of Object.entries(opt.local ?? {})) local.set(n, { name: n, text, shipped: false });
  for (const [n, text] of Object.entries(opt.shipped ?? {})) shipped.set(n, { name: n, text, shipped: true });
  for (const [n, f] of [...shipped, ...local]) files.set(n, f);
  const calls: [string, boolean, string][] = [];
  const opts: PreprocessOptions = {
    resolve(name, quoted, from) {
      calls.push([name, quoted, from.name]);
      return (quoted ? local.get(name) : undefined) ?? shipped.get(name) ?? null;
    },
    available: () => [...shipped.keys(), ...local.keys()],
    defines: opt.defines,
  };
  return { main, opts, calls, files };
}

/** The preprocessed tokens of `text` (without the final eof). */
export function ppTokens(text: string, opt: Parameters<typeof fixture>[1] = {}): Token[] {
  const f = fixture(text, opt);
  const toks = preprocess(f.main, f.opts);
  return toks.slice(0, -1);
}

/** The preprocessed token spellings of `text`, one space apart. */
export function pp(text: string, opt: Parameters<typeof fixture>[1] = {}): string {
  return ppTokens(text, opt)
    .map((t) => t.text)
    .join(' ');
}

/** gcc -E output as the same one-space-apart token spellings (spacing is the printer's choice). */
export function gccOut(text: string): string {
  return tokenize({ name: 'gcc.out', text, shipped: false }, { deferErrors: true })
    .slice(0, -1)
    .map((t) => t.text)
    .join(' ');
}

/** The CDiagnostic preprocessing `text` throws, as `file:line:col: message` (fails if none or another error). */
export function ppError(text: string, opt: Parameters<typeof fixture>[1] = {}): string {
  const w = diagnostic(text, opt).where()!;
  return `${w.file}:${w.line}:${w.col}: ${w.message}`;
}

/** The CDiagnostic itself. */
export function diagnostic(text: string, opt: Parameters<typeof fixture>[1] = {}): CDiagnostic {
  try {
    ppTokens(text, opt);
  } catch (e) {
    if (e instanceof CDiagnostic) return e;
    throw e;
  }
  throw new Error('no diagnostic');
}
