/*
 * Protocol/SmmBase2.h - SmiScope's SMM-C header set.
 * How a driver finds the SMST (edk2: MdePkg/Include/Protocol/SmmBase2.h); SmmServicesTableLib's
 * constructor locates this protocol and calls GetSmstLocation to set gSmst. Same GUID as MmBase.
 */
#ifndef SMMC_PROTOCOL_SMM_BASE2_H_
#define SMMC_PROTOCOL_SMM_BASE2_H_

#include <Pi/PiSmmCis.h>
#include <Protocol/MmBase.h>

#define EFI_SMM_BASE2_PROTOCOL_GUID  EFI_MM_BASE_PROTOCOL_GUID

typedef struct _EFI_SMM_BASE2_PROTOCOL EFI_SMM_BASE2_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_SMM_INSIDE_OUT2) (IN CONST EFI_SMM_BASE2_PROTOCOL *This, OUT BOOLEAN *InSmram);
typedef EFI_STATUS (EFIAPI *EFI_SMM_GET_SMST_LOCATION2) (IN CONST EFI_SMM_BASE2_PROTOCOL *This,
                                                         IN OUT EFI_SMM_SYSTEM_TABLE2 **Smst);

struct _EFI_SMM_BASE2_PROTOCOL {
  EFI_SMM_INSIDE_OUT2         InSmm;
  EFI_SMM_GET_SMST_LOCATION2  GetSmstLocation;
};

extern EFI_GUID  gEfiSmmBase2ProtocolGuid;

#endif
