/*
 * Library/PrintLib.h - SmiScope's SMM-C header set.
 * Formatting into a buffer with BasePrintLib's syntax (%a %s %g %r %p %x ...)
 * (edk2: MdePkg/Include/Library/PrintLib.h). BufferSize is in bytes for both string kinds; the
 * return value counts characters written, without the terminating NUL.
 */
#ifndef SMMC_LIBRARY_PRINT_LIB_H_
#define SMMC_LIBRARY_PRINT_LIB_H_

#include <Base.h>

/* Flags of the ...ValueToStringS functions. */
#define LEFT_JUSTIFY  0x01
#define COMMA_TYPE    0x08
#define PREFIX_ZERO   0x20
#define RADIX_HEX     0x80
#define MAXIMUM_VALUE_CHARACTERS  38

/* ---- CHAR16 output ---- */
UINTN EFIAPI UnicodeSPrint (OUT CHAR16 *StartOfBuffer, IN UINTN BufferSize, IN CONST CHAR16 *FormatString, ...);
UINTN EFIAPI UnicodeVSPrint (OUT CHAR16 *StartOfBuffer, IN UINTN BufferSize, IN CONST CHAR16 *FormatString,
                             IN VA_LIST Marker);
UINTN EFIAPI UnicodeBSPrint (OUT CHAR16 *StartOfBuffer, IN UINTN BufferSize, IN CONST CHAR16 *FormatString,
                             IN BASE_LIST Marker);
UINTN EFIAPI UnicodeSPrintAsciiFormat (OUT CHAR16 *StartOfBuffer, IN UINTN BufferSize,
                                       IN CONST CHAR8 *FormatString, ...);
UINTN EFIAPI UnicodeVSPrintAsciiFormat (OUT CHAR16 *StartOfBuffer, IN UINTN BufferSize,
                                        IN CONST CHAR8 *FormatString, IN VA_LIST Marker);
UINTN EFIAPI UnicodeBSPrintAsciiFormat (OUT CHAR16 *StartOfBuffer, IN UINTN BufferSize,
                                        IN CONST CHAR8 *FormatString, IN BASE_LIST Marker);
RETURN_STATUS EFIAPI UnicodeValueToStringS (IN OUT CHAR16 *Buffer, IN UINTN BufferSize, IN UINTN Flags,
                                            IN INT64 Value, IN UINTN Width);

/* ---- CHAR8 output ---- */
UINTN EFIAPI AsciiSPrint (OUT CHAR8 *StartOfBuffer, IN UINTN BufferSize, IN CONST CHAR8 *FormatString, ...);
UINTN EFIAPI AsciiVSPrint (OUT CHAR8 *StartOfBuffer, IN UINTN BufferSize, IN CONST CHAR8 *FormatString,
                           IN VA_LIST Marker);
UINTN EFIAPI AsciiBSPrint (OUT CHAR8 *StartOfBuffer, IN UINTN BufferSize, IN CONST CHAR8 *FormatString,
                           IN BASE_LIST Marker);
UINTN EFIAPI AsciiSPrintUnicodeFormat (OUT CHAR8 *StartOfBuffer, IN UINTN BufferSize,
                                       IN CONST CHAR16 *FormatString, ...);
UINTN EFIAPI AsciiVSPrintUnicodeFormat (OUT CHAR8 *StartOfBuffer, IN UINTN BufferSize,
                                        IN CONST CHAR16 *FormatString, IN VA_LIST Marker);
UINTN EFIAPI AsciiBSPrintUnicodeFormat (OUT CHAR8 *StartOfBuffer, IN UINTN BufferSize,
                                        IN CONST CHAR16 *FormatString, IN BASE_LIST Marker);
RETURN_STATUS EFIAPI AsciiValueToStringS (IN OUT CHAR8 *Buffer, IN UINTN BufferSize, IN UINTN Flags,
                                          IN INT64 Value, IN UINTN Width);

/* ---- How long the output would be ---- */
UINTN EFIAPI SPrintLength (IN CONST CHAR16 *FormatString, IN VA_LIST Marker);
UINTN EFIAPI SPrintLengthAsciiFormat (IN CONST CHAR8 *FormatString, IN VA_LIST Marker);

#endif
