/** @file
  The seed thread's first try: register a software MMI handler the textbook way.

  It asks the SMST for EFI_SMM_SW_DISPATCH2_PROTOCOL and asserts the locate worked. On OVMF it
  did not: no OVMF module produces that protocol (OvmfPkg/OvmfPkgX64.fdf lists no SW dispatcher;
  the only producer in the edk2 tree is UefiPayloadPkg/PchSmiDispatchSmm). SmmLocateProtocol in
  MdeModulePkg/Core/PiSmmCore/Locate.c finds no entry, clears Interface and returns EFI_NOT_FOUND,
  the DEBUG line prints 0xE, and ASSERT_EFI_ERROR prints its two lines and dead-loops the CPU in
  SMM (OVMF's PcdDebugPropertyMask 0x2F enables ASSERT_DEADLOOP): the boot hangs.

  Written for SmiScope after the edk2-devel thread "SmmSwDispatch2Protocol - Registering an SMI - Can't find protocol with OVMF".
**/

#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmCpu.h>
#include <Protocol/SmmSwDispatch2.h>

EFI_SMM_SW_DISPATCH2_PROTOCOL  *mSwDispatch;
EFI_SMM_CPU_PROTOCOL           *mSmmCpu;
EFI_HANDLE                     mSwHandle;

EFI_STATUS EFIAPI SwMmiSampleHandler (IN EFI_HANDLE DispatchHandle, IN CONST VOID *Context OPTIONAL,
                                      IN OUT VOID *CommBuffer OPTIONAL, IN OUT UINTN *CommBufferSize OPTIONAL);

EFI_STATUS
EFIAPI
SwDispatch2LocateEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS                   Status;
  EFI_SMM_SW_REGISTER_CONTEXT  SwContext;

  //
  // The call the thread is about: on OVMF nobody installed this GUID, so Status = EFI_NOT_FOUND.
  //
  Status = gSmst->SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid, NULL, (VOID **)&mSwDispatch);
  DEBUG ((DEBUG_INFO, "SmmSwDispatch2Protocol Status: 0x%x\n", Status));
  ASSERT_EFI_ERROR (Status);

  //
  // Never reached on stock OVMF. With a SW dispatcher in the firmware volume (SmiScope's
  // GenericSwDispatcher) it is reached only if that dispatcher was loaded first, and a [Depex] of
  // TRUE promises nothing about order: PiSmmCore's SmmDispatcher walks the volume in FDF order.
  //
  Status = gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&mSmmCpu);
  ASSERT_EFI_ERROR (Status);

  //
  // (UINTN)-1: "pick a free value for me"; the dispatcher writes the value it chose back.
  //
  SwContext.SwSmiInputValue = (UINTN)-1;
  Status = mSwDispatch->Register (mSwDispatch, SwMmiSampleHandler, &SwContext, &mSwHandle);
  DEBUG ((DEBUG_INFO, "SwDispatch->Register: %r, SwSmiInputValue = 0x%x\n", Status, SwContext.SwSmiInputValue));
  ASSERT_EFI_ERROR (Status);
  return Status;
}

/**
  The child handler: the dispatcher calls it with Context = its copy of the register context and
  CommBuffer = an EFI_SMM_SW_CONTEXT. It answers in the saved RAX of the CPU the dispatcher names
  (0x5A5A00dd, dd = the byte the caller wrote to the data port 0xB3); RSM loads that RAX.
**/
EFI_STATUS
EFIAPI
SwMmiSampleHandler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  EFI_SMM_SW_CONTEXT  *SwContext;
  UINT64              Rax;

  SwContext = (EFI_SMM_SW_CONTEXT *)CommBuffer;
  DEBUG ((
    DEBUG_INFO,
    "%a: SwSmiCpuIndex %u, CommandPort 0x%x, DataPort 0x%x\n",
    __func__,
    SwContext->SwSmiCpuIndex,
    SwContext->CommandPort,
    SwContext->DataPort
    ));
  Rax = 0x5A5A0000 | SwContext->DataPort;
  mSmmCpu->WriteSaveState (mSmmCpu, sizeof Rax, EFI_SMM_SAVE_STATE_REGISTER_RAX, SwContext->SwSmiCpuIndex, &Rax);
  return EFI_SUCCESS;
}
