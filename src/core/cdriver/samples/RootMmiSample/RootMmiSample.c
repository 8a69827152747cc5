/** @file
  The seed thread's fix, as Laszlo Ersek advised it: no SW dispatch protocol, a ROOT MMI handler.

  Why a root handler is the OVMF idiom: OVMF produces no EFI_MM_SW_DISPATCH_PROTOCOL, and its own
  software MMI (CPU hotplug, value ICH9_APM_CNT_CPU_HOTPLUG = 4) is handled exactly like this, by
  CpuHotplugMmi in OvmfPkg/CpuHotplugSmm/CpuHotplug.c. A handler registered with HandlerType NULL
  is called by PiSmmCore's SmiManage (MdeModulePkg/Core/PiSmmCore/Smi.c) on EVERY MMI, so it must
  first decide whether the MMI is its own: read the APM control port 0xB2 and compare.

  Which value: anything above 4 keeps clear of CPU hotplug, and also of 0, the byte SmmControl2's
  Trigger writes to 0xB2 for every Communicate (OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.c); 0x42 here.

  Where the answer goes: into the saved RAX of gSmst->CurrentlyExecutingCpu, which RSM loads into
  that CPU. That is the SMM BSP - and OVMF's PlatformSmmBspElection
  (OvmfPkg/Library/SmmCpuPlatformHookLibQemu) makes CPU0, the CPU with IA32_APIC_BASE.BSP set, the
  BSP of every MMI. So a caller running on CPU0 gets 0x5A5A00dd back in RAX; a caller on CPU2 gets
  nothing: its RAX keeps what it had at the OUT. The handler cannot find the calling CPU either:
  EFI_SMM_CPU_PROTOCOL.ReadSaveState (IO) describes the I/O instruction that caused the SMI only
  when the save state says so (AMD's IO_RESTART bits, UefiCpuPkg/Library/MmSaveStateLib/
  AmdMmSaveState.c), and QEMU's save state never does: EFI_NOT_FOUND on every CPU. Real drivers
  answer through a buffer instead (EFI_MM_COMMUNICATION_PROTOCOL.Communicate).

  Written for SmiScope after the edk2-devel thread "SmmSwDispatch2Protocol - Registering an SMI - Can't find protocol with OVMF".
**/

#include <PiSmm.h>
#include <IndustryStandard/Q35MchIch9.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/MmCpuIo.h>
#include <Protocol/SmmCpu.h>

//
// Our command value: > ICH9_APM_CNT_CPU_HOTPLUG, and never the 0 of a Communicate.
//
#define ROOT_MMI_SAMPLE_COMMAND  0x42

STATIC EFI_MM_CPU_IO_PROTOCOL  *mMmCpuIo;
STATIC EFI_SMM_CPU_PROTOCOL    *mSmmCpu;
STATIC EFI_HANDLE              mDispatchHandle;

EFI_STATUS
EFIAPI
RootMmiSampleHandler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  EFI_STATUS                  Status;
  UINT8                       Command;
  UINT8                       Data;
  UINTN                       Cpu;
  EFI_SMM_SAVE_STATE_IO_INFO  IoInfo;
  EFI_STATUS                  IoStatus;
  UINT64                      Rax;

  Status = mMmCpuIo->Io.Read (mMmCpuIo, MM_IO_UINT8, ICH9_APM_CNT, 1, &Command);
  if (EFI_ERROR (Status) || (Command != ROOT_MMI_SAMPLE_COMMAND)) {
    //
    // Not ours (CPU hotplug, a Communicate, another driver's value): let the others look.
    //
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }

  mMmCpuIo->Io.Read (mMmCpuIo, MM_IO_UINT8, ICH9_APM_STS, 1, &Data);

  //
  // Which CPU executed the OUT? The IO pseudo-register is the only way to ask, and on QEMU it
  // answers EFI_NOT_FOUND, so the handler answers the CPU it runs on: the SMM BSP, CPU0.
  //
  Cpu      = gSmst->CurrentlyExecutingCpu;
  IoStatus = mSmmCpu->ReadSaveState (mSmmCpu, sizeof IoInfo, EFI_SMM_SAVE_STATE_REGISTER_IO, Cpu, &IoInfo);
  Rax      = 0x5A5A0000 | Data;
  Status   = mSmmCpu->WriteSaveState (mSmmCpu, sizeof Rax, EFI_SMM_SAVE_STATE_REGISTER_RAX, Cpu, &Rax);
  DEBUG ((
    DEBUG_INFO,
    "RootMmiSample: command 0x%x, data 0x%x; ReadSaveState (IO) %r, so RAX of CurrentlyExecutingCpu %u = 0x%lx: %r\n",
    Command,
    Data,
    IoStatus,
    Cpu,
    Rax,
    Status
    ));
  return EFI_SUCCESS;
}

EFI_STATUS
EFIAPI
RootMmiSampleEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;

  //
  // Both are in [Depex], so both locates succeed.
  //
  Status = gSmst->SmmLocateProtocol (&gEfiMmCpuIoProtocolGuid, NULL, (VOID **)&mMmCpuIo);
  ASSERT_EFI_ERROR (Status);
  Status = gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&mSmmCpu);
  ASSERT_EFI_ERROR (Status);

  //
  // HandlerType NULL: a root MMI handler, called on every MMI after the GUID handlers.
  //
  Status = gSmst->SmiHandlerRegister (RootMmiSampleHandler, NULL, &mDispatchHandle);
  ASSERT_EFI_ERROR (Status);
  return Status;
}
