/*
 * Library/SmmServicesTableLib.h - SmiScope's SMM-C header set.
 * gSmst, the SMM system table (edk2: MdePkg/Include/Library/SmmServicesTableLib.h). The library's
 * constructor finds it through gEfiSmmBase2ProtocolGuid before the driver's entry point runs.
 */
#ifndef SMMC_LIBRARY_SMM_SERVICES_TABLE_LIB_H_
#define SMMC_LIBRARY_SMM_SERVICES_TABLE_LIB_H_

#include <PiSmm.h>

extern EFI_SMM_SYSTEM_TABLE2  *gSmst;

/* TRUE: a driver linked with this library always runs in SMM. */
BOOLEAN EFIAPI InSmm (VOID);

#endif
