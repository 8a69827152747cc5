import { useEffect, useMemo, useRef } from 'react';
import type { HandlerRow, MissingProtocolRow, ModuleRow, ProtocolRow, SmiSummary } from '../../protocol/messages';
import { setHexAddress } from '../actions/commands';
import { addr, guidText, hex } from '../format';
import { appStore, useApp } from '../store/store';
import type { HandlersTab } from '../store/selectionSlice';
import { MODULE_STATE } from './legend';
import { Panel } from './Panel';
import { Glossed } from '../teach/Glossed';

/** DispatchHandle = the SMI_HANDLER record ('smih') in SMRAM; a click shows it in the hex view. */
function Handle({ h }: { h: HandlerRow }) {
  return (
    <button
      type="button"
      className="link mono"
      title="DispatchHandle: the SMI_HANDLER record in SMRAM (signature 'smih'). Click: show it in the SMRAM hex view"
      onClick={() => setHexAddress(h.handle)}
    >
      {addr(h.handle)}
    </button>
  );
}

/** What a handler did in the current / last SMI: running now, or what it returned (MmiManage's record of calls). */
interface CallState {
  running: boolean;
  returned: string | null;
  smi: number;
  finished: boolean;
  /** Its call is the SMI's newest (running now, or the one that returned last): its row is kept in view. */
  latest: number;
}

function callKey(kind: string, module: string, handler: string): string {
  return `${kind}\u0000${module}\u0000${handler}`;
}

/** The calls of the SMI by handler; the last call of a handler wins (a handler may run twice: Communicate, then root). */
function callStates(smi: SmiSummary | null): Map<string, CallState> {
  const out = new Map<string, CallState>();
  if (!smi) return out;
  const calls = smi.handlersCalled;
  calls.forEach((c, i) => {
    const running = !smi.finished && c.returned === '(running)';
    out.set(callKey(c.kind, c.module, c.handler), { running, returned: running ? null : c.returned, smi: smi.number, finished: smi.finished, latest: i === calls.length - 1 && !smi.finished ? calls.length : 0 });
  });
  return out;
}

/** EFI_WARN_INTERRUPT_SOURCE_QUIESCED -> QUIESCED: the chip is narrow; its title has the whole name. */
function shortStatus(st: string): string {
  return st.replace(/^EFI_(WARN_INTERRUPT_SOURCE_|WARN_)?/, '');
}

/** The running / returned mark of a handler row (the handler table and the SMI summary read the same record). */
function CallChip({ call }: { call: CallState | undefined }) {
  if (!call) return null;
  if (call.running) {
    return (
      <span className="chip chip-running" data-testid="handler-running" title={`running now: SMI #${call.smi} called it and it has not returned yet (MmiManage, PiSmmCore Smi.c)`}>
        running
      </span>
    );
  }
  const ok = call.returned === 'EFI_SUCCESS';
  return (
    <span className={`chip chip-returned${ok ? ' ok' : ''}`} data-testid="handler-returned" title={`SMI #${call.smi}${call.finished ? '' : ' (in progress)'}: returned ${call.returned}`}>
      {shortStatus(call.returned ?? '')}
    </span>
  );
}

function HandlerLine({ h, n, call }: { h: HandlerRow; n?: number; call?: CallState }) {
  const ref = useRef<HTMLTableRowElement>(null);
  const running = call?.running ?? false;
  // The handler the SMI called last (running, or just returned) is brought into view: the table
  // can be longer than the tab. Scrolled by hand, not scrollIntoView (that would move the page).
  const latest = call?.latest ?? 0;
  useEffect(() => {
    const row = ref.current;
    const box = row?.closest<HTMLElement>('.scroll');
    if (!latest || !row || !box) return;
    const r = row.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    if (r.top < b.top) box.scrollTop -= b.top - r.top;
    else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom;
  }, [latest, running]);
  return (
    <tr ref={ref} className={`${h.toRemove ? 'to-remove' : ''}${running ? ' handler-running' : call ? ' handler-called' : ''}`} data-testid="handler-row" data-kind={h.kind} data-running={running || undefined}>
      <td className="num dim">{n ?? ''}</td>
      <td>
        <span className="fn">{h.handler}</span> <CallChip call={call} />
        <span className="module-name">{h.module}</span>
      </td>
      <td>
        <Handle h={h} />
      </td>
      <td>{h.toRemove && <span className="chip chip-warn" title="unregistered during dispatch; removed when MmiManage depth returns to 0">ToRemove</span>}</td>
    </tr>
  );
}

