/**
 * What the shipped headers must give, as data: the X64 structure layouts, member and library
 * prototypes and macro values of smm-c-facts §0-§2.2 (measured there with gcc on the real edk2
 * headers). Headers.test.ts compiles the shipped headers with gcc against this table; SMM-C's own
 * layout tests can hold the parser's layouts against the same table.
 */

/** A structure's size (and alignment) and the offsets of its members (`SmmIo.Io.Read` for nested ones). */
export interface LayoutFact {
  section: string;
  type: string;
  size: number;
  align?: number;
  offsets: Record<string, number>;
}

/** A C type a declaration must have: a member of a structure, a typedef, a function or a global. */
export interface TypeFact {
  section: string;
  /** `EFI_SMM_SYSTEM_TABLE2.SmmAllocatePool`, `typedef EFI_SMM_NOTIFY_FN`, `CopyMem`, `gSmst`. */
  subject: string;
  /** The type in C: `EFI_STATUS (*)(EFI_MEMORY_TYPE, UINTN, VOID **)`; functions as pointers. */
  type: string;
}

/** A constant expression and the value it must have (both in C). */
export interface ValueFact {
  section: string;
  group: string;
  expr: string;
  value: string;
}

/** The SMST and the MMST: the same layout under two sets of names (smm-c-facts §1.2). */
const SYSTEM_TABLE: [smm: string, mm: string, offset: number, type: string][] = [
  ['Hdr', 'Hdr', 0, 'EFI_TABLE_HEADER'],
  ['SmmFirmwareVendor', 'MmFirmwareVendor', 24, 'CHAR16 *'],
  ['SmmFirmwareRevision', 'MmFirmwareRevision', 32, 'UINT32'], // then 4 bytes of padding
  ['SmmInstallConfigurationTable', 'MmInstallConfigurationTable', 40, 'EFI_STATUS (*)(CONST $ST *, CONST EFI_GUID *, VOID *, UINTN)'],
  ['SmmIo', 'MmIo', 48, 'EFI_SMM_CPU_IO2_PROTOCOL'], // embedded, not a pointer
  ['SmmIo.Mem.Read', 'MmIo.Mem.Read', 48, ''],
  ['SmmIo.Mem.Write', 'MmIo.Mem.Write', 56, ''],
  ['SmmIo.Io.Read', 'MmIo.Io.Read', 64, ''],
  ['SmmIo.Io.Write', 'MmIo.Io.Write', 72, ''],
  ['SmmAllocatePool', 'MmAllocatePool', 80, 'EFI_STATUS (*)(EFI_MEMORY_TYPE, UINTN, VOID **)'],
  ['SmmFreePool', 'MmFreePool', 88, 'EFI_STATUS (*)(VOID *)'],
  ['SmmAllocatePages', 'MmAllocatePages', 96, 'EFI_STATUS (*)(EFI_ALLOCATE_TYPE, EFI_MEMORY_TYPE, UINTN, EFI_PHYSICAL_ADDRESS *)'],
  ['SmmFreePages', 'MmFreePages', 104, 'EFI_STATUS (*)(EFI_PHYSICAL_ADDRESS, UINTN)'],
  ['SmmStartupThisAp', 'MmStartupThisAp', 112, 'EFI_STATUS (*)(EFI_AP_PROCEDURE, UINTN, VOID *)'],
  ['CurrentlyExecutingCpu', 'CurrentlyExecutingCpu', 120, 'UINTN'],
  ['NumberOfCpus', 'NumberOfCpus', 128, 'UINTN'],
  ['CpuSaveStateSize', 'CpuSaveStateSize', 136, 'UINTN *'],
  ['CpuSaveState', 'CpuSaveState', 144, 'VOID **'],
  ['NumberOfTableEntries', 'NumberOfTableEntries', 152, 'UINTN'],
  ['SmmConfigurationTable', 'MmConfigurationTable', 160, 'EFI_CONFIGURATION_TABLE *'],
  ['SmmInstallProtocolInterface', 'MmInstallProtocolInterface', 168, 'EFI_STATUS (*)(EFI_HANDLE *, EFI_GUID *, EFI_INTERFACE_TYPE, VOID *)'],
  ['SmmUninstallProtocolInterface', 'MmUninstallProtocolInterface', 176, 'EFI_STATUS (*)(EFI_HANDLE, EFI_GUID *, VOID *)'],
  ['SmmHandleProtocol', 'MmHandleProtocol', 184, 'EFI_STATUS (*)(EFI_HANDLE, EFI_GUID *, VOID **)'],
  ['SmmRegisterProtocolNotify', 'MmRegisterProtocolNotify', 192, 'EFI_STATUS (*)(CONST EFI_GUID *, $NOTIFY, VOID **)'],
  ['SmmLocateHandle', 'MmLocateHandle', 200, 'EFI_STATUS (*)(EFI_LOCATE_SEARCH_TYPE, EFI_GUID *, VOID *, UINTN *, EFI_HANDLE *)'],
  ['SmmLocateProtocol', 'MmLocateProtocol', 208, 'EFI_STATUS (*)(EFI_GUID *, VOID *, VOID **)'],
  ['SmiManage', 'MmiManage', 216, 'EFI_STATUS (*)(CONST EFI_GUID *, CONST VOID *, VOID *, UINTN *)'],
  ['SmiHandlerRegister', 'MmiHandlerRegister', 224, 'EFI_STATUS (*)($HANDLER, CONST EFI_GUID *, EFI_HANDLE *)'],
  ['SmiHandlerUnRegister', 'MmiHandlerUnRegister', 232, 'EFI_STATUS (*)(EFI_HANDLE)'],
];

const CPU_IO = 'EFI_STATUS (*)(CONST EFI_SMM_CPU_IO2_PROTOCOL *, EFI_SMM_IO_WIDTH, UINT64, UINTN, VOID *)';

