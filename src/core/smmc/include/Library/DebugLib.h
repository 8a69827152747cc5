/*
 * Library/DebugLib.h - SmiScope's SMM-C header set.
 * DEBUG, ASSERT and friends (edk2: MdePkg/Include/Library/DebugLib.h). On OVMF the instance is
 * OvmfPkg PlatformDebugLibIoPort: text goes to the debug port 0x402; a failed ASSERT prints
 * "ASSERT File.c(Line): Expression" there and dead-loops (PcdDebugPropertyMask 0x2F).
 */
#ifndef SMMC_LIBRARY_DEBUG_LIB_H_
#define SMMC_LIBRARY_DEBUG_LIB_H_

#include <Base.h>

/* ---- Bits of PcdDebugPropertyMask ---- */
#define DEBUG_PROPERTY_DEBUG_ASSERT_ENABLED       0x01
#define DEBUG_PROPERTY_DEBUG_PRINT_ENABLED        0x02
#define DEBUG_PROPERTY_DEBUG_CODE_ENABLED         0x04
#define DEBUG_PROPERTY_CLEAR_MEMORY_ENABLED       0x08
#define DEBUG_PROPERTY_ASSERT_BREAKPOINT_ENABLED  0x10
#define DEBUG_PROPERTY_ASSERT_DEADLOOP_ENABLED    0x20

/* ---- Message levels: a DEBUG prints when its level has a bit in PcdDebugPrintErrorLevel
        (OVMF: 0x8000004F = ERROR | INFO | FS | LOAD | WARN | INIT) ---- */
#define DEBUG_INIT           0x00000001
#define DEBUG_WARN           0x00000002
#define DEBUG_LOAD           0x00000004
#define DEBUG_FS             0x00000008
#define DEBUG_POOL           0x00000010
#define DEBUG_PAGE           0x00000020
#define DEBUG_INFO           0x00000040
#define DEBUG_DISPATCH       0x00000080
#define DEBUG_VARIABLE       0x00000100
#define DEBUG_BM             0x00000400
#define DEBUG_BLKIO          0x00001000
#define DEBUG_NET            0x00004000
#define DEBUG_UNDI           0x00010000
#define DEBUG_LOADFILE       0x00020000
#define DEBUG_EVENT          0x00080000
#define DEBUG_GCD            0x00100000
#define DEBUG_CACHE          0x00200000
#define DEBUG_VERBOSE        0x00400000
#define DEBUG_MANAGEABILITY  0x00800000
#define DEBUG_SECURITY       0x01000000
#define DEBUG_PAGING         0x02000000
#define DEBUG_ERROR          0x80000000

/* The older EFI_D_ names. */
#define EFI_D_INIT      DEBUG_INIT
#define EFI_D_WARN      DEBUG_WARN
#define EFI_D_LOAD      DEBUG_LOAD
#define EFI_D_FS        DEBUG_FS
#define EFI_D_POOL      DEBUG_POOL
#define EFI_D_PAGE      DEBUG_PAGE
#define EFI_D_INFO      DEBUG_INFO
#define EFI_D_DISPATCH  DEBUG_DISPATCH
#define EFI_D_VARIABLE  DEBUG_VARIABLE
#define EFI_D_BM        DEBUG_BM
#define EFI_D_BLKIO     DEBUG_BLKIO
#define EFI_D_NET       DEBUG_NET
#define EFI_D_UNDI      DEBUG_UNDI
#define EFI_D_LOADFILE  DEBUG_LOADFILE
#define EFI_D_EVENT     DEBUG_EVENT
#define EFI_D_VERBOSE   DEBUG_VERBOSE
#define EFI_D_ERROR     DEBUG_ERROR

/* ---- The library functions ---- */

/* Prints Format (BasePrintLib syntax: %a %s %g %r %p ...) if ErrorLevel passes the PCD filter. */
VOID EFIAPI DebugPrint (IN UINTN ErrorLevel, IN CONST CHAR8 *Format, ...);
VOID EFIAPI DebugVPrint (IN UINTN ErrorLevel, IN CONST CHAR8 *Format, IN VA_LIST VaListMarker);
VOID EFIAPI DebugBPrint (IN UINTN ErrorLevel, IN CONST CHAR8 *Format, IN BASE_LIST BaseListMarker);

