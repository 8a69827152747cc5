/*
 * Library/IoLib.h - SmiScope's SMM-C header set.
 * Port I/O and MMIO accesses (edk2: MdePkg/Include/Library/IoLib.h; OVMF's instance is MdePkg
 * BaseIoLibIntrinsicSev). Writes return the value written; Or/And/AndThenOr read, modify and
 * write back, and return the value written.
 */
#ifndef SMMC_LIBRARY_IO_LIB_H_
#define SMMC_LIBRARY_IO_LIB_H_

#include <Base.h>

/* ---- Port I/O ---- */
#define IO_LIB_ADDRESS(Segment, Port)  (((Port) & 0xffff) | (((Segment) & 0xffff) << 16))

UINT8 EFIAPI IoRead8 (IN UINTN Port);
UINT8 EFIAPI IoWrite8 (IN UINTN Port, IN UINT8 Value);
VOID EFIAPI IoReadFifo8 (IN UINTN Port, IN UINTN Count, OUT VOID *Buffer);
VOID EFIAPI IoWriteFifo8 (IN UINTN Port, IN UINTN Count, IN VOID *Buffer);
UINT8 EFIAPI IoOr8 (IN UINTN Port, IN UINT8 OrData);
UINT8 EFIAPI IoAnd8 (IN UINTN Port, IN UINT8 AndData);
UINT8 EFIAPI IoAndThenOr8 (IN UINTN Port, IN UINT8 AndData, IN UINT8 OrData);
UINT8 EFIAPI IoBitFieldRead8 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit);
UINT8 EFIAPI IoBitFieldWrite8 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 Value);
UINT8 EFIAPI IoBitFieldOr8 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 OrData);
UINT8 EFIAPI IoBitFieldAnd8 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 AndData);
UINT8 EFIAPI IoBitFieldAndThenOr8 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 AndData,
                                   IN UINT8 OrData);

UINT16 EFIAPI IoRead16 (IN UINTN Port);
UINT16 EFIAPI IoWrite16 (IN UINTN Port, IN UINT16 Value);
VOID EFIAPI IoReadFifo16 (IN UINTN Port, IN UINTN Count, OUT VOID *Buffer);
VOID EFIAPI IoWriteFifo16 (IN UINTN Port, IN UINTN Count, IN VOID *Buffer);
UINT16 EFIAPI IoOr16 (IN UINTN Port, IN UINT16 OrData);
UINT16 EFIAPI IoAnd16 (IN UINTN Port, IN UINT16 AndData);
UINT16 EFIAPI IoAndThenOr16 (IN UINTN Port, IN UINT16 AndData, IN UINT16 OrData);
UINT16 EFIAPI IoBitFieldRead16 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit);
UINT16 EFIAPI IoBitFieldWrite16 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 Value);
UINT16 EFIAPI IoBitFieldOr16 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 OrData);
UINT16 EFIAPI IoBitFieldAnd16 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 AndData);
UINT16 EFIAPI IoBitFieldAndThenOr16 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 AndData,
                                     IN UINT16 OrData);

UINT32 EFIAPI IoRead32 (IN UINTN Port);
UINT32 EFIAPI IoWrite32 (IN UINTN Port, IN UINT32 Value);
VOID EFIAPI IoReadFifo32 (IN UINTN Port, IN UINTN Count, OUT VOID *Buffer);
VOID EFIAPI IoWriteFifo32 (IN UINTN Port, IN UINTN Count, IN VOID *Buffer);
UINT32 EFIAPI IoOr32 (IN UINTN Port, IN UINT32 OrData);
UINT32 EFIAPI IoAnd32 (IN UINTN Port, IN UINT32 AndData);
UINT32 EFIAPI IoAndThenOr32 (IN UINTN Port, IN UINT32 AndData, IN UINT32 OrData);
UINT32 EFIAPI IoBitFieldRead32 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit);
UINT32 EFIAPI IoBitFieldWrite32 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 Value);
UINT32 EFIAPI IoBitFieldOr32 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 OrData);
UINT32 EFIAPI IoBitFieldAnd32 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 AndData);
UINT32 EFIAPI IoBitFieldAndThenOr32 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 AndData,
                                     IN UINT32 OrData);

UINT64 EFIAPI IoRead64 (IN UINTN Port);
UINT64 EFIAPI IoWrite64 (IN UINTN Port, IN UINT64 Value);
UINT64 EFIAPI IoOr64 (IN UINTN Port, IN UINT64 OrData);
UINT64 EFIAPI IoAnd64 (IN UINTN Port, IN UINT64 AndData);
UINT64 EFIAPI IoAndThenOr64 (IN UINTN Port, IN UINT64 AndData, IN UINT64 OrData);
UINT64 EFIAPI IoBitFieldRead64 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit);
UINT64 EFIAPI IoBitFieldWrite64 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 Value);
UINT64 EFIAPI IoBitFieldOr64 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 OrData);
UINT64 EFIAPI IoBitFieldAnd64 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 AndData);
UINT64 EFIAPI IoBitFieldAndThenOr64 (IN UINTN Port, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 AndData,
                                     IN UINT64 OrData);

