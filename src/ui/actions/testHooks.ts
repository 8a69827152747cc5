/**
 * Hooks for tests and the benchmark, installed on window:
 *  - window.__smiscope.send(line): type a console line (echoed like a typed one); .ready once the worker answered.
 *  - window.__smiscope.terminalRows(): the terminal's buffer, every row with its text and whether
 *    xterm wrapped it from the row before (a line too long for the terminal).
 *  - window.__smiscopeLatency / __smiscopeFrameLatency / __smiscopeSteps: see ./latency.
 */

import { appStore } from '../store/store';
import { sendCommand } from './commands';
import type { StepSplit } from './latency';

export interface TerminalRow {
  text: string;
  /** xterm continued the previous row here (soft wrap): the line was wider than the terminal. */
  wrapped: boolean;
}

interface Hooks {
  ready: boolean;
  send(line: string): void;
  terminalRows(): TerminalRow[];
}

let readTerminal: () => TerminalRow[] = () => [];

/** The terminal panel registers how to read its buffer (for the tests). */
export function setTerminalReader(fn: () => TerminalRow[]): void {
  readTerminal = fn;
}

declare global {
  interface Window {
    __smiscope?: Hooks;
    __smiscopeLatency?: number[];
    __smiscopeFrameLatency?: number[];
    __smiscopeSteps?: StepSplit[];
  }
}

export function installTestHooks(): () => void {
  const hooks: Hooks = { ready: false, send: (line) => sendCommand(line, {}), terminalRows: () => readTerminal() };
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
