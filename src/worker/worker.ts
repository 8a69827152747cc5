/// <reference lib="webworker" />
/**
 * The worker host: owns one debugger Session and turns UI messages into console lines.
 * It never interprets the machine itself; it forwards console output, the firmware log
 * and view snapshots. Long-running commands (continue) are run in bounded slices with a
 * macrotask between them, so a 'pause' message can get in.
 */
import { clampColumns, DEFAULT_COLUMNS, wrap, wrapLines } from '../core/console/Columns';
import { runCompare } from '../core/compare/CompareRun';
import { Session } from '../core/console/Session';
import { SHIPPED_HEADERS } from '../core/smmc/ShippedHeaders';
import { handleLessonMessage, isLessonMessage, noteOutput } from './lessonHost';
import { PROTOCOL_VERSION, type DebugAction, type UiToWorker, type ViewRequest, type ViewSnapshot, type WorkerMessage, type WorkerToUi } from '../protocol/messages';

declare const self: DedicatedWorkerGlobalScope;

/** Events per runSlice call while busy; small enough that a slice takes a few ms. */
const SLICE_EVENTS = 2000;
/** While running, post at most one snapshot + log per animation frame. */
const FRAME_MS = 16;
const DEFAULT_HEX_ADDRESS = 0x7f000000;
const DEFAULT_HEX_LENGTH = 256;

let session: Session | null = null;
let view: ViewRequest = { selectedCpu: 0, hexAddress: DEFAULT_HEX_ADDRESS, hexLength: DEFAULT_HEX_LENGTH, followCpu: true };
/** The terminal's width (the UI's 'terminal-size'): the Session lays console output out for it, and log lines wrap to it. */
let columns = DEFAULT_COLUMNS;
/** Until the UI picks an address, the hex window follows the TSEG base of the platform. */
let hexChosenByUi = false;
let pumping = false;
let pumpId = 0;
let lastFlush = 0;
/**
 * What handling one UI message (or one slice of a running command) produced. It goes out as one
 * postMessage at the end, so the UI gets output, log and snapshot of a step together.
 */
let outbox: WorkerMessage[] = [];
/** The editor's files, by path (the page's side of `load`). */
let workspace: Record<string, string> = {};

function workspaceReader() {
  return {
    read: (p: string) => workspace[p] ?? workspace[p.slice(p.lastIndexOf('/') + 1)] ?? null,
    list: () => Object.keys(workspace),
  };
}

function post(msg: WorkerMessage): void {
  noteOutput(msg); // a lesson's `output contains` check reads it
  outbox.push(fitToTerminal(msg));
}

/**
 * No line the terminal gets is wider than it, so xterm never breaks one itself (which leaves
 * lone characters on rows of their own): output lines wrap into more lines, a log line into
 * rows joined by "\n" (one log line per firmware line, as `firstSeq` counts them).
 */
function fitToTerminal(msg: WorkerMessage): WorkerMessage {
  // A console error may be several lines in one (a compile error: the message, the source line, the caret).
  if (msg.type === 'output' && msg.lines.some((l) => l.includes('\n'))) msg = { ...msg, lines: msg.lines.flatMap((l) => l.split('\n')) };
  if (msg.type === 'output' && msg.lines.some((l) => l.length > columns)) return { ...msg, lines: wrapLines(msg.lines, columns) };
  if (msg.type === 'log' && msg.lines.some((l) => l.length > columns)) return { ...msg, lines: msg.lines.map((l) => (l.length > columns ? wrap(l, columns, 2).join('\n') : l)) };
  return msg;
}

/** Sends the outbox: a lone message as itself, several as one batch (in order). */
function send(): void {
  if (outbox.length === 0) return;
  const messages = outbox;
  outbox = [];
  const wire: WorkerToUi = messages.length === 1 ? messages[0] : { type: 'batch', messages };
  self.postMessage(wire);
}

