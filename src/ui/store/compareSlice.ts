/**
 * The compare view (one script on two platforms, side by side): whether it is open, its form
 * (the two platform specs, the script, the scope) and the worker's last answer.
 */
import type { CompareResult, CompareScope } from '../../protocol/compare';

export interface CompareForm {
  /** What `platform` takes, e.g. "ovmf --module SwDispatch2Locate". */
  a: string;
  b: string;
  /** Console lines (or a session file's JSON). */
  script: string;
  scope: CompareScope;
}

export interface CompareSlice {
  compareOpen: boolean;
  compareForm: CompareForm;
  /** The script box still holds what the view put there (the session's lines), not the user's edits. */
  compareScriptFromSession: boolean;
  /** The id of the compare the worker is running, or null. */
  comparePending: number | null;
  compareResult: CompareResult | null;
  compareError: string | null;
  compareNotes: string[];
}

/**
 * The seed thread's module that waits for EFI_SMM_SW_DISPATCH2_PROTOCOL in its depex, on OVMF
 * (nothing produces it: never loaded) and on the PCH machine (its SMI dispatcher does: loaded).
 */
export const DEFAULT_COMPARE_FORM: CompareForm = {
  a: 'ovmf --module SwDispatch2Depex',
  b: 'pch --module SwDispatch2Depex',
  script: '',
  scope: 'all',
};

/** The slice's initial state (the store composes the slices). */
export const createCompareSlice = (): CompareSlice => ({
  compareOpen: false,
  compareForm: DEFAULT_COMPARE_FORM,
  compareScriptFromSession: true,
  comparePending: null,
  compareResult: null,
  compareError: null,
  compareNotes: [],
});
