/** @file
  GenericSwDispatcher's record of a registered child, and the protocol functions.

  Written for SmiScope.
**/

#ifndef GENERIC_SW_DISPATCHER_H_
#define GENERIC_SW_DISPATCHER_H_

#include <PiMm.h>
#include <IndustryStandard/Q35MchIch9.h>
#include <Library/BaseLib.h>
#include <Library/DebugLib.h>
#include <Library/MemoryAllocationLib.h>
#include <Library/MmServicesTableLib.h>
#include <Protocol/MmCpu.h>
#include <Protocol/MmCpuIo.h>
#include <Protocol/MmSwDispatch.h>

//
// The protocol's MaximumSwiValue: the APM control port is one byte.
//
#define MAXIMUM_SWI_VALUE  0xFF

#define SW_MMI_CHILD_SIGNATURE  SIGNATURE_32 ('s', 'w', 'c', 'h')

//
// One registration, in SMM pool; its address is the DispatchHandle Register returns.
//
typedef struct {
  UINT32                        Signature;          // SW_MMI_CHILD_SIGNATURE
  EFI_MM_HANDLER_ENTRY_POINT    DispatchFunction;   // the child's handler
  EFI_MM_SW_REGISTER_CONTEXT    RegisterContext;    // the value it is registered for: the handler's Context
  EFI_MM_SW_CONTEXT             SwContext;          // filled on each dispatch: the handler's CommBuffer
} SW_MMI_CHILD;

EFI_STATUS
EFIAPI
SwDispatchRegister (
  IN CONST EFI_MM_SW_DISPATCH_PROTOCOL  *This,
  IN EFI_MM_HANDLER_ENTRY_POINT         DispatchFunction,
  IN OUT EFI_MM_SW_REGISTER_CONTEXT     *RegisterContext,
  OUT EFI_HANDLE                        *DispatchHandle
  );

EFI_STATUS
EFIAPI
SwDispatchUnRegister (
  IN CONST EFI_MM_SW_DISPATCH_PROTOCOL  *This,
  IN EFI_HANDLE                         DispatchHandle
  );

#endif
