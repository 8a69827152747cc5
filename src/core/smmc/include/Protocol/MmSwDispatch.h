/*
 * Protocol/MmSwDispatch.h - SmiScope's SMM-C header set.
 * Software-MMI dispatch, PI 1.5+ "MM" names (edk2: MdePkg/Include/Protocol/MmSwDispatch.h).
 * OVMF has no producer of this protocol: OVMF drivers register a root handler that reads
 * the APM control port 0xB2 instead (OvmfPkg CpuHotplugSmm).
 */
#ifndef SMMC_PROTOCOL_MM_SW_DISPATCH_H_
#define SMMC_PROTOCOL_MM_SW_DISPATCH_H_

#include <Pi/PiMmCis.h>

#define EFI_MM_SW_DISPATCH_PROTOCOL_GUID \
  { 0x18a3c6dc, 0x5eea, 0x48c8, { 0xa1, 0xc1, 0xb5, 0x33, 0x89, 0xf9, 0x89, 0x99 } }

/* Which value written to the APM control port the handler is for (8 bytes). */
typedef struct {
  UINTN  SwMmiInputValue;
} EFI_MM_SW_REGISTER_CONTEXT;

/* What the handler's CommBuffer points to (16 bytes). */
typedef struct {
  UINTN  SwMmiCpuIndex;   /* 0: the CPU that wrote the port */
  UINT8  CommandPort;     /* 8: the value at 0xB2 */
  UINT8  DataPort;        /* 9: the value at 0xB3 */
} EFI_MM_SW_CONTEXT;

typedef struct _EFI_MM_SW_DISPATCH_PROTOCOL EFI_MM_SW_DISPATCH_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_MM_SW_REGISTER) (IN CONST EFI_MM_SW_DISPATCH_PROTOCOL *This,
                                                 IN EFI_MM_HANDLER_ENTRY_POINT DispatchFunction,
                                                 IN OUT EFI_MM_SW_REGISTER_CONTEXT *RegisterContext,
                                                 OUT EFI_HANDLE *DispatchHandle);
typedef EFI_STATUS (EFIAPI *EFI_MM_SW_UNREGISTER) (IN CONST EFI_MM_SW_DISPATCH_PROTOCOL *This,
                                                   IN EFI_HANDLE DispatchHandle);

/* 24 bytes. */
struct _EFI_MM_SW_DISPATCH_PROTOCOL {
  EFI_MM_SW_REGISTER    Register;          /* 0 */
  EFI_MM_SW_UNREGISTER  UnRegister;        /* 8 */
  UINTN                 MaximumSwiValue;   /* 16 */
};

extern EFI_GUID  gEfiMmSwDispatchProtocolGuid;

#endif