export const LAYOUT_FACTS: LayoutFact[] = [
  { section: '§1.1', type: 'EFI_GUID', size: 16, align: 4, offsets: { Data1: 0, Data2: 4, Data3: 6, Data4: 8 } },
  { section: '§1.1', type: 'EFI_TABLE_HEADER', size: 24, align: 8, offsets: { Signature: 0, Revision: 8, HeaderSize: 12, CRC32: 16, Reserved: 20 } },
  { section: '§1.1', type: 'EFI_CONFIGURATION_TABLE', size: 24, offsets: { VendorGuid: 0, VendorTable: 16 } },
  { section: '§1.2', type: 'EFI_SMM_SYSTEM_TABLE2', size: 240, align: 8, offsets: Object.fromEntries(SYSTEM_TABLE.map((m) => [m[0], m[2]])) },
  { section: '§1.2', type: 'EFI_MM_SYSTEM_TABLE', size: 240, align: 8, offsets: Object.fromEntries(SYSTEM_TABLE.map((m) => [m[1], m[2]])) },
  { section: '§1.3', type: 'EFI_SMM_IO_ACCESS2', size: 16, offsets: { Read: 0, Write: 8 } },
  { section: '§1.3', type: 'EFI_SMM_CPU_IO2_PROTOCOL', size: 32, offsets: { Mem: 0, Io: 16 } },
  { section: '§1.3', type: 'EFI_MM_CPU_IO_PROTOCOL', size: 32, offsets: { Mem: 0, Io: 16, 'Io.Write': 24 } },
  { section: '§1.4', type: 'EFI_SMM_SW_DISPATCH2_PROTOCOL', size: 24, offsets: { Register: 0, UnRegister: 8, MaximumSwiValue: 16 } },
  { section: '§1.4', type: 'EFI_MM_SW_DISPATCH_PROTOCOL', size: 24, offsets: { Register: 0, UnRegister: 8, MaximumSwiValue: 16 } },
  { section: '§1.4', type: 'EFI_SMM_SW_REGISTER_CONTEXT', size: 8, offsets: { SwSmiInputValue: 0 } },
  { section: '§1.4', type: 'EFI_MM_SW_REGISTER_CONTEXT', size: 8, offsets: { SwMmiInputValue: 0 } },
  { section: '§1.4', type: 'EFI_SMM_SW_CONTEXT', size: 16, offsets: { SwSmiCpuIndex: 0, CommandPort: 8, DataPort: 9 } },
  { section: '§1.4', type: 'EFI_MM_SW_CONTEXT', size: 16, offsets: { SwMmiCpuIndex: 0, CommandPort: 8, DataPort: 9 } },
  { section: '§1.5', type: 'EFI_SMM_CPU_PROTOCOL', size: 16, offsets: { ReadSaveState: 0, WriteSaveState: 8 } },
  { section: '§1.5', type: 'EFI_SMM_SAVE_STATE_IO_INFO', size: 24, align: 8, offsets: { IoData: 0, IoPort: 8, IoWidth: 12, IoType: 16 } },
  { section: '§1.5', type: 'EFI_MM_SAVE_STATE_IO_INFO', size: 24, align: 8, offsets: { IoData: 0, IoPort: 8, IoWidth: 12, IoType: 16 } },
  { section: '§1.6', type: 'EFI_SMM_COMMUNICATE_HEADER', size: 25, align: 1, offsets: { HeaderGuid: 0, MessageLength: 16, Data: 24 } },
  { section: '§1.6', type: 'EFI_MM_COMMUNICATE_HEADER', size: 25, align: 1, offsets: { HeaderGuid: 0, MessageLength: 16, Data: 24 } },
  { section: '§1.6', type: 'EFI_SMM_COMMUNICATION_PROTOCOL', size: 8, offsets: { Communicate: 0 } },
  // The facts leave the V3 size unverified; MdePkg's PiMultiPhase.h asserts it equals the MessageData offset.
  { section: '§1.6', type: 'EFI_MM_COMMUNICATE_HEADER_V3', size: 56, align: 1, offsets: { HeaderGuid: 0, BufferSize: 16, Reserved: 24, MessageGuid: 32, MessageSize: 48, MessageData: 56 } },
  { section: '§1.7', type: 'EFI_SMM_ENTRY_CONTEXT', size: 40, offsets: { SmmStartupThisAp: 0, CurrentlyExecutingCpu: 8, NumberOfCpus: 16, CpuSaveStateSize: 24, CpuSaveState: 32 } },
  { section: '§1.7', type: 'EFI_MM_ENTRY_CONTEXT', size: 40, offsets: { MmStartupThisAp: 0, CurrentlyExecutingCpu: 8, NumberOfCpus: 16, CpuSaveStateSize: 24, CpuSaveState: 32 } },
  { section: '§1.8', type: 'EFI_SMM_PERIODIC_TIMER_REGISTER_CONTEXT', size: 16, offsets: { Period: 0, SmiTickInterval: 8 } },
  { section: '§1.8', type: 'EFI_SMM_PERIODIC_TIMER_CONTEXT', size: 8, offsets: { ElapsedTime: 0 } },
  { section: '§1.8', type: 'EFI_SMM_PERIODIC_TIMER_DISPATCH2_PROTOCOL', size: 24, offsets: { Register: 0, UnRegister: 8, GetNextShorterInterval: 16 } },
  { section: '§1.8', type: 'EFI_SMM_SX_REGISTER_CONTEXT', size: 8, offsets: { Type: 0, Phase: 4 } },
  { section: '§1.8', type: 'EFI_SMM_SX_DISPATCH2_PROTOCOL', size: 16, offsets: { Register: 0, UnRegister: 8 } },
  { section: '§1.9', type: 'EFI_SMM_CONTROL2_PROTOCOL', size: 24, offsets: { Trigger: 0, Clear: 8, MinimumTriggerPeriod: 16 } },
  { section: '§1.9', type: 'EFI_SMM_ACCESS2_PROTOCOL', size: 40, offsets: { Open: 0, Close: 8, Lock: 16, GetCapabilities: 24, LockState: 32, OpenState: 33 } },
  { section: '§1.9', type: 'EFI_SMRAM_DESCRIPTOR', size: 32, offsets: { PhysicalStart: 0, CpuStart: 8, PhysicalSize: 16, RegionState: 24 } },
  {
    section: '§1.10',
    type: 'EFI_SYSTEM_TABLE',
    size: 120,
    offsets: { Hdr: 0, FirmwareVendor: 24, FirmwareRevision: 32, ConsoleInHandle: 40, ConIn: 48, ConsoleOutHandle: 56, ConOut: 64, StandardErrorHandle: 72, StdErr: 80, RuntimeServices: 88, BootServices: 96, NumberOfTableEntries: 104, ConfigurationTable: 112 },
  },
  // §6 names these fields; the layout is gcc's for MdePkg/Include/Protocol/LoadedImage.h (checked against it).
  { section: '§6', type: 'EFI_LOADED_IMAGE_PROTOCOL', size: 96, offsets: { Revision: 0, ParentHandle: 8, SystemTable: 16, DeviceHandle: 24, FilePath: 32, Reserved: 40, LoadOptionsSize: 48, LoadOptions: 56, ImageBase: 64, ImageSize: 72, ImageCodeType: 80, ImageDataType: 84, Unload: 88 } },
  // §2.1 (gBS callouts): the boot services drivers call, at the offsets of MdePkg/Include/Uefi/UefiSpec.h.
  { section: '§2.1', type: 'EFI_BOOT_SERVICES', size: 376, offsets: { AllocatePool: 64, FreePool: 72, InstallProtocolInterface: 128, HandleProtocol: 152, LocateProtocol: 320, InstallMultipleProtocolInterfaces: 328, CopyMem: 352, SetMem: 360, CreateEventEx: 368 } },
  { section: '§2.1', type: 'EFI_RUNTIME_SERVICES', size: 136, offsets: { GetVariable: 72, SetVariable: 88, ResetSystem: 104 } },
];

