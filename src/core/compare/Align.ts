/**
 * Aligning two sequences of keys: a longest common subsequence (LCS), then the stretches between
 * its matches paired up line by line where they look alike. Deterministic: ties always resolve
 * the same way (a match as early as possible in A).
 *
 * The LCS is the textbook dynamic programme over the part between the common prefix and the
 * common suffix (traces of two platforms share most of both). Above `DP_LIMIT` cells it first
 * splits the problem at anchors: keys that occur exactly once on each side, in an order both
 * sides agree on (the longest increasing run of their positions, as "patience diff" does), and
 * aligns the pieces between anchors; a piece still too large and without anchors gets no matches
 * (its lines show as changed, which is what they are at that size).
 */

/** Cells of the DP table above which the problem is split at unique anchors first. */
export const DP_LIMIT = 4_000_000;

/** The index pairs (i, j), a[i] === b[j], of a longest common subsequence, in order. */
export function lcsPairs(a: readonly string[], b: readonly string[], limit = DP_LIMIT): [number, number][] {
  const out: [number, number][] = [];
  lcsInto(a, 0, a.length, b, 0, b.length, limit, out);
  return out;
}

function lcsInto(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number, limit: number, out: [number, number][]): void {
  // Common prefix and suffix: matched without a table.
  while (a0 < a1 && b0 < b1 && a[a0] === b[b0]) out.push([a0++, b0++]);
  const tail: [number, number][] = [];
  while (a1 > a0 && b1 > b0 && a[a1 - 1] === b[b1 - 1]) tail.push([--a1, --b1]);
  const n = a1 - a0;
  const m = b1 - b0;
  if (n > 0 && m > 0) {
    if (n * m <= limit) dp(a, a0, n, b, b0, m, out);
    else anchored(a, a0, a1, b, b0, b1, limit, out);
  }
  for (let k = tail.length - 1; k >= 0; k--) out.push(tail[k]);
}

