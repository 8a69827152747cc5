import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CompareTable } from './CompareTable';
import type { CompareDifference, CompareResult } from '../../protocol/compare';
import { closeCompare, openCompare, runCompare, setCompareForm } from '../actions/compareActions';
import { useApp } from '../store/store';

/** Platform presets: each platform (`help platform`) alone and with each of the seed thread's modules. */
const PLATFORMS = ['ovmf', 'ovmf-swdispatch', 'pch'];
const SEED = ['', ' --module SwDispatch2Locate', ' --module SwDispatch2Depex'];
export const PRESETS = PLATFORMS.flatMap((p) => SEED.map((m) => p + m));

/** The button beside the platform picker (compare this platform, or any two, on one script). */
export function CompareButton() {
  const ready = useApp((s) => s.ready);
  return (
    <button
      type="button"
      className="btn btn-small btn-compare"
      disabled={!ready}
      data-testid="compare-button"
      title="Compare: run one script (the session's console lines) on two platforms and see the two traces side by side, aligned by phase, with the first difference explained  —  CLI: smiscope compare A B SCRIPT"
      onClick={openCompare}
    >
      Compare
    </button>
  );
}

function SpecInput({ side, value }: { side: 'a' | 'b'; value: string }) {
  const label = side.toUpperCase();
  return (
    <label className="cmp-spec">
      <span className="cmp-spec-label">{label}</span>
      <span className="cmp-spec-prefix">platform</span>
      <input className="mono" value={value} spellCheck={false} aria-label={`platform ${label}`} data-testid={`compare-spec-${side}`} onChange={(e) => setCompareForm({ [side]: e.target.value })} />
      <select aria-label={`preset for ${label}`} value="" data-testid={`compare-preset-${side}`} onChange={(e) => e.target.value && setCompareForm({ [side]: e.target.value })}>
        <option value="">presets…</option>
        {PRESETS.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
}

function where(r: CompareResult, d: CompareDifference): string {
  const p = r.phases[d.phase];
  return `${d.step === 0 ? 'in the boot' : `script line ${d.step}: ${d.command}`}${d.smi ? ` · ${d.smi}` : ''} · ${p.segment || p.unit}`;
}

/** The first difference, explained, and the other differences the explainers found (each one click away). */
function Explanation({ r, onShow }: { r: CompareResult; onShow: (row: number) => void }) {
  const d = r.firstDifference;
  if (!d) {
    return (
      <section className="cmp-explain same" data-testid="compare-explanation">
        <h3>No difference</h3>
        <p>{r.scope === 'all' ? 'A and B agree on every row: the same events, log lines and output (addresses and counters aside).' : "A and B agree on every row of the script's lines (the boots are not compared)."}</p>
      </section>
    );
  }
  const e = d.explanation;
  const more = r.differences.slice(1);
  return (
    <section className="cmp-explain" data-testid="compare-explanation">
      <div className="cmp-explain-head">
        <span className="cmp-explain-kicker">First difference</span>
        <button type="button" className="btn btn-small" onClick={() => onShow(d.row)} data-testid="compare-show-first">
          show
        </button>
        <span className="cmp-where">{where(r, d)}</span>
      </div>
      <h3 data-testid="compare-first-title">{e.title}</h3>
      <p>{e.text}</p>
      {e.cites.length > 0 && <p className="cmp-cites">{e.cites.join(' · ')}</p>}
      {more.length > 0 && (
        // Open where there is room for the list and the table under it (at 720-768 rows the table needs them).
        <details className="cmp-more-diffs" open={window.innerHeight >= 900}>
          <summary>{more.length} more difference{more.length === 1 ? '' : 's'} explained</summary>
          <ul>
            {more.map((x) => (
              <li key={x.row}>
                <button type="button" title={`${x.explanation.text}\n\n${where(r, x)}`} onClick={() => onShow(x.row)}>
                  <span className="cmp-diff-title">{x.explanation.title}</span>
                  <span className="cmp-diff-where">{x.step === 0 ? 'boot' : `line ${x.step}`}{x.smi ? ` · ${x.smi}` : ''}</span>
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/**
 * The compare view: two platform specs, a script (the session's console lines), Run; then the
 * two traces aligned by phase with the first difference explained above them. Escape closes.
 */
export function CompareView() {
  const { open, form, pending, result, error, notes, ready } = useApp(
    useShallow((s) => ({ open: s.compareOpen, form: s.compareForm, pending: s.comparePending, result: s.compareResult, error: s.compareError, notes: s.compareNotes, ready: s.ready })),
  );
  const [focusRow, setFocusRow] = useState<number | null>(null);
  const clearFocus = useCallback(() => setFocusRow(null), []);
  useEffect(() => {
    if (result?.firstDifference) setFocusRow(result.firstDifference.row);
  }, [result]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeCompare();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  if (!open) return null;
  const busy = pending !== null;
  const lines = form.script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length;
  return (
    <div className="dialog-backdrop cmp-backdrop" onClick={closeCompare}>
      <div className="dialog cmp-dialog" role="dialog" aria-label="Compare two platforms" data-testid="compare-view" onClick={(e) => e.stopPropagation()}>
        <header className="dialog-head">
          <h2>Compare: one script on two platforms</h2>
          <button type="button" className="btn btn-small" onClick={closeCompare} aria-label="Close">
            Close <kbd>Esc</kbd>
          </button>
        </header>
        <form
          className="cmp-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!busy) runCompare();
          }}
        >
          <div className="cmp-specs">
            <SpecInput side="a" value={form.a} />
            <SpecInput side="b" value={form.b} />
          </div>
          <div className="cmp-script-row">
            <label className="cmp-script">
              <span>
                script <span className="muted">({lines} console line{lines === 1 ? '' : 's'} after the boot; prefilled with this session's)</span>
              </span>
              <textarea className="mono" rows={2} spellCheck={false} value={form.script} placeholder="# console lines, e.g.&#10;smi 0x01 0x42 --cpu 2" data-testid="compare-script" onChange={(e) => setCompareForm({ script: e.target.value })} />
            </label>
            <div className="cmp-actions">
              <label className="cmp-scope" title="The boots still run and are shown (folded); differences are looked for in the script's lines only. For platforms that boot differently.">
                <input type="checkbox" checked={form.scope === 'commands'} onChange={(e) => setCompareForm({ scope: e.target.checked ? 'commands' : 'all' })} data-testid="compare-skip-boot" />
                skip the boot
              </label>
              <button type="submit" className="btn btn-step-phase" disabled={!ready || busy} data-testid="compare-run">
                {busy ? 'Running…' : 'Run'}
              </button>
            </div>
          </div>
        </form>
        {error && (
          <p className="cmp-error" role="alert" data-testid="compare-error">
            {error}
          </p>
        )}
        {busy && !result && <p className="cmp-note">Booting both platforms and running the script…</p>}
        {result && (
          <div className={`cmp-result${busy ? ' stale' : ''}`}>
            {notes.map((n) => (
              <p key={n} className="cmp-note">
                {n}
              </p>
            ))}
            <Explanation r={result} onShow={setFocusRow} />
            <p className="cmp-counts" data-testid="compare-counts">
              {result.counts.rows.toLocaleString('en-US')} rows, {result.counts.differing.toLocaleString('en-US')} differ ({result.counts.onlyA.toLocaleString('en-US')} on A only, {result.counts.onlyB.toLocaleString('en-US')} on B only)
              {result.a.hung ? ' · A hung' : ''}
              {result.b.hung ? ' · B hung' : ''}
              <span className="cmp-legend">
                <span className="cmp-key same">same</span>
                <span className="cmp-key changed">changed</span>
                <span className="cmp-key only-a">A only</span>
                <span className="cmp-key only-b">B only</span>
                <span className="cmp-key first">first difference</span>
              </span>
            </p>
            <CompareTable r={result} focusRow={focusRow} onFocused={clearFocus} />
          </div>
        )}
      </div>
    </div>
  );
}
