/*
 * Pi/PiMultiPhase.h - SmiScope's SMM-C header set.
 * PI definitions shared between boot phases (edk2: MdePkg/Include/Pi/PiMultiPhase.h): the PI
 * version, the PI-only status codes, MMRAM descriptors, the V3 communicate header, AP procedures.
 */
#ifndef SMMC_PI_MULTI_PHASE_H_
#define SMMC_PI_MULTI_PHASE_H_

#include <Uefi/UefiBaseType.h>

/* PI specification 1.80 (edk2-stable202411 and later; 1.60 before). */
#define PI_SPECIFICATION_MAJOR_REVISION  1
#define PI_SPECIFICATION_MINOR_REVISION  80
#define PI_SPECIFICATION_VERSION         ((PI_SPECIFICATION_MAJOR_REVISION << 16) | (PI_SPECIFICATION_MINOR_REVISION))

/* ---- PI status codes: bit 61 marks the PI range (errors also have bit 63) ---- */
#define DXE_ERROR(StatusCode)     (MAX_BIT | (MAX_BIT >> 2) | StatusCode)
#define EFI_REQUEST_UNLOAD_IMAGE  DXE_ERROR (1)    /* 0xA000000000000001 */
#define EFI_NOT_AVAILABLE_YET     DXE_ERROR (2)    /* 0xA000000000000002 */

#define PI_ENCODE_WARNING(a)  ((MAX_BIT >> 2) | (a))
#define PI_ENCODE_ERROR(a)    (MAX_BIT | (MAX_BIT >> 2) | (a))

/* What an MMI handler returns (SmiManage in PiSmmCore Smi.c acts on these). */
#define EFI_INTERRUPT_PENDING               PI_ENCODE_ERROR (0)      /* 0xA000000000000000 */
#define EFI_WARN_INTERRUPT_SOURCE_PENDING   PI_ENCODE_WARNING (0)    /* 0x2000000000000000 */
#define EFI_WARN_INTERRUPT_SOURCE_QUIESCED  PI_ENCODE_WARNING (1)    /* 0x2000000000000001 */

/* ---- MMRAM (SMRAM) ranges as SMM Access reports them ---- */
#define EFI_MMRAM_OPEN                0x00000001
#define EFI_MMRAM_CLOSED              0x00000002
#define EFI_MMRAM_LOCKED              0x00000004
#define EFI_CACHEABLE                 0x00000008
#define EFI_ALLOCATED                 0x00000010
#define EFI_NEEDS_TESTING             0x00000020
#define EFI_NEEDS_ECC_INITIALIZATION  0x00000040
#define EFI_SMRAM_OPEN                EFI_MMRAM_OPEN
#define EFI_SMRAM_CLOSED              EFI_MMRAM_CLOSED
#define EFI_SMRAM_LOCKED              EFI_MMRAM_LOCKED

/* One MMRAM range (32 bytes). */
typedef struct {
  EFI_PHYSICAL_ADDRESS  PhysicalStart;   /* as the chipset decodes it */
  EFI_PHYSICAL_ADDRESS  CpuStart;        /* as the CPU addresses it */
  UINT64                PhysicalSize;
  UINT64                RegionState;     /* EFI_MMRAM_* bits */
} EFI_MMRAM_DESCRIPTOR;

typedef EFI_MMRAM_DESCRIPTOR  EFI_SMRAM_DESCRIPTOR;

/* A piece of MMRAM the MM core must not use for its heap (16 bytes). */
typedef struct _EFI_MM_RESERVED_MMRAM_REGION {
  EFI_PHYSICAL_ADDRESS  MmramReservedStart;
  UINT64                MmramReservedSize;
} EFI_MM_RESERVED_MMRAM_REGION;

/* Results of a firmware file's authentication (Security architectural protocol). */
#define EFI_AUTH_STATUS_PLATFORM_OVERRIDE  0x01
#define EFI_AUTH_STATUS_IMAGE_SIGNED       0x02
#define EFI_AUTH_STATUS_NOT_TESTED         0x04
#define EFI_AUTH_STATUS_TEST_FAILED        0x08
#define EFI_AUTH_STATUS_ALL                0x0f

/* ---- The V3 communicate header: recognised by HeaderGuid == COMMUNICATE_HEADER_V3_GUID ---- */
#define COMMUNICATE_HEADER_V3_GUID \
  { 0x68e8c853, 0x2ba9, 0x4dd7, { 0x9a, 0xc0, 0x91, 0xe1, 0x61, 0x55, 0xc9, 0x35 } }

#pragma pack(push, 1)
typedef struct {
  EFI_GUID  HeaderGuid;       /* 0: COMMUNICATE_HEADER_V3_GUID */
  UINT64    BufferSize;       /* 16: the whole buffer, header included */
  UINT64    Reserved;         /* 24 */
  EFI_GUID  MessageGuid;      /* 32: which handler the message is for */
  UINT64    MessageSize;      /* 48: bytes of MessageData */
  UINT8     MessageData[];    /* 56 */
} EFI_MM_COMMUNICATE_HEADER_V3;
#pragma pack(pop)

/* ---- Work for another processor (MmStartupThisAp, MP services) ---- */
typedef VOID (EFIAPI *EFI_AP_PROCEDURE) (IN OUT VOID *Buffer);
typedef EFI_STATUS (EFIAPI *EFI_AP_PROCEDURE2) (IN VOID *ProcedureArgument);

extern EFI_GUID  gEfiMmCommunicateHeaderV3Guid;

#endif
