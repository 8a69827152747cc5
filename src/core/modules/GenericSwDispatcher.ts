/**
 * The "universal" EFI_MM_SW_DISPATCH_PROTOCOL producer Laszlo Ersek describes in the seed thread
 * (not part of upstream OVMF; add it with `platform ovmf --module GenericSwDispatcher`). Its five
 * responsibilities, as the thread lists them:
 *  (1) install a root MMI handler;
 *  (2) fetch Command and Data from the same registers SmmControl2's Trigger writes (0xB2, 0xB3);
 *  (3) look the Command up in the dictionary Register()/UnRegister() manage;
 *  (4) on a match call the child with EFI_MM_SW_CONTEXT, passing Data (from 0xB3) along;
 *  (5) never hand out, for SwMmiInputValue (UINTN)-1, the command value Trigger writes for a
 *      Communicate (0, CommandPort NULL) - else a Communicate would be mistaken for that SW MMI.
 * Register follows the chipset dispatchers (facts §9): (UINTN)-1 -> first free value in 1..0xFE;
 * > 0xFF or a duplicate -> EFI_INVALID_PARAMETER. SwMmiCpuIndex: like Quark's SwGetBuffer, the first
 * CPU whose save state shows the OUT to 0xB2; on QEMU none does (ReadSaveState(IO) = EFI_NOT_FOUND,
 * facts §5.1), so it falls back to gSmst->CurrentlyExecutingCpu - the SMM BSP, which OVMF's
 * PlatformSmmBspElection makes CPU0 on every SMI (facts §12.1) - and says so.
 */

import { bumpTables, type Machine } from '../pi/Platform';
import { read64, write64, write8 } from '../machine/Memory';
import { ICH9_APM_CNT, ICH9_APM_STS } from '../machine/Ich9Lpc';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, ev, type Gen, hex, lazyEv, tag } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { GUIDS } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { addrOf, handlerAt, nativeAddress, readUintn, statusVal, u64Of, writeUintn } from '../pi/Native';
import { SmmInstallProtocolInterface } from '../pi/ProtocolDb';
export type { SwRegistration } from '../pi/Platform';
import type { NativeImpl, SwRegistration } from '../pi/Platform';
import { smmAllocatePool } from '../pi/SmramAlloc';
import { MmCpuIoRead } from './CpuIo2Smm';
import type { ModuleDef } from '../pi/Platform';
import { EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER, readSaveState } from './SmmCpuSaveState';

/** MaximumSwiValue of the protocol instance. */
export const MAXIMUM_SWI_VALUE = 0xff;
/** (UINTN)-1 on X64: "allocate a value for me". */
export const SW_SMI_INPUT_VALUE_ANY = 0xffffffffffffffffn;
/** sizeof (EFI_MM_SW_CONTEXT) on X64: UINTN SwMmiCpuIndex, UINT8 CommandPort, UINT8 DataPort (+ padding). */
export const EFI_MM_SW_CONTEXT_SIZE = 16;

/**
 * Values (UINTN)-1 never yields: 0 (responsibility 5), 0x02/0x03 (QEMU's ICH9 swallows them as
 * ACPI enable/disable, facts §4.4: a child there would never run), 0x04 (OVMF's CPU hotplug MMI,
 * handled by CpuHotplugSmm's root handler) and 0xFF (kept free, as Alder Lake's dispatcher does).
 */
export const NEVER_ALLOCATED = [0x00, 0x02, 0x03, 0x04, 0xff];

function dispatcherInstalled(m: Machine): boolean {
  return m.s.smm.protocols.some((p) => p.guid === GUIDS.gEfiSmmSwDispatch2ProtocolGuid && p.module === 'GenericSwDispatcher');
}

/**
 * EFI_MM_SW_DISPATCH_PROTOCOL.Register, called by a child module `fw` for its function `handler`.
 * `requested` is RegisterContext->SwMmiInputValue; the value used is written back (IN OUT).
 * @retval EFI_SUCCESS, EFI_INVALID_PARAMETER (> MaximumSwiValue, or already registered),
 *         EFI_OUT_OF_RESOURCES (no free value / pool exhausted), EFI_NOT_FOUND (no dispatcher in this firmware).
 */
