/*
 * PiMm.h - SmiScope's SMM-C header set.
 * The PI 1.5+ "MM" counterpart of PiSmm.h (edk2: MdePkg/Include/PiMm.h): Uefi.h plus the MM
 * system table and its types (Pi/PiMmCis.h).
 */
#ifndef SMMC_PI_MM_H_
#define SMMC_PI_MM_H_

#include <Uefi/UefiBaseType.h>
#include <Uefi/UefiSpec.h>
#include <Pi/PiMmCis.h>

#endif
