/*
 * Protocol/SmmControl2.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" names of Protocol/MmControl.h (edk2: MdePkg/Include/Protocol/SmmControl2.h);
 * same types, same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_CONTROL2_H_
#define SMMC_PROTOCOL_SMM_CONTROL2_H_

#include <Protocol/MmControl.h>

#define EFI_SMM_CONTROL2_PROTOCOL_GUID  EFI_MM_CONTROL_PROTOCOL_GUID

typedef EFI_MM_CONTROL_PROTOCOL  EFI_SMM_CONTROL2_PROTOCOL;
typedef EFI_MM_PERIOD            EFI_SMM_PERIOD;
typedef EFI_MM_ACTIVATE          EFI_SMM_ACTIVATE2;
typedef EFI_MM_DEACTIVATE        EFI_SMM_DEACTIVATE2;

extern EFI_GUID  gEfiSmmControl2ProtocolGuid;

#endif
