/*
 * Protocol/SmmEndOfDxe.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" name of Protocol/MmEndOfDxe.h (edk2: MdePkg/Include/Protocol/SmmEndOfDxe.h);
 * same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_END_OF_DXE_H_
#define SMMC_PROTOCOL_SMM_END_OF_DXE_H_

#include <Protocol/MmEndOfDxe.h>

#define EFI_SMM_END_OF_DXE_PROTOCOL_GUID  EFI_MM_END_OF_DXE_PROTOCOL_GUID

extern EFI_GUID  gEfiSmmEndOfDxeProtocolGuid;

#endif
