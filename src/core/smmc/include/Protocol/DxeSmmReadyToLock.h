/*
 * Protocol/DxeSmmReadyToLock.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" name of Protocol/DxeMmReadyToLock.h
 * (edk2: MdePkg/Include/Protocol/DxeSmmReadyToLock.h); same GUID.
 */
#ifndef SMMC_PROTOCOL_DXE_SMM_READY_TO_LOCK_H_
#define SMMC_PROTOCOL_DXE_SMM_READY_TO_LOCK_H_

#include <Protocol/DxeMmReadyToLock.h>

#define EFI_DXE_SMM_READY_TO_LOCK_PROTOCOL_GUID  EFI_DXE_MM_READY_TO_LOCK_PROTOCOL_GUID

extern EFI_GUID  gEfiDxeSmmReadyToLockProtocolGuid;

#endif
