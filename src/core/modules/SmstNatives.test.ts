/**
 * The firmware services C code calls through pointers (pi/Native.ts): the SMST's members
 * (smm-c-facts §1.2, §1.4, §1.6, §5.2), EFI_SMM_CPU_PROTOCOL (§1.5), EFI_MM_CPU_IO_PROTOCOL (§1.3)
 * and GenericSwDispatcher's EFI_MM_SW_DISPATCH_PROTOCOL (§1.4), called with C values (Val) against
 * a booted machine.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { type Guid, GUIDS, guidToBytes } from '../lib/Guid';
import { read32, read64, read8, readBytes, write64, writeBytes } from '../machine/Memory';
import { getReg, REG, setReg } from '../machine/Registers';
import { loadImage } from '../pi/Dispatcher';
import { ev, type Gen } from '../pi/Fw';
import { nativeAt } from '../pi/Native';
import { cModuleOf } from '../cdriver/CRun';
import type { Fw, Machine, MmiHandlerFn, ModuleDef, NativeOut, NotifyFn } from '../pi/Platform';
import { SMST } from '../pi/Smst';
import type { Val } from '../smmc/Ast';
import { newModuleRecord } from './PiSmmCore';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Scratch RAM for the arguments C would pass (GUIDs, OUT pointers). */
const SCR = 0x500000;
const NOT_FOUND = 0x800000000000000en;
const INVALID = 0x8000000000000002n;
const UNSUPPORTED = 0x8000000000000003n;
const u64 = (m: Machine, a: number) => read64(m.s.mem, a);

function guidAt(m: Machine, at: number, g: Guid): number {
  writeBytes(m.s.mem, at, guidToBytes(g));
  return at;
}

/** Calls the function whose address is stored at `slot` (a struct member), as C does through a pointer. */
function callAt(fw: Fw, slot: number, args: Val[]): Val {
  const n = nativeAt(fw.m, Number(u64(fw.m, slot)));
  if (!n) throw new Error(`no native at the pointer in ${slot.toString(16)}`);
  return drain(n.impl(fw, args));
}

const smst = (m: Machine) => m.s.smm.smstAddress;

interface Fake {
  rec: ReturnType<typeof newModuleRecord>;
  fw: Fw;
  calls: { ctx: number; comm: number; size: number | null }[];
  notified: { guid: string; iface: number }[];
}

/**
 * A module whose functions are C (functionAt / functionAddress hooks): handler `CHandler` at
 * +0x2468, notification `CNotify` at +0x2500; `inside` runs inside its handler (in an SMI).
 */
function addCModule(s: Session, inside?: (fw: Fw) => Gen<void>): Fake {
  const calls: Fake['calls'] = [];
  const notified: Fake['notified'] = [];
  const CHandler: MmiHandlerFn = function* (fw, _h, ctx, comm, size) {
    calls.push({ ctx, comm, size: size ? size.value : null });
    if (size) size.value = 0x77;
    if (inside) yield* inside(fw);
    yield ev('handler', fw.cpu, 'CHandler');
    return 'EFI_SUCCESS';
  };
  const CNotify: NotifyFn = function* (fw, guid, iface) {
    notified.push({ guid, iface });
    yield ev('handler', fw.cpu, 'CNotify');
    return 'EFI_SUCCESS';
  };
  const def: ModuleDef = {
    name: 'CMod', fileGuid: '0badf00d-0000-4000-8000-0000000000b1', kind: 'DXE_SMM_DRIVER', depex: 'TRUE', imageSize: 0x4000,
    entry: function* () {
      return 'EFI_SUCCESS';
    },
    handlers: { CHandler },
    notifies: { CNotify },
    functionAt: (base, addr) => (addr === base + 0x2468 ? 'CHandler' : addr === base + 0x2500 ? 'CNotify' : null),
    functionAddress: (base, name) => (name === 'CHandler' ? base + 0x2468 : name === 'CNotify' ? base + 0x2500 : null),
    summary: 'test', path: null,
  };
  const defs = new Map(s.m.defs);
  defs.set(def.name, def);
  s.m = { ...s.m, defs };
  const rec = newModuleRecord(def);
  rec.state = 'dispatched';
  s.m.s.modules.push(rec);
  loadImage(s.m, rec);
  return { rec, fw: { m: s.m, mod: rec, cpu: 0 }, calls, notified };
}