/* Prints "ASSERT FileName(LineNumber): Description", then breakpoints or dead-loops per the PCD. */
VOID EFIAPI DebugAssert (IN CONST CHAR8 *FileName, IN UINTN LineNumber, IN CONST CHAR8 *Description);

/* Fills Buffer with PcdDebugClearMemoryValue (0xAF). */
VOID * EFIAPI DebugClearMemory (OUT VOID *Buffer, IN UINTN Length);

/* Each tests one bit of PcdDebugPropertyMask (DebugPrintLevelEnabled: of the fixed level mask). */
BOOLEAN EFIAPI DebugAssertEnabled (VOID);
BOOLEAN EFIAPI DebugPrintEnabled (VOID);
BOOLEAN EFIAPI DebugCodeEnabled (VOID);
BOOLEAN EFIAPI DebugClearMemoryEnabled (VOID);
BOOLEAN EFIAPI DebugPrintLevelEnabled (IN CONST UINTN ErrorLevel);

/* ---- How an ASSERT names its place and its expression ---- */
#ifndef DEBUG_LINE_NUMBER
#define DEBUG_LINE_NUMBER  __LINE__
#endif

/* The expression's text. _ASSERT hands its argument on to this macro, so the text is the
   expression after macro expansion: ASSERT (Buffer != NULL) prints "Buffer != ((void *) 0)". */
#ifdef DEBUG_EXPRESSION_STRING_VALUE
#define DEBUG_EXPRESSION_STRING(Expression)  DEBUG_EXPRESSION_STRING_VALUE
#else
#define DEBUG_EXPRESSION_STRING(Expression)  #Expression
#endif

/* The file's base name (gcc 12+ and clang define __FILE_NAME__), otherwise the path as compiled. */
#if defined (__FILE_NAME__)
#define _ASSERT(Expression)  DebugAssert (__FILE_NAME__, DEBUG_LINE_NUMBER, DEBUG_EXPRESSION_STRING (Expression))
#else
#define _ASSERT(Expression)  DebugAssert (__FILE__, DEBUG_LINE_NUMBER, DEBUG_EXPRESSION_STRING (Expression))
#endif

/* DEBUG ((Level, Format, ...)): the double parentheses make the inner list one macro argument. */
#define _DEBUG_PRINT(PrintLevel, ...)              \
    do {                                           \
      if (DebugPrintLevelEnabled (PrintLevel)) {   \
        DebugPrint (PrintLevel, __VA_ARGS__);      \
      }                                            \
    } while (FALSE)

#define _DEBUGLIB_DEBUG(Expression)  _DEBUG_PRINT Expression

/* ---- DEBUG and the ASSERTs. A RELEASE build (MDEPKG_NDEBUG) keeps them as dead code. ---- */
#if !defined (MDEPKG_NDEBUG)

#define ASSERT(Expression)          \
    do {                            \
      if (DebugAssertEnabled ()) {  \
        if (!(Expression)) {        \
          _ASSERT (Expression);     \
          ANALYZER_UNREACHABLE ();  \
        }                           \
      }                             \
    } while (FALSE)

#define DEBUG(Expression)             \
    do {                              \
      if (DebugPrintEnabled ()) {     \
        _DEBUGLIB_DEBUG (Expression); \
      }                               \
    } while (FALSE)

/* Prints the status with %r, then asserts on the negated error test. */
#define ASSERT_EFI_ERROR(StatusParameter)                                              \
    do {                                                                               \
      if (DebugAssertEnabled ()) {                                                     \
        if (EFI_ERROR (StatusParameter)) {                                             \
          DEBUG ((DEBUG_ERROR, "\nASSERT_EFI_ERROR (Status = %r)\n", StatusParameter)); \
          _ASSERT (!EFI_ERROR (StatusParameter));                                      \
        }                                                                              \
      }                                                                                \
    } while (FALSE)

