/**
 * A firmware module as the dispatcher tracks it (EFI_SMM_DRIVER_ENTRY, facts §1.9): plain data.
 * The module's code lives in its ModuleDef, found by name.
 */

import type { Guid } from '../lib/Guid';

export type ModuleState = 'dispatched' | 'dependent' | 'failed' | 'hung' | 'unloaded';

export type DispatchState = 'discovered' | 'dependent' | 'scheduled' | 'initialized';

export interface ModuleRecord {
  name: string;
  fileGuid: Guid;
  kind: 'SMM_CORE' | 'DXE_SMM_DRIVER' | 'DXE_DRIVER' | 'PEIM';
  /** Dispatcher flags: Dependent -> Scheduled -> Initialized. */
  dispatch: DispatchState;
  /** Outcome shown to the user. */
  state: ModuleState;
  reason: string;
  depexText: string;
  /** Compiled depex; PUSH opcodes of satisfied GUIDs get rewritten to 0xFF in place, as edk2 does. */
  depex: Uint8Array | null;
  missing: Guid[];
  /** DEBUG_DISPATCH lines of the last depex evaluation. */
  depexTrace: string[];
  imageBase: number;
  imageSize: number;
  entryStatus: string | null;
  /** Module globals (mDispatchHandle, ...), plain values only. */
  globals: Record<string, number | string | boolean>;
}
