/**
 * MdeModulePkg/Core/PiSmmCore (SmmMain and the core's own GUID handlers, facts §1.9): registers
 * mSmmCoreSmiHandlers, discovers the SMM drivers of the firmware volume, dispatches them on
 * gEfiEventDxeDispatchGuid, reports undispatched drivers at SmmReadyToLock, and unregisters the
 * handlers it no longer needs (inside SmiManage, so the removal is deferred).
 */

import { bumpTables, type Machine } from '../pi/Platform';
import { write8 } from '../machine/Memory';
import { compileDepex, DepexSyntaxError } from '../pi/Depex';
import { displayDiscoveredNotDispatched, loadImage, SmmDispatcher } from '../pi/Dispatcher';
import type { EfiStatus } from '../pi/EfiStatus';
import { ev, type Gen } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { type Guid, GUIDS, registerGuidName } from '../pi/Guid';
import { MmiHandlerRegister, MmiHandlerUnRegister } from '../pi/Mmi';
import type { ModuleRecord } from '../pi/ModuleRecord';
import { SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import { smmAllocatePages } from '../pi/SmramAlloc';
import type { ModuleDef } from '../pi/Platform';
import { COMM_BUFFER_SMM_DISPATCH_ERROR, COMM_BUFFER_SMM_DISPATCH_RESTART, COMM_BUFFER_SMM_DISPATCH_SUCCESS } from '../pi/SmmCoreState';

export const CORE_GUIDS = {
  gEfiEventLegacyBootGuid: '2a571201-4966-47f6-8b86-f31e41f32f10',
  gEfiEventExitBootServicesGuid: '27abf055-b1b8-4c26-8048-748f37baa2df',
  gEfiEventReadyToBootGuid: '7ce88fb3-4bd7-4679-87a8-a8d8dee50d2b',
  gEfiSmmEndOfDxeProtocolGuid: '24e70042-d5c5-4260-8c39-0ad3aa32e93d',
  gEfiSmmReadyToLockProtocolGuid: '47b7fa8c-f4bd-4af6-8200-333086f0d2c8',
} as const;
for (const [n, g] of Object.entries(CORE_GUIDS)) registerGuidName(g, n);

/** mSmmCoreSmiHandlers: handler, GUID, UnRegister-at-ReadyToLock. */
const CORE_SMI_HANDLERS: [string, Guid, boolean][] = [
  ['SmmDriverDispatchHandler', GUIDS.gEfiEventDxeDispatchGuid, true],
  ['SmmReadyToLockHandler', GUIDS.gEfiDxeSmmReadyToLockProtocolGuid, true],
  ['SmmLegacyBootHandler', CORE_GUIDS.gEfiEventLegacyBootGuid, false],
  ['SmmExitBootServicesHandler', CORE_GUIDS.gEfiEventExitBootServicesGuid, false],
  ['SmmReadyToBootHandler', CORE_GUIDS.gEfiEventReadyToBootGuid, false],
  ['SmmEndOfDxeHandler', GUIDS.gEfiEndOfDxeEventGroupGuid, true],
];

const SmmDriverDispatchHandler: MmiHandlerFn = function* (fw, _h, _ctx, commBuffer) {
  const status = yield* SmmDispatcher(fw);
  const verdict = status === 'EFI_NOT_READY' ? COMM_BUFFER_SMM_DISPATCH_RESTART : status === 'EFI_SUCCESS' ? COMM_BUFFER_SMM_DISPATCH_SUCCESS : COMM_BUFFER_SMM_DISPATCH_ERROR;
  if (commBuffer) write8(fw.m.s.mem, commBuffer, verdict);
  return 'EFI_SUCCESS';
};

function* unregisterCoreHandlers(fw: Fw): Gen<void> {
  for (const [name, , unregister] of CORE_SMI_HANDLERS) {
    const h = fw.mod.globals[`DispatchHandle.${name}`];
    if (unregister && typeof h === 'number') yield* MmiHandlerUnRegister(fw, h);
  }
}

const SmmReadyToLockHandler: MmiHandlerFn = function* (fw) {
  yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEfiSmmReadyToLockProtocolGuid);
  // Handlers only needed during driver dispatch go away (deferred: we are inside SmiManage).
  yield* unregisterCoreHandlers(fw);
  displayDiscoveredNotDispatched(fw);
  fw.m.s.smm.readyToLock = true;
  yield ev('communicate', fw.cpu, 'SmmReadyToLockHandler: SMM is locked down; drivers still Dependent are reported "discovered but not loaded"');
  return 'EFI_SUCCESS';
};

