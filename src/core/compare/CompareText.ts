/**
 * A compare as text (what `smiscope compare` prints). From TWO_COLUMNS columns on, A and B side
 * by side; below, one column where a differing row prints A's line, then B's. Every row starts
 * with a gutter:
 *   first character  '>' on the first difference, else ' ';
 *   second character ' ' same on both sides, '!' changed, '+' on one side only;
 *   (one column only) third character: whose line it is, 'A' or 'B' (blank for a same row).
 * Same rows far from any difference fold into one line (compare/Fold.ts) unless `all`.
 */

import { wrap } from '../console/Columns';
import type { CompareResult, CompareRow, Explanation } from './CompareTypes';
import { DEFAULT_CONTEXT, type FoldItem, foldRows } from './Fold';

/** Side by side from this width on (two columns of 77). */
export const TWO_COLUMNS = 160;
/** Rows printed before the rest is left out (unless `all`). */
export const MAX_PRINTED_ROWS = 400;

export interface TextOptions {
  columns: number;
  /** Every row, nothing folded or left out. */
  all?: boolean;
  context?: number;
}

function mark(r: CompareRow): string {
  return r.same ? ' ' : r.a === undefined || r.b === undefined ? '+' : '!';
}

function fit(text: string, width: number): string[] {
  return wrap(text, width, 2).map((l) => (l.length > width ? l.slice(0, width) : l));
}

function stepTitle(r: CompareResult, i: number): string {
  const st = r.steps[i];
  if (i === 0) return `boot: platform ${r.a.spec} (A) / platform ${r.b.spec} (B)`;
  const err = st.errorA || st.errorB ? `  [refused on ${st.errorA && st.errorB ? 'A and B' : st.errorA ? 'A' : 'B'}]` : '';
  return `line ${i}: ${st.line}${st.skipped ? '  (not run)' : ''}${err}`;
}

function phaseTitle(r: CompareResult, p: number): string {
  const ph = r.phases[p];
  const smi = ph.smiA !== undefined || ph.smiB !== undefined ? `  [SMI ${ph.smiA !== undefined ? `#${ph.smiA}` : '-'} | ${ph.smiB !== undefined ? `#${ph.smiB}` : '-'}]` : '';
  return `${ph.title}${ph.only ? `  (on ${ph.only.toUpperCase()} only)` : ''}${smi}`;
}

/** What a fold stands for, in a few words (the page's fold says the same). */
export function foldText(r: CompareResult, f: Extract<FoldItem, { kind: 'fold' }>): string {
  const n = f.to - f.from;
  const over = f.phases > 1 ? ` over ${f.phases} phases` : '';
  if (f.why === 'boot') {
    let differ = 0;
    for (let i = f.from; i < f.to; i++) if (!r.rows[i].same) differ++;
    return `the boot: ${n} row(s)${over}, ${differ} of them differ; not compared (scope: the script's lines)`;
  }
  if (f.why === 'same') return `${n} same row(s)${over}`;
  return `${n} more row(s) on ${f.why.toUpperCase()} only${over}`;
}

/** The explanation of a difference, wrapped to `width`. */
export function explanationLines(e: Explanation, width: number, indent = '  '): string[] {
  const w = Math.max(20, width - indent.length);
  return [...fit(e.title, w), ...fit(e.text, w), ...(e.cites.length ? [`(${e.cites.join(', ')})`] : [])].map((l) => indent + l);
}

/** The whole report: header, the aligned rows, the first difference explained, the other differences, a summary. */
export function compareText(r: CompareResult, opts: TextOptions): string[] {
  const cols = Math.max(40, opts.columns);
  const two = cols >= TWO_COLUMNS;
  const out: string[] = [];
  out.push(`compare  A: platform ${r.a.spec}`, `         B: platform ${r.b.spec}`);
  out.push(`script: ${r.steps.length - 1} line(s); scope: ${r.scope === 'all' ? 'the boot and every line' : 'the script\'s lines (the boot is shown, not compared)'}`);
  out.push(`rows: ' ' same  '!' changed  '+' on one side only  '>' the first difference${two ? '' : '; A / B: whose line'}`);
  const firstRow = r.firstDifference?.row ?? -1;
  const items = foldRows(r, opts.all ? -1 : (opts.context ?? DEFAULT_CONTEXT));
  const colW = Math.floor((cols - 5) / 2);
  let printed = 0;
  let left = 0;
  for (const it of items) {
    if (!opts.all && printed >= MAX_PRINTED_ROWS) {
      if (it.kind === 'row') left++;
      else if (it.kind === 'fold') left += it.to - it.from;
      continue;
    }
    if (it.kind === 'step') {
      const t = `── ${stepTitle(r, it.step)} `;
      out.push('', ...fit(t.length < cols ? t + '─'.repeat(cols - t.length) : t, cols));
    } else if (it.kind === 'phase') {
      out.push(...fit(`  ▸ ${phaseTitle(r, it.phase)}`, cols).map((l, i) => (i ? '    ' + l.trimStart() : l)));
    } else if (it.kind === 'fold') {
      out.push(...fit(`    ⋯ ${foldText(r, it)} ⋯`, cols).map((l, i) => (i ? '    ' + l.trimStart() : l)));
    } else {
      const row = r.rows[it.row];
      const g = `${it.row === firstRow ? '>' : ' '}${mark(row)}`;
      printed++;
      if (two) {
        const a = row.a !== undefined ? fit(row.a, colW) : [];
        const b = row.b !== undefined ? fit(row.b, colW) : [];
        for (let k = 0; k < Math.max(a.length, b.length, 1); k++) out.push(`${k === 0 ? g : '  '} ${(a[k] ?? '').padEnd(colW)} │ ${b[k] ?? ''}`.trimEnd());
      } else {
        const w = cols - 5;
        const side = (t: string, s: string, first: boolean) => fit(t, w).map((l, k) => `${first && k === 0 ? g : '  '}${s} ${l}`.trimEnd());
        if (row.same) out.push(...side(row.a!, ' ', true));
        else {
          if (row.a !== undefined) out.push(...side(row.a, 'A', true));
          if (row.b !== undefined) out.push(...side(row.b, 'B', row.a === undefined).map((l, k) => (k === 0 && row.a !== undefined ? ` ${g[1]}${l.slice(2)}` : l)));
        }
      }
    }
  }
  if (left > 0) out.push('', `… ${left} more row(s) not printed (--all prints every row)`);
  out.push('');
  const d = r.firstDifference;
  if (!d) out.push(r.scope === 'all' ? 'no difference: A and B agree on every row.' : 'no difference in the script\'s lines (the boots are not compared).');
  else {
    out.push(...wrap(`first difference: row ${d.row}, ${d.step === 0 ? 'in the boot' : `line ${d.step} (${d.command})`}${d.smi ? `, ${d.smi}` : ''}, phase "${r.phases[d.phase].title}"`, cols, 2));
    out.push(...explanationLines(d.explanation, cols));
    const more = r.differences.slice(1);
    if (more.length) {
      out.push('other differences explained:');
      for (const x of more) out.push(...wrap(`  - row ${x.row} (${x.step === 0 ? 'boot' : `line ${x.step}`}${x.smi ? `, ${x.smi}` : ''}): ${x.explanation.title}`, cols, 4));
    }
  }
  const c = r.counts;
  out.push(`${c.rows} row(s), ${c.differing} differ (${c.onlyA} on A only, ${c.onlyB} on B only); events: A ${r.a.events}, B ${r.b.events}${r.a.hung ? '; A hung' : ''}${r.b.hung ? '; B hung' : ''}`);
  return out;
}
