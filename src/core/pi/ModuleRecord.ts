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

/** Per list of records: its length when indexed, and the first record of each name. */
const BY_NAME = new WeakMap<readonly ModuleRecord[], { n: number; byName: Map<string, ModuleRecord> }>();

/**
 * `modules.find((x) => x.name === name)`, through an index kept per list (SmiManage looks up the
 * module of every handler it calls, on every SMI). The machine's list only grows (records are
 * pushed, then changed in place), so the index is rebuilt when its length changes.
 */
export function findModule(modules: readonly ModuleRecord[], name: string): ModuleRecord | undefined {
  let ix = modules === lastList ? lastIndex : BY_NAME.get(modules); // the same machine asks again and again
  if (ix === undefined || ix.n !== modules.length) {
    const byName = new Map<string, ModuleRecord>();
    for (const r of modules) if (!byName.has(r.name)) byName.set(r.name, r);
    BY_NAME.set(modules, (ix = { n: modules.length, byName }));
  }
  lastList = modules;
  lastIndex = ix;
  return ix.byName.get(name);
}
let lastList: readonly ModuleRecord[] | null = null;
let lastIndex: { n: number; byName: Map<string, ModuleRecord> } | undefined;

