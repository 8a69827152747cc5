import { useMemo, useRef, useState } from 'react';
import { copyPermalink } from '../actions/persistence';
import { useShallow } from 'zustand/react/shallow';
import type { DebugAction, DebugStatus } from '../../protocol/messages';
import { exportSession, importSession, runDebugAction, sendCommand } from '../actions/commands';
import { DEBUG_ACTIONS, toolbarActions } from '../actions/debugActions';
import { setSourceView } from '../actions/sourceActions';
import { setKeysOpen } from '../actions/layout';
import { addr, sizeText } from '../format';
import { useApp } from '../store/store';
import { PHASE_LABEL } from './legend';
import { SmiListButton } from './SmiListDialog';
import { CompareButton } from './CompareView';
import { LessonsButton } from '../lessons/LessonsPanel';

/** The machine's virtual clock: only modelled waits (PiSmmCpuDxeSmm's sync timeouts) advance it. */
function VirtualTime() {
  const us = useApp((s) => s.snapshot?.virtualTimeUs);
  if (us === undefined) return null;
  return (
    <span
      className={`virtual-time${us > 0 ? ' advanced' : ''}`}
      data-testid="virtual-time"
      title="Virtual time of the machine, in microseconds. No instruction is timed: only waits the firmware models advance it, by what they wait when they run out (PcdCpuSmmApSyncTimeout, PcdCpuSmmApSyncTimeout2 in UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c). No wall-clock time passes."
    >
      virtual time {us} µs
    </span>
  );
}

/** The platforms `platform NAME` boots (profiles/Platforms.ts), with what sets each apart. */
const PLATFORMS: { id: 'ovmf' | 'ovmf-swdispatch' | 'pch'; label: string; title: string }[] = [
  { id: 'ovmf', label: 'ovmf', title: 'QEMU Q35 (ICH9) + OVMF: no driver produces EFI_MM_SW_DISPATCH_PROTOCOL; QEMU writes the AMD64 save-state map with no I/O information; CPU0 is always the monarch (SmmCpuPlatformHookLibQemu).' },
  { id: 'ovmf-swdispatch', label: 'ovmf-swdispatch', title: "OVMF plus the seed thread's GenericSwDispatcher (SMM-C): EFI_MM_SW_DISPATCH_PROTOCOL exists, but no save state says which CPU wrote 0xB2, so SwMmiCpuIndex falls back to CurrentlyExecutingCpu (CPU0)." },
  { id: 'pch', label: 'pch', title: "An Intel PCH machine: PchSmiDispatcher (SMM-C, after edk2-platforms AlderlakeSiliconPkg PchSmmSw.c) produces EFI_MM_SW_DISPATCH_PROTOCOL and finds SwSmiCpuIndex from the Intel save state's IOMisc; SMI_EN.EOS must be set after each SMI; the first CPU to check in is the monarch (SmmCpuPlatformHookLibNull)." },
];

function PlatformPicker({ id, cpus }: { id: 'ovmf' | 'ovmf-swdispatch' | 'pch'; cpus: number }) {
  const busy = useApp((s) => s.busy);
  return (
    <select
      className="platform-picker"
      data-testid="platform-picker"
      value={id}
      disabled={busy}
      title={`${PLATFORMS.find((x) => x.id === id)?.title ?? ''}  —  console: platform NAME --cpus ${cpus}`}
      onChange={(e) => sendCommand(`platform ${e.target.value} --cpus ${cpus}`)}
    >
      {PLATFORMS.map((x) => (
        <option key={x.id} value={x.id} title={x.title}>
          {x.label}
        </option>
      ))}
    </select>
  );
}

function PlatformLine() {
  const p = useApp((s) => s.snapshot?.platform);
  if (!p) return <div className="platform-line">booting firmware…</div>;
  const silicon = p.id === 'pch';
  const parts = [
    p.name,
    ...(silicon ? [] : [p.accel === 'kvm' ? 'KVM' : 'TCG']),
    `${p.cpuCount} CPU${p.cpuCount === 1 ? '' : 's'}`,
    silicon ? 'SMI# to every CPU' : p.broadcast ? 'broadcast SMI' : 'unicast SMI',
    `${p.syncMode} sync`,
    silicon ? `monarch: first to check in (${p.arrival})` : 'monarch: CPU0',
    `SW dispatcher: ${p.swDispatcher ?? 'none'}`,
    `TSEG ${addr(p.tsegBase)} (${sizeText(p.tsegSize)})`,
  ];
  return (
    <div className="platform-line" data-testid="platform-line">
      <PlatformPicker id={p.id} cpus={p.cpuCount} /> <CompareButton /> {parts.join(' · ')} · <VirtualTime />
    </div>
  );
}