function MmiTab({ handlers, smi }: { handlers: HandlerRow[]; smi: SmiSummary | null }) {
  const calls = useMemo(() => callStates(smi), [smi]);
  const { root, guidGroups, sw } = useMemo(() => {
    const groups = new Map<string, { name: string; rows: HandlerRow[] }>();
    for (const h of handlers) {
      if (h.kind !== 'guid') continue;
      const key = h.guid ?? '?';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { name: h.guidName ?? key, rows: [] }));
      g.rows.push(h);
    }
    return {
      root: handlers.filter((h) => h.kind === 'root'),
      guidGroups: [...groups.entries()],
      sw: handlers.filter((h) => h.kind === 'sw').sort((a, b) => (a.swValue ?? 0) - (b.swValue ?? 0)),
    };
  }, [handlers]);
  return (
    <table className="grid-table handlers-table">
      <tbody>
        <GroupHead title="Root MMI handlers" note="called on every SMI, in this order (MmiManage(NULL))" empty={root.length === 0} />
        {root.map((h, i) => (
          <HandlerLine key={h.handle} h={h} n={i + 1} call={calls.get(callKey('root', h.module, h.handler))} />
        ))}
        <GroupHead title="GUID handlers" note="MmiManage(&Guid) from Communicate; first EFI_SUCCESS stops" empty={guidGroups.length === 0} />
        {guidGroups.map(([guid, g]) => [
          <tr key={guid} className="guid-head">
            <td />
            <td colSpan={3}>
              <span className="guid-name">{g.name}</span> <span className="mono dim guid">{guidText(guid)}</span>
            </td>
          </tr>,
          ...g.rows.map((h, i) => <HandlerLine key={h.handle} h={h} n={i + 1} call={calls.get(callKey('guid', h.module, h.handler))} />),
        ])}
        {sw.length > 0 && (
          <>
            <GroupHead title="SW MMI registrations" note="SwMmiInputValue → child, dispatched by the SW dispatcher's root handler" empty={false} />
            {sw.map((h) => {
              const call = calls.get(callKey('sw', h.module, h.handler));
              return (
              <tr key={h.handle} className={`${h.toRemove ? 'to-remove' : ''}${call?.running ? ' handler-running' : call ? ' handler-called' : ''}`} data-testid="handler-row" data-kind="sw" data-running={call?.running || undefined}>
                <td className="mono sw-value">{h.swValue !== undefined ? hex(h.swValue, 2) : '?'}</td>
                <td>
                  <span className="fn">{h.handler}</span> <CallChip call={call} />
                  <span className="module-name">{h.module}</span>
                </td>
                <td>
                  <Handle h={h} />
                </td>
                <td>{h.toRemove && <span className="chip chip-warn">ToRemove</span>}</td>
              </tr>
              );
            })}
          </>
        )}
      </tbody>
    </table>
  );
}

function ProtocolLine({ p }: { p: ProtocolRow }) {
  return (
    <tr data-testid="protocol-row" data-db={p.database} title={`${p.name}\n${guidText(p.guid)}\ninstalled by ${p.module}, interface at ${addr(p.interface)}`}>
      <td>
        <span className="proto-line">
          <span className="fn proto-name">{p.name}</span>
          <span className="proto-producer">{p.module}</span>
        </span>
        <span className="proto-sub mono dim">{guidText(p.guid)}</span>
      </td>
    </tr>
  );
}

/** A GUID modules asked for that nobody installed: who asked, what they got, who could produce it. */
function MissingLine({ p }: { p: MissingProtocolRow }) {
  return (
    <tr className="proto-missing" data-testid="protocol-missing" data-guid={p.guid} title={`${p.name}\n${guidText(p.guid)}\n${p.note}`}>
      <td>
        <span className="proto-line">
          <span className="fn proto-name">{p.name}</span> <span className="chip chip-warn">not installed</span>
        </span>
        {p.askedBy.map((a) => (
          <span key={a} className="proto-asker" data-testid="protocol-asker">
            {a}
          </span>
        ))}
        <span className={`proto-verdict${p.producers.length === 0 ? ' none' : ''}`}>{p.note}</span>
      </td>
    </tr>
  );
}

/**
 * What modules asked for and nobody installed (the answer to "why EFI_NOT_FOUND?") heads the tab;
 * then the two protocol databases, each under its own heading (name, GUID and producer on two
 * lines: the panel is ~360 px wide on a laptop).
 */
