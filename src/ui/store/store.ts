import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { PROTOCOL_VERSION, type WorkerToUi } from '../../protocol/messages';
import { createMachineSlice, mergeSnapshot, type MachineSlice } from './machineSlice';
import { createSelectionSlice, type SelectionSlice } from './selectionSlice';
import { appendTerm, createTerminalSlice, type TerminalSlice } from './terminalSlice';

export type AppState = MachineSlice & SelectionSlice & TerminalSlice;

export const appStore = createStore<AppState>()((...a) => ({
  ...createMachineSlice(...a),
  ...createSelectionSlice(...a),
  ...createTerminalSlice(...a),
}));

/** Select the smallest value you need (=== equality), or wrap object picks in useShallow. */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

/** Folds one worker message into the store: exactly one setState per message. */
export function applyWorkerMessage(msg: WorkerToUi): void {
  switch (msg.type) {
    case 'ready':
      appStore.setState((s) =>
        msg.protocolVersion === PROTOCOL_VERSION
          ? { ready: true }
          : {
              ready: true,
              ...appendTerm(s, 'error', [
                `worker speaks protocol v${msg.protocolVersion}, this UI v${PROTOCOL_VERSION}: reload the page`,
              ]),
            },
      );
      break;
    case 'output':
      if (msg.lines.length > 0) appStore.setState((s) => appendTerm(s, msg.error ? 'error' : 'output', msg.lines));
      break;
    case 'log':
      if (msg.lines.length > 0) appStore.setState((s) => appendTerm(s, 'log', msg.lines));
      break;
    case 'snapshot':
      appStore.setState((s) => mergeSnapshot(s, msg.snapshot));
      break;
    case 'busy':
      appStore.setState({ busy: msg.busy });
      break;
    case 'session':
      appStore.setState({ sessionFile: { id: msg.id, text: msg.text } });
      break;
    default: {
      const never: never = msg;
      console.warn('unknown worker message', never);
    }
  }
}