function statusWord(status: DebugStatus | undefined, busy: boolean, ready: boolean): { word: string; cls: string } {
  if (!ready || !status) return { word: 'starting', cls: 'idle' };
  if (busy) return { word: 'running', cls: 'running' };
  switch (status.mode) {
    case 'idle':
      return { word: 'idle', cls: 'idle' };
    case 'paused':
      return { word: status.phase ? `paused at ${PHASE_LABEL[status.phase]}` : 'paused', cls: 'paused' };
    case 'hung':
      return { word: 'hung', cls: 'hung' };
    default: {
      const never: never = status.mode;
      return { word: String(never), cls: 'idle' };
    }
  }
}

/** "SwDispatch2Locate: gSmst->SmmLocateProtocol(X) = EFI_NOT_FOUND (no module ...)" -> the call and its status. */
function causeShort(text: string): string {
  const body = text.replace(/^[A-Za-z0-9_]+: /, '');
  const cut = body.indexOf(' (');
  return cut > 0 ? body.slice(0, cut) : body;
}

function Status() {
  const { status, busy, ready } = useApp(useShallow((s) => ({ status: s.snapshot?.status, busy: s.busy, ready: s.ready })));
  const { word, cls } = statusWord(status, busy, ready);
  const message = status?.message || (status?.mode === 'idle' ? 'No SMI in progress. Trigger one below or type a command.' : '');
  return (
    <div className={`status status-${cls}`} data-testid="status" data-mode={busy ? 'running' : (status?.mode ?? 'starting')}>
      <span className="status-word">{word}</span>
      {status && status.mode === 'paused' && status.event && (
        <span className="status-seq" data-testid="status-event" title={`Event ${status.event.index} of the ${status.run === 'boot' ? 'boot' : 'SMI'} run so far (${status.event.total} reached; back makes the number go down). Session event #${status.eventSeq}, counted from power-on (back --to uses it).`}>
          {status.run === 'boot' ? 'boot' : 'SMI'} event {status.event.index}/{status.event.total}
        </span>
      )}
      {status?.mode === 'hung' && status.cause ? (
        // A hang with a known cause: the ASSERT on one line, the event that explains it under it.
        <span className="status-body">
          <span className="status-message one-line" title={message}>
            {message}
          </span>
          <button
            type="button"
            className="btn btn-small status-cause"
            data-testid="hang-cause"
            title={`The event that explains the hang: ${status.cause.text}. Click to go back to it (the debugger replays to session event ${status.cause.seq} and pauses there; continue hangs again).  —  console: back --to ${status.cause.seq}`}
            onClick={() => sendCommand(`back --to ${status.cause!.seq}`, { note: 'why?' })}
          >
            why? <span className="btn-sub">{causeShort(status.cause.text)}</span>
          </button>
        </span>
      ) : (
        <span className="status-message" title={message}>
          {message}
        </span>
      )}
    </div>
  );
}

function Toolbar() {
  const { busy, ready, paused, inC } = useApp(useShallow((s) => ({ busy: s.busy, ready: s.ready, paused: s.snapshot?.status.mode === 'paused', inC: !!s.snapshot?.c?.stop })));
  const enabled = (a: DebugAction) => ready && (a === 'pause' ? busy : !busy) && (a !== 'back' || paused);
  // Paused in C, the line steps (F10 / F11 / Shift+F11) take the place of the phase, event and SMI steps.
  return (
    <div className={`toolbar${inC ? ' in-c' : ''}`} role="toolbar" aria-label="Debugger">
      {toolbarActions(inC).map((a) => {
        const spec = DEBUG_ACTIONS[a];
        return (
          <button
            key={a}
            type="button"
            className={`btn btn-${a}`}
            disabled={!enabled(a)}
            title={`${spec.title}${spec.keys.length ? `  —  keys: ${spec.keys.join(', ')}` : ''}${spec.consoleLine ? `  —  console: ${spec.consoleLine}` : ''}`}
            onClick={() => runDebugAction(a, 'button')}
            data-testid={`action-${a}`}
          >
            {spec.label}
            {spec.keyHint && <kbd>{spec.keyHint}</kbd>}
          </button>
        );
      })}
    </div>
  );
}

function hex2(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(2, '0');
}

