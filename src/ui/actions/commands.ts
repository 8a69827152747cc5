import type { DebugAction } from '../../protocol/messages';
import { appStore, echoesWaiting, echoWithAnswer, termAppend } from '../store/store';
import { downloadText } from '../download';
import { newRequestId, post } from './bridge';
import { DEBUG_ACTIONS } from './debugActions';
import { markActionSent } from './latency';
import { commandPatch } from '../store/explainSlice';

/** The transcript keeps every console line the page sends (explainSlice.commandLog). */
function recordCommand(line: string, note?: string): void {
  appStore.setState((s) => commandPatch(s, line, note));
}

/**
 * Sends one console line. `echo` prints it at the prompt first: buttons use it so the user
 * sees the command they could have typed.
 */
export function sendCommand(line: string, echo?: { note?: string }): void {
  const text = line.trim();
  if (!text) return;
  markStepStart();
  const id = newRequestId();
  recordCommand(text, echo?.note);
  if (echo) echoWithAnswer(id, text, echo.note);
  post({ type: 'command', id, line: text });
}

/**
 * A line typed at the prompt. The terminal shows it as typed, unless lines sent before it are
 * still unanswered: then it queues behind their echoes (returns true: the prompt drops it), so
 * each line stays next to its own output.
 */
export function sendTyped(line: string): boolean {
  const queued = echoesWaiting();
  sendCommand(line, queued ? {} : undefined);
  return queued;
}

export function runDebugAction(action: DebugAction, source: 'button' | 'key', keyName?: string): void {
  const spec = DEBUG_ACTIONS[action];
  const note = source === 'key' ? (keyName ?? spec.keyHint) || spec.label : spec.label;
  const id = newRequestId();
  if (spec.consoleLine) recordCommand(spec.consoleLine, note);
  echoWithAnswer(id, spec.consoleLine ?? '(pause)', note);
  if (action !== 'pause') markStepStart();
  markActionSent();
  post({ type: 'action', id, action });
}

/** The timeline's "this step" (its list of events) starts at the event the debugger stands on now (a command, a key, a lesson step). */
export function markStepStart(): void {
  const snap = appStore.getState().snapshot;
  if (snap) appStore.setState({ pendingStepFrom: snap.status.eventSeq });
}

function postView(selectedCpu: number, hexAddress: number): void {
  const { hexLength, pinCpu } = appStore.getState();
  post({ type: 'view', view: { selectedCpu, hexAddress: hexAddress >>> 0, hexLength, followCpu: !pinCpu } });
}

/** The SMI in progress (its number), or -1 between SMIs. */
function smiInProgress(): number {
  const smi = appStore.getState().snapshot?.lastSmi;
  return smi && !smi.finished ? smi.number : -1;
}

/** The save state keeps the selected CPU (true) or follows the CPU of each step (false). */
export function setPinCpu(pin: boolean): void {
  appStore.setState({ pinCpu: pin });
  postView(appStore.getState().selectedCpu, currentHexAddress());
}

function currentHexAddress(): number {
  const snap = appStore.getState().snapshot;
  return snap ? snap.smram.hexAddress : 0x7f000000;
}

/**
 * The user picks a CPU (a tile, a save-state block): the save state shows it and keeps showing
 * it (pinned) until the user lets it follow the step again (the pin toggle).
 */
export function selectCpu(cpu: number): void {
  appStore.setState({ selectedCpu: cpu, pinCpu: true });
  postView(cpu, currentHexAddress());
}

/** The user moves the hex view (a click, the address box, the arrows). */
export function setHexAddress(address: number): void {
  appStore.setState({ hexMovedInSmi: smiInProgress() });
  postView(appStore.getState().selectedCpu, address);
}

/**
 * Session files (platform + the console lines since): export downloads one, import replays
 * one in the worker; the worker reports the result at the prompt.
 */
export function exportSession(): void {
  const id = newRequestId();
  const unsub = appStore.subscribe((s) => {
    if (s.sessionFile?.id !== id) return;
    unsub();
    downloadText('smiscope-session.json', s.sessionFile.text, 'application/json');
    termAppend('info', ['session file downloaded: smiscope-session.json']);
  });
  post({ type: 'session-export', id });
}

export function importSession(text: string, name: string): void {
  termAppend('info', [`loading session file ${name}…`]);
  post({ type: 'session-import', id: newRequestId(), text });
}
