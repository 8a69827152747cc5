import { describe, expect, it } from 'vitest';
import { BASE_TYPES, global, messageOf, parseC } from './ParserTestKit';

/*
 * Struct layouts, written as C with _Static_assert (chibicc's way: tests in the language). The
 * declarations are in SMM-C's own words after smm-c-facts §1; every number was checked by compiling
 * the same text with gcc 12.2 -fshort-wchar -std=gnu11 on X64 (with `#pragma pack(N)` where the
 * text has the preprocessor's marker `__pragma_pack(N)`).
 */
const FACTS = `${BASE_TYPES}
/* smm-c-facts 1.1 */
typedef struct {
  UINT64 Signature; UINT32 Revision; UINT32 HeaderSize; UINT32 CRC32; UINT32 Reserved;
} EFI_TABLE_HEADER;
typedef struct { EFI_GUID VendorGuid; VOID *VendorTable; } EFI_CONFIGURATION_TABLE;
_Static_assert(sizeof (EFI_GUID) == 16 && _Alignof (EFI_GUID) == 4, "GUID");
_Static_assert(__builtin_offsetof (EFI_GUID, Data2) == 4 && __builtin_offsetof (EFI_GUID, Data3) == 6 && __builtin_offsetof (EFI_GUID, Data4) == 8, "GUID fields");
_Static_assert(sizeof (EFI_TABLE_HEADER) == 24 && _Alignof (EFI_TABLE_HEADER) == 8, "header");
_Static_assert(__builtin_offsetof (EFI_TABLE_HEADER, Revision) == 8 && __builtin_offsetof (EFI_TABLE_HEADER, HeaderSize) == 12 && __builtin_offsetof (EFI_TABLE_HEADER, CRC32) == 16 && __builtin_offsetof (EFI_TABLE_HEADER, Reserved) == 20, "header fields");
_Static_assert(sizeof (EFI_CONFIGURATION_TABLE) == 24 && __builtin_offsetof (EFI_CONFIGURATION_TABLE, VendorTable) == 16, "config table");

/* 1.3 and 1.2: the SMST with its embedded CPU I/O protocol and the hole after the revision */
typedef struct _EFI_SMM_CPU_IO2_PROTOCOL EFI_SMM_CPU_IO2_PROTOCOL;
typedef enum { SMM_IO_UINT8 = 0, SMM_IO_UINT16 = 1, SMM_IO_UINT32 = 2, SMM_IO_UINT64 = 3 } EFI_SMM_IO_WIDTH;
typedef EFI_STATUS (*EFI_SMM_CPU_IO2) (const EFI_SMM_CPU_IO2_PROTOCOL *This, EFI_SMM_IO_WIDTH Width, UINT64 Address, UINTN Count, VOID *Buffer);
typedef struct { EFI_SMM_CPU_IO2 Read; EFI_SMM_CPU_IO2 Write; } EFI_SMM_IO_ACCESS2;
struct _EFI_SMM_CPU_IO2_PROTOCOL { EFI_SMM_IO_ACCESS2 Mem; EFI_SMM_IO_ACCESS2 Io; };
_Static_assert(sizeof (EFI_SMM_IO_ACCESS2) == 16 && sizeof (EFI_SMM_CPU_IO2_PROTOCOL) == 32, "cpu io");
_Static_assert(__builtin_offsetof (EFI_SMM_CPU_IO2_PROTOCOL, Io.Write) == 24, "cpu io write");

typedef enum { EfiReservedMemoryType, EfiLoaderCode, EfiLoaderData, EfiBootServicesCode, EfiBootServicesData,
  EfiRuntimeServicesCode, EfiRuntimeServicesData, EfiConventionalMemory, EfiACPIMemoryNVS = 10, EfiMaxMemoryType = 16 } EFI_MEMORY_TYPE;
typedef enum { AllocateAnyPages, AllocateMaxAddress, AllocateAddress } EFI_ALLOCATE_TYPE;
typedef enum { EFI_NATIVE_INTERFACE } EFI_INTERFACE_TYPE;
typedef enum { AllHandles, ByRegisterNotify, ByProtocol } EFI_LOCATE_SEARCH_TYPE;
typedef UINT64 EFI_PHYSICAL_ADDRESS;
typedef struct _EFI_SMM_SYSTEM_TABLE2 EFI_SMM_SYSTEM_TABLE2;
typedef EFI_STATUS (*EFI_SMM_INSTALL_CONFIGURATION_TABLE2) (const EFI_SMM_SYSTEM_TABLE2 *SystemTable, const EFI_GUID *Guid, VOID *Table, UINTN TableSize);
typedef EFI_STATUS (*EFI_ALLOCATE_POOL) (EFI_MEMORY_TYPE PoolType, UINTN Size, VOID **Buffer);
typedef EFI_STATUS (*EFI_FREE_POOL) (VOID *Buffer);
typedef EFI_STATUS (*EFI_ALLOCATE_PAGES) (EFI_ALLOCATE_TYPE Type, EFI_MEMORY_TYPE MemoryType, UINTN Pages, EFI_PHYSICAL_ADDRESS *Memory);
typedef EFI_STATUS (*EFI_FREE_PAGES) (EFI_PHYSICAL_ADDRESS Memory, UINTN Pages);
typedef VOID (*EFI_AP_PROCEDURE) (VOID *Buffer);
typedef EFI_STATUS (*EFI_SMM_STARTUP_THIS_AP) (EFI_AP_PROCEDURE Procedure, UINTN CpuNumber, VOID *ProcArguments);
typedef EFI_STATUS (*EFI_INSTALL_PROTOCOL_INTERFACE) (EFI_HANDLE *Handle, EFI_GUID *Protocol, EFI_INTERFACE_TYPE InterfaceType, VOID *Interface);
typedef EFI_STATUS (*EFI_UNINSTALL_PROTOCOL_INTERFACE) (EFI_HANDLE Handle, EFI_GUID *Protocol, VOID *Interface);
typedef EFI_STATUS (*EFI_HANDLE_PROTOCOL) (EFI_HANDLE Handle, EFI_GUID *Protocol, VOID **Interface);
typedef EFI_STATUS (*EFI_SMM_NOTIFY_FN) (const EFI_GUID *Protocol, VOID *Interface, EFI_HANDLE Handle);
typedef EFI_STATUS (*EFI_SMM_REGISTER_PROTOCOL_NOTIFY) (const EFI_GUID *Protocol, EFI_SMM_NOTIFY_FN Function, VOID **Registration);
typedef EFI_STATUS (*EFI_LOCATE_HANDLE) (EFI_LOCATE_SEARCH_TYPE SearchType, EFI_GUID *Protocol, VOID *SearchKey, UINTN *BufferSize, EFI_HANDLE *Buffer);
typedef EFI_STATUS (*EFI_LOCATE_PROTOCOL) (EFI_GUID *Protocol, VOID *Registration, VOID **Interface);
typedef EFI_STATUS (*EFI_SMM_INTERRUPT_MANAGE) (const EFI_GUID *HandlerType, const VOID *Context, VOID *CommBuffer, UINTN *CommBufferSize);
typedef EFI_STATUS (*EFI_SMM_HANDLER_ENTRY_POINT2) (EFI_HANDLE DispatchHandle, const VOID *Context, VOID *CommBuffer, UINTN *CommBufferSize);
typedef EFI_STATUS (*EFI_SMM_INTERRUPT_REGISTER) (EFI_SMM_HANDLER_ENTRY_POINT2 Handler, const EFI_GUID *HandlerType, EFI_HANDLE *DispatchHandle);
typedef EFI_STATUS (*EFI_SMM_INTERRUPT_UNREGISTER) (EFI_HANDLE DispatchHandle);
struct _EFI_SMM_SYSTEM_TABLE2 {
  EFI_TABLE_HEADER Hdr;
  CHAR16 *SmmFirmwareVendor;
  UINT32 SmmFirmwareRevision;
  EFI_SMM_INSTALL_CONFIGURATION_TABLE2 SmmInstallConfigurationTable;
  EFI_SMM_CPU_IO2_PROTOCOL SmmIo;
  EFI_ALLOCATE_POOL SmmAllocatePool;
  EFI_FREE_POOL SmmFreePool;
  EFI_ALLOCATE_PAGES SmmAllocatePages;
  EFI_FREE_PAGES SmmFreePages;
  EFI_SMM_STARTUP_THIS_AP SmmStartupThisAp;
  UINTN CurrentlyExecutingCpu;
  UINTN NumberOfCpus;
  UINTN *CpuSaveStateSize;
  VOID **CpuSaveState;
  UINTN NumberOfTableEntries;
  EFI_CONFIGURATION_TABLE *SmmConfigurationTable;
  EFI_INSTALL_PROTOCOL_INTERFACE SmmInstallProtocolInterface;
  EFI_UNINSTALL_PROTOCOL_INTERFACE SmmUninstallProtocolInterface;
  EFI_HANDLE_PROTOCOL SmmHandleProtocol;
  EFI_SMM_REGISTER_PROTOCOL_NOTIFY SmmRegisterProtocolNotify;
  EFI_LOCATE_HANDLE SmmLocateHandle;
  EFI_LOCATE_PROTOCOL SmmLocateProtocol;
  EFI_SMM_INTERRUPT_MANAGE SmiManage;
  EFI_SMM_INTERRUPT_REGISTER SmiHandlerRegister;
  EFI_SMM_INTERRUPT_UNREGISTER SmiHandlerUnRegister;
};
_Static_assert(sizeof (EFI_SMM_SYSTEM_TABLE2) == 240 && _Alignof (EFI_SMM_SYSTEM_TABLE2) == 8, "SMST size");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmFirmwareRevision) == 0x20, "revision");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmInstallConfigurationTable) == 0x28, "hole after the revision");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmIo) == 0x30 && __builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmIo.Io.Write) == 0x48, "SmmIo");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmAllocatePool) == 0x50 && __builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmStartupThisAp) == 0x70, "pool, pages, AP");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, CurrentlyExecutingCpu) == 0x78 && __builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, CpuSaveState) == 0x90, "CPU fields");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmConfigurationTable) == 0xA0 && __builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmmLocateProtocol) == 0xD0, "protocol services");
_Static_assert(__builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmiManage) == 0xD8 && __builtin_offsetof (EFI_SMM_SYSTEM_TABLE2, SmiHandlerUnRegister) == 0xE8, "SMI services");

/* 1.4 */
typedef struct { UINTN SwSmiInputValue; } EFI_SMM_SW_REGISTER_CONTEXT;
typedef struct { UINTN SwSmiCpuIndex; UINT8 CommandPort; UINT8 DataPort; } EFI_SMM_SW_CONTEXT;
_Static_assert(sizeof (EFI_SMM_SW_REGISTER_CONTEXT) == 8, "register context");
_Static_assert(sizeof (EFI_SMM_SW_CONTEXT) == 16 && __builtin_offsetof (EFI_SMM_SW_CONTEXT, CommandPort) == 8 && __builtin_offsetof (EFI_SMM_SW_CONTEXT, DataPort) == 9, "SW context: 6 bytes tail padding");

/* 1.5 */
typedef enum { EFI_SMM_SAVE_STATE_IO_WIDTH_UINT8, EFI_SMM_SAVE_STATE_IO_WIDTH_UINT16, EFI_SMM_SAVE_STATE_IO_WIDTH_UINT32, EFI_SMM_SAVE_STATE_IO_WIDTH_UINT64 } EFI_SMM_SAVE_STATE_IO_WIDTH;
typedef enum { EFI_SMM_SAVE_STATE_IO_TYPE_INPUT = 1, EFI_SMM_SAVE_STATE_IO_TYPE_OUTPUT = 2, EFI_SMM_SAVE_STATE_IO_TYPE_STRING = 4, EFI_SMM_SAVE_STATE_IO_TYPE_REP_PREFIX = 8 } EFI_SMM_SAVE_STATE_IO_TYPE;
typedef struct { UINT64 IoData; UINT16 IoPort; EFI_SMM_SAVE_STATE_IO_WIDTH IoWidth; EFI_SMM_SAVE_STATE_IO_TYPE IoType; } EFI_SMM_SAVE_STATE_IO_INFO;
_Static_assert(sizeof (EFI_SMM_SAVE_STATE_IO_INFO) == 24 && _Alignof (EFI_SMM_SAVE_STATE_IO_INFO) == 8, "IO info");
_Static_assert(__builtin_offsetof (EFI_SMM_SAVE_STATE_IO_INFO, IoPort) == 8 && __builtin_offsetof (EFI_SMM_SAVE_STATE_IO_INFO, IoWidth) == 12 && __builtin_offsetof (EFI_SMM_SAVE_STATE_IO_INFO, IoType) == 16, "IO info fields");

/* 1.6 */
__pragma_pack(1)
typedef struct { EFI_GUID HeaderGuid; UINTN MessageLength; UINT8 Data[1]; } EFI_SMM_COMMUNICATE_HEADER;
__pragma_pack(0)
_Static_assert(sizeof (EFI_SMM_COMMUNICATE_HEADER) == 25 && _Alignof (EFI_SMM_COMMUNICATE_HEADER) == 1, "communicate header");
_Static_assert(__builtin_offsetof (EFI_SMM_COMMUNICATE_HEADER, MessageLength) == 16 && __builtin_offsetof (EFI_SMM_COMMUNICATE_HEADER, Data) == 24, "Data at 24");
`;

