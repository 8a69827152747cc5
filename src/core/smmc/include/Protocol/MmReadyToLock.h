/*
 * Protocol/MmReadyToLock.h - SmiScope's SMM-C header set.
 * A notification GUID without an interface (edk2: MdePkg/Include/Protocol/MmReadyToLock.h): the
 * MM core installs it when DXE signals ready-to-lock; register a protocol notify to hear it.
 */
#ifndef SMMC_PROTOCOL_MM_READY_TO_LOCK_H_
#define SMMC_PROTOCOL_MM_READY_TO_LOCK_H_

#include <Uefi/UefiBaseType.h>

#define EFI_MM_READY_TO_LOCK_PROTOCOL_GUID \
  { 0x47b7fa8c, 0xf4bd, 0x4af6, { 0x82, 0x00, 0x33, 0x30, 0x86, 0xf0, 0xd2, 0xc8 } }

extern EFI_GUID  gEfiMmReadyToLockProtocolGuid;

#endif
