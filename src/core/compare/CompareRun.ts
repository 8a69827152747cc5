/**
 * A compare from its inputs: two platform specs (what `platform` takes) and a script (console
 * lines, one a line, `#` comments; or a session file, whose own platform the two specs replace).
 * The CLI (`smiscope compare`) and the worker call this.
 */

import type { Workspace } from '../cdriver/CModule';
import { parseSessionFile } from '../debug/SessionFile';
import { compareTraces } from './Compare';
import type { CompareResult, CompareScope } from './CompareTypes';
import { traceSide } from './Trace';

export interface CompareRequest {
  a: string;
  b: string;
  /** Console lines, or a session file's JSON text. */
  script: string;
  scope?: CompareScope;
  /** Where `load` reads files (the CLI: the script's folder; the page: the editor). */
  workspace?: Workspace | null;
}

export type CompareOutcome = { ok: true; result: CompareResult; notes: string[] } | { ok: false; error: string };

/** The script's console lines: a session file's commands, or the text's lines without blanks and `#` comments. */
export function scriptLines(script: string): { ok: true; lines: string[]; notes: string[] } | { ok: false; error: string } {
  if (script.trimStart().startsWith('{')) {
    const parsed = parseSessionFile(script);
    if (!parsed.ok) return { ok: false, error: `session file rejected: ${parsed.error}` };
    const notes = [`session file: its platform is replaced by A and B; ${parsed.file.commands.length} command(s)`];
    if (parsed.file.breakpoints.length) notes.push(`its ${parsed.file.breakpoints.length} boot breakpoint(s) are not set (a compare runs every run to its end)`);
    return { ok: true, lines: parsed.file.commands.map((l) => l.trim()).filter((l) => l && !l.startsWith('#')), notes };
  }
  return { ok: true, lines: script.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')), notes: [] };
}

/**
 * Runs the script on both platforms and aligns the traces. Bad input is an error: a spec the
 * console's `platform` refuses, a session file that does not parse, a line neither side knows.
 */
export function runCompare(req: CompareRequest): CompareOutcome {
  const script = scriptLines(req.script);
  if (!script.ok) return script;
  for (const [name, spec] of [['A', req.a], ['B', req.b]] as const) {
    if (!spec.trim()) return { ok: false, error: `platform ${name}: empty (give what \`platform\` takes, e.g. "ovmf --module SwDispatch2Locate")` };
  }
  const a = traceSide(req.a, script.lines, req.workspace ?? null);
  if (!a.ok) return { ok: false, error: `platform A (${req.a.trim()}): ${a.error}` };
  const b = traceSide(req.b, script.lines, req.workspace ?? null);
  if (!b.ok) return { ok: false, error: `platform B (${req.b.trim()}): ${b.error}` };
  for (let i = 1; i < a.side.steps.length; i++) {
    const unknown = (st: (typeof a.side.steps)[number]) => st.error && st.units.some((u) => u.segments.some((g) => g.items.some((x) => x.kind === 'output' && x.text.startsWith('unknown command'))));
    if (unknown(a.side.steps[i]) && unknown(b.side.steps[i])) return { ok: false, error: `script line "${a.side.steps[i].line}": unknown command (\`smiscope help\` lists them)` };
  }
  return { ok: true, result: compareTraces(a.side, b.side, req.scope ?? 'all'), notes: script.notes };
}
