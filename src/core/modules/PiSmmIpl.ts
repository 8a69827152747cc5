/**
 * MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c, the DXE side of SMM: opens SMRAM, loads PiSmmCore into
 * the largest free SMRAM descriptor (carving the core's own range from its top), owns
 * gSmmCorePrivate, produces EFI_SMM_COMMUNICATION_PROTOCOL (SmmCommunicationCommunicate),
 * EFI_MM_COMMUNICATION2_PROTOCOL (SmmCommunicationMmCommunicate2, the same function) and
 * EFI_MM_COMMUNICATION3_PROTOCOL (MmCommunicationMmCommunicate3, the V3 header), and turns the DXE
 * events of mSmmIplEvents (DXE dispatch, EndOfDxe, ReadyToLock, ReadyToBoot, ExitBootServices,
 * LegacyBoot) into Communicate calls. After the first dispatch returns "restart" (PiSmmCpuDxeSmm
 * registered the SMM entry point) it closes SMRAM, then dispatches again through a real SMI.
 */

import { serialNote } from '../machine/Debugcon';
import { read64, read8, readBytes, write64, writeBytes } from '../machine/Memory';
import { ASSERT, ASSERT_EFI_ERROR, DEBUG, DEBUG_ERROR, DEBUG_INFO, DEBUG_WARN } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex, lazyEv, tag } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { type Guid, GUIDS, guidName, guidToBytes, guidFromBytes, registerGuidName } from '../lib/Guid';
import { MmiManage } from '../pi/Mmi';
import { installUefiProtocol, LocateProtocol } from '../pi/ProtocolDb';
import { EFI_ALLOCATED, smramNotFree } from '../pi/Smram';
import { type SmramDescriptor } from '../pi/SmramMap';
import { gEfiMmCommunicateHeaderV3Guid, MM_COMMUNICATE_HEADER_V3_SIZE, SMM_COMMUNICATE_HEADER_SIZE, V3_BUFFER_SIZE_OFFSET, V3_MESSAGE_GUID_OFFSET, V3_MESSAGE_SIZE_OFFSET } from '../pi/SmmEntryPoint';
import type { Machine } from '../pi/Platform';
import { COMM_BUFFER_SMM_DISPATCH_RESTART } from '../pi/SmmCoreState';
import type { ModuleDef } from '../pi/Platform';
import { pchSmmControlTrigger } from './PchSmmControl';
import { smmControl2Trigger } from './SmmControl2Dxe';
import { executeSmmCore, SMM_CORE_ENTRY_OFFSET } from './PiSmmCore';
import { smmAccess2Close, smmAccess2GetCapabilities, smmAccess2Lock, smmAccess2Open } from './SmmAccess2Dxe';

/** EFI_MEMORY_WB: the GCD attributes PiSmmIpl gives the SMRAM window (printed as "SMRAM attributes"). */
const EFI_MEMORY_WB = 0x8;
const EFI_PAGE_SIZE = 0x1000;
/** The model's PE section alignment for PiSmmCore.efi. */
const SECTION_ALIGNMENT = 0x1000;

/** MdePkg/MdePkg.dec. */
export const gEfiMmCommunication2ProtocolGuid: Guid = '378daedc-f06b-4446-8314-40ab933c87a3';
export const gEfiMmCommunication3ProtocolGuid: Guid = 'f7234a14-0df2-46c0-ad28-90e6b883a72f';
registerGuidName(gEfiMmCommunication2ProtocolGuid, 'gEfiMmCommunication2ProtocolGuid');
registerGuidName(gEfiMmCommunication3ProtocolGuid, 'gEfiMmCommunication3ProtocolGuid');

export function iplFw(m: Machine, cpu = 0): Fw {
  const mod = m.s.modules.find((x) => x.name === 'PiSmmIpl');
  if (!mod) throw new Error('internal: PiSmmIpl not present');
  return { m, mod, cpu };
}

export interface CommunicateResult {
  status: EfiStatus;
  /** *CommSize after the call (legacy), or the V3 header's BufferSize after the call. */
  commSize: number;
  why: string;
}

/**
 * SmmCommunicationCommunicate (facts §1.6). `commSize` null = NULL (size from MessageLength).
 * With the SMM entry point registered and not in SMM this raises a real SMI through SmmControl2;
 * before that it calls SmiManage directly.
 */
