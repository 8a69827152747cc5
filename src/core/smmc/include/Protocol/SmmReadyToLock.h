/*
 * Protocol/SmmReadyToLock.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" name of Protocol/MmReadyToLock.h
 * (edk2: MdePkg/Include/Protocol/SmmReadyToLock.h); same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_READY_TO_LOCK_H_
#define SMMC_PROTOCOL_SMM_READY_TO_LOCK_H_

#include <Protocol/MmReadyToLock.h>

#define EFI_SMM_READY_TO_LOCK_PROTOCOL_GUID  EFI_MM_READY_TO_LOCK_PROTOCOL_GUID

extern EFI_GUID  gEfiSmmReadyToLockProtocolGuid;

#endif
