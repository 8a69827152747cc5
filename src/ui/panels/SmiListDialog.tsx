import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SmiListRow } from '../../protocol/messages';
import { post } from '../actions/bridge';
import { sendCommand } from '../actions/commands';
import { appStore, useApp } from '../store/store';

type Group = SmiListRow['group'];

/** The kinds of SMI, in the order a boot makes them (the same groups as the console's `smis`). */
const GROUPS: { id: Group; title: string; why: string }[] = [
  { id: 'relocation', title: 'SMBASE relocation', why: "PEI: PlatformPei's OnMpServices2Available calls SmmRelocationLib, which sends each CPU an SMI IPI to move its SMBASE out of the default 0x30000" },
  { id: 'first-smi', title: 'First-SMI init', why: 'DXE: PiSmmCpuDxeSmm ExecuteFirstSmiInit sends SMI IPIs so that every CPU runs SmmInitHandler once' },
  { id: 'ipi', title: 'Other SMI IPIs', why: 'SMIs a CPU sent to others with the local APIC' },
  { id: 'communicate', title: 'Communicate (PiSmmIpl)', why: "DXE dispatch passes, EndOfDxe, ReadyToLock, ReadyToBoot, ExitBootServices: PiSmmIpl's event notifications Communicate with the SMM core" },
  { id: 'variable', title: 'Variable requests', why: 'gRT->GetVariable / SetVariable / GetNextVariableName and VarCheckPolicy: VariableSmmRuntimeDxe Communicates with VariableSmm on every call (most of the boot)' },
  { id: 'sw', title: 'Software SMIs', why: 'an OUT to APM_CNT (0xB2): `smi`, `out 0xB2`, the SMI buttons' },
];

/** Opens the list (and asks the worker for it). */
export function openSmiList(): void {
  appStore.setState({ smiListOpen: true });
  post({ type: 'smi-list' });
}

/** The top-bar button: how many SMIs the machine took since power-on, and the list behind it. */
export function SmiListButton() {
  const { count, ready } = useApp(useShallow((s) => ({ count: s.snapshot?.smisSincePowerOn ?? 0, ready: s.ready })));
  return (
    <button
      type="button"
      className="btn btn-small"
      disabled={!ready}
      data-testid="smi-list-button"
      title="Every SMI since power-on, the boot's included (console: smis). Why your first SMI has a number in the hundreds: the boot made them."
      onClick={openSmiList}
    >
      SMIs <span className="btn-sub">{count}</span>
    </button>
  );
}

function Row({ r, current }: { r: SmiListRow; current: boolean }) {
  const busy = useApp((s) => s.busy);
  return (
    <li className={`smi-row${current ? ' current' : ''}`} data-testid={`smi-row-${r.number}`}>
      <button
        type="button"
        disabled={busy}
        title={`Reopen SMI #${r.number} in every panel: the debugger replays the session to its first event (session event ${r.start}) and pauses there. What came after it is forgotten, as with back --to.  —  console: smis open ${r.number}`}
        onClick={() => {
          sendCommand(`smis open ${r.number}`, { note: 'SMI list' });
          appStore.setState({ smiListOpen: false });
        }}
      >
        <span className="smi-num">#{r.number}</span>
        <span className="smi-label">{r.label}</span>
        <span className="smi-calls">{r.calls || 'no handlers'}</span>
        <span className="smi-where">{r.boot ? 'boot' : 'yours'}</span>
      </button>
    </li>
  );
}

/** The list: grouped by kind (the real boot makes ~500 variable requests), filtered, one click reopens an SMI. */
export function SmiListDialog() {
  const { open, rows, smiCount, current } = useApp(
    useShallow((s) => ({ open: s.smiListOpen, rows: s.smiRows, smiCount: s.snapshot?.status.smiCount ?? 0, current: s.snapshot?.lastSmi?.number ?? 0 })),
  );
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<Group>>(new Set(['sw', 'relocation', 'first-smi']));
  useEffect(() => {
    if (open) post({ type: 'smi-list' });
  }, [open, smiCount]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') appStore.setState({ smiListOpen: false });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  const f = filter.trim().toLowerCase();
  const shown = useMemo(() => (f ? rows.filter((r) => `#${r.number} ${r.label} ${r.calls}`.toLowerCase().includes(f)) : rows), [rows, f]);
  if (!open) return null;
  const boot = rows.filter((r) => r.boot).length;
  return (
    <div className="dialog-backdrop" onClick={() => appStore.setState({ smiListOpen: false })}>
      <div className="dialog smi-list" role="dialog" aria-label="SMIs since power-on" data-testid="smi-list" onClick={(e) => e.stopPropagation()}>
        <header className="dialog-head">
          <h2>SMIs since power-on: {rows.length}</h2>
          <button type="button" className="btn btn-small" onClick={() => appStore.setState({ smiListOpen: false })} aria-label="Close">
            Close <kbd>Esc</kbd>
          </button>
        </header>
        <p className="smi-why">
          The boot made {boot} of them before the OS ran, so the first SMI you raise is #{boot + 1}: MSR_SMI_COUNT and the SMI numbers count every SMM entry since power-on. Click one to reopen it in every panel.
        </p>
        <input
          className="smi-filter"
          type="search"
          placeholder="filter: a GUID name, a handler, a status, #number…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter SMIs"
          autoFocus
        />
        <div className="smi-groups">
          {GROUPS.map((g) => {
            const list = shown.filter((r) => r.group === g.id);
            if (list.length === 0) return null;
            const isOpen = f !== '' || expanded.has(g.id);
            return (
              <section key={g.id} className="smi-group" data-testid={`smi-group-${g.id}`}>
                <button
                  type="button"
                  className="smi-group-head"
                  aria-expanded={isOpen}
                  title={g.why}
                  onClick={() =>
                    setExpanded((x) => {
                      const n = new Set(x);
                      if (n.has(g.id)) n.delete(g.id);
                      else n.add(g.id);
                      return n;
                    })
                  }
                >
                  <span className="caret">{isOpen ? '▾' : '▸'}</span> {g.title} <span className="count">{list.length}</span>
                  <span className="smi-range">
                    #{list[0].number}
                    {list.length > 1 ? `…#${list[list.length - 1].number}` : ''}
                  </span>
                </button>
                {isOpen && (
                  <ul>
                    {list.slice(0, 600).map((r) => (
                      <Row key={r.number} r={r} current={r.number === current} />
                    ))}
                    {list.length > 600 && <li className="smi-more">{list.length - 600} more: filter to find one</li>}
                  </ul>
                )}
              </section>
            );
          })}
          {shown.length === 0 && <p className="smi-none">{rows.length === 0 ? 'loading…' : 'no SMI matches'}</p>}
        </div>
      </div>
    </div>
  );
}
