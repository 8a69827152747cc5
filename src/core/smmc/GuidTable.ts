/**
 * The value of every GUID the shipped headers declare (`extern EFI_GUID gEfi...Guid;`), for the
 * module loader: edk2 defines these in each module's AutoGen.c from the package .dec files; SMM-C
 * places them in the module image from this table. The PI 1.2 "Smm" and PI 1.5 "Mm" names of a
 * protocol share one value. Names src/core/lib/Guid.ts knows take their value from there.
 */

import { GUIDS, guidToBytes, type Guid } from '../lib/Guid';

/** Name -> 8-4-4-4-12 value, for every extern GUID of src/core/smmc/include. */
export const SHIPPED_GUIDS: Readonly<Record<string, Guid>> = Object.freeze({
  // Protocol/MmCpuIo.h, Protocol/SmmCpuIo2.h
  gEfiMmCpuIoProtocolGuid: GUIDS.gEfiMmCpuIoProtocolGuid,
  gEfiSmmCpuIo2ProtocolGuid: GUIDS.gEfiSmmCpuIo2ProtocolGuid,
  // Protocol/MmSwDispatch.h, Protocol/SmmSwDispatch2.h
  gEfiMmSwDispatchProtocolGuid: GUIDS.gEfiMmSwDispatchProtocolGuid,
  gEfiSmmSwDispatch2ProtocolGuid: GUIDS.gEfiSmmSwDispatch2ProtocolGuid,
  // Protocol/MmCpu.h, Protocol/SmmCpu.h
  gEfiMmCpuProtocolGuid: GUIDS.gEfiMmCpuProtocolGuid,
  gEfiSmmCpuProtocolGuid: GUIDS.gEfiSmmCpuProtocolGuid,
  // Protocol/MmCommunication.h, Protocol/SmmCommunication.h, Protocol/MmCommunication2.h
  gEfiMmCommunicationProtocolGuid: GUIDS.gEfiMmCommunicationProtocolGuid,
  gEfiSmmCommunicationProtocolGuid: GUIDS.gEfiSmmCommunicationProtocolGuid,
  gEfiMmCommunication2ProtocolGuid: '378daedc-f06b-4446-8314-40ab933c87a3',
  // Pi/PiMultiPhase.h
  gEfiMmCommunicateHeaderV3Guid: '68e8c853-2ba9-4dd7-9ac0-91e16155c935',
  // Protocol/MmBase.h, Protocol/SmmBase2.h
  gEfiMmBaseProtocolGuid: GUIDS.gEfiSmmBase2ProtocolGuid,
  gEfiSmmBase2ProtocolGuid: GUIDS.gEfiSmmBase2ProtocolGuid,
  // Protocol/MmReadyToLock.h, Protocol/SmmReadyToLock.h
  gEfiMmReadyToLockProtocolGuid: '47b7fa8c-f4bd-4af6-8200-333086f0d2c8',
  gEfiSmmReadyToLockProtocolGuid: '47b7fa8c-f4bd-4af6-8200-333086f0d2c8',
  // Protocol/DxeMmReadyToLock.h, Protocol/DxeSmmReadyToLock.h
  gEfiDxeMmReadyToLockProtocolGuid: GUIDS.gEfiDxeSmmReadyToLockProtocolGuid,
  gEfiDxeSmmReadyToLockProtocolGuid: GUIDS.gEfiDxeSmmReadyToLockProtocolGuid,
  // Protocol/MmEndOfDxe.h, Protocol/SmmEndOfDxe.h
  gEfiMmEndOfDxeProtocolGuid: '24e70042-d5c5-4260-8c39-0ad3aa32e93d',
  gEfiSmmEndOfDxeProtocolGuid: '24e70042-d5c5-4260-8c39-0ad3aa32e93d',
  // Protocol/MmPeriodicTimerDispatch.h, Protocol/SmmPeriodicTimerDispatch2.h
  gEfiMmPeriodicTimerDispatchProtocolGuid: '4cec368e-8e8e-4d71-8be1-958c45fc8a53',
  gEfiSmmPeriodicTimerDispatch2ProtocolGuid: '4cec368e-8e8e-4d71-8be1-958c45fc8a53',
  // Protocol/MmSxDispatch.h, Protocol/SmmSxDispatch2.h
  gEfiMmSxDispatchProtocolGuid: '456d2859-a84b-4e47-a2ee-3276d886997d',
  gEfiSmmSxDispatch2ProtocolGuid: '456d2859-a84b-4e47-a2ee-3276d886997d',
  // Protocol/MmControl.h, Protocol/SmmControl2.h
  gEfiMmControlProtocolGuid: GUIDS.gEfiMmControlProtocolGuid,
  gEfiSmmControl2ProtocolGuid: GUIDS.gEfiSmmControl2ProtocolGuid,
  // Protocol/MmAccess.h, Protocol/SmmAccess2.h
  gEfiMmAccessProtocolGuid: GUIDS.gEfiSmmAccess2ProtocolGuid,
  gEfiSmmAccess2ProtocolGuid: GUIDS.gEfiSmmAccess2ProtocolGuid,
  // Protocol/LoadedImage.h, Protocol/DevicePath.h
  gEfiLoadedImageProtocolGuid: '5b1b31a1-9562-11d2-8e3f-00a0c969723b',
  gEfiLoadedImageDevicePathProtocolGuid: 'bc62157e-3e33-4fec-9920-2d3b36d750df',
  gEfiDevicePathProtocolGuid: '09576e91-6d3f-11d2-8e39-00a0c969723b',
  // Guid/EventGroup.h
  gEfiEventDxeDispatchGuid: GUIDS.gEfiEventDxeDispatchGuid,
  gEfiEndOfDxeEventGroupGuid: GUIDS.gEfiEndOfDxeEventGroupGuid,
});

const NAMES = new Map<string, Guid>(Object.entries(SHIPPED_GUIDS));

/** The value of a shipped GUID name, or null. */
export function shippedGuid(name: string): Guid | null {
  return NAMES.get(name) ?? null;
}

/** The 16 bytes of a shipped GUID name as an EFI_GUID holds them in memory (Data1..3 little-endian). */
export function shippedGuidBytes(name: string): Uint8Array | null {
  const g = NAMES.get(name);
  return g === undefined ? null : guidToBytes(g);
}
