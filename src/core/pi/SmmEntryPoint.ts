/**
 * PiSmmCore's SmmEntryPoint (facts §1.1; edk2 MdeModulePkg/Core/PiSmmCore/PiSmmCore.c), run by the
 * BSP of every SMI: the synchronous Communicate part first, then - always - the root MMI handlers.
 */

import { serialNote, serialWrite } from '../machine/Debugcon';
import { read64, readBytes } from '../machine/Memory';
import { SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateMap';
import type { EfiStatus } from './EfiStatus';
import { ev, type Gen, hex, lazyEv } from './Fw';
import { type Fw } from './Platform';
import { guidFromBytes, guidName } from './Guid';
import { MmiManage } from './Mmi';
import { smmIsBufferOutsideSmmValid } from './SmmMemLib';

/** OFFSET_OF (EFI_SMM_COMMUNICATE_HEADER, Data) on X64 (packed): GUID 16 + UINTN 8 (facts §1.7). */
export const SMM_COMMUNICATE_HEADER_SIZE = 24;

export function* SmmEntryPoint(fw: Fw): Gen<void> {
  const { m, cpu } = fw;
  const smm = m.s.smm;
  const priv = smm.priv;
  smm.currentlyExecutingCpu = cpu;
  smm.numberOfCpus = m.s.cpus.length;
  const first = m.s.cpus[0];
  const commNow = priv.commBuffer;
  yield lazyEv(
    'smm-entry',
    cpu,
    () => `SmmEntryPoint on CPU${cpu}: gSmst <- EFI_SMM_ENTRY_CONTEXT {CurrentlyExecutingCpu=${cpu}, NumberOfCpus=${m.s.cpus.length}, CpuSaveStateSize[i]=0x400, CpuSaveState[0]=${hex(first.smbase + SMRAM_SAVE_STATE_MAP_OFFSET)}..}; ` +
      `PlatformHookBeforeSmmDispatch; InSmm=TRUE; CommunicationBuffer=${commNow ? hex(commNow) : 'NULL'}`,
    'phase',
  );
  priv.inSmm = true;

  if (priv.commBuffer !== 0) {
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
        `Communicate rejected: ${denied} -> ReturnStatus = EFI_ACCESS_DENIED (the code comment says EFI_INVALID_PARAMETER; the code stores EFI_ACCESS_DENIED, facts §11.7)`,
        'phase',
      );
    } else {
      const guid = guidFromBytes(readBytes(m.s.mem, buf, 16));
      const messageLength = read64(m.s.mem, buf + 16);
      const dataSize = { value: size - SMM_COMMUNICATE_HEADER_SIZE };
      yield ev(
        'communicate',
        cpu,
        `Communicate: HeaderGuid=${guidName(guid)}, MessageLength=${hex(messageLength)}, handlers get CommBuffer=${hex(buf + SMM_COMMUNICATE_HEADER_SIZE)}, *CommBufferSize=${hex(dataSize.value)} (BufferSize - 0x18, not MessageLength)`,
      );
      if (m.s.currentSmi) m.s.currentSmi.communicate = guidName(guid);
      const status: EfiStatus = yield* MmiManage(fw, guid, 0, buf + SMM_COMMUNICATE_HEADER_SIZE, dataSize);
      priv.bufferSize = dataSize.value + SMM_COMMUNICATE_HEADER_SIZE;
      priv.commBuffer = 0;
      priv.returnStatus = status === 'EFI_SUCCESS' ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND';
      yield ev(
        'communicate',
        cpu,
        `Communicate done: GUID handlers returned ${status} -> ReturnStatus = ${priv.returnStatus}, BufferSize = ${hex(priv.bufferSize)}`,
        'phase',
      );
    }
  }

  // AsyncSmi: the root MMI handlers run on every SMI, Communicate or not; the result is ignored.
  yield* MmiManage(fw, null, 0, 0, null);
  priv.inSmm = false;
}
