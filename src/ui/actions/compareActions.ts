/**
 * The compare view's actions: open it (the script box gets the session's console lines), run a
 * compare in the worker, close it.
 */
import { appStore } from '../store/store';
import type { CompareForm } from '../store/compareSlice';
import { newRequestId, post } from './bridge';

/** The console lines of a session file, one a line (what the script box shows). */
export function sessionScript(sessionJson: string): string {
  try {
    const f = JSON.parse(sessionJson) as { commands?: unknown };
    return Array.isArray(f.commands) ? f.commands.filter((c): c is string => typeof c === 'string').join('\n') : '';
  } catch {
    return '';
  }
}

/** Opens the view; unless the user edited the script box, it gets the session's lines since the last `platform`. */
export function openCompare(): void {
  appStore.setState({ compareOpen: true });
  if (!appStore.getState().compareScriptFromSession) return;
  const id = newRequestId();
  const unsub = appStore.subscribe((s) => {
    if (s.sessionFile?.id !== id) return;
    unsub();
    if (s.compareScriptFromSession) appStore.setState({ compareForm: { ...s.compareForm, script: sessionScript(s.sessionFile.text) } });
  });
  post({ type: 'session-export', id });
}

export function closeCompare(): void {
  appStore.setState({ compareOpen: false });
}

export function setCompareForm(patch: Partial<CompareForm>): void {
  const s = appStore.getState();
  appStore.setState({ compareForm: { ...s.compareForm, ...patch }, ...(patch.script !== undefined ? { compareScriptFromSession: false } : {}) });
}

/** Runs the form's compare in the worker (the answer replaces the last result). */
export function runCompare(): void {
  const { compareForm: f } = appStore.getState();
  const id = newRequestId();
  appStore.setState({ comparePending: id, compareError: null });
  post({ type: 'compare', id, a: f.a, b: f.b, script: f.script, scope: f.scope });
}
