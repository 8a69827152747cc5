/** @file
  PchSmiDispatcher's shared definitions: the chipset registers it touches, the values upstream
  takes from PCDs, the module globals and the functions its three .c files call across.

  Register names and values are those of edk2-platforms AlderlakeSiliconPkg
  (Include/Register/PmcRegs.h, Include/Register/PchRegsLpc.h); MAXIMUM_SWI_VALUE is from
  Pch/PchSmiDispatcher/Smm/PchSmm.h.

  Written for SmiScope.
**/

#ifndef PCH_SMM_H_
#define PCH_SMM_H_

#include <PiSmm.h>
#include <Library/BaseLib.h>
#include <Library/BaseMemoryLib.h>
#include <Library/DebugLib.h>
#include <Library/IoLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmCpu.h>
#include <Protocol/SmmReadyToLock.h>
#include <Protocol/SmmSwDispatch2.h>

//
// Where the PMC's ACPI I/O block starts. Upstream asks PmcGetAcpiBase () (PmcLib.c), which
// answers PcdGet16 (PcdAcpiBaseAddress); AlderlakeSiliconPkg/SiPkg.dec sets that PCD to 0x1800.
//
#define PCD_ACPI_BASE_ADDRESS  0x1800

//
// The APM ports (PchRegsLpc.h): an OUT to APM_CNT raises the SW SMI; APM_STS is a plain
// scratch byte SmmControl's Trigger fills with the caller's data before it writes APM_CNT.
//
#define R_PCH_IO_APM_CNT  0xB2
#define R_PCH_IO_APM_STS  0xB3

//
// SMI_EN and SMI_STS, 32-bit registers at ABASE + 0x30 / + 0x34 (PmcRegs.h). Only the bits this
// driver uses are named. SMI_STS bits are cleared by writing 1.
//
#define R_ACPI_IO_SMI_EN          0x30
#define B_ACPI_IO_SMI_EN_GBL_SMI  BIT0      // global SMI enable
#define B_ACPI_IO_SMI_EN_EOS      BIT1      // End of SMI: set it again or no further SMI# comes
#define B_ACPI_IO_SMI_EN_APMC     BIT5      // a write to APM_CNT raises an SMI
#define R_ACPI_IO_SMI_STS         0x34
#define B_ACPI_IO_SMI_STS_APM     BIT5      // set by every write to APM_CNT

//
// The protocol's MaximumSwiValue. Register refuses it as a value: SmmControl writes 0xFF when it
// is asked for no particular command, so no child may own it.
//
#define MAXIMUM_SWI_VALUE  0xFF

//
// Module globals (PchSmmCore.c).
//
extern UINT16   mAcpiBaseAddr;
extern BOOLEAN  mReadyToLock;

//
// PchSmmSw.c
//
EFI_STATUS
EFIAPI
PchSwSmiRegister (
  IN CONST EFI_SMM_SW_DISPATCH2_PROTOCOL  *This,
  IN EFI_SMM_HANDLER_ENTRY_POINT2         DispatchFunction,
  IN OUT EFI_SMM_SW_REGISTER_CONTEXT      *DispatchContext,
  OUT EFI_HANDLE                          *DispatchHandle
  );

EFI_STATUS
EFIAPI
PchSwSmiUnRegister (
  IN CONST EFI_SMM_SW_DISPATCH2_PROTOCOL  *This,
  IN EFI_HANDLE                           DispatchHandle
  );

EFI_STATUS
EFIAPI
PchSwSmiDispatcher (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  );

VOID
PchSwDispatchInit (
  VOID
  );

//
// PchxSmmHelpers.c
//
EFI_STATUS
PchSmmEnableGlobalSmiBit (
  VOID
  );

BOOLEAN
PchSmmSetAndCheckEos (
  VOID
  );

#endif
