/*
 * Base.h - SmiScope's SMM-C header set.
 * The base of every edk2 module (edk2: MdePkg/Include/Base.h): GUID, LIST_ENTRY, the
 * modifiers (IN, OUT, CONST...), BIT and SIZE constants, variable arguments, structure
 * helpers, alignment, RETURN_STATUS and its codes, signatures.
 */
#ifndef SMMC_BASE_H_
#define SMMC_BASE_H_

#include <X64/ProcessorBind.h>

/* ---- Compiler hints (empty in SMM-C: they change nothing an interpreter does) ---- */
#define GLOBAL_REMOVE_IF_UNREFERENCED
#define UNREACHABLE()
#define NORETURN
#define ANALYZER_UNREACHABLE()
#define ANALYZER_NORETURN
#define RETURNS_TWICE
#define PACKED

/* ---- Basic structures ---- */

/* A 128-bit identifier; 16 bytes, 4-byte aligned. */
typedef struct {
  UINT32  Data1;
  UINT16  Data2;
  UINT16  Data3;
  UINT8   Data4[8];
} GUID;

typedef struct {
  UINT8  Addr[4];
} IPv4_ADDRESS;

typedef struct {
  UINT8  Addr[16];
} IPv6_ADDRESS;

typedef UINT64 PHYSICAL_ADDRESS;

/* A node of a doubly linked circular list (BaseLib's list helpers work on these). */
typedef struct _LIST_ENTRY LIST_ENTRY;
struct _LIST_ENTRY {
  LIST_ENTRY  *ForwardLink;
  LIST_ENTRY  *BackLink;
};

/* ---- Modifiers: IN, OUT and OPTIONAL only document a parameter ---- */
#define CONST     const
#define STATIC    static
#define VOID      void
#define IN
#define OUT
#define OPTIONAL

/* ---- Truth and nothing ---- */
#define TRUE   ((BOOLEAN)(1==1))
#define FALSE  ((BOOLEAN)(0==1))
#define NULL   ((VOID *) 0)
#define CHAR_NULL  0x0000

/* ---- Limits of the fixed-width types ---- */
#define MAX_INT8    ((INT8)0x7F)
#define MAX_UINT8   ((UINT8)0xFF)
#define MAX_INT16   ((INT16)0x7FFF)
#define MAX_UINT16  ((UINT16)0xFFFF)
#define MAX_INT32   ((INT32)0x7FFFFFFF)
#define MAX_UINT32  ((UINT32)0xFFFFFFFF)
#define MAX_INT64   ((INT64)0x7FFFFFFFFFFFFFFFULL)
#define MAX_UINT64  ((UINT64)0xFFFFFFFFFFFFFFFFULL)
#define MIN_INT8    (((INT8)  -127) - 1)
#define MIN_INT16   (((INT16) -32767) - 1)
#define MIN_INT32   (((INT32) -2147483647) - 1)
#define MIN_INT64   (((INT64) -9223372036854775807LL) - 1)

