/*
 * Protocol/MmPeriodicTimerDispatch.h - SmiScope's SMM-C header set.
 * Periodic-timer MMI dispatch, PI 1.5+ "MM" names
 * (edk2: MdePkg/Include/Protocol/MmPeriodicTimerDispatch.h). OVMF has no producer.
 */
#ifndef SMMC_PROTOCOL_MM_PERIODIC_TIMER_DISPATCH_H_
#define SMMC_PROTOCOL_MM_PERIODIC_TIMER_DISPATCH_H_

#include <Pi/PiMmCis.h>

#define EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL_GUID \
  { 0x4cec368e, 0x8e8e, 0x4d71, { 0x8b, 0xe1, 0x95, 0x8c, 0x45, 0xfc, 0x8a, 0x53 } }

/* Times are in 100 ns units (16 bytes). */
typedef struct {
  UINT64  Period;            /* 0: how often the handler runs */
  UINT64  MmiTickInterval;   /* 8: the hardware tick it is built from */
} EFI_MM_PERIODIC_TIMER_REGISTER_CONTEXT;

/* What the handler's CommBuffer points to (8 bytes). */
typedef struct {
  UINT64  ElapsedTime;
} EFI_MM_PERIODIC_TIMER_CONTEXT;

typedef struct _EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL;

typedef EFI_STATUS (EFIAPI *EFI_MM_PERIODIC_TIMER_REGISTER) (
  IN CONST EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL *This, IN EFI_MM_HANDLER_ENTRY_POINT DispatchFunction,
  IN CONST EFI_MM_PERIODIC_TIMER_REGISTER_CONTEXT *RegisterContext, OUT EFI_HANDLE *DispatchHandle);
typedef EFI_STATUS (EFIAPI *EFI_MM_PERIODIC_TIMER_UNREGISTER) (
  IN CONST EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL *This, IN EFI_HANDLE DispatchHandle);
typedef EFI_STATUS (EFIAPI *EFI_MM_PERIODIC_TIMER_INTERVAL) (
  IN CONST EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL *This, IN OUT UINT64 **MmiTickInterval);

/* 24 bytes. */
struct _EFI_MM_PERIODIC_TIMER_DISPATCH_PROTOCOL {
  EFI_MM_PERIODIC_TIMER_REGISTER    Register;                 /* 0 */
  EFI_MM_PERIODIC_TIMER_UNREGISTER  UnRegister;               /* 8 */
  EFI_MM_PERIODIC_TIMER_INTERVAL    GetNextShorterInterval;   /* 16 */
};

extern EFI_GUID  gEfiMmPeriodicTimerDispatchProtocolGuid;

#endif
