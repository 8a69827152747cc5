import { saveTermSize, TERM_SIZES, type TermSize } from '../store/layoutSlice';
import { appStore } from '../store/store';

/** Sets the terminal's size and remembers it. */
export function setTermSize(size: TermSize): void {
  appStore.setState({ termSize: size });
  saveTermSize(size);
}

/** panel → lower row → full height → panel (the terminal's button and Alt+Enter). */
export function cycleTermSize(): void {
  const now = appStore.getState().termSize;
  setTermSize(TERM_SIZES[(TERM_SIZES.indexOf(now) + 1) % TERM_SIZES.length]);
}

/** Gives the terminal's prompt the keyboard. */
export function focusTerminal(): void {
  (document.querySelector('.terminal-host textarea') as HTMLTextAreaElement | null)?.focus();
}

/** Opens or closes the "?" key list; closing it gives the keyboard back to the terminal. */
export function setKeysOpen(open: boolean): void {
  appStore.setState({ keysOpen: open });
  if (!open) focusTerminal();
}
