/*
 * Library/BaseMemoryLib.h - SmiScope's SMM-C header set.
 * Copying, filling, comparing and scanning memory; GUID helpers
 * (edk2: MdePkg/Include/Library/BaseMemoryLib.h; OVMF's instance is MdePkg BaseMemoryLibRepStr).
 */
#ifndef SMMC_LIBRARY_BASE_MEMORY_LIB_H_
#define SMMC_LIBRARY_BASE_MEMORY_LIB_H_

#include <Base.h>

/* ---- Copy and fill (return the destination). CopyMem and SetMem do not check for NULL. ---- */
VOID * EFIAPI CopyMem (OUT VOID *DestinationBuffer, IN CONST VOID *SourceBuffer, IN UINTN Length);
VOID * EFIAPI SetMem (OUT VOID *Buffer, IN UINTN Length, IN UINT8 Value);
VOID * EFIAPI SetMem16 (OUT VOID *Buffer, IN UINTN Length, IN UINT16 Value);
VOID * EFIAPI SetMem32 (OUT VOID *Buffer, IN UINTN Length, IN UINT32 Value);
VOID * EFIAPI SetMem64 (OUT VOID *Buffer, IN UINTN Length, IN UINT64 Value);
VOID * EFIAPI SetMemN (OUT VOID *Buffer, IN UINTN Length, IN UINTN Value);
VOID * EFIAPI ZeroMem (OUT VOID *Buffer, IN UINTN Length);

/* ---- Compare (0 when equal, else the difference of the first differing bytes) ---- */
INTN EFIAPI CompareMem (IN CONST VOID *DestinationBuffer, IN CONST VOID *SourceBuffer, IN UINTN Length);

/* ---- Scan for a value (NULL when absent) ---- */
VOID * EFIAPI ScanMem8 (IN CONST VOID *Buffer, IN UINTN Length, IN UINT8 Value);
VOID * EFIAPI ScanMem16 (IN CONST VOID *Buffer, IN UINTN Length, IN UINT16 Value);
VOID * EFIAPI ScanMem32 (IN CONST VOID *Buffer, IN UINTN Length, IN UINT32 Value);
VOID * EFIAPI ScanMem64 (IN CONST VOID *Buffer, IN UINTN Length, IN UINT64 Value);
VOID * EFIAPI ScanMemN (IN CONST VOID *Buffer, IN UINTN Length, IN UINTN Value);

/* ---- GUIDs ---- */
GUID * EFIAPI CopyGuid (OUT GUID *DestinationGuid, IN CONST GUID *SourceGuid);
BOOLEAN EFIAPI CompareGuid (IN CONST GUID *Guid1, IN CONST GUID *Guid2);
VOID * EFIAPI ScanGuid (IN CONST VOID *Buffer, IN UINTN Length, IN CONST GUID *Guid);
BOOLEAN EFIAPI IsZeroGuid (IN CONST GUID *Guid);
BOOLEAN EFIAPI IsZeroBuffer (IN CONST VOID *Buffer, IN UINTN Length);

#endif
