import { useEffect, useLayoutEffect } from 'react';
import { connectWorker } from './actions/bridge';
import { runDebugAction } from './actions/commands';
import { actionForKey, keyLabel } from './actions/debugActions';
import { cycleTermSize, focusTerminal, setKeysOpen } from './actions/layout';
import { appStore, useApp } from './store/store';
import { markSnapshotCommitted } from './actions/latency';
import { installTestHooks } from './actions/testHooks';
import { restoreSavedSession, useSessionPersistence } from './actions/persistence';
import { TopBar } from './panels/TopBar';
import { CpusPanel } from './panels/CpusPanel';
import { SaveStatePanel } from './panels/SaveStatePanel';
import { SmramPanel } from './panels/SmramPanel';
import { HandlersPanel } from './panels/HandlersPanel';
import { TimelinePanel } from './panels/TimelinePanel';
import { isTerminalSizeKey, TerminalPanel } from './panels/TerminalPanel';
import { KeysOverlay } from './panels/KeysOverlay';
import { SmiListDialog } from './panels/SmiListDialog';
import { CompareView } from './panels/CompareView';
import { SourcePanel } from './panels/SourcePanel';
import { CStackPanel } from './panels/CStackPanel';
import { installSourceFollow, syncWorkspace } from './actions/sourceActions';
import { LessonsPanel } from './lessons/LessonsPanel';
import { installLessons } from './lessons/lessonActions';

/** Where typing goes to a field of its own (not the terminal's, whose "?" the line editor handles). */
function typingInField(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

/** Debugger keys work everywhere, the terminal included (they never reach the line editor). */
function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTerminalSizeKey(e)) {
        e.preventDefault();
        e.stopPropagation();
        if (!e.repeat) cycleTermSize();
        return;
      }
      if (e.key === 'Escape' && appStore.getState().keysOpen) {
        setKeysOpen(false);
        return;
      }
      if (e.key.length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey && !typingInField(e) && !appStore.getState().keysOpen) {
        if (e.key === '?') {
          e.preventDefault();
          setKeysOpen(true);
        } else if (e.target === document.body || e.target === document.documentElement) {
          // Typing with nothing focused (after a click on a panel) goes to the prompt.
          focusTerminal();
        }
        return;
      }
      const { busy, snapshot } = appStore.getState();
      const action = actionForKey(e, busy, !!snapshot?.c?.stop);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.repeat && action !== 'step-event' && action !== 'step-phase' && action !== 'back' && action !== 'step-over' && action !== 'step-into') return;
      if (action === 'pause' ? !busy : busy) return;
      runDebugAction(action, 'key', keyLabel(e));
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, []);
}

/**
 * Reports each committed snapshot to the latency hook. Its own component, so a new snapshot
 * re-renders only the panels whose data changed, not the whole tree under App. Layout effects
 * run after React has applied every DOM mutation of the commit, wherever the probe sits.
 */
function CommitProbe() {
  const seq = useApp((s) => s.snapshot?.seq ?? 0);
  useLayoutEffect(() => markSnapshotCommitted(), [seq]);
  return null;
}

export function App() {
  // A saved session (link or autosave) is replayed before the default machine boots.
  // The editor's files go first, so a replayed `load` (and the terminal's) can read them.
  useEffect(
    () =>
      connectWorker(() => {
        syncWorkspace();
        restoreSavedSession();
      }),
    [],
  );
  useEffect(() => installTestHooks(), []);
  useEffect(() => installSourceFollow(), []);
  useEffect(() => installLessons(), []);
  useGlobalKeys();
  useSessionPersistence();
  const termSize = useApp((s) => s.termSize);
  const sourceView = useApp((s) => s.sourceView);
  const lessonsOpen = useApp((s) => s.lessonsOpen);
  // Both layouts stay mounted (the editor keeps its tabs' undo history) and CSS shows one; only
  // the CPUs panel moves: to the lower row in the Source view, where the editor and the call
  // stack with the locals take the upper row.
  return (
    <div className={`app term-${termSize} view-${sourceView ? 'source' : 'machine'}${lessonsOpen ? ' lessons-open' : ''}`}>
      <CommitProbe />
      <TopBar />
      <div className="row row-upper">
        {!sourceView && <CpusPanel />}
        <SaveStatePanel />
        <HandlersPanel />
        <SourcePanel />
        <CStackPanel />
      </div>
      <div className="row row-lower">
        {sourceView && <CpusPanel />}
        <TimelinePanel />
        <SmramPanel />
        <TerminalPanel />
      </div>
      <SmiListDialog />
      <CompareView />
      <KeysOverlay />
      <LessonsPanel />
    </div>
  );
}