const BITS = `${BASE_TYPES}
struct B1 { UINT8 a; UINT32 b : 4; UINT32 c : 30; UINT8 d; };
struct B2 { UINT32 a : 3; UINT32 : 0; UINT32 b : 5; };
struct B3 { UINT8 a; UINT32 : 4; };
struct B4 { UINT8 a; UINT64 b : 4; UINT8 c; };
struct B5 { UINT8 a : 3; UINT16 b : 10; UINT8 c; };
struct B6 { INT32 s : 5; UINT32 u : 5; };
union U1 { UINT8 a; UINT32 b : 3; };
__pragma_pack(1)
struct P1 { UINT8 a; UINT32 b : 30; UINT32 c : 4; };
__pragma_pack(0)
__pragma_pack(2)
struct P2 { UINT8 a; UINT32 b : 4; UINT32 c : 28; };
struct P2z { UINT8 a; UINT32 : 0; UINT8 c; };
__pragma_pack(0)
struct B1 b1 = { 0x11, 0xF, 0x3FFFFFF5, 0x22 };
struct B2 b2 = { 5, 0x1F };
struct B3 b3 = { 0x7F };
struct B4 b4 = { 1, 9, 3 };
struct B5 b5 = { 7, 0x2AA, 0x33 };
struct B6 b6 = { -3, 17 };
union U1 u1 = { 0xFF };
struct P1 p1 = { 0x11, 0x2AAAAAAA, 0xD };
struct P2 p2 = { 0x11, 0xA, 0xBBBBBBB };
struct P2z p2z = { 1, 2 };
`;

