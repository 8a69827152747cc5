/*
 * Protocol/MmEndOfDxe.h - SmiScope's SMM-C header set.
 * A notification GUID without an interface (edk2: MdePkg/Include/Protocol/MmEndOfDxe.h): the
 * MM core installs it at the end of DXE (SmmMemLib snapshots the UEFI memory map then).
 */
#ifndef SMMC_PROTOCOL_MM_END_OF_DXE_H_
#define SMMC_PROTOCOL_MM_END_OF_DXE_H_

#include <Uefi/UefiBaseType.h>

#define EFI_MM_END_OF_DXE_PROTOCOL_GUID \
  { 0x24e70042, 0xd5c5, 0x4260, { 0x8c, 0x39, 0x0a, 0xd3, 0xaa, 0x32, 0xe9, 0x3d } }

extern EFI_GUID  gEfiMmEndOfDxeProtocolGuid;

#endif
