/*
 * Protocol/SmmCommunication.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" names of Protocol/MmCommunication.h
 * (edk2: MdePkg/Include/Protocol/SmmCommunication.h); same types, same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_COMMUNICATION_H_
#define SMMC_PROTOCOL_SMM_COMMUNICATION_H_

#include <Protocol/MmCommunication.h>

#define EFI_SMM_COMMUNICATION_PROTOCOL_GUID  EFI_MM_COMMUNICATION_PROTOCOL_GUID

typedef EFI_MM_COMMUNICATE_HEADER      EFI_SMM_COMMUNICATE_HEADER;
typedef EFI_MM_COMMUNICATION_PROTOCOL  EFI_SMM_COMMUNICATION_PROTOCOL;

extern EFI_GUID  gEfiSmmCommunicationProtocolGuid;

#endif