const SMST_TYPES = (st: string, names: 0 | 1, notify: string, handler: string): TypeFact[] =>
  SYSTEM_TABLE.filter((m) => m[3]).map((m) => ({
    section: '§1.2',
    subject: `${st}.${m[names]}`,
    type: m[3].replace('$ST', st).replace('$NOTIFY', notify).replace('$HANDLER', handler),
  }));

export const TYPE_FACTS: TypeFact[] = [
  // §0: type sizes and kinds (gcc X64, -fshort-wchar)
  { section: '§0', subject: 'typedef UINT64', type: 'unsigned long long' },
  { section: '§0', subject: 'typedef INT64', type: 'long long' },
  { section: '§0', subject: 'typedef UINT32', type: 'unsigned int' },
  { section: '§0', subject: 'typedef UINTN', type: 'unsigned long long' },
  { section: '§0', subject: 'typedef INTN', type: 'long long' },
  { section: '§0', subject: 'typedef CHAR8', type: 'char' },
  { section: '§0', subject: 'typedef CHAR16', type: 'unsigned short' },
  { section: '§0', subject: 'typedef BOOLEAN', type: 'unsigned char' },
  { section: '§0', subject: 'typedef EFI_STATUS', type: 'UINTN' },
  { section: '§0', subject: 'typedef RETURN_STATUS', type: 'UINTN' },
  { section: '§0', subject: 'typedef EFI_HANDLE', type: 'VOID *' },
  { section: '§0', subject: 'typedef EFI_EVENT', type: 'VOID *' },
  { section: '§0', subject: 'typedef EFI_PHYSICAL_ADDRESS', type: 'UINT64' },
  { section: '§0', subject: 'typedef EFI_TPL', type: 'UINTN' },
  { section: '§0', subject: 'typedef EFI_GUID', type: 'GUID' },
  // §1.2: the SMST and MMST members, and the callbacks
  ...SMST_TYPES('EFI_SMM_SYSTEM_TABLE2', 0, 'EFI_SMM_NOTIFY_FN', 'EFI_SMM_HANDLER_ENTRY_POINT2'),
  ...SMST_TYPES('EFI_MM_SYSTEM_TABLE', 1, 'EFI_MM_NOTIFY_FN', 'EFI_MM_HANDLER_ENTRY_POINT'),
  { section: '§1.2', subject: 'typedef EFI_SMM_HANDLER_ENTRY_POINT2', type: 'EFI_STATUS (*)(EFI_HANDLE, CONST VOID *, VOID *, UINTN *)' },
  { section: '§1.2', subject: 'typedef EFI_MM_HANDLER_ENTRY_POINT', type: 'EFI_SMM_HANDLER_ENTRY_POINT2' },
  { section: '§1.2', subject: 'typedef EFI_SMM_NOTIFY_FN', type: 'EFI_STATUS (*)(CONST EFI_GUID *, VOID *, EFI_HANDLE)' },
  { section: '§1.2', subject: 'typedef EFI_MM_NOTIFY_FN', type: 'EFI_SMM_NOTIFY_FN' },
  { section: '§1.2', subject: 'typedef EFI_AP_PROCEDURE', type: 'VOID (*)(VOID *)' },
  // §1.3
  { section: '§1.3', subject: 'typedef EFI_SMM_CPU_IO2', type: CPU_IO },
  { section: '§1.3', subject: 'EFI_SMM_SYSTEM_TABLE2.SmmIo.Io.Read', type: CPU_IO },
  { section: '§1.3', subject: 'EFI_MM_SYSTEM_TABLE.MmIo.Mem.Write', type: CPU_IO },
  // §1.4
  { section: '§1.4', subject: 'EFI_SMM_SW_DISPATCH2_PROTOCOL.Register', type: 'EFI_STATUS (*)(CONST EFI_SMM_SW_DISPATCH2_PROTOCOL *, EFI_SMM_HANDLER_ENTRY_POINT2, EFI_SMM_SW_REGISTER_CONTEXT *, EFI_HANDLE *)' },
  { section: '§1.4', subject: 'EFI_SMM_SW_DISPATCH2_PROTOCOL.UnRegister', type: 'EFI_STATUS (*)(CONST EFI_SMM_SW_DISPATCH2_PROTOCOL *, EFI_HANDLE)' },
  { section: '§1.4', subject: 'EFI_MM_SW_DISPATCH_PROTOCOL.Register', type: 'EFI_STATUS (*)(CONST EFI_MM_SW_DISPATCH_PROTOCOL *, EFI_MM_HANDLER_ENTRY_POINT, EFI_MM_SW_REGISTER_CONTEXT *, EFI_HANDLE *)' },
  // §1.5
  { section: '§1.5', subject: 'EFI_SMM_CPU_PROTOCOL.ReadSaveState', type: 'EFI_STATUS (*)(CONST EFI_SMM_CPU_PROTOCOL *, UINTN, EFI_SMM_SAVE_STATE_REGISTER, UINTN, VOID *)' },
  { section: '§1.5', subject: 'EFI_SMM_CPU_PROTOCOL.WriteSaveState', type: 'EFI_STATUS (*)(CONST EFI_SMM_CPU_PROTOCOL *, UINTN, EFI_SMM_SAVE_STATE_REGISTER, UINTN, CONST VOID *)' },
  { section: '§1.5', subject: 'typedef EFI_SMM_SAVE_STATE_REGISTER', type: 'EFI_MM_SAVE_STATE_REGISTER' },
  // §1.6, §1.7, §1.8, §1.9, §1.10
  { section: '§1.6', subject: 'EFI_SMM_COMMUNICATION_PROTOCOL.Communicate', type: 'EFI_STATUS (*)(CONST EFI_SMM_COMMUNICATION_PROTOCOL *, VOID *, UINTN *)' },
  { section: '§1.7', subject: 'typedef EFI_SMM_ENTRY_POINT', type: 'VOID (*)(CONST EFI_SMM_ENTRY_CONTEXT *)' },
  { section: '§1.8', subject: 'EFI_SMM_PERIODIC_TIMER_DISPATCH2_PROTOCOL.GetNextShorterInterval', type: 'EFI_STATUS (*)(CONST EFI_SMM_PERIODIC_TIMER_DISPATCH2_PROTOCOL *, UINT64 **)' },
  { section: '§1.8', subject: 'EFI_SMM_PERIODIC_TIMER_DISPATCH2_PROTOCOL.Register', type: 'EFI_STATUS (*)(CONST EFI_SMM_PERIODIC_TIMER_DISPATCH2_PROTOCOL *, EFI_SMM_HANDLER_ENTRY_POINT2, CONST EFI_SMM_PERIODIC_TIMER_REGISTER_CONTEXT *, EFI_HANDLE *)' },
  { section: '§1.9', subject: 'EFI_SMM_CONTROL2_PROTOCOL.Trigger', type: 'EFI_STATUS (*)(CONST EFI_SMM_CONTROL2_PROTOCOL *, UINT8 *, UINT8 *, BOOLEAN, UINTN)' },
  { section: '§1.9', subject: 'EFI_SMM_CONTROL2_PROTOCOL.Clear', type: 'EFI_STATUS (*)(CONST EFI_SMM_CONTROL2_PROTOCOL *, BOOLEAN)' },
  { section: '§1.9', subject: 'EFI_SMM_ACCESS2_PROTOCOL.GetCapabilities', type: 'EFI_STATUS (*)(CONST EFI_SMM_ACCESS2_PROTOCOL *, UINTN *, EFI_MMRAM_DESCRIPTOR *)' },
  { section: '§1.10', subject: 'typedef EFI_IMAGE_ENTRY_POINT', type: 'EFI_STATUS (*)(EFI_HANDLE, EFI_SYSTEM_TABLE *)' },
  // §2.1: globals and library functions
  { section: '§2.1', subject: 'gSmst', type: 'EFI_SMM_SYSTEM_TABLE2 *' },
  { section: '§2.1', subject: 'gMmst', type: 'EFI_MM_SYSTEM_TABLE *' },
  { section: '§2.1', subject: 'gImageHandle', type: 'EFI_HANDLE' },
  { section: '§2.1', subject: 'gST', type: 'EFI_SYSTEM_TABLE *' },
  { section: '§2.1', subject: 'gBS', type: 'EFI_BOOT_SERVICES *' },
  { section: '§2.1', subject: 'gEfiSmmCpuProtocolGuid', type: 'EFI_GUID' },
  { section: '§2.1', subject: 'InSmm', type: 'BOOLEAN (*)(VOID)' },
  { section: '§2.1', subject: 'CpuDeadLoop', type: 'VOID (*)(VOID)' },
  { section: '§2.1', subject: 'CpuBreakpoint', type: 'VOID (*)(VOID)' },
  { section: '§2.1', subject: 'InsertTailList', type: 'LIST_ENTRY *(*)(LIST_ENTRY *, LIST_ENTRY *)' },
  { section: '§2.1', subject: 'RemoveEntryList', type: 'LIST_ENTRY *(*)(CONST LIST_ENTRY *)' },
  { section: '§2.1', subject: 'IsNull', type: 'BOOLEAN (*)(CONST LIST_ENTRY *, CONST LIST_ENTRY *)' },
  { section: '§2.1', subject: 'AsciiStrLen', type: 'UINTN (*)(CONST CHAR8 *)' },
  { section: '§2.1', subject: 'StrCpyS', type: 'RETURN_STATUS (*)(CHAR16 *, UINTN, CONST CHAR16 *)' },
  { section: '§2.1', subject: 'ReadUnaligned64', type: 'UINT64 (*)(CONST VOID *)' },
  { section: '§2.1', subject: 'WriteUnaligned32', type: 'UINT32 (*)(VOID *, UINT32)' },
  { section: '§2.1', subject: 'DivU64x32Remainder', type: 'UINT64 (*)(UINT64, UINT32, UINT32 *)' },
  { section: '§2.1', subject: 'AsmCpuid', type: 'UINT32 (*)(UINT32, UINT32 *, UINT32 *, UINT32 *, UINT32 *)' },
  { section: '§2.1', subject: 'CopyMem', type: 'VOID *(*)(VOID *, CONST VOID *, UINTN)' },
  { section: '§2.1', subject: 'SetMem', type: 'VOID *(*)(VOID *, UINTN, UINT8)' },
  { section: '§2.1', subject: 'ZeroMem', type: 'VOID *(*)(VOID *, UINTN)' },
  { section: '§2.1', subject: 'CompareMem', type: 'INTN (*)(CONST VOID *, CONST VOID *, UINTN)' },
  { section: '§2.1', subject: 'CopyGuid', type: 'GUID *(*)(GUID *, CONST GUID *)' },
  { section: '§2.1', subject: 'CompareGuid', type: 'BOOLEAN (*)(CONST GUID *, CONST GUID *)' },
  { section: '§2.1', subject: 'IsZeroGuid', type: 'BOOLEAN (*)(CONST GUID *)' },
  { section: '§2.1', subject: 'IoRead8', type: 'UINT8 (*)(UINTN)' },
  { section: '§2.1', subject: 'IoWrite8', type: 'UINT8 (*)(UINTN, UINT8)' },
  { section: '§2.1', subject: 'IoWrite32', type: 'UINT32 (*)(UINTN, UINT32)' },
  { section: '§2.1', subject: 'IoReadFifo8', type: 'VOID (*)(UINTN, UINTN, VOID *)' },
  { section: '§2.1', subject: 'MmioRead64', type: 'UINT64 (*)(UINTN)' },
  { section: '§2.1', subject: 'MmioWrite16', type: 'UINT16 (*)(UINTN, UINT16)' },
  { section: '§2.1', subject: 'AllocatePool', type: 'VOID *(*)(UINTN)' },
  { section: '§2.1', subject: 'AllocateCopyPool', type: 'VOID *(*)(UINTN, CONST VOID *)' },
  { section: '§2.1', subject: 'FreePool', type: 'VOID (*)(VOID *)' },
  { section: '§2.1', subject: 'AllocatePages', type: 'VOID *(*)(UINTN)' },
  { section: '§2.1', subject: 'FreePages', type: 'VOID (*)(VOID *, UINTN)' },
  { section: '§2.1', subject: 'SmmIsBufferOutsideSmmValid', type: 'BOOLEAN (*)(EFI_PHYSICAL_ADDRESS, UINT64)' },
  { section: '§2.1', subject: 'SmmCopyMemToSmram', type: 'EFI_STATUS (*)(VOID *, CONST VOID *, UINTN)' },
  { section: '§2.1', subject: 'SmmCopyMemFromSmram', type: 'EFI_STATUS (*)(VOID *, CONST VOID *, UINTN)' },
  { section: '§2.1', subject: 'SmmCopyMem', type: 'EFI_STATUS (*)(VOID *, CONST VOID *, UINTN)' },
  { section: '§2.1', subject: 'SmmSetMem', type: 'EFI_STATUS (*)(VOID *, UINTN, UINT8)' },
  { section: '§2.1', subject: 'AsciiSPrint', type: 'UINTN (*)(CHAR8 *, UINTN, CONST CHAR8 *, ...)' },
  { section: '§2.1', subject: 'UnicodeSPrint', type: 'UINTN (*)(CHAR16 *, UINTN, CONST CHAR16 *, ...)' },
  // §2.2 / §3.2: the DebugLib functions the macros call
  { section: '§2.2', subject: 'DebugPrint', type: 'VOID (*)(UINTN, CONST CHAR8 *, ...)' },
  { section: '§2.2', subject: 'DebugAssert', type: 'VOID (*)(CONST CHAR8 *, UINTN, CONST CHAR8 *)' },
  { section: '§2.2', subject: 'DebugAssertEnabled', type: 'BOOLEAN (*)(VOID)' },
  { section: '§2.2', subject: 'DebugPrintEnabled', type: 'BOOLEAN (*)(VOID)' },
  { section: '§2.2', subject: 'DebugPrintLevelEnabled', type: 'BOOLEAN (*)(CONST UINTN)' },
  { section: '§2.2', subject: 'DebugCodeEnabled', type: 'BOOLEAN (*)(VOID)' },
  { section: '§2.2', subject: 'DebugClearMemoryEnabled', type: 'BOOLEAN (*)(VOID)' },
];

