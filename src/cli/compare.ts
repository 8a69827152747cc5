/**
 * `smiscope compare A B SCRIPT`: runs one script on two platforms (core/compare) and prints the
 * two traces aligned by phase, the first difference marked and explained. Exit status: 0 when A
 * and B agree, 1 when they differ (the first difference also goes to stderr), 2 on bad input.
 *
 * A and B are what the console's `platform` takes. Quoted, each is one argument:
 *   smiscope compare "ovmf --module SwDispatch2Locate" "ovmf --module RootMmiSample" script.txt
 * Without quotes, the word `vs` separates them and SCRIPT is the last argument:
 *   smiscope compare ovmf --module SwDispatch2Locate vs ovmf --module RootMmiSample script.txt
 * or each goes after --a / --b. The compare's own options come first, before A.
 */

import type { Workspace } from '../core/cdriver/CModule';
import { runCompare } from '../core/compare/CompareRun';
import { compareText, TWO_COLUMNS } from '../core/compare/CompareText';
import type { CompareScope } from '../core/compare/CompareTypes';

export const COMPARE_USAGE = [
  'usage: smiscope compare [--skip-boot] [--all] [--context N] [--columns N] A B SCRIPT',
  '       smiscope compare [options] A-WORDS... vs B-WORDS... SCRIPT',
  '       smiscope compare [options] --a "A" --b "B" SCRIPT',
  '  A, B: what `platform` takes, e.g. "ovmf --module SwDispatch2Locate" (quoted, or split by the word vs).',
  '  SCRIPT: console lines (one a line, # comments) or a session file (JSON: its platform is replaced by A / B); - reads stdin.',
  '  Prints both traces aligned by phase (side by side from 160 columns, else one column), marks the first',
  '  difference and explains it. Exit 0: no difference; 1: A and B differ; 2: bad input.',
  '  --skip-boot  look for differences in the script\'s lines only (the boots run and are shown: for platforms that boot differently)',
  '  --all        print every row (same rows are folded, and at most 400 rows printed, otherwise)',
  '  --context N  same rows shown around each difference (default 3)',
  '  --columns N  the width to lay out for (default: the terminal\'s, or 160 when not a terminal)',
];

export interface CompareArgs {
  a: string;
  b: string;
  script: string;
  scope: CompareScope;
  all: boolean;
  context?: number;
  columns?: number;
}

/** The arguments after `compare`, or an error message. */
export function parseCompareArgs(args: readonly string[]): CompareArgs | { error: string } {
  let i = 0;
  let a: string | undefined;
  let b: string | undefined;
  let scope: CompareScope = 'all';
  let all = false;
  let context: number | undefined;
  let columns: number | undefined;
  const number = (name: string, v: string | undefined) => {
    if (v === undefined || !/^\d+$/.test(v)) return { error: `--${name} takes a number` };
    return Number(v);
  };
  for (; i < args.length && args[i].startsWith('--'); i++) {
    const [flag, inline] = args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const value = () => inline ?? args[++i];
    if (flag === '--skip-boot') scope = 'commands';
    else if (flag === '--all') all = true;
    else if (flag === '--context' || flag === '--columns') {
      const n = number(flag.slice(2), value());
      if (typeof n !== 'number') return n;
      if (flag === '--context') context = n;
      else columns = n;
    } else if (flag === '--a' || flag === '--b') {
      const v = value();
      if (!v) return { error: `${flag} takes a platform spec, e.g. ${flag} "ovmf --cpus 8"` };
      if (flag === '--a') a = v;
      else b = v;
    } else return { error: `unknown option ${flag} (the compare's options come before A)` };
  }
  const rest = args.slice(i);
  if (a !== undefined || b !== undefined) {
    if (a === undefined || b === undefined) return { error: 'give both --a and --b' };
    if (rest.length !== 1) return { error: 'after --a and --b: one SCRIPT' };
    return { a, b, script: rest[0], scope, all, context, columns };
  }
  const vs = rest.indexOf('vs');
  if (vs >= 0) {
    if (vs === 0 || rest.length - vs < 3) return { error: 'A vs B SCRIPT: A and B each need a platform, SCRIPT comes last' };
    return { a: rest.slice(0, vs).join(' '), b: rest.slice(vs + 1, -1).join(' '), script: rest[rest.length - 1], scope, all, context, columns };
  }
  if (rest.length !== 3) return { error: rest.length > 3 ? 'A and B have spaces: quote each, or write A vs B' : 'need A, B and SCRIPT' };
  return { a: rest[0], b: rest[1], script: rest[2], scope, all, context, columns };
}

export interface CompareIo {
  /** The script's text, or null when it cannot be read (then `readError` says why). */
  read: (file: string) => { text: string } | { error: string };
  out: (s: string) => void;
  err: (s: string) => void;
  /** The terminal's width, when stdout is one. */
  ttyColumns?: number;
  workspace?: (file: string) => Workspace;
}

/** Runs `smiscope compare ARGS`; returns the exit status. */
export function compareCli(args: readonly string[], io: CompareIo): number {
  const p = parseCompareArgs(args);
  if ('error' in p) {
    io.err(`smiscope compare: ${p.error}\n${COMPARE_USAGE.join('\n')}\n`);
    return 2;
  }
  const file = io.read(p.script);
  if ('error' in file) {
    io.err(`smiscope compare: cannot read ${p.script}: ${file.error}\n`);
    return 2;
  }
  const r = runCompare({ a: p.a, b: p.b, script: file.text, scope: p.scope, workspace: io.workspace?.(p.script) ?? null });
  if (!r.ok) {
    io.err(`smiscope compare: ${r.error}\n`);
    return 2;
  }
  const columns = p.columns ?? io.ttyColumns ?? TWO_COLUMNS;
  const lines = [...r.notes.map((n) => `note: ${n}`), ...compareText(r.result, { columns, all: p.all, context: p.context })];
  io.out(lines.join('\n') + '\n');
  const d = r.result.firstDifference;
  if (!d) return 0;
  io.err(`smiscope compare: A and B differ: ${d.step === 0 ? 'in the boot' : `at line ${d.step} (${d.command})`}${d.smi ? `, ${d.smi}` : ''}: ${d.explanation.title}\n`);
  return 1;
}