function actionLine(action: Exclude<DebugAction, 'pause'>): string {
  switch (action) {
    case 'step-phase':
      return 'step phase';
    case 'step-event':
      return 'step event';
    case 'step-smi':
      return 'step smi';
    case 'continue':
      return 'continue';
    case 'reset':
      return 'reset';
    case 'back':
      return 'back';
    case 'step-over':
      return 'step over';
    case 'step-into':
      return 'step into';
    case 'step-out':
      return 'step out';
    default: {
      const never: never = action;
      throw new Error(`unknown action ${String(never)}`);
    }
  }
}

/** A typed-array view of a larger buffer would clone the whole buffer: copy the window. */
function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Fold snapshot `b` (taken right after `a`) onto `a`, keeping the one-shot deltas of `a`. */
function merge(a: ViewSnapshot, b: ViewSnapshot): ViewSnapshot {
  return {
    ...b,
    layout: b.layout ?? a.layout,
    tables: b.tables ?? a.tables,
    smram: { ...b.smram, regions: b.smram.regions ?? a.smram.regions, descriptors: b.smram.descriptors ?? a.smram.descriptors },
    // The loaded sources come only when they change: keep `a`'s if `b` has none.
    c: b.c && !b.c.modules && a.c?.modules ? { ...b.c, modules: a.c.modules } : b.c,
    timeline: b.timeline.reset
      ? b.timeline
      : { reset: a.timeline.reset, events: [...a.timeline.events, ...b.timeline.events] },
  };
}

function takeSnapshot(s: Session): ViewSnapshot {
  let snap = s.view(view);
  if (!hexChosenByUi && snap.platform.tsegBase !== view.hexAddress) {
    view = { ...view, hexAddress: snap.platform.tsegBase };
    snap = merge(snap, s.view(view));
  }
  return {
    ...snap,
    saveState: { ...snap.saveState, bytes: compact(snap.saveState.bytes) },
    smram: { ...snap.smram, hexBytes: compact(snap.smram.hexBytes) },
  };
}

function flushLog(s: Session): void {
  const log = s.drainLog();
  if (log.lines.length > 0) post({ type: 'log', firstSeq: log.firstSeq, lines: log.lines });
}

function flush(s: Session): void {
  flushLog(s);
  post({ type: 'snapshot', snapshot: takeSnapshot(s) });
  lastFlush = performance.now();
}

function reportError(id: number, err: unknown): void {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  post({ type: 'output', id, lines: [`internal error: ${text}`], error: true });
}

function getSession(): Session {
  if (!session) {
    session = Session.create();
    session.workspace = workspaceReader();
    session.columns = columns;
  }
  return session;
}

/** Runs the Session's pending work in slices until it is done or paused. */
function startPump(id: number): void {
  if (pumping) return;
  pumping = true;
  const myPump = ++pumpId;
  post({ type: 'busy', busy: true });
  const slice = (): void => {
    if (myPump !== pumpId || !session) return;
    const s = session;
    try {
      if (s.busy()) {
        const r = s.runSlice(SLICE_EVENTS);
        if (r.lines.length > 0) post({ type: 'output', id, lines: r.lines, error: r.error });
      }
      if (s.busy()) {
        if (performance.now() - lastFlush >= FRAME_MS) flush(s);
        setTimeout(tick, 0);
        return;
      }
    } catch (err) {
      reportError(id, err);
    }
    stopPump();
    if (session) flush(session);
  };
  const tick = (): void => {
    try {
      slice();
    } finally {
      send();
    }
  };
  setTimeout(tick, 0);
}

function stopPump(): void {
  if (!pumping) return;
  pumping = false;
  pumpId++;
  post({ type: 'busy', busy: false });
}

/** Runs one console line (or the pause action) and reports output, log and a fresh snapshot. */
function run(id: number, fn: (s: Session) => { lines: string[]; error: boolean }): void {
  let s: Session;
  try {
    s = getSession();
  } catch (err) {
    reportError(id, err);
    return;
  }
  try {
    const r = fn(s);
    post({ type: 'output', id, lines: r.lines, error: r.error });
  } catch (err) {
    reportError(id, err);
  }
  try {
    flush(s);
    if (s.busy()) startPump(id);
    else stopPump();
  } catch (err) {
    reportError(id, err);
  }
}

