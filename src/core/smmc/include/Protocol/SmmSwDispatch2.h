/*
 * Protocol/SmmSwDispatch2.h - SmiScope's SMM-C header set.
 * Software-SMI dispatch, PI 1.2 "SMM" names (edk2: MdePkg/Include/Protocol/SmmSwDispatch2.h).
 * Binary-identical to Protocol/MmSwDispatch.h, same GUID. OVMF produces neither.
 */
#ifndef SMMC_PROTOCOL_SMM_SW_DISPATCH2_H_
#define SMMC_PROTOCOL_SMM_SW_DISPATCH2_H_

#include <Protocol/MmSwDispatch.h>
#include <Pi/PiSmmCis.h>

#define EFI_SMM_SW_DISPATCH2_PROTOCOL_GUID  EFI_MM_SW_DISPATCH_PROTOCOL_GUID

/* 8 bytes; (UINTN)-1 asks the producer to pick a free value. */
typedef struct {
  UINTN  SwSmiInputValue;
} EFI_SMM_SW_REGISTER_CONTEXT;

/* What the handler's CommBuffer points to (16 bytes). */
typedef struct {
  UINTN  SwSmiCpuIndex;   /* 0 */
  UINT8  CommandPort;     /* 8 */
  UINT8  DataPort;        /* 9 */
} EFI_SMM_SW_CONTEXT;

typedef struct _EFI_SMM_SW_DISPATCH2_PROTOCOL EFI_SMM_SW_DISPATCH2_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_SMM_SW_REGISTER2) (IN CONST EFI_SMM_SW_DISPATCH2_PROTOCOL *This,
                                                   IN EFI_SMM_HANDLER_ENTRY_POINT2 DispatchFunction,
                                                   IN OUT EFI_SMM_SW_REGISTER_CONTEXT *RegisterContext,
                                                   OUT EFI_HANDLE *DispatchHandle);
typedef EFI_STATUS (EFIAPI *EFI_SMM_SW_UNREGISTER2) (IN CONST EFI_SMM_SW_DISPATCH2_PROTOCOL *This,
                                                     IN EFI_HANDLE DispatchHandle);

/* 24 bytes. */
struct _EFI_SMM_SW_DISPATCH2_PROTOCOL {
  EFI_SMM_SW_REGISTER2    Register;          /* 0 */
  EFI_SMM_SW_UNREGISTER2  UnRegister;        /* 8 */
  UINTN                   MaximumSwiValue;   /* 16 */
};

extern EFI_GUID  gEfiSmmSwDispatch2ProtocolGuid;

#endif
