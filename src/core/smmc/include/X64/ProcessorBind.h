/*
 * X64/ProcessorBind.h - SmiScope's SMM-C header set.
 * The X64 base types and limits (edk2: MdePkg/Include/X64/ProcessorBind.h), as gcc sees them
 * for an X64 edk2 build: LP64, so UINT64 is unsigned long long and UINTN is 8 bytes.
 */
#ifndef SMMC_X64_PROCESSOR_BIND_H_
#define SMMC_X64_PROCESSOR_BIND_H_

#ifndef MDE_CPU_X64
#define MDE_CPU_X64
#endif

/* Fixed-width integers. CHAR16 is UCS-2 (edk2 builds with -fshort-wchar, so L"" is CHAR16[]). */
typedef unsigned long long  UINT64;
typedef long long           INT64;
typedef unsigned int        UINT32;
typedef int                 INT32;
typedef unsigned short      UINT16;
typedef unsigned short      CHAR16;
typedef short               INT16;
typedef unsigned char       BOOLEAN;
typedef unsigned char       UINT8;
typedef char                CHAR8;
typedef signed char         INT8;

/* Natural width: pointer-sized on X64. */
typedef UINT64  UINTN;
typedef INT64   INTN;

/* Limits of the natural width. */
#define MAX_BIT            0x8000000000000000ULL
#define MAX_2_BITS         0xC000000000000000ULL
#define MAX_ADDRESS        0xFFFFFFFFFFFFFFFFULL
#define MAX_ALLOC_ADDRESS  MAX_ADDRESS
#define MAX_INTN           ((INTN)0x7FFFFFFFFFFFFFFFULL)
#define MAX_UINTN          ((UINTN)0xFFFFFFFFFFFFFFFFULL)
#define MIN_INTN           (((INTN)-9223372036854775807LL) - 1)

/* The stack is 16-byte aligned at calls; UEFI allocates memory in 4 KiB pages. */
#define CPU_STACK_ALIGNMENT                  16
#define DEFAULT_PAGE_ALLOCATION_GRANULARITY  (0x1000)
#define RUNTIME_PAGE_ALLOCATION_GRANULARITY  (0x1000)

/*
 * The calling convention of every UEFI/PI interface. A real gcc build passes
 * -DEFIAPI=__attribute__((ms_abi)); SMM-C interprets source, so only the order of the
 * parameters matters and EFIAPI is empty.
 */
#ifndef EFIAPI
#define EFIAPI
#endif

/* A function's address as the value a PE image's entry point field would hold. */
#define FUNCTION_ENTRY_POINT(FunctionPointer)  (VOID *)(UINTN)(FunctionPointer)

#endif
