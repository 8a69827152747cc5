/*
 * Protocol/MmCommunication2.h - SmiScope's SMM-C header set.
 * The second communicate protocol, which takes the buffer's physical and virtual address
 * (edk2: MdePkg/Include/Protocol/MmCommunication2.h).
 */
#ifndef SMMC_PROTOCOL_MM_COMMUNICATION2_H_
#define SMMC_PROTOCOL_MM_COMMUNICATION2_H_

#include <Protocol/MmCommunication.h>

#define EFI_MM_COMMUNICATION2_PROTOCOL_GUID \
  { 0x378daedc, 0xf06b, 0x4446, { 0x83, 0x14, 0x40, 0xab, 0x93, 0x3c, 0x87, 0xa3 } }

typedef struct _EFI_MM_COMMUNICATION2_PROTOCOL EFI_MM_COMMUNICATION2_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_MM_COMMUNICATE2) (IN CONST EFI_MM_COMMUNICATION2_PROTOCOL *This,
                                                  IN OUT VOID *CommBufferPhysical, IN OUT VOID *CommBufferVirtual,
                                                  IN OUT UINTN *CommSize OPTIONAL);

struct _EFI_MM_COMMUNICATION2_PROTOCOL {
  EFI_MM_COMMUNICATE2  Communicate;
};

extern EFI_GUID  gEfiMmCommunication2ProtocolGuid;

#endif
