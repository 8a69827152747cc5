/**
 * PiSmmCore's SmmEntryPoint (facts §1.1; edk2 MdeModulePkg/Core/PiSmmCore/PiSmmCore.c), run by the
 * BSP of every SMI: the synchronous Communicate part first (legacy EFI_SMM_COMMUNICATE_HEADER or
 * EFI_MM_COMMUNICATE_HEADER_V3), then - always - the root MMI handlers.
 */

import { serialNote, serialWrite } from '../machine/Debugcon';
import { read64, readBytes } from '../machine/Memory';
import { SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateField';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex, lazyEv } from './Fw';
import { type Fw } from './Platform';
import { type Guid, guidFromBytes, guidName, registerGuidName } from '../lib/Guid';
import { MmiManage } from './Mmi';
import { smmIsBufferOutsideSmmValid } from './SmmMemLib';
import { copyEntryContext } from './Smst';

/** OFFSET_OF (EFI_SMM_COMMUNICATE_HEADER, Data) on X64 (packed): GUID 16 + UINTN 8 (facts §1.7). */
export const SMM_COMMUNICATE_HEADER_SIZE = 24;

/**
 * EFI_MM_COMMUNICATE_HEADER_V3 (MdePkg/Include/Pi/PiMultiPhase.h, packed): HeaderGuid @0 (must be
 * gEfiMmCommunicateHeaderV3Guid), BufferSize UINT64 @16 (the whole buffer, header included),
 * Reserved UINT64 @24, MessageGuid @32 (the handler's GUID), MessageSize UINT64 @48, MessageData @56.
 */
export const MM_COMMUNICATE_HEADER_V3_SIZE = 56;
export const V3_BUFFER_SIZE_OFFSET = 16;
export const V3_MESSAGE_GUID_OFFSET = 32;
export const V3_MESSAGE_SIZE_OFFSET = 48;
/** gEfiMmCommunicateHeaderV3Guid (MdePkg/MdePkg.dec). */
export const gEfiMmCommunicateHeaderV3Guid: Guid = '68e8c853-2ba9-4dd7-9ac0-91e16155c935';
registerGuidName(gEfiMmCommunicateHeaderV3Guid, 'gEfiMmCommunicateHeaderV3Guid');

/**
 * `entryContext`: the EFI_SMM_ENTRY_CONTEXT PiSmmCpuDxeSmm's BSPHandler passes (its address; 0 =
 * none, as in unit tests that call SmmEntryPoint alone): its five fields go to the SMST's bytes.
 */
export function* SmmEntryPoint(fw: Fw, entryContext = 0): Gen<void> {
  const { m, cpu } = fw;
  const smm = m.s.smm;
  const priv = smm.priv;
  copyEntryContext(m, entryContext);
  smm.currentlyExecutingCpu = cpu;
  smm.numberOfCpus = m.s.cpus.length;
  const map0 = m.s.cpus[0].smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
  const cpuCount = m.s.cpus.length;
  const commNow = priv.commBuffer;
  yield lazyEv(
    'smm-entry',
    cpu,
    () => `SmmEntryPoint on CPU${cpu}: gSmst <- EFI_SMM_ENTRY_CONTEXT {CurrentlyExecutingCpu=${cpu}, NumberOfCpus=${cpuCount}, CpuSaveStateSize[i]=0x400, CpuSaveState[0]=${hex(map0)}..}; ` +
      `PlatformHookBeforeSmmDispatch; InSmm=TRUE; CommunicationBuffer=${commNow ? hex(commNow) : 'NULL'}`,
    'phase',
  );
  // mInLegacyBoot: after a legacy boot gSmmCorePrivate belongs to the OS and is never touched again.
  const inLegacyBoot = smm.inLegacyBoot;
  if (!inLegacyBoot) priv.inSmm = true;

  if (!inLegacyBoot && priv.commBuffer !== 0) {
    const buf = priv.commBuffer;
    const size = priv.bufferSize;
    // Only SmmIsBufferOutsideSmmValid prints (DEBUG_ERROR); SmmEntryPoint itself prints nothing when it rejects.
    const memLibLine = smmIsBufferOutsideSmmValid(m, buf, size);
    let denied: string | null = memLibLine;
    if (!denied && buf < priv.address + priv.size && priv.address < buf + size) {
      denied = `CommBuffer overlaps gSmmCorePrivate (${hex(priv.address)})`;
    }
    if (!denied && size < SMM_COMMUNICATE_HEADER_SIZE) {
      denied = `BufferSize ${hex(size)} < OFFSET_OF (EFI_SMM_COMMUNICATE_HEADER, Data) = 0x18`;
    }
    if (denied) {
      if (memLibLine) serialWrite(m, memLibLine);
      else serialNote(m, `SmmEntryPoint rejects the CommBuffer: ${denied}`);
      priv.commBuffer = 0;
      priv.returnStatus = 'EFI_ACCESS_DENIED';
      yield ev(
        'communicate',
        cpu,
        `Communicate rejected: ${denied} -> ReturnStatus = EFI_ACCESS_DENIED (the code comment in PiSmmCore.c SmmEntryPoint says EFI_INVALID_PARAMETER; the code stores EFI_ACCESS_DENIED)`,
        'phase',
      );
    } else {
      const headerGuid = guidFromBytes(readBytes(m.s.mem, buf, 16));
      if (headerGuid === gEfiMmCommunicateHeaderV3Guid && size < MM_COMMUNICATE_HEADER_V3_SIZE) {
        // V3 header announced but the buffer cannot hold it: deny, then straight to the root handlers.
        priv.commBuffer = 0;
        priv.returnStatus = 'EFI_ACCESS_DENIED';
        yield ev('communicate', cpu, `Communicate rejected: HeaderGuid is gEfiMmCommunicateHeaderV3Guid but BufferSize ${hex(size)} < sizeof (EFI_MM_COMMUNICATE_HEADER_V3) = 0x38 -> ReturnStatus = EFI_ACCESS_DENIED, goto AsyncSmi`, 'phase');
      } else {
        yield* communicateBody(fw, buf, size, headerGuid === gEfiMmCommunicateHeaderV3Guid);
      }
    }
  }

  // AsyncSmi: the root MMI handlers run on every SMI, Communicate or not; the result is ignored.
  yield* MmiManage(fw, null, 0, 0, null);
  if (!inLegacyBoot) priv.inSmm = false;
}

/** The synchronous part once the buffer passed the checks: legacy or V3 header, SmiManage, results. */
function* communicateBody(fw: Fw, buf: number, size: number, v3: boolean): Gen<void> {
  const { m, cpu } = fw;
  const priv = m.s.smm.priv;
  const headerSize = v3 ? MM_COMMUNICATE_HEADER_V3_SIZE : SMM_COMMUNICATE_HEADER_SIZE;
  const guid = guidFromBytes(readBytes(m.s.mem, v3 ? buf + V3_MESSAGE_GUID_OFFSET : buf, 16));
  const length = read64(m.s.mem, buf + (v3 ? V3_MESSAGE_SIZE_OFFSET : 16));
  const dataSize = { value: size - headerSize };
  const sizeNow = dataSize.value;
  yield lazyEv('communicate', cpu, () =>
    v3
      ? `Communicate (EFI_MM_COMMUNICATE_HEADER_V3): MessageGuid=${guidName(guid)}, MessageSize=${hex(length)}, handlers get CommBuffer=${hex(buf + headerSize)} (MessageData), *CommBufferSize=${hex(sizeNow)} (BufferSize - 0x38; SmmEntryPoint does not check MessageSize)`
      : `Communicate: HeaderGuid=${guidName(guid)}, MessageLength=${hex(length)}, handlers get CommBuffer=${hex(buf + headerSize)}, *CommBufferSize=${hex(sizeNow)} (BufferSize - 0x18, not MessageLength)`,
  );
  if (m.s.currentSmi) m.s.currentSmi.communicate = guidName(guid);
  const status: EfiStatus = yield* MmiManage(fw, guid, 0, buf + headerSize, dataSize);
  priv.bufferSize = dataSize.value + headerSize;
  priv.commBuffer = 0;
  priv.returnStatus = status === 'EFI_SUCCESS' ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND';
  const returned = priv.returnStatus;
  const bufferSize = priv.bufferSize;
  yield lazyEv('communicate', cpu, () => `Communicate done: GUID handlers returned ${status} -> ReturnStatus = ${returned}, BufferSize = ${hex(bufferSize)}`, 'phase');
}