function Triggers() {
  const { busy, ready, cpu, handlers, qemu } = useApp(
    useShallow((s) => ({ busy: s.busy, ready: s.ready, cpu: s.selectedCpu, handlers: s.tables.handlers, qemu: s.snapshot?.platform.id !== 'pch' })),
  );
  const guids = useMemo(() => {
    const seen = new Map<string, { guid: string; name: string; core: boolean }>();
    for (const h of handlers) {
      if (h.kind === 'guid' && h.guid && !seen.has(h.guid)) {
        seen.set(h.guid, { guid: h.guid, name: h.guidName ?? h.guid, core: h.module === 'PiSmmCore' });
      }
    }
    // Module handlers first: the core's own (dispatch, ready-to-lock, ...) are for the IPL to call.
    return [...seen.values()].sort((a, b) => Number(a.core) - Number(b.core));
  }, [handlers]);
  const [guid, setGuid] = useState('');
  const chosen = guids.find((g) => g.guid === guid) ?? guids[0];
  const disabled = !ready || busy;
  const smi = (command: number, what: string) => {
    const line = `smi ${hex2(command)} --cpu ${cpu}`;
    return (
      <button
        type="button"
        className="btn btn-trigger"
        disabled={disabled}
        title={`CPU ${cpu} (the selected CPU) writes ${hex2(command)} to APM_CNT (port 0xB2)  —  console: ${line}`}
        onClick={() => sendCommand(line, { note: 'button' })}
      >
        SMI {hex2(command)}
        {what && <span className="btn-sub"> ({what})</span>}
      </button>
    );
  };
  return (
    <div className="triggers">
      <span className="triggers-label">from CPU {cpu}:</span>
      {smi(0x04, qemu ? 'CPU hotplug' : '')}
      {smi(0x05, '')}
      <span className="communicate">
        <select
          aria-label="Communicate GUID"
          value={chosen?.guid ?? ''}
          onChange={(e) => setGuid(e.target.value)}
          disabled={disabled || guids.length === 0}
        >
          {guids.length === 0 && <option value="">no GUID handlers</option>}
          {guids.map((g) => (
            <option key={g.guid} value={g.guid}>
              {g.name}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-trigger"
          disabled={disabled || !chosen}
          title={chosen ? `CPU ${cpu} calls EFI_SMM_COMMUNICATION_PROTOCOL.Communicate for the ${chosen.name} handler  —  console: communicate ${chosen.guid} --cpu ${cpu}` : ''}
          onClick={() => chosen && sendCommand(`communicate ${chosen.guid} --cpu ${cpu}`, { note: 'button' })}
        >
          Communicate
        </button>
      </span>
    </div>
  );
}

/** Source: the editor, call stack and locals take the place of the save state, handlers and timeline. */
function SourceToggle() {
  const on = useApp((s) => s.sourceView);
  return (
    <button
      type="button"
      className={`btn btn-small btn-source${on ? ' on' : ''}`}
      aria-pressed={on}
      data-testid="source-toggle"
      title={on ? 'Source view is on: click to go back to the machine panels (save state, handlers, timeline)' : 'SMM-C source: the editor, the call stack and the locals (in place of the save state, handlers and timeline)'}
      onClick={() => setSourceView(!on)}
    >
      Source
    </button>
  );
}

function SessionButtons() {
  const { busy, ready } = useApp(useShallow((s) => ({ busy: s.busy, ready: s.ready })));
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <span className="session-buttons">
      <button
        type="button"
        className="btn btn-small"
        disabled={!ready}
        title="Download the session (platform + the console lines since) as JSON; replaying it rebuilds this exact state"
        onClick={exportSession}
      >
        Export
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={!ready || busy}
        title="Load a session file: a fresh machine replays it (the current session stays if the file is rejected)"
        onClick={() => fileRef.current?.click()}
      >
        Import
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={!ready}
        data-testid="permalink"
        title="Put this session in the URL (#session=...) and copy the link; opening it replays the session"
        onClick={() => void copyPermalink()}
      >
        Link
      </button>
      <button type="button" className="btn btn-small btn-keys" data-testid="keys-button" title="Every key of the page, F-keys and their laptop-friendly twins (also: ? on an empty terminal line)" onClick={() => setKeysOpen(true)}>
        ? Keys
      </button>
      <input
        ref={fileRef}
        type="file"
        accept=".json,application/json"
        hidden
        onChange={async (e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) importSession(await f.text(), f.name);
        }}
      />
    </span>
  );
}

export function TopBar() {
  return (
    <header className="topbar">
      <div className="brand">
        <div className="brand-row">
          <h1>SmiScope</h1>
          <SessionButtons />
          <SmiListButton />
          <SourceToggle />
          <LessonsButton />
        </div>
        <PlatformLine />
      </div>
      <Status />
      <div className="controls">
        <Toolbar />
        <Triggers />
      </div>
    </header>
  );
}
