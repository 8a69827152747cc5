/*
 * Protocol/MmCommunication.h - SmiScope's SMM-C header set.
 * The communicate buffer header and the DXE-side protocol that sends one into MM
 * (edk2: MdePkg/Include/Protocol/MmCommunication.h).
 */
#ifndef SMMC_PROTOCOL_MM_COMMUNICATION_H_
#define SMMC_PROTOCOL_MM_COMMUNICATION_H_

#include <Uefi/UefiBaseType.h>

/*
 * The header in front of every message (packed: 25 bytes). The handler registered for
 * HeaderGuid gets CommBuffer = &Data and *CommBufferSize = MessageLength; code takes
 * OFFSET_OF (EFI_MM_COMMUNICATE_HEADER, Data), 24, as the header size.
 */
#pragma pack(push, 1)
typedef struct {
  EFI_GUID  HeaderGuid;      /* 0 */
  UINTN     MessageLength;   /* 16 */
  UINT8     Data[1];         /* 24 */
} EFI_MM_COMMUNICATE_HEADER;
#pragma pack(pop)

#define EFI_MM_COMMUNICATION_PROTOCOL_GUID \
  { 0xc68ed8e2, 0x9dc6, 0x4cbd, { 0x9d, 0x94, 0xdb, 0x65, 0xac, 0xc5, 0xc3, 0x32 } }

typedef struct _EFI_MM_COMMUNICATION_PROTOCOL EFI_MM_COMMUNICATION_PROTOCOL;

/* Triggers an SMI that runs the handlers of the buffer's HeaderGuid. */
typedef EFI_STATUS (EFIAPI *EFI_MM_COMMUNICATE) (IN CONST EFI_MM_COMMUNICATION_PROTOCOL *This,
                                                 IN OUT VOID *CommBuffer, IN OUT UINTN *CommSize OPTIONAL);

/* 8 bytes. */
struct _EFI_MM_COMMUNICATION_PROTOCOL {
  EFI_MM_COMMUNICATE  Communicate;
};

extern EFI_GUID  gEfiMmCommunicationProtocolGuid;

#endif
