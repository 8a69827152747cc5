/*
 * Library/BaseLib.h - SmiScope's SMM-C header set.
 * The BaseLib functions SMM drivers use (edk2: MdePkg/Include/Library/BaseLib.h, which has many
 * more): CPU control, linked lists, strings, unaligned access, 64-bit arithmetic, bit scans,
 * and the few CPU instructions SMM code reads registers with.
 */
#ifndef SMMC_LIBRARY_BASE_LIB_H_
#define SMMC_LIBRARY_BASE_LIB_H_

#include <Base.h>

/* ---- CPU control ---- */

/* Spins (with CpuPause) until a debugger changes a variable: never returns on its own. */
VOID EFIAPI CpuDeadLoop (VOID);
/* int3. */
VOID EFIAPI CpuBreakpoint (VOID);
/* pause: a hint inside spin loops. */
VOID EFIAPI CpuPause (VOID);

/* ---- Doubly linked circular lists of LIST_ENTRY ---- */

/* A static initializer for an empty list head: LIST_ENTRY mList = INITIALIZE_LIST_HEAD_VARIABLE (mList); */
#define INITIALIZE_LIST_HEAD_VARIABLE(ListHead)  {&(ListHead), &(ListHead)}

LIST_ENTRY * EFIAPI InitializeListHead (IN OUT LIST_ENTRY *ListHead);
LIST_ENTRY * EFIAPI InsertHeadList (IN OUT LIST_ENTRY *ListHead, IN OUT LIST_ENTRY *Entry);
LIST_ENTRY * EFIAPI InsertTailList (IN OUT LIST_ENTRY *ListHead, IN OUT LIST_ENTRY *Entry);
LIST_ENTRY * EFIAPI GetFirstNode (IN CONST LIST_ENTRY *List);
LIST_ENTRY * EFIAPI GetNextNode (IN CONST LIST_ENTRY *List, IN CONST LIST_ENTRY *Node);
LIST_ENTRY * EFIAPI GetPreviousNode (IN CONST LIST_ENTRY *List, IN CONST LIST_ENTRY *Node);
BOOLEAN EFIAPI IsListEmpty (IN CONST LIST_ENTRY *ListHead);
/* True when Node is the list head itself (the walk is over). */
BOOLEAN EFIAPI IsNull (IN CONST LIST_ENTRY *List, IN CONST LIST_ENTRY *Node);
BOOLEAN EFIAPI IsNodeAtEnd (IN CONST LIST_ENTRY *List, IN CONST LIST_ENTRY *Node);
LIST_ENTRY * EFIAPI SwapListEntries (IN OUT LIST_ENTRY *FirstEntry, IN OUT LIST_ENTRY *SecondEntry);
/* Unlinks Entry; returns the entry that followed it. */
LIST_ENTRY * EFIAPI RemoveEntryList (IN CONST LIST_ENTRY *Entry);

/* ---- CHAR16 strings ---- */
UINTN EFIAPI StrLen (IN CONST CHAR16 *String);
UINTN EFIAPI StrSize (IN CONST CHAR16 *String);
INTN EFIAPI StrCmp (IN CONST CHAR16 *FirstString, IN CONST CHAR16 *SecondString);
INTN EFIAPI StrnCmp (IN CONST CHAR16 *FirstString, IN CONST CHAR16 *SecondString, IN UINTN Length);
RETURN_STATUS EFIAPI StrCpyS (OUT CHAR16 *Destination, IN UINTN DestMax, IN CONST CHAR16 *Source);
RETURN_STATUS EFIAPI StrnCpyS (OUT CHAR16 *Destination, IN UINTN DestMax, IN CONST CHAR16 *Source,
                               IN UINTN Length);
RETURN_STATUS EFIAPI StrCatS (IN OUT CHAR16 *Destination, IN UINTN DestMax, IN CONST CHAR16 *Source);
UINTN EFIAPI StrDecimalToUintn (IN CONST CHAR16 *String);
UINTN EFIAPI StrHexToUintn (IN CONST CHAR16 *String);

/* ---- CHAR8 (ASCII) strings ---- */
UINTN EFIAPI AsciiStrLen (IN CONST CHAR8 *String);
UINTN EFIAPI AsciiStrSize (IN CONST CHAR8 *String);
INTN EFIAPI AsciiStrCmp (IN CONST CHAR8 *FirstString, IN CONST CHAR8 *SecondString);
INTN EFIAPI AsciiStriCmp (IN CONST CHAR8 *FirstString, IN CONST CHAR8 *SecondString);
INTN EFIAPI AsciiStrnCmp (IN CONST CHAR8 *FirstString, IN CONST CHAR8 *SecondString, IN UINTN Length);
RETURN_STATUS EFIAPI AsciiStrCpyS (OUT CHAR8 *Destination, IN UINTN DestMax, IN CONST CHAR8 *Source);
RETURN_STATUS EFIAPI AsciiStrnCpyS (OUT CHAR8 *Destination, IN UINTN DestMax, IN CONST CHAR8 *Source,
                                    IN UINTN Length);
RETURN_STATUS EFIAPI AsciiStrCatS (IN OUT CHAR8 *Destination, IN UINTN DestMax, IN CONST CHAR8 *Source);
UINTN EFIAPI AsciiStrDecimalToUintn (IN CONST CHAR8 *String);
UINTN EFIAPI AsciiStrHexToUintn (IN CONST CHAR8 *String);