const EfiRuntimeServicesData = 6;

describe('smm-c-facts §1.4: SmmLocateProtocol through gSmst', () => {
  it('§1.4 gEfiSmmSwDispatch2ProtocolGuid on OVMF: *Interface = NULL first, returns EFI_NOT_FOUND (0x800000000000000E) as a bigint', () => {
    const s = Session.create();
    const { fw, rec } = addCModule(s);
    const m = s.m;
    write64(m.s.mem, SCR + 0x20, 0xdeadbeefn);
    const r = callAt(fw, smst(m) + SMST.SmmLocateProtocol, [guidAt(m, SCR, GUIDS.gEfiSmmSwDispatch2ProtocolGuid), 0, SCR + 0x20]);
    expect(r).toBe(NOT_FOUND);
    expect(typeof r).toBe('bigint');
    expect(u64(m, SCR + 0x20)).toBe(0n);
    expect(m.s.protocolLookups.find((l) => l.module === rec.name)).toMatchObject({ guid: GUIDS.gEfiSmmSwDispatch2ProtocolGuid, status: 'EFI_NOT_FOUND' });
    expect(callAt(fw, smst(m) + SMST.SmmLocateProtocol, [0, 0, SCR + 0x20])).toBe(INVALID);
  });

  it('§1.5 gEfiSmmCpuProtocolGuid: EFI_SUCCESS (0) and the address of mSmmCpu, whose ReadSaveState @0 / WriteSaveState @8 resolve', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    expect(callAt(fw, smst(m) + SMST.SmmLocateProtocol, [guidAt(m, SCR, GUIDS.gEfiSmmCpuProtocolGuid), 0, SCR + 0x20])).toBe(0);
    const iface = Number(u64(m, SCR + 0x20));
    const cpuMod = m.s.modules.find((x) => x.name === 'PiSmmCpuDxeSmm')!;
    expect(iface).toBe(cpuMod.imageBase + 0x1a180);
    expect(nativeAt(m, Number(u64(m, iface)))).toMatchObject({ module: 'PiSmmCpuDxeSmm', name: 'SmmReadSaveState' });
    expect(nativeAt(m, Number(u64(m, iface + 8)))).toMatchObject({ module: 'PiSmmCpuDxeSmm', name: 'SmmWriteSaveState' });
    expect(m.s.smm.protocols.find((p) => p.guid === GUIDS.gEfiSmmCpuProtocolGuid)?.iface).toBe(iface);
  });
});

describe('smm-c-facts §1.5: EFI_SMM_CPU_PROTOCOL ReadSaveState / WriteSaveState with C arguments', () => {
  it('§1.5 ReadSaveState (8, RAX = 38, CPU 0, Buffer) inside an SMI writes the saved RAX; Buffer NULL or CpuIndex >= NumberOfCpus -> EFI_INVALID_PARAMETER; WriteSaveState lands in RAX after RSM', () => {
    const s = Session.create({ cpus: 2 });
    const results: Val[] = [];
    const m0 = s.m;
    const iface = m0.s.modules.find((x) => x.name === 'PiSmmCpuDxeSmm')!.imageBase + 0x1a180;
    addCModule(s, function* (fw) {
      results.push(callAt(fw, iface, [iface, 8, 38, 0, SCR + 0x40]));
      results.push(callAt(fw, iface, [iface, 8, 38, 0, 0]));
      results.push(callAt(fw, iface, [iface, 8, 38, 2, SCR + 0x40]));
      results.push(callAt(fw, iface, [iface, 8, 38, 0xffffffffffffffffn, SCR + 0x40]));
      write64(fw.m.s.mem, SCR + 0x60, 0x0123456789abcdefn);
      results.push(callAt(fw, iface + 8, [iface, 8, 38, 0, SCR + 0x60]));
    });
    const m = s.m;
    const fake = m.s.modules.find((x) => x.name === 'CMod')!;
    drain(MmiRegisterRoot({ m, mod: fake, cpu: 0 }));
    setReg(m.s.cpus[0].regs, REG.RAX, 0x1122334455667700n);
    expect(s.exec('smi 0x05 --cpu 0 --run').error).toBe(false);
    expect(results).toEqual([0, INVALID, INVALID, INVALID, 0]);
    expect(u64(m, SCR + 0x40)).toBe(0x1122334455667705n); // the OUT put 0x05 in AL
    expect(getReg(m.s.cpus[0].regs, REG.RAX)).toBe(0x0123456789abcdefn);
  });

  it('§1.5 ReadSaveState of a CPU that is not in the SMI is EFI_INVALID_PARAMETER (unicast SMI on OVMF: only CPU0)', () => {
    const s = Session.create({ cpus: 2, broadcast: false });
    const results: Val[] = [];
    const iface = s.m.s.modules.find((x) => x.name === 'PiSmmCpuDxeSmm')!.imageBase + 0x1a180;
    const { fw } = addCModule(s, function* (f) {
      results.push(callAt(f, iface, [iface, 8, 38, 1, SCR + 0x40]));
    });
    drain(MmiRegisterRoot(fw));
    s.exec('smi 0x05 --cpu 0 --run');
    expect(results).toEqual([INVALID]);
  });
});