/* Single bits: BIT0..BIT31 are int-sized literals, BIT32..BIT63 are ULL. */
#define BIT0   0x00000001
#define BIT1   0x00000002
#define BIT2   0x00000004
#define BIT3   0x00000008
#define BIT4   0x00000010
#define BIT5   0x00000020
#define BIT6   0x00000040
#define BIT7   0x00000080
#define BIT8   0x00000100
#define BIT9   0x00000200
#define BIT10  0x00000400
#define BIT11  0x00000800
#define BIT12  0x00001000
#define BIT13  0x00002000
#define BIT14  0x00004000
#define BIT15  0x00008000
#define BIT16  0x00010000
#define BIT17  0x00020000
#define BIT18  0x00040000
#define BIT19  0x00080000
#define BIT20  0x00100000
#define BIT21  0x00200000
#define BIT22  0x00400000
#define BIT23  0x00800000
#define BIT24  0x01000000
#define BIT25  0x02000000
#define BIT26  0x04000000
#define BIT27  0x08000000
#define BIT28  0x10000000
#define BIT29  0x20000000
#define BIT30  0x40000000
#define BIT31  0x80000000
#define BIT32  0x0000000100000000ULL
#define BIT33  0x0000000200000000ULL
#define BIT34  0x0000000400000000ULL
#define BIT35  0x0000000800000000ULL
#define BIT36  0x0000001000000000ULL
#define BIT37  0x0000002000000000ULL
#define BIT38  0x0000004000000000ULL
#define BIT39  0x0000008000000000ULL
#define BIT40  0x0000010000000000ULL
#define BIT41  0x0000020000000000ULL
#define BIT42  0x0000040000000000ULL
#define BIT43  0x0000080000000000ULL
#define BIT44  0x0000100000000000ULL
#define BIT45  0x0000200000000000ULL
#define BIT46  0x0000400000000000ULL
#define BIT47  0x0000800000000000ULL
#define BIT48  0x0001000000000000ULL
#define BIT49  0x0002000000000000ULL
#define BIT50  0x0004000000000000ULL
#define BIT51  0x0008000000000000ULL
#define BIT52  0x0010000000000000ULL
#define BIT53  0x0020000000000000ULL
#define BIT54  0x0040000000000000ULL
#define BIT55  0x0080000000000000ULL
#define BIT56  0x0100000000000000ULL
#define BIT57  0x0200000000000000ULL
#define BIT58  0x0400000000000000ULL
#define BIT59  0x0800000000000000ULL
#define BIT60  0x1000000000000000ULL
#define BIT61  0x2000000000000000ULL
#define BIT62  0x4000000000000000ULL
#define BIT63  0x8000000000000000ULL

/* Sizes: SIZE_1KB..SIZE_2GB are int-sized literals, from SIZE_4GB on they are ULL. */
#define SIZE_1KB    0x00000400
#define SIZE_2KB    0x00000800
#define SIZE_4KB    0x00001000
#define SIZE_8KB    0x00002000
#define SIZE_16KB   0x00004000
#define SIZE_32KB   0x00008000
#define SIZE_64KB   0x00010000
#define SIZE_128KB  0x00020000
#define SIZE_256KB  0x00040000
#define SIZE_512KB  0x00080000
#define SIZE_1MB    0x00100000
#define SIZE_2MB    0x00200000
#define SIZE_4MB    0x00400000
#define SIZE_8MB    0x00800000
#define SIZE_16MB   0x01000000
#define SIZE_32MB   0x02000000
#define SIZE_64MB   0x04000000
#define SIZE_128MB  0x08000000
#define SIZE_256MB  0x10000000
#define SIZE_512MB  0x20000000
#define SIZE_1GB    0x40000000
#define SIZE_2GB    0x80000000
#define SIZE_4GB    0x0000000100000000ULL
#define SIZE_8GB    0x0000000200000000ULL
#define SIZE_16GB   0x0000000400000000ULL
#define SIZE_32GB   0x0000000800000000ULL
#define SIZE_64GB   0x0000001000000000ULL
#define SIZE_128GB  0x0000002000000000ULL
#define SIZE_256GB  0x0000004000000000ULL
#define SIZE_512GB  0x0000008000000000ULL
#define SIZE_1TB    0x0000010000000000ULL
#define SIZE_2TB    0x0000020000000000ULL
#define SIZE_4TB    0x0000040000000000ULL
#define SIZE_8TB    0x0000080000000000ULL
#define SIZE_16TB   0x0000100000000000ULL
#define SIZE_32TB   0x0000200000000000ULL
#define SIZE_64TB   0x0000400000000000ULL
#define SIZE_128TB  0x0000800000000000ULL
#define SIZE_256TB  0x0001000000000000ULL
#define SIZE_512TB  0x0002000000000000ULL
#define SIZE_1PB    0x0004000000000000ULL
#define SIZE_2PB    0x0008000000000000ULL
#define SIZE_4PB    0x0010000000000000ULL
#define SIZE_8PB    0x0020000000000000ULL
#define SIZE_16PB   0x0040000000000000ULL
#define SIZE_32PB   0x0080000000000000ULL
#define SIZE_64PB   0x0100000000000000ULL
#define SIZE_128PB  0x0200000000000000ULL
#define SIZE_256PB  0x0400000000000000ULL
#define SIZE_512PB  0x0800000000000000ULL
#define SIZE_1EB    0x1000000000000000ULL
#define SIZE_2EB    0x2000000000000000ULL
#define SIZE_4EB    0x4000000000000000ULL
#define SIZE_8EB    0x8000000000000000ULL

