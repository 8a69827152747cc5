/** @file
  The seed thread's second try: the same driver as SwDispatch2Locate, but its .inf now names
  gEfiSmmSwDispatch2ProtocolGuid in [Depex], so that the locate below cannot fail.

  That much is true - and on OVMF none of this code ever runs. PiSmmCore's SmmDispatcher
  (MdeModulePkg/Core/PiSmmCore/Dispatcher.c) loads a driver only once its dependency expression
  is TRUE; no OVMF module installs the SW dispatch protocol, so the driver stays Dependent
  ("was discovered but not loaded!!" at SMM ReadyToLock). A [Depex] orders drivers that have a
  producer; it cannot conjure one. Laszlo Ersek's answer in the thread: OVMF handles its one
  software MMI (CPU hotplug, value 4) with a root MMI handler instead - see RootMmiSample.

  With SmiScope's GenericSwDispatcher in the firmware volume the depex holds, the driver loads
  after it, and the child handler answers in the saved RAX of the CPU the dispatcher names.
**/

#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmCpu.h>
#include <Protocol/SmmSwDispatch2.h>

EFI_SMM_SW_DISPATCH2_PROTOCOL  *mSwDispatch;
EFI_SMM_CPU_PROTOCOL           *mSmmCpu;
EFI_HANDLE                     mSwHandle;

/**
  The child handler. Context is the dispatcher's copy of our EFI_SMM_SW_REGISTER_CONTEXT,
  CommBuffer an EFI_SMM_SW_CONTEXT (16 bytes: SwSmiCpuIndex, CommandPort from 0xB2, DataPort
  from 0xB3). The answer goes into the saved RAX of SwSmiCpuIndex: the CPU the dispatcher
  believes executed the OUT. On QEMU that belief is a fallback (see GenericSwDispatcher.c).
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

EFI_STATUS
EFIAPI
SwDispatch2DepexEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS                   Status;
  EFI_SMM_SW_REGISTER_CONTEXT  SwContext;

  //
  // The depex guarantees the protocol is installed by the time this runs (when it ever runs).
  //
  Status = gSmst->SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid, NULL, (VOID **)&mSwDispatch);
  DEBUG ((DEBUG_INFO, "SmmSwDispatch2Protocol Status: 0x%x\n", Status));
  ASSERT_EFI_ERROR (Status);

  Status = gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&mSmmCpu);
  ASSERT_EFI_ERROR (Status);

  //
  // (UINTN)-1: let the dispatcher choose the value; it writes its choice back into SwContext.
  //
  SwContext.SwSmiInputValue = (UINTN)-1;
  Status = mSwDispatch->Register (mSwDispatch, SwMmiSampleHandler, &SwContext, &mSwHandle);
  DEBUG ((DEBUG_INFO, "SwDispatch->Register: %r, SwSmiInputValue = 0x%x\n", Status, SwContext.SwSmiInputValue));
  ASSERT_EFI_ERROR (Status);
  return Status;
}
