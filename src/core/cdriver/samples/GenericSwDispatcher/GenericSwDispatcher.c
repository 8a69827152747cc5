/** @file
  The "universal" software-MMI dispatcher sketched in the seed thread: an
  EFI_MM_SW_DISPATCH_PROTOCOL producer for QEMU's ICH9 (its 0xB2/0xB3 APM ports). Upstream OVMF
  has none; this is SmiScope's, written for the page, in the shape of the chipset dispatchers
  (UefiPayloadPkg/PchSmiDispatchSmm/PchSmiDispatchSmm.c is the in-tree example).

  The thread lists five responsibilities, each marked (1)..(5) below:
    (1) install a root MMI handler (SmiManage calls it on every MMI);
    (2) fetch Command and Data from the ports SmmControl2's Trigger writes: 0xB2 and 0xB3;
    (3) look the Command up in the dictionary Register () and UnRegister () maintain;
    (4) on a match, call the child with an EFI_MM_SW_CONTEXT that carries Data along;
    (5) never hand out, for SwMmiInputValue (UINTN)-1, the value Trigger writes for a Communicate
        (0): a child there would run on every Communicate MMI.

  The dictionary is mSwChild[], one slot per command value, each NULL or a SW_MMI_CHILD record in
  SMM pool (SmiScope's Handlers panel and `handlers` command read these bytes).

  Written for SmiScope.
**/

#include "GenericSwDispatcher.h"

//
// The dictionary of (3): the child registered for each value, or NULL. One child per value,
// as the chipset dispatchers allow.
//
SW_MMI_CHILD  *mSwChild[MAXIMUM_SWI_VALUE + 1];

//
// Values (UINTN)-1 never yields (5): 0x00 is what Trigger writes for a Communicate; QEMU's ICH9
// swallows 0x02/0x03 as ACPI enable/disable (hw/isa/lpc_ich9.c ich9_apm_ctrl_changed), so a child
// there would never run; 0x04 is OVMF's CPU hotplug MMI (CpuHotplugSmm's root handler); 0xFF is
// kept free, as Intel's dispatchers keep it.
//
STATIC CONST UINT8  mNeverAllocated[] = { 0x00, 0x02, 0x03, 0x04, 0xFF };

STATIC EFI_MM_CPU_IO_PROTOCOL  *mMmCpuIo;
STATIC EFI_MM_CPU_PROTOCOL     *mMmCpu;
STATIC EFI_HANDLE              mRootHandle;
STATIC EFI_HANDLE              mProtocolHandle;

EFI_MM_SW_DISPATCH_PROTOCOL  mSwDispatch = {
  SwDispatchRegister,
  SwDispatchUnRegister,
  MAXIMUM_SWI_VALUE
};

/** TRUE if (UINTN)-1 must never be answered with Value. **/
STATIC
BOOLEAN
IsNeverAllocated (
  IN UINTN  Value
  )
{
  UINTN  Index;

  for (Index = 0; Index < ARRAY_SIZE (mNeverAllocated); Index++) {
    if (mNeverAllocated[Index] == Value) {
      return TRUE;
    }
  }

  return FALSE;
}

