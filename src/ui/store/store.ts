import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { PROTOCOL_VERSION, type WorkerMessage, type WorkerToUi } from '../../protocol/messages';
import { createMachineSlice, mergeSnapshot, mergeTimelineTexts, type MachineSlice } from './machineSlice';
import { createLayoutSlice, type LayoutSlice } from './layoutSlice';
import { createSelectionSlice, type SelectionSlice } from './selectionSlice';
import { createFollowSlice, type FollowSlice } from './followSlice';
import { cPatch, createSourceSlice, type SourceSlice } from './sourceSlice';
import { appendTermItems, createTerminalSlice, type TermItem, type TerminalSlice, type TermKind } from './terminalSlice';
import { type CompareSlice, createCompareSlice } from './compareSlice';
import { createLessonsSlice, isLessonWorkerMessage, lessonPatch, type LessonsSlice } from './lessonsSlice';
import { EchoQueue } from './echoQueue';
import { afterTerminalWrites } from './terminalWrites';

export type AppState = MachineSlice & SelectionSlice & TerminalSlice & LayoutSlice & FollowSlice & SourceSlice & CompareSlice & LessonsSlice;

export const appStore = createStore<AppState>()(() => ({
  ...createMachineSlice(),
  ...createSelectionSlice(),
  ...createTerminalSlice(),
  ...createLayoutSlice(),
  ...createFollowSlice(),
  ...createSourceSlice(),
  ...createCompareSlice(),
  ...createLessonsSlice(),
}));

/** Select the smallest value you need (=== equality), or wrap object picks in useShallow. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

/**
 * Echoes of console lines (F10, toolbar buttons) wait for the worker's answer to their request
 * and are printed with its output in one terminal write. Written at the key press, the echo would
 * make xterm ask for a frame right away, and Chromium holds back the worker's answer until a
 * frame pending at a key press is drawn. If no answer comes within ECHO_WAIT_MS, the oldest
 * prints on its own; echoes never part from their outputs (echoQueue.ts).
 */
const ECHO_WAIT_MS = 100;
const echoes = new EchoQueue();
let echoTimer: ReturnType<typeof setTimeout> | null = null;

function armEchoTimer(): void {
  if (echoTimer !== null || !echoes.hasUnprinted()) return;
  echoTimer = setTimeout(() => {
    echoTimer = null;
    const alone = echoes.takeAlone();
    if (alone) appStore.setState((s) => appendTermItems(s, [alone]));
  }, ECHO_WAIT_MS);
}

/** Prints `line` at the prompt right before the worker's answer to request `id`. */
export function echoWithAnswer(id: number, line: string, note?: string): void {
  echoes.add(id, { kind: 'echo', lines: [line], note });
  armEchoTimer();
}

/** Whether a console line sent by the UI is still waiting for its answer (a typed line then queues behind it). */
export function echoesWaiting(): boolean {
  return echoes.waiting();
}

/** Prints to the terminal. */
export function termAppend(items: TermItem[]): void;
export function termAppend(kind: TermKind, lines: string[], note?: string): void;
export function termAppend(a: TermItem[] | TermKind, lines: string[] = [], note?: string): void {
  const items = typeof a === 'string' ? [{ kind: a, lines, note }] : a;
  if (items.length > 0) appStore.setState((s) => appendTermItems(s, items));
}

/** What a worker message prints at the prompt (in order). */
function terminalItems(msg: WorkerMessage, out: TermItem[]): void {
  switch (msg.type) {
    case 'ready':
      if (msg.protocolVersion !== PROTOCOL_VERSION) {
        out.push({ kind: 'error', lines: [`worker speaks protocol v${msg.protocolVersion}, this UI v${PROTOCOL_VERSION}: reload the page`] });
      }
      return;
    case 'output':
      out.push(...echoes.beforeAnswer(msg.id));
      if (msg.echo !== undefined) out.push({ kind: 'echo', lines: [msg.echo], note: msg.note ?? 'replayed' });
      if (msg.lines.length > 0) out.push({ kind: msg.error ? 'error' : 'output', lines: msg.lines });
      return;
    case 'log':
      if (msg.lines.length > 0) out.push({ kind: 'log', lines: msg.lines });
      return;
    case 'snapshot':
    case 'busy':
    case 'session':
    case 'timeline-text':
    case 'smi-list':
    case 'header':
    case 'compare':
    case 'lessons':
    case 'lesson-loaded':
    case 'lesson-at':
    case 'lesson-check':
      return;
    default: {
      const never: never = msg;
      console.warn('unknown worker message', never);
    }
  }
}

/** What a worker message changes in the machine state (pure); null for nothing. */
function machinePatch(s: AppState, msg: WorkerMessage): Partial<AppState> | null {
  switch (msg.type) {
    case 'ready':
      return { ready: true, headerNames: msg.headers ?? [] };
    case 'output':
    case 'log':
      return null;
    case 'snapshot': {
      const p = { ...mergeSnapshot(s, msg.snapshot), ...cPatch(s.snapshot?.c, msg.snapshot.c) };
      // The answer to the last command: its events are "this step" from now on.
      return s.pendingStepFrom === null ? p : { ...p, stepFrom: s.pendingStepFrom, pendingStepFrom: null };
    }
    case 'busy':
      return { busy: msg.busy };
    case 'session':
      return { sessionFile: { id: msg.id, text: msg.text } };
    case 'timeline-text':
      return mergeTimelineTexts(s, msg.texts);
    case 'smi-list':
      return { smiRows: msg.rows };
    case 'header':
      return msg.text === null ? null : { headerTexts: { ...s.headerTexts, [msg.name]: msg.text } };
    case 'compare':
      // Only the answer to the compare asked for last counts.
      return msg.id !== s.comparePending ? null : { comparePending: null, compareResult: msg.result, compareError: msg.error, compareNotes: msg.notes };
    case 'lessons':
    case 'lesson-loaded':
    case 'lesson-at':
    case 'lesson-check':
      return isLessonWorkerMessage(msg) ? lessonPatch(s, msg) : null;
    default: {
      const never: never = msg;
      console.warn('unknown worker message', never);
      return null;
    }
  }
}

function applyMachine(messages: WorkerMessage[]): void {
  let state = appStore.getState();
  let patch: Partial<AppState> | null = null;
  for (const m of messages) {
    const p = machinePatch(state, m);
    if (!p) continue;
    patch = { ...(patch ?? {}), ...p };
    state = { ...state, ...p };
  }
  if (patch) appStore.setState(patch);
}

/**
 * Folds one worker message, or a whole batch, into the store: the terminal lines (with any
 * action echo waiting for them) in one update, then the machine state (snapshot, busy, ...) in
 * one update once the terminal has parsed those lines (see terminalWrites.ts), so that one
 * frame paints the panels and the terminal. `onApplied` runs once the machine state is in.
 */
export function applyWorkerMessage(msg: WorkerToUi, onApplied?: () => void): void {
  const messages = msg.type === 'batch' ? msg.messages : [msg];
  const term: TermItem[] = [];
  for (const m of messages) terminalItems(m, term);
  if (term.length > 0) appStore.setState((s) => appendTermItems(s, term));
  if (echoTimer !== null && !echoes.hasUnprinted()) {
    clearTimeout(echoTimer);
    echoTimer = null;
  }
  armEchoTimer();
  const machine = messages.filter((m) => m.type !== 'output' && m.type !== 'log');
  afterTerminalWrites(() => {
    if (machine.length > 0) applyMachine(machine);
    onApplied?.();
  });
}
