/**
 * The seed thread's "universal" SW dispatcher (its five responsibilities) and the chipset
 * dispatchers' Register rules (facts §9.1, §9.2, §3.2), against the SMM-C GenericSwDispatcher
 * (src/core/cdriver/samples/GenericSwDispatcher). Its children here are C modules too: their entry
 * points call Register / UnRegister through the protocol and print what they got.
 */
import { describe, expect, it } from 'vitest';
import { cModuleOf } from '../cdriver/CRun';
import { Session } from '../console/Session';
import { moduleInf } from '../console/SourceTestKit';
import { GUIDS } from '../lib/Guid';
import { read64, write64 } from '../machine/Memory';
import { getReg, REG } from '../machine/Registers';
import type { CType } from '../smmc/Ast';
import { swRegistrations } from './SwRegistrations';

/** What (UINTN)-1 never yields (GenericSwDispatcher.c mNeverAllocated). */
const NEVER_ALLOCATED = [0x00, 0x02, 0x03, 0x04, 0xff];

function boot(modules: string): Session {
  const s = Session.create();
  const r = s.exec(`platform ovmf ${modules}`);
  expect(r.error, r.lines.join('\n')).toBe(false);
  return s;
}

/**
 * A C child of the dispatcher: `ChildHandler` prints what it is called with; `Try (Value)` registers
 * it for Value and prints the status and the value written back; `body` runs in the entry point.
 */
function childSource(body: string): string {
  return `#include <PiMm.h>
#include <Library/DebugLib.h>
#include <Library/MmServicesTableLib.h>
#include <Protocol/MmSwDispatch.h>

EFI_MM_SW_DISPATCH_PROTOCOL  *mSw;
EFI_HANDLE                   mHandles[0x100];
UINTN                        mCount;
UINTN                        mCalls;

EFI_STATUS
EFIAPI
ChildHandler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  CONST EFI_MM_SW_REGISTER_CONTEXT  *Reg;
  EFI_MM_SW_CONTEXT                 *Sw;

  Reg = Context;
  Sw  = CommBuffer;
  mCalls++;
  DEBUG ((DEBUG_INFO, "ChildHandler: handle %p value 0x%lx cpu %u command 0x%x data 0x%x size %u\\n",
          DispatchHandle, (UINT64)Reg->SwMmiInputValue, Sw->SwMmiCpuIndex, Sw->CommandPort, Sw->DataPort, *CommBufferSize));
  return EFI_SUCCESS;
}

EFI_STATUS
Try (
  IN UINTN  Value
  )
{
  EFI_MM_SW_REGISTER_CONTEXT  Ctx;
  EFI_STATUS                  Status;

  Ctx.SwMmiInputValue = Value;
  Status = mSw->Register (mSw, ChildHandler, &Ctx, &mHandles[mCount]);
  DEBUG ((DEBUG_INFO, "Try 0x%lx: %r 0x%lx\\n", (UINT64)Value, Status, (UINT64)Ctx.SwMmiInputValue));
  if (!EFI_ERROR (Status)) {
    mCount++;
  }
  return Status;
}

EFI_STATUS
EFIAPI
SwChildEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;

  Status = gMmst->MmLocateProtocol (&gEfiMmSwDispatchProtocolGuid, NULL, (VOID **)&mSw);
  ASSERT_EFI_ERROR (Status);
  ${body}
  return EFI_SUCCESS;
}
`;
}

/** The dispatcher and a C child whose entry runs `body`. */
function withChild(body: string): Session {
  const inf = moduleInf('SwChild', { depex: 'gEfiMmSwDispatchProtocolGuid', protocols: ['gEfiMmSwDispatchProtocolGuid'] });
  const s = Session.create({ modules: ['GenericSwDispatcher'], cModules: [{ inf: { name: 'SwChild.inf', text: inf }, files: [{ name: 'SwChild.c', text: childSource(body) }] }] });
  expect(s.m.s.hung, s.m.s.serial.lines.slice(-5).join('\n')).toBeNull();
  expect(s.m.s.modules.find((x) => x.name === 'SwChild')?.state).toBe('dispatched');
  return s;
}

const tries = (s: Session) => s.m.s.serial.lines.filter((l) => l.startsWith('Try '));

/** A C global of a loaded module: its address (from the image's symbol table) and type. */
function global(s: Session, module: string, name: string): { address: number; ty: CType } {
  const rec = s.m.s.modules.find((x) => x.name === module)!;
  const sym = cModuleOf(s.m.defs.get(module))!.image(rec.imageBase).symbols.get(name)!;
  return { address: sym.address, ty: sym.obj.ty };
}