describe('smm-c-facts §1.5: the C run loop calls ReadSaveState without a generator (oneEventNative), in the same order', () => {
  it('§1.5 ReadSaveState reports its event before it writes Buffer, called as a generator or as `once` then `after`', () => {
    const s = Session.create({ cpus: 2 });
    const seen: { buffer: bigint; text: string; value: Val }[] = [];
    const iface = s.m.s.modules.find((x) => x.name === 'PiSmmCpuDxeSmm')!.imageBase + 0x1a180;
    const { fw } = addCModule(s, function* (f) {
      const n = nativeAt(f.m, Number(u64(f.m, iface)))!;
      // As a generator (TypeScript callers): the event comes first, Buffer is written when it is resumed.
      write64(f.m.s.mem, SCR + 0x40, 0x5555n);
      const g = n.impl(f, [iface, 8, 38, 0, SCR + 0x40]);
      const first = g.next();
      expect(first.done).toBe(false);
      const before = u64(f.m, SCR + 0x40);
      const last = g.next();
      expect(last.done).toBe(true);
      seen.push({ buffer: before, text: (first.value as { text: string }).text, value: last.value as Val });
      // As the C run loop calls it: `once` leaves the event and the write for after it.
      write64(f.m.s.mem, SCR + 0x40, 0x5555n);
      const out: NativeOut = { event: null, after: null };
      const v = n.impl.once!(f, [iface, 8, 38, 0, SCR + 0x40], out);
      const mid = u64(f.m, SCR + 0x40);
      const value = out.after ? out.after() : v;
      seen.push({ buffer: mid, text: out.event!.text, value });
      expect(u64(f.m, SCR + 0x40)).toBe(0x1122334455667705n);
    });
    drain(MmiRegisterRoot(fw));
    setReg(s.m.s.cpus[0].regs, REG.RAX, 0x1122334455667700n);
    expect(s.exec('smi 0x05 --cpu 0 --run').error).toBe(false);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0].buffer).toBe(0x5555n);
    expect(seen[0].value).toBe(0);
    expect(seen[0].text).toBe('CMod: mMmCpu->ReadSaveState (Width=8, RAX, CpuIndex=0) = EFI_SUCCESS, 0x1122334455667705');
  });
});

describe('smm-c-facts §1.2: gSmst->SmmStartupThisAp (PiSmmCpuDxeSmm, copied into the SMST on every SMI)', () => {
  it.each([
    ['traditional', [INVALID, INVALID, UNSUPPORTED]],
    ['relaxed', [INVALID, INVALID, INVALID]],
  ] as const)('§1.2 %s sync: the running CPU and CpuIndex >= NumberOfCpus are EFI_INVALID_PARAMETER; a Present AP is EFI_UNSUPPORTED (SmiScope runs no procedure on another CPU), an AP not yet Present EFI_INVALID_PARAMETER', (sync, want) => {
    const s = Session.create({ cpus: 4, syncMode: sync });
    const results: Val[] = [];
    const { fw } = addCModule(s, function* (f) {
      const at = smst(f.m) + SMST.SmmStartupThisAp;
      results.push(callAt(f, at, [0x1234, 0, 0]), callAt(f, at, [0x1234, 9, 0]), callAt(f, at, [0x1234, 2, 0]));
    });
    drain(MmiRegisterRoot(fw));
    s.exec('smi 0x05 --run');
    expect(results).toEqual(want);
  });
});