const SmmEndOfDxeHandler: MmiHandlerFn = function* (fw) {
  fw.m.s.smm.endOfDxe = true;
  yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEfiSmmEndOfDxeProtocolGuid);
  return 'EFI_SUCCESS';
};

const noteEvent = (what: string): MmiHandlerFn =>
  function* (fw) {
    yield ev('communicate', fw.cpu, `PiSmmCore: ${what}`);
    return 'EFI_SUCCESS';
  };

function* smmMain(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const smm = m.s.smm;
  const pool = smmAllocatePages(m, 0x4000, 'SMM core data (SMST, pool: SMI_HANDLER/SMI_ENTRY records)', 'core-data');
  if (pool === null) return 'EFI_OUT_OF_RESOURCES';
  smm.poolNext = pool;
  smm.poolEnd = pool + 0x4000;
  smm.loaded = true;
  for (const [name, guid] of CORE_SMI_HANDLERS) {
    const [status, handle] = yield* MmiHandlerRegister(fw, name, guid);
    if (status !== 'EFI_SUCCESS') return status;
    fw.mod.globals[`DispatchHandle.${name}`] = handle;
  }
  return 'EFI_SUCCESS';
}

export const PiSmmCore: ModuleDef = {
  name: 'PiSmmCore',
  fileGuid: 'e94f54cd-81eb-47ed-aec3-856f5dc157a9',
  kind: 'SMM_CORE',
  depex: null,
  imageSize: 0x1f000,
  entry: smmMain,
  handlers: {
    SmmDriverDispatchHandler,
    SmmReadyToLockHandler,
    SmmLegacyBootHandler: noteEvent('legacy boot event'),
    SmmExitBootServicesHandler: noteEvent('ExitBootServices event'),
    SmmReadyToBootHandler: noteEvent('ReadyToBoot event'),
    SmmEndOfDxeHandler,
  },
  summary: 'MdeModulePkg/Core/PiSmmCore: SMST, protocol and MMI handler databases, SmmEntryPoint, driver dispatcher',
};

export function newModuleRecord(def: ModuleDef): ModuleRecord {
  let depex: Uint8Array | null = null;
  let reason = def.kind === 'DXE_SMM_DRIVER' ? 'discovered in the firmware volume; depex not evaluated yet' : 'not started';
  let state: ModuleRecord['state'] = def.kind === 'DXE_SMM_DRIVER' ? 'dependent' : 'unloaded';
  if (def.depex !== null) {
    try {
      depex = compileDepex(def.depex);
    } catch (e) {
      if (!(e instanceof DepexSyntaxError)) throw e;
      reason = `[Depex] does not compile: ${e.message}`;
      state = 'failed';
    }
  }
  return {
    name: def.name,
    fileGuid: def.fileGuid,
    kind: def.kind,
    dispatch: def.kind === 'DXE_SMM_DRIVER' ? 'discovered' : 'initialized',
    state,
    reason,
    depexText: def.depex ?? '',
    depex,
    missing: [],
    depexTrace: [],
    imageBase: 0,
    imageSize: def.imageSize,
    entryStatus: null,
    globals: {},
  };
}

/** PiSmmIpl's ExecuteSmmCoreFromSmram: load PiSmmCore at the top of TSEG and run SmmMain. */
export function* loadSmmCore(m: Machine): Gen<EfiStatus> {
  const rec = m.s.modules.find((x) => x.name === 'PiSmmCore');
  if (!rec) return 'EFI_NOT_FOUND';
  if (loadImage(m, rec) === null) return 'EFI_OUT_OF_RESOURCES';
  rec.state = 'dispatched';
  rec.reason = 'loaded into SMRAM by PiSmmIpl';
  bumpTables(m);
  const status = yield* smmMain({ m, mod: rec, cpu: 0 });
  rec.entryStatus = status;
  return status;
}