function ProtocolsTab({ protocols, missing }: { protocols: ProtocolRow[]; missing: MissingProtocolRow[] }) {
  const smm = protocols.filter((p) => p.database === 'smm');
  const uefi = protocols.filter((p) => p.database === 'uefi');
  return (
    <table className="grid-table protocols-table">
      <tbody>
        {missing.length > 0 && (
          <>
            <tr className="group-head">
              <th>
                Looked up or depended on, not installed <span className="chip chip-warn">{missing.length}</span>{' '}
                <span className="muted">· SmmLocateProtocol / gBS-&gt;LocateProtocol calls that failed, depex GUIDs nobody installed</span>
              </th>
            </tr>
            {missing.map((p) => (
              <MissingLine key={p.guid} p={p} />
            ))}
          </>
        )}
        <tr className="group-head">
          <th>
            SMM protocol database <span className="chip chip-db-smm">SMM</span> <span className="muted">
              · <span className="nowrap">gSmst-&gt;SmmLocateProtocol</span>, inside SMRAM ({smm.length})
            </span>
          </th>
        </tr>
        {smm.map((p, i) => (
          <ProtocolLine key={`${p.guid}-${i}`} p={p} />
        ))}
        <tr className="group-head">
          <th>
            UEFI boot-services protocols <span className="chip chip-db-uefi">UEFI</span> <span className="muted">· gBS; an SMM depex falls back to these ({uefi.length})</span>
          </th>
        </tr>
        {uefi.map((p, i) => (
          <ProtocolLine key={`${p.guid}-${i}`} p={p} />
        ))}
      </tbody>
    </table>
  );
}

/**
 * The depex as its expression; the opcodes the dispatcher evaluates ("[PUSH ...; AND; END]", the
 * view's disassembly) are one hover away, dimmed: they repeat the expression in postfix.
 */
function Depex({ text }: { text: string }) {
  const at = text.indexOf('  [');
  const expr = at >= 0 ? text.slice(0, at) : text;
  const ops = at >= 0 ? text.slice(at + 2) : '';
  return (
    <div className="module-detail" title={ops ? `depex opcodes (PI spec, the .depex section): ${ops}` : undefined}>
      <span className="label">depex</span> <span className="mono depex">{expr || '(none)'}</span>
      {ops && <span className="mono depex-ops">{ops.length > 40 ? `[${ops.split(';').length} opcodes]` : ops}</span>}
    </div>
  );
}

/** The module's edk2 .inf and what it does (ModuleDef.path / summary). */
function ModuleAbout({ m }: { m: ModuleRow }) {
  if (!m.summary && m.path === undefined) return null;
  return (
    <div className="module-about" data-testid="module-about">
      <span className={`mono module-path${m.path ? '' : ' sample'}`} title={m.path ? `edk2 ${m.path}` : undefined}>
        {m.path ? m.path.split('/').flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, `/${part}`])) : 'SmiScope sample (not in edk2)'}
      </span>
      {m.summary && (
        <span className="module-summary" title={m.summary}>
          {m.summary}
        </span>
      )}
    </div>
  );
}

/**
 * A module whose dispatcher record is out of date (the boot hung before the dispatcher ran again):
 * the honest text instead of a "missing" list that the Protocols tab would contradict.
 */