/** [group, expr, value] rows of one facts section. */
function values(section: string, rows: [group: string, expr: string, value: string][]): ValueFact[] {
  return rows.map(([group, expr, value]) => ({ section, group, expr, value }));
}

/** The status codes of §2.2's table: name and the low bits of its value (errors have bit 63 set). */
const ERRORS: [string, number][] = [
  ['LOAD_ERROR', 0x01], ['INVALID_PARAMETER', 0x02], ['UNSUPPORTED', 0x03], ['BAD_BUFFER_SIZE', 0x04],
  ['BUFFER_TOO_SMALL', 0x05], ['NOT_READY', 0x06], ['DEVICE_ERROR', 0x07], ['WRITE_PROTECTED', 0x08],
  ['OUT_OF_RESOURCES', 0x09], ['VOLUME_CORRUPTED', 0x0a], ['VOLUME_FULL', 0x0b], ['NO_MEDIA', 0x0c],
  ['MEDIA_CHANGED', 0x0d], ['NOT_FOUND', 0x0e], ['ACCESS_DENIED', 0x0f], ['NO_RESPONSE', 0x10], ['NO_MAPPING', 0x11],
  ['TIMEOUT', 0x12], ['NOT_STARTED', 0x13], ['ALREADY_STARTED', 0x14], ['ABORTED', 0x15], ['ICMP_ERROR', 0x16],
  ['TFTP_ERROR', 0x17], ['PROTOCOL_ERROR', 0x18], ['INCOMPATIBLE_VERSION', 0x19], ['SECURITY_VIOLATION', 0x1a],
  ['CRC_ERROR', 0x1b], ['END_OF_MEDIA', 0x1c], ['END_OF_FILE', 0x1f], ['INVALID_LANGUAGE', 0x20],
  ['COMPROMISED_DATA', 0x21], ['HTTP_ERROR', 0x23],
];
const WARNINGS: [string, number][] = [
  ['UNKNOWN_GLYPH', 1], ['DELETE_FAILURE', 2], ['WRITE_FAILURE', 3], ['BUFFER_TOO_SMALL', 4], ['STALE_DATA', 5], ['FILE_SYSTEM', 6],
];
const hex64 = (n: bigint) => '0x' + n.toString(16).toUpperCase().padStart(16, '0') + 'ULL';

