/** @file
  PchSmiDispatcher's software-SMI source: EFI_SMM_SW_DISPATCH2_PROTOCOL's Register and UnRegister
  and the dispatcher the root handler calls, after edk2-platforms
  Silicon/Intel/AlderlakeSiliconPkg/Pch/PchSmiDispatcher/Smm/PchSmmSw.c
  (SmiInputValueDuplicateCheck, PchSwSmiRegister, PchSwSmiUnRegister, PchSwSmiDispatcher,
  PchSwDispatchInit), told in SmiScope's words.

  Each child is a SW_SMI_RECORD in SMM pool on the list mSwSmiCallbackDataBase; the handle a child
  gets is the address of its record's Link. On an SW SMI the dispatcher does not read the command
  back from port 0xB2: it asks every CPU's save state which one executed a byte OUT to 0xB2 and
  takes the value that CPU wrote (saved in its RAX) as the command. If no save state shows such an
  OUT, no child runs: unlike Quark's QNCSmmSw.c there is no fall back to CPU 0.

  Written for SmiScope.
**/

#include "PchSmm.h"

EFI_SMM_CPU_PROTOCOL  *mSmmCpuProtocol;

//
// The registered children, oldest first.
//
STATIC LIST_ENTRY  mSwSmiCallbackDataBase;

#define SW_SMI_RECORD_SIGNATURE  SIGNATURE_32 ('S', 'W', 'S', 'M')

//
// One registration (40 bytes on X64). Context is the dispatcher's own copy of the value, and what
// the child gets as its Context argument.
//
typedef struct {
  UINT32                          Signature;
  LIST_ENTRY                      Link;
  EFI_SMM_SW_REGISTER_CONTEXT     Context;
  EFI_SMM_HANDLER_ENTRY_POINT2    Callback;
} SW_SMI_RECORD;

//
// From a handle (a Link) to its record. CR checks the signature; in a DEBUG build a mismatch is
// the ASSERT "CR has Bad Signature" (DebugLib.h).
//
#define SW_SMI_RECORD_FROM_LINK(_record)  CR (_record, SW_SMI_RECORD, Link, SW_SMI_RECORD_SIGNATURE)

/**
  Is SwSmiInputValue free?

  @retval EFI_SUCCESS            No child has it.
  @retval EFI_INVALID_PARAMETER  A child already has it.
**/
EFI_STATUS
SmiInputValueDuplicateCheck (
  IN UINTN  SwSmiInputValue
  )
{
  SW_SMI_RECORD  *SwSmiRecord;
  LIST_ENTRY     *LinkInDb;

  for (LinkInDb = GetFirstNode (&mSwSmiCallbackDataBase);
       !IsNull (&mSwSmiCallbackDataBase, LinkInDb);
       LinkInDb = GetNextNode (&mSwSmiCallbackDataBase, LinkInDb))
  {
    SwSmiRecord = SW_SMI_RECORD_FROM_LINK (LinkInDb);
    if (SwSmiRecord->Context.SwSmiInputValue == SwSmiInputValue) {
      return EFI_INVALID_PARAMETER;
    }
  }

  return EFI_SUCCESS;
}

