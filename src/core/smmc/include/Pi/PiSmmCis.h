/*
 * Pi/PiSmmCis.h - SmiScope's SMM-C header set.
 * The SMM system table (SMST) with the PI 1.2 "SMM" names (edk2: MdePkg/Include/Pi/PiSmmCis.h).
 * gSmst and gMmst point to the same table in SMRAM (PiSmmCore.c gSmmCoreSmst).
 */
#ifndef SMMC_PI_SMM_CIS_H_
#define SMMC_PI_SMM_CIS_H_

#include <Pi/PiMmCis.h>
#include <Protocol/SmmCpuIo2.h>

typedef struct _EFI_SMM_SYSTEM_TABLE2 EFI_SMM_SYSTEM_TABLE2;

#define SMM_SMST_SIGNATURE                MM_MMST_SIGNATURE           /* 'SMST' = 0x54534D53 */
#define SMM_SPECIFICATION_MAJOR_REVISION  MM_SPECIFICATION_MAJOR_REVISION
#define SMM_SPECIFICATION_MINOR_REVISION  MM_SPECIFICATION_MINOR_REVISION
#define EFI_SMM_SYSTEM_TABLE2_REVISION    EFI_MM_SYSTEM_TABLE_REVISION  /* 0x00010050 */

/* Only this one prototype differs from the MM one: it takes the SMST itself. */
typedef EFI_STATUS (EFIAPI *EFI_SMM_INSTALL_CONFIGURATION_TABLE2) (IN CONST EFI_SMM_SYSTEM_TABLE2 *SystemTable,
                                                                   IN CONST EFI_GUID *Guid, IN VOID *Table,
                                                                   IN UINTN TableSize);

/* The SMM names of the MM prototypes of Pi/PiMmCis.h. */
typedef EFI_MM_STARTUP_THIS_AP           EFI_SMM_STARTUP_THIS_AP;
typedef EFI_MM_NOTIFY_FN                 EFI_SMM_NOTIFY_FN;
typedef EFI_MM_REGISTER_PROTOCOL_NOTIFY  EFI_SMM_REGISTER_PROTOCOL_NOTIFY;
typedef EFI_MM_INTERRUPT_MANAGE          EFI_SMM_INTERRUPT_MANAGE;
typedef EFI_MM_HANDLER_ENTRY_POINT       EFI_SMM_HANDLER_ENTRY_POINT2;
typedef EFI_MM_INTERRUPT_REGISTER        EFI_SMM_INTERRUPT_REGISTER;
typedef EFI_MM_INTERRUPT_UNREGISTER      EFI_SMM_INTERRUPT_UNREGISTER;

/* What the CPU driver hands the SMM core on every SMI (40 bytes). */
typedef struct _EFI_SMM_ENTRY_CONTEXT {
  EFI_SMM_STARTUP_THIS_AP  SmmStartupThisAp;        /* 0 */
  UINTN                    CurrentlyExecutingCpu;   /* 8 */
  UINTN                    NumberOfCpus;            /* 16 */
  UINTN                    *CpuSaveStateSize;       /* 24 */
  VOID                     **CpuSaveState;          /* 32 */
} EFI_SMM_ENTRY_CONTEXT;

typedef VOID (EFIAPI *EFI_SMM_ENTRY_POINT) (IN CONST EFI_SMM_ENTRY_CONTEXT *SmmEntryContext);

/* ---- The SMM system table (240 bytes); offsets in hex ---- */
struct _EFI_SMM_SYSTEM_TABLE2 {
  EFI_TABLE_HEADER                      Hdr;                            /* 0x00 */
  CHAR16                                *SmmFirmwareVendor;             /* 0x18 */
  UINT32                                SmmFirmwareRevision;            /* 0x20 (+4 padding) */
  EFI_SMM_INSTALL_CONFIGURATION_TABLE2  SmmInstallConfigurationTable;   /* 0x28 */

  /* I/O services, embedded (not a pointer). */
  EFI_SMM_CPU_IO2_PROTOCOL              SmmIo;                          /* 0x30 */

  /* Memory services: SMRAM pool and pages. */
  EFI_ALLOCATE_POOL                     SmmAllocatePool;                /* 0x50 */
  EFI_FREE_POOL                         SmmFreePool;                    /* 0x58 */
  EFI_ALLOCATE_PAGES                    SmmAllocatePages;               /* 0x60 */
  EFI_FREE_PAGES                        SmmFreePages;                   /* 0x68 */

  /* Processors: refreshed from EFI_SMM_ENTRY_CONTEXT on every SMI. */
  EFI_SMM_STARTUP_THIS_AP               SmmStartupThisAp;               /* 0x70 */
  UINTN                                 CurrentlyExecutingCpu;          /* 0x78 */
  UINTN                                 NumberOfCpus;                   /* 0x80 */
  UINTN                                 *CpuSaveStateSize;              /* 0x88 */
  VOID                                  **CpuSaveState;                 /* 0x90 */

  /* Configuration tables. */
  UINTN                                 NumberOfTableEntries;           /* 0x98 */
  EFI_CONFIGURATION_TABLE               *SmmConfigurationTable;         /* 0xA0 */

  /* Protocol services (the UEFI boot-service prototypes, on SMM's own handle database). */
  EFI_INSTALL_PROTOCOL_INTERFACE        SmmInstallProtocolInterface;    /* 0xA8 */
  EFI_UNINSTALL_PROTOCOL_INTERFACE      SmmUninstallProtocolInterface;  /* 0xB0 */
  EFI_HANDLE_PROTOCOL                   SmmHandleProtocol;              /* 0xB8 */
  EFI_SMM_REGISTER_PROTOCOL_NOTIFY      SmmRegisterProtocolNotify;      /* 0xC0 */
  EFI_LOCATE_HANDLE                     SmmLocateHandle;                /* 0xC8 */
  EFI_LOCATE_PROTOCOL                   SmmLocateProtocol;              /* 0xD0 */

  /* SMI handler services. */
  EFI_SMM_INTERRUPT_MANAGE              SmiManage;                      /* 0xD8 */
  EFI_SMM_INTERRUPT_REGISTER            SmiHandlerRegister;             /* 0xE0 */
  EFI_SMM_INTERRUPT_UNREGISTER          SmiHandlerUnRegister;           /* 0xE8 */
};

#endif