function NotEvaluated({ m }: { m: ModuleRow }) {
  const text = m.notEvaluated ?? '';
  const dot = text.indexOf('. ');
  const head = dot > 0 ? text.slice(0, dot) : text;
  const rest = dot > 0 ? text.slice(dot + 2) : '';
  return (
    <div className="module-stale" data-testid="module-not-evaluated">
      <b>{head}</b>
      {rest && <span className="module-stale-rest"> {rest}</span>}
      {(m.missingNow?.length ?? 0) > 0 && (
        <div className="module-detail missing">
          <span className="label">still missing now</span>
          {m.missingNow!.map((g) => (
            <span key={g} className="mono missing-guid">
              {guidText(g)}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

function ModuleCard({ m }: { m: ModuleRow }) {
  const st = MODULE_STATE[m.state];
  const stale = !!m.notEvaluated;
  return (
    <div
      className={`module-row${st.problem && !stale ? ' problem' : ''}${stale ? ' stale' : ''}`}
      style={{ ['--state' as string]: stale ? '#64748b' : st.color }}
      data-testid={`module-row-${m.name}`}
      data-state={m.state}
      data-not-evaluated={stale ? 'true' : undefined}
    >
      <div className="module-line">
        <span className="fn">{m.name}</span>
        <span className="chip chip-state" style={{ background: st.color }}>
          {st.label}
        </span>
        {stale && <span className="chip chip-stale">not evaluated</span>}
        {m.imageBase !== 0 && (
          <span className="mono dim module-image" title="image base and size">
            {addr(m.imageBase)} +{hex(m.imageSize)}
          </span>
        )}
      </div>
      <ModuleAbout m={m} />
      <Depex text={m.depex} />
      {stale ? (
        <NotEvaluated m={m} />
      ) : (
        m.missing.length > 0 && (
          <div className="module-detail missing">
            <span className="label">missing</span>
            {m.missing.map((g) => (
              <span key={g} className="mono missing-guid">
                {guidText(g)}
              </span>
            ))}
          </div>
        )
      )}
      {m.reason && !stale && <div className={`module-reason${st.problem ? ' problem' : ''}`}>{m.reason}</div>}
    </div>
  );
}

/** Which problem to read first: the module the machine hangs in, then failures, then what never loaded. */
const PROBLEM_RANK: Partial<Record<ModuleRow['state'], number>> = { hung: 0, failed: 1, dependent: 2 };

/**
 * Modules that did not load come first (the hung one at the top): that is the question this tab
 * answers. Then the modules the boot never got back to (their records predate the hang), then the
 * loaded ones.
 */
function ModulesTab({ modules }: { modules: ModuleRow[] }) {
  const problems = modules
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => MODULE_STATE[m.state].problem && !m.notEvaluated)
    .sort((a, b) => (PROBLEM_RANK[a.m.state] ?? 9) - (PROBLEM_RANK[b.m.state] ?? 9) || a.i - b.i)
    .map(({ m }) => m);
  const stale = modules.filter((m) => m.notEvaluated);
  const rest = modules.filter((m) => !MODULE_STATE[m.state].problem && !m.notEvaluated);
  return (
    <div className="modules">
      {problems.length > 0 && (
        <>
          <div className="modules-head problem">Not loaded, failed or hung ({problems.length})</div>
          {problems.map((m) => (
            <ModuleCard key={m.guid + m.name} m={m} />
          ))}
        </>
      )}
      {stale.length > 0 && (
        <>
          <div className="modules-head" data-testid="modules-not-evaluated-head">
            Not evaluated again: the dispatcher never got back to them ({stale.length})
          </div>
          {stale.map((m) => (
            <ModuleCard key={m.guid + m.name} m={m} />
          ))}
        </>
      )}
      {(problems.length > 0 || stale.length > 0) && <div className="modules-head">Loaded, in dispatch order ({rest.length})</div>}
      {rest.map((m) => (
        <ModuleCard key={m.guid + m.name} m={m} />
      ))}
    </div>
  );
}

const NO_MISSING: MissingProtocolRow[] = [];

export function HandlersPanel() {
  const tab = useApp((s) => s.handlersTab);
  const tables = useApp((s) => s.tables);
  const lastSmi = useApp((s) => s.snapshot?.lastSmi ?? null);
  const problems = tables.modules.filter((m) => MODULE_STATE[m.state].problem).length;
  const asked = (tables.missingProtocols ?? NO_MISSING).filter((p) => p.askedBy.length > 0).length;
  const tabs: { id: HandlersTab; label: string; short?: string; count: number; alert?: number; alertTitle?: string }[] = [
    { id: 'mmi', label: 'MMI handlers', short: 'Handlers', count: tables.handlers.length },
    { id: 'protocols', label: 'Protocols', count: tables.protocols.length, alert: asked, alertTitle: `${asked} GUID(s) modules looked up or depend on that nobody installed` },
    { id: 'modules', label: 'Modules', count: tables.modules.length, alert: problems, alertTitle: `${problems} module(s) not dispatched, failed or hung` },
  ];
  return (
    <Panel
      area="handlers"
      testId="handlers-panel"
      title={
        <span className="tabs" role="tablist">
          {tabs.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={tab === t.id}
              className={`tab${tab === t.id ? ' active' : ''}`}
              onClick={() => appStore.setState({ handlersTab: t.id })}
              title={t.alert ? t.alertTitle : undefined}
            >
              {t.short ? (
                <>
                  <span className="tab-long">{t.label}</span>
                  <span className="tab-short">{t.short}</span>
                </>
              ) : (
                t.label
              )}{' '}
              <span className="tab-count">{t.count}</span>
              {t.alert ? <span className="tab-alert">{t.alert}</span> : null}
            </button>
          ))}
        </span>
      }
    >
      {/* keyed by tab: another tab opens at its top, not at the scroll position of the last one */}
      <div className="scroll fill" role="tabpanel" key={tab}>
        {tab === 'mmi' && <MmiTab handlers={tables.handlers} smi={lastSmi} />}
        {tab === 'protocols' && <ProtocolsTab protocols={tables.protocols} missing={tables.missingProtocols ?? NO_MISSING} />}
        {tab === 'modules' && <ModulesTab modules={tables.modules} />}
      </div>
    </Panel>
  );
}

/** A section heading row of the handler table, with a "none registered" row when it is empty. */
function GroupHead(props: { title: string; note: string; empty: boolean }) {
  return (
    <>
      <tr className="group-head">
        <th colSpan={4}>
          <Glossed text={props.title} />{' '}
          <span className="muted">
            · <Glossed text={props.note} />
          </span>
        </th>
      </tr>
      {props.empty && (
        <tr>
          <td colSpan={4} className="muted">
            none registered
          </td>
        </tr>
      )}
    </>
  );
}
