/**
 * MMI handler database and dispatch: Smst->MmiHandlerRegister / MmiHandlerUnRegister / MmiManage
 * (edk2 names: SmiHandlerRegister, SmiHandlerUnRegister, SmiManage in
 * MdeModulePkg/Core/PiSmmCore/Smi.c). Facts §1.2-§1.5.
 */

import { bumpTables } from './Platform';
import { write32, write8, writeBytes } from '../machine/Memory';
import { ASSERT } from './Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, ev, type Gen, hex, lazyEv, tag } from './Fw';
import { functionAddressOf, handlerAt } from './Native';
import { type Fw } from './Platform';
import { type Guid, guidName, guidToBytes } from '../lib/Guid';
import type { SmiEntryRec, SmiHandlerRec, SmmCoreState } from './SmmCoreState';
import { smmAllocatePool } from './SmramAlloc';
import { findModule } from './ModuleRecord';

const SMI_HANDLER_SIZE = 72;
const SMI_ENTRY_SIZE = 56;
const SIG_SMIH = 0x68696d73; // 'smih'
const SIG_SMIE = 0x65696d73; // 'smie'

/**
 * Address of a module function (for the SMI_HANDLER.Handler field): where pi/Native.ts places it
 * in the module's image (the module's own functionAddress hook for C code); 0 when it has none.
 */
export function functionAddress(fw: Fw, module: string, handler: string): number {
  return functionAddressOf(fw.m, module, handler) ?? 0;
}

export { handlerAt } from './Native';

function findEntry(smm: SmmCoreState, guid: Guid): SmiEntryRec | undefined {
  return smm.entries.find((e) => e.guid === guid);
}

/**
 * SmiHandlerRegister: append to the root list (HandlerType NULL) or to the GUID's SMI_ENTRY
 * (created and appended on first use). No duplicate check. Returns [status, DispatchHandle].
 * @retval EFI_SUCCESS, EFI_INVALID_PARAMETER (no handler), EFI_OUT_OF_RESOURCES (pool exhausted).
 */
export function* MmiHandlerRegister(fw: Fw, handler: string, handlerType: Guid | null): Gen<[EfiStatus, number]> {
  const typeText = handlerType ? guidName(handlerType) : 'NULL';
  const def = fw.m.defs.get(fw.mod.name);
  if (!def || !(handler in def.handlers)) {
    yield tag(ev('handler', fw.cpu, `${fw.mod.name}: gSmst->MmiHandlerRegister(${handler}, ${typeText}) = EFI_INVALID_PARAMETER (no such function)`), { status: 'EFI_INVALID_PARAMETER' });
    return ['EFI_INVALID_PARAMETER', 0];
  }
  return yield* registerHandler(fw, fw.mod.name, handler, functionAddress(fw, fw.mod.name, handler), handlerType, false);
}

/**
 * SmiHandlerRegister as C calls it, with the Handler pointer (the SMST native). Smi.c checks only
 * Handler and DispatchHandle against NULL (the native does that); any other pointer is recorded.
 * A pointer that is no handler the model knows is recorded too, and SmiManage faults when it
 * calls it (callHandler).
 */
export function* MmiHandlerRegisterAt(fw: Fw, address: number, handlerType: Guid | null): Gen<[EfiStatus, number]> {
  const h = handlerAt(fw.m, address);
  if (h !== null) return yield* registerHandler(fw, h.module, h.handler, address, handlerType, false);
  return yield* registerHandler(fw, fw.mod.name, hex(address), address, handlerType, true);
}

function* registerHandler(fw: Fw, module: string, handler: string, address: number, handlerType: Guid | null, unknown: boolean): Gen<[EfiStatus, number]> {
  const { m } = fw;
  const smm = m.s.smm;
  const typeText = handlerType ? guidName(handlerType) : 'NULL';
  const addr = smmAllocatePool(m, SMI_HANDLER_SIZE);
  if (addr === null) return ['EFI_OUT_OF_RESOURCES', 0];
  let entry: SmiEntryRec | undefined;
  if (handlerType !== null) {
    entry = findEntry(smm, handlerType);
    if (!entry) {
      const ea = smmAllocatePool(m, SMI_ENTRY_SIZE);
      if (ea === null) return ['EFI_OUT_OF_RESOURCES', 0];
      write32(m.s.mem, ea, SIG_SMIE);
      writeBytes(m.s.mem, ea + 24, guidToBytes(handlerType));
      entry = { guid: handlerType, address: ea, handlers: [] };
      smm.entries.push(entry);
    }
  }
  // SMI_HANDLER bytes (PiSmmCore.h): Signature (UINTN) @0, Link @8, Handler @24, CallerAddr @32,
  // SmiEntry @40, Context @48, ContextSize @56, ToRemove @64. A root handler's SmiEntry is
  // &mRootSmiEntry, the core's static SMI_ENTRY (Smi.c SmiHandlerRegister), not 0.
  write32(m.s.mem, addr, SIG_SMIH);
  write32(m.s.mem, addr + 24, address);
  write32(m.s.mem, addr + 40, entry ? entry.address : smm.rootSmiEntry);
  const rec: SmiHandlerRec = { handle: addr, handler, module, toRemove: false };
  if (unknown) rec.address = address;
  (entry ? entry.handlers : smm.root).push(rec);
  bumpTables(m);
  yield tag(ev('handler', fw.cpu, `${fw.mod.name}: gSmst->MmiHandlerRegister(${handler}, ${typeText}) = EFI_SUCCESS, DispatchHandle ${hex(addr)}` +
    (unknown ? ` (no function the model knows starts at ${handler}: Smi.c SmiHandlerRegister does not check Handler, so SmiManage will call it)` : '')), { status: 'EFI_SUCCESS' });
  return ['EFI_SUCCESS', addr];
}

