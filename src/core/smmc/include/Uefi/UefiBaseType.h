/*
 * Uefi/UefiBaseType.h - SmiScope's SMM-C header set.
 * The UEFI names of the base types and of every status code, plus page-size helpers
 * (edk2: MdePkg/Include/Uefi/UefiBaseType.h).
 */
#ifndef SMMC_UEFI_BASE_TYPE_H_
#define SMMC_UEFI_BASE_TYPE_H_

#include <Base.h>

/* ---- Types ---- */
typedef GUID           EFI_GUID;
typedef RETURN_STATUS  EFI_STATUS;
typedef VOID           *EFI_HANDLE;   /* opaque: a handle in a handle database */
typedef VOID           *EFI_EVENT;
typedef UINTN          EFI_TPL;       /* task priority level */
typedef UINT64         EFI_LBA;
typedef UINT64         EFI_PHYSICAL_ADDRESS;
typedef UINT64         EFI_VIRTUAL_ADDRESS;

/* Calendar time as the UEFI runtime services keep it (16 bytes). */
typedef struct {
  UINT16  Year;         /* 1900 - 9999 */
  UINT8   Month;        /* 1 - 12 */
  UINT8   Day;          /* 1 - 31 */
  UINT8   Hour;         /* 0 - 23 */
  UINT8   Minute;       /* 0 - 59 */
  UINT8   Second;       /* 0 - 59 */
  UINT8   Pad1;
  UINT32  Nanosecond;   /* 0 - 999,999,999 */
  INT16   TimeZone;     /* minutes from UTC, or EFI_UNSPECIFIED_TIMEZONE */
  UINT8   Daylight;
  UINT8   Pad2;
} EFI_TIME;

typedef IPv4_ADDRESS  EFI_IPv4_ADDRESS;
typedef IPv6_ADDRESS  EFI_IPv6_ADDRESS;

typedef struct {
  UINT8  Addr[32];
} EFI_MAC_ADDRESS;

typedef union {
  UINT32            Addr[4];
  EFI_IPv4_ADDRESS  v4;
  EFI_IPv6_ADDRESS  v6;
} EFI_IP_ADDRESS;

/* ---- Status codes: the EFI_ names of Base.h's RETURN_ codes ---- */
#define EFI_SUCCESS               RETURN_SUCCESS
#define EFI_LOAD_ERROR            RETURN_LOAD_ERROR
#define EFI_INVALID_PARAMETER     RETURN_INVALID_PARAMETER
#define EFI_UNSUPPORTED           RETURN_UNSUPPORTED
#define EFI_BAD_BUFFER_SIZE       RETURN_BAD_BUFFER_SIZE
#define EFI_BUFFER_TOO_SMALL      RETURN_BUFFER_TOO_SMALL
#define EFI_NOT_READY             RETURN_NOT_READY
#define EFI_DEVICE_ERROR          RETURN_DEVICE_ERROR
#define EFI_WRITE_PROTECTED       RETURN_WRITE_PROTECTED
#define EFI_OUT_OF_RESOURCES      RETURN_OUT_OF_RESOURCES
#define EFI_VOLUME_CORRUPTED      RETURN_VOLUME_CORRUPTED
#define EFI_VOLUME_FULL           RETURN_VOLUME_FULL
#define EFI_NO_MEDIA              RETURN_NO_MEDIA
#define EFI_MEDIA_CHANGED         RETURN_MEDIA_CHANGED
#define EFI_NOT_FOUND             RETURN_NOT_FOUND
#define EFI_ACCESS_DENIED         RETURN_ACCESS_DENIED
#define EFI_NO_RESPONSE           RETURN_NO_RESPONSE
#define EFI_NO_MAPPING            RETURN_NO_MAPPING
#define EFI_TIMEOUT               RETURN_TIMEOUT
#define EFI_NOT_STARTED           RETURN_NOT_STARTED
#define EFI_ALREADY_STARTED       RETURN_ALREADY_STARTED
#define EFI_ABORTED               RETURN_ABORTED
#define EFI_ICMP_ERROR            RETURN_ICMP_ERROR
#define EFI_TFTP_ERROR            RETURN_TFTP_ERROR
#define EFI_PROTOCOL_ERROR        RETURN_PROTOCOL_ERROR
#define EFI_INCOMPATIBLE_VERSION  RETURN_INCOMPATIBLE_VERSION
#define EFI_SECURITY_VIOLATION    RETURN_SECURITY_VIOLATION
#define EFI_CRC_ERROR             RETURN_CRC_ERROR
#define EFI_END_OF_MEDIA          RETURN_END_OF_MEDIA
#define EFI_END_OF_FILE           RETURN_END_OF_FILE
#define EFI_INVALID_LANGUAGE      RETURN_INVALID_LANGUAGE
#define EFI_COMPROMISED_DATA      RETURN_COMPROMISED_DATA
#define EFI_IP_ADDRESS_CONFLICT   RETURN_IP_ADDRESS_CONFLICT
#define EFI_HTTP_ERROR            RETURN_HTTP_ERROR

