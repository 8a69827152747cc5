/*
 * PiSmm.h - SmiScope's SMM-C header set.
 * What a DXE_SMM_DRIVER includes first (edk2: MdePkg/Include/PiSmm.h): Uefi.h plus the SMM
 * system table and its types (Pi/PiSmmCis.h).
 */
#ifndef SMMC_PI_SMM_H_
#define SMMC_PI_SMM_H_

#include <Uefi/UefiBaseType.h>
#include <Uefi/UefiSpec.h>
#include <Pi/PiSmmCis.h>

#endif