/** The DP: L[i][j] = LCS length of a[i..] and b[j..]; walked forward, preferring a match, then a step in A. */
function dp(a: readonly string[], a0: number, n: number, b: readonly string[], b0: number, m: number, out: [number, number][]): void {
  const w = m + 1;
  const L = n + m < 0xffff ? new Uint16Array((n + 1) * w) : new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    const ai = a[a0 + i];
    const row = i * w;
    const next = row + w;
    for (let j = m - 1; j >= 0; j--) {
      L[row + j] = ai === b[b0 + j] ? L[next + j + 1] + 1 : Math.max(L[next + j], L[row + j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[a0 + i] === b[b0 + j]) {
      out.push([a0 + i, b0 + j]);
      i++;
      j++;
    } else if (L[(i + 1) * w + j] >= L[i * w + j + 1]) i++;
    else j++;
  }
}

/** Too large for the table: match the keys unique on both sides (in an order both agree on) and align between them. */
function anchored(a: readonly string[], a0: number, a1: number, b: readonly string[], b0: number, b1: number, limit: number, out: [number, number][]): void {
  const count = (s: readonly string[], from: number, to: number) => {
    const c = new Map<string, number>();
    for (let i = from; i < to; i++) c.set(s[i], (c.get(s[i]) ?? 0) + 1);
    return c;
  };
  const ca = count(a, a0, a1);
  const cb = count(b, b0, b1);
  const posB = new Map<string, number>();
  for (let j = b0; j < b1; j++) if (cb.get(b[j]) === 1 && ca.get(b[j]) === 1) posB.set(b[j], j);
  const cand: [number, number][] = [];
  for (let i = a0; i < a1; i++) {
    const j = posB.get(a[i]);
    if (j !== undefined) cand.push([i, j]);
  }
  const anchors = longestIncreasing(cand);
  if (anchors.length === 0) return; // nothing to hold on to: no matches here
  let pa = a0;
  let pb = b0;
  for (const [i, j] of anchors) {
    lcsInto(a, pa, i, b, pb, j, limit, out);
    out.push([i, j]);
    pa = i + 1;
    pb = j + 1;
  }
  lcsInto(a, pa, a1, b, pb, b1, limit, out);
}

/** The longest run of pairs (already ascending in i) whose j ascend too (patience sorting). */
function longestIncreasing(pairs: [number, number][]): [number, number][] {
  const tails: number[] = []; // index into pairs of the smallest tail of each length
  const prev: number[] = new Array(pairs.length).fill(-1);
  for (let k = 0; k < pairs.length; k++) {
    const j = pairs[k][1];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[tails[mid]][1] < j) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const out: [number, number][] = [];
  for (let k = tails.length ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) out.push(pairs[k]);
  return out.reverse();
}

/** One aligned row: indexes into A and B (null: that side has no line here). */
export interface Aligned {
  a: number | null;
  b: number | null;
  /** The keys are equal (an LCS match). */
  same: boolean;
}

/** How the lines of a changed stretch pair up: by their texts' likeness, else by coarser keys. */
export interface Pairing {
  /** The words of each line (compared as sets: the share of words two lines have in common). */
  wordsA: readonly (readonly string[])[];
  wordsB: readonly (readonly string[])[];
  /** Coarser keys, for stretches too large to weigh every pair. */
  keyA: readonly string[];
  keyB: readonly string[];
  /** Whether two lines may be shown as one changed row at all (e.g. both events). */
  canPair: (i: number, j: number) => boolean;
}

/** Two lines are a changed row when at least this share of their words is common. */
export const MIN_LIKENESS = 0.25;
/** Above this many line pairs in one stretch, pair by the coarser keys instead of weighing every pair. */
const WEIGH_LIMIT = 40_000;

/**
 * Aligns A and B: the LCS matches are the same rows. Each stretch between two matches (A's lines
 * and B's lines that differ) is paired by `pairing`: the pairs, in order on both sides, with the
 * greatest total likeness (words in common over words in either, at least MIN_LIKENESS) become
 * changed rows, so "OUT 0xB3, 0x00 (SmmControl2 Trigger ...)" faces "OUT 0xB3, 0x00 (PCH
 * SmmControl SmmTrigger ...)" rather than whatever line comes first; the rest is one-sided (A's
 * lines first). Without `pairing` nothing differing is paired: every unmatched key is one-sided.
 */
export function align(a: readonly string[], b: readonly string[], pairing?: Pairing): Aligned[] {
  const out: Aligned[] = [];
  const matches = lcsPairs(a, b);
  let pa = 0;
  let pb = 0;
  const stretch = (ia: number, ib: number) => {
    if (pa < ia || pb < ib) changed(pa, ia, pb, ib, pairing, out);
  };
  for (const [i, j] of matches) {
    stretch(i, j);
    out.push({ a: i, b: j, same: true });
    pa = i + 1;
    pb = j + 1;
  }
  stretch(a.length, b.length);
  return out;
}

/** The share of words two lines have in common (0..1). */
export function likeness(x: readonly string[], y: readonly string[]): number {
  if (x.length === 0 && y.length === 0) return 1;
  const sx = new Set(x);
  const sy = new Set(y);
  let common = 0;
  for (const w of sx) if (sy.has(w)) common++;
  return common / (sx.size + sy.size - common);
}

function changed(a0: number, a1: number, b0: number, b1: number, p: Pairing | undefined, out: Aligned[]): void {
  const n = a1 - a0;
  const m = b1 - b0;
  let pairs: [number, number][];
  if (!p || n === 0 || m === 0) pairs = [];
  else if (n * m <= WEIGH_LIMIT) pairs = weighed(a0, n, b0, m, p);
  else pairs = lcsPairs(p.keyA.slice(a0, a1), p.keyB.slice(b0, b1)).map(([i, j]) => [a0 + i, b0 + j] as [number, number]).filter(([i, j]) => p.canPair(i, j));
  let pa = a0;
  let pb = b0;
  for (const [i, j] of pairs) {
    oneSided(pa, i, pb, j, out);
    out.push({ a: i, b: j, same: false });
    pa = i + 1;
    pb = j + 1;
  }
  oneSided(pa, a1, pb, b1, out);
}

/** The order-keeping pairing with the greatest total likeness (a weighted LCS over the stretch). */
function weighed(a0: number, n: number, b0: number, m: number, p: Pairing): [number, number][] {
  const w = m + 1;
  const S = new Float64Array((n + 1) * w); // best total for A[i..], B[j..]
  const like = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const v = p.canPair(a0 + i, b0 + j) ? likeness(p.wordsA[a0 + i], p.wordsB[b0 + j]) : 0;
      like[i * m + j] = v >= MIN_LIKENESS ? v : -1;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const l = like[i * m + j];
      const take = l >= 0 ? S[(i + 1) * w + j + 1] + l : -1;
      S[i * w + j] = Math.max(take, S[(i + 1) * w + j], S[i * w + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const l = like[i * m + j];
    if (l >= 0 && S[i * w + j] === S[(i + 1) * w + j + 1] + l) {
      pairs.push([a0 + i, b0 + j]);
      i++;
      j++;
    } else if (S[i * w + j] === S[(i + 1) * w + j]) i++;
    else j++;
  }
  return pairs;
}

/** Lines on one side only: A's, then B's. */
function oneSided(a0: number, a1: number, b0: number, b1: number, out: Aligned[]): void {
  for (let i = a0; i < a1; i++) out.push({ a: i, b: null, same: false });
  for (let j = b0; j < b1; j++) out.push({ a: null, b: j, same: false });
}
