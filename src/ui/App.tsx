import { useEffect, useLayoutEffect } from 'react';
import { connectWorker } from './actions/bridge';
import { runDebugAction } from './actions/commands';
import { actionForKey } from './actions/debugActions';
import { appStore, useApp } from './store/store';
import { markSnapshotCommitted } from './actions/latency';
import { installTestHooks } from './actions/testHooks';
import { useSessionPersistence } from './actions/persistence';
import { TopBar } from './panels/TopBar';
import { CpusPanel } from './panels/CpusPanel';
import { SaveStatePanel } from './panels/SaveStatePanel';
import { SmramPanel } from './panels/SmramPanel';
import { HandlersPanel } from './panels/HandlersPanel';
import { TimelinePanel } from './panels/TimelinePanel';
import { TerminalPanel } from './panels/TerminalPanel';
import { SmiListDialog } from './panels/SmiListDialog';

/** Debugger keys work everywhere, the terminal included (F-keys never reach the line editor). */
function useGlobalKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = actionForKey(e);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      if (e.repeat && action !== 'step-event' && action !== 'step-phase') return;
      const busy = appStore.getState().busy;
      if (action === 'pause' ? !busy : busy) return;
      runDebugAction(action, 'key');
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
  useEffect(() => connectWorker(), []);
  useEffect(() => installTestHooks(), []);
  useGlobalKeys();
  useSessionPersistence();
  return (
    <div className="app">
      <CommitProbe />
      <TopBar />
      <div className="row row-upper">
        <CpusPanel />
        <SaveStatePanel />
        <HandlersPanel />
      </div>
      <div className="row row-lower">
        <TimelinePanel />
        <SmramPanel />
        <TerminalPanel />
      </div>
      <SmiListDialog />
    </div>
  );
}
