/**
 * Step-to-screen latency, for the tests and the benchmark:
 *  - window.__smiscopeLatency: from a debugger key/button press until React has committed the
 *    answering snapshot and the browser has laid it out (style + layout forced in the layout
 *    effect), i.e. the frame is ready to paint (ms).
 *  - window.__smiscopeFrameLatency: the same, up to the next animation frame callback (adds the
 *    wait for vsync, 0..16.7 ms, which no amount of work saved can remove).
 */

let pendingSince: number | null = null;

/** Called when a debugger action is sent. */
export function markActionSent(): void {
  pendingSince = performance.now();
}

/** Whether a debugger action was sent and its answer is not on screen yet. */
export function actionPending(): boolean {
  return pendingSince !== null;
}

/** Called after React committed a new snapshot (useLayoutEffect). */
export function markSnapshotCommitted(): void {
  if (pendingSince === null) return;
  const t0 = pendingSince;
  pendingSince = null;
  void document.body.offsetHeight; // force style and layout of the committed DOM
  (window.__smiscopeLatency ??= []).push(performance.now() - t0);
  requestAnimationFrame(() => {
    (window.__smiscopeFrameLatency ??= []).push(performance.now() - t0);
  });
}
