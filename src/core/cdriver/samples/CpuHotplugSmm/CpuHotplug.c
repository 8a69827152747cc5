/** @file
  CpuHotplugMmi, OVMF's root MMI handler for QEMU's CPU hotplug MMI, as SmiScope runs it: the
  handler of OvmfPkg/CpuHotplugSmm/CpuHotplug.c, retold in SmiScope's words.

  This is how OVMF handles its one software MMI. OVMF has no EFI_MM_SW_DISPATCH_PROTOCOL; QEMU's
  ACPI CPU hotplug code (the CPU_SCAN method it generates) writes ICH9_APM_CNT_CPU_HOTPLUG (4) to
  the APM control port 0xB2, and this handler, registered with HandlerType NULL, is called on EVERY
  MMI by PiSmmCore's SmiManage. So it reads 0xB2 and says "not mine" for every other value.

  What SmiScope leaves out: upstream then asks QEMU's hotplug registers (QemuCpuhp.c) which CPUs
  were plugged or are to be unplugged, relocates the SMBASE of each new CPU (Smbase.c, the first
  SMI handler and the post-SMM pen) and reports them to PiSmmCpuDxeSmm. The model has no hotplug
  events, so both counts are 0 here and the MMI is handled at once.

  The entry point (CpuHotplugEntry: the PCD checks, the two locates, the possible-CPU count,
  MmiHandlerRegister) is the model's TypeScript, which fills mMmCpuIo and mDispatchHandle below.
**/

#include <PiMm.h>
#include <IndustryStandard/Q35MchIch9.h>
#include <Library/BaseLib.h>
#include <Library/DebugLib.h>
#include <Library/MmServicesTableLib.h>
#include <Protocol/MmCpuIo.h>

//
// Set by CpuHotplugEntry: the CPU I/O protocol it located, and the handle of the registration.
//
EFI_MM_CPU_IO_PROTOCOL  *mMmCpuIo;
EFI_HANDLE              mDispatchHandle;

EFI_STATUS
EFIAPI
CpuHotplugMmi (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context        OPTIONAL,
  IN OUT VOID    *CommBuffer     OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  EFI_STATUS  Status;
  UINT8       ApmControl;

  //
  // We were called because of our own root registration, and MmiManage passes a root handler
  // the NULL Context it was given.
  //
  ASSERT (DispatchHandle == mDispatchHandle);
  ASSERT (Context == NULL);

  //
  // Is this MMI ours? Only the command value tells (QEMU raises this one with OUT 0xB2, 4).
  //
  Status = mMmCpuIo->Io.Read (mMmCpuIo, MM_IO_UINT8, ICH9_APM_CNT, 1, &ApmControl);
  if (EFI_ERROR (Status)) {
    DEBUG ((DEBUG_ERROR, "%a: failed to read ICH9_APM_CNT: %r\n", __func__, Status));
    //
    // Not even knowing whether the MMI was ours is fatal.
    //
    goto Fatal;
  }

  if (ApmControl != ICH9_APM_CNT_CPU_HOTPLUG) {
    //
    // The MMI is not for us: another root handler, or a Communicate (command 0), owns it.
    //
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }

  //
  // Upstream: QemuCpuhpCollectApicIds () fills the plugged / to-unplug arrays from QEMU's CPU
  // hotplug registers at ICH9_CPU_HOTPLUG_BASE, then ProcessHotAddedCpus () and UnplugCpus ()
  // act on them; any failure there goes to Fatal. SmiScope models no hotplug events: nothing is
  // pending, nothing to do.
  //

  //
  // Handled. For a root handler EFI_SUCCESS means no more than QUIESCED: SmiManage calls the
  // remaining root handlers anyway.
  //
  return EFI_SUCCESS;

Fatal:
  ASSERT (FALSE);
  CpuDeadLoop ();
  return EFI_INTERRUPT_PENDING;
}
