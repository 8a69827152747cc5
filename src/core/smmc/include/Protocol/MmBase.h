/*
 * Protocol/MmBase.h - SmiScope's SMM-C header set.
 * How a driver finds the MMST (edk2: MdePkg/Include/Protocol/MmBase.h); MmServicesTableLib's
 * constructor locates this protocol and calls GetMmstLocation to set gMmst.
 */
#ifndef SMMC_PROTOCOL_MM_BASE_H_
#define SMMC_PROTOCOL_MM_BASE_H_

#include <Pi/PiMmCis.h>

#define EFI_MM_BASE_PROTOCOL_GUID \
  { 0xf4ccbfb7, 0xf6e0, 0x47fd, { 0x9d, 0xd4, 0x10, 0xa8, 0xf1, 0x50, 0xc1, 0x91 } }

typedef struct _EFI_MM_BASE_PROTOCOL EFI_MM_BASE_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_MM_INSIDE_OUT) (IN CONST EFI_MM_BASE_PROTOCOL *This, OUT BOOLEAN *InMmram);
typedef EFI_STATUS (EFIAPI *EFI_MM_GET_MMST_LOCATION) (IN CONST EFI_MM_BASE_PROTOCOL *This,
                                                       IN OUT EFI_MM_SYSTEM_TABLE **Mmst);

struct _EFI_MM_BASE_PROTOCOL {
  EFI_MM_INSIDE_OUT         InMm;
  EFI_MM_GET_MMST_LOCATION  GetMmstLocation;
};

extern EFI_GUID  gEfiMmBaseProtocolGuid;

#endif
