/*
 * Library/SmmMemLib.h - SmiScope's SMM-C header set.
 * Checks and copies for buffers that come from outside SMRAM, such as a communicate buffer
 * (edk2: MdePkg/Include/Library/SmmMemLib.h). A buffer is valid when it does not overlap SMRAM
 * and, after End-of-DXE, lies in one reserved, runtime or ACPI NVS memory-map entry.
 */
#ifndef SMMC_LIBRARY_SMM_MEM_LIB_H_
#define SMMC_LIBRARY_SMM_MEM_LIB_H_

#include <Uefi/UefiBaseType.h>

BOOLEAN EFIAPI SmmIsBufferOutsideSmmValid (IN EFI_PHYSICAL_ADDRESS Buffer, IN UINT64 Length);

/* Each first checks the buffers that must lie outside SMRAM (ToSmram: the source; FromSmram and
   SetMem: the destination; CopyMem: both) and returns EFI_SECURITY_VIOLATION if one is not valid. */
EFI_STATUS EFIAPI SmmCopyMemToSmram (OUT VOID *DestinationBuffer, IN CONST VOID *SourceBuffer, IN UINTN Length);
EFI_STATUS EFIAPI SmmCopyMemFromSmram (OUT VOID *DestinationBuffer, IN CONST VOID *SourceBuffer, IN UINTN Length);
EFI_STATUS EFIAPI SmmCopyMem (OUT VOID *DestinationBuffer, IN CONST VOID *SourceBuffer, IN UINTN Length);
EFI_STATUS EFIAPI SmmSetMem (OUT VOID *Buffer, IN UINTN Length, IN UINT8 Value);

#endif
