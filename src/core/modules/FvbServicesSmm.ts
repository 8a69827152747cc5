/**
 * OvmfPkg/QemuFlashFvbServicesRuntimeDxe (FvbServicesSmm.inf): EFI_SMM_FIRMWARE_VOLUME_BLOCK_PROTOCOL
 * over QEMU's pflash holding OVMF_VARS.fd. QemuFlashInitialize probes the flash (QemuFlashDetected
 * writes a CFI command at 0xFFC00010 and reads back), then FvbInitialize installs the SMM FVB and a
 * device path on one handle. The model does not emulate the pflash command set: it prints the
 * lines the probe prints on QEMU and treats the flash as plain bytes VariableSmm writes.
 */

import { DEBUG, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { type Fw } from '../pi/Platform';
import { type Gen, lazyEv } from '../pi/Fw';
import { type Guid, registerGuidName } from '../lib/Guid';
import { SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import type { ModuleDef } from '../pi/Platform';
import { OVMF_VARS_FLASH_BASE } from './VariableStore';

/** MdeModulePkg/MdeModulePkg.dec, MdePkg/MdePkg.dec. */
export const gEfiSmmFirmwareVolumeBlockProtocolGuid: Guid = 'd326d041-bd31-4c01-b5a8-628be87f0653';
export const gEfiDevicePathProtocolGuid: Guid = '09576e91-6d3f-11d2-8e39-00a0c969723b';
registerGuidName(gEfiSmmFirmwareVolumeBlockProtocolGuid, 'gEfiSmmFirmwareVolumeBlockProtocolGuid');
registerGuidName(gEfiDevicePathProtocolGuid, 'gEfiDevicePathProtocolGuid');

function* entry(fw: Fw): Gen<EfiStatus> {
  // QemuFlash.c QemuFlashDetected: probe one word past the start of the variable store.
  DEBUG(fw, DEBUG_INFO, 'QEMU Flash: Attempting flash detection at %p\n', OVMF_VARS_FLASH_BASE + 0x10);
  DEBUG(fw, DEBUG_INFO, 'QemuFlashDetected => FD behaves as FLASH, writable\n');
  DEBUG(fw, DEBUG_INFO, 'QemuFlashDetected => Yes\n');
  yield lazyEv('handler', fw.cpu, () => 'FvbServicesSmm: QemuFlashDetected - the pflash answers the CFI probe and is writable (QEMU -drive if=pflash,unit=1; in SMM-enabled OVMF QEMU lets only SMM write it, secure=on); the model keeps it as plain bytes');
  DEBUG(fw, DEBUG_INFO, 'Installing QEMU flash SMM FVB\n');
  // FwBlockServiceSmm.c InstallProtocolInterfaces: the SMM FVB and its device path on one handle.
  yield* SmmInstallProtocolInterface(fw, gEfiSmmFirmwareVolumeBlockProtocolGuid);
  yield* SmmInstallProtocolInterface(fw, gEfiDevicePathProtocolGuid);
  return 'EFI_SUCCESS';
}

export const FvbServicesSmm: ModuleDef = {
  name: 'FvbServicesSmm',
  fileGuid: '2e7db7a7-608e-4041-b45f-00359e0766c6',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x8000,
  entry,
  handlers: {},
  summary: 'Reads and writes QEMU\'s OVMF_VARS pflash from SMM (the firmware-volume block protocol the variable driver writes through)',
  path: 'OvmfPkg/QemuFlashFvbServicesRuntimeDxe/FvbServicesSmm.inf',
  produces: [gEfiSmmFirmwareVolumeBlockProtocolGuid, gEfiDevicePathProtocolGuid],
};
