/**
 * Two traces of one script, aligned by phase. The steps (the boot, then each script line) line up
 * one to one. Inside a step the units (SMIs, stretches of the boot, the console output) are
 * aligned by an LCS over their keys, inside two matched units their phases, and inside two
 * matched phases their lines (compare/Align.ts over the normalised texts of compare/Normalize.ts).
 * A unit or phase found on one side only is shown whole on that side.
 *
 * The first difference is the first row, in trace order and in scope, whose two sides differ; the
 * explainers (compare/WhyDiffer.ts) say why. Every explainer's first match is kept as well
 * (`differences`): when two platforms boot differently, the first difference is in the boot, and
 * the one the script is about (a protocol not found, a module not loaded) comes later.
 */

import { align, type Pairing } from './Align';
import type { CompareDifference, ComparePhase, CompareResult, CompareRow, CompareScope, CompareStep, SideTrace, TraceItem, TraceSegment, TraceStep, TraceUnit } from './CompareTypes';
import { explain } from './WhyDiffer';
import { skeleton } from './Normalize';

/** At most this many explained differences besides the first. */
const MAX_DIFFERENCES = 12;

function groupOf(d: CompareDifference): string {
  return d.explanation.group ?? d.explanation.title;
}

interface Builder {
  phases: ComparePhase[];
  rows: CompareRow[];
}

