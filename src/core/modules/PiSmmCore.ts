/**
 * MdeModulePkg/Core/PiSmmCore (SmmMain and the core's own GUID handlers, facts §1.9): registers
 * mSmmCoreSmiHandlers, discovers the SMM drivers of the firmware volume, dispatches them on
 * gEfiEventDxeDispatchGuid, reports undispatched drivers at SmmReadyToLock, and unregisters the
 * handlers it no longer needs (inside SmiManage, so the removal is deferred).
 */

import { bumpTables, type Machine } from '../machine/Machine';
import { write8 } from '../machine/Memory';
import { compileDepex, DepexSyntaxError } from '../pi/Depex';
import { displayDiscoveredNotDispatched, loadImage, SmmDispatcher } from '../pi/Dispatcher';
import type { EfiStatus } from '../pi/EfiStatus';
import { ASSERT_EFI_ERROR, DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import { ev, type Fw, type Gen, type MmiHandlerFn } from '../pi/Fw';
import { type Guid, GUIDS, registerGuidName } from '../pi/Guid';
import { MmiHandlerRegister, MmiHandlerUnRegister } from '../pi/Mmi';
import type { ModuleRecord } from '../pi/ModuleRecord';
import { SmmInstallProtocolInterface, SmmLocateProtocol } from '../pi/ProtocolDb';
import { smmAllocatePages } from '../pi/SmramAlloc';
import type { ModuleDef } from './ModuleDef';
import { COMM_BUFFER_SMM_DISPATCH_ERROR, COMM_BUFFER_SMM_DISPATCH_RESTART, COMM_BUFFER_SMM_DISPATCH_SUCCESS } from './PiSmmIpl';

export const CORE_GUIDS = {
  gEfiEventLegacyBootGuid: '2a571201-4966-47f6-8b86-f31e41f32f10',
  gEfiEventExitBootServicesGuid: '27abf055-b1b8-4c26-8048-748f37baa2df',
  gEfiEventReadyToBootGuid: '7ce88fb3-4bd7-4679-87a8-a8d8dee50d2b',
  gEfiSmmEndOfDxeProtocolGuid: '24e70042-d5c5-4260-8c39-0ad3aa32e93d',
  gEfiSmmReadyToLockProtocolGuid: '47b7fa8c-f4bd-4af6-8200-333086f0d2c8',
  // MdeModulePkg/MdeModulePkg.dec
  gEdkiiSmmReadyToBootProtocolGuid: '6e057ecf-fa99-4f39-95bc-59f9921d17e4',
  gEdkiiSmmExitBootServicesProtocolGuid: '296eb418-c4c8-4e05-ab59-39e8af56f00a',
  gEdkiiSmmLegacyBootProtocolGuid: '85a8ab57-0644-4110-850f-981322047070',
} as const;
for (const [n, g] of Object.entries(CORE_GUIDS)) registerGuidName(g, n);

/** mSmmCoreSmiHandlers (PiSmmCore.c): handler, GUID, UnRegister-at-ReadyToLock. */
export const CORE_SMI_HANDLERS: [string, Guid, boolean][] = [
  ['SmmDriverDispatchHandler', GUIDS.gEfiEventDxeDispatchGuid, true],
  ['SmmReadyToLockHandler', GUIDS.gEfiDxeSmmReadyToLockProtocolGuid, true],
  ['SmmLegacyBootHandler', CORE_GUIDS.gEfiEventLegacyBootGuid, false],
  ['SmmExitBootServicesHandler', CORE_GUIDS.gEfiEventExitBootServicesGuid, false],
  ['SmmReadyToBootHandler', CORE_GUIDS.gEfiEventReadyToBootGuid, false],
  ['SmmEndOfDxeHandler', GUIDS.gEfiEndOfDxeEventGroupGuid, true],
];

const FILE = 'PiSmmCore.c';

const SmmDriverDispatchHandler: MmiHandlerFn = function* (fw, _h, _ctx, commBuffer, commBufferSize) {
  const status = yield* SmmDispatcher(fw);
  const verdict = status === 'EFI_NOT_READY' ? COMM_BUFFER_SMM_DISPATCH_RESTART : status === 'EFI_SUCCESS' ? COMM_BUFFER_SMM_DISPATCH_SUCCESS : COMM_BUFFER_SMM_DISPATCH_ERROR;
  if (commBuffer && commBufferSize && commBufferSize.value > 0) write8(fw.m.s.mem, commBuffer, verdict);
  return 'EFI_SUCCESS';
};

function handleOf(fw: Fw, name: string): number | undefined {
  const h = fw.mod.globals[`DispatchHandle.${name}`];
  return typeof h === 'number' ? h : undefined;
}

function* unregister(fw: Fw, name: string): Gen<void> {
  const h = handleOf(fw, name);
  if (h !== undefined) yield* MmiHandlerUnRegister(fw, h);
}

/**
 * SmmReadyToLockHandler, in upstream order: unregister the handlers only needed while drivers are
 * dispatched (deferred: we are inside SmiManage); install gEfiSmmReadyToLockProtocolGuid (its
 * notifications run now); SmmLocateProtocol (gEfiSmmCpuIo2ProtocolGuid) with ASSERT_EFI_ERROR;
 * SmmDisplayDiscoveredNotDispatched; gST = gBS = NULL.
 */
const SmmReadyToLockHandler: MmiHandlerFn = function* (fw) {
  for (const [name, , unreg] of CORE_SMI_HANDLERS) if (unreg) yield* unregister(fw, name);
  yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEfiSmmReadyToLockProtocolGuid, 0);
  const [status] = yield* SmmLocateProtocol(fw, GUIDS.gEfiSmmCpuIo2ProtocolGuid);
  if (status !== 'EFI_SUCCESS') DEBUG(fw, DEBUG_ERROR, '\nSMM: SmmCpuIo Arch Protocol not present!!\n');
  ASSERT_EFI_ERROR(fw, status, FILE, 398);
  displayDiscoveredNotDispatched(fw);
  fw.m.s.smm.readyToLock = true;
  fw.m.s.smm.bootServicesGone = true;
  yield ev('communicate', fw.cpu, 'SmmReadyToLockHandler: gST = gBS = NULL - SMM code can no longer call UEFI boot services; drivers still Dependent were reported "discovered but not loaded"');
  return status;
};

