/*
 * Protocol/SmmSxDispatch2.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" names of Protocol/MmSxDispatch.h (edk2: MdePkg/Include/Protocol/SmmSxDispatch2.h);
 * same types, same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_SX_DISPATCH2_H_
#define SMMC_PROTOCOL_SMM_SX_DISPATCH2_H_

#include <Protocol/MmSxDispatch.h>

#define EFI_SMM_SX_DISPATCH2_PROTOCOL_GUID  EFI_MM_SX_DISPATCH_PROTOCOL_GUID

typedef EFI_MM_SX_REGISTER_CONTEXT   EFI_SMM_SX_REGISTER_CONTEXT;
typedef EFI_MM_SX_DISPATCH_PROTOCOL  EFI_SMM_SX_DISPATCH2_PROTOCOL;
typedef EFI_MM_SX_REGISTER           EFI_SMM_SX_REGISTER2;
typedef EFI_MM_SX_UNREGISTER         EFI_SMM_SX_UNREGISTER2;

extern EFI_GUID  gEfiSmmSxDispatch2ProtocolGuid;

#endif
