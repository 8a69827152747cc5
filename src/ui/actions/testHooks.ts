/**
 * Hooks for tests and the benchmark, installed on window:
 *  - window.__smiscope.send(line): type a console line (echoed like a typed one); .ready once the worker answered.
 *  - window.__smiscopeLatency / __smiscopeFrameLatency: see ./latency.
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