/** SmiHandlerRegister (CHandler, NULL, &DispatchHandle) through gSmst, as C registers a root handler. */
function* MmiRegisterRoot(fw: Fw): Gen<Val> {
  const m = fw.m;
  const n = nativeAt(m, Number(u64(m, smst(m) + SMST.SmiHandlerRegister)))!;
  return yield* n.impl(fw, [fw.mod.imageBase + 0x2468, 0, SCR + 0x80]);
}

describe('smm-c-facts §1.2/§1.6: the MMI services through gSmst', () => {
  it('§1.6 SmiHandlerRegister (Handler address, NULL, &DispatchHandle): the C module\'s functionAt names the handler; it runs on every SMI; the SMI_HANDLER holds the address', () => {
    const s = Session.create();
    const fake = addCModule(s);
    const m = s.m;
    expect(drain(MmiRegisterRoot(fake.fw))).toBe(0);
    const handle = Number(u64(m, SCR + 0x80));
    const rec = m.s.smm.root.find((h) => h.handle === handle);
    expect(rec).toMatchObject({ module: 'CMod', handler: 'CHandler' });
    expect(rec!.address).toBeUndefined();
    expect(read32(m.s.mem, handle + 24)).toBe(fake.rec.imageBase + 0x2468);
    s.exec('smi 0x05 --run');
    expect(fake.calls).toEqual([{ ctx: 0, comm: 0, size: null }]);
    const sr = nativeAt(m, Number(u64(m, smst(m) + SMST.SmiHandlerRegister)))!;
    expect(drain(sr.impl(fake.fw, [0, 0, SCR + 0x80]))).toBe(INVALID); // Handler NULL
    expect(drain(sr.impl(fake.fw, [fake.rec.imageBase + 0x2468, 0, 0]))).toBe(INVALID); // DispatchHandle NULL
    // SmiHandlerUnRegister (DispatchHandle): gone, no more calls.
    expect(callAt(fake.fw, smst(m) + SMST.SmiHandlerUnRegister, [handle])).toBe(0);
    s.exec('smi 0x05 --run');
    expect(fake.calls).toHaveLength(1);
  });

  it('§1.6 Smi.c does not check Handler: an address that is no function is recorded, and SmiManage calling it stops the CPU (hung, named)', () => {
    const s = Session.create();
    const fake = addCModule(s);
    const m = s.m;
    const sr = nativeAt(m, Number(u64(m, smst(m) + SMST.SmiHandlerRegister)))!;
    const bogus = fake.rec.imageBase + 0x2999;
    expect(drain(sr.impl(fake.fw, [bogus, 0, SCR + 0x80]))).toBe(0);
    expect(m.s.smm.root.at(-1)).toMatchObject({ module: 'CMod', address: bogus });
    s.exec('smi 0x05 --run');
    expect(s.m.s.hung).toMatchObject({ module: 'CMod', cpu: 0 });
    expect(s.m.s.hung!.message).toMatch(/SmiManage calls Handler 0x[0-9A-F]+ .*no function starts there/);
  });

  it('§1.6 SmiManage (HandlerType, Context, CommBuffer, &CommBufferSize) through gSmst: GUID handlers get the size by pointer and change it; an unknown GUID is EFI_NOT_FOUND', () => {
    const s = Session.create();
    const fake = addCModule(s);
    const m = s.m;
    const type: Guid = '0badf00d-1111-4000-8000-0000000000c1';
    const sr = nativeAt(m, Number(u64(m, smst(m) + SMST.SmiHandlerRegister)))!;
    expect(drain(sr.impl(fake.fw, [fake.rec.imageBase + 0x2468, guidAt(m, SCR, type), SCR + 0x80]))).toBe(0);
    write64(m.s.mem, SCR + 0x90, 0x10n);
    expect(callAt(fake.fw, smst(m) + SMST.SmiManage, [SCR, 0x1234, SCR + 0x100, SCR + 0x90])).toBe(0);
    expect(fake.calls).toEqual([{ ctx: 0x1234, comm: SCR + 0x100, size: 0x10 }]);
    expect(u64(m, SCR + 0x90)).toBe(0x77n);
    expect(callAt(fake.fw, smst(m) + SMST.SmiManage, [guidAt(m, SCR + 0x20, '0badf00d-2222-4000-8000-0000000000c2'), 0, 0, 0])).toBe(NOT_FOUND);
  });
});

