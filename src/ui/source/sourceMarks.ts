/**
 * Positions for the editor, without the editor: a compile error's file:line:column as a document
 * range, line numbers as offsets, and which locals changed with the last step. Pure (tested in
 * sourceMarks.test.ts); the CodeMirror side is in cmExtensions.ts.
 */

import type { CStopInfo, CVarView } from '../../protocol/messages';

/** Offsets of the start of every line (line 1 at index 0). */
export function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/**
 * The range a diagnostic at 1-based `line`:`col` (gcc's columns: 1-based, a tab counts one)
 * covers: the identifier or number that starts there, else the one character there, else (a
 * column past the end, as "expected ';' after expression" has) an empty range at the line's end.
 * Lines and columns out of the text are clamped into it.
 */
export function diagnosticRange(text: string, line: number, col: number): { from: number; to: number } {
  const starts = lineStarts(text);
  const l = Math.min(Math.max(1, Math.floor(line) || 1), starts.length);
  const start = starts[l - 1];
  const end = l < starts.length ? starts[l] - 1 : text.length;
  const from = Math.min(start + Math.max(0, (Math.floor(col) || 1) - 1), end);
  let to = from;
  while (to < end && /[A-Za-z0-9_]/.test(text[to])) to++;
  if (to === from && from < end && !/\s/.test(text[from])) to = from + 1;
  return { from, to };
}

/** The names of the locals whose value differs from the previous stop in the same function (a step's effect). */
export function changedLocals(prev: { stop: CStopInfo | null; locals: readonly CVarView[] } | null, next: { stop: CStopInfo | null; locals: readonly CVarView[] }): string[] {
  if (!prev?.stop || !next.stop) return [];
  if (prev.stop.fn !== next.stop.fn || prev.stop.module !== next.stop.module || prev.stop.cpu !== next.stop.cpu) return [];
  const before = new Map(prev.locals.map((v) => [`${v.name}@${v.address}`, v.value]));
  return next.locals.filter((v) => before.has(`${v.name}@${v.address}`) && before.get(`${v.name}@${v.address}`) !== v.value).map((v) => v.name);
}