/** §1.5's save-state register numbers. */
const SAVE_STATE: [string, number][] = [
  ['GDTBASE', 4], ['IDTBASE', 5], ['LDTBASE', 6], ['GDTLIMIT', 7], ['IDTLIMIT', 8], ['LDTLIMIT', 9], ['LDTINFO', 10],
  ['ES', 20], ['CS', 21], ['SS', 22], ['DS', 23], ['FS', 24], ['GS', 25], ['LDTR_SEL', 26], ['TR_SEL', 27], ['DR7', 28], ['DR6', 29],
  ['R8', 30], ['R9', 31], ['R10', 32], ['R11', 33], ['R12', 34], ['R13', 35], ['R14', 36], ['R15', 37],
  ['RAX', 38], ['RBX', 39], ['RCX', 40], ['RDX', 41], ['RSP', 42], ['RBP', 43], ['RSI', 44], ['RDI', 45], ['RIP', 46],
  ['RFLAGS', 51], ['CR0', 52], ['CR3', 53], ['CR4', 54],
  ['FCW', 256], ['FSW', 257], ['FTW', 258], ['OPCODE', 259], ['FP_EIP', 260], ['FP_CS', 261], ['DATAOFFSET', 262], ['FP_DS', 263],
  ...Array.from({ length: 8 }, (_, i): [string, number] => [`MM${i}`, 264 + i]),
  ...Array.from({ length: 16 }, (_, i): [string, number] => [`XMM${i}`, 272 + i]),
  ['IO', 512], ['LMA', 513], ['PROCESSOR_ID', 514],
];

