/**
 * PchSmiDispatcher, the `pch` platform's SW SMI dispatcher in SMM-C (src/core/cdriver/samples/
 * PchSmiDispatcher, after edk2-platforms AlderlakeSiliconPkg PchSmiDispatcher; facts §9.2, §3.2):
 * first loaded on the ovmf machine as a C module (its entry runs, its protocol is found and called
 * by C children, its registrations are decoded from SMRAM; on QEMU no save state describes the OUT
 * to 0xB2, §5.1, §11.3, so no child runs there), then on the pch platform whose firmware volume
 * holds it, with the PCH's SMI logic (APM_STS, EOS) and the Intel save state.
 */
import { describe, expect, it } from 'vitest';
import { cModuleOf } from '../cdriver/CRun';
import { PCH_SMI_DISPATCHER, SHIPPED_SAMPLE_MODULES } from '../cdriver/Shipped';
import { pchConfig } from '../profiles/pch';
import { getReg, REG } from '../machine/Registers';
import type { CModuleSource } from '../cdriver/CModule';
import { Session } from '../console/Session';
import { moduleInf } from '../console/SourceTestKit';
import { GUIDS } from '../lib/Guid';
import { read32, read64, readBytes, write64 } from '../machine/Memory';
import type { CType } from '../smmc/Ast';
import { swRegistrations, swRegistrationsKey } from './SwRegistrations';

const PCH = 'PchSmiDispatcher';

/**
 * A C child of the dispatcher, in PI 1.2 "SMM" names: `ChildHandler` counts its calls and prints
 * what it got; `Try (Value)` registers it for Value and prints the status and the value written
 * back; `LateHandler`, a root handler, runs `late` on an SMI whose APM_CNT value is 0x77 (after
 * the boot: SmmReadyToLock has happened); `body` runs in the entry point.
 */
function childSource(body: string, late = ''): string {
  return `#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/IoLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmSwDispatch2.h>

EFI_SMM_SW_DISPATCH2_PROTOCOL  *mSw;
EFI_HANDLE                     mHandles[0x100];
UINTN                          mCount;
UINTN                          mCalls;
EFI_HANDLE                     mLateHandle;

EFI_STATUS
EFIAPI
ChildHandler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  CONST EFI_SMM_SW_REGISTER_CONTEXT  *Reg;
  EFI_SMM_SW_CONTEXT                 *Sw;

  Reg = Context;
  Sw  = CommBuffer;
  mCalls++;
  DEBUG ((DEBUG_INFO, "ChildHandler: handle %p value 0x%lx cpu %u command 0x%x data 0x%x size %u\\n",
          DispatchHandle, (UINT64)Reg->SwSmiInputValue, Sw->SwSmiCpuIndex, Sw->CommandPort, Sw->DataPort, *CommBufferSize));
  return EFI_SUCCESS;
}

EFI_STATUS
Try (
  IN UINTN  Value
  )
{
  EFI_SMM_SW_REGISTER_CONTEXT  Ctx;
  EFI_STATUS                   Status;

  Ctx.SwSmiInputValue = Value;
  Status = mSw->Register (mSw, ChildHandler, &Ctx, &mHandles[mCount]);
  DEBUG ((DEBUG_INFO, "Try 0x%lx: %r 0x%lx\\n", (UINT64)Value, Status, (UINT64)Ctx.SwSmiInputValue));
  if (!EFI_ERROR (Status)) {
    mCount++;
  }
  return Status;
}

EFI_STATUS
EFIAPI
LateHandler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  if (IoRead8 (0xB2) != 0x77) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }
  ${late}
  return EFI_SUCCESS;
}

EFI_STATUS
EFIAPI
SwChildEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;

  Status = gSmst->SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid, NULL, (VOID **)&mSw);
  ASSERT_EFI_ERROR (Status);
  Status = gSmst->SmiHandlerRegister (LateHandler, NULL, &mLateHandle);
  ASSERT_EFI_ERROR (Status);
  ${body}
  return EFI_SUCCESS;
}
`;
}

function child(body: string, late = ''): CModuleSource {
  const inf = moduleInf('SwChild', { depex: 'gEfiSmmSwDispatch2ProtocolGuid', protocols: ['gEfiSmmSwDispatch2ProtocolGuid'] });
  return { inf: { name: 'SwChild.inf', text: inf }, files: [{ name: 'SwChild.c', text: childSource(body, late) }] };
}

