/** @file
  PchSmiDispatcher: the entry point, the ReadyToLock notification and the root SMI handler, after
  edk2-platforms Silicon/Intel/AlderlakeSiliconPkg/Pch/PchSmiDispatcher/Smm/PchSmmCore.c
  (InitializePchSmmDispatcher, SmmReadyToLockCallback, PchSmmCoreDispatcher), told in SmiScope's
  words.

  How the real driver is built: one root handler, registered with gSmst->SmiHandlerRegister (..,
  NULL, ..) so PiSmmCore's SmiManage calls it on every SMI, walks a database of "source
  descriptions" (which enable and status bits of which PCH register mean "this source fired"),
  finds the first source whose bits are all set, calls every child of that source, clears the
  status bits and sets EOS. The software SMI is one source among many, and its record calls
  PchSwSmiDispatcher (PchSmmSw.c), which keeps its own list of SW children.

  What SmiScope keeps: that software source only - APMC_EN in SMI_EN and APM_STS in SMI_STS - so
  the database shrinks to one test written out in PchSmmCoreDispatcher below. Left out: the Sx,
  GPI, USB, power-button, periodic-timer, IO-trap, TCO, PCIe, eSPI and ACPI sources and the
  protocols they produce (EFI_SMM_SX/GPI/USB/POWER_BUTTON/PERIODIC_TIMER_DISPATCH2, the PCH_*
  dispatch protocols), ClearPendingSmiStatus, the save and restore of the RTC index ports
  74h/76h around the handler, the S3 progress code and SmiHandlerProfile.

  Written for SmiScope.
**/

#include "PchSmm.h"

//
// The ACPI I/O base every register access adds to, read once at entry.
//
UINT16  mAcpiBaseAddr;

//
// TRUE from SmmReadyToLock on: Register and UnRegister refuse from then on.
//
BOOLEAN  mReadyToLock;

//
// The root handler's DispatchHandle, and the handle the dispatch protocol is installed on.
//
EFI_HANDLE  mSmiHandle;
EFI_HANDLE  mInstallMultProtHandle;

//
// The EFI_SMM_SW_DISPATCH2_PROTOCOL children locate. Upstream keeps it inside a wrapper with a
// signature and a type; the interface pointer it installs is this 24-byte member.
//
EFI_SMM_SW_DISPATCH2_PROTOCOL  mPchSwDispatch = {
  PchSwSmiRegister,
  PchSwSmiUnRegister,
  (UINTN)MAXIMUM_SWI_VALUE
};

EFI_STATUS
EFIAPI
PchSmmCoreDispatcher (
  IN EFI_HANDLE  SmmImageHandle,
  IN CONST VOID  *PchSmmCore OPTIONAL,
  IN OUT VOID    *CommunicationBuffer OPTIONAL,
  IN OUT UINTN   *SourceSize OPTIONAL
  );

/**
  PmcGetAcpiBase (): on Alder Lake the PMC library does not read the PMC's ABASE register but
  returns the fixed PCD.
**/
STATIC
UINT16
PmcGetAcpiBase (
  VOID
  )
{
  return PCD_ACPI_BASE_ADDRESS;
}

/**
  Called by PiSmmCore when gEfiSmmReadyToLockProtocolGuid is installed (end of DXE): the set of
  children is final from now on.
**/
EFI_STATUS
EFIAPI
SmmReadyToLockCallback (
  IN CONST EFI_GUID  *Protocol,
  IN VOID            *Interface,
  IN EFI_HANDLE      Handle
  )
{
  mReadyToLock = TRUE;
  return EFI_SUCCESS;
}