describe('layout: smm-c-facts §1 structs (gcc 12 numbers as _Static_assert)', () => {
  it('smm-c-facts §1.1, §1.2, §1.3, §1.4, §1.5, §1.6: every assertion holds', () => {
    expect(() => parseC(FACTS)).not.toThrow();
  });

  it('a failing _Static_assert is an error naming its message (so the test above can fail)', () => {
    expect(messageOf(`${FACTS}\n_Static_assert(sizeof (EFI_SMM_SYSTEM_TABLE2) == 232, "the hole is real");`)).toBe(
      'static assertion failed: "the hole is real"',
    );
  });

  it('smm-c-facts §1.2: the SMST is 240 bytes with a 4-byte hole after SmmFirmwareRevision', () => {
    const p = parseC(`${FACTS}\nEFI_SMM_SYSTEM_TABLE2 gSmst;`);
    const t = global(p, 'gSmst').ty;
    expect(t.size).toBe(240);
    const m = t.members!;
    const rev = m.find((x) => x.name === 'SmmFirmwareRevision')!;
    const next = m[m.indexOf(rev) + 1];
    expect([rev.offset, rev.offset + rev.ty.size, next.offset]).toEqual([32, 36, 40]);
    expect(m.map((x) => x.offset)).toEqual([
      0, 24, 32, 40, 48, 80, 88, 96, 104, 112, 120, 128, 136, 144, 152, 160, 168, 176, 184, 192, 200, 208, 216, 224, 232,
    ]);
  });

  it('smm-c-facts §1.4: EFI_SMM_SW_CONTEXT is 16 bytes (6 bytes of tail padding)', () => {
    const t = global(parseC(`${FACTS}\nEFI_SMM_SW_CONTEXT c;`), 'c').ty;
    expect([t.size, t.align, t.members![2].offset + 1]).toEqual([16, 8, 10]);
  });

  it('smm-c-facts §1.5: EFI_SMM_SAVE_STATE_IO_INFO is 24 bytes; its enums are 4-byte unsigned', () => {
    const t = global(parseC(`${FACTS}\nEFI_SMM_SAVE_STATE_IO_INFO i;`), 'i').ty;
    expect(t.members!.map((x) => [x.name, x.offset, x.ty.size])).toEqual([
      ['IoData', 0, 8],
      ['IoPort', 8, 2],
      ['IoWidth', 12, 4],
      ['IoType', 16, 4],
    ]);
    expect(t.members![2].ty.kind).toBe('enum');
    expect(t.members![2].ty.unsigned).toBe(true);
  });

  it('smm-c-facts §1.6: the packed communicate header is 25 bytes, Data at 24, alignment 1', () => {
    const t = global(parseC(`${FACTS}\nEFI_SMM_COMMUNICATE_HEADER h;`), 'h').ty;
    expect([t.size, t.align, t.packed, t.members![2].offset]).toEqual([25, 1, true, 24]);
  });

  it('#pragma pack(0) restores natural alignment after the packed struct', () => {
    const t = global(parseC(`${FACTS}\nstruct { UINT8 a; UINT64 b; } after;`), 'after').ty;
    expect([t.size, t.members![1].offset, t.packed]).toEqual([16, 8, false]);
  });
});

