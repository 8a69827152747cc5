/** @file
  The two PCH register helpers PchSmiDispatcher keeps, after edk2-platforms
  Silicon/Intel/AlderlakeSiliconPkg/Pch/PchSmiDispatcher/Smm/PchxSmmHelpers.c
  (PchSmmEnableGlobalSmiBit, PchSmmSetAndCheckEos), in SmiScope's words.

  Written for SmiScope.
**/

#include "PchSmm.h"

/**
  Sets GBL_SMI_EN in SMI_EN: without it no enabled source raises SMI#.

  @retval EFI_SUCCESS  Always.
**/
EFI_STATUS
PchSmmEnableGlobalSmiBit (
  VOID
  )
{
  UINT32  SmiEn;

  SmiEn  = IoRead32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_EN));
  SmiEn |= B_ACPI_IO_SMI_EN_GBL_SMI;
  IoWrite32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_EN), SmiEn);

  return EFI_SUCCESS;
}

/**
  Sets EOS (End of SMI) in SMI_EN and reads the register back. The PCH cleared EOS when it raised
  this SMI# and raises no other until software sets it again.

  @retval TRUE   EOS reads back as 1.
  @retval FALSE  It reads back as 0 (the caller tries again).
**/
BOOLEAN
PchSmmSetAndCheckEos (
  VOID
  )
{
  UINT32  SmiEn;

  SmiEn  = IoRead32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_EN));
  SmiEn |= B_ACPI_IO_SMI_EN_EOS;
  IoWrite32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_EN), SmiEn);

  SmiEn = IoRead32 ((UINTN)(mAcpiBaseAddr + R_ACPI_IO_SMI_EN));
  if ((SmiEn & B_ACPI_IO_SMI_EN_EOS) == 0) {
    return FALSE;
  }

  return TRUE;
}