/** A line's words for likeness: what the normalised text says, addresses masked. */
function words(x: TraceItem): string[] {
  return x.key.split(/[^\w#…]+/).filter(Boolean);
}

function pairKeys(items: readonly TraceItem[]): string[] {
  return items.map((x) => `${x.kind} ${x.cpu ?? ''} ${skeleton(x.text)}`);
}

function phaseTitle(u: TraceUnit, s: TraceSegment): string {
  return s.title ? `${u.title} · ${s.title}` : u.title;
}

function addPhase(bd: Builder, step: number, ua: TraceUnit | null, sa: TraceSegment | null, ub: TraceUnit | null, sb: TraceSegment | null): void {
  const u = (ua ?? ub)!;
  const s = (sa ?? sb)!;
  const first = bd.rows.length;
  const phase = bd.phases.length;
  if (sa && sb) {
    const ia = sa.items;
    const ib = sb.items;
    // Changed lines face each other when they are of a kind and alike (Align.ts); unrelated lines stay one-sided.
    const pk: Pairing = { wordsA: ia.map(words), wordsB: ib.map(words), keyA: pairKeys(ia), keyB: pairKeys(ib), canPair: (i: number, j: number) => ia[i].kind === ib[j].kind };
    for (const r of align(ia.map((x) => x.key), ib.map((x) => x.key), pk)) {
      const x = r.a !== null ? ia[r.a] : ib[r.b!];
      const row: CompareRow = { phase, kind: x.kind, same: r.same };
      if (r.a !== null) row.a = ia[r.a].text;
      if (r.b !== null) row.b = ib[r.b].text;
      bd.rows.push(row);
    }
  } else {
    for (const x of s.items) bd.rows.push(sa ? { phase, kind: x.kind, a: x.text, same: false } : { phase, kind: x.kind, b: x.text, same: false });
  }
  const count = bd.rows.length - first;
  const p: ComparePhase = { step, title: phaseTitle(u, s), unit: u.title, segment: s.title, first, count, same: !!(sa && sb) && bd.rows.slice(first).every((r) => r.same) };
  if (!sa) p.only = 'b';
  if (!sb) p.only = 'a';
  if (ua?.smi !== undefined) p.smiA = ua.smi;
  if (ub?.smi !== undefined) p.smiB = ub.smi;
  bd.phases.push(p);
}

function alignUnits(bd: Builder, step: number, ua: TraceUnit | null, ub: TraceUnit | null): void {
  if (ua && ub) {
    for (const r of align(ua.segments.map((s) => s.key), ub.segments.map((s) => s.key))) {
      addPhase(bd, step, r.a !== null ? ua : null, r.a !== null ? ua.segments[r.a] : null, r.b !== null ? ub : null, r.b !== null ? ub.segments[r.b] : null);
    }
  } else {
    const u = (ua ?? ub)!;
    for (const s of u.segments) addPhase(bd, step, ua ? u : null, ua ? s : null, ub ? u : null, ub ? s : null);
  }
}

function alignStep(bd: Builder, step: number, a: TraceStep | undefined, b: TraceStep | undefined): void {
  const ua = a?.units ?? [];
  const ub = b?.units ?? [];
  for (const r of align(ua.map((u) => u.key), ub.map((u) => u.key))) alignUnits(bd, step, r.a !== null ? ua[r.a] : null, r.b !== null ? ub[r.b] : null);
}

/** Aligns two sides of one script (the same lines) and finds and explains where they differ. */
export function compareTraces(A: SideTrace, B: SideTrace, scope: CompareScope = 'all'): CompareResult {
  const bd: Builder = { phases: [], rows: [] };
  const steps: CompareStep[] = [];
  const n = Math.max(A.steps.length, B.steps.length);
  for (let i = 0; i < n; i++) {
    const a = A.steps[i];
    const b = B.steps[i];
    const firstPhase = bd.phases.length;
    alignStep(bd, i, a, b);
    steps.push({
      line: i === 0 ? `platform ${A.spec} (A) / platform ${B.spec} (B)` : (a ?? b)!.line,
      skipped: (a ?? b)!.skipped,
      errorA: a?.error ?? false,
      errorB: b?.error ?? false,
      firstPhase,
      phaseCount: bd.phases.length - firstPhase,
    });
  }
  const { phases, rows } = bd;
  let differing = 0;
  let onlyA = 0;
  let onlyB = 0;
  for (const r of rows) {
    if (r.same) continue;
    differing++;
    if (r.b === undefined) onlyA++;
    else if (r.a === undefined) onlyB++;
  }
  const difference = (row: number): CompareDifference => {
    const p = phases[row === -1 ? 0 : rows[row].phase];
    const st = steps[p.step];
    const smi = p.smiA !== undefined || p.smiB !== undefined
      ? `SMI ${p.smiA !== undefined && p.smiB !== undefined && p.smiA !== p.smiB ? `#${p.smiA} (A) / #${p.smiB} (B)` : `#${p.smiA ?? p.smiB}`} (${p.unit.replace(/^SMI /, '')})`
      : null;
    return { row, phase: rows[row].phase, step: p.step, command: st.line, smi, explanation: explain({ row: rows[row], phase: p, rows, A, B }) };
  };
  const inScope = (r: CompareRow) => !r.same && (scope === 'all' || phases[r.phase].step > 0);
  const first = rows.findIndex(inScope);
  const firstDifference = first === -1 ? null : difference(first);
  const differences: CompareDifference[] = [];
  if (firstDifference) {
    // The first row each explainer explains comes first (a protocol not found, a hang, another
    // monarch: each is worth a look), then more rows explained otherwise (another module, other
    // values), one per group, in trace order, up to MAX_DIFFERENCES.
    const byId = new Map<string, CompareDifference>([[firstDifference.explanation.id, firstDifference]]);
    const groups = new Set<string>([groupOf(firstDifference)]);
    const more: CompareDifference[] = [];
    for (let i = first + 1; i < rows.length; i++) {
      if (!inScope(rows[i])) continue;
      const d = difference(i);
      const g = groupOf(d);
      if (d.explanation.id === 'plain' || groups.has(g)) continue;
      groups.add(g);
      if (!byId.has(d.explanation.id)) byId.set(d.explanation.id, d);
      else if (more.length < MAX_DIFFERENCES) more.push(d);
    }
    const picked = [...byId.values()];
    for (const d of more) if (picked.length <= MAX_DIFFERENCES) picked.push(d);
    differences.push(...picked.sort((x, y) => x.row - y.row));
  }
  return {
    a: { spec: A.spec, events: A.events, hung: A.facts.hung?.message ?? null },
    b: { spec: B.spec, events: B.events, hung: B.facts.hung?.message ?? null },
    steps,
    phases,
    rows,
    scope,
    firstDifference,
    differences,
    counts: { rows: rows.length, differing, onlyA, onlyB },
  };
}
