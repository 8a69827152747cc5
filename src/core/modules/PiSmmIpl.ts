/**
 * MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c, the DXE side of SMM: loads PiSmmCore into SMRAM, owns
 * gSmmCorePrivate, produces EFI_SMM_COMMUNICATION_PROTOCOL (SmmCommunicationCommunicate, facts
 * §1.6) and drives the SMM driver dispatcher and the EndOfDxe / ReadyToLock events through it.
 */

import { serialNote } from '../machine/Debugcon';
import { read8, write64, writeBytes } from '../machine/Memory';
import { DEBUG, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../pi/EfiStatus';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { type Guid, GUIDS, guidName, guidToBytes, guidFromBytes } from '../pi/Guid';
import { MmiManage } from '../pi/Mmi';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { SMM_COMMUNICATE_HEADER_SIZE } from '../pi/SmmEntryPoint';
import { readBytes } from '../machine/Memory';
import type { Machine } from '../pi/Platform';
import type { ModuleDef } from '../pi/Platform';
import { COMM_BUFFER_SMM_DISPATCH_RESTART } from '../pi/SmmCoreState';
import { smmControl2Trigger } from './SmmControl2Dxe';
import { loadSmmCore } from './PiSmmCore';

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
    if (r.status !== 'EFI_SUCCESS' || verdict !== COMM_BUFFER_SMM_DISPATCH_RESTART) return;
    serialNote(m, 'PiSmmIpl: the SMM core dispatcher asked for a restart (SMM entry point now registered): dispatching again through an SMI');
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
  yield ev('smm-entry', fw.cpu, 'PiSmmIpl: EFI_SMM_CONFIGURATION_PROTOCOL installed -> RegisterSmmEntry (SmmEntryPoint) stores it in gSmmCpuPrivate->SmmCoreEntry; SmmEntryPointRegistered = TRUE');
}

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const priv = m.s.smm.priv;
  priv.address = m.s.config.runtimeDataBase;
  m.s.smm.smramOpen = true;
  DEBUG(fw, DEBUG_INFO, 'SMM IPL opened SMRAM window\n');
  const status = yield* loadSmmCore(m);
  if (status !== 'EFI_SUCCESS') return status;
  installUefiProtocol(fw, GUIDS.gEfiSmmBase2ProtocolGuid);
  installUefiProtocol(fw, GUIDS.gEfiSmmCommunicationProtocolGuid);
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
