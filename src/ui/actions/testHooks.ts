/**
 * Hooks for tests and the benchmark, installed on window:
 *  - window.__smiscope.send(line): type a console line (echoed like a typed one); .ready once the worker answered.
 *  - window.__smiscopeLatency: step-to-screen latencies (ms): from a debugger key/button press until
 *    React has committed the answering snapshot and the browser has laid it out (style + layout
 *    forced in the layout effect), i.e. the frame is ready to paint.
 *  - window.__smiscopeFrameLatency: the same, up to the next animation frame callback (adds the
 *    wait for vsync, 0..16.7 ms, which no amount of work saved can remove).
 */

import { appStore } from '../store/store';
import { sendCommand } from './commands';

interface Hooks {
  ready: boolean;
  send(line: string): void;
}

declare global {
  interface Window {
    __smiscope?: Hooks;
    __smiscopeLatency?: number[];
    __smiscopeFrameLatency?: number[];
  }
}

let pendingSince: number | null = null;

/** Called when a debugger action is sent. */
export function markActionSent(): void {
  pendingSince = performance.now();
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

export function installTestHooks(): () => void {
  const hooks: Hooks = { ready: false, send: (line) => sendCommand(line, {}) };
  window.__smiscope = hooks;
  window.__smiscopeLatency ??= [];
  const unsub = appStore.subscribe((s) => {
    hooks.ready = s.ready && s.snapshot !== null;
  });
  return () => {
    unsub();
    if (window.__smiscope === hooks) delete window.__smiscope;
  };
}
