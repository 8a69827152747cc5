/*
 * Protocol/SmmCpuIo2.h - SmiScope's SMM-C header set.
 * The PI 1.2 "SMM" names of Protocol/MmCpuIo.h (edk2: MdePkg/Include/Protocol/SmmCpuIo2.h);
 * the same types and the same GUID.
 */
#ifndef SMMC_PROTOCOL_SMM_CPU_IO2_H_
#define SMMC_PROTOCOL_SMM_CPU_IO2_H_

#include <Protocol/MmCpuIo.h>

#define EFI_SMM_CPU_IO2_PROTOCOL_GUID  EFI_MM_CPU_IO_PROTOCOL_GUID

#define SMM_IO_UINT8   MM_IO_UINT8
#define SMM_IO_UINT16  MM_IO_UINT16
#define SMM_IO_UINT32  MM_IO_UINT32
#define SMM_IO_UINT64  MM_IO_UINT64

typedef EFI_MM_CPU_IO_PROTOCOL  EFI_SMM_CPU_IO2_PROTOCOL;
typedef EFI_MM_IO_WIDTH         EFI_SMM_IO_WIDTH;
typedef EFI_MM_CPU_IO           EFI_SMM_CPU_IO2;
typedef EFI_MM_IO_ACCESS        EFI_SMM_IO_ACCESS2;

extern EFI_GUID  gEfiSmmCpuIo2ProtocolGuid;

#endif
