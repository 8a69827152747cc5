
/**
 * log: firmware DEBUG output (the debugcon log, port 0x402); output/error: console replies; echo: a command sent by a
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

/** The slice's initial state (the store composes the slices). */
export const createTerminalSlice = (): TerminalSlice => ({
  termEntries: [],
  termNextId: 1,
});

export interface TermItem {
  kind: TermKind;
  lines: string[];
  note?: string;
}

/** Appends several entries in order (one copy of the list, one store update). */
export function appendTermItems(state: TerminalSlice, items: TermItem[]): Partial<TerminalSlice> {
  if (items.length === 0) return {};
  const entries = state.termEntries.slice(Math.max(0, state.termEntries.length + items.length - TERM_KEEP));
  let id = state.termNextId;
  for (const { kind, lines, note } of items) entries.push({ id: id++, kind, lines, note });
  if (entries.length > TERM_KEEP) entries.splice(0, entries.length - TERM_KEEP);
  return { termEntries: entries, termNextId: id };
}