function removeNow(smm: SmmCoreState, rec: SmiHandlerRec): void {
  const i = smm.root.indexOf(rec);
  if (i >= 0) {
    smm.root.splice(i, 1);
    return;
  }
  for (let e = 0; e < smm.entries.length; e++) {
    const entry = smm.entries[e];
    const j = entry.handlers.indexOf(rec);
    if (j < 0) continue;
    entry.handlers.splice(j, 1);
    if (entry.handlers.length === 0) smm.entries.splice(e, 1); // the emptied SMI_ENTRY is freed too
    return;
  }
}

function allHandlers(smm: SmmCoreState): SmiHandlerRec[] {
  return [...smm.root, ...smm.entries.flatMap((e) => e.handlers)];
}

/**
 * SmiHandlerUnRegister (facts §1.4): marks ToRemove; inside MmiManage (depth > 0) the removal is
 * deferred to the end of the outermost MmiManage. An unknown handle returns EFI_INVALID_PARAMETER
 * only when every list is empty; otherwise the search variable holds the last handler scanned and
 * the DEBUG build ASSERTs (code quirk).
 */
export function* MmiHandlerUnRegister(fw: Fw, dispatchHandle: number): Gen<EfiStatus> {
  const { m } = fw;
  const smm = m.s.smm;
  if (dispatchHandle === 0) {
    yield ev('handler', fw.cpu, `${fw.mod.name}: gSmst->MmiHandlerUnRegister(NULL) = EFI_INVALID_PARAMETER`);
    return 'EFI_INVALID_PARAMETER';
  }
  const all = allHandlers(smm);
  const rec = all.find((h) => h.handle === dispatchHandle);
  if (!rec) {
    if (all.length === 0) {
      yield ev('handler', fw.cpu, `${fw.mod.name}: gSmst->MmiHandlerUnRegister(${hex(dispatchHandle)}) = EFI_INVALID_PARAMETER (no handlers registered)`);
      return 'EFI_INVALID_PARAMETER';
    }
    ASSERT({ ...fw, mod: m.s.modules.find((x) => x.name === 'PiSmmCore') ?? fw.mod }, false, '(EFI_HANDLE)SmiHandler == DispatchHandle', 'MdeModulePkg/Core/PiSmmCore/Smi.c', 441);
  }
  rec!.toRemove = true;
  write8(m.s.mem, rec!.handle + 64, 1);
  bumpTables(m);
  if (smm.callingDepth > 0) {
    yield ev('handler', fw.cpu, `${fw.mod.name}: gSmst->MmiHandlerUnRegister(${hex(dispatchHandle)}) = EFI_SUCCESS (inside MmiManage: ToRemove set, removal deferred)`);
    return 'EFI_SUCCESS';
  }
  removeNow(smm, rec!);
  yield ev('handler', fw.cpu, `${fw.mod.name}: gSmst->MmiHandlerUnRegister(${hex(dispatchHandle)}) = EFI_SUCCESS (removed)`);
  return 'EFI_SUCCESS';
}

function purgeToRemove(smm: SmmCoreState): boolean {
  if (!smm.root.some((h) => h.toRemove) && !smm.entries.some((e) => e.handlers.some((h) => h.toRemove))) return false;
  const doomed = allHandlers(smm).filter((h) => h.toRemove);
  for (const h of doomed) removeNow(smm, h);
  return doomed.length > 0;
}

/**
 * SmiManage / MmiManage (facts §1.5). Root walks call every handler whatever they return; GUID
 * walks stop on EFI_SUCCESS and EFI_INTERRUPT_PENDING. The walk does not check ToRemove.
 * @retval EFI_SUCCESS, EFI_WARN_INTERRUPT_SOURCE_PENDING, EFI_INTERRUPT_PENDING, EFI_NOT_FOUND.
 */
