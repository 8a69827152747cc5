import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './store';

export type HandlersTab = 'mmi' | 'protocols' | 'modules';

/** What the user is looking at; the parts the worker needs go out as a ViewRequest. */
export interface SelectionSlice {
  /** Selected CPU (optimistic: the snapshot's saveState.cpu confirms it). */
  selectedCpu: number;
  /** Bytes in the SMRAM hex window. */
  hexLength: number;
  handlersTab: HandlersTab;
}

export const HEX_PAGE = 256;

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = () => ({
  selectedCpu: 0,
  hexLength: HEX_PAGE,
  handlersTab: 'mmi',
});