export const VALUE_FACTS: ValueFact[] = [
  ...values('§0', [
    ['type sizes', 'sizeof (UINTN)', '8'], ['type sizes', 'sizeof (VOID *)', '8'], ['type sizes', 'sizeof (EFI_STATUS)', '8'],
    ['type sizes', 'sizeof (EFI_HANDLE)', '8'], ['type sizes', 'sizeof (EFI_PHYSICAL_ADDRESS)', '8'], ['type sizes', 'sizeof (EFI_TPL)', '8'],
    ['type sizes', 'sizeof (BOOLEAN)', '1'], ['type sizes', 'sizeof (CHAR16)', '2'], ['type sizes', 'sizeof (L"A"[0])', '2'],
    ['type sizes', 'sizeof (EFI_MEMORY_TYPE)', '4'], ['type sizes', 'sizeof (EFI_SMM_IO_WIDTH)', '4'],
    ['type sizes', 'sizeof (EFI_SMM_SAVE_STATE_REGISTER)', '4'], ['type sizes', 'CPU_STACK_ALIGNMENT', '16'],
    ['type sizes', '(CHAR8)0x80 < 0', '1'],
  ]),
  ...values('§1.2', [
    ['SMST header values', 'SMM_SMST_SIGNATURE', '0x54534D53'], ['SMST header values', 'MM_MMST_SIGNATURE', '0x54534D53'],
    ['SMST header values', 'EFI_SMM_SYSTEM_TABLE2_REVISION', '0x00010050'], ['SMST header values', 'EFI_MM_SYSTEM_TABLE_REVISION', '0x00010050'],
    ['SMST header values', 'sizeof (((EFI_SMM_SYSTEM_TABLE2 *)0)->Hdr)', '24'],
    ['SMST header values', 'OFFSET_OF (EFI_SMM_SYSTEM_TABLE2, SmmFirmwareRevision) + sizeof (((EFI_SMM_SYSTEM_TABLE2 *)0)->SmmFirmwareRevision)', '36'],
    ['memory and search enums', 'EfiReservedMemoryType', '0'], ['memory and search enums', 'EfiLoaderCode', '1'],
    ['memory and search enums', 'EfiLoaderData', '2'], ['memory and search enums', 'EfiBootServicesCode', '3'],
    ['memory and search enums', 'EfiBootServicesData', '4'], ['memory and search enums', 'EfiRuntimeServicesCode', '5'],
    ['memory and search enums', 'EfiRuntimeServicesData', '6'], ['memory and search enums', 'EfiConventionalMemory', '7'],
    ['memory and search enums', 'EfiACPIMemoryNVS', '10'], ['memory and search enums', 'EfiMaxMemoryType', '16'],
    ['memory and search enums', 'AllocateAnyPages', '0'], ['memory and search enums', 'AllocateMaxAddress', '1'],
    ['memory and search enums', 'AllocateAddress', '2'], ['memory and search enums', 'EFI_NATIVE_INTERFACE', '0'],
    ['memory and search enums', 'AllHandles', '0'], ['memory and search enums', 'ByRegisterNotify', '1'], ['memory and search enums', 'ByProtocol', '2'],
  ]),
  ...values('§1.3', [
    ['I/O widths', 'SMM_IO_UINT8', '0'], ['I/O widths', 'SMM_IO_UINT16', '1'], ['I/O widths', 'SMM_IO_UINT32', '2'], ['I/O widths', 'SMM_IO_UINT64', '3'],
    ['I/O widths', 'MM_IO_UINT64', '3'],
  ]),
  ...values('§1.4', [
    ['OVMF APM ports (OvmfPkg Q35MchIch9.h)', 'ICH9_APM_CNT', '0xB2'], ['OVMF APM ports (OvmfPkg Q35MchIch9.h)', 'ICH9_APM_STS', '0xB3'],
    ['OVMF APM ports (OvmfPkg Q35MchIch9.h)', 'ICH9_APM_CNT_CPU_HOTPLUG', '0x04'],
  ]),
  ...values('§1.5', [
    ...SAVE_STATE.map(([n, v]): [string, string, string] => ['save-state registers (SMM and MM names)', `EFI_SMM_SAVE_STATE_REGISTER_${n}`, String(v)]),
    ...SAVE_STATE.map(([n, v]): [string, string, string] => ['save-state registers (SMM and MM names)', `EFI_MM_SAVE_STATE_REGISTER_${n}`, String(v)]),
    ['I/O info values', 'EFI_SMM_SAVE_STATE_REGISTER_LMA_32BIT', '32'], ['I/O info values', 'EFI_SMM_SAVE_STATE_REGISTER_LMA_64BIT', '64'],
    ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_WIDTH_UINT8', '0'], ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_WIDTH_UINT16', '1'],
    ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_WIDTH_UINT32', '2'], ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_WIDTH_UINT64', '3'],
    ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_TYPE_INPUT', '1'], ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_TYPE_OUTPUT', '2'],
    ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_TYPE_STRING', '4'], ['I/O info values', 'EFI_SMM_SAVE_STATE_IO_TYPE_REP_PREFIX', '8'],
  ]),
  ...values('§1.8', [
    ['sleep types', 'SxS0', '0'], ['sleep types', 'SxS5', '5'], ['sleep types', 'EfiMaximumSleepType', '6'],
    ['sleep types', 'SxEntry', '0'], ['sleep types', 'SxExit', '1'],
  ]),
  ...values('§2.1', [
    ['UEFI pages', 'EFI_PAGE_SIZE', '4096'], ['UEFI pages', 'EFI_PAGE_SHIFT', '12'], ['UEFI pages', 'EFI_PAGE_MASK', '0xFFF'],
    ['UEFI pages', 'EFI_SIZE_TO_PAGES (4097)', '2'], ['UEFI pages', 'EFI_SIZE_TO_PAGES (4096)', '1'], ['UEFI pages', 'EFI_PAGES_TO_SIZE (3)', '0x3000'],
  ]),
  ...values('§2.2', [
    ['keywords and truth', 'TRUE', '1'], ['keywords and truth', 'FALSE', '0'], ['keywords and truth', 'sizeof (TRUE)', '1'],
    ['keywords and truth', '__builtin_types_compatible_p (__typeof__ (NULL), void *)', '1'],
    ['structure helpers', 'OFFSET_OF (EFI_SMM_SYSTEM_TABLE2, SmiHandlerUnRegister)', '232'],
    ['structure helpers', 'sizeof (OFFSET_OF (EFI_GUID, Data4))', '8'],
    ['structure helpers', '(UINTN)BASE_CR ((LIST_ENTRY *)0x1008, struct { UINT64 A; LIST_ENTRY L; }, L)', '0x1000'],
    ['structure helpers', 'ARRAY_SIZE (((EFI_GUID *)0)->Data4)', '8'],
    ['alignment and arithmetic', 'ALIGN_VALUE (13, 8)', '16'], ['alignment and arithmetic', 'ALIGN_VALUE (16, 8)', '16'],
    ['alignment and arithmetic', 'IS_ALIGNED (24, 8)', '1'], ['alignment and arithmetic', 'MIN (3, 7)', '3'],
    ['alignment and arithmetic', 'MAX (3, 7)', '7'], ['alignment and arithmetic', 'ABS (-5)', '5'],
    ['signatures', "SIGNATURE_32 ('S', 'M', 'S', 'T')", '0x54534D53'], ['signatures', "SIGNATURE_16 ('S', 'M')", '0x4D53'],
    ['signatures', "SIGNATURE_32 ('s', 'p', 'h', 'd')", '0x64687073'],
    ['signatures', "SIGNATURE_64 ('I', 'B', 'I', ' ', 'S', 'Y', 'S', 'T')", '0x5453595320494249ULL'],
    ['bits and sizes', 'BIT0', '1'], ['bits and sizes', 'BIT31', '0x80000000'], ['bits and sizes', 'sizeof (BIT31)', '4'],
    ['bits and sizes', 'BIT32', '0x100000000ULL'], ['bits and sizes', 'sizeof (BIT32)', '8'], ['bits and sizes', 'BIT63', '0x8000000000000000ULL'],
    ['bits and sizes', 'SIZE_1KB', '0x400'], ['bits and sizes', 'SIZE_4KB', '0x1000'], ['bits and sizes', 'SIZE_2GB', '0x80000000'],
    ['bits and sizes', 'sizeof (SIZE_2GB)', '4'], ['bits and sizes', 'SIZE_4GB', '0x0000000100000000ULL'], ['bits and sizes', 'sizeof (SIZE_4GB)', '8'],
    ['bits and sizes', 'BASE_1MB', '0x100000'], ['bits and sizes', 'BASE_4GB', '0x100000000ULL'],
    ['bits and sizes', 'MAX_BIT', '0x8000000000000000ULL'], ['bits and sizes', 'MAX_2_BITS', '0xC000000000000000ULL'],
    ['bits and sizes', 'MAX_ADDRESS', '0xFFFFFFFFFFFFFFFFULL'], ['bits and sizes', 'MAX_UINTN', '0xFFFFFFFFFFFFFFFFULL'],
    ['bits and sizes', 'MAX_INTN', '0x7FFFFFFFFFFFFFFFLL'],
    ['status encoding', 'ENCODE_ERROR (5)', '0x8000000000000005ULL'], ['status encoding', 'ENCODE_WARNING (5)', '5'],
    ['status encoding', 'RETURN_ERROR (EFI_NOT_FOUND)', '1'], ['status encoding', 'RETURN_ERROR (EFI_WARN_INTERRUPT_SOURCE_QUIESCED)', '0'],
    ['status encoding', 'RETURN_ERROR (EFI_INTERRUPT_PENDING)', '1'], ['status encoding', 'EFI_ERROR (EFI_SUCCESS)', '0'],
    ['status encoding', 'EFI_ERROR (EFI_NOT_AVAILABLE_YET)', '1'], ['status encoding', 'EFI_ERROR (0x7FFFFFFFFFFFFFFFULL)', '0'],
    ['status encoding', 'DXE_ERROR (2)', '0xA000000000000002ULL'],
    ['status codes', 'EFI_SUCCESS', '0'], ['status codes', 'RETURN_SUCCESS', '0'],
    ...ERRORS.map(([n, v]): [string, string, string] => ['status codes', `EFI_${n}`, hex64((1n << 63n) | BigInt(v))]),
    ...ERRORS.map(([n, v]): [string, string, string] => ['status codes', `RETURN_${n}`, hex64((1n << 63n) | BigInt(v))]),
    ...WARNINGS.map(([n, v]): [string, string, string] => ['status codes', `EFI_WARN_${n}`, String(v)]),
    ['status codes', 'EFI_WARN_INTERRUPT_SOURCE_PENDING', '0x2000000000000000ULL'],
    ['status codes', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED', '0x2000000000000001ULL'],
    ['status codes', 'EFI_INTERRUPT_PENDING', '0xA000000000000000ULL'],
    ['status codes', 'EFI_NOT_AVAILABLE_YET', '0xA000000000000002ULL'], ['status codes', 'EFI_REQUEST_UNLOAD_IMAGE', '0xA000000000000001ULL'],
    ['DEBUG levels', 'DEBUG_INIT', '0x1'], ['DEBUG levels', 'DEBUG_WARN', '0x2'], ['DEBUG levels', 'DEBUG_LOAD', '0x4'],
    ['DEBUG levels', 'DEBUG_FS', '0x8'], ['DEBUG levels', 'DEBUG_POOL', '0x10'], ['DEBUG levels', 'DEBUG_PAGE', '0x20'],
    ['DEBUG levels', 'DEBUG_INFO', '0x40'], ['DEBUG levels', 'DEBUG_DISPATCH', '0x80'], ['DEBUG levels', 'DEBUG_VARIABLE', '0x100'],
    ['DEBUG levels', 'DEBUG_BM', '0x400'], ['DEBUG levels', 'DEBUG_BLKIO', '0x1000'], ['DEBUG levels', 'DEBUG_NET', '0x4000'],
    ['DEBUG levels', 'DEBUG_UNDI', '0x10000'], ['DEBUG levels', 'DEBUG_LOADFILE', '0x20000'], ['DEBUG levels', 'DEBUG_EVENT', '0x80000'],
    ['DEBUG levels', 'DEBUG_GCD', '0x100000'], ['DEBUG levels', 'DEBUG_CACHE', '0x200000'], ['DEBUG levels', 'DEBUG_VERBOSE', '0x400000'],
    ['DEBUG levels', 'DEBUG_MANAGEABILITY', '0x800000'], ['DEBUG levels', 'DEBUG_SECURITY', '0x1000000'], ['DEBUG levels', 'DEBUG_PAGING', '0x2000000'],
    ['DEBUG levels', 'DEBUG_ERROR', '0x80000000'], ['DEBUG levels', 'EFI_D_ERROR', '0x80000000'], ['DEBUG levels', 'EFI_D_INFO', '0x40'],
    ['DEBUG_PROPERTY bits', 'DEBUG_PROPERTY_DEBUG_ASSERT_ENABLED', '0x01'], ['DEBUG_PROPERTY bits', 'DEBUG_PROPERTY_DEBUG_PRINT_ENABLED', '0x02'],
    ['DEBUG_PROPERTY bits', 'DEBUG_PROPERTY_DEBUG_CODE_ENABLED', '0x04'], ['DEBUG_PROPERTY bits', 'DEBUG_PROPERTY_CLEAR_MEMORY_ENABLED', '0x08'],
    ['DEBUG_PROPERTY bits', 'DEBUG_PROPERTY_ASSERT_BREAKPOINT_ENABLED', '0x10'], ['DEBUG_PROPERTY bits', 'DEBUG_PROPERTY_ASSERT_DEADLOOP_ENABLED', '0x20'],
  ]),
  ...values('§3.3', [
    ['OVMF PCDs', 'PcdGet8 (PcdDebugPropertyMask)', '0x2F'], ['OVMF PCDs', 'FixedPcdGet8 (PcdDebugPropertyMask)', '0x2F'],
    ['OVMF PCDs', 'PcdGet32 (PcdDebugPrintErrorLevel)', '0x8000004F'], ['OVMF PCDs', 'PcdGet32 (PcdFixedDebugPrintErrorLevel)', '0xFFFFFFFF'],
    ['OVMF PCDs', 'PcdGet8 (PcdDebugClearMemoryValue)', '0xAF'], ['OVMF PCDs', 'sizeof (PcdGet8 (PcdDebugPropertyMask))', '1'],
  ]),
  ...values('§4.1', [
    ['SMM PCDs', 'PcdGet32 (PcdCpuSmmStackSize)', '0x4000'], ['SMM PCDs', 'FeaturePcdGet (PcdCpuSmmStackGuard)', '1'],
    ['SMM PCDs', 'PcdGetBool (PcdCpuSmmRestrictedMemoryAccess)', '1'], ['SMM PCDs', 'PcdGet8 (PcdNullPointerDetectionPropertyMask)', '0'],
    ['SMM PCDs', 'PcdGet8 (PcdHeapGuardPropertyMask)', '0'], ['SMM PCDs', 'FeaturePcdGet (PcdCpuSmmProfileEnable)', '0'],
    ['SMM PCDs', 'PcdGet32 (PcdControlFlowEnforcementPropertyMask)', '0'],
  ]),
  ...values('§7', [['debug port', 'PcdGet16 (PcdDebugIoPort)', '0x402']]),
];
