import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './store';

/**
 * log: firmware serial/DEBUG output; output/error: console replies; echo: a command sent by a
 * button or key, shown as if typed so the user learns the console language; info: UI notes.
 */
export type TermKind = 'log' | 'output' | 'error' | 'echo' | 'info';

export interface TermEntry {
  id: number;
  kind: TermKind;
  lines: string[];
  /** For echo: which key or button sent it. */
  note?: string;
}

/**
 * What the terminal should print, as an append-only list with increasing ids. The xterm
 * panel writes new entries from a store subscription (no React render per line).
 */
export interface TerminalSlice {
  termEntries: TermEntry[];
  termNextId: number;
}

/** Entries kept for a terminal that mounts late; xterm keeps its own scrollback. */
export const TERM_KEEP = 2000;

export const createTerminalSlice: StateCreator<AppState, [], [], TerminalSlice> = () => ({
  termEntries: [],
  termNextId: 1,
});

export function appendTerm(state: TerminalSlice, kind: TermKind, lines: string[], note?: string): Partial<TerminalSlice> {
  const entry: TermEntry = { id: state.termNextId, kind, lines, note };
  const entries = state.termEntries.length >= TERM_KEEP ? state.termEntries.slice(-(TERM_KEEP - 1)) : state.termEntries.slice();
  entries.push(entry);
  return { termEntries: entries, termNextId: state.termNextId + 1 };
}
