import type { Explanation, LookHere, ViewSnapshot } from '../../protocol/messages';
import type { TerminalSlice } from './terminalSlice';
import { readStored, writeStored } from './stored';

/**
 * The Explain panel's state: the explanation of the current step (ViewSnapshot.explain, sent
 * only when the step changes), every explanation of the session with where it falls in the
 * terminal's history (for the transcript), the console lines sent (typed lines never become
 * terminal entries: xterm shows them as typed), whether the panel is open (remembered), and the
 * "look here" pointer hovered or clicked.
 */
export interface ExplainEntry {
  /** The terminal entry id that came next when it arrived: it follows the entries before it. */
  termId: number;
  /** Arrival order among explanations and commands (those with the same termId). */
  at: number;
  explanation: Explanation;
}

export interface CommandEntry {
  termId: number;
  at: number;
  line: string;
  /** Which key or button sent it. */
  note?: string;
}

export interface ExplainSlice {
  explain: Explanation | null;
  explainLog: ExplainEntry[];
  commandLog: CommandEntry[];
  explainOpen: boolean;
  /** Open beside a lesson on a screen too narrow for both columns (not remembered: starts closed). */
  explainOpenInLesson: boolean;
  /** The pointer under the mouse (or last clicked, for a moment). */
  lookActive: LookHere | null;
}

/** How many explanations and commands the transcript keeps (the newest). */
export const EXPLAIN_KEEP = 2000;

const OPEN_KEY = 'smiscope.explainOpen';

/** Open unless the visitor closed it before (no key yet: a first-time visitor sees it). */
function savedOpen(): boolean {
  return readStored(OPEN_KEY) !== 'false';
}

export function saveExplainOpen(open: boolean): void {
  writeStored(OPEN_KEY, String(open));
}

export const createExplainSlice = (): ExplainSlice => ({
  explain: null,
  explainLog: [],
  commandLog: [],
  explainOpen: savedOpen(),
  explainOpenInLesson: false,
  lookActive: null,
});

let arrivals = 0;

/** A snapshot that carries an explanation: it becomes the current one and joins the log. */
export function explainPatch(s: ExplainSlice & TerminalSlice, snap: ViewSnapshot): Partial<ExplainSlice> {
  const ex = snap.explain;
  if (!ex) return {};
  const log = s.explainLog.length >= EXPLAIN_KEEP ? s.explainLog.slice(-EXPLAIN_KEEP + 1) : s.explainLog.slice();
  log.push({ termId: s.termNextId, at: ++arrivals, explanation: ex });
  return { explain: ex, explainLog: log };
}

/** A console line the page sent (typed, a button, a key). */
export function commandPatch(s: ExplainSlice & TerminalSlice, line: string, note?: string): Partial<ExplainSlice> {
  const log = s.commandLog.length >= EXPLAIN_KEEP ? s.commandLog.slice(-EXPLAIN_KEEP + 1) : s.commandLog.slice();
  log.push({ termId: s.termNextId, at: ++arrivals, line, ...(note === undefined ? {} : { note }) });
  return { commandLog: log };
}
