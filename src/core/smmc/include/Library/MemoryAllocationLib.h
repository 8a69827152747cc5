/*
 * Library/MemoryAllocationLib.h - SmiScope's SMM-C header set.
 * Pool and page allocation (edk2: MdePkg/Include/Library/MemoryAllocationLib.h). For an SMM driver
 * OVMF links MdePkg SmmMemoryAllocationLib: pools and pages come from SMRAM through gSmst
 * (type EfiRuntimeServicesData), functions return NULL on failure, and the Reserved variants
 * always return NULL. FreePool frees through gSmst inside SMRAM, through gBS outside it, and
 * ASSERTs that the free succeeded.
 */
#ifndef SMMC_LIBRARY_MEMORY_ALLOCATION_LIB_H_
#define SMMC_LIBRARY_MEMORY_ALLOCATION_LIB_H_

#include <Base.h>

/* ---- Pages (4 KiB each) ---- */
VOID * EFIAPI AllocatePages (IN UINTN Pages);
VOID * EFIAPI AllocateRuntimePages (IN UINTN Pages);
VOID * EFIAPI AllocateReservedPages (IN UINTN Pages);
VOID EFIAPI FreePages (IN VOID *Buffer, IN UINTN Pages);
VOID * EFIAPI AllocateAlignedPages (IN UINTN Pages, IN UINTN Alignment);
VOID * EFIAPI AllocateAlignedRuntimePages (IN UINTN Pages, IN UINTN Alignment);
VOID * EFIAPI AllocateAlignedReservedPages (IN UINTN Pages, IN UINTN Alignment);
VOID EFIAPI FreeAlignedPages (IN VOID *Buffer, IN UINTN Pages);

/* ---- Pool ---- */
VOID * EFIAPI AllocatePool (IN UINTN AllocationSize);
VOID * EFIAPI AllocateRuntimePool (IN UINTN AllocationSize);
VOID * EFIAPI AllocateReservedPool (IN UINTN AllocationSize);
VOID * EFIAPI AllocateZeroPool (IN UINTN AllocationSize);
VOID * EFIAPI AllocateRuntimeZeroPool (IN UINTN AllocationSize);
VOID * EFIAPI AllocateReservedZeroPool (IN UINTN AllocationSize);
VOID * EFIAPI AllocateCopyPool (IN UINTN AllocationSize, IN CONST VOID *Buffer);
VOID * EFIAPI AllocateRuntimeCopyPool (IN UINTN AllocationSize, IN CONST VOID *Buffer);
VOID * EFIAPI AllocateReservedCopyPool (IN UINTN AllocationSize, IN CONST VOID *Buffer);
VOID * EFIAPI ReallocatePool (IN UINTN OldSize, IN UINTN NewSize, IN VOID *OldBuffer OPTIONAL);
VOID * EFIAPI ReallocateRuntimePool (IN UINTN OldSize, IN UINTN NewSize, IN VOID *OldBuffer OPTIONAL);
VOID * EFIAPI ReallocateReservedPool (IN UINTN OldSize, IN UINTN NewSize, IN VOID *OldBuffer OPTIONAL);
VOID EFIAPI FreePool (IN VOID *Buffer);

#endif
