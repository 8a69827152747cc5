/**
 * What to show of an aligned compare: two boots are ~21000 rows, nearly all of them the same, so
 * the same rows far from any difference fold into one line ("⋯ 812 same rows ⋯"), keeping
 * `context` rows around each difference. A phase with nothing left to show folds away with its
 * header. The CLI prints this; the page renders it (and unfolds a fold on a click).
 */

import type { CompareResult } from './CompareTypes';

export type FoldItem =
  | { kind: 'step'; step: number }
  | { kind: 'phase'; phase: number }
  | { kind: 'row'; row: number }
  /**
   * Rows [from, to) folded, over `phases` phases: all the same on both sides, or (`side`) all on
   * that side only (what one side goes on to do after the other hung, or a boot only it has).
   */
  | { kind: 'fold'; from: number; to: number; phases: number; side?: 'a' | 'b' };

/** Same rows shown around each difference. */
export const DEFAULT_CONTEXT = 3;
/** A stretch of same rows shorter than this is shown rather than folded. */
const MIN_FOLD = 4;
/** A run of rows on one side only longer than this shows its first ONE_SIDED_SHOWN rows, the rest folds. */
const ONE_SIDED_FOLD = 60;
const ONE_SIDED_SHOWN = 20;

/**
 * The items to show, in order. `unfolded`: the `from` of folds to show whole (the page's clicks);
 * `context` < 0 shows every row.
 */
export function foldRows(r: CompareResult, context = DEFAULT_CONTEXT, unfolded: ReadonlySet<number> = new Set()): FoldItem[] {
  const n = r.rows.length;
  const keep = new Uint8Array(n);
  if (context < 0) keep.fill(1);
  else {
    // Rows within `context` of a differing row, forward and backward.
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (!r.rows[i].same) last = i;
      if (i - last <= context) keep[i] = 1;
    }
    last = Infinity;
    for (let i = n - 1; i >= 0; i--) {
      if (!r.rows[i].same) last = i;
      if (last - i <= context) keep[i] = 1;
    }
  }
  // Short stretches stay; unfolded ones too.
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && !keep[j]) j++;
    if (j - i < MIN_FOLD || unfolded.has(i)) keep.fill(1, i, j);
    i = j;
  }
  // Long runs of one-sided rows: their head shows, their tail folds (one side).
  const oneSided = new Uint8Array(n); // 1: folded on A only, 2: on B only
  if (context >= 0) {
    for (let i = 0; i < n; ) {
      const side = sideOf(r, i);
      let j = i + 1;
      while (side !== 0 && j < n && sideOf(r, j) === side) j++;
      if (side !== 0 && j - i > ONE_SIDED_FOLD && !unfolded.has(i + ONE_SIDED_SHOWN)) {
        oneSided.fill(side, i + ONE_SIDED_SHOWN, j);
        keep.fill(0, i + ONE_SIDED_SHOWN, j);
      }
      i = j;
    }
  }
  const out: FoldItem[] = [];
  let fold: { from: number; to: number; phases: number; side?: 'a' | 'b' } | null = null;
  const flush = () => {
    if (fold) out.push({ kind: 'fold', ...fold });
    fold = null;
  };
  const hide = (row: number, newPhase: boolean) => {
    const side = oneSided[row] === 1 ? 'a' : oneSided[row] === 2 ? 'b' : undefined;
    if (fold && fold.to === row && fold.side === side) {
      fold.to = row + 1;
      if (newPhase) fold.phases++;
    } else {
      flush();
      fold = side ? { from: row, to: row + 1, phases: 1, side } : { from: row, to: row + 1, phases: 1 };
    }
  };
  r.steps.forEach((st, si) => {
    flush();
    out.push({ kind: 'step', step: si });
    for (let p = st.firstPhase; p < st.firstPhase + st.phaseCount; p++) {
      const ph = r.phases[p];
      let shown = false;
      for (let i = ph.first; i < ph.first + ph.count; i++) {
        if (keep[i]) {
          if (!shown) {
            flush();
            out.push({ kind: 'phase', phase: p });
            shown = true;
          }
          flush();
          out.push({ kind: 'row', row: i });
        } else hide(i, i === ph.first);
      }
    }
  });
  flush();
  return out;
}

/** 1: the row is on A only, 2: on B only, 0: on both. */
function sideOf(r: CompareResult, i: number): 0 | 1 | 2 {
  const row = r.rows[i];
  return row.b === undefined ? 1 : row.a === undefined ? 2 : 0;
}