describe('smm-c-facts §1.2: the protocol database through gSmst (Handle.c, Locate.c, Notify.c)', () => {
  const G: Guid = '0badf00d-3333-4000-8000-0000000000d1';

  it('§1.2 SmmInstallProtocolInterface (&Handle = NULL, ...): a new IHANDLE (\'shdl\') written back; HandleProtocol finds the interface; the same GUID twice on it is EFI_INVALID_PARAMETER; LocateHandle ByProtocol sizes and fills; UninstallProtocolInterface frees the handle', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const st = smst(m);
    const guid = guidAt(m, SCR, G);
    write64(m.s.mem, SCR + 0x20, 0n);
    expect(callAt(fw, st + SMST.SmmInstallProtocolInterface, [SCR + 0x20, guid, 0, 0xabc000])).toBe(0);
    const h = Number(u64(m, SCR + 0x20));
    expect(u64(m, h)).toBe(0x6c646873n); // 'shdl'
    expect(s.m.s.serial.lines).toContain('SmmInstallProtocolInterface: 0BADF00D-3333-4000-8000-0000000000D1 ABC000');
    expect(callAt(fw, st + SMST.SmmInstallProtocolInterface, [SCR + 0x20, guid, 1, 0xabc000])).toBe(INVALID); // not EFI_NATIVE_INTERFACE
    expect(callAt(fw, st + SMST.SmmInstallProtocolInterface, [SCR + 0x20, guid, 0, 0xabd000])).toBe(INVALID); // already on the handle
    expect(callAt(fw, st + SMST.SmmHandleProtocol, [h, guid, SCR + 0x28])).toBe(0);
    expect(u64(m, SCR + 0x28)).toBe(0xabc000n);
    expect(callAt(fw, st + SMST.SmmHandleProtocol, [h, guidAt(m, SCR + 0x40, GUIDS.gEfiSmmCpuProtocolGuid), SCR + 0x28])).toBe(UNSUPPORTED);
    expect(u64(m, SCR + 0x28)).toBe(0n); // *Interface = NULL first
    // LocateHandle (ByProtocol, G, NULL, &Size = 0, NULL): EFI_BUFFER_TOO_SMALL, Size = 8; then the handle.
    write64(m.s.mem, SCR + 0x30, 0n);
    expect(callAt(fw, st + SMST.SmmLocateHandle, [2, guid, 0, SCR + 0x30, 0])).toBe(0x8000000000000005n);
    expect(u64(m, SCR + 0x30)).toBe(8n);
    expect(callAt(fw, st + SMST.SmmLocateHandle, [2, guid, 0, SCR + 0x30, SCR + 0x38])).toBe(0);
    expect(u64(m, SCR + 0x38)).toBe(BigInt(h));
    expect(callAt(fw, st + SMST.SmmUninstallProtocolInterface, [h, guid, 0xabd000])).toBe(NOT_FOUND);
    expect(callAt(fw, st + SMST.SmmUninstallProtocolInterface, [h, guid, 0xabc000])).toBe(0);
    expect(read32(m.s.mem, h)).toBe(0); // freed with its last protocol
    expect(callAt(fw, st + SMST.SmmHandleProtocol, [h, guid, SCR + 0x28])).toBe(INVALID);
    expect(callAt(fw, st + SMST.SmmLocateProtocol, [guid, 0, SCR + 0x28])).toBe(NOT_FOUND);
  });

  it('§1.2 the TypeScript drivers\' interfaces get a handle when C code asks: LocateHandle ByProtocol (gEfiSmmCpuProtocolGuid) -> HandleProtocol gives mSmmCpu; AllHandles lists every driver', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const st = smst(m);
    write64(m.s.mem, SCR + 0x30, 0x100n);
    expect(callAt(fw, st + SMST.SmmLocateHandle, [2, guidAt(m, SCR, GUIDS.gEfiSmmCpuProtocolGuid), 0, SCR + 0x30, SCR + 0x100])).toBe(0);
    expect(u64(m, SCR + 0x30)).toBe(8n);
    const h = Number(u64(m, SCR + 0x100));
    expect(callAt(fw, st + SMST.SmmHandleProtocol, [h, SCR, SCR + 0x28])).toBe(0);
    expect(Number(u64(m, SCR + 0x28))).toBe(m.s.modules.find((x) => x.name === 'PiSmmCpuDxeSmm')!.imageBase + 0x1a180);
    write64(m.s.mem, SCR + 0x30, 0x100n);
    expect(callAt(fw, st + SMST.SmmLocateHandle, [0, 0, 0, SCR + 0x30, SCR + 0x100])).toBe(0);
    const installers = new Set(m.s.smm.protocols.map((p) => p.module));
    expect(Number(u64(m, SCR + 0x30))).toBe(8 * installers.size);
  });

  it('§1.6 SmmRegisterProtocolNotify (G, Function, &Registration): later installs call it; SmmLocateProtocol (G, Registration) walks the new ones; Function NULL unregisters', () => {
    const s = Session.create();
    const fake = addCModule(s);
    const { fw } = fake;
    const m = s.m;
    const st = smst(m);
    const guid = guidAt(m, SCR, G);
    expect(callAt(fw, st + SMST.SmmInstallProtocolInterface, [SCR + 0x20, guid, 0, 0xa1000])).toBe(0); // before: not notified
    expect(callAt(fw, st + SMST.SmmRegisterProtocolNotify, [guid, fake.rec.imageBase + 0x2500, SCR + 0x48])).toBe(0);
    const reg = Number(u64(m, SCR + 0x48));
    expect(read32(m.s.mem, reg)).toBe(0x6e747073); // 'sptn'
    expect(callAt(fw, st + SMST.SmmRegisterProtocolNotify, [guid, fake.rec.imageBase + 0x2500, SCR + 0x50])).toBe(0);
    expect(Number(u64(m, SCR + 0x50))).toBe(reg); // the same Function again: the same registration
    expect(callAt(fw, st + SMST.SmmLocateProtocol, [guid, reg, SCR + 0x28])).toBe(NOT_FOUND); // nothing new yet
    write64(m.s.mem, SCR + 0x20, 0n);
    expect(callAt(fw, st + SMST.SmmInstallProtocolInterface, [SCR + 0x20, guid, 0, 0xa2000])).toBe(0);
    expect(fake.notified).toEqual([{ guid: G, iface: 0xa2000 }]);
    expect(callAt(fw, st + SMST.SmmLocateProtocol, [guid, reg, SCR + 0x28])).toBe(0);
    expect(u64(m, SCR + 0x28)).toBe(0xa2000n);
    expect(callAt(fw, st + SMST.SmmLocateProtocol, [guid, reg, SCR + 0x28])).toBe(NOT_FOUND);
    write64(m.s.mem, SCR + 0x48, BigInt(reg));
    expect(callAt(fw, st + SMST.SmmRegisterProtocolNotify, [guid, 0, SCR + 0x48])).toBe(0);
    expect(callAt(fw, st + SMST.SmmRegisterProtocolNotify, [guid, 0, SCR + 0x48])).toBe(NOT_FOUND);
    write64(m.s.mem, SCR + 0x20, 0n);
    expect(callAt(fw, st + SMST.SmmInstallProtocolInterface, [SCR + 0x20, guid, 0, 0xa3000])).toBe(0);
    expect(fake.notified).toHaveLength(1);
  });
});