/**
  EFI_MM_SW_DISPATCH_PROTOCOL.Register.

  @retval EFI_SUCCESS            Registered; RegisterContext->SwMmiInputValue holds the value
                                 used, *DispatchHandle the child's record.
  @retval EFI_INVALID_PARAMETER  A NULL argument, a value > MaximumSwiValue, or a value that
                                 already has a child.
  @retval EFI_OUT_OF_RESOURCES   (UINTN)-1 and no free value left, or no pool.
**/
EFI_STATUS
EFIAPI
SwDispatchRegister (
  IN CONST EFI_MM_SW_DISPATCH_PROTOCOL  *This,
  IN EFI_MM_HANDLER_ENTRY_POINT         DispatchFunction,
  IN OUT EFI_MM_SW_REGISTER_CONTEXT     *RegisterContext,
  OUT EFI_HANDLE                        *DispatchHandle
  )
{
  UINTN         Value;
  SW_MMI_CHILD  *Child;

  if ((DispatchFunction == NULL) || (RegisterContext == NULL) || (DispatchHandle == NULL)) {
    return EFI_INVALID_PARAMETER;
  }

  Value = RegisterContext->SwMmiInputValue;
  if (Value == (UINTN)-1) {
    //
    // "Pick one for me": the first free value in 0x01..0xFE that (5) allows.
    //
    for (Value = 1; Value < MAXIMUM_SWI_VALUE; Value++) {
      if ((mSwChild[Value] == NULL) && !IsNeverAllocated (Value)) {
        break;
      }
    }

    if (Value == MAXIMUM_SWI_VALUE) {
      DEBUG ((DEBUG_ERROR, "GenericSwDispatcher: Register: no free SwMmiInputValue left in 0x01..0x%x\n", MAXIMUM_SWI_VALUE - 1));
      return EFI_OUT_OF_RESOURCES;
    }
  } else if (Value > MAXIMUM_SWI_VALUE) {
    DEBUG ((DEBUG_ERROR, "GenericSwDispatcher: Register: SwMmiInputValue 0x%lx > MaximumSwiValue 0x%x\n", (UINT64)Value, MAXIMUM_SWI_VALUE));
    return EFI_INVALID_PARAMETER;
  } else if (mSwChild[Value] != NULL) {
    DEBUG ((DEBUG_ERROR, "GenericSwDispatcher: Register: SwMmiInputValue 0x%x already has a child\n", Value));
    return EFI_INVALID_PARAMETER;
  }

  Child = AllocateZeroPool (sizeof (SW_MMI_CHILD));
  if (Child == NULL) {
    return EFI_OUT_OF_RESOURCES;
  }

  Child->Signature                       = SW_MMI_CHILD_SIGNATURE;
  Child->DispatchFunction                = DispatchFunction;
  Child->RegisterContext.SwMmiInputValue = Value;
  mSwChild[Value]                        = Child;

  RegisterContext->SwMmiInputValue = Value;   // IN OUT: the caller learns the value we chose
  *DispatchHandle                  = (EFI_HANDLE)Child;
  DEBUG ((DEBUG_INFO, "GenericSwDispatcher: child %p registered for SwMmiInputValue 0x%x\n", DispatchFunction, Value));
  return EFI_SUCCESS;
}

/**
  EFI_MM_SW_DISPATCH_PROTOCOL.UnRegister. The handle is looked for in the dictionary, never
  dereferenced first: a stale or made-up handle is refused without touching memory.
**/
EFI_STATUS
EFIAPI
SwDispatchUnRegister (
  IN CONST EFI_MM_SW_DISPATCH_PROTOCOL  *This,
  IN EFI_HANDLE                         DispatchHandle
  )
{
  UINTN  Value;

  if (DispatchHandle == NULL) {
    return EFI_INVALID_PARAMETER;
  }

  for (Value = 0; Value <= MAXIMUM_SWI_VALUE; Value++) {
    if (mSwChild[Value] == (SW_MMI_CHILD *)DispatchHandle) {
      mSwChild[Value] = NULL;
      FreePool (DispatchHandle);
      return EFI_SUCCESS;
    }
  }

  return EFI_INVALID_PARAMETER;
}