/** The bytes gcc 12 put in each initialized global of BITS (sizeof/alignof printed with them). */
const GCC_BYTES: Record<string, [number, number, string]> = {
  b1: [12, 4, '11 0f 00 00 f5 ff ff 3f 22 00 00 00'],
  b2: [8, 4, '05 00 00 00 1f 00 00 00'],
  b3: [2, 1, '7f 00'],
  b4: [8, 8, '01 09 03 00 00 00 00 00'],
  b5: [4, 2, '57 15 33 00'],
  b6: [4, 4, '3d 02 00 00'],
  u1: [4, 4, 'ff 00 00 00'],
  p1: [6, 1, '11 aa aa aa 6a 03'],
  p2: [6, 2, '11 ba bb bb bb 00'],
  p2z: [5, 1, '01 00 00 00 02'],
};

describe('layout: bit fields as gcc packs them (X64 SysV), initialized globals byte for byte', () => {
  const p = parseC(BITS);
  for (const [name, [size, align, bytes]] of Object.entries(GCC_BYTES)) {
    it(`${name}: size ${size}, align ${align}, bytes ${bytes}`, () => {
      const o = global(p, name);
      expect([o.ty.size, o.ty.align]).toEqual([size, align]);
      expect(Array.from(o.init!, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe(bytes);
    });
  }

  it('a field that would straddle its unit moves to the next unit (B1.c at 4, bit 0)', () => {
    const c = global(p, 'b1').ty.members![2];
    expect([c.offset, c.bitOffset, c.bitWidth]).toEqual([4, 0, 30]);
  });

  it('B1.b lives in the unit at 0 from bit 8 (after the UINT8)', () => {
    const b = global(p, 'b1').ty.members![1];
    expect([b.offset, b.bitOffset, b.bitWidth, b.ty.size]).toEqual([0, 8, 4, 4]);
  });

  it('packed bit fields run on bit by bit (P1.b from byte 1, P1.c from bit 38)', () => {
    const [, b, c] = global(p, 'p1').ty.members!;
    expect([b.offset, b.bitOffset, c.offset, c.bitOffset]).toEqual([1, 0, 4, 6]);
  });

  it('a packed field no 4-byte read can hold is a clear error', () => {
    expect(messageOf(`${BASE_TYPES} __pragma_pack(1) struct G { UINT8 a; UINT32 b : 4; UINT32 c : 31; };`)).toBe(
      "bit-field 'c' straddles more than one 4-byte unit in a packed struct: not supported in SMM-C",
    );
  });
});

describe('layout: unions, anonymous members, flexible arrays, nested arrays', () => {
  it('a union is as big as its biggest member, rounded to its alignment', () => {
    const t = global(parseC(`${BASE_TYPES} union { UINT8 b[5]; UINT32 w; } u;`), 'u').ty;
    expect([t.size, t.align, t.members!.map((m) => m.offset)]).toEqual([8, 4, [0, 0]]);
  });

  it('anonymous struct/union members are reached by their inner names', () => {
    const p = parseC(`${BASE_TYPES} struct S { UINT32 Kind; union { UINT64 Q; UINT8 B[3]; }; struct { UINT16 Lo, Hi; }; } s;
      _Static_assert(sizeof (struct S) == 24, "size"); _Static_assert(__builtin_offsetof (struct S, Hi) == 18, "Hi");
      UINT16 f(void) { return s.Hi + (UINT16)s.Q; }`);
    expect(global(p, 's').ty.size).toBe(24);
  });

  it('a flexible array member takes no room and must be last', () => {
    parseC(`${BASE_TYPES} struct F { UINT32 n; UINT64 d[]; }; _Static_assert(sizeof (struct F) == 8, "flex");`);
    expect(messageOf(`${BASE_TYPES} struct F { UINT8 d[]; UINT32 n; };`)).toBe('flexible array member must be the last member');
  });

  it('multi-dimensional arrays: row-major sizes', () => {
    parseC(`${BASE_TYPES} UINT16 m[3][5]; _Static_assert(sizeof m == 30 && sizeof m[1] == 10 && sizeof m[1][2] == 2, "m");`);
  });
});