/** SmmEndOfDxeHandler: DEBUG_INFO "SmmEndOfDxeHandler", install gEfiSmmEndOfDxeProtocolGuid (S3 is off on this machine). */
const SmmEndOfDxeHandler: MmiHandlerFn = function* (fw) {
  DEBUG(fw, DEBUG_INFO, 'SmmEndOfDxeHandler\n');
  fw.m.s.smm.endOfDxe = true;
  yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEfiSmmEndOfDxeProtocolGuid, 0);
  yield ev('communicate', fw.cpu, 'SmmEndOfDxeHandler: mAcpiS3Enable is FALSE (PcdAcpiS3Enable; this machine, like the logged boot, runs with S3 off), so no S3 entry callback is registered - and OVMF has no EFI_SMM_SX_DISPATCH2_PROTOCOL to register one with anyway');
  return 'EFI_SUCCESS';
};

/** SmmReadyToBootHandler: install gEdkiiSmmReadyToBootProtocolGuid, unregister itself. */
const SmmReadyToBootHandler: MmiHandlerFn = function* (fw, dispatchHandle) {
  const status = yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEdkiiSmmReadyToBootProtocolGuid, 0);
  yield* MmiHandlerUnRegister(fw, dispatchHandle);
  return status;
};

/** SmmExitBootServicesHandler: install gEdkiiSmmExitBootServicesProtocolGuid, unregister itself and SmmLegacyBootHandler. */
const SmmExitBootServicesHandler: MmiHandlerFn = function* (fw, dispatchHandle) {
  const status = yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEdkiiSmmExitBootServicesProtocolGuid, 0);
  yield* MmiHandlerUnRegister(fw, dispatchHandle);
  yield* unregister(fw, 'SmmLegacyBootHandler');
  return status;
};

/** SmmLegacyBootHandler: install gEdkiiSmmLegacyBootProtocolGuid, mInLegacyBoot = TRUE, unregister itself and SmmExitBootServicesHandler. */
const SmmLegacyBootHandler: MmiHandlerFn = function* (fw, dispatchHandle) {
  const status = yield* SmmInstallProtocolInterface(fw, CORE_GUIDS.gEdkiiSmmLegacyBootProtocolGuid, 0);
  fw.m.s.smm.inLegacyBoot = true;
  yield* MmiHandlerUnRegister(fw, dispatchHandle);
  yield* unregister(fw, 'SmmExitBootServicesHandler');
  yield ev('communicate', fw.cpu, 'SmmLegacyBootHandler: mInLegacyBoot = TRUE - from now on SmmEntryPoint never reads gSmmCorePrivate (a legacy OS owns that memory), so Communicate stops working');
  return status;
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
    SmmLegacyBootHandler,
    SmmExitBootServicesHandler,
    SmmReadyToBootHandler,
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