export function* SmmCommunicationCommunicate(m: Machine, cpu: number, commBuffer: number, commSize: number | null, osIntent?: Guid): Gen<CommunicateResult> {
  const fw = iplFw(m, cpu);
  const priv = m.s.smm.priv;
  if (commBuffer === 0) return { status: 'EFI_INVALID_PARAMETER', commSize: 0, why: 'CommBuffer is NULL' };
  const msgLen = Number(read64(m.s.mem, commBuffer + 16));
  const size = commSize === null ? SMM_COMMUNICATE_HEADER_SIZE + msgLen : commSize;
  if (commSize !== null && commSize < SMM_COMMUNICATE_HEADER_SIZE) {
    return { status: 'EFI_INVALID_PARAMETER', commSize, why: `*CommSize ${hex(commSize)} < OFFSET_OF (EFI_SMM_COMMUNICATE_HEADER, Data) = 0x18` };
  }
  const guid = guidFromBytes(readBytes(m.s.mem, commBuffer, 16));
  if (!priv.inSmm && priv.smmEntryPointRegistered) {
    const r = yield* triggerCommunicateSmi(m, cpu, commBuffer, size, guid, osIntent);
    return r ?? { status: 'EFI_UNSUPPORTED', commSize: size, why: 'Trigger failed' };
  }
  if (!priv.inSmm && (!m.s.smm.smramOpen || m.s.smm.smramLocked)) {
    return { status: 'EFI_INVALID_PARAMETER', commSize: size, why: 'SMM entry point not registered and SMRAM is closed or locked' };
  }
  yield ev('communicate', cpu, `PiSmmIpl SmmCommunicationCommunicate(${guidName(guid)}): SMM entry point not registered yet -> gSmst->SmiManage called directly, no SMI`, 'phase');
  const [status, dataSize] = yield* directSmiManage(fw, guid, commBuffer + SMM_COMMUNICATE_HEADER_SIZE, size - SMM_COMMUNICATE_HEADER_SIZE);
  return { status, commSize: dataSize + SMM_COMMUNICATE_HEADER_SIZE, why: 'direct SmiManage' };
}

/**
 * The SMI path both Communicate protocols take once the SMM entry point is registered:
 * gSmmCorePrivate gets the buffer, SmmControl2's Trigger writes 0 to 0xB3 and 0xB2 on OVMF, 0 and 0xFF on the PCH (null when
 * Trigger fails). An SMI that reached no SmmEntryPoint (no BSP) leaves CommunicationBuffer set and
 * ReturnStatus as it was. `osIntent`: the GUID the caller meant to write when its header lies in
 * SMRAM (its writes were dropped; `guid` is then whatever SMRAM holds there).
 */
function* triggerCommunicateSmi(m: Machine, cpu: number, address: number, size: number, guid: Guid, osIntent?: Guid): Gen<CommunicateResult | null> {
  const priv = m.s.smm.priv;
  // The platform's EFI_SMM_CONTROL2_PROTOCOL.Trigger (NULL, NULL, FALSE, 0): OVMF's SmmControl2Dxe or the PCH's SmmControl.
  const writes = m.s.lpc.variant === 'pch' ? pchSmmControlTrigger(m, null, null) : smmControl2Trigger(null, null, false, 0);
  if (typeof writes === 'string') return null;
  priv.lastRequest = { address, size };
  yield* m.smi(m, { cpu, writes, communicate: osIntent !== undefined ? { address, size, guid, osIntent } : { address, size, guid } });
  const pending = priv.commBuffer === address;
  return {
    status: priv.returnStatus,
    commSize: priv.bufferSize,
    why: pending
      ? 'via SMI (SmmControl2 Trigger), but the SMI reached no SmmEntryPoint: this ReturnStatus is stale, the request stays pending in gSmmCorePrivate->CommunicationBuffer'
      : 'via SMI (SmmControl2 Trigger)',
  };
}