/* Base addresses: the same values under the names edk2 uses for addresses. */
#define BASE_1KB    0x00000400
#define BASE_2KB    0x00000800
#define BASE_4KB    0x00001000
#define BASE_8KB    0x00002000
#define BASE_16KB   0x00004000
#define BASE_32KB   0x00008000
#define BASE_64KB   0x00010000
#define BASE_128KB  0x00020000
#define BASE_256KB  0x00040000
#define BASE_512KB  0x00080000
#define BASE_1MB    0x00100000
#define BASE_2MB    0x00200000
#define BASE_4MB    0x00400000
#define BASE_8MB    0x00800000
#define BASE_16MB   0x01000000
#define BASE_32MB   0x02000000
#define BASE_64MB   0x04000000
#define BASE_128MB  0x08000000
#define BASE_256MB  0x10000000
#define BASE_512MB  0x20000000
#define BASE_1GB    0x40000000
#define BASE_2GB    0x80000000
#define BASE_4GB    0x0000000100000000ULL
#define BASE_8GB    0x0000000200000000ULL
#define BASE_16GB   0x0000000400000000ULL
#define BASE_32GB   0x0000000800000000ULL
#define BASE_64GB   0x0000001000000000ULL
#define BASE_128GB  0x0000002000000000ULL
#define BASE_256GB  0x0000004000000000ULL
#define BASE_512GB  0x0000008000000000ULL
#define BASE_1TB    0x0000010000000000ULL
#define BASE_2TB    0x0000020000000000ULL
#define BASE_4TB    0x0000040000000000ULL
#define BASE_8TB    0x0000080000000000ULL
#define BASE_16TB   0x0000100000000000ULL
#define BASE_32TB   0x0000200000000000ULL
#define BASE_64TB   0x0000400000000000ULL
#define BASE_128TB  0x0000800000000000ULL
#define BASE_256TB  0x0001000000000000ULL
#define BASE_512TB  0x0002000000000000ULL
#define BASE_1PB    0x0004000000000000ULL
#define BASE_2PB    0x0008000000000000ULL
#define BASE_4PB    0x0010000000000000ULL
#define BASE_8PB    0x0020000000000000ULL
#define BASE_16PB   0x0040000000000000ULL
#define BASE_32PB   0x0080000000000000ULL
#define BASE_64PB   0x0100000000000000ULL
#define BASE_128PB  0x0200000000000000ULL
#define BASE_256PB  0x0400000000000000ULL
#define BASE_512PB  0x0800000000000000ULL
#define BASE_1EB    0x1000000000000000ULL
#define BASE_2EB    0x2000000000000000ULL
#define BASE_4EB    0x4000000000000000ULL
#define BASE_8EB    0x8000000000000000ULL

/* ---- Variable arguments ----
 * SMM-C follows the X64 EFIAPI (Microsoft x64) convention, where every argument takes one
 * 8-byte slot and the slots of a call are consecutive in memory, so VA_LIST is a plain
 * pointer that walks those slots (edk2's portable definition in Base.h). Values narrower
 * than 8 bytes sit in the low bytes of their slot.
 */
typedef CHAR8 *VA_LIST;

