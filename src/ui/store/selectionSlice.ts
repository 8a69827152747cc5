
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

/** The slice's initial state (the store composes the slices). */
export const createSelectionSlice = (): SelectionSlice => ({
  selectedCpu: 0,
  hexLength: HEX_PAGE,
  handlersTab: 'mmi',
});