/**
  The module's entry point, in upstream's order for the parts kept.
**/
EFI_STATUS
EFIAPI
InitializePchSmmDispatcher (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;
  VOID        *SmmReadyToLockRegistration;

  mAcpiBaseAddr = PmcGetAcpiBase ();
  ASSERT (mAcpiBaseAddr != 0);

  //
  // A root handler: HandlerType NULL, so SmiManage calls it on every SMI, whatever raised it.
  //
  Status = gSmst->SmiHandlerRegister (PchSmmCoreDispatcher, NULL, &mSmiHandle);
  ASSERT_EFI_ERROR (Status);

  //
  // PchSmmInitHardware: turn on GBL_SMI_EN (the two "clear all SMIs" calls around it are empty
  // functions upstream).
  //
  Status = PchSmmEnableGlobalSmiBit ();
  ASSERT_EFI_ERROR (Status);

  //
  // The SW source: find EFI_SMM_CPU_PROTOCOL and start the empty list of children.
  //
  PchSwDispatchInit ();

  //
  // PchSmmPublishDispatchProtocols, for the one protocol kept. mInstallMultProtHandle is NULL, so
  // PiSmmCore makes a new handle.
  //
  Status = gSmst->SmmInstallProtocolInterface (
                    &mInstallMultProtHandle,
                    &gEfiSmmSwDispatch2ProtocolGuid,
                    EFI_NATIVE_INTERFACE,
                    &mPchSwDispatch
                    );
  ASSERT_EFI_ERROR (Status);

  Status = gSmst->SmmRegisterProtocolNotify (
                    &gEfiSmmReadyToLockProtocolGuid,
                    SmmReadyToLockCallback,
                    &SmmReadyToLockRegistration
                    );
  ASSERT_EFI_ERROR (Status);

  return EFI_SUCCESS;
}

/**
  The root SMI handler. All four parameters are unused.

  Each pass reads SMI_EN and SMI_STS once. When the software source is active (APMC_EN and
  APM_STS both 1) it lets PchSwSmiDispatcher call the children, then clears APM_STS. Active or
  not, it ends the pass by setting EOS so the PCH may raise the next SMI#, and reads EOS back: only
  if the bit did not stick does it go round again, three passes at most (EscapeCount).

  It returns EFI_SUCCESS whatever happened, even when no source was active and no child ran, as
  upstream does. OVMF's root handlers answer EFI_WARN_INTERRUPT_SOURCE_QUIESCED or _PENDING when
  the SMI was not theirs; SmiManage calls every root handler anyway, so only the SMI record shows
  the difference.
**/
EFI_STATUS
EFIAPI
PchSmmCoreDispatcher (
  IN EFI_HANDLE  SmmImageHandle,
  IN CONST VOID  *PchSmmCore OPTIONAL,
  IN OUT VOID    *CommunicationBuffer OPTIONAL,
  IN OUT UINTN   *SourceSize OPTIONAL
  )
{
  UINTN    EscapeCount;
  BOOLEAN  EosSet;
  UINT32   SmiEnValue;
  UINT32   SmiStsValue;

  EscapeCount = 3;
  EosSet      = FALSE;

  while (!EosSet && (EscapeCount > 0)) {
    EscapeCount--;

    SmiEnValue  = IoRead32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_EN));
    SmiStsValue = IoRead32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_STS));

    //
    // Upstream's SourceIsActive for the SW source description: its status bit in SMI_STS, its
    // enable bit in SMI_EN. (Upstream reads a bit again through gSmst->SmmIo when the cached
    // value has it set; the answer is the same.)
    //
    if (((SmiEnValue & B_ACPI_IO_SMI_EN_APMC) != 0) && ((SmiStsValue & B_ACPI_IO_SMI_STS_APM) != 0)) {
      //
      // Upstream calls the source record's Callback with that record's Link, its (empty) child
      // context, a NULL CommBuffer and a size of 0; PchSwSmiDispatcher looks at none of them.
      //
      PchSwSmiDispatcher (NULL, NULL, NULL, NULL);

      //
      // PchSmmClearSource: write 1 to the status bit only (write-one-to-clear). Upstream goes
      // through gSmst->SmmIo, reading the register first; on the bus it is this one write.
      //
      IoWrite32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_STS), B_ACPI_IO_SMI_STS_APM);
    }

    EosSet = PchSmmSetAndCheckEos ();
  }

  return EFI_SUCCESS;
}