describe('smm-c-facts §5.2 / §1.2: memory and the configuration table through gSmst', () => {
  it('§5.2 SmmAllocatePool: only EfiRuntimeServicesCode/Data; small blocks from the pool, Size + 40 > 2048 from whole pages at page + 24; SmmFreePool (NULL) is EFI_INVALID_PARAMETER', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const st = smst(m);
    expect(callAt(fw, st + SMST.SmmAllocatePool, [4 /* EfiBootServicesData */, 0x20, SCR])).toBe(INVALID);
    expect(callAt(fw, st + SMST.SmmAllocatePool, [EfiRuntimeServicesData, 0x20, SCR])).toBe(0);
    const small = Number(u64(m, SCR));
    const { tsegBase, tsegSize } = m.s.config;
    expect(small >= tsegBase && small < tsegBase + tsegSize).toBe(true);
    expect(small % 8).toBe(0);
    expect(callAt(fw, st + SMST.SmmAllocatePool, [EfiRuntimeServicesData, 0x1000, SCR])).toBe(0);
    expect(Number(u64(m, SCR)) % 0x1000).toBe(24);
    expect(callAt(fw, st + SMST.SmmFreePool, [0])).toBe(INVALID);
    expect(callAt(fw, st + SMST.SmmFreePool, [small])).toBe(0);
  });

  it('§5.2 SmmAllocatePages (AllocateAnyPages, EfiRuntimeServicesData, 2, &Memory): top-down from free SMRAM; a wrong memory type, AllocateAddress and an unaligned SmmFreePages are refused', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const st = smst(m);
    const top = m.s.smm.allocTop;
    expect(callAt(fw, st + SMST.SmmAllocatePages, [0, EfiRuntimeServicesData, 2, SCR])).toBe(0);
    expect(Number(u64(m, SCR))).toBe(top - 0x2000);
    expect(callAt(fw, st + SMST.SmmAllocatePages, [0, 4, 1, SCR])).toBe(INVALID);
    write64(m.s.mem, SCR, 0x7f100000n);
    expect(callAt(fw, st + SMST.SmmAllocatePages, [2, EfiRuntimeServicesData, 1, SCR])).toBe(NOT_FOUND);
    expect(callAt(fw, st + SMST.SmmFreePages, [top - 0x1ff0, 1])).toBe(INVALID);
    expect(callAt(fw, st + SMST.SmmFreePages, [top - 0x2000, 2])).toBe(0);
  });

  it('§1.2 SmmInstallConfigurationTable: add, modify, add, delete (the rest moves down), NumberOfTableEntries and SmmConfigurationTable follow; Guid NULL / deleting the unknown are refused', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const st = smst(m);
    const A = guidAt(m, SCR, '0badf00d-4444-4000-8000-0000000000e1');
    const B = guidAt(m, SCR + 0x10, '0badf00d-5555-4000-8000-0000000000e2');
    expect(callAt(fw, st + SMST.SmmInstallConfigurationTable, [st, 0, 0x1000, 0])).toBe(INVALID);
    expect(callAt(fw, st + SMST.SmmInstallConfigurationTable, [st, A, 0xa000, 0])).toBe(0);
    expect(u64(m, st + SMST.NumberOfTableEntries)).toBe(1n);
    const table = Number(u64(m, st + SMST.SmmConfigurationTable));
    expect(table).not.toBe(0);
    expect([...readBytes(m.s.mem, table, 16)]).toEqual([...readBytes(m.s.mem, A, 16)]);
    expect(callAt(fw, st + SMST.SmmInstallConfigurationTable, [st, A, 0xa100, 0])).toBe(0);
    expect(u64(m, table + 16)).toBe(0xa100n);
    expect(callAt(fw, st + SMST.SmmInstallConfigurationTable, [st, B, 0xb000, 0])).toBe(0);
    expect(u64(m, st + SMST.NumberOfTableEntries)).toBe(2n);
    expect(callAt(fw, st + SMST.SmmInstallConfigurationTable, [st, A, 0, 0])).toBe(0);
    expect(u64(m, st + SMST.NumberOfTableEntries)).toBe(1n);
    expect([...readBytes(m.s.mem, table, 16)]).toEqual([...readBytes(m.s.mem, B, 16)]);
    expect(u64(m, table + 16)).toBe(0xb000n);
    expect(callAt(fw, st + SMST.SmmInstallConfigurationTable, [st, A, 0, 0])).toBe(NOT_FOUND);
  });
});

