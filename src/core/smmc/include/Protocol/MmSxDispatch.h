/*
 * Protocol/MmSxDispatch.h - SmiScope's SMM-C header set.
 * Sleep-state (Sx) MMI dispatch, PI 1.5+ "MM" names (edk2: MdePkg/Include/Protocol/MmSxDispatch.h).
 * The handler gets CommBuffer = NULL. OVMF has no producer.
 */
#ifndef SMMC_PROTOCOL_MM_SX_DISPATCH_H_
#define SMMC_PROTOCOL_MM_SX_DISPATCH_H_

#include <Pi/PiMmCis.h>

#define EFI_MM_SX_DISPATCH_PROTOCOL_GUID \
  { 0x456d2859, 0xa84b, 0x4e47, { 0xa2, 0xee, 0x32, 0x76, 0xd8, 0x86, 0x99, 0x7d } }

typedef enum {
  SxS0,
  SxS1,
  SxS2,
  SxS3,
  SxS4,
  SxS5,
  EfiMaximumSleepType
} EFI_SLEEP_TYPE;

typedef enum {
  SxEntry,
  SxExit,
  EfiMaximumPhase
} EFI_SLEEP_PHASE;

/* 8 bytes. */
typedef struct {
  EFI_SLEEP_TYPE   Type;    /* 0 */
  EFI_SLEEP_PHASE  Phase;   /* 4 */
} EFI_MM_SX_REGISTER_CONTEXT;

typedef struct _EFI_MM_SX_DISPATCH_PROTOCOL EFI_MM_SX_DISPATCH_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_MM_SX_REGISTER) (IN CONST EFI_MM_SX_DISPATCH_PROTOCOL *This,
                                                 IN EFI_MM_HANDLER_ENTRY_POINT DispatchFunction,
                                                 IN CONST EFI_MM_SX_REGISTER_CONTEXT *RegisterContext,
                                                 OUT EFI_HANDLE *DispatchHandle);
typedef EFI_STATUS (EFIAPI *EFI_MM_SX_UNREGISTER) (IN CONST EFI_MM_SX_DISPATCH_PROTOCOL *This,
                                                   IN EFI_HANDLE DispatchHandle);

/* 16 bytes. */
struct _EFI_MM_SX_DISPATCH_PROTOCOL {
  EFI_MM_SX_REGISTER    Register;
  EFI_MM_SX_UNREGISTER  UnRegister;
};

extern EFI_GUID  gEfiMmSxDispatchProtocolGuid;

#endif