#define _INT_SIZE_OF(n)  ((sizeof (n) + sizeof (UINTN) - 1) &~(sizeof (UINTN) - 1))

#define VA_START(Marker, Parameter)  (Marker = (VA_LIST) ((UINTN) & (Parameter) + _INT_SIZE_OF (Parameter)))
#define VA_ARG(Marker, TYPE)         (*(TYPE *) ((Marker += _INT_SIZE_OF (TYPE)) - _INT_SIZE_OF (TYPE)))
#define VA_END(Marker)               (Marker = (VA_LIST) 0)
#define VA_COPY(Dest, Start)         ((void)((Dest) = (Start)))

/* BASE_LIST: arguments packed into an array of UINTN-sized slots (the ...BPrint functions). */
typedef UINTN *BASE_LIST;

#define _BASE_INT_SIZE_OF(TYPE)  ((sizeof (TYPE) + sizeof (UINTN) - 1) / sizeof (UINTN))
#define BASE_ARG(Marker, TYPE)   (*(TYPE *) ((Marker += _BASE_INT_SIZE_OF (TYPE)) - _BASE_INT_SIZE_OF (TYPE)))

/* ---- Structure helpers ---- */

/* Byte offset of Field inside TYPE (gcc's builtin, as edk2 uses with gcc and clang). */
#define OFFSET_OF(TYPE, Field)  ((UINTN) __builtin_offsetof(TYPE, Field))

/* Alignment of TYPE: where a TYPE lands after one CHAR8. */
#define ALIGNOF(TYPE)  OFFSET_OF (struct { CHAR8 C; TYPE A; }, A)

/* A compile-time check (C11 _Static_assert). */
#define STATIC_ASSERT  _Static_assert

/* The structure that contains Record, given that Record is its member Field. */
#define BASE_CR(Record, TYPE, Field)  ((TYPE *) (VOID *) ((CHAR8 *) (Record) - OFFSET_OF (TYPE, Field)))

/* Number of elements of an array object. */
#define ARRAY_SIZE(Array)  (sizeof (Array) / sizeof ((Array)[0]))

/* ---- Alignment (Alignment must be a power of two) ---- */
#define IS_POW2(Value)                        ((Value) != 0U && ((Value) & ((Value) - 1U)) == 0U)
#define IS_ALIGNED(Value, Alignment)          (((Value) & ((Alignment) - 1U)) == 0U)
#define ADDRESS_IS_ALIGNED(Address, Alignment)  IS_ALIGNED ((UINTN) (Address), Alignment)
#define ALIGN_VALUE_ADDEND(Value, Alignment)  (((Alignment) - (Value)) & ((Alignment) - 1U))
#define ALIGN_VALUE(Value, Alignment)         ((Value) + (((Alignment) - (Value)) & ((Alignment) - 1U)))
#define ALIGN_POINTER(Pointer, Alignment)     ((VOID *) (ALIGN_VALUE ((UINTN)(Pointer), (Alignment))))
#define ALIGN_VARIABLE(Value)                 ALIGN_VALUE ((Value), sizeof (UINTN))

/* ---- Minimum, maximum, absolute value (arguments are evaluated twice) ---- */
#define MAX(a, b)  (((a) > (b)) ? (a) : (b))
#define MIN(a, b)  (((a) < (b)) ? (a) : (b))
#define ABS(a)     (((a) < 0) ? (-(a)) : (a))

/* ---- RETURN_STATUS: bit 63 set means error; warnings are small positive values ---- */
typedef UINTN RETURN_STATUS;

#define ENCODE_ERROR(StatusCode)    ((RETURN_STATUS)(MAX_BIT | (StatusCode)))
#define ENCODE_WARNING(StatusCode)  ((RETURN_STATUS)(StatusCode))

/* True for an error code. (Up to edk2-stable202408 this was a signed "< 0" test.) */
#define RETURN_ERROR(StatusCode)  (((RETURN_STATUS)(StatusCode)) >= MAX_BIT)

