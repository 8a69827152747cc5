/*
 * Uefi/UefiMultiPhase.h - SmiScope's SMM-C header set.
 * Definitions UEFI shares between boot phases (edk2: MdePkg/Include/Uefi/UefiMultiPhase.h):
 * memory types, reset types, the header every UEFI/PI service table starts with.
 */
#ifndef SMMC_UEFI_MULTI_PHASE_H_
#define SMMC_UEFI_MULTI_PHASE_H_

#include <Uefi/UefiBaseType.h>

/* Memory types. The SMM core's pool and page services accept only the two
   EfiRuntimeServices* types (PiSmmCore Pool.c/Page.c). */
typedef enum {
  EfiReservedMemoryType,       /* 0 */
  EfiLoaderCode,               /* 1 */
  EfiLoaderData,               /* 2 */
  EfiBootServicesCode,         /* 3 */
  EfiBootServicesData,         /* 4 */
  EfiRuntimeServicesCode,      /* 5 */
  EfiRuntimeServicesData,      /* 6 */
  EfiConventionalMemory,       /* 7 */
  EfiUnusableMemory,           /* 8 */
  EfiACPIReclaimMemory,        /* 9 */
  EfiACPIMemoryNVS,            /* 10 */
  EfiMemoryMappedIO,           /* 11 */
  EfiMemoryMappedIOPortSpace,  /* 12 */
  EfiPalCode,                  /* 13 */
  EfiPersistentMemory,         /* 14 */
  EfiUnacceptedMemoryType,     /* 15 */
  EfiMaxMemoryType,            /* 16 */
  MEMORY_TYPE_OEM_RESERVED_MIN = 0x70000000,
  MEMORY_TYPE_OEM_RESERVED_MAX = 0x7FFFFFFF
  /* edk2 also names the OS-reserved range 0x80000000..0xFFFFFFFF; those values do not fit a
     C99 int enumerator, so SMM-C leaves them out (the enum stays 4 bytes either way). */
} EFI_MEMORY_TYPE;

typedef enum {
  EfiResetCold,
  EfiResetWarm,
  EfiResetShutdown,
  EfiResetPlatformSpecific
} EFI_RESET_TYPE;

/* The first 24 bytes of every service table (system table, boot/runtime services, SMST). */
typedef struct {
  UINT64  Signature;    /* e.g. SIGNATURE_32 ('S','M','S','T') for the SMST */
  UINT32  Revision;     /* (major << 16) | minor */
  UINT32  HeaderSize;   /* size of the whole table in UEFI; PiSmmCore puts sizeof (Hdr) here */
  UINT32  CRC32;
  UINT32  Reserved;
} EFI_TABLE_HEADER;

/* UEFI variable attributes. */
#define EFI_VARIABLE_NON_VOLATILE                           0x00000001
#define EFI_VARIABLE_BOOTSERVICE_ACCESS                     0x00000002
#define EFI_VARIABLE_RUNTIME_ACCESS                         0x00000004
#define EFI_VARIABLE_HARDWARE_ERROR_RECORD                  0x00000008
#define EFI_VARIABLE_AUTHENTICATED_WRITE_ACCESS             0x00000010
#define EFI_VARIABLE_TIME_BASED_AUTHENTICATED_WRITE_ACCESS  0x00000020
#define EFI_VARIABLE_APPEND_WRITE                           0x00000040

#endif