#define ASSERT_RETURN_ERROR(StatusParameter)                                              \
    do {                                                                                  \
      if (DebugAssertEnabled ()) {                                                        \
        if (RETURN_ERROR (StatusParameter)) {                                             \
          DEBUG ((DEBUG_ERROR, "\nASSERT_RETURN_ERROR (Status = %r)\n", StatusParameter)); \
          _ASSERT (!RETURN_ERROR (StatusParameter));                                      \
        }                                                                                 \
      }                                                                                   \
    } while (FALSE)

/* Asserts that Guid is not installed yet (on Handle, or anywhere when Handle is NULL); uses gBS. */
#define ASSERT_PROTOCOL_ALREADY_INSTALLED(Handle, Guid)                                 \
    do {                                                                                \
      if (DebugAssertEnabled ()) {                                                      \
        VOID  *Instance;                                                                \
        ASSERT (Guid != NULL);                                                          \
        if (Handle == NULL) {                                                           \
          if (!EFI_ERROR (gBS->LocateProtocol ((EFI_GUID *)Guid, NULL, &Instance))) {   \
            _ASSERT (Guid already installed in database);                               \
          }                                                                             \
        } else {                                                                        \
          if (!EFI_ERROR (gBS->HandleProtocol (Handle, (EFI_GUID *)Guid, &Instance))) { \
            _ASSERT (Guid already installed on Handle);                                 \
          }                                                                             \
        }                                                                               \
      }                                                                                 \
    } while (FALSE)

#else

#define ASSERT(Expression)            do { if (FALSE) { (VOID) (Expression); } } while (FALSE)
#define DEBUG(Expression)             do { if (FALSE) { _DEBUGLIB_DEBUG (Expression); } } while (FALSE)
#define ASSERT_EFI_ERROR(StatusParameter)     do { if (FALSE) { (VOID) (StatusParameter); } } while (FALSE)
#define ASSERT_RETURN_ERROR(StatusParameter)  do { if (FALSE) { (VOID) (StatusParameter); } } while (FALSE)
#define ASSERT_PROTOCOL_ALREADY_INSTALLED(Handle, Guid)

#endif

/* ---- Code that runs only when PcdDebugPropertyMask has DEBUG_CODE_ENABLED ----
   DEBUG_CODE_BEGIN (); ...statements... DEBUG_CODE_END ();  or  DEBUG_CODE (statements); */
#define DEBUG_CODE_BEGIN()     \
  do {                         \
    if (DebugCodeEnabled ()) { \
      do { } while (FALSE)

#define DEBUG_CODE_END()  \
    }                     \
  } while (FALSE)

#define DEBUG_CODE(Expression)  \
  DEBUG_CODE_BEGIN ();          \
  Expression                    \
  DEBUG_CODE_END ()

/* Fills freed or fresh memory with 0xAF when the PCD allows it. */
#define DEBUG_CLEAR_MEMORY(Address, Length)  \
  do {                                       \
    if (DebugClearMemoryEnabled ()) {        \
      DebugClearMemory (Address, Length);    \
    }                                        \
  } while (FALSE)

/*
 * CR: the structure of TYPE that contains Record as its member Field, checked by the
 * structure's Signature member. A mismatch asserts ("CR has Bad Signature") and still returns
 * the record; with assertions off it gives NULL.
 */
#if !defined (MDEPKG_NDEBUG)
#define CR(Record, TYPE, Field, TestSignature)                                              \
    (DebugAssertEnabled () && (BASE_CR (Record, TYPE, Field)->Signature != TestSignature)) ?  \
    (TYPE *) (_ASSERT (CR has Bad Signature), Record) :                                       \
    (BASE_CR (Record, TYPE, Field)->Signature != TestSignature) ?                             \
    NULL :                                                                                    \
    BASE_CR (Record, TYPE, Field)
#else
#define CR(Record, TYPE, Field, TestSignature)                                              \
    (BASE_CR (Record, TYPE, Field)->Signature != TestSignature) ?                           \
    NULL :                                                                                  \
    BASE_CR (Record, TYPE, Field)
#endif

#endif