/**
  SwMmiCpuIndex: which CPU executed the OUT to 0xB2. Like PchSmiDispatchSmm, ask every CPU's
  save state for the IO pseudo-register and take the first that shows an OUT to ICH9_APM_CNT.

  On QEMU none does: its save-state map never sets the IO_RESTART bits that AmdMmSaveState.c
  (UefiCpuPkg/Library/MmSaveStateLib) needs, so ReadSaveState (IO) is EFI_NOT_FOUND for every CPU.
  The fallback is the CPU running this code, gMmst->CurrentlyExecutingCpu: the SMM BSP, which
  OVMF's PlatformSmmBspElection makes CPU0 on every MMI. A child answering "SwMmiCpuIndex" thus
  answers CPU0, whichever CPU wrote the port.
**/
STATIC
UINTN
SwMmiCpuIndex (
  VOID
  )
{
  UINTN                      Index;
  EFI_STATUS                 Status;
  EFI_MM_SAVE_STATE_IO_INFO  IoInfo;

  Status = EFI_NOT_FOUND;
  for (Index = 0; Index < gMmst->NumberOfCpus; Index++) {
    Status = mMmCpu->ReadSaveState (mMmCpu, sizeof IoInfo, EFI_MM_SAVE_STATE_REGISTER_IO, Index, &IoInfo);
    if (!EFI_ERROR (Status) && (IoInfo.IoPort == ICH9_APM_CNT)) {
      return Index;
    }
  }

  DEBUG ((
    DEBUG_INFO,
    "GenericSwDispatcher: no save state of the %u CPUs shows the OUT to 0xB2 (ReadSaveState (IO): %r), so SwMmiCpuIndex = CurrentlyExecutingCpu = %u\n",
    gMmst->NumberOfCpus,
    Status,
    gMmst->CurrentlyExecutingCpu
    ));
  return gMmst->CurrentlyExecutingCpu;
}

/**
  (1)-(4): the root MMI handler, called by SmiManage on every MMI.
**/
EFI_STATUS
EFIAPI
GenericSwMmiHandler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  EFI_STATUS    Status;
  UINT8         CommandPort;
  UINT8         DataPort;
  SW_MMI_CHILD  *Child;
  UINTN         Size;

  //
  // (2) Command and Data, from the ports SmmControl2's Trigger wrote (data first, then command).
  //
  Status = mMmCpuIo->Io.Read (mMmCpuIo, MM_IO_UINT8, ICH9_APM_CNT, 1, &CommandPort);
  if (EFI_ERROR (Status)) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }

  mMmCpuIo->Io.Read (mMmCpuIo, MM_IO_UINT8, ICH9_APM_STS, 1, &DataPort);

  //
  // (3) The dictionary. No child: not a SW MMI we know (a Communicate, CPU hotplug, noise).
  //
  Child = mSwChild[CommandPort];
  if (Child == NULL) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }

  //
  // (4) The child's EFI_MM_SW_CONTEXT lives in its record, so it stays readable in SMRAM after
  // the MMI. Context is our copy of its register context, DispatchHandle its own handle (what
  // Register returned; PchSmiDispatchSmm passes its root handle instead).
  //
  Child->SwContext.SwMmiCpuIndex = SwMmiCpuIndex ();
  Child->SwContext.CommandPort   = CommandPort;
  Child->SwContext.DataPort      = DataPort;
  Size                           = sizeof (EFI_MM_SW_CONTEXT);
  Child->DispatchFunction ((EFI_HANDLE)Child, &Child->RegisterContext, &Child->SwContext, &Size);
  return EFI_SUCCESS;
}

EFI_STATUS
EFIAPI
GenericSwDispatcherEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;

  //
  // Both are in [Depex]: CpuIo2Smm and PiSmmCpuDxeSmm installed them.
  //
  Status = gMmst->MmLocateProtocol (&gEfiMmCpuIoProtocolGuid, NULL, (VOID **)&mMmCpuIo);
  ASSERT_EFI_ERROR (Status);
  Status = gMmst->MmLocateProtocol (&gEfiMmCpuProtocolGuid, NULL, (VOID **)&mMmCpu);
  ASSERT_EFI_ERROR (Status);

  //
  // (1) The root handler, then the protocol the children locate (gEfiMmSwDispatchProtocolGuid is
  // the same GUID as gEfiSmmSwDispatch2ProtocolGuid: the two headers describe one protocol).
  //
  Status = gMmst->MmiHandlerRegister (GenericSwMmiHandler, NULL, &mRootHandle);
  if (EFI_ERROR (Status)) {
    return Status;
  }

  return gMmst->MmInstallProtocolInterface (&mProtocolHandle, &gEfiMmSwDispatchProtocolGuid, EFI_NATIVE_INTERFACE, &mSwDispatch);
}