#define RETURN_SUCCESS               (RETURN_STATUS)(0)
#define RETURN_LOAD_ERROR            ENCODE_ERROR (1)
#define RETURN_INVALID_PARAMETER     ENCODE_ERROR (2)
#define RETURN_UNSUPPORTED           ENCODE_ERROR (3)
#define RETURN_BAD_BUFFER_SIZE       ENCODE_ERROR (4)
#define RETURN_BUFFER_TOO_SMALL      ENCODE_ERROR (5)
#define RETURN_NOT_READY             ENCODE_ERROR (6)
#define RETURN_DEVICE_ERROR          ENCODE_ERROR (7)
#define RETURN_WRITE_PROTECTED       ENCODE_ERROR (8)
#define RETURN_OUT_OF_RESOURCES      ENCODE_ERROR (9)
#define RETURN_VOLUME_CORRUPTED      ENCODE_ERROR (10)
#define RETURN_VOLUME_FULL           ENCODE_ERROR (11)
#define RETURN_NO_MEDIA              ENCODE_ERROR (12)
#define RETURN_MEDIA_CHANGED         ENCODE_ERROR (13)
#define RETURN_NOT_FOUND             ENCODE_ERROR (14)
#define RETURN_ACCESS_DENIED         ENCODE_ERROR (15)
#define RETURN_NO_RESPONSE           ENCODE_ERROR (16)
#define RETURN_NO_MAPPING            ENCODE_ERROR (17)
#define RETURN_TIMEOUT               ENCODE_ERROR (18)
#define RETURN_NOT_STARTED           ENCODE_ERROR (19)
#define RETURN_ALREADY_STARTED       ENCODE_ERROR (20)
#define RETURN_ABORTED               ENCODE_ERROR (21)
#define RETURN_ICMP_ERROR            ENCODE_ERROR (22)
#define RETURN_TFTP_ERROR            ENCODE_ERROR (23)
#define RETURN_PROTOCOL_ERROR        ENCODE_ERROR (24)
#define RETURN_INCOMPATIBLE_VERSION  ENCODE_ERROR (25)
#define RETURN_SECURITY_VIOLATION    ENCODE_ERROR (26)
#define RETURN_CRC_ERROR             ENCODE_ERROR (27)
#define RETURN_END_OF_MEDIA          ENCODE_ERROR (28)
#define RETURN_END_OF_FILE           ENCODE_ERROR (31)
#define RETURN_INVALID_LANGUAGE      ENCODE_ERROR (32)
#define RETURN_COMPROMISED_DATA      ENCODE_ERROR (33)
#define RETURN_IP_ADDRESS_CONFLICT   ENCODE_ERROR (34)
#define RETURN_HTTP_ERROR            ENCODE_ERROR (35)

#define RETURN_WARN_UNKNOWN_GLYPH     ENCODE_WARNING (1)
#define RETURN_WARN_DELETE_FAILURE    ENCODE_WARNING (2)
#define RETURN_WARN_WRITE_FAILURE     ENCODE_WARNING (3)
#define RETURN_WARN_BUFFER_TOO_SMALL  ENCODE_WARNING (4)
#define RETURN_WARN_STALE_DATA        ENCODE_WARNING (5)
#define RETURN_WARN_FILE_SYSTEM       ENCODE_WARNING (6)
#define RETURN_WARN_RESET_REQUIRED    ENCODE_WARNING (7)

/* ---- Signatures: characters packed little-endian, first character in the low byte ---- */
#define SIGNATURE_16(A, B)        ((A) | (B << 8))
#define SIGNATURE_32(A, B, C, D)  (SIGNATURE_16 (A, B) | (SIGNATURE_16 (C, D) << 16))
#define SIGNATURE_64(A, B, C, D, E, F, G, H) \
    (SIGNATURE_32 (A, B, C, D) | ((UINT64) (SIGNATURE_32 (E, F, G, H)) << 32))

#endif