/**
  EFI_SMM_SW_DISPATCH2_PROTOCOL.Register.

  Like upstream it checks none of its pointers for NULL.

  @retval EFI_SUCCESS            Registered; *DispatchHandle is the record's Link and
                                 DispatchContext->SwSmiInputValue the value (written back when
                                 the caller passed (UINTN)-1).
  @retval EFI_ACCESS_DENIED      SmmReadyToLock has happened.
  @retval EFI_OUT_OF_RESOURCES   (UINTN)-1 and every value 1..0xFE taken, or no pool.
  @retval EFI_INVALID_PARAMETER  A value of MAXIMUM_SWI_VALUE (0xFF) or more, or one a child has.
**/
EFI_STATUS
EFIAPI
PchSwSmiRegister (
  IN CONST EFI_SMM_SW_DISPATCH2_PROTOCOL  *This,
  IN EFI_SMM_HANDLER_ENTRY_POINT2         DispatchFunction,
  IN OUT EFI_SMM_SW_REGISTER_CONTEXT      *DispatchContext,
  OUT EFI_HANDLE                          *DispatchHandle
  )
{
  EFI_STATUS     Status;
  SW_SMI_RECORD  *SwSmiRecord;
  UINTN          Index;

  if (mReadyToLock == TRUE) {
    DEBUG ((DEBUG_ERROR, "Register is not allowed if the SmmReadyToLock event has been triggered! \n"));
    return EFI_ACCESS_DENIED;
  }

  //
  // (UINTN)-1 asks for any free value: the lowest of 1..0xFE no child has. 0 is never handed
  // out, nor 0xFF.
  //
  if (DispatchContext->SwSmiInputValue == (UINTN)-1) {
    for (Index = 1; Index < MAXIMUM_SWI_VALUE; Index++) {
      if (!EFI_ERROR (SmiInputValueDuplicateCheck (Index))) {
        DispatchContext->SwSmiInputValue = Index;
        break;
      }
    }

    if (DispatchContext->SwSmiInputValue == (UINTN)-1) {
      return EFI_OUT_OF_RESOURCES;
    }
  }

  //
  // 0xFF belongs to SmmControl ("no command"), and APM_CNT holds one byte.
  //
  if (DispatchContext->SwSmiInputValue >= MAXIMUM_SWI_VALUE) {
    return EFI_INVALID_PARAMETER;
  }

  //
  // One child per value.
  //
  if (EFI_ERROR (SmiInputValueDuplicateCheck (DispatchContext->SwSmiInputValue))) {
    return EFI_INVALID_PARAMETER;
  }

  Status = gSmst->SmmAllocatePool (EfiRuntimeServicesData, sizeof (SW_SMI_RECORD), (VOID **)&SwSmiRecord);
  if (EFI_ERROR (Status)) {
    DEBUG ((DEBUG_ERROR, "Failed to allocate memory for SwSmiRecord! \n"));
    return EFI_OUT_OF_RESOURCES;
  }

  SwSmiRecord->Signature               = SW_SMI_RECORD_SIGNATURE;
  SwSmiRecord->Context.SwSmiInputValue = DispatchContext->SwSmiInputValue;
  SwSmiRecord->Callback                = DispatchFunction;

  //
  // The serial log of a DEBUG build lists every SW SMI value taken.
  //
  DEBUG ((DEBUG_INFO, "SW SMI NUM %x  Sw Record at Address 0x%X\n", SwSmiRecord->Context.SwSmiInputValue, SwSmiRecord));

  InsertTailList (&mSwSmiCallbackDataBase, &SwSmiRecord->Link);

  *DispatchHandle = (EFI_HANDLE)(&SwSmiRecord->Link);
  return EFI_SUCCESS;
}

/**
  EFI_SMM_SW_DISPATCH2_PROTOCOL.UnRegister.

  The handle is turned into its record with CR before the signature test below, so in a DEBUG
  build a handle that is no record's Link stops in CR's ASSERT; the test returns
  EFI_INVALID_PARAMETER only where assertions are off and the record is readable.

  @retval EFI_SUCCESS            Removed; the record was zeroed and freed.
  @retval EFI_INVALID_PARAMETER  DispatchHandle is NULL, or its record has no SW_SMI_RECORD signature.
  @retval EFI_ACCESS_DENIED      SmmReadyToLock has happened.
**/
EFI_STATUS
EFIAPI
PchSwSmiUnRegister (
  IN CONST EFI_SMM_SW_DISPATCH2_PROTOCOL  *This,
  IN EFI_HANDLE                           DispatchHandle
  )
{
  EFI_STATUS     Status;
  SW_SMI_RECORD  *RecordToDelete;

  if (DispatchHandle == NULL) {
    return EFI_INVALID_PARAMETER;
  }

  if (mReadyToLock == TRUE) {
    DEBUG ((DEBUG_ERROR, "UnRegister is not allowed if the SmmReadyToLock event has been triggered! \n"));
    return EFI_ACCESS_DENIED;
  }

  RecordToDelete = SW_SMI_RECORD_FROM_LINK (DispatchHandle);
  if (RecordToDelete->Signature != SW_SMI_RECORD_SIGNATURE) {
    return EFI_INVALID_PARAMETER;
  }

  RemoveEntryList (&RecordToDelete->Link);
  ZeroMem (RecordToDelete, sizeof (SW_SMI_RECORD));
  Status = gSmst->SmmFreePool (RecordToDelete);
  ASSERT_EFI_ERROR (Status);

  return EFI_SUCCESS;
}

