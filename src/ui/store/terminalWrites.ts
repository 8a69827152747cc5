/**
 * Lets the store wait until the terminal has parsed what it was just given.
 *
 * xterm parses written text in a task of its own and only then asks for a frame to draw it.
 * If the panels' state were committed before that task, the browser would paint the panels in
 * one frame and the terminal in the next; a key pressed while that second frame is pending
 * has its answer from the worker held back by Chromium until the frame is drawn. Committing
 * the panels from xterm's write callback (the same task as its parse) lets one frame paint both.
 */

const SAFETY_MS = 100;

/** Writes handed to the terminal and not parsed yet. */
const pending = new Set<object>();
let waiters: (() => void)[] = [];
let safetyTimer: ReturnType<typeof setTimeout> | null = null;

function release(): void {
  if (safetyTimer !== null) {
    clearTimeout(safetyTimer);
    safetyTimer = null;
  }
  const run = waiters;
  waiters = [];
  for (const fn of run) fn();
}

/** A terminal write begins; call the returned function once it has been parsed. */
export function terminalWriteStarted(): () => void {
  const token = {};
  pending.add(token);
  return () => {
    if (pending.delete(token) && pending.size === 0) release();
  };
}

/** Runs `fn` once every terminal write started so far has been parsed (now, if none is pending). */
export function afterTerminalWrites(fn: () => void): void {
  if (pending.size === 0 && waiters.length === 0) {
    fn();
    return;
  }
  waiters.push(fn);
  // Never hold the panels back for long, whatever happens to the terminal.
  safetyTimer ??= setTimeout(() => {
    safetyTimer = null;
    pending.clear();
    release();
  }, SAFETY_MS);
}
