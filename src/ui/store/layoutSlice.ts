/**
 * How the page is laid out: the terminal's size (remembered across reloads) and the "?" key
 * overlay.
 */

import { readStored, writeStored } from './stored';

/** panel: its cell in the lower row; row: the whole lower row; page: everything under the top bar. */
export type TermSize = 'panel' | 'row' | 'page';

export const TERM_SIZES: TermSize[] = ['panel', 'row', 'page'];

export interface LayoutSlice {
  termSize: TermSize;
  keysOpen: boolean;
}

const TERM_SIZE_KEY = 'smiscope.terminalSize';

function savedTermSize(): TermSize {
  const v = readStored(TERM_SIZE_KEY);
  return TERM_SIZES.includes(v as TermSize) ? (v as TermSize) : 'panel';
}

export function saveTermSize(size: TermSize): void {
  writeStored(TERM_SIZE_KEY, size);
}

/** The slice's initial state (the store composes the slices). */
export const createLayoutSlice = (): LayoutSlice => ({
  termSize: savedTermSize(),
  keysOpen: false,
});