export function* MmiManage(
  fw: Fw,
  handlerType: Guid | null,
  context: number,
  commBuffer: number,
  commBufferSize: { value: number } | null,
): Gen<EfiStatus> {
  const { m } = fw;
  const smm = m.s.smm;
  const kind = handlerType === null ? 'root' : 'guid';
  const typeText = handlerType === null ? 'NULL (root MMI handlers)' : guidName(handlerType); // guidName is a map lookup
  const phase = handlerType === null ? 'mmi-manage' : 'communicate';
  let list: SmiHandlerRec[];
  if (handlerType === null) {
    list = smm.root;
  } else {
    const entry = findEntry(smm, handlerType);
    if (!entry) {
      yield ev(phase, fw.cpu, `MmiManage(${typeText}): no SMI_ENTRY for this HandlerType -> EFI_NOT_FOUND, no handler called`);
      return 'EFI_NOT_FOUND';
    }
    list = entry.handlers;
  }
  const count = list.length;
  yield lazyEv(phase, fw.cpu, () => `MmiManage(${typeText}): ${count} handler(s) to walk`);
  let returnStatus: EfiStatus = 'EFI_NOT_FOUND';
  let stop = false;
  smm.callingDepth++;
  try {
    for (let i = 0; i < list.length && !stop; i++) {
      const h = list[i];
      const status = yield* callHandler(fw, h, kind, context, commBuffer, commBufferSize);
      switch (status) {
        case 'EFI_SUCCESS':
          returnStatus = 'EFI_SUCCESS';
          if (handlerType !== null) stop = true;
          else if (i < list.length - 1) {
            yield lazyEv(phase, fw.cpu, () =>
              'root walk goes on after EFI_SUCCESS: the comment in MdePkg PiMmCis.h says SUCCESS means "no other handlers should be called", but SmiManage in MdeModulePkg/Core/PiSmmCore/Smi.c calls every root handler whatever it returns (SmiScope runs the code, not the comment)');
          }
          break;
        case 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED':
          returnStatus = 'EFI_SUCCESS';
          break;
        case 'EFI_WARN_INTERRUPT_SOURCE_PENDING':
          if (returnStatus !== 'EFI_SUCCESS') returnStatus = 'EFI_WARN_INTERRUPT_SOURCE_PENDING';
          break;
        case 'EFI_INTERRUPT_PENDING':
          if (handlerType !== null) {
            returnStatus = 'EFI_INTERRUPT_PENDING';
            stop = true;
          } else if (returnStatus !== 'EFI_SUCCESS') {
            returnStatus = 'EFI_INTERRUPT_PENDING';
          }
          break;
        default:
          // Unexpected status: ASSERT (FALSE) in a DEBUG build (OVMF's default), ignored in RELEASE.
          ASSERT({ ...fw, mod: m.s.modules.find((x) => x.name === 'PiSmmCore') ?? fw.mod }, false, '((BOOLEAN)(0==1))', 'MdeModulePkg/Core/PiSmmCore/Smi.c', 248);
      }
    }
  } finally {
    smm.callingDepth--;
  }
  if (smm.callingDepth === 0 && purgeToRemove(smm)) {
    bumpTables(m);
    yield ev(phase, fw.cpu, 'MmiManage: outermost walk finished, handlers marked ToRemove are freed now');
  }
  const result = returnStatus;
  yield tag(lazyEv(phase, fw.cpu, () => `MmiManage(${typeText}) returns ${result}${handlerType === null ? ' (SmmEntryPoint ignores it)' : ''}`, handlerType === null ? 'phase' : 'event'), { status: result });
  return returnStatus;
}

function* callHandler(
  fw: Fw,
  h: SmiHandlerRec,
  kind: 'root' | 'guid',
  context: number,
  commBuffer: number,
  commBufferSize: { value: number } | null,
): Gen<EfiStatus> {
  const { m } = fw;
  const def = m.defs.get(h.module);
  const fn = def?.handlers[h.handler];
  const mod = findModule(m.s.modules, h.module);
  if (!fn || !mod) {
    if (h.address === undefined) throw new Error(`internal: handler ${h.module}.${h.handler} has no code`);
    // A Handler pointer that leads to no function (SmiHandlerRegister took it unchecked).
    const what = `SmiManage calls Handler ${hex(h.address)} (DispatchHandle ${hex(h.handle)}, registered by ${h.module}): no function starts there, so the CPU would execute whatever bytes lie at that address`;
    yield ev('handler', fw.cpu, `${what}; SmiScope cannot run them and stops the CPU (CpuDeadLoop) - on hardware expect a #UD or #PF exception`, 'phase');
    throw new CpuDeadLoop(fw.cpu, h.module, what);
  }
  // Recorded in call order, before the entry event (a breakpoint there shows it running).
  const call = { handler: h.handler, module: h.module, kind, returned: '(running)' };
  m.s.currentSmi?.handlersCalled.push(call);
  const sizeNow = commBufferSize ? commBufferSize.value : -1;
  const enter = lazyEv('handler', fw.cpu, () => {
    const args = `DispatchHandle=${hex(h.handle)}, Context=${context ? hex(context) : 'NULL'}, CommBuffer=${commBuffer ? hex(commBuffer) : 'NULL'}, CommBufferSize=${sizeNow >= 0 ? hex(sizeNow) : 'NULL'}`;
    return `${kind} handler ${h.module}.${h.handler}(${args})`;
  });
  enter.handler = h.handler;
  yield enter;
  const status = yield* fn({ m, mod, cpu: fw.cpu }, h.handle, context, commBuffer, commBufferSize);
  call.returned = status;
  yield tag(lazyEv('handler', fw.cpu, () => `${h.module}.${h.handler} returned ${status}`, 'phase'), { status });
  return status;
}
