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
   * Rows [from, to) folded, over `phases` phases, and why: all the same on both sides ('same'),
   * all on one side only ('a' / 'b': what one side goes on to do after the other hung, a boot only
   * it has), or a boot the compare does not compare ('boot': scope 'commands').
   */
  | { kind: 'fold'; from: number; to: number; phases: number; why: FoldWhy };

export type FoldWhy = 'same' | 'a' | 'b' | 'boot';

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
  // Why a hidden row is hidden (0: the same on both sides).
  const why = new Uint8Array(n); // 1: on A only, 2: on B only, 3: the boot, not compared
  const WHY: FoldWhy[] = ['same', 'a', 'b', 'boot'];
  // Long runs of one-sided rows: their head shows, their tail folds (one side).
  if (context >= 0) {
    for (let i = 0; i < n; ) {
      const side = sideOf(r, i);
      let j = i + 1;
      while (side !== 0 && j < n && sideOf(r, j) === side) j++;
      if (side !== 0 && j - i > ONE_SIDED_FOLD && !unfolded.has(i + ONE_SIDED_SHOWN)) {
        why.fill(side, i + ONE_SIDED_SHOWN, j);
        keep.fill(0, i + ONE_SIDED_SHOWN, j);
      }
      i = j;
    }
    // A boot outside the scope folds whole (it is there to be looked at, not compared).
    const boot = r.steps[0];
    if (r.scope === 'commands' && boot && boot.phaseCount > 0) {
      const from = r.phases[boot.firstPhase].first;
      const last = r.phases[boot.firstPhase + boot.phaseCount - 1];
      const to = last.first + last.count;
      if (!unfolded.has(from)) {
        keep.fill(0, from, to);
        why.fill(3, from, to);
      }
    }
  }
  const out: FoldItem[] = [];
  let fold: { from: number; to: number; phases: number; why: FoldWhy } | null = null;
  const flush = () => {
    if (fold) out.push({ kind: 'fold', ...fold });
    fold = null;
  };
  const hide = (row: number, newPhase: boolean) => {
    const w = WHY[why[row]];
    if (fold && fold.to === row && fold.why === w) {
      fold.to = row + 1;
      if (newPhase) fold.phases++;
    } else {
      flush();
      fold = { from: row, to: row + 1, phases: 1, why: w };
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