export function* SwDispatchRegister(fw: Fw, handler: string, requested: bigint, module = fw.mod.name, address?: number): Gen<[EfiStatus, number, number]> {
  const { m } = fw;
  const regs = m.s.sw;
  const reqText = requested === SW_SMI_INPUT_VALUE_ANY ? '(UINTN)-1' : hex(requested, 2);
  let status: EfiStatus;
  let value = -1;
  let why: string;
  if (!dispatcherInstalled(m)) {
    status = 'EFI_NOT_FOUND';
    why = 'no EFI_MM_SW_DISPATCH_PROTOCOL in this firmware';
  } else if (requested === SW_SMI_INPUT_VALUE_ANY) {
    // Responsibility (5): never 0 (Communicate's command byte); see NEVER_ALLOCATED for the rest.
    for (let v = 1; v < MAXIMUM_SWI_VALUE; v++) {
      if (!NEVER_ALLOCATED.includes(v) && !regs.some((r) => r.value === v)) {
        value = v;
        break;
      }
    }
    status = value < 0 ? 'EFI_OUT_OF_RESOURCES' : 'EFI_SUCCESS';
    why = value < 0 ? 'no free value in 0x01..0xFE' : `allocated ${hex(value, 2)} (first free value; never 0x00 = Communicate's command, 0x02/0x03 = swallowed by QEMU, 0x04 = CPU hotplug)`;
  } else if (requested > BigInt(MAXIMUM_SWI_VALUE)) {
    status = 'EFI_INVALID_PARAMETER';
    why = `SwMmiInputValue ${reqText} > MaximumSwiValue 0xFF`;
  } else if (regs.some((r) => BigInt(r.value) === requested)) {
    status = 'EFI_INVALID_PARAMETER';
    why = `${reqText} is already registered (only a single child per value)`;
  } else {
    value = Number(requested);
    status = 'EFI_SUCCESS';
    why = value === 0 ? 'registered 0x00: every Communicate SMI writes 0 to 0xB2 and will look like this SW MMI' : `registered ${reqText}`;
  }
  let handle = 0;
  if (status === 'EFI_SUCCESS') {
    const rec = smmAllocatePool(m, 8 + EFI_MM_SW_CONTEXT_SIZE);
    if (rec === null) {
      status = 'EFI_OUT_OF_RESOURCES';
      why = 'SMRAM pool exhausted';
    } else {
      handle = rec;
      write64(m.s.mem, rec, BigInt(value)); // EFI_MM_SW_REGISTER_CONTEXT.SwMmiInputValue
      const reg: SwRegistration = { value, module, handler, handle };
      if (address !== undefined) reg.address = address;
      regs.push(reg);
      bumpTables(m);
    }
  }
  yield ev('handler', fw.cpu, `${fw.mod.name}: SwDispatch->Register (${handler}, SwMmiInputValue=${reqText}) = ${status}: ${why}`);
  return [status, value, handle];
}

/** EFI_MM_SW_DISPATCH_PROTOCOL.UnRegister. */
export function* SwDispatchUnRegister(fw: Fw, handle: number): Gen<EfiStatus> {
  const regs = fw.m.s.sw;
  const i = regs.findIndex((r) => r.handle === handle);
  const status: EfiStatus = i < 0 ? 'EFI_INVALID_PARAMETER' : 'EFI_SUCCESS';
  if (i >= 0) {
    regs.splice(i, 1);
    bumpTables(fw.m);
  }
  yield ev('handler', fw.cpu, `${fw.mod.name}: SwDispatch->UnRegister (${hex(handle)}) = ${status}`);
  return status;
}

