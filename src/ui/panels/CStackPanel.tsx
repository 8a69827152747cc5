import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CFrameView, CVarView } from '../../protocol/messages';
import { sendCommand, setHexAddress } from '../actions/commands';
import { revealFrame } from '../actions/sourceActions';
import { addr } from '../format';
import { firmwareFrameOwner, frameFunction } from '../source/frames';
import { useApp } from '../store/store';
import { Panel } from './Panel';

function FrameRow({ f }: { f: CFrameView }) {
  if (f.kind === 'firmware') {
    const owner = firmwareFrameOwner(f.fn);
    return (
      <li className="cs-frame cs-firmware" title={`${f.fn}: firmware (TypeScript model)${owner?.where ? `, ${owner.where}` : ''}`}>
        <span className="cs-idx">#{f.index}</span>
        <span className="cs-fn">{frameFunction(f.fn)}</span>
        <span className="cs-where">{owner?.name ?? 'firmware'}</span>
      </li>
    );
  }
  return (
    <li className="cs-frame cs-c" data-testid="cs-c-frame">
      <button type="button" className="cs-frame-btn" title={`${f.fn} at ${f.file}:${f.line} (${f.module}), RIP ${f.ip !== null ? addr(f.ip) : '?'}: click to show the line  —  console: locals ${f.index}`} onClick={() => f.file && f.line && revealFrame(f.file, f.line)}>
        <span className="cs-idx">#{f.index}</span>
        <span className="cs-fn">{f.fn}</span>
        <span className="cs-where">
          {f.file}:{f.line}
        </span>
      </button>
    </li>
  );
}

function LocalRow({ v, changed, first }: { v: CVarView; changed: boolean; first: boolean }) {
  return (
    <tr className={`${changed ? 'changed' : ''}${v.param ? ' lv-is-param' : ''}${first ? ' lv-first-local' : ''}`} data-testid={`local-${v.name}`}>
      <td className="lv-name" title={`${v.type} ${v.name}: ${v.param ? 'parameter' : 'local'}, ${v.size} byte${v.size === 1 ? '' : 's'}`}>
        {v.name}
      </td>
      <td className="lv-type mono">{v.type}</td>
      <td className="lv-addr">
        <button type="button" className="link mono" title={`${v.size} byte${v.size === 1 ? '' : 's'} on the SMM stack at ${addr(v.address)}: show them in the SMRAM hex view`} onClick={() => setHexAddress(v.address)}>
          {addr(v.address)}
        </button>
      </td>
      <td className="lv-value mono" title={changed ? `${v.value} (changed by the last step)` : v.value}>
        {v.value}
      </td>
    </tr>
  );
}