/** The ovmf machine with PchSmiDispatcher (and `more` after it) in its firmware volume, booted. */
function boot(...more: CModuleSource[]): Session {
  return booted(Session.create({ cModules: [PCH_SMI_DISPATCHER.source, ...more] }));
}

/** The pch machine (PchSmiDispatcher is in its firmware volume) with `more` loaded after its modules, booted. */
function bootPch(...more: CModuleSource[]): Session {
  return booted(Session.create({ platform: 'pch', cModules: more }));
}

function booted(s: Session): Session {
  expect(s.m.s.hung, s.m.s.serial.lines.slice(-5).join('\n')).toBeNull();
  expect(s.m.s.modules.find((x) => x.name === PCH)?.state).toBe('dispatched');
  return s;
}


const tries = (s: Session) => s.m.s.serial.lines.filter((l) => l.startsWith('Try '));

/** A C global of a loaded module: its address (from the image's symbol table) and type; a static one by "File.c:name". */
function global(s: Session, module: string, name: string): { address: number; ty: CType } {
  const rec = s.m.s.modules.find((x) => x.name === module)!;
  const sym = cModuleOf(s.m.defs.get(module))!.image(rec.imageBase).symbols.get(name)!;
  return { address: sym.address, ty: sym.obj.ty };
}

/** The 1-based line of the first `text` in one of the module's files. */
function lineOf(file: string, text: string): number {
  const i = PCH_SMI_DISPATCHER.source.files.find((f) => f.name === file)!.text.split('\n').findIndex((l) => l.includes(text));
  expect(i, text).toBeGreaterThanOrEqual(0);
  return i + 1;
}

const HEAD = 'PchSmmSw.c:mSwSmiCallbackDataBase';
const SWSM = 0x4d535753; // SIGNATURE_32 ('S', 'W', 'S', 'M')

describe('PchSmiDispatcher: the shipped platform module', () => {
  it('§9.2: a platform module, not a --module sample: BASE_NAME PchSmiDispatcher, the upstream FILE_GUID and .inf path, produces gEfiSmmSwDispatch2ProtocolGuid', () => {
    expect(SHIPPED_SAMPLE_MODULES).not.toContain(PCH_SMI_DISPATCHER);
    expect(PCH_SMI_DISPATCHER.name).toBe(PCH);
    expect(PCH_SMI_DISPATCHER.fileGuid).toBe('b0d6ed53-b844-43f5-bd2f-61095264e77e');
    expect(PCH_SMI_DISPATCHER.path).toBe('Silicon/Intel/AlderlakeSiliconPkg/Pch/PchSmiDispatcher/Smm/PchSmiDispatcher.inf');
    const d = PCH_SMI_DISPATCHER.def();
    expect(d.produces).toEqual([GUIDS.gEfiSmmSwDispatch2ProtocolGuid]);
    expect(d.path).toBe(PCH_SMI_DISPATCHER.path);
    expect(PCH_SMI_DISPATCHER.def()).toBe(d);
  });
});