/* Conversions between the two (DestMax counts destination characters). */
RETURN_STATUS EFIAPI AsciiStrToUnicodeStrS (IN CONST CHAR8 *Source, OUT CHAR16 *Destination, IN UINTN DestMax);
RETURN_STATUS EFIAPI UnicodeStrToAsciiStrS (IN CONST CHAR16 *Source, OUT CHAR8 *Destination, IN UINTN DestMax);

/* ---- Unaligned little-endian access (each ASSERTs Buffer != NULL) ---- */
UINT16 EFIAPI ReadUnaligned16 (IN CONST VOID *Buffer);
UINT32 EFIAPI ReadUnaligned24 (IN CONST VOID *Buffer);
UINT32 EFIAPI ReadUnaligned32 (IN CONST VOID *Buffer);
UINT64 EFIAPI ReadUnaligned64 (IN CONST VOID *Buffer);
UINT16 EFIAPI WriteUnaligned16 (OUT VOID *Buffer, IN UINT16 Value);
UINT32 EFIAPI WriteUnaligned24 (OUT VOID *Buffer, IN UINT32 Value);
UINT32 EFIAPI WriteUnaligned32 (OUT VOID *Buffer, IN UINT32 Value);
UINT64 EFIAPI WriteUnaligned64 (OUT VOID *Buffer, IN UINT64 Value);

/* ---- 64-bit shifts, rotates, multiply and divide ---- */
UINT64 EFIAPI LShiftU64 (IN UINT64 Operand, IN UINTN Count);
UINT64 EFIAPI RShiftU64 (IN UINT64 Operand, IN UINTN Count);
UINT64 EFIAPI ARShiftU64 (IN UINT64 Operand, IN UINTN Count);
UINT32 EFIAPI LRotU32 (IN UINT32 Operand, IN UINTN Count);
UINT32 EFIAPI RRotU32 (IN UINT32 Operand, IN UINTN Count);
UINT64 EFIAPI LRotU64 (IN UINT64 Operand, IN UINTN Count);
UINT64 EFIAPI RRotU64 (IN UINT64 Operand, IN UINTN Count);
UINT64 EFIAPI MultU64x32 (IN UINT64 Multiplicand, IN UINT32 Multiplier);
UINT64 EFIAPI MultU64x64 (IN UINT64 Multiplicand, IN UINT64 Multiplier);
INT64 EFIAPI MultS64x64 (IN INT64 Multiplicand, IN INT64 Multiplier);
UINT64 EFIAPI DivU64x32 (IN UINT64 Dividend, IN UINT32 Divisor);
UINT32 EFIAPI ModU64x32 (IN UINT64 Dividend, IN UINT32 Divisor);
UINT64 EFIAPI DivU64x32Remainder (IN UINT64 Dividend, IN UINT32 Divisor, OUT UINT32 *Remainder OPTIONAL);
UINT64 EFIAPI DivU64x64Remainder (IN UINT64 Dividend, IN UINT64 Divisor, OUT UINT64 *Remainder OPTIONAL);
INT64 EFIAPI DivS64x64Remainder (IN INT64 Dividend, IN INT64 Divisor, OUT INT64 *Remainder OPTIONAL);

/* ---- Byte order and bit scans (HighBitSet/LowBitSet return -1 for 0) ---- */
UINT16 EFIAPI SwapBytes16 (IN UINT16 Value);
UINT32 EFIAPI SwapBytes32 (IN UINT32 Value);
UINT64 EFIAPI SwapBytes64 (IN UINT64 Value);
INTN EFIAPI HighBitSet32 (IN UINT32 Operand);
INTN EFIAPI HighBitSet64 (IN UINT64 Operand);
INTN EFIAPI LowBitSet32 (IN UINT32 Operand);
INTN EFIAPI LowBitSet64 (IN UINT64 Operand);
UINT32 EFIAPI GetPowerOfTwo32 (IN UINT32 Operand);
UINT64 EFIAPI GetPowerOfTwo64 (IN UINT64 Operand);

/* ---- CPU registers and instructions (X64) ---- */
UINT64 EFIAPI AsmReadMsr64 (IN UINT32 Index);
UINT64 EFIAPI AsmWriteMsr64 (IN UINT32 Index, IN UINT64 Value);
UINT32 EFIAPI AsmCpuid (IN UINT32 Index, OUT UINT32 *Eax OPTIONAL, OUT UINT32 *Ebx OPTIONAL,
                        OUT UINT32 *Ecx OPTIONAL, OUT UINT32 *Edx OPTIONAL);
UINTN EFIAPI AsmReadCr0 (VOID);
UINTN EFIAPI AsmReadCr2 (VOID);
UINTN EFIAPI AsmReadCr3 (VOID);
UINTN EFIAPI AsmReadCr4 (VOID);
UINT64 EFIAPI AsmReadTsc (VOID);
VOID EFIAPI DisableInterrupts (VOID);
VOID EFIAPI EnableInterrupts (VOID);
BOOLEAN EFIAPI GetInterruptState (VOID);
VOID EFIAPI MemoryFence (VOID);

#endif