describe('GenericSwDispatcher: the seed thread\'s universal EFI_MM_SW_DISPATCH_PROTOCOL, in SMM-C', () => {
  it('§3.1 seed: with the dispatcher in the volume, [Depex] gEfiSmmSwDispatch2ProtocolGuid is satisfied and the child loads', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const mod = s.m.s.modules.find((x) => x.name === 'SwDispatch2Depex')!;
    expect(mod.state).toBe('dispatched');
    const proto = s.m.s.smm.protocols.find((p) => p.guid === GUIDS.gEfiSmmSwDispatch2ProtocolGuid)!;
    expect(proto.module).toBe('GenericSwDispatcher');
    expect(proto.iface).toBe(global(s, 'GenericSwDispatcher', 'mSwDispatch').address); // the C global is the interface
    expect(s.m.s.serial.lines).toContain('SmmSwDispatch2Protocol Status: 0x0');
    expect(s.m.s.serial.lines).toContain('SwDispatch->Register: Success, SwSmiInputValue = 0x1');
  });

  it('§1.9 seed: a depex of TRUE is no ordering guarantee: SwDispatch2Locate starts before the dispatcher and still hangs', () => {
    const s = Session.create();
    s.exec('platform ovmf --module SwDispatch2Locate --module GenericSwDispatcher');
    expect(s.m.s.hung?.module).toBe('SwDispatch2Locate');
    expect(s.m.s.modules.find((x) => x.name === 'GenericSwDispatcher')?.state).toBe('dependent');
  });

  it('smm-c-facts §1.4: the protocol is 24 bytes of C data: Register @0 and UnRegister @8 are its C functions, MaximumSwiValue 0xFF @16', () => {
    const s = boot('--module GenericSwDispatcher');
    const iface = global(s, 'GenericSwDispatcher', 'mSwDispatch');
    expect(iface.ty.size).toBe(24);
    const rec = s.m.s.modules.find((x) => x.name === 'GenericSwDispatcher')!;
    const image = cModuleOf(s.m.defs.get('GenericSwDispatcher'))!.image(rec.imageBase);
    expect(image.fnByAddress.get(Number(read64(s.m.s.mem, iface.address)))?.name).toBe('SwDispatchRegister');
    expect(image.fnByAddress.get(Number(read64(s.m.s.mem, iface.address + 8)))?.name).toBe('SwDispatchUnRegister');
    expect(read64(s.m.s.mem, iface.address + 16)).toBe(0xffn);
  });

  it('responsibility (1): it installs a root MMI handler, called on every SMI', () => {
    const s = boot('--module GenericSwDispatcher');
    expect(s.m.s.smm.root.map((h) => h.handler)).toEqual(['CpuHotplugMmi', 'GenericSwMmiHandler']);
    s.exec('smi 0x05 --run');
    expect(s.m.s.lastSmi?.handlersCalled.map((c) => [c.handler, c.returned])).toEqual([
      ['CpuHotplugMmi', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
      ['GenericSwMmiHandler', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
    ]);
  });

  it('responsibilities (2)-(4) §3.2: the child gets EFI_MM_SW_CONTEXT with CommandPort from 0xB2 and DataPort from 0xB3, and its WriteSaveState reaches RAX after RSM', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const [rec] = swRegistrations(s.m);
    expect(rec).toMatchObject({ value: 0x01, module: 'SwDispatch2Depex', handler: 'SwMmiSampleHandler' });
    expect(s.exec('smi 0x01 0x33 --cpu 2 --run').error).toBe(false);
    // The record's SwContext, at the offset the compiler gave SW_MMI_CHILD.SwContext.
    const child = global(s, 'GenericSwDispatcher', 'mSwChild').ty.base!.base!;
    const members = (child.members ?? child.origin!.members)!;
    const ctx = rec.handle + members.find((x) => x.name === 'SwContext')!.offset;
    expect(Number(read64(s.m.s.mem, ctx))).toBe(0); // SwMmiCpuIndex falls back to the SMM BSP: CPU0 on OVMF (§12.1), not the OUT CPU 2
    expect(Number(read64(s.m.s.mem, ctx + 8) & 0xffffn)).toBe(0x3301); // CommandPort 0x01, DataPort 0x33
    expect(s.m.s.serial.lines).toContain('SwMmiSampleHandler: SwSmiCpuIndex 0, CommandPort 0x1, DataPort 0x33');
    expect(getReg(s.m.s.cpus[0].regs, REG.RAX)).toBe(0x5a5a0033n); // the child answers CPU0
    expect(getReg(s.m.s.cpus[2].regs, REG.RAX)).toBe(0x01n); // the caller keeps what it wrote
    // The dispatcher calls its child directly, as C does: PiSmmCore's SMI record lists the root handler that MmiManage called.
    expect(s.m.s.lastSmi?.handlersCalled.map((c) => [c.kind, c.handler, c.returned])).toEqual([
      ['root', 'CpuHotplugMmi', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
      ['root', 'GenericSwMmiHandler', 'EFI_SUCCESS'],
    ]);
  });

  it('§5.1/§12.1: on QEMU no save state describes the OUT, so SwMmiCpuIndex falls back to CurrentlyExecutingCpu = 0, not the OUT CPU (the DEBUG line and the WriteSaveState event say why)', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    s.exec('smi 0x01 --cpu 3');
    expect(s.exec('continue').error).toBe(false);
    for (let c = 0; c < 4; c++) {
      expect(s.timeline.some((e) => e.text.startsWith(`GenericSwDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=${c}) = EFI_NOT_FOUND`)), `CPU${c}`).toBe(true);
    }
    expect(s.m.s.serial.lines).toContain('GenericSwDispatcher: no save state of the 4 CPUs shows the OUT to 0xB2 (ReadSaveState (IO): Not Found), so SwMmiCpuIndex = CurrentlyExecutingCpu = 0');
    expect(s.timeline.some((e) => /^SwDispatch2Depex: mMmCpu->WriteSaveState \(Width=8, RAX, CpuIndex=0, .*The OUT to 0xB2 came from CPU3: its saved RAX is not written/.test(e.text))).toBe(true);
  });

  it('responsibility (5) §9: (UINTN)-1 never yields 0 (Communicate\'s command), nor 0x02/0x03/0x04/0xFF; values run 0x01, 0x05, 0x06 ... until none is left', () => {
    const s = withChild('while (!EFI_ERROR (Try ((UINTN)-1))) {}');
    const t = tries(s);
    expect(t.slice(0, 4)).toEqual(['Try 0xFFFFFFFFFFFFFFFF: Success 0x1', 'Try 0xFFFFFFFFFFFFFFFF: Success 0x5', 'Try 0xFFFFFFFFFFFFFFFF: Success 0x6', 'Try 0xFFFFFFFFFFFFFFFF: Success 0x7']);
    expect(t.at(-1)).toBe('Try 0xFFFFFFFFFFFFFFFF: Out of Resources 0xFFFFFFFFFFFFFFFF');
    expect(s.m.s.serial.lines).toContain('GenericSwDispatcher: Register: no free SwMmiInputValue left in 0x01..0xFE');
    const values = swRegistrations(s.m).map((r) => r.value);
    for (const v of NEVER_ALLOCATED) expect(values).not.toContain(v);
    expect(values.length).toBe(0x100 - NEVER_ALLOCATED.length); // every value 0x00..0xFF but the five
    expect(t.length).toBe(values.length + 1);
  });

  it('§9.1/§3.2: a value > 0xFF or one already registered is EFI_INVALID_PARAMETER ("only a single child per value"); an explicit free value is taken as is', () => {
    const s = withChild('Try (0x100); Try (0x01); Try (0x01); Try (0x60);');
    expect(tries(s)).toEqual(['Try 0x100: Invalid Parameter 0x100', 'Try 0x1: Success 0x1', 'Try 0x1: Invalid Parameter 0x1', 'Try 0x60: Success 0x60']);
    expect(s.m.s.serial.lines).toContain('GenericSwDispatcher: Register: SwMmiInputValue 0x100 > MaximumSwiValue 0xFF');
    expect(s.m.s.serial.lines).toContain('GenericSwDispatcher: Register: SwMmiInputValue 0x1 already has a child');
    expect(swRegistrations(s.m).map((r) => [r.value, r.module, r.handler])).toEqual([
      [0x01, 'SwChild', 'ChildHandler'],
      [0x60, 'SwChild', 'ChildHandler'],
    ]);
  });

  it('a NULL DispatchFunction, RegisterContext or DispatchHandle is EFI_INVALID_PARAMETER', () => {
    const s = withChild(`{
    EFI_MM_SW_REGISTER_CONTEXT  Ctx;
    EFI_HANDLE                  H;
    Ctx.SwMmiInputValue = (UINTN)-1;
    DEBUG ((DEBUG_INFO, "Null %r %r %r\\n", mSw->Register (mSw, NULL, &Ctx, &H), mSw->Register (mSw, ChildHandler, NULL, &H), mSw->Register (mSw, ChildHandler, &Ctx, NULL)));
  }`);
    expect(s.m.s.serial.lines).toContain('Null Invalid Parameter Invalid Parameter Invalid Parameter');
    expect(swRegistrations(s.m)).toEqual([]);
  });

  it('responsibilities (2)-(4): a C child gets DispatchHandle = its record, Context = the dispatcher\'s copy of its register context, CommBuffer = EFI_MM_SW_CONTEXT, *CommBufferSize = 16', () => {
    const s = withChild('Try ((UINTN)-1);');
    const [rec] = swRegistrations(s.m);
    expect(s.exec('smi 0x01 0x5c --cpu 1 --run').error).toBe(false);
    expect(s.m.s.serial.lines).toContain(`ChildHandler: handle ${rec.handle.toString(16).toUpperCase()} value 0x1 cpu 0 command 0x1 data 0x5C size 16`);
    expect(read64(s.m.s.mem, global(s, 'SwChild', 'mCalls').address)).toBe(1n);
    expect(read64(s.m.s.mem, global(s, 'SwChild', 'mHandles').address)).toBe(BigInt(rec.handle)); // *DispatchHandle = the record
    s.exec('smi 0x05 --run'); // another value: the dictionary has no child, the root handler says QUIESCED
    expect(read64(s.m.s.mem, global(s, 'SwChild', 'mCalls').address)).toBe(1n);
  });

  it('responsibility (5), the hazard: a child registered explicitly at 0x00 runs on every Communicate SMI', () => {
    const s = withChild('Try (0);');
    expect(tries(s)).toEqual(['Try 0x0: Success 0x0']);
    const calls = () => read64(s.m.s.mem, global(s, 'SwChild', 'mCalls').address);
    const boot = calls();
    expect(boot).toBeGreaterThan(100n); // it already ran on every Communicate SMI of the boot after it registered (the variable services' ...)
    expect(s.exec('communicate gEfiSmmVariableProtocolGuid --run').error).toBe(false);
    expect(s.m.s.lastSmi?.communicate).toBe('gEfiSmmVariableProtocolGuid');
    expect(s.m.s.serial.lines.at(-1)).toMatch(/^ChildHandler: .* command 0x0 /);
    expect(calls()).toBe(boot + 1n);
  });

  it('a DispatchFunction that is no function is listed by its address, and the CPU faults when the dispatcher calls it', () => {
    const s = withChild(`{
    EFI_MM_SW_REGISTER_CONTEXT  Ctx;
    EFI_HANDLE                  H;
    Ctx.SwMmiInputValue = 0x66;
    mSw->Register (mSw, (EFI_MM_HANDLER_ENTRY_POINT)(UINTN)0x123450, &Ctx, &H);
  }`);
    expect(swRegistrations(s.m).map((r) => [r.value, r.module, r.handler, r.address])).toEqual([[0x66, '(no module)', '0x123450', 0x123450]]);
    s.exec('smi 0x66 --run');
    expect(s.m.s.hung).toMatchObject({ cpu: 0, module: 'GenericSwDispatcher', where: { file: 'GenericSwDispatcher.c', fn: 'GenericSwMmiHandler' } });
    expect(s.m.s.serial.lines.some((l) => l.includes('Page-Fault') || l.includes('#PF'))).toBe(true);
  });

  it('UnRegister removes the child and frees its record; the same handle again is EFI_INVALID_PARAMETER', () => {
    const s = withChild('Try ((UINTN)-1); DEBUG ((DEBUG_INFO, "UnRegister %r\\n", mSw->UnRegister (mSw, mHandles[0]))); DEBUG ((DEBUG_INFO, "UnRegister %r\\n", mSw->UnRegister (mSw, mHandles[0])));');
    expect(s.m.s.serial.lines.filter((l) => l.startsWith('UnRegister '))).toEqual(['UnRegister Success', 'UnRegister Invalid Parameter']);
    expect(JSON.parse(s.exec('state --json').lines[0]).handlers.sw).toEqual([]);
  });

  it('state --json lists SW registrations as {value, module, handler, handle}', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    expect(JSON.parse(s.exec('state --json').lines[0]).handlers.sw).toEqual([
      { value: '0x01', module: 'SwDispatch2Depex', handler: 'SwMmiSampleHandler', handle: expect.stringMatching(/^0x/) },
    ]);
  });

  it('handlers.sw[] and `handlers` are decoded from the dispatcher\'s bytes: a slot of mSwChild[] cleared or pointed elsewhere in SMRAM changes what they list', () => {
    const s = withChild('Try (0x30); Try (0x31);');
    const table = global(s, 'GenericSwDispatcher', 'mSwChild').address;
    const [a, b] = swRegistrations(s.m);
    expect(s.exec('handlers').lines).toContain(`  0x30: SwChild.ChildHandler  DispatchHandle=0x${a.handle.toString(16).toUpperCase()}`);
    write64(s.m.s.mem, table + 8 * 0x30, 0n);
    expect(swRegistrations(s.m).map((r) => r.value)).toEqual([0x31]);
    write64(s.m.s.mem, table + 8 * 0x7a, BigInt(b.handle)); // the same record under another value
    expect(JSON.parse(s.exec('state --json').lines[0]).handlers.sw.map((r: { value: string }) => r.value)).toEqual(['0x31', '0x7A']);
    write64(s.m.s.mem, table + 8 * 0x30, BigInt(a.handle));
    expect(s.exec('handlers').lines.filter((l) => /^ {2}0x/.test(l))).toHaveLength(3);
  });
});