describe('PchSmiDispatcher on the ovmf machine (a C module): entry, Register, UnRegister, SMRAM records', () => {
  it('§9.2 entry: ABASE 0x1800 (PcdAcpiBaseAddress), the root handler PchSmmCoreDispatcher, gEfiSmmSwDispatch2ProtocolGuid = the C global mPchSwDispatch {Register, UnRegister, MaximumSwiValue 0xFF}; SmmReadyToLock sets mReadyToLock', () => {
    const s = boot();
    expect(s.m.s.smm.root.map((h) => [h.module, h.handler])).toContainEqual([PCH, 'PchSmmCoreDispatcher']);
    const proto = s.m.s.smm.protocols.find((p) => p.guid === GUIDS.gEfiSmmSwDispatch2ProtocolGuid)!;
    expect(proto.module).toBe(PCH);
    const iface = global(s, PCH, 'mPchSwDispatch');
    expect(proto.iface).toBe(iface.address);
    const rec = s.m.s.modules.find((x) => x.name === PCH)!;
    const image = cModuleOf(s.m.defs.get(PCH))!.image(rec.imageBase);
    expect(image.fnByAddress.get(Number(read64(s.m.s.mem, iface.address)))?.name).toBe('PchSwSmiRegister');
    expect(image.fnByAddress.get(Number(read64(s.m.s.mem, iface.address + 8)))?.name).toBe('PchSwSmiUnRegister');
    expect(read64(s.m.s.mem, iface.address + 16)).toBe(0xffn);
    expect(read32(s.m.s.mem, global(s, PCH, 'mAcpiBaseAddr').address) & 0xffff).toBe(0x1800);
    // The notification ran (a C function registered with SmmRegisterProtocolNotify): the boot passed ReadyToLock.
    expect(readBytes(s.m.s.mem, global(s, PCH, 'mReadyToLock').address, 1)[0]).toBe(1);
    expect(s.m.s.smm.notifies.find((n) => n.module === PCH)).toMatchObject({ guid: '47b7fa8c-f4bd-4af6-8200-333086f0d2c8', fn: 'SmmReadyToLockCallback' });
    // The empty list: the head points at itself.
    const head = global(s, PCH, HEAD).address;
    expect(Number(read64(s.m.s.mem, head))).toBe(head);
    expect(swRegistrations(s.m)).toEqual([]);
    expect(s.exec('handlers').lines).toContain('SW MMI registrations (EFI_MM_SW_DISPATCH_PROTOCOL): none');
  });

  it('§9.2 Register: (UINTN)-1 gets 1 (written back), then 2; 0xFF and 0x100 are EFI_INVALID_PARAMETER (0xFF is SmmControl\'s); a taken value is EFI_INVALID_PARAMETER; a free one is taken as is', () => {
    const s = boot(child('Try ((UINTN)-1); Try ((UINTN)-1); Try (0xFF); Try (0x100); Try (0x02); Try (0x40); Try ((UINTN)-1);'));
    expect(tries(s)).toEqual([
      'Try 0xFFFFFFFFFFFFFFFF: Success 0x1',
      'Try 0xFFFFFFFFFFFFFFFF: Success 0x2',
      'Try 0xFF: Invalid Parameter 0xFF',
      'Try 0x100: Invalid Parameter 0x100',
      'Try 0x2: Invalid Parameter 0x2',
      'Try 0x40: Success 0x40',
      'Try 0xFFFFFFFFFFFFFFFF: Success 0x3',
    ]);
    // Upstream's DEBUG_INFO line, one per record (%x of the value, 0x%X of the record's address).
    const regs = swRegistrations(s.m);
    expect(regs.map((r) => [r.value, r.module, r.handler])).toEqual([
      [0x01, 'SwChild', 'ChildHandler'],
      [0x02, 'SwChild', 'ChildHandler'],
      [0x40, 'SwChild', 'ChildHandler'],
      [0x03, 'SwChild', 'ChildHandler'],
    ]);
    const logged = s.m.s.serial.lines.filter((l) => l.startsWith('SW SMI NUM '));
    expect(logged).toEqual(regs.map((r) => `SW SMI NUM ${r.value.toString(16).toUpperCase()}  Sw Record at Address 0x${(r.handle - 8).toString(16).toUpperCase()}`));
  });

  it('§9.2 records in SMM pool: Signature \'SWSM\', Link on mSwSmiCallbackDataBase in registration order, Context, Callback; DispatchHandle = &Record->Link; handlers and state --json read those bytes', () => {
    const s = boot(child('Try (0x30); Try (0x31);'));
    const mem = s.m.s.mem;
    const head = global(s, PCH, HEAD).address;
    const handles = [0, 1].map((i) => Number(read64(mem, global(s, 'SwChild', 'mHandles').address + 8 * i)));
    expect(swRegistrations(s.m).map((r) => r.handle)).toEqual(handles);
    expect(Number(read64(mem, head))).toBe(handles[0]); // ForwardLink
    expect(Number(read64(mem, head + 8))).toBe(handles[1]); // BackLink
    const childFn = cModuleOf(s.m.defs.get('SwChild'))!.image(s.m.s.modules.find((x) => x.name === 'SwChild')!.imageBase).fnByName.get('ChildHandler')!.address;
    for (const [i, h] of handles.entries()) {
      const record = h - 8; // Link follows the UINT32 Signature, 8-aligned
      expect(read32(mem, record)).toBe(SWSM);
      expect(Number(read64(mem, record + 24))).toBe(0x30 + i); // Context.SwSmiInputValue
      expect(Number(read64(mem, record + 32))).toBe(childFn); // Callback
    }
    expect(s.exec('handlers').lines).toContain('SW MMI registrations (PchSmiDispatcher, called from its root handler):');
    expect(s.exec('handlers').lines).toContain(`  0x30: SwChild.ChildHandler  DispatchHandle=0x${handles[0].toString(16).toUpperCase()}`);
    expect(JSON.parse(s.exec('state --json').lines[0]).handlers.sw).toEqual([
      { value: '0x30', module: 'SwChild', handler: 'ChildHandler', handle: `0x${handles[0].toString(16).toUpperCase()}` },
      { value: '0x31', module: 'SwChild', handler: 'ChildHandler', handle: `0x${handles[1].toString(16).toUpperCase()}` },
    ]);
  });

  it('the decoder follows the list bytes: a record unlinked by hand drops out, a Callback pointing elsewhere is listed by its address, a list made circular elsewhere stops', () => {
    const s = boot(child('Try (0x30); Try (0x31);'));
    const mem = s.m.s.mem;
    const head = global(s, PCH, HEAD).address;
    const [a, b] = swRegistrations(s.m);
    const key = swRegistrationsKey(s.m);
    write64(mem, head, BigInt(b.handle)); // head -> second record
    expect(swRegistrations(s.m).map((r) => r.value)).toEqual([0x31]);
    expect(swRegistrationsKey(s.m)).not.toBe(key);
    write64(mem, b.handle - 8 + 32, 0x123450n);
    expect(swRegistrations(s.m)).toEqual([{ value: 0x31, module: '(no module)', handler: '0x123450', handle: b.handle, address: 0x123450 }]);
    write64(mem, b.handle, BigInt(a.handle)); // b -> a -> b -> ... never back to the head
    write64(mem, a.handle, BigInt(b.handle));
    expect(swRegistrations(s.m).map((r) => r.value)).toEqual([0x31, 0x30]);
  });

  it('§9.2 UnRegister: NULL is EFI_INVALID_PARAMETER; a child\'s handle is EFI_SUCCESS: the record leaves the list, zeroed and freed', () => {
    const s = boot(child('Try (0x30); Try (0x31); DEBUG ((DEBUG_INFO, "UnRegister %r %r\\n", mSw->UnRegister (mSw, NULL), mSw->UnRegister (mSw, mHandles[0])));'));
    expect(s.m.s.serial.lines).toContain('UnRegister Invalid Parameter Success');
    expect(swRegistrations(s.m).map((r) => r.value)).toEqual([0x31]);
    const gone = Number(read64(s.m.s.mem, global(s, 'SwChild', 'mHandles').address));
    expect(read32(s.m.s.mem, gone - 8)).not.toBe(SWSM); // zeroed before SmmFreePool (whose free list then reuses the bytes)
    expect(Number(read64(s.m.s.mem, gone + 16))).toBe(0); // Context.SwSmiInputValue, zeroed
  });

  it('§9.2 UnRegister with a handle that is no record\'s Link: CR checks the signature first and, asserts enabled (PcdDebugPropertyMask 0x2F), stops in "CR has Bad Signature"; upstream\'s own signature test after it is reached only with asserts off', () => {
    const s = Session.create({ cModules: [PCH_SMI_DISPATCHER.source, child('mSw->UnRegister (mSw, (EFI_HANDLE)&mCalls);')] });
    const line = lineOf('PchSmmSw.c', 'RecordToDelete = SW_SMI_RECORD_FROM_LINK (DispatchHandle);');
    expect(s.m.s.serial.lines).toContain(`ASSERT PchSmmSw.c(${line}): CR has Bad Signature`);
    expect(s.m.s.hung).toMatchObject({ where: { file: 'PchSmmSw.c', line, fn: 'PchSwSmiUnRegister' } });
  });

  it('§9.2 after SmmReadyToLock: Register and UnRegister are EFI_ACCESS_DENIED and print upstream\'s DEBUG_ERROR lines', () => {
    const late = `DEBUG ((DEBUG_INFO, "Late %r %r\\n", Try ((UINTN)-1), mSw->UnRegister (mSw, mHandles[0])));`;
    const s = boot(child('Try ((UINTN)-1);', late));
    expect(s.exec('smi 0x77 --run').error).toBe(false);
    const log = s.m.s.serial.lines;
    expect(log).toContain('Try 0xFFFFFFFFFFFFFFFF: Access Denied 0xFFFFFFFFFFFFFFFF');
    expect(log).toContain('Late Access Denied Access Denied');
    expect(log).toContain('Register is not allowed if the SmmReadyToLock event has been triggered! ');
    expect(log).toContain('UnRegister is not allowed if the SmmReadyToLock event has been triggered! ');
    expect(swRegistrations(s.m).map((r) => r.value)).toEqual([0x01]);
  });

  it('§9.2/§5.1: on QEMU no save state shows the OUT to 0xB2, so PchSwSmiDispatcher asks every CPU and calls no child - no fallback to CPU 0 as Quark\'s has (§9.1); the root handler returns EFI_SUCCESS where OVMF\'s CpuHotplugMmi says QUIESCED', () => {
    const s = boot(child('Try (0x01);'));
    s.exec('smi 0x01 0x33 --cpu 2');
    expect(s.exec('continue').error).toBe(false);
    for (let c = 0; c < 4; c++) {
      expect(s.timeline.some((e) => e.text.startsWith(`PchSmiDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=${c}) = EFI_NOT_FOUND`)), `CPU${c}`).toBe(true);
    }
    expect(read64(s.m.s.mem, global(s, 'SwChild', 'mCalls').address)).toBe(0n);
    expect(s.m.s.lastSmi?.handlersCalled.map((c) => [c.handler, c.returned])).toEqual([
      ['CpuHotplugMmi', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
      ['PchSmmCoreDispatcher', 'EFI_SUCCESS'],
      ['LateHandler', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
    ]);
  });

  it('§9.1/§9.2: (UINTN)-1 takes the lowest free value of 1..0xFE and, all taken, is EFI_OUT_OF_RESOURCES; it never yields 0, which Register still takes when asked for it', () => {
    const s = boot(child('{ UINTN V; for (V = 0x01; V < 0xFE; V++) { Try (V); } } Try ((UINTN)-1); Try ((UINTN)-1); Try (0);'));
    const t = tries(s);
    expect(t.length).toBe(0xfd + 3);
    expect(t.slice(-3)).toEqual(['Try 0xFFFFFFFFFFFFFFFF: Success 0xFE', 'Try 0xFFFFFFFFFFFFFFFF: Out of Resources 0xFFFFFFFFFFFFFFFF', 'Try 0x0: Success 0x0']);
    const values = swRegistrations(s.m).map((r) => r.value);
    expect(values).toEqual([...Array.from({ length: 0xfe }, (_, i) => i + 1), 0]);
  });
});

describe('PchSmiDispatcher on the pch platform (§9.2): the PCH\'s SMI logic, Register\'s rules, dispatch by the CPU that wrote 0xB2', () => {
  it('§9.2: the pch firmware volume holds PchSmiDispatcher, dispatched once PiSmmCpuDxeSmm installed EFI_SMM_CPU_PROTOCOL ([Depex]); its root handler is the only one; GBL_SMI_EN is set; ReadyToLock set mReadyToLock', () => {
    const s = bootPch();
    const names = s.m.s.modules.map((x) => x.name);
    expect(names.indexOf(PCH)).toBe(names.indexOf('PiSmmCore') + 1); // FV order
    expect(s.m.defs.get(PCH)).toBe(PCH_SMI_DISPATCHER.def());
    expect(s.m.s.smm.root.map((h) => [h.module, h.handler])).toEqual([[PCH, 'PchSmmCoreDispatcher']]);
    expect(s.m.s.smm.protocols.find((p) => p.guid === GUIDS.gEfiSmmSwDispatch2ProtocolGuid)?.module).toBe(PCH);
    expect(s.m.s.lpc.smiEn & 1).toBe(1);
    expect(readBytes(s.m.s.mem, global(s, PCH, 'mReadyToLock').address, 1)[0]).toBe(1);
  });

  it('§9.2 PchSmmCoreDispatcher: APMC_EN and APM_STS set -> it clears APM_STS (write 1) and sets EOS again, so the PCH raises the next SMI#; it returns EFI_SUCCESS', () => {
    const s = bootPch();
    for (const v of [0x05, 0x06]) {
      expect(s.exec(`smi 0x${v.toString(16)} --cpu 2 --run`).error).toBe(false);
      expect(s.m.s.lastSmi).toMatchObject({ raised: true });
      expect(s.m.s.lastSmi?.handlersCalled.map((c) => [c.handler, c.returned])).toEqual([['PchSmmCoreDispatcher', 'EFI_SUCCESS']]);
      expect(s.m.s.lpc.smiSts & 0x20).toBe(0); // APM_STS cleared
      expect(s.m.s.lpc.smiEn & 0x22).toBe(0x22); // EOS set again, APMC_EN still on
    }
  });

  it('§9.2 Register on pch: (UINTN)-1 gets 1, then 2 (written back); 0xFF and 0x100 are EFI_INVALID_PARAMETER; a duplicate is EFI_INVALID_PARAMETER; UnRegister (NULL) is EFI_INVALID_PARAMETER; after ReadyToLock both are EFI_ACCESS_DENIED', () => {
    const late = `DEBUG ((DEBUG_INFO, "Late %r %r\\n", Try ((UINTN)-1), mSw->UnRegister (mSw, mHandles[0])));`;
    const s = bootPch(child('Try ((UINTN)-1); Try ((UINTN)-1); Try (0xFF); Try (0x100); Try (0x01); DEBUG ((DEBUG_INFO, "UnRegister %r\\n", mSw->UnRegister (mSw, NULL)));', late));
    expect(tries(s)).toEqual([
      'Try 0xFFFFFFFFFFFFFFFF: Success 0x1',
      'Try 0xFFFFFFFFFFFFFFFF: Success 0x2',
      'Try 0xFF: Invalid Parameter 0xFF',
      'Try 0x100: Invalid Parameter 0x100',
      'Try 0x1: Invalid Parameter 0x1',
    ]);
    expect(s.m.s.serial.lines).toContain('UnRegister Invalid Parameter');
    expect(s.exec('smi 0x77 --run').error).toBe(false);
    expect(s.m.s.serial.lines).toContain('Late Access Denied Access Denied');
    expect(s.m.s.serial.lines).toContain('Register is not allowed if the SmmReadyToLock event has been triggered! ');
    expect(swRegistrations(s.m).map((r) => [r.value, r.module, r.handler])).toEqual([
      [0x01, 'SwChild', 'ChildHandler'],
      [0x02, 'SwChild', 'ChildHandler'],
    ]);
  });

  it('§9.2/§7.6: `smi 0x02 0x33 --cpu 2`: only CPU2\'s Intel save state shows the OUT (IOMisc), so the child for 0x02 runs once with SwSmiCpuIndex 2, CommandPort 0x02, DataPort 0x33, size 16; the child for 0x01 does not run', () => {
    expect(pchConfig().layout).toBe('intel64');
    const s = bootPch(child('Try ((UINTN)-1); Try ((UINTN)-1);'));
    const [, two] = swRegistrations(s.m);
    s.exec('smi 0x02 0x33 --cpu 2');
    expect(s.exec('continue').error).toBe(false);
    for (const c of [0, 1, 3]) {
      expect(s.timeline.some((e) => e.text.startsWith(`PchSmiDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=${c}) = EFI_NOT_FOUND`)), `CPU${c}`).toBe(true);
    }
    expect(s.timeline.some((e) => e.text.startsWith('PchSmiDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=2) = EFI_SUCCESS') && e.text.includes('IoPort 0xB2, IoWidth UINT8, IoType OUTPUT, IoData 0x02'))).toBe(true);
    expect(s.m.s.serial.lines.filter((l) => l.startsWith('ChildHandler: '))).toEqual([
      `ChildHandler: handle ${two.handle.toString(16).toUpperCase()} value 0x2 cpu 2 command 0x2 data 0x33 size 16`,
    ]);
    expect(read64(s.m.s.mem, global(s, 'SwChild', 'mCalls').address)).toBe(1n);
  });

  it('§9.2: an OUT of 0xFF (SmmControl\'s "no command", what a Communicate writes on pch) is skipped even though the save state shows it: no child runs', () => {
    const s = bootPch(child('Try ((UINTN)-1);'));
    s.exec('smi 0xff --cpu 1');
    expect(s.exec('continue').error).toBe(false);
    expect(s.timeline.some((e) => e.text.startsWith('PchSmiDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=1) = EFI_SUCCESS') && e.text.includes('IoData 0xFF'))).toBe(true);
    expect(read64(s.m.s.mem, global(s, 'SwChild', 'mCalls').address)).toBe(0n);
  });

  it('§1.9 seed on pch: SwDispatch2Locate ([Depex] TRUE) is scheduled in the pass that loads PiSmmCpuDxeSmm, before PchSmiDispatcher (whose [Depex] waits for EFI_SMM_CPU_PROTOCOL): its locate still fails and the boot hangs at its ASSERT', () => {
    const s = Session.create({ platform: 'pch', modules: ['SwDispatch2Locate'] });
    expect(s.m.s.hung).toMatchObject({ module: 'SwDispatch2Locate', where: { file: 'SwDispatch2Locate.c', line: 42 } });
    expect(s.m.s.serial.lines).toContain('SmmSwDispatch2Protocol Status: 0xE');
    expect(s.m.s.modules.find((x) => x.name === PCH)?.state).toBe('dependent');
  });

  it('§1.9 seed on pch: SwDispatch2Depex (the protocol in its [Depex]) loads after PchSmiDispatcher and registers (UINTN)-1 = 0x1', () => {
    const s = Session.create({ platform: 'pch', modules: ['SwDispatch2Depex'] });
    expect(s.m.s.hung).toBeNull();
    expect(s.m.s.serial.lines).toContain('SwDispatch->Register: Success, SwSmiInputValue = 0x1');
    expect(swRegistrations(s.m).map((r) => [r.value, r.module, r.handler])).toEqual([[0x01, 'SwDispatch2Depex', 'SwMmiSampleHandler']]);
  });

  it('§9.2/§12.1 seed on pch: SwDispatch2Depex\'s handler runs for `smi 0x01 0x33 --cpu 2` with SwSmiCpuIndex 2 - also when CPU0 is the monarch (--arrival ascending) - and answers in CPU2\'s saved RAX (on OVMF it named CPU0)', () => {
    for (const arrival of ['caller-first', 'ascending'] as const) {
      const s = Session.create({ platform: 'pch', arrival, modules: ['SwDispatch2Depex'] });
      expect(s.exec('smi 0x01 0x33 --cpu 2 --run').error).toBe(false);
      expect(s.timeline.some((e) => e.text.includes(`CurrentlyExecutingCpu=${arrival === 'ascending' ? 0 : 2}`)), arrival).toBe(true);
      expect(s.m.s.serial.lines).toContain('SwMmiSampleHandler: SwSmiCpuIndex 2, CommandPort 0x1, DataPort 0x33');
      expect(getReg(s.m.s.cpus[2].regs, REG.RAX)).toBe(0x5a5a0033n);
      expect(getReg(s.m.s.cpus[0].regs, REG.RAX)).not.toBe(0x5a5a0033n);
    }
  });

  it('§9.2 SMM-C on pch: a line breakpoint in PchSwSmiDispatcher stops CPU2 (the SMM BSP, caller-first) with CpuIndex 2 and the IO info Intel\'s ReadSaveState decoded; bt runs through PchSmmCoreDispatcher to SmiManage', () => {
    const s = Session.create({ platform: 'pch', modules: ['SwDispatch2Depex'] });
    const line = lineOf('PchSmmSw.c', 'SwSmiCommBuffer.SwSmiCpuIndex = CpuIndex;');
    expect(s.exec(`break PchSmmSw.c:${line}`).lines).toEqual([`breakpoint 1: PchSmmSw.c:${line}`]);
    s.exec('smi 0x01 0x33 --cpu 2');
    expect(s.exec('continue').lines[1]).toBe(`[c] PchSmmSw.c:${line} (PchSwSmiDispatcher, CPU2): SwSmiCommBuffer.SwSmiCpuIndex = CpuIndex;`);
    expect(s.exec('print CpuIndex').lines[0]).toMatch(/^\(UINTN\) 2 \(0x2\)/);
    expect(s.exec('print SmiIoInfo').lines[0]).toMatch(/^\(EFI_SMM_SAVE_STATE_IO_INFO\) \{IoData = 1 \(0x1\), IoPort = 178, IoWidth = 0, IoType = 2\}/);
    const bt = s.exec('bt').lines;
    expect(bt[0]).toMatch(/^#0  PchSwSmiDispatcher \(\) at PchSmmSw\.c:\d+  \[PchSmiDispatcher\]/);
    expect(bt[1]).toMatch(/^#1  PchSmmCoreDispatcher \(\) at PchSmmCore\.c:\d+  \[PchSmiDispatcher\]/);
    expect(bt[2]).toBe('#2  SmiManage ()  [firmware]');
  });
});