/* ---- Memory-mapped I/O ---- */
UINT8 EFIAPI MmioRead8 (IN UINTN Address);
UINT8 EFIAPI MmioWrite8 (IN UINTN Address, IN UINT8 Value);
UINT8 EFIAPI MmioOr8 (IN UINTN Address, IN UINT8 OrData);
UINT8 EFIAPI MmioAnd8 (IN UINTN Address, IN UINT8 AndData);
UINT8 EFIAPI MmioAndThenOr8 (IN UINTN Address, IN UINT8 AndData, IN UINT8 OrData);
UINT8 EFIAPI MmioBitFieldRead8 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit);
UINT8 EFIAPI MmioBitFieldWrite8 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 Value);
UINT8 EFIAPI MmioBitFieldOr8 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 OrData);
UINT8 EFIAPI MmioBitFieldAnd8 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 AndData);
UINT8 EFIAPI MmioBitFieldAndThenOr8 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT8 AndData,
                                     IN UINT8 OrData);

UINT16 EFIAPI MmioRead16 (IN UINTN Address);
UINT16 EFIAPI MmioWrite16 (IN UINTN Address, IN UINT16 Value);
UINT16 EFIAPI MmioOr16 (IN UINTN Address, IN UINT16 OrData);
UINT16 EFIAPI MmioAnd16 (IN UINTN Address, IN UINT16 AndData);
UINT16 EFIAPI MmioAndThenOr16 (IN UINTN Address, IN UINT16 AndData, IN UINT16 OrData);
UINT16 EFIAPI MmioBitFieldRead16 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit);
UINT16 EFIAPI MmioBitFieldWrite16 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 Value);
UINT16 EFIAPI MmioBitFieldOr16 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 OrData);
UINT16 EFIAPI MmioBitFieldAnd16 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 AndData);
UINT16 EFIAPI MmioBitFieldAndThenOr16 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT16 AndData,
                                       IN UINT16 OrData);

UINT32 EFIAPI MmioRead32 (IN UINTN Address);
UINT32 EFIAPI MmioWrite32 (IN UINTN Address, IN UINT32 Value);
UINT32 EFIAPI MmioOr32 (IN UINTN Address, IN UINT32 OrData);
UINT32 EFIAPI MmioAnd32 (IN UINTN Address, IN UINT32 AndData);
UINT32 EFIAPI MmioAndThenOr32 (IN UINTN Address, IN UINT32 AndData, IN UINT32 OrData);
UINT32 EFIAPI MmioBitFieldRead32 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit);
UINT32 EFIAPI MmioBitFieldWrite32 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 Value);
UINT32 EFIAPI MmioBitFieldOr32 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 OrData);
UINT32 EFIAPI MmioBitFieldAnd32 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 AndData);
UINT32 EFIAPI MmioBitFieldAndThenOr32 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT32 AndData,
                                       IN UINT32 OrData);

UINT64 EFIAPI MmioRead64 (IN UINTN Address);
UINT64 EFIAPI MmioWrite64 (IN UINTN Address, IN UINT64 Value);
UINT64 EFIAPI MmioOr64 (IN UINTN Address, IN UINT64 OrData);
UINT64 EFIAPI MmioAnd64 (IN UINTN Address, IN UINT64 AndData);
UINT64 EFIAPI MmioAndThenOr64 (IN UINTN Address, IN UINT64 AndData, IN UINT64 OrData);
UINT64 EFIAPI MmioBitFieldRead64 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit);
UINT64 EFIAPI MmioBitFieldWrite64 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 Value);
UINT64 EFIAPI MmioBitFieldOr64 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 OrData);
UINT64 EFIAPI MmioBitFieldAnd64 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 AndData);
UINT64 EFIAPI MmioBitFieldAndThenOr64 (IN UINTN Address, IN UINTN StartBit, IN UINTN EndBit, IN UINT64 AndData,
                                       IN UINT64 OrData);

/* Length bytes between MMIO and Buffer, in accesses of the given width. */
UINT8 * EFIAPI MmioReadBuffer8 (IN UINTN StartAddress, IN UINTN Length, OUT UINT8 *Buffer);
UINT16 * EFIAPI MmioReadBuffer16 (IN UINTN StartAddress, IN UINTN Length, OUT UINT16 *Buffer);
UINT32 * EFIAPI MmioReadBuffer32 (IN UINTN StartAddress, IN UINTN Length, OUT UINT32 *Buffer);
UINT64 * EFIAPI MmioReadBuffer64 (IN UINTN StartAddress, IN UINTN Length, OUT UINT64 *Buffer);
UINT8 * EFIAPI MmioWriteBuffer8 (IN UINTN StartAddress, IN UINTN Length, IN CONST UINT8 *Buffer);
UINT16 * EFIAPI MmioWriteBuffer16 (IN UINTN StartAddress, IN UINTN Length, IN CONST UINT16 *Buffer);
UINT32 * EFIAPI MmioWriteBuffer32 (IN UINTN StartAddress, IN UINTN Length, IN CONST UINT32 *Buffer);
UINT64 * EFIAPI MmioWriteBuffer64 (IN UINTN StartAddress, IN UINTN Length, IN CONST UINT64 *Buffer);

#endif
