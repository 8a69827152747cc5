import { useShallow } from 'zustand/react/shallow';
import type { CFrameView, CVarView } from '../../protocol/messages';
import { setHexAddress } from '../actions/commands';
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

function LocalRow({ v, changed }: { v: CVarView; changed: boolean }) {
  return (
    <tr className={changed ? 'changed' : ''} data-testid={`local-${v.name}`}>
      <td className="lv-name" title={v.param ? 'parameter' : 'local'}>
        {v.name}
        {v.param && <span className="lv-param"> param</span>}
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

/**
 * Where C code is paused (SMM-C, issue 7 §3): the call stack, innermost first, with the firmware
 * frames around the C frames dimmed (SmiRendezvous > BSPHandler > SmmEntryPoint > SmiManage >
 * the handler), and the innermost frame's parameters and locals decoded from the SMM stack.
 */
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
        <div className="empty">
          {hung ? `CPU ${hung.cpu} is stuck at ${hung.file}:${hung.line} (${hung.fn}): its frames are gone with the hang. reset recovers.` : 'Not paused in C. Set a breakpoint in the Source gutter (or `break FILE.c:LINE`), then raise the SMI that runs it.'}
        </div>
      ) : (
        <>
          <ol className="cs-frames scroll" data-testid="call-stack" aria-label="Call stack">
            {frames.map((f) => (
              <FrameRow key={f.index} f={f} />
            ))}
          </ol>
          <div className="lv-head">
            Locals of {inner?.fn ?? '?'} <span className="muted">(values changed by the last step are marked)</span>
          </div>
          <div className="lv-scroll scroll">
            <table className="lv-table" data-testid="locals">
              <tbody>
                {(locals ?? []).map((v) => (
                  <LocalRow key={`${v.name}@${v.address}`} v={v} changed={changed.includes(v.name)} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Panel>
  );
}
