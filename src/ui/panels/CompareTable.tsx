import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { type CompareResult, type CompareRow, DEFAULT_CONTEXT, type FoldItem, foldRows, foldText } from '../../protocol/compare';

/** Items rendered at first; "show more" adds as many again (two boots are ~21000 rows). */
const PAGE = 400;

function rowClass(r: CompareRow): string {
  if (r.same) return 'same';
  if (r.a === undefined) return 'only-b';
  if (r.b === undefined) return 'only-a';
  return 'changed';
}

const MARK: Record<string, string> = { same: '', changed: '≠', 'only-a': 'A', 'only-b': 'B' };

function stepTitle(r: CompareResult, i: number): string {
  if (i === 0) return `boot: platform ${r.a.spec}  |  platform ${r.b.spec}`;
  const st = r.steps[i];
  const refused = st.errorA || st.errorB ? ` — refused on ${st.errorA && st.errorB ? 'A and B' : st.errorA ? 'A' : 'B'}` : '';
  return `line ${i}: ${st.line}${st.skipped ? ' — not run (the compare runs every run to its end)' : ''}${refused}`;
}

function Fold({ r, f, onOpen }: { r: CompareResult; f: Extract<FoldItem, { kind: 'fold' }>; onOpen: (from: number) => void }) {
  return (
    <button type="button" className={`cmp-fold cmp-fold-${f.why}`} data-testid="compare-fold" title="Show these rows" onClick={() => onOpen(f.from)}>
      ⋯ {foldText(r, f)} ⋯ <span className="cmp-fold-show">show</span>
    </button>
  );
}

/**
 * The two traces side by side: a header per script line and per phase, a row per line (same rows
 * dimmed, changed ones and one-sided ones highlighted, the first difference outlined), the same
 * rows far from any difference folded (the CLI folds the same).
 */
export function CompareTable({ r, focusRow, onFocused }: { r: CompareResult; focusRow: number | null; onFocused: () => void }) {
  const [unfolded, setUnfolded] = useState<ReadonlySet<number>>(new Set());
  const [limit, setLimit] = useState(PAGE);
  useEffect(() => {
    setUnfolded(new Set());
    setLimit(PAGE);
  }, [r]);
  const items = useMemo(() => foldRows(r, DEFAULT_CONTEXT, unfolded), [r, unfolded]);
  const firstRow = r.firstDifference?.row ?? -1;
  // The row to show must be rendered: unfold it if folded, and render up to it.
  const focusAt = focusRow === null ? -1 : items.findIndex((it) => (it.kind === 'row' && it.row === focusRow) || (it.kind === 'fold' && it.from <= focusRow && focusRow < it.to));
  const focusItem = focusAt >= 0 ? items[focusAt] : null;
  useEffect(() => {
    if (focusItem?.kind === 'fold') setUnfolded((u) => new Set(u).add(focusItem.from));
  }, [focusItem]);
  const shown = Math.max(limit, focusAt + 60);
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (focusRow === null || focusItem?.kind !== 'row') return;
    const el = box.current?.querySelector(`[data-row="${focusRow}"]`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      onFocused();
    }
  }, [focusRow, focusItem, onFocused]);
  return (
    <div className="cmp-table" ref={box} data-testid="compare-table">
      <div className="cmp-colhead">
        <span />
        <span title={`platform ${r.a.spec}`}>A: {r.a.spec}</span>
        <span title={`platform ${r.b.spec}`}>B: {r.b.spec}</span>
      </div>
      {items.slice(0, shown).map((it) => {
        if (it.kind === 'step') return <div key={`s${it.step}`} className="cmp-step">{stepTitle(r, it.step)}</div>;
        if (it.kind === 'phase') {
          const p = r.phases[it.phase];
          const smi = p.smiA !== undefined || p.smiB !== undefined ? `SMI ${p.smiA !== undefined ? `#${p.smiA}` : '–'} | ${p.smiB !== undefined ? `#${p.smiB}` : '–'}` : '';
          return (
            <div key={`p${it.phase}`} className={`cmp-phase${p.only ? ` only-${p.only}` : ''}`} data-testid="compare-phase">
              <span className="cmp-phase-title">{p.title}</span>
              {p.only && <span className="cmp-phase-only">on {p.only.toUpperCase()} only</span>}
              {smi && <span className="cmp-phase-smi">{smi}</span>}
            </div>
          );
        }
        if (it.kind === 'fold') return <Fold key={`f${it.from}`} r={r} f={it} onOpen={(from) => setUnfolded((u) => new Set(u).add(from))} />;
        const row = r.rows[it.row];
        const cls = rowClass(row);
        const first = it.row === firstRow;
        return (
          <div key={`r${it.row}`} className={`cmp-row ${cls} kind-${row.kind}${first ? ' first' : ''}`} data-row={it.row} data-testid={first ? 'compare-first-row' : undefined}>
            <span className="cmp-mark">{first ? '▶' : MARK[cls]}</span>
            <span className="cmp-a">{row.a ?? ''}</span>
            <span className="cmp-b">{row.b ?? ''}</span>
          </div>
        );
      })}
      {items.length > shown && (
        <button type="button" className="btn btn-small cmp-more" onClick={() => setLimit(shown + PAGE)}>
          show more ({items.length - shown} more lines)
        </button>
      )}
    </div>
  );
}
