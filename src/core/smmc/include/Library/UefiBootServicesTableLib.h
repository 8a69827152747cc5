/*
 * Library/UefiBootServicesTableLib.h - SmiScope's SMM-C header set.
 * The entry point's arguments, kept by the library's constructor
 * (edk2: MdePkg/Include/Library/UefiBootServicesTableLib.h). gST and gBS live outside SMRAM:
 * calling gBS from an SMI handler runs non-SMRAM code, which faults once SMM is locked.
 */
#ifndef SMMC_LIBRARY_UEFI_BOOT_SERVICES_TABLE_LIB_H_
#define SMMC_LIBRARY_UEFI_BOOT_SERVICES_TABLE_LIB_H_

#include <Uefi.h>

extern EFI_HANDLE         gImageHandle;
extern EFI_SYSTEM_TABLE   *gST;
extern EFI_BOOT_SERVICES  *gBS;

#endif