/**
  Calls the children of the SW SMI that is being handled; the root handler PchSmmCoreDispatcher
  calls it when APMC_EN and APM_STS are both set. All four parameters are unused.

  For each CPU, in index order, it reads the save state's I/O pseudo-register and skips the CPU
  unless the read worked and shows a one-byte OUT to APM_CNT (0xB2) of a value other than 0xFF.
  For a CPU that passes, every child registered for the value it wrote is called with
  (its handle, its record's Context, an EFI_SMM_SW_CONTEXT, a size of 16). Several CPUs may pass
  in one SMI; each gets its own round.

  @retval EFI_SUCCESS  Always.
**/
EFI_STATUS
EFIAPI
PchSwSmiDispatcher (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  EFI_STATUS                  Status;
  EFI_SMM_SAVE_STATE_IO_INFO  SmiIoInfo;
  UINTN                       CpuIndex;
  SW_SMI_RECORD               *SwSmiRecord;
  LIST_ENTRY                  *LinkInDb;
  EFI_SMM_SW_CONTEXT          SwSmiCommBuffer;
  UINTN                       SwSmiCommBufferSize;

  SwSmiCommBufferSize = sizeof (EFI_SMM_SW_CONTEXT);

  //
  // The data byte is read from the port, once for all CPUs. Upstream's comment calls it a hint
  // only: with several threads writing the ports, another one may have overwritten it.
  //
  SwSmiCommBuffer.DataPort = IoRead8 (R_PCH_IO_APM_STS);

  for (CpuIndex = 0; CpuIndex < gSmst->NumberOfCpus; CpuIndex++) {
    Status = mSmmCpuProtocol->ReadSaveState (
                                mSmmCpuProtocol,
                                sizeof (EFI_SMM_SAVE_STATE_IO_INFO),
                                EFI_SMM_SAVE_STATE_REGISTER_IO,
                                CpuIndex,
                                &SmiIoInfo
                                );
    //
    // No I/O instruction recorded for this CPU: it did not raise the SMI.
    //
    if (EFI_ERROR (Status)) {
      continue;
    }

    //
    // Only a byte written to APM_CNT is a SW SMI.
    //
    if ((SmiIoInfo.IoPort != R_PCH_IO_APM_CNT) ||
        (SmiIoInfo.IoType != EFI_SMM_SAVE_STATE_IO_TYPE_OUTPUT) ||
        (SmiIoInfo.IoWidth != EFI_SMM_SAVE_STATE_IO_WIDTH_UINT8))
    {
      continue;
    }

    //
    // 0xFF is SmmControl's "no command": no child can own it.
    //
    if (SmiIoInfo.IoData == 0xFF) {
      continue;
    }

    SwSmiCommBuffer.SwSmiCpuIndex = CpuIndex;
    SwSmiCommBuffer.CommandPort   = (UINT8)SmiIoInfo.IoData;

    LinkInDb = GetFirstNode (&mSwSmiCallbackDataBase);
    while (!IsNull (&mSwSmiCallbackDataBase, LinkInDb)) {
      SwSmiRecord = SW_SMI_RECORD_FROM_LINK (LinkInDb);
      if (SwSmiRecord->Context.SwSmiInputValue == SmiIoInfo.IoData) {
        SwSmiRecord->Callback ((EFI_HANDLE)&SwSmiRecord->Link, &SwSmiRecord->Context, &SwSmiCommBuffer, &SwSmiCommBufferSize);
      }

      //
      // The next node is read from the record just called, after the call, as upstream does
      // (its core dispatcher takes the next node before a call): a child that unregisters
      // itself from its handler leaves this walk reading a freed record.
      //
      LinkInDb = GetNextNode (&mSwSmiCallbackDataBase, &SwSmiRecord->Link);
    }
  }

  return EFI_SUCCESS;
}

/**
  Readies the SW source at entry: locates EFI_SMM_CPU_PROTOCOL (in [Depex], so it is there) and
  starts the list of children empty. Upstream also inserts the SW source record into the root
  handler's database; here the root handler tests the SW source itself.
**/
VOID
PchSwDispatchInit (
  VOID
  )
{
  EFI_STATUS  Status;

  Status = gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&mSmmCpuProtocol);
  ASSERT_EFI_ERROR (Status);

  InitializeListHead (&mSwSmiCallbackDataBase);
}
