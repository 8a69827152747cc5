import { PROTOCOL_VERSION, type UiToWorker, type WorkerToUi } from '../../protocol/messages';
import { appStore, applyWorkerMessage, termAppend } from '../store/store';
import { markAnswerArrived, markMachineApplied } from './latency';

let worker: Worker | null = null;
let nextId = 1;
/** The terminal's column count, once xterm has been fitted (sent again to a new worker). */
let terminalColumns: number | null = null;

/** Tells the worker the terminal's width: console output and log lines are laid out for it. */
export function setTerminalColumns(columns: number): void {
  if (columns === terminalColumns) return;
  terminalColumns = columns;
  post({ type: 'terminal-size', columns });
}

/**
 * Starts the emulation worker and wires its messages into the store; returns a disposer.
 * `beforeHello` runs once the worker can take messages and before the hello that boots the
 * default machine: a session restored there replaces it before anything is printed.
 */
export function connectWorker(beforeHello?: () => void): () => void {
  const w = new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module', name: 'smiscope' });
  worker = w;
  let hexPlaced = false;
  w.onmessage = (e: MessageEvent<WorkerToUi>) => {
    const msg = e.data;
    const hasSnapshot = msg.type === 'snapshot' || (msg.type === 'batch' && msg.messages.some((m) => m.type === 'snapshot'));
    if (hasSnapshot) markAnswerArrived();
    applyWorkerMessage(msg, () => {
      if (!hasSnapshot) return;
      markMachineApplied();
      if (!hexPlaced) hexPlaced = placeInitialHexWindow();
      keepSelectionInRange();
      followStepCpu();
      followCommBuffer();
    });
  };
  w.onerror = (e: ErrorEvent) => {
    termAppend('error', [`worker error: ${e.message || 'failed to load'}`]);
  };
  if (terminalColumns !== null) post({ type: 'terminal-size', columns: terminalColumns });
  beforeHello?.();
  post({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
  return () => {
    w.terminate();
    if (worker === w) worker = null;
  };
}

export function post(msg: UiToWorker): void {
  worker?.postMessage(msg);
}

export function newRequestId(): number {
  return nextId++;
}

/**
 * The worker starts the hex window at the TSEG base, which is usually unused pool. Once the
 * SMRAM regions are known, start at something worth reading: the SMM core's data (the
 * SMI_HANDLER / SMI_ENTRY records the handler table points at). Returns true once done (or
 * once the user has moved the window).
 */
function placeInitialHexWindow(): boolean {
  const { regions, snapshot, selectedCpu, hexLength } = appStore.getState();
  if (!snapshot || regions.length === 0) return false;
  if (snapshot.smram.hexAddress !== snapshot.platform.tsegBase) return true;
  const entry =
    regions.find((r) => r.kind === 'core-data' && r.label.startsWith('SMM core data')) ??
    regions.find((r) => r.kind === 'core-data') ??
    regions.find((r) => r.kind !== 'tseg');
  if (entry) post({ type: 'view', view: { selectedCpu, hexAddress: entry.base, hexLength, followCpu: !appStore.getState().pinCpu } });
  return true;
}

/**
 * The worker shows the save state of the CPU the step was about (ViewRequest.followCpu): that
 * CPU becomes the selected one, so the CPU grid and the next view requests agree with it.
 */
function followStepCpu(): void {
  const { snapshot, selectedCpu, pinCpu } = appStore.getState();
  if (!snapshot || pinCpu) return;
  const cpu = snapshot.saveState.cpu;
  if (cpu !== selectedCpu && cpu < snapshot.cpus.length) appStore.setState({ selectedCpu: cpu });
}

/**
 * The hex view goes to the Communicate buffer of the SMI in progress (once per SMI, unless the
 * user moved the hex view during it).
 */
function followCommBuffer(): void {
  const { snapshot, hexMovedInSmi, commJumpedSmi, selectedCpu, hexLength, pinCpu } = appStore.getState();
  const comm = snapshot?.smram.commBuffer;
  const smi = snapshot?.lastSmi;
  if (!comm || !comm.active || !smi || smi.finished || smi.number !== comm.smi) return;
  if (commJumpedSmi === comm.smi || hexMovedInSmi === comm.smi) return;
  appStore.setState({ commJumpedSmi: comm.smi });
  if (snapshot.smram.hexAddress !== comm.base) post({ type: 'view', view: { selectedCpu, hexAddress: comm.base, hexLength, followCpu: !pinCpu } });
}

/** After `platform ovmf --cpus N` the selected CPU may no longer exist: fall back to CPU 0. */
function keepSelectionInRange(): void {
  const { snapshot, selectedCpu, hexLength } = appStore.getState();
  if (!snapshot || selectedCpu < snapshot.cpus.length) return;
  appStore.setState({ selectedCpu: 0 });
  post({ type: 'view', view: { selectedCpu: 0, hexAddress: snapshot.smram.hexAddress, hexLength, followCpu: !appStore.getState().pinCpu } });
}
