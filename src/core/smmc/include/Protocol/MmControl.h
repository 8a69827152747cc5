/*
 * Protocol/MmControl.h - SmiScope's SMM-C header set.
 * How DXE code raises an MMI (edk2: MdePkg/Include/Protocol/MmControl.h). On OVMF
 * (OvmfPkg SmmControl2Dxe) Trigger writes the data port 0xB3, then the command port 0xB2.
 */
#ifndef SMMC_PROTOCOL_MM_CONTROL_H_
#define SMMC_PROTOCOL_MM_CONTROL_H_

#include <Uefi/UefiBaseType.h>

#define EFI_MM_CONTROL_PROTOCOL_GUID \
  { 0x843dc720, 0xab1e, 0x42cb, { 0x93, 0x57, 0x8a, 0x00, 0x78, 0xf3, 0x56, 0x1b } }

typedef struct _EFI_MM_CONTROL_PROTOCOL EFI_MM_CONTROL_PROTOCOL;
typedef UINTN EFI_MM_PERIOD;

typedef EFI_STATUS (EFIAPI *EFI_MM_ACTIVATE) (IN CONST EFI_MM_CONTROL_PROTOCOL *This,
                                              IN OUT UINT8 *CommandPort OPTIONAL, IN OUT UINT8 *DataPort OPTIONAL,
                                              IN BOOLEAN Periodic OPTIONAL, IN UINTN ActivationInterval OPTIONAL);
typedef EFI_STATUS (EFIAPI *EFI_MM_DEACTIVATE) (IN CONST EFI_MM_CONTROL_PROTOCOL *This, IN BOOLEAN Periodic OPTIONAL);

/* 24 bytes. */
struct _EFI_MM_CONTROL_PROTOCOL {
  EFI_MM_ACTIVATE    Trigger;                /* 0 */
  EFI_MM_DEACTIVATE  Clear;                  /* 8 */
  EFI_MM_PERIOD      MinimumTriggerPeriod;   /* 16 */
};

extern EFI_GUID  gEfiMmControlProtocolGuid;

#endif
