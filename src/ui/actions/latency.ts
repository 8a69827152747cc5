/**
 * Step-to-screen latency, for the tests and the benchmark:
 *  - window.__smiscopeLatency: from a debugger key/button press until React has committed the
 *    answering snapshot and the browser has laid it out (style + layout forced in the layout
 *    effect), i.e. the frame is ready to paint (ms).
 *  - window.__smiscopeFrameLatency: the same, up to the next animation frame callback (adds the
 *    wait for vsync, 0..16.7 ms, which no amount of work saved can remove).
 *  - window.__smiscopeSteps: the same span cut where it changes hands (StepSplit), for tuning
 *    without a trace (a trace slows the page and the worker unevenly).
 */

/** One step's latency in its parts (ms); they add up to `total`. */
export interface StepSplit {
  total: number;
  /** Key press -> the worker's answer (a snapshot) arrives: the worker's step and the message. */
  answer: number;
  /** -> the machine state is in the store: the terminal parsed the step's output first (terminalWrites.ts). */
  terminal: number;
  /** -> React committed (render and DOM mutations). */
  react: number;
  /** -> the browser laid the committed DOM out (style recalc + layout). */
  layout: number;
}

let pendingSince: number | null = null;
let answerAt: number | null = null;
let appliedAt: number | null = null;

/** Called when a debugger action is sent. */
export function markActionSent(): void {
  pendingSince = performance.now();
  answerAt = null;
  appliedAt = null;
}

/** Whether a debugger action was sent and its answer is not on screen yet. */
export function actionPending(): boolean {
  return pendingSince !== null;
}

/** Called when a worker message carrying a snapshot arrives (the last one before the commit counts). */
export function markAnswerArrived(): void {
  if (pendingSince !== null) answerAt = performance.now();
}

/** Called once that message's machine state is in the store (React renders next). */
export function markMachineApplied(): void {
  if (pendingSince !== null) appliedAt = performance.now();
}

/** Called after React committed a new snapshot (useLayoutEffect). */
export function markSnapshotCommitted(): void {
  if (pendingSince === null) return;
  const t0 = pendingSince;
  pendingSince = null;
  const committed = performance.now();
  void document.body.offsetHeight; // force style and layout of the committed DOM
  const end = performance.now();
  (window.__smiscopeLatency ??= []).push(end - t0);
  if (answerAt !== null && appliedAt !== null && t0 <= answerAt && answerAt <= appliedAt && appliedAt <= committed) {
    (window.__smiscopeSteps ??= []).push({ total: end - t0, answer: answerAt - t0, terminal: appliedAt - answerAt, react: committed - appliedAt, layout: end - committed });
  }
  requestAnimationFrame(() => {
    (window.__smiscopeFrameLatency ??= []).push(performance.now() - t0);
  });
}
