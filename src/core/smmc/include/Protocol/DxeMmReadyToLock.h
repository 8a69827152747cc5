/*
 * Protocol/DxeMmReadyToLock.h - SmiScope's SMM-C header set.
 * The DXE-side ready-to-lock notification GUID (edk2: MdePkg/Include/Protocol/DxeMmReadyToLock.h):
 * installed in the UEFI handle database; the SMM IPL answers it by locking SMRAM.
 */
#ifndef SMMC_PROTOCOL_DXE_MM_READY_TO_LOCK_H_
#define SMMC_PROTOCOL_DXE_MM_READY_TO_LOCK_H_

#include <Uefi/UefiBaseType.h>

#define EFI_DXE_MM_READY_TO_LOCK_PROTOCOL_GUID \
  { 0x60ff8964, 0xe906, 0x41d0, { 0xaf, 0xed, 0xf2, 0x41, 0xe9, 0x74, 0xe0, 0x8e } }

extern EFI_GUID  gEfiDxeMmReadyToLockProtocolGuid;

#endif