self.onmessage = (e: MessageEvent<UiToWorker>): void => {
  try {
    handle(e.data);
  } finally {
    send();
  }
};

function handle(msg: UiToWorker): void {
  if (isLessonMessage(msg)) {
    try {
      handleLessonMessage(msg, { session: getSession, post, flush, stopRunning: stopPump });
    } catch (err) {
      reportError('id' in msg ? msg.id : 0, err);
    }
    return;
  }
  switch (msg.type) {
    case 'hello': {
      post({ type: 'ready', protocolVersion: PROTOCOL_VERSION, headers: Object.keys(SHIPPED_HEADERS).sort() });
      if (msg.protocolVersion !== PROTOCOL_VERSION) {
        post({
          type: 'output',
          id: 0,
          lines: [`protocol mismatch: UI speaks v${msg.protocolVersion}, worker v${PROTOCOL_VERSION}; reload the page`],
          error: true,
        });
        // A UI of another version may not know 'batch': tell it one message at a time.
        for (const m of outbox) self.postMessage(m);
        outbox = [];
      }
      try {
        flush(getSession());
      } catch (err) {
        reportError(0, err);
      }
      break;
    }
    case 'command':
      run(msg.id, (s) => s.exec(msg.line));
      break;
    case 'action': {
      const action = msg.action;
      if (action === 'pause') run(msg.id, (s) => s.pause());
      else run(msg.id, (s) => s.exec(actionLine(action)));
      break;
    }
    case 'view': {
      view = { ...msg.view };
      hexChosenByUi = true;
      if (session) {
        try {
          post({ type: 'snapshot', snapshot: takeSnapshot(session) });
        } catch (err) {
          reportError(0, err);
        }
      }
      break;
    }
    case 'session-export': {
      try {
        post({ type: 'session', id: msg.id, text: JSON.stringify(getSession().exportSession(), null, 2) });
      } catch (err) {
        reportError(msg.id, err);
      }
      break;
    }
    case 'session-import':
      stopPump();
      run(msg.id, (s) => {
        const r = s.importSession(msg.text);
        // What the replay printed goes first, so the terminal shows how the session got where it is.
        for (const t of r.transcript ?? []) {
          if (t.kind === 'log') post({ type: 'log', firstSeq: t.firstSeq, lines: t.lines });
          else post({ type: 'output', id: msg.id, lines: t.lines, error: t.error, echo: t.line });
        }
        return r;
      });
      break;
    case 'terminal-size':
      columns = clampColumns(msg.columns);
      if (session) session.columns = columns;
      break;
    case 'timeline-text':
      if (session) post({ type: 'timeline-text', texts: session.timelineTexts(msg.seqs) });
      break;
    case 'smi-list':
      if (session) post({ type: 'smi-list', rows: session.smiRows() });
      break;
    case 'workspace':
      workspace = { ...msg.files };
      if (session) session.workspace = workspaceReader();
      break;
    case 'header':
      post({ type: 'header', name: msg.name, text: Object.hasOwn(SHIPPED_HEADERS, msg.name) ? SHIPPED_HEADERS[msg.name] : null });
      break;
    case 'compare': {
      // Two fresh sessions of its own (the page's session is not touched); a boot is ~0.5 s the
      // first time a spec is compared, its trace is kept for the next compares.
      try {
        const r = runCompare({ a: msg.a, b: msg.b, script: msg.script, scope: msg.scope, workspace: workspaceReader() });
        post(r.ok ? { type: 'compare', id: msg.id, result: r.result, error: null, notes: r.notes } : { type: 'compare', id: msg.id, result: null, error: r.error, notes: [] });
      } catch (err) {
        post({ type: 'compare', id: msg.id, result: null, error: `internal error: ${err instanceof Error ? err.message : String(err)}`, notes: [] });
      }
      break;
    }
    default: {
      const never: never = msg;
      reportError(0, new Error(`unknown message ${JSON.stringify(never)}`));
    }
  }
}