describe('smm-c-facts §1.3: EFI_MM_CPU_IO_PROTOCOL (CpuIo2Smm) as a struct of natives', () => {
  it('§1.3 mSmmCpuIo2 is 32 bytes at +0x3020 of CpuIo2Smm (Mem.Read, Mem.Write, Io.Read, Io.Write), the same bytes as gSmst->SmmIo; SmmLocateProtocol returns it', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const io = m.s.modules.find((x) => x.name === 'CpuIo2Smm')!;
    const iface = io.imageBase + 0x3020;
    expect(callAt(fw, smst(m) + SMST.SmmLocateProtocol, [guidAt(m, SCR, GUIDS.gEfiSmmCpuIo2ProtocolGuid), 0, SCR + 0x20])).toBe(0);
    expect(Number(u64(m, SCR + 0x20))).toBe(iface);
    expect([...readBytes(m.s.mem, iface, 32)]).toEqual([...readBytes(m.s.mem, smst(m) + 0x30, 32)]);
    expect([0, 8, 16, 24].map((o) => nativeAt(m, Number(u64(m, iface + o)))?.name)).toEqual(['CpuMemoryServiceRead', 'CpuMemoryServiceWrite', 'CpuIoServiceRead', 'CpuIoServiceWrite']);
  });

  it('§1.3 CpuIoCheckParameter: Buffer NULL, Width > UINT64, I/O with UINT64 -> EFI_INVALID_PARAMETER; unaligned or past the end -> EFI_UNSUPPORTED', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const io = smst(m) + 0x30;
    const IoRead = io + 16;
    const MemRead = io;
    expect(callAt(fw, IoRead, [io, 0, 0xb2, 1, 0])).toBe(INVALID);
    expect(callAt(fw, IoRead, [io, 4, 0xb2, 1, SCR])).toBe(INVALID);
    expect(callAt(fw, IoRead, [io, 3, 0xb0, 1, SCR])).toBe(INVALID);
    expect(callAt(fw, MemRead, [io, 3, 0x1000, 1, SCR])).toBe(0); // UINT64 is fine for MMIO
    expect(callAt(fw, IoRead, [io, 1, 0xb3, 1, SCR])).toBe(UNSUPPORTED); // not 2-byte aligned
    expect(callAt(fw, IoRead, [io, 2, 0xfffc, 2, SCR])).toBe(UNSUPPORTED); // runs past 0xFFFF
    expect(callAt(fw, IoRead, [io, 2, 0xfffc, 1, SCR])).toBe(0);
    expect(callAt(fw, MemRead, [io, 0, 0xffffffffffffffffn, 2, SCR])).toBe(UNSUPPORTED);
  });

  it('§1.3 Io.Write (UINT8, 0xB3, 1) sets APM_STS; Io.Read (UINT8, 0xB2, 2) reads APM_CNT and APM_STS; Mem.Write / Mem.Read go to memory', () => {
    const s = Session.create();
    const { fw } = addCModule(s);
    const m = s.m;
    const io = smst(m) + 0x30;
    writeBytes(m.s.mem, SCR, Uint8Array.of(0x5a));
    expect(callAt(fw, io + 24, [io, 0, 0xb3, 1, SCR])).toBe(0);
    expect(m.s.lpc.apms).toBe(0x5a);
    expect(callAt(fw, io + 16, [io, 0, 0xb2, 2, SCR + 0x10])).toBe(0);
    expect([read8(m.s.mem, SCR + 0x10), read8(m.s.mem, SCR + 0x11)]).toEqual([m.s.lpc.apmc, 0x5a]);
    write64(m.s.mem, SCR + 0x20, 0x1122334455667788n);
    expect(callAt(fw, io + 8, [io, 2, SCR + 0x100, 2, SCR + 0x20])).toBe(0);
    expect(u64(m, SCR + 0x100)).toBe(0x1122334455667788n);
    expect(callAt(fw, io, [io, 3, SCR + 0x100, 1, SCR + 0x200])).toBe(0);
    expect(u64(m, SCR + 0x200)).toBe(0x1122334455667788n);
  });
});

