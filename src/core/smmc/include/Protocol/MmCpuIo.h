/*
 * Protocol/MmCpuIo.h - SmiScope's SMM-C header set.
 * CPU I/O and MMIO access from MM (edk2: MdePkg/Include/Protocol/MmCpuIo.h). The MMST embeds
 * one of these as MmIo; UefiCpuPkg CpuIo2Smm fills it in.
 */
#ifndef SMMC_PROTOCOL_MM_CPU_IO_H_
#define SMMC_PROTOCOL_MM_CPU_IO_H_

#include <Uefi/UefiBaseType.h>

#define EFI_MM_CPU_IO_PROTOCOL_GUID \
  { 0x3242A9D8, 0xCE70, 0x4AA0, { 0x95, 0x5D, 0x5E, 0x7B, 0x14, 0x0D, 0xE4, 0xD2 } }

typedef struct _EFI_MM_CPU_IO_PROTOCOL EFI_MM_CPU_IO_PROTOCOL;

/* Width of each access. Port I/O has no 64-bit accesses (EFI_INVALID_PARAMETER). */
typedef enum {
  MM_IO_UINT8  = 0,
  MM_IO_UINT16 = 1,
  MM_IO_UINT32 = 2,
  MM_IO_UINT64 = 3
} EFI_MM_IO_WIDTH;

/* Count accesses of Width at Address, to or from Buffer. */
typedef EFI_STATUS (EFIAPI *EFI_MM_CPU_IO) (IN CONST EFI_MM_CPU_IO_PROTOCOL *This, IN EFI_MM_IO_WIDTH Width,
                                            IN UINT64 Address, IN UINTN Count, IN OUT VOID *Buffer);

/* A read and a write service (16 bytes). */
typedef struct {
  EFI_MM_CPU_IO  Read;    /* 0 */
  EFI_MM_CPU_IO  Write;   /* 8 */
} EFI_MM_IO_ACCESS;

/* Memory-mapped and port I/O (32 bytes). */
struct _EFI_MM_CPU_IO_PROTOCOL {
  EFI_MM_IO_ACCESS  Mem;  /* 0 */
  EFI_MM_IO_ACCESS  Io;   /* 16 */
};

extern EFI_GUID  gEfiMmCpuIoProtocolGuid;

#endif
