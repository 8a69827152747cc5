/*
 * Pi/PiMmCis.h - SmiScope's SMM-C header set.
 * The MM system table (MMST) and the MM core's service prototypes, PI 1.5+ "MM" names
 * (edk2: MdePkg/Include/Pi/PiMmCis.h). Same layout as the SMST of Pi/PiSmmCis.h.
 */
#ifndef SMMC_PI_MM_CIS_H_
#define SMMC_PI_MM_CIS_H_

#include <Uefi/UefiSpec.h>
#include <Pi/PiMultiPhase.h>
#include <Protocol/MmCpuIo.h>

typedef struct _EFI_MM_SYSTEM_TABLE EFI_MM_SYSTEM_TABLE;

#define MM_MMST_SIGNATURE                SIGNATURE_32 ('S', 'M', 'S', 'T')
#define MM_SPECIFICATION_MAJOR_REVISION  PI_SPECIFICATION_MAJOR_REVISION
#define MM_SPECIFICATION_MINOR_REVISION  PI_SPECIFICATION_MINOR_REVISION
#define EFI_MM_SYSTEM_TABLE_REVISION     ((MM_SPECIFICATION_MAJOR_REVISION<<16) | (MM_SPECIFICATION_MINOR_REVISION))

/* ---- Service prototypes ---- */
typedef EFI_STATUS (EFIAPI *EFI_MM_INSTALL_CONFIGURATION_TABLE) (IN CONST EFI_MM_SYSTEM_TABLE *SystemTable,
                                                                 IN CONST EFI_GUID *Guid, IN VOID *Table,
                                                                 IN UINTN TableSize);

/* Runs Procedure on CPU CpuNumber (inside the current SMI). */
typedef EFI_STATUS (EFIAPI *EFI_MM_STARTUP_THIS_AP) (IN EFI_AP_PROCEDURE Procedure, IN UINTN CpuNumber,
                                                     IN OUT VOID *ProcArguments OPTIONAL);

/* Called inside every later MmInstallProtocolInterface of the GUID it was registered for. */
typedef EFI_STATUS (EFIAPI *EFI_MM_NOTIFY_FN) (IN CONST EFI_GUID *Protocol, IN VOID *Interface, IN EFI_HANDLE Handle);
typedef EFI_STATUS (EFIAPI *EFI_MM_REGISTER_PROTOCOL_NOTIFY) (IN CONST EFI_GUID *Protocol,
                                                              IN EFI_MM_NOTIFY_FN Function,
                                                              OUT VOID **Registration);

/* Runs the handlers registered for HandlerType (NULL: the root handlers). */
typedef EFI_STATUS (EFIAPI *EFI_MM_INTERRUPT_MANAGE) (IN CONST EFI_GUID *HandlerType,
                                                      IN CONST VOID *Context OPTIONAL,
                                                      IN OUT VOID *CommBuffer OPTIONAL,
                                                      IN OUT UINTN *CommBufferSize OPTIONAL);

/* An MMI handler: what MmiHandlerRegister and the dispatch protocols call. */
typedef EFI_STATUS (EFIAPI *EFI_MM_HANDLER_ENTRY_POINT) (IN EFI_HANDLE DispatchHandle,
                                                         IN CONST VOID *Context OPTIONAL,
                                                         IN OUT VOID *CommBuffer OPTIONAL,
                                                         IN OUT UINTN *CommBufferSize OPTIONAL);
typedef EFI_STATUS (EFIAPI *EFI_MM_INTERRUPT_REGISTER) (IN EFI_MM_HANDLER_ENTRY_POINT Handler,
                                                        IN CONST EFI_GUID *HandlerType OPTIONAL,
                                                        OUT EFI_HANDLE *DispatchHandle);
typedef EFI_STATUS (EFIAPI *EFI_MM_INTERRUPT_UNREGISTER) (IN EFI_HANDLE DispatchHandle);

/* What the CPU driver hands the MM core on every MMI (40 bytes). */
typedef struct _EFI_MM_ENTRY_CONTEXT {
  EFI_MM_STARTUP_THIS_AP  MmStartupThisAp;         /* 0 */
  UINTN                   CurrentlyExecutingCpu;   /* 8 */
  UINTN                   NumberOfCpus;            /* 16 */
  UINTN                   *CpuSaveStateSize;       /* 24 */
  VOID                    **CpuSaveState;          /* 32 */
} EFI_MM_ENTRY_CONTEXT;

typedef VOID (EFIAPI *EFI_MM_ENTRY_POINT) (IN CONST EFI_MM_ENTRY_CONTEXT *MmEntryContext);

/* ---- The MM system table (240 bytes); offsets in hex ---- */
struct _EFI_MM_SYSTEM_TABLE {
  EFI_TABLE_HEADER                    Hdr;                           /* 0x00 */
  CHAR16                              *MmFirmwareVendor;             /* 0x18 */
  UINT32                              MmFirmwareRevision;            /* 0x20 (+4 padding) */
  EFI_MM_INSTALL_CONFIGURATION_TABLE  MmInstallConfigurationTable;   /* 0x28 */

  /* I/O services, embedded (not a pointer). */
  EFI_MM_CPU_IO_PROTOCOL              MmIo;                          /* 0x30 */

  /* Memory services: SMRAM pool and pages. */
  EFI_ALLOCATE_POOL                   MmAllocatePool;                /* 0x50 */
  EFI_FREE_POOL                       MmFreePool;                    /* 0x58 */
  EFI_ALLOCATE_PAGES                  MmAllocatePages;               /* 0x60 */
  EFI_FREE_PAGES                      MmFreePages;                   /* 0x68 */

  /* Processors: refreshed from EFI_MM_ENTRY_CONTEXT on every MMI. */
  EFI_MM_STARTUP_THIS_AP              MmStartupThisAp;               /* 0x70 */
  UINTN                               CurrentlyExecutingCpu;         /* 0x78 */
  UINTN                               NumberOfCpus;                  /* 0x80 */
  UINTN                               *CpuSaveStateSize;             /* 0x88 */
  VOID                                **CpuSaveState;                /* 0x90 */

  /* Configuration tables. */
  UINTN                               NumberOfTableEntries;          /* 0x98 */
  EFI_CONFIGURATION_TABLE             *MmConfigurationTable;         /* 0xA0 */

  /* Protocol services (the UEFI boot-service prototypes, on MM's own handle database). */
  EFI_INSTALL_PROTOCOL_INTERFACE      MmInstallProtocolInterface;    /* 0xA8 */
  EFI_UNINSTALL_PROTOCOL_INTERFACE    MmUninstallProtocolInterface;  /* 0xB0 */
  EFI_HANDLE_PROTOCOL                 MmHandleProtocol;              /* 0xB8 */
  EFI_MM_REGISTER_PROTOCOL_NOTIFY     MmRegisterProtocolNotify;      /* 0xC0 */
  EFI_LOCATE_HANDLE                   MmLocateHandle;                /* 0xC8 */
  EFI_LOCATE_PROTOCOL                 MmLocateProtocol;              /* 0xD0 */

  /* MMI handler services. */
  EFI_MM_INTERRUPT_MANAGE             MmiManage;                     /* 0xD8 */
  EFI_MM_INTERRUPT_REGISTER           MmiHandlerRegister;            /* 0xE0 */
  EFI_MM_INTERRUPT_UNREGISTER         MmiHandlerUnRegister;          /* 0xE8 */
};

#endif
