/**
 * MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c, the DXE side of SMM: opens SMRAM, loads PiSmmCore into
 * the largest free SMRAM descriptor (carving the core's own range from its top), owns
 * gSmmCorePrivate, produces EFI_SMM_COMMUNICATION_PROTOCOL (SmmCommunicationCommunicate) and
 * drives the SMM driver dispatcher and the DXE events through it. After the first dispatch
 * returns "restart" (PiSmmCpuDxeSmm registered the SMM entry point) it closes SMRAM, then
 * dispatches again through a real SMI.
 */

import { serialNote } from '../machine/Debugcon';
import { read8, write64, writeBytes } from '../machine/Memory';
import { ASSERT_EFI_ERROR, DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../pi/EfiStatus';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { type Guid, GUIDS, guidName, guidToBytes, guidFromBytes, registerGuidName } from '../pi/Guid';
import { MmiManage } from '../pi/Mmi';
import { installUefiProtocol, uefiProtocolInstalled } from '../pi/ProtocolDb';
import { EFI_ALLOCATED, smramNotFree } from '../pi/Smram';
import { type SmramDescriptor } from '../pi/SmramMap';
import { SMM_COMMUNICATE_HEADER_SIZE } from '../pi/SmmEntryPoint';
import { readBytes } from '../machine/Memory';
import type { Machine } from '../pi/Platform';
import type { ModuleDef } from '../pi/Platform';
import { COMM_BUFFER_SMM_DISPATCH_RESTART } from '../pi/SmmCoreState';
import { smmControl2Trigger } from './SmmControl2Dxe';
import { executeSmmCore, SMM_CORE_ENTRY_OFFSET } from './PiSmmCore';
import { smmAccess2Close, smmAccess2GetCapabilities, smmAccess2Open } from './SmmAccess2Dxe';

export const IPL_GUIDS = {
  gEfiMmCommunication2ProtocolGuid: '378daedc-f06b-4446-8314-40ab933c87a3',
  gEfiMmCommunication3ProtocolGuid: 'f7234a14-0df2-46c0-ad28-90e6b883a72f',
} as const;
for (const [n, g] of Object.entries(IPL_GUIDS)) registerGuidName(g, n);

/** EFI_MEMORY_WB: the GCD attributes PiSmmIpl gives the SMRAM window (printed as "SMRAM attributes"). */
const EFI_MEMORY_WB = 0x8;
const EFI_PAGE_SIZE = 0x1000;
/** The model's PE section alignment for PiSmmCore.efi. */
const SECTION_ALIGNMENT = 0x1000;

export function iplFw(m: Machine, cpu = 0): Fw {
  const mod = m.s.modules.find((x) => x.name === 'PiSmmIpl');
  if (!mod) throw new Error('internal: PiSmmIpl not present');
  return { m, mod, cpu };
}

export interface CommunicateResult {
  status: EfiStatus;
  commSize: number;
  why: string;
}

/**
 * SmmCommunicationCommunicate (facts §1.6). `commSize` null = NULL (size from MessageLength).
 * With the SMM entry point registered and not in SMM this raises a real SMI through SmmControl2;
 * before that it calls SmiManage directly.
 */
export function* SmmCommunicationCommunicate(m: Machine, cpu: number, commBuffer: number, commSize: number | null): Gen<CommunicateResult> {
  const fw = iplFw(m, cpu);
  const priv = m.s.smm.priv;
  if (commBuffer === 0) return { status: 'EFI_INVALID_PARAMETER', commSize: 0, why: 'CommBuffer is NULL' };
  const msgLen = Number(readBytes(m.s.mem, commBuffer + 16, 8).reduceRight((a, b) => a * 256 + b, 0));
  const size = commSize === null ? SMM_COMMUNICATE_HEADER_SIZE + msgLen : commSize;
  if (commSize !== null && commSize < SMM_COMMUNICATE_HEADER_SIZE) {
    return { status: 'EFI_INVALID_PARAMETER', commSize, why: `*CommSize ${hex(commSize)} < OFFSET_OF (EFI_SMM_COMMUNICATE_HEADER, Data) = 0x18` };
  }
  const guid = guidFromBytes(readBytes(m.s.mem, commBuffer, 16));
  if (!priv.inSmm && priv.smmEntryPointRegistered) {
    const writes = smmControl2Trigger(null, null, false, 0);
    if (writes === 'EFI_DEVICE_ERROR') return { status: 'EFI_UNSUPPORTED', commSize: size, why: 'Trigger failed' };
    yield* m.smi(m, { cpu, writes, communicate: { address: commBuffer, size, guid } });
    // An SMI that reached no SmmEntryPoint (no BSP) leaves CommunicationBuffer set and ReturnStatus as it was.
    const pending = priv.commBuffer === commBuffer;
    return {
      status: priv.returnStatus,
      commSize: priv.bufferSize,
      why: pending
        ? 'via SMI (SmmControl2 Trigger), but the SMI reached no SmmEntryPoint: this ReturnStatus is stale, the request stays pending in gSmmCorePrivate->CommunicationBuffer'
        : 'via SMI (SmmControl2 Trigger)',
    };
  }
  if (!priv.inSmm && (!m.s.smm.smramOpen || m.s.smm.smramLocked)) {
    return { status: 'EFI_INVALID_PARAMETER', commSize: size, why: 'SMM entry point not registered and SMRAM is closed or locked' };
  }
  yield ev('communicate', cpu, `PiSmmIpl SmmCommunicationCommunicate(${guidName(guid)}): SMM entry point not registered yet -> gSmst->SmiManage called directly, no SMI`, 'phase');
  const dataSize = { value: size - SMM_COMMUNICATE_HEADER_SIZE };
  const status = yield* MmiManage(fw, guid, 0, commBuffer + SMM_COMMUNICATE_HEADER_SIZE, dataSize);
  return { status: status === 'EFI_SUCCESS' ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND', commSize: dataSize.value + SMM_COMMUNICATE_HEADER_SIZE, why: 'direct SmiManage' };
}

/** mCommunicateHeader in PiSmmIpl's runtime data: a header plus one byte of data. */
export function iplCommunicateHeader(m: Machine): number {
  return m.s.config.runtimeDataBase + 0x1000;
}

function writeHeader(m: Machine, at: number, guid: Guid, data: Uint8Array): void {
  writeBytes(m.s.mem, at, guidToBytes(guid));
  write64(m.s.mem, at + 16, BigInt(data.length));
  writeBytes(m.s.mem, at + SMM_COMMUNICATE_HEADER_SIZE, data);
}

/** SmmIplDispatchDriver: Communicate gEfiEventDxeDispatchGuid until the core stops asking to restart. */
export function* smmIplDispatchDriver(m: Machine): Gen<void> {
  const at = iplCommunicateHeader(m);
  for (let round = 0; round < 8; round++) {
    writeHeader(m, at, GUIDS.gEfiEventDxeDispatchGuid, new Uint8Array([0]));
    const r = yield* SmmCommunicationCommunicate(m, 0, at, null);
    const verdict = read8(m.s.mem, at + SMM_COMMUNICATE_HEADER_SIZE);
    if (verdict !== COMM_BUFFER_SMM_DISPATCH_RESTART) return;
    // SmmIplDxeDispatchEventNotify: close SMRAM before the dispatcher runs again (now through an SMI).
    const fw = iplFw(m);
    const closed = smmAccess2Close(m);
    ASSERT_EFI_ERROR(fw, closed, 'PiSmmIpl.c', 923);
    DEBUG(fw, DEBUG_INFO, 'SMM IPL closed SMRAM window\n');
    yield ev('trigger', 0, 'PiSmmIpl SmmIplDxeDispatchEventNotify: the SMM core dispatcher asked for a restart (SMM entry point now registered): mSmmAccess->Close (SMRAM closed), then dispatch again through an SMI');
    serialNote(m, 'PiSmmIpl: the SMM core dispatcher asked for a restart (SMM entry point now registered): SMRAM closed, dispatching again through an SMI');
  }
}

/** SmmIplGuidedEventNotify / SmmIplReadyToLockEventNotify: tell the SMM core about a DXE event. */
export function* smmIplSignalEvent(m: Machine, guid: Guid): Gen<CommunicateResult> {
  const at = iplCommunicateHeader(m);
  writeHeader(m, at, guid, new Uint8Array([0]));
  return yield* SmmCommunicationCommunicate(m, 0, at, null);
}

/** SmmIplSmmConfigurationEventNotify: RegisterSmmEntry (SmmEntryPoint); SmmEntryPointRegistered = TRUE. */
export function* smmIplSmmConfigurationEventNotify(fw: Fw): Gen<void> {
  fw.m.s.smm.priv.smmEntryPointRegistered = true;
  DEBUG(iplFw(fw.m, fw.cpu), DEBUG_INFO, 'SMM IPL registered SMM Entry Point address %p\n', BigInt(fw.m.s.smm.priv.smmEntryPoint));
  yield ev('smm-entry', fw.cpu, 'PiSmmIpl: EFI_SMM_CONFIGURATION_PROTOCOL installed -> RegisterSmmEntry (SmmEntryPoint) stores it in gSmmCpuPrivate->SmmCoreEntry; SmmEntryPointRegistered = TRUE');
}

/**
 * GetFullSmramRanges (no SMRAM reserved by SMM_CONFIGURATION yet): SmmAccess2 GetCapabilities
 * plus one empty descriptor for the range ExecuteSmmCoreFromSmram carves for the SMM core.
 */
function getFullSmramRanges(m: Machine): SmramDescriptor[] {
  return [...smmAccess2GetCapabilities(m).map((d) => ({ ...d })), { physicalStart: 0, cpuStart: 0, physicalSize: 0, regionState: 0 }];
}

/** The largest free SMRAM range between 1 MiB and 4 GiB of at least 256 KiB - 4 KiB, or -1. */
function largestSmramRange(ranges: SmramDescriptor[]): number {
  let best = -1;
  let maxSize = 0x40000 - EFI_PAGE_SIZE;
  ranges.forEach((d, i) => {
    if (smramNotFree(d) || d.cpuStart < 0x100000 || d.cpuStart + d.physicalSize - 1 > 0xffffffffffff) return;
    if (d.physicalSize >= maxSize) {
      maxSize = d.physicalSize;
      best = i;
    }
  });
  return best;
}

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const smm = m.s.smm;
  smm.priv.address = m.s.config.runtimeDataBase;
  ASSERT_EFI_ERROR(fw, uefiProtocolInstalled(fw, GUIDS.gEfiSmmAccess2ProtocolGuid) ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND', 'PiSmmIpl.c', 1883);
  ASSERT_EFI_ERROR(fw, uefiProtocolInstalled(fw, GUIDS.gEfiSmmControl2ProtocolGuid) ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND', 'PiSmmIpl.c', 1889);
  const ranges = getFullSmramRanges(m);
  smm.smramRanges = ranges;
  ASSERT_EFI_ERROR(fw, smmAccess2Open(m), 'PiSmmIpl.c', 1897);
  DEBUG(fw, DEBUG_INFO, 'SMM IPL opened SMRAM window\n');
  const current = largestSmramRange(ranges);
  if (current < 0) {
    DEBUG(fw, DEBUG_ERROR, 'SMM IPL could not find a large enough SMRAM region to load SMM Core\n');
    smmAccess2Close(m);
    DEBUG(fw, DEBUG_INFO, 'SMM IPL closed SMRAM window\n');
    return 'EFI_UNSUPPORTED';
  }
  const range = ranges[current];
  DEBUG(fw, DEBUG_INFO, 'SMM IPL found SMRAM window %p - %p\n', BigInt(range.cpuStart), BigInt(range.cpuStart + range.physicalSize - 1));
  // The CPU arch protocol is there: the window becomes EFI_MEMORY_WB (a DEBUG_CODE prints it back).
  DEBUG(fw, DEBUG_INFO, 'SMRAM attributes: %016lx\n', BigInt(EFI_MEMORY_WB));

  // ExecuteSmmCoreFromSmram: take the pages for the image from the top of the range.
  const core = m.s.modules.find((x) => x.name === 'PiSmmCore')!;
  const pageCount = Math.ceil((core.imageSize + SECTION_ALIGNMENT) / EFI_PAGE_SIZE);
  range.physicalSize -= pageCount * EFI_PAGE_SIZE;
  const coreRange = ranges[ranges.length - 1];
  coreRange.cpuStart = range.cpuStart + range.physicalSize;
  coreRange.physicalStart = range.physicalStart + range.physicalSize;
  coreRange.regionState = range.regionState | EFI_ALLOCATED;
  coreRange.physicalSize = pageCount * EFI_PAGE_SIZE;
  const imageAddress = Math.ceil(coreRange.cpuStart / SECTION_ALIGNMENT) * SECTION_ALIGNMENT;
  DEBUG(fw, DEBUG_INFO, 'SMM IPL loading SMM Core at SMRAM address %p\n', BigInt(imageAddress));
  DEBUG(fw, DEBUG_INFO, 'SMM IPL calling SMM Core at SMRAM address %p\n', BigInt(imageAddress + SMM_CORE_ENTRY_OFFSET));
  DEBUG(fw, DEBUG_INFO, 'PiSmmCoreImageBase - 0x%016lx\n', BigInt(imageAddress));
  DEBUG(fw, DEBUG_INFO, 'PiSmmCoreImageSize - 0x%016lx\n', BigInt(core.imageSize));
  yield ev('trigger', fw.cpu,
    `PiSmmIpl: SMRAM open; largest free descriptor ${hex(range.cpuStart)}..${hex(range.cpuStart + range.physicalSize + coreRange.physicalSize - 1)}; ` +
    `ExecuteSmmCoreFromSmram takes ${hex(coreRange.physicalSize)} from its top for PiSmmCore at ${hex(imageAddress)} (entry ${hex(imageAddress + SMM_CORE_ENTRY_OFFSET)}: the model's image layout, not the real PE file's)`);
  const status = yield* executeSmmCore(m, imageAddress);
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, 'SMM IPL could not load and execute SMM Core from SMRAM\n');
    smmAccess2Close(m);
    DEBUG(fw, DEBUG_INFO, 'SMM IPL closed SMRAM window\n');
    return 'EFI_UNSUPPORTED';
  }
  installUefiProtocol(fw, GUIDS.gEfiSmmBase2ProtocolGuid);
  installUefiProtocol(fw, GUIDS.gEfiSmmCommunicationProtocolGuid);
  installUefiProtocol(fw, IPL_GUIDS.gEfiMmCommunication2ProtocolGuid);
  installUefiProtocol(fw, IPL_GUIDS.gEfiMmCommunication3ProtocolGuid);
  return 'EFI_SUCCESS';
}

export const PiSmmIpl: ModuleDef = {
  name: 'PiSmmIpl',
  fileGuid: '2fa2a6da-11d5-4dc3-999a-749648b03c56',
  kind: 'DXE_DRIVER',
  depex: null,
  imageSize: 0x9000,
  entry,
  handlers: {},
  summary: 'MdeModulePkg/Core/PiSmmCore/PiSmmIpl: loads the SMM core; EFI_SMM_COMMUNICATION_PROTOCOL; drives dispatch and DXE events into SMM',
};
