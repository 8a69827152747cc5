/**
 * MdeModulePkg/Universal/FaultTolerantWriteDxe/FaultTolerantWriteSmm.c (BASE_NAME
 * SmmFaultTolerantWriteDxe): the SMM Fault Tolerant Write protocol VariableSmm needs before it may
 * write the NV store. Its entry registers a notification on the SMM FVB protocol and calls it at
 * once: InitFtwProtocol reads the working block in the flash (NV_FTW_WORKING at LBA 0x41) and
 * prints its geometry, then the protocol goes into the SMM database (VariableSmm's
 * SmmFtwNotificationEvent runs inside that install), a GUID MMI handler for the DXE-side FTW proxy
 * is registered, and FtwNotifySmmReady tells DXE. The write, restart and reclaim paths are not
 * modelled (the logged boot never reclaims the variable store, so it never uses them).
 */

import { read32, read64, write64 } from '../machine/Memory';
import { DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import { type EfiStatus, statusValue } from '../lib/EfiStatus';
import { type Fw, type MmiHandlerFn, type NotifyFn } from '../pi/Platform';
import { type Gen, lazyEv } from '../pi/Fw';
import { type Guid, registerGuidName } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { installUefiProtocol, SmmInstallProtocolInterface, smmLocateProtocolQuiet, SmmRegisterProtocolNotify } from '../pi/ProtocolDb';
import { smmIsBufferOutsideSmmValid, smmMemLibConstructor } from '../pi/SmmMemLib';
import { gEfiSmmFirmwareVolumeBlockProtocolGuid } from './FvbServicesSmm';
import type { ModuleDef } from '../pi/Platform';
import { CORE_GUIDS } from './PiSmmCore';
import { NV_FTW_WORKING_OFFSET, OVMF_VARS_FLASH_BASE } from './VariableStore';

/** MdeModulePkg/MdeModulePkg.dec. */
export const gEfiSmmFaultTolerantWriteProtocolGuid: Guid = '3868fc3b-7e45-43a7-906c-4ba47de1754d';
registerGuidName(gEfiSmmFaultTolerantWriteProtocolGuid, 'gEfiSmmFaultTolerantWriteProtocolGuid');
/** MdePkg/MdePkg.dec: EFI_RUNTIME_ARCH_PROTOCOL, installed by MdeModulePkg/Core/RuntimeDxe early in DXE. */
export const gEfiRuntimeArchProtocolGuid: Guid = 'b7dfb4e1-052f-449f-87be-9818fc91b733';
registerGuidName(gEfiRuntimeArchProtocolGuid, 'gEfiRuntimeArchProtocolGuid');

/** SMM_FTW_COMMUNICATE_FUNCTION_HEADER: UINTN Function, EFI_STATUS ReturnStatus. */
const SMM_FTW_COMMUNICATE_HEADER_SIZE = 16;

/** InitFtwProtocol: the geometry of OVMF's FTW areas (PcdFlashNvStorageFtwWorking/Spare*, 4 KiB blocks). */
function* initFtwProtocol(fw: Fw): Gen<EfiStatus> {
  const working = OVMF_VARS_FLASH_BASE + NV_FTW_WORKING_OFFSET;
  DEBUG(fw, DEBUG_INFO, 'Ftw: FtwWorkSpaceLba - 0x%lx, WorkBlockSize  - 0x%x, FtwWorkSpaceBase - 0x%x\n', 0x41, 0x1000, 0);
  DEBUG(fw, DEBUG_INFO, 'Ftw: FtwSpareLba     - 0x%lx, SpareBlockSize - 0x%x\n', 0x42, 0x1000);
  DEBUG(fw, DEBUG_INFO, 'Ftw: NumberOfWorkBlock - 0x%x, FtwWorkBlockLba - 0x%lx\n', 1, 0x41);
  DEBUG(fw, DEBUG_INFO, 'Ftw: WorkSpaceLbaInSpare - 0x%lx, WorkSpaceBaseInSpare - 0x%x\n', 0, 0);
  // EFI_FAULT_TOLERANT_WORKING_BLOCK_HEADER.WriteQueueSize (at +24 of the working block) with no write records yet.
  const writeQueueSize = Number(read64(fw.m.s.mem, working + 24));
  DEBUG(fw, DEBUG_INFO, 'Ftw: Remaining work space size - %x\n', writeQueueSize);
  fw.mod.globals.workingBlockSignature = read32(fw.m.s.mem, working);
  yield lazyEv('handler', fw.cpu, () => `SmmFaultTolerantWriteDxe: InitFtwProtocol read the working block header at ${'0x' + working.toString(16).toUpperCase()} (gEdkiiWorkingBlockSignatureGuid, WriteQueueSize 0x${writeQueueSize.toString(16).toUpperCase()})`);
  return 'EFI_SUCCESS';
}

/** FvbNotificationEvent: once the SMM FVB exists, bring up the FTW protocol (once). */
const FvbNotificationEvent: NotifyFn = function* (fw) {
  // gMmst->MmLocateProtocol (FTW): already installed -> nothing to do (FaultTolerantWriteSmm.c).
  if (smmLocateProtocolQuiet(fw, gEfiSmmFaultTolerantWriteProtocolGuid)[0] === 'EFI_SUCCESS') return 'EFI_SUCCESS';
  if (!fw.m.s.smm.protocols.some((p) => p.guid === gEfiSmmFirmwareVolumeBlockProtocolGuid)) return 'EFI_NOT_FOUND';
  const status = yield* initFtwProtocol(fw);
  if (status !== 'EFI_SUCCESS') return status;
  yield* SmmInstallProtocolInterface(fw, gEfiSmmFaultTolerantWriteProtocolGuid);
  yield* MmiHandlerRegister(fw, 'SmmFaultTolerantWriteHandler', gEfiSmmFaultTolerantWriteProtocolGuid);
  // FtwNotifySmmReady: a NULL gEfiSmmFaultTolerantWriteProtocolGuid in the UEFI database wakes the DXE proxy.
  installUefiProtocol(fw, gEfiSmmFaultTolerantWriteProtocolGuid, 0);
  return 'EFI_SUCCESS';
};

const MmEndOfDxeCallback: NotifyFn = function* (fw) {
  fw.mod.globals.mEndOfDxe = true;
  yield lazyEv('handler', fw.cpu, () => 'SmmFaultTolerantWriteDxe: MmEndOfDxeCallback - mEndOfDxe = TRUE, the DXE FTW proxy is refused from now on');
  return 'EFI_SUCCESS';
};

/** SmmFaultTolerantWriteHandler: the checks every call gets; after End of DXE everything is EFI_ACCESS_DENIED. */
const SmmFaultTolerantWriteHandler: MmiHandlerFn = function* (fw, _h, _ctx, commBuffer, commBufferSize) {
  if (commBuffer === 0 || commBufferSize === null) return 'EFI_SUCCESS';
  const size = commBufferSize.value;
  if (size < SMM_FTW_COMMUNICATE_HEADER_SIZE) {
    DEBUG(fw, DEBUG_ERROR, 'SmmFtwHandler: SMM communication buffer size invalid!\n');
    return 'EFI_SUCCESS';
  }
  if (smmIsBufferOutsideSmmValid(fw.m, commBuffer, size) !== null) {
    DEBUG(fw, DEBUG_ERROR, 'SmmFtwHandler: SMM Primary(communication buffer) is not valid!\n');
    return 'EFI_SUCCESS';
  }
  const fn = Number(read64(fw.m.s.mem, commBuffer));
  let status: EfiStatus;
  if (fw.mod.globals.mEndOfDxe === true) {
    DEBUG(fw, DEBUG_ERROR, 'SmmFtwHandler: Not safe to do the operation: %x after End Of Dxe, so access denied!\n', fn);
    status = 'EFI_ACCESS_DENIED';
  } else {
    status = 'EFI_UNSUPPORTED';
  }
  write64(fw.m.s.mem, commBuffer + 8, statusValue(status));
  yield lazyEv('handler', fw.cpu, () => `SmmFaultTolerantWriteHandler: Function ${fn} -> ReturnStatus ${status}${status === 'EFI_UNSUPPORTED' ? ' (the FTW functions are not modelled)' : ''}`);
  return 'EFI_SUCCESS';
};

function* entry(fw: Fw): Gen<EfiStatus> {
  smmMemLibConstructor(fw);
  yield* SmmRegisterProtocolNotify(fw, CORE_GUIDS.gEfiSmmEndOfDxeProtocolGuid, 'MmEndOfDxeCallback');
  yield* SmmRegisterProtocolNotify(fw, gEfiSmmFirmwareVolumeBlockProtocolGuid, 'FvbNotificationEvent');
  return yield* FvbNotificationEvent(fw, gEfiSmmFirmwareVolumeBlockProtocolGuid, 0);
}

export const SmmFaultTolerantWriteDxe: ModuleDef = {
  name: 'SmmFaultTolerantWriteDxe',
  fileGuid: '470cb248-e8ac-473c-bb4f-81069a1fe6fd',
  kind: 'DXE_SMM_DRIVER',
  depex: 'gEfiSmmFirmwareVolumeBlockProtocolGuid AND gEfiRuntimeArchProtocolGuid',
  imageSize: 0x9000,
  entry,
  handlers: { SmmFaultTolerantWriteHandler },
  notifies: { FvbNotificationEvent, MmEndOfDxeCallback },
  summary: 'Fault-tolerant (power-loss safe) writes to the variable flash from SMM, on top of the SMM FVB protocol',
  path: 'MdeModulePkg/Universal/FaultTolerantWriteDxe/FaultTolerantWriteSmm.inf',
  produces: [gEfiSmmFaultTolerantWriteProtocolGuid],
};