/** Before the entry point is registered: gSmst->SmiManage called directly (in SMM, no SMI); returns the mapped status and the handlers' data size. */
function* directSmiManage(fw: Fw, guid: Guid, data: number, size: number): Gen<[EfiStatus, number]> {
  const priv = fw.m.s.smm.priv;
  const oldInSmm = priv.inSmm;
  priv.inSmm = true;
  const dataSize = { value: size };
  const status = yield* MmiManage(fw, guid, 0, data, dataSize);
  priv.inSmm = oldInSmm;
  return [status === 'EFI_SUCCESS' ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND', dataSize.value];
}

/** SmmCommunicationMmCommunicate2: EFI_MM_COMMUNICATION2_PROTOCOL.Communicate just calls SmmCommunicationCommunicate. */
export function SmmCommunicationMmCommunicate2(m: Machine, cpu: number, commBufferPhysical: number, commSize: number | null): Gen<CommunicateResult> {
  return SmmCommunicationCommunicate(m, cpu, commBufferPhysical, commSize);
}

/**
 * MmCommunicationMmCommunicate3 (PiSmmIpl.c): the buffer must start with EFI_MM_COMMUNICATE_HEADER_V3
 * (HeaderGuid = gEfiMmCommunicateHeaderV3Guid) and its BufferSize must hold the header plus
 * MessageSize. gSmmCorePrivate->BufferSize = the header's BufferSize (the whole buffer), then the
 * same Trigger as the legacy protocol. No CommSize comes back on the SMI path.
 */
export function* MmCommunicationMmCommunicate3(m: Machine, cpu: number, commBufferPhysical: number, osIntent?: Guid): Gen<CommunicateResult> {
  const fw = iplFw(m, cpu);
  const priv = m.s.smm.priv;
  const mem = m.s.mem;
  if (commBufferPhysical === 0) return { status: 'EFI_INVALID_PARAMETER', commSize: 0, why: 'CommBufferPhysical is NULL' };
  const headerGuid = guidFromBytes(readBytes(mem, commBufferPhysical, 16));
  const bufferSize = Number(read64(mem, commBufferPhysical + V3_BUFFER_SIZE_OFFSET));
  if (headerGuid !== gEfiMmCommunicateHeaderV3Guid) {
    const dropped = osIntent !== undefined ? ` (the buffer lies in SMRAM: the OS's header writes were dropped, these are SMRAM's bytes; it meant MessageGuid ${guidName(osIntent)})` : '';
    return { status: 'EFI_INVALID_PARAMETER', commSize: bufferSize, why: `HeaderGuid ${guidName(headerGuid)} is not gEfiMmCommunicateHeaderV3Guid${dropped}` };
  }
  const messageSize = read64(mem, commBufferPhysical + V3_MESSAGE_SIZE_OFFSET);
  const minSize = BigInt(MM_COMMUNICATE_HEADER_V3_SIZE) + messageSize;
  if (minSize > 0xffffffffffffffffn) return { status: 'EFI_INVALID_PARAMETER', commSize: bufferSize, why: 'sizeof (header) + MessageSize overflows' };
  if (BigInt(bufferSize) < minSize) {
    return { status: 'EFI_INVALID_PARAMETER', commSize: bufferSize, why: `BufferSize ${hex(bufferSize)} < sizeof (EFI_MM_COMMUNICATE_HEADER_V3) + MessageSize = ${hex(minSize)}` };
  }
  const messageGuid = guidFromBytes(readBytes(mem, commBufferPhysical + V3_MESSAGE_GUID_OFFSET, 16));
  if (!priv.inSmm && priv.smmEntryPointRegistered) {
    const r = yield* triggerCommunicateSmi(m, cpu, commBufferPhysical, bufferSize, messageGuid, osIntent);
    if (!r) return { status: 'EFI_UNSUPPORTED', commSize: bufferSize, why: 'Trigger failed' };
    return { ...r, commSize: Number(read64(mem, commBufferPhysical + V3_BUFFER_SIZE_OFFSET)) };
  }
  if (!priv.inSmm && (!m.s.smm.smramOpen || m.s.smm.smramLocked)) {
    return { status: 'EFI_INVALID_PARAMETER', commSize: bufferSize, why: 'SMM entry point not registered and SMRAM is closed or locked' };
  }
  yield ev('communicate', cpu, `PiSmmIpl MmCommunicationMmCommunicate3(${guidName(messageGuid)}): SMM entry point not registered yet -> gSmst->SmiManage called directly, no SMI`, 'phase');
  const [status, dataSize] = yield* directSmiManage(fw, messageGuid, commBufferPhysical + MM_COMMUNICATE_HEADER_V3_SIZE, bufferSize - MM_COMMUNICATE_HEADER_V3_SIZE);
  write64(mem, commBufferPhysical + V3_BUFFER_SIZE_OFFSET, BigInt(dataSize + MM_COMMUNICATE_HEADER_V3_SIZE));
  return { status, commSize: dataSize + MM_COMMUNICATE_HEADER_V3_SIZE, why: 'direct SmiManage' };
}

/** Writes an EFI_MM_COMMUNICATE_HEADER_V3 {V3 GUID, BufferSize, 0, MessageGuid, MessageSize} at `at`. */
export function writeHeaderV3(m: Machine, at: number, bufferSize: number, messageGuid: Guid, messageSize: number): void {
  writeBytes(m.s.mem, at, guidToBytes(gEfiMmCommunicateHeaderV3Guid));
  write64(m.s.mem, at + V3_BUFFER_SIZE_OFFSET, BigInt(bufferSize));
  write64(m.s.mem, at + 24, 0n);
  writeBytes(m.s.mem, at + V3_MESSAGE_GUID_OFFSET, guidToBytes(messageGuid));
  write64(m.s.mem, at + V3_MESSAGE_SIZE_OFFSET, BigInt(messageSize));
}

/** mCommunicateHeader in PiSmmIpl's runtime data: a header plus one byte of data. */
export function iplCommunicateHeader(m: Machine): number {
  return m.s.config.runtimeDataBase + 0x1000;
}

/** sizeof (mCommunicateHeader): EFI_SMM_COMMUNICATE_HEADER with Data[1] = 0x19. */
const IPL_HEADER_SIZE = SMM_COMMUNICATE_HEADER_SIZE + 1;

function writeIplHeader(m: Machine, guid: Guid): number {
  const at = iplCommunicateHeader(m);
  writeBytes(m.s.mem, at, guidToBytes(guid));
  write64(m.s.mem, at + 16, 1n);
  writeBytes(m.s.mem, at + SMM_COMMUNICATE_HEADER_SIZE, new Uint8Array([0]));
  return at;
}

/**
 * SmmIplDxeDispatchEventNotify (gEfiEventDxeDispatchGuid, signalled after each DXE dispatcher
 * pass): Communicate until the core stops asking for a restart; after a restart request it closes
 * the SMRAM window (mSmmAccess->Close, "SMM IPL closed SMRAM window") and dispatches again, now
 * through an SMI. Closed at SmmReadyToLock (CloseOnLock).
 */
export function* smmIplDispatchDriver(m: Machine): Gen<void> {
  const fw = iplFw(m);
  if (fw.mod.globals.mSmmLocked === true) return;
  for (let round = 0; round < 8; round++) {
    const at = writeIplHeader(m, GUIDS.gEfiEventDxeDispatchGuid);
    yield* SmmCommunicationCommunicate(m, 0, at, IPL_HEADER_SIZE);
    if (read8(m.s.mem, at + SMM_COMMUNICATE_HEADER_SIZE) !== COMM_BUFFER_SMM_DISPATCH_RESTART) return;
    // SmmIplDxeDispatchEventNotify: close SMRAM before the dispatcher runs again (now through an SMI).
    ASSERT_EFI_ERROR(fw, smmAccess2Close(m), 'PiSmmIpl.c', 923);
    DEBUG(fw, DEBUG_INFO, 'SMM IPL closed SMRAM window\n');
    serialNote(m, 'PiSmmIpl: the SMM core dispatcher asked for a restart (SMM entry point now registered): SMRAM closed, dispatching again through an SMI');
  }
}

/** SmmIplGuidedEventNotify: tell the SMM core about a DXE event group with a one-byte Communicate. */
export function* smmIplGuidedEventNotify(m: Machine, guid: Guid): Gen<CommunicateResult> {
  const at = writeIplHeader(m, guid);
  return yield* SmmCommunicationCommunicate(m, 0, at, IPL_HEADER_SIZE);
}


/** SmmIplEndOfDxeEventNotify: mEndOfDxe = TRUE (checked by SmmIplReadyToLockEventNotify). */
export function smmIplEndOfDxeEventNotify(m: Machine): void {
  iplFw(m).mod.globals.mEndOfDxe = true;
}

/**
 * SmmIplReadyToLockEventNotify (gEfiDxeSmmReadyToLockProtocolGuid installed, or ReadyToBoot first):
 * lock SMRAM (mSmmAccess->Lock) BEFORE telling the core, close the CloseOnLock events (DXE
 * dispatch, EndOfDxe), Communicate gEfiDxeSmmReadyToLockProtocolGuid, then print
 * "SMM IPL locked SMRAM window". Runs once (mSmmLocked).
 */
export function* smmIplReadyToLockEventNotify(m: Machine, viaReadyToBoot = false): Gen<void> {
  const fw = iplFw(m);
  if (fw.mod.globals.mSmmLocked === true) return;
  if (viaReadyToBoot) DEBUG(fw, DEBUG_WARN, 'SMM IPL!  DXE SMM Ready To Lock Protocol not installed before Ready To Boot signal\n');
  if (fw.mod.globals.mEndOfDxe !== true) {
    DEBUG(fw, DEBUG_ERROR, 'EndOfDxe Event must be signaled before DxeSmmReadyToLock Protocol installation!\n');
    ASSERT(fw, false, '((BOOLEAN)(0==1))', 'PiSmmIpl.c', 1024);
  }
  smmAccess2Lock(m);
  yield ev('trigger', 0, 'PiSmmIpl SmmIplReadyToLockEventNotify: mSmmAccess->Lock (SMRAM now locked until reset), CloseOnLock events closed (no more DXE-dispatch Communicates), then Communicate gEfiDxeSmmReadyToLockProtocolGuid');
  yield* smmIplGuidedEventNotify(m, GUIDS.gEfiDxeSmmReadyToLockProtocolGuid);
  DEBUG(fw, DEBUG_INFO, 'SMM IPL locked SMRAM window\n');
  fw.mod.globals.mSmmLocked = true;
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
  ASSERT_EFI_ERROR(fw, LocateProtocol(fw, GUIDS.gEfiSmmAccess2ProtocolGuid)[0], 'PiSmmIpl.c', 1883);
  ASSERT_EFI_ERROR(fw, LocateProtocol(fw, GUIDS.gEfiSmmControl2ProtocolGuid)[0], 'PiSmmIpl.c', 1889);
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
  yield tag(ev('trigger', fw.cpu,
    `PiSmmIpl: SMRAM open; largest free descriptor ${hex(range.cpuStart)}..${hex(range.cpuStart + range.physicalSize + coreRange.physicalSize - 1)}; ` +
    `ExecuteSmmCoreFromSmram takes ${hex(coreRange.physicalSize)} from its top for PiSmmCore at ${hex(imageAddress)} (entry ${hex(imageAddress + SMM_CORE_ENTRY_OFFSET)}: the model's image layout, not the real PE file's)`), { module: 'PiSmmCore', boot: 'driver' });
  const status = yield* executeSmmCore(m, imageAddress);
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, 'SMM IPL could not load and execute SMM Core from SMRAM\n');
    smmAccess2Close(m);
    DEBUG(fw, DEBUG_INFO, 'SMM IPL closed SMRAM window\n');
    return 'EFI_UNSUPPORTED';
  }
  installUefiProtocol(fw, GUIDS.gEfiSmmBase2ProtocolGuid);
  installUefiProtocol(fw, GUIDS.gEfiSmmCommunicationProtocolGuid);
  installUefiProtocol(fw, gEfiMmCommunication2ProtocolGuid);
  installUefiProtocol(fw, gEfiMmCommunication3ProtocolGuid);
  yield lazyEv('handler', 0, () => 'PiSmmIpl: EFI_SMM_BASE2, EFI_SMM_COMMUNICATION, EFI_MM_COMMUNICATION2 and EFI_MM_COMMUNICATION3 installed on mSmmIplHandle');
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
  summary: 'The DXE half of SMM: loads the SMM core into SMRAM, offers the three Communicate protocols and forwards DXE dispatch and boot events into SMM',
  path: 'MdeModulePkg/Core/PiSmmCore/PiSmmIpl.inf',
  produces: [GUIDS.gEfiSmmBase2ProtocolGuid, GUIDS.gEfiSmmCommunicationProtocolGuid, gEfiMmCommunication2ProtocolGuid, gEfiMmCommunication3ProtocolGuid],
};
