/*
 * Uefi.h - SmiScope's SMM-C header set.
 * What a UEFI module includes first (edk2: MdePkg/Include/Uefi.h): the base types and status
 * codes, and the UEFI system table with boot and runtime services.
 */
#ifndef SMMC_UEFI_H_
#define SMMC_UEFI_H_

#include <Uefi/UefiBaseType.h>
#include <Uefi/UefiSpec.h>

#endif