/** Quark-style SwGetBuffer: the first CPU whose save state shows an OUT to 0xB2. */
function swMmiCpuIndex(m: Machine): { cpu: number; how: string } {
  for (let i = 0; i < m.s.cpus.length; i++) {
    const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER.IO, i);
    if (r.status === 'EFI_SUCCESS' && r.io?.ioPort === ICH9_APM_CNT) return { cpu: i, how: `CPU${i}'s save state shows the OUT to 0xB2` };
  }
  const bsp = m.s.smm.currentlyExecutingCpu;
  const caller = m.s.currentSmi?.cpu ?? bsp;
  return {
    cpu: bsp,
    how: `no CPU's save state describes the OUT (QEMU: ReadSaveState(IO) = EFI_NOT_FOUND), so SwMmiCpuIndex = CurrentlyExecutingCpu = ${bsp}, the SMM BSP (always CPU0 on OVMF)` +
      (caller !== bsp ? `, not CPU${caller} that executed the OUT` : ''),
  };
}

/** Responsibilities (2)-(4): the root MMI handler. */
const GenericSwMmiHandler: MmiHandlerFn = function* (fw) {
  const { m } = fw;
  const [, command] = yield* MmCpuIoRead(fw, 0, ICH9_APM_CNT);
  const [, data] = yield* MmCpuIoRead(fw, 0, ICH9_APM_STS);
  const matches = m.s.sw.filter((r) => r.value === command);
  if (matches.length === 0) {
    yield lazyEv('handler', fw.cpu, () => `GenericSwMmiHandler: command ${hex(command, 2)} has no registered child -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED`);
    return 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
  }
  const who = swMmiCpuIndex(m);
  for (const rec of matches) {
    const ctx = rec.handle + 8;
    write64(m.s.mem, ctx, BigInt(who.cpu)); // SwMmiCpuIndex
    write8(m.s.mem, ctx + 8, command); // CommandPort
    write8(m.s.mem, ctx + 9, data); // DataPort
    const def = m.defs.get(rec.module);
    const mod = m.s.modules.find((x) => x.name === rec.module);
    const fn = def?.handlers[rec.handler];
    if (!fn || !mod) {
      if (rec.address === undefined) continue;
      // A DispatchFunction pointer Register took that leads to no function.
      const what = `GenericSwMmiHandler calls DispatchFunction ${hex(rec.address)} (registered by ${rec.module} for ${hex(command, 2)}): no function starts there, so the CPU would execute whatever bytes lie at that address`;
      yield ev('handler', fw.cpu, `${what}; SmiScope cannot run them and stops the CPU (CpuDeadLoop) - on hardware expect a #UD or #PF exception`, 'phase');
      throw new CpuDeadLoop(fw.cpu, rec.module, what);
    }
    const enter = ev('handler', fw.cpu, `GenericSwMmiHandler: command ${hex(command, 2)} -> child ${rec.module}.${rec.handler} (EFI_MM_SW_CONTEXT {SwMmiCpuIndex=${who.cpu}, CommandPort=${hex(command, 2)}, DataPort=${hex(data, 2)}}; ${who.how})`);
    enter.handler = rec.handler;
    yield enter;
    const size = { value: EFI_MM_SW_CONTEXT_SIZE };
    const call = { handler: rec.handler, module: rec.module, kind: 'sw' as const, returned: '(running)' };
    m.s.currentSmi?.handlersCalled.push(call);
    const status = yield* fn({ m, mod, cpu: fw.cpu }, rec.handle, rec.handle, ctx, size);
    call.returned = status;
    yield ev('handler', fw.cpu, `${rec.module}.${rec.handler} returned ${status}`, 'phase');
  }
  return 'EFI_SUCCESS';
};

/** Reads a child's EFI_MM_SW_CONTEXT from SMRAM (what the child sees through CommBuffer). */
export function readSwContext(m: Machine, commBuffer: number): { cpu: number; command: number; data: number } {
  const b = m.s.mem;
  return { cpu: Number(read64(b, commBuffer)), command: Number(read64(b, commBuffer + 8) & 0xffn), data: Number((read64(b, commBuffer + 8) >> 8n) & 0xffn) };
}