describe('smm-c-facts §1.4: GenericSwDispatcher\'s EFI_MM_SW_DISPATCH_PROTOCOL as a struct (an emulator extension: OVMF has none)', () => {
  it('§1.4 SmmLocateProtocol hands out the SMM-C dispatcher\'s global: Register @0 and UnRegister @8 lead to its C functions (no natives), MaximumSwiValue 0xFF @16', () => {
    const s = Session.create();
    s.exec('platform ovmf --module GenericSwDispatcher');
    const fake = addCModule(s);
    const m = s.m;
    expect(callAt(fake.fw, smst(m) + SMST.SmmLocateProtocol, [guidAt(m, SCR, GUIDS.gEfiSmmSwDispatch2ProtocolGuid), 0, SCR + 0x20])).toBe(0);
    const iface = Number(u64(m, SCR + 0x20));
    const rec = m.s.modules.find((x) => x.name === 'GenericSwDispatcher')!;
    const image = cModuleOf(m.defs.get('GenericSwDispatcher'))!.image(rec.imageBase);
    expect(iface).toBe(image.symbols.get('mSwDispatch')!.address);
    expect(u64(m, iface + 16)).toBe(0xffn);
    for (const [off, name] of [[0, 'SwDispatchRegister'], [8, 'SwDispatchUnRegister']] as const) {
      const fn = Number(u64(m, iface + off));
      expect(nativeAt(m, fn)).toBeNull();
      expect(image.fnByAddress.get(fn)?.name).toBe(name);
    }
  });
});