#define EFI_WARN_UNKNOWN_GLYPH     RETURN_WARN_UNKNOWN_GLYPH
#define EFI_WARN_DELETE_FAILURE    RETURN_WARN_DELETE_FAILURE
#define EFI_WARN_WRITE_FAILURE     RETURN_WARN_WRITE_FAILURE
#define EFI_WARN_BUFFER_TOO_SMALL  RETURN_WARN_BUFFER_TOO_SMALL
#define EFI_WARN_STALE_DATA        RETURN_WARN_STALE_DATA
#define EFI_WARN_FILE_SYSTEM       RETURN_WARN_FILE_SYSTEM
#define EFI_WARN_RESET_REQUIRED    RETURN_WARN_RESET_REQUIRED

/* Builds an error code; EFI_ERROR is true for any code with bit 63 set. */
#define EFIERR(_a)    ENCODE_ERROR(_a)
#define EFI_ERROR(A)  RETURN_ERROR(A)

/* Network errors (ICMP, TCP). */
#define EFI_NETWORK_UNREACHABLE   EFIERR(100)
#define EFI_HOST_UNREACHABLE      EFIERR(101)
#define EFI_PROTOCOL_UNREACHABLE  EFIERR(102)
#define EFI_PORT_UNREACHABLE      EFIERR(103)
#define EFI_CONNECTION_FIN        EFIERR(104)
#define EFI_CONNECTION_RESET      EFIERR(105)
#define EFI_CONNECTION_REFUSED    EFIERR(106)

/* ---- UEFI pages: 4 KiB units of allocation (not the CPU's page size) ---- */
#define EFI_PAGE_SIZE   SIZE_4KB
#define EFI_PAGE_MASK   0xFFF
#define EFI_PAGE_SHIFT  12

/* Bytes to pages, rounding up; pages to bytes. */
#define EFI_SIZE_TO_PAGES(Size)   (((Size) >> EFI_PAGE_SHIFT) + (((Size) & EFI_PAGE_MASK) ? 1 : 0))
#define EFI_PAGES_TO_SIZE(Pages)  ((Pages) << EFI_PAGE_SHIFT)

/* ---- PE32+ machine types ---- */
#define EFI_IMAGE_MACHINE_IA32     0x014C
#define EFI_IMAGE_MACHINE_IA64     0x0200
#define EFI_IMAGE_MACHINE_EBC      0x0EBC
#define EFI_IMAGE_MACHINE_X64      0x8664
#define EFI_IMAGE_MACHINE_AARCH64  0xAA64

#define EFI_IMAGE_MACHINE_TYPE_SUPPORTED(Machine)        ((Machine) == EFI_IMAGE_MACHINE_X64)
#define EFI_IMAGE_MACHINE_CROSS_TYPE_SUPPORTED(Machine)  ((Machine) == EFI_IMAGE_MACHINE_IA32)

#endif