/**
 * EFI_MM_SW_DISPATCH_PROTOCOL.Register (This, DispatchFunction, RegisterContext, DispatchHandle)
 * as C calls it: DispatchFunction, RegisterContext or DispatchHandle NULL -> EFI_INVALID_PARAMETER
 * (this dispatcher's rule); DispatchFunction resolves to a handler of its module (a pointer that
 * is none is recorded and faults when its value comes); the value chosen for (UINTN)-1 is written
 * back into RegisterContext->SwMmiInputValue; *DispatchHandle = the record.
 */
const NativeSwDispatchRegister: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const fnAt = addrOf(args[1]);
  const ctxAt = addrOf(args[2]);
  const out = addrOf(args[3]);
  if (fnAt === 0 || ctxAt === 0 || out === 0) {
    yield tag(ev('handler', fw.cpu, `${fw.mod.name}: SwDispatch->Register (${hex(fnAt)}, ${hex(ctxAt)}, ${hex(out)}) = EFI_INVALID_PARAMETER: DispatchFunction, RegisterContext or DispatchHandle is NULL`), { status: 'EFI_INVALID_PARAMETER' });
    return statusVal('EFI_INVALID_PARAMETER');
  }
  const requested = u64Of(readUintn(m, ctxAt));
  const h = handlerAt(m, fnAt);
  const [status, value, handle] = h
    ? yield* SwDispatchRegister(fw, h.handler, requested, h.module)
    : yield* SwDispatchRegister(fw, hex(fnAt), requested, fw.mod.name, fnAt);
  if (status === 'EFI_SUCCESS') {
    if (requested === SW_SMI_INPUT_VALUE_ANY) writeUintn(m, ctxAt, value);
    writeUintn(m, out, handle);
  }
  return statusVal(status);
};

/** EFI_MM_SW_DISPATCH_PROTOCOL.UnRegister (This, DispatchHandle). */
const NativeSwDispatchUnRegister: NativeImpl = function* (fw, args) {
  return statusVal(yield* SwDispatchUnRegister(fw, addrOf(args[1])));
};

/** The protocol instance in the image: Register @0, UnRegister @8, MaximumSwiValue @16 (24 bytes). */
export const SW_DISPATCH_PROTOCOL_OFFSET = 0x3000;

function* entry(fw: Fw): Gen<EfiStatus> {
  const [status] = yield* MmiHandlerRegister(fw, 'GenericSwMmiHandler', null);
  if (status !== 'EFI_SUCCESS') return status;
  const { m } = fw;
  const iface = fw.mod.imageBase + SW_DISPATCH_PROTOCOL_OFFSET;
  writeUintn(m, iface, nativeAddress(m, 'GenericSwDispatcher', 'SwDispatchRegister'));
  writeUintn(m, iface + 8, nativeAddress(m, 'GenericSwDispatcher', 'SwDispatchUnRegister'));
  writeUintn(m, iface + 16, MAXIMUM_SWI_VALUE);
  return yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmSwDispatch2ProtocolGuid, iface);
}

export const GenericSwDispatcher: ModuleDef = {
  name: 'GenericSwDispatcher',
  fileGuid: 'c0ffee10-5a5a-4e1d-8b2a-0123456789ab',
  kind: 'DXE_SMM_DRIVER',
  depex: 'gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuProtocolGuid',
  imageSize: 0x5000,
  entry,
  handlers: { GenericSwMmiHandler },
  natives: { SwDispatchRegister: NativeSwDispatchRegister, SwDispatchUnRegister: NativeSwDispatchUnRegister },
  summary: "The 'universal' SW dispatcher the seed thread sketches: EFI_MM_SW_DISPATCH_PROTOCOL over 0xB2/0xB3 (not in upstream OVMF)",
  path: null,
  produces: [GUIDS.gEfiSmmSwDispatch2ProtocolGuid],
};
