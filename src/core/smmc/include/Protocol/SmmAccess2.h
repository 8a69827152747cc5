/*
 * Protocol/SmmAccess2.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" names of Protocol/MmAccess.h (edk2: MdePkg/Include/Protocol/SmmAccess2.h);
 * same types, same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_ACCESS2_H_
#define SMMC_PROTOCOL_SMM_ACCESS2_H_

#include <Protocol/MmAccess.h>

#define EFI_SMM_ACCESS2_PROTOCOL_GUID  EFI_MM_ACCESS_PROTOCOL_GUID

typedef EFI_MM_ACCESS_PROTOCOL  EFI_SMM_ACCESS2_PROTOCOL;
typedef EFI_MM_OPEN             EFI_SMM_OPEN2;
typedef EFI_MM_CLOSE            EFI_SMM_CLOSE2;
typedef EFI_MM_LOCK             EFI_SMM_LOCK2;
typedef EFI_MM_CAPABILITIES     EFI_SMM_CAPABILITIES2;

extern EFI_GUID  gEfiSmmAccess2ProtocolGuid;

#endif