/** Outside C: the line breakpoints (a click shows the line, × deletes it) and the loaded SMM-C modules. */
function NotInC() {
  const { bps, modules } = useApp(useShallow((s) => ({ bps: s.snapshot?.c?.lineBreakpoints, modules: s.cModules })));
  return (
    <div className="cs-idle scroll">
      {bps && bps.length > 0 && (
        <>
          <div className="lv-head">Line breakpoints</div>
          <ul className="cs-bps" data-testid="line-breakpoints">
            {bps.map((b) => (
              <li key={b.id}>
                <button type="button" className="link mono" title="Show the line in the editor" onClick={() => revealFrame(b.file, b.line)}>
                  {b.id}. {b.file}:{b.line}
                </button>
                <button type="button" className="src-tab-close" aria-label={`delete breakpoint ${b.id}`} title={`console: delete ${b.id}`} onClick={() => sendCommand(`delete ${b.id}`, { note: 'breakpoints' })}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {modules.length > 0 && (
        <>
          <div className="lv-head">Loaded SMM-C modules</div>
          <ul className="cs-bps" data-testid="loaded-modules">
            {modules.map((m) => (
              <li key={m.name} className="mono" title={`console: unload ${m.name}`}>
                {m.name} <span className="muted">({[m.inf.name, ...m.files.map((f) => f.name)].join(', ')})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/**
 * Where C code is paused (SMM-C, issue 7 §3): the call stack, innermost first, with the firmware
 * frames around the C frames dimmed (SmiRendezvous > BSPHandler > SmmEntryPoint > SmiManage >
 * the handler), and the innermost frame's parameters and locals decoded from the SMM stack.
 */
/**
 * Watch expressions (`watch EXPR`): C expressions the worker evaluates at every stop in C, in the
 * paused function's scope (`print` takes the same). Add one by typing it; x removes it.
 */
function Watches() {
  const watches = useApp((s) => s.snapshot?.c?.watches);
  const [text, setText] = useState('');
  const add = () => {
    const e = text.trim();
    if (!e) return;
    sendCommand(`watch ${e}`, { note: 'Watch' });
    setText('');
  };
  return (
    <div className="cw" data-testid="watches">
      <div className="lv-head" title="C expressions evaluated at every stop in C (console: watch EXPR, unwatch N, print EXPR). They read memory and never change it.">
        Watch <span className="muted">· C expressions, read at every stop</span>
      </div>
      <ul className="cw-list scroll">
        {(watches ?? []).map((w) => (
          <li key={w.id} className={w.error ? 'cw-row cw-error' : 'cw-row'}>
            <span className="cw-expr" title={w.type ? `${w.expr} (${w.type})` : w.expr}>{w.expr}</span>
            <span className="cw-val" data-testid="watch-value">{w.value}</span>
            <button type="button" className="cw-del" title={`unwatch ${w.id}`} aria-label={`remove watch ${w.expr}`} onClick={() => sendCommand(`unwatch ${w.id}`, { note: 'Watch' })}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="cw-add"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input aria-label="add a watch expression" data-testid="watch-input" placeholder="add: e.g. Rax & 0xFF, *mSmmCpu" value={text} onChange={(e) => setText(e.target.value)} />
      </form>
    </div>
  );
}

export function CStackPanel() {
  const { frames, locals, stop, changed, hung } = useApp(
    useShallow((s) => ({ frames: s.snapshot?.c?.frames, locals: s.snapshot?.c?.locals, stop: s.snapshot?.c?.stop ?? null, changed: s.cChanged, hung: s.snapshot?.c?.hung ?? null })),
  );
  const inner = frames?.find((f) => f.kind === 'c');
  return (
    <Panel
      area="cstack"
      testId="cstack-panel"
      title={
        <>
          Call stack · Locals{' '}
          <span className="head-sub">{stop ? `CPU ${stop.cpu}, ${stop.fn}` : hung ? `CPU ${hung.cpu} hung in ${hung.fn}` : 'not in C'}</span>
        </>
      }
    >
      {!frames || frames.length === 0 ? (
        <>
          <div className="empty">
            {hung ? `CPU ${hung.cpu} is stuck at ${hung.file}:${hung.line} (${hung.fn}): its frames are gone with the hang. reset recovers.` : 'Not paused in C. Set a breakpoint in the Source gutter (or `break FILE.c:LINE`), then raise the SMI that runs it.'}
          </div>
          <NotInC />
        </>
      ) : (
        <>
          <ol className="cs-frames scroll" data-testid="call-stack" aria-label="Call stack">
            {frames.map((f) => (
              <FrameRow key={f.index} f={f} />
            ))}
          </ol>
          <div className="lv-head" title="The parameters (in italics, above the line) and the locals of the innermost C frame, decoded from its bytes on the SMM stack. A value the last step changed is marked. Click an address to see its bytes in the SMRAM hex view; hover a name in the editor to see its value.">
            Locals of {inner?.fn ?? '?'} <span className="muted">· click an address for its bytes</span>
          </div>
          <div className="lv-scroll scroll">
            <table className="lv-table" data-testid="locals">
              <tbody>
                {(locals ?? []).map((v, i, all) => (
                  <LocalRow key={`${v.name}@${v.address}`} v={v} changed={changed.includes(v.name)} first={!v.param && i > 0 && all[i - 1].param} />
                ))}
              </tbody>
            </table>
          </div>
          <Watches />
        </>
      )}
    </Panel>
  );
}
