/*
 * Library/MmServicesTableLib.h - SmiScope's SMM-C header set.
 * gMmst, the MM system table (edk2: MdePkg/Include/Library/MmServicesTableLib.h). It is the same
 * table as gSmst: the library's constructor finds it through gEfiMmBaseProtocolGuid.
 */
#ifndef SMMC_LIBRARY_MM_SERVICES_TABLE_LIB_H_
#define SMMC_LIBRARY_MM_SERVICES_TABLE_LIB_H_

#include <PiMm.h>

extern EFI_MM_SYSTEM_TABLE  *gMmst;

#endif
