/*
 * Protocol/MmAccess.h - SmiScope's SMM-C header set.
 * Opening, closing and locking MMRAM from DXE (edk2: MdePkg/Include/Protocol/MmAccess.h);
 * on Q35 these drive the MCH SMRAM/ESMRAMC registers (OvmfPkg SmmAccess).
 */
#ifndef SMMC_PROTOCOL_MM_ACCESS_H_
#define SMMC_PROTOCOL_MM_ACCESS_H_

#include <Pi/PiMultiPhase.h>

#define EFI_MM_ACCESS_PROTOCOL_GUID \
  { 0xc2702b74, 0x800c, 0x4131, { 0x87, 0x46, 0x8f, 0xb5, 0xb8, 0x9c, 0xe4, 0xac } }

typedef struct _EFI_MM_ACCESS_PROTOCOL EFI_MM_ACCESS_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_MM_OPEN) (IN EFI_MM_ACCESS_PROTOCOL *This);
typedef EFI_STATUS (EFIAPI *EFI_MM_CLOSE) (IN EFI_MM_ACCESS_PROTOCOL *This);
typedef EFI_STATUS (EFIAPI *EFI_MM_LOCK) (IN EFI_MM_ACCESS_PROTOCOL *This);
typedef EFI_STATUS (EFIAPI *EFI_MM_CAPABILITIES) (IN CONST EFI_MM_ACCESS_PROTOCOL *This, IN OUT UINTN *MmramMapSize,
                                                  IN OUT EFI_MMRAM_DESCRIPTOR *MmramMap);

/* 40 bytes. */
struct _EFI_MM_ACCESS_PROTOCOL {
  EFI_MM_OPEN          Open;              /* 0 */
  EFI_MM_CLOSE         Close;             /* 8 */
  EFI_MM_LOCK          Lock;              /* 16 */
  EFI_MM_CAPABILITIES  GetCapabilities;   /* 24 */
  BOOLEAN              LockState;         /* 32 */
  BOOLEAN              OpenState;         /* 33 */
};

extern EFI_GUID  gEfiMmAccessProtocolGuid;

#endif
