/**
 * MdeModulePkg/Core/PiSmmCore (SmmMain and the core's own GUID handlers, facts §1.9): registers
 * mSmmCoreSmiHandlers, discovers the SMM drivers of the firmware volume, dispatches them on
 * gEfiEventDxeDispatchGuid, reports undispatched drivers at SmmReadyToLock, and unregisters the
 * handlers it no longer needs (inside SmiManage, so the removal is deferred).
 */

import { addRegion, bumpTables, type Machine } from '../pi/Platform';
import { write32, write64, write8, writeBytes } from '../machine/Memory';
import { compileDepex, DepexSyntaxError } from '../pi/Depex';
import { displayDiscoveredNotDispatched, SmmDispatcher } from '../pi/Dispatcher';
import type { EfiStatus } from '../lib/EfiStatus';
import { ASSERT_EFI_ERROR, DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import { ev, type Gen } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { type Guid, GUIDS, registerGuidName } from '../lib/Guid';
import { MmiHandlerRegister, MmiHandlerUnRegister } from '../pi/Mmi';
import type { ModuleRecord } from '../pi/ModuleRecord';
import { SmmInstallProtocolInterface, SmmLocateProtocol } from '../pi/ProtocolDb';
import { type SmramDescriptor } from '../pi/SmramMap';
import { smramNotFree } from '../pi/Smram';
import { smmAllocatePages } from '../pi/SmramAlloc';
import { smmMemLibConstructor } from '../pi/SmmMemLib';
import type { ModuleDef } from '../pi/Platform';
import { COMM_BUFFER_SMM_DISPATCH_ERROR, COMM_BUFFER_SMM_DISPATCH_RESTART, COMM_BUFFER_SMM_DISPATCH_SUCCESS } from '../pi/SmmCoreState';
import { initSmst, SMST_SIZE } from '../pi/Smst';
import { smmAccess2GetCapabilities } from './SmmAccess2Dxe';
import { SMST_MEMORY_NATIVES } from './SmstMemoryServices';
import { SMST_PROTOCOL_NATIVES } from './SmstProtocolServices';

/** The model's image layout of PiSmmCore.efi (not a real PE image): entry point, SmmEntryPoint, mRootSmiEntry. */
export const SMM_CORE_ENTRY_OFFSET = 0x1000;
export const SMM_ENTRY_POINT_OFFSET = 0x1800;
export const ROOT_SMI_ENTRY_OFFSET = 0x10000;
/** gSmmCoreSmst (pi/Smst.ts), a static of PiSmmCore.c, after mRootSmiEntry; then mSmmSystemTableAllocateSize (UINTN). */
export const SMST_OFFSET = 0x10040;
const SIG_SMIE = 0x65696d73; // 'smie'

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
  // gSmmCorePrivate->SmmEntryPoint = SmmEntryPoint (PiSmmIpl registers it once PiSmmCpuDxeSmm is up).
  smm.priv.smmEntryPoint = fw.mod.imageBase + SMM_ENTRY_POINT_OFFSET;
  const pool = smmAllocatePages(m, 0x4000, 'SMM core data (pool: SMI_HANDLER/SMI_ENTRY records)', 'core-data');
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
  imageSize: 0x11000, // SizeOfImage of the pinned commit's DEBUG build ("PiSmmCoreImageSize - 0x11000")
  entry: smmMain,
  handlers: {
    SmmDriverDispatchHandler,
    SmmReadyToLockHandler,
    SmmLegacyBootHandler,
    SmmExitBootServicesHandler,
    SmmReadyToBootHandler,
    SmmEndOfDxeHandler,
  },
  natives: { ...SMST_MEMORY_NATIVES, ...SMST_PROTOCOL_NATIVES },
  summary: 'The SMM core: the SMST, the SMM protocol and MMI handler databases, SmmEntryPoint (Communicate, then the root handlers) and the SMM driver dispatcher',
  path: 'MdeModulePkg/Core/PiSmmCore/PiSmmCore.inf',
  produces: [CORE_GUIDS.gEfiSmmReadyToLockProtocolGuid, CORE_GUIDS.gEfiSmmEndOfDxeProtocolGuid, CORE_GUIDS.gEdkiiSmmReadyToBootProtocolGuid, CORE_GUIDS.gEdkiiSmmExitBootServicesProtocolGuid, CORE_GUIDS.gEdkiiSmmLegacyBootProtocolGuid],
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

/**
 * SmmAddMemoryRegion (Page.c): allocated (or untested) ranges become EfiRuntimeServicesData (6),
 * free ones EfiConventionalMemory (7) that the page allocator hands out.
 */
function smmAddMemoryRegion(fw: Fw, d: SmramDescriptor): void {
  const type = smramNotFree(d) ? 6 : 7;
  DEBUG(fw, DEBUG_INFO, 'SmmAddMemoryRegion\n');
  DEBUG(fw, DEBUG_INFO, '  MemBase    - 0x%lx\n', BigInt(d.cpuStart));
  DEBUG(fw, DEBUG_INFO, '  MemLength  - 0x%lx\n', BigInt(d.physicalSize));
  DEBUG(fw, DEBUG_INFO, '  Type       - 0x%x\n', type);
  DEBUG(fw, DEBUG_INFO, '  Attributes - 0x%lx\n', BigInt(d.regionState));
  if (type === 7) {
    // The model's page allocator serves one free range, top-down (as the core's allocator does here).
    fw.m.s.smm.allocTop = d.cpuStart + d.physicalSize;
    fw.m.s.smm.allocBottom = d.cpuStart;
  }
}

/**
 * SmmInitializeMemoryServices (Pool.c, called from PiSmmCoreMemoryAllocationLib's constructor):
 * add the free SMRAM ranges first, then the allocated ones.
 */
function smmInitializeMemoryServices(fw: Fw, ranges: SmramDescriptor[]): void {
  for (const d of ranges) if (!smramNotFree(d) && d.physicalSize) smmAddMemoryRegion(fw, d);
  for (const d of ranges) if (smramNotFree(d) && d.physicalSize) smmAddMemoryRegion(fw, d);
}

/** Smi.c's static mRootSmiEntry: an SMI_ENTRY ('smie') in the core's data, both list heads empty. */
function initRootSmiEntry(m: Machine, at: number): void {
  writeBytes(m.s.mem, at, new Uint8Array(56));
  write32(m.s.mem, at, SIG_SMIE);
  write64(m.s.mem, at + 8, BigInt(at + 8)); // AllEntries: INITIALIZE_LIST_HEAD_VARIABLE
  write64(m.s.mem, at + 16, BigInt(at + 8));
  write64(m.s.mem, at + 40, BigInt(at + 40)); // SmiHandlers
  write64(m.s.mem, at + 48, BigInt(at + 40));
  m.s.smm.rootSmiEntry = at;
}

/**
 * PiSmmIpl's ExecuteSmmCoreFromSmram, from the point the image is placed at `imageAddress`:
 * load PiSmmCore there, run its library constructors (memory services over
 * gSmmCorePrivate->SmramRanges, SmmMemLib over the SmmAccess2 descriptors), then SmmMain.
 */
export function* executeSmmCore(m: Machine, imageAddress: number): Gen<EfiStatus> {
  const rec = m.s.modules.find((x) => x.name === 'PiSmmCore');
  if (!rec) return 'EFI_NOT_FOUND';
  rec.imageBase = imageAddress;
  addRegion(m, { base: imageAddress, size: rec.imageSize, kind: 'module', label: `${rec.name}.efi` });
  writeBytes(m.s.mem, imageAddress, Uint8Array.from(`MZ SmiScope image: ${rec.name}.efi (module logic is modelled in TypeScript)`, (ch) => ch.charCodeAt(0) & 0x7f));
  initRootSmiEntry(m, imageAddress + ROOT_SMI_ENTRY_OFFSET);
  initSmst(m, imageAddress + SMST_OFFSET);
  write64(m.s.mem, imageAddress + SMST_OFFSET + SMST_SIZE, 0n); // mSmmSystemTableAllocateSize
  rec.state = 'dispatched';
  rec.reason = 'loaded into SMRAM by PiSmmIpl (ExecuteSmmCoreFromSmram)';
  bumpTables(m);
  const fw: Fw = { m, mod: rec, cpu: 0 };
  smmInitializeMemoryServices(fw, m.s.smm.smramRanges);
  smmMemLibConstructor(fw, smmAccess2GetCapabilities(m));
  const status = yield* smmMain(fw);
  rec.entryStatus = status;
  return status;
}
