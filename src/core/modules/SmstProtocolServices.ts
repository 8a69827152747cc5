/**
 * The SMST's database members as natives C code calls through gSmst: the protocol services of
 * MdeModulePkg/Core/PiSmmCore/Handle.c, Locate.c and Notify.c, and the MMI services of Smi.c.
 * Each reads its GUID from memory, checks its parameters in upstream's order, runs the model's
 * TypeScript service (pi/ProtocolDb.ts, pi/Mmi.ts: the trace text the model's drivers print) and
 * writes the OUT values (*Interface, *Handle, *DispatchHandle, *Registration, *BufferSize) as 8
 * bytes. Handles are IHANDLE records in the pool (pi/SmmHandles.ts).
 */

import { DEBUG, DEBUG_ERROR, DEBUG_INFO, DEBUG_LOAD } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { type Gen, hex, lazyEv, tag } from '../pi/Fw';
import { type Guid, guidName } from '../lib/Guid';
import { MmiHandlerRegisterAt, MmiHandlerUnRegister, MmiManage } from '../pi/Mmi';
import { addrOf, notifyAt, readGuid, readUintn, statusVal, u64Of, writeUintn } from '../pi/Native';
import type { Fw, NativeImpl } from '../pi/Platform';
import { recordLookup, registerNotify, SmmInstallProtocolInterface as installInterface, SmmLocateProtocol as locateProtocol } from '../pi/ProtocolDb';
import type { ProtocolEntry, ProtocolNotifyRec } from '../pi/SmmCoreState';
import { allHandles, freeHandle, handleOf, newHandle, validHandle } from '../pi/SmmHandles';
import { smmAllocatePool } from '../pi/SmramAlloc';
import type { Val } from '../smmc/Ast';
import { bumpTables } from '../pi/Platform';
import { write64 } from '../machine/Memory';

/** sizeof (PROTOCOL_NOTIFY) and its signature SIGNATURE_32 ('s','p','t','n'). */
const PROTOCOL_NOTIFY_SIZE = 48;
const PROTOCOL_NOTIFY_SIGNATURE = 0x6e747073;
const EFI_NATIVE_INTERFACE = 0;
const SEARCH_TYPE = ['AllHandles', 'ByRegisterNotify', 'ByProtocol'];

function* done(fw: Fw, text: string, status: EfiStatus): Gen<Val> {
  yield tag(lazyEv('handler', fw.cpu, () => `${fw.mod.name}: ${text}`), { status });
  return statusVal(status);
}

const ptrText = (a: number) => (a ? hex(a) : 'NULL');

/** The SMM interfaces on `handle` (the handle's Protocols list, newest first as InsertHeadList keeps it). */
function onHandle(fw: Fw, handle: number, guid: Guid): ProtocolEntry | undefined {
  const ps = fw.m.s.smm.protocols;
  for (let i = ps.length - 1; i >= 0; i--) {
    const e = ps[i];
    if (e.database === 'smm' && e.guid === guid && e.handle === handle) return e;
  }
  return undefined;
}

/**
 * SmmInstallProtocolInterface (Handle, Protocol, InterfaceType, Interface): Handle or Protocol
 * NULL, or a non-native InterfaceType -> EFI_INVALID_PARAMETER; the DEBUG line; a GUID already on
 * *Handle -> EFI_INVALID_PARAMETER; *Handle NULL -> a new IHANDLE, else it must be a valid one.
 */
const SmmInstallProtocolInterface: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const handlePtr = addrOf(args[0]);
  const guidAt = addrOf(args[1]);
  const iface = addrOf(args[3]);
  if (handlePtr === 0 || guidAt === 0) return yield* done(fw, `gSmst->SmmInstallProtocolInterface (${ptrText(handlePtr)}, ${ptrText(guidAt)}, ...) = EFI_INVALID_PARAMETER: Handle or Protocol is NULL`, 'EFI_INVALID_PARAMETER');
  if (u64Of(args[2]) !== BigInt(EFI_NATIVE_INTERFACE)) return yield* done(fw, `gSmst->SmmInstallProtocolInterface: InterfaceType ${args[2]} is not EFI_NATIVE_INTERFACE = EFI_INVALID_PARAMETER`, 'EFI_INVALID_PARAMETER');
  const guid = readGuid(m, guidAt);
  const userHandle = addrOf(readUintn(m, handlePtr));
  const call = `gSmst->SmmInstallProtocolInterface (*Handle=${ptrText(userHandle)}, ${guidName(guid)}, ${hex(iface)})`;
  const fail = function* (status: EfiStatus, why: string, invalidHandle = false): Gen<Val> {
    DEBUG(fw, DEBUG_LOAD | DEBUG_INFO, 'SmmInstallProtocolInterface: %g %p\n', { guid }, iface);
    if (invalidHandle) DEBUG(fw, DEBUG_ERROR, 'SmmInstallProtocolInterface: input handle at 0x%x is invalid\n', userHandle);
    if (status !== 'EFI_INVALID_PARAMETER' || invalidHandle) DEBUG(fw, DEBUG_ERROR, 'SmmInstallProtocolInterface: %g %p failed with %r\n', { guid }, iface, { status });
    return yield* done(fw, `${call} = ${status}: ${why}`, status);
  };
  let handle: number;
  if (userHandle !== 0) {
    if (validHandle(m, userHandle) && onHandle(fw, userHandle, guid)) return yield* fail('EFI_INVALID_PARAMETER', 'the handle already has this protocol');
    if (!validHandle(m, userHandle)) return yield* fail('EFI_INVALID_PARAMETER', 'SmmValidateHandle: no IHANDLE signature at *Handle', true);
    handle = userHandle;
  } else {
    const h = newHandle(m);
    if (h === null) return yield* fail('EFI_OUT_OF_RESOURCES', 'no pool for a new IHANDLE');
    handle = h;
  }
  const status = yield* installInterface(fw, guid, iface, handle);
  writeUintn(m, handlePtr, handle);
  return statusVal(status);
};

/**
 * SmmUninstallProtocolInterface (Handle, Protocol, Interface): Protocol NULL or an invalid handle ->
 * EFI_INVALID_PARAMETER; no such interface on it -> EFI_NOT_FOUND; the handle is freed with its
 * last protocol.
 */
const SmmUninstallProtocolInterface: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const handle = addrOf(args[0]);
  const guidAt = addrOf(args[1]);
  const iface = addrOf(args[2]);
  if (guidAt === 0) return yield* done(fw, 'gSmst->SmmUninstallProtocolInterface (Protocol NULL) = EFI_INVALID_PARAMETER', 'EFI_INVALID_PARAMETER');
  const guid = readGuid(m, guidAt);
  const call = `gSmst->SmmUninstallProtocolInterface (${ptrText(handle)}, ${guidName(guid)}, ${hex(iface)})`;
  if (!validHandle(m, handle)) return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: SmmValidateHandle fails`, 'EFI_INVALID_PARAMETER');
  const ps = m.s.smm.protocols;
  const i = ps.findIndex((e) => e.database === 'smm' && e.guid === guid && e.handle === handle && e.iface === iface);
  if (i < 0) return yield* done(fw, `${call} = EFI_NOT_FOUND: that interface is not on this handle`, 'EFI_NOT_FOUND');
  ps.splice(i, 1);
  bumpTables(m);
  const last = !ps.some((e) => e.handle === handle);
  if (last) freeHandle(m, handle);
  return yield* done(fw, `${call} = EFI_SUCCESS${last ? '; its last protocol: the handle is freed (Signature = 0)' : ''}`, 'EFI_SUCCESS');
};

/** SmmHandleProtocol (Handle, Protocol, Interface): *Interface = NULL first; EFI_UNSUPPORTED when the handle lacks the protocol. */
const SmmHandleProtocol: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const handle = addrOf(args[0]);
  const guidAt = addrOf(args[1]);
  const out = addrOf(args[2]);
  if (guidAt === 0 || out === 0) return yield* done(fw, `gSmst->SmmHandleProtocol (${ptrText(handle)}, ${ptrText(guidAt)}, ${ptrText(out)}) = EFI_INVALID_PARAMETER: Protocol or Interface is NULL`, 'EFI_INVALID_PARAMETER');
  writeUintn(m, out, 0);
  const guid = readGuid(m, guidAt);
  const call = `gSmst->SmmHandleProtocol (${ptrText(handle)}, ${guidName(guid)})`;
  if (!validHandle(m, handle)) return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: SmmValidateHandle fails`, 'EFI_INVALID_PARAMETER');
  const e = onHandle(fw, handle, guid);
  if (!e) return yield* done(fw, `${call} = EFI_UNSUPPORTED: the handle does not have this protocol`, 'EFI_UNSUPPORTED');
  writeUintn(m, out, e.iface);
  return yield* done(fw, `${call} = EFI_SUCCESS, *Interface = ${hex(e.iface)} from ${e.module}`, 'EFI_SUCCESS');
};

function notifyByRegistration(fw: Fw, registration: number): ProtocolNotifyRec | undefined {
  return fw.m.s.smm.notifies.find((n) => n.registration === registration);
}

/**
 * SmmRegisterProtocolNotify (Protocol, Function, Registration): Protocol or Registration NULL ->
 * EFI_INVALID_PARAMETER; Function NULL unregisters *Registration (EFI_NOT_FOUND if unknown); the
 * same Function again returns the existing registration. A Function that is no notification
 * function the model knows is recorded unchecked, as upstream, and faults when it is called.
 */
const SmmRegisterProtocolNotify: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const guidAt = addrOf(args[0]);
  const fnAt = addrOf(args[1]);
  const regPtr = addrOf(args[2]);
  if (guidAt === 0 || regPtr === 0) return yield* done(fw, 'gSmst->SmmRegisterProtocolNotify: Protocol or Registration is NULL = EFI_INVALID_PARAMETER', 'EFI_INVALID_PARAMETER');
  const guid = readGuid(m, guidAt);
  const smm = m.s.smm;
  if (fnAt === 0) {
    const reg = addrOf(readUintn(m, regPtr));
    const i = smm.notifies.findIndex((n) => n.guid === guid && n.registration === reg);
    const call = `gSmst->SmmRegisterProtocolNotify (${guidName(guid)}, NULL, *Registration=${hex(reg)})`;
    if (i < 0) return yield* done(fw, `${call} = EFI_NOT_FOUND: no such registration (Function NULL unregisters)`, 'EFI_NOT_FOUND');
    smm.notifies.splice(i, 1);
    write64(m.s.mem, reg, 0n); // ProtNotify->Signature = 0, FreePool
    return yield* done(fw, `${call} = EFI_SUCCESS: unregistered`, 'EFI_SUCCESS');
  }
  const known = notifyAt(m, fnAt);
  const module = known ? known.module : fw.mod.name;
  const fn = known ? known.fn : hex(fnAt);
  const again = smm.notifies.find((n) => n.guid === guid && n.module === module && n.fn === fn && n.registration !== undefined);
  if (again) {
    writeUintn(m, regPtr, again.registration!);
    return yield* done(fw, `gSmst->SmmRegisterProtocolNotify (${guidName(guid)}, ${fn}) = EFI_SUCCESS: already registered, *Registration = ${hex(again.registration!)}`, 'EFI_SUCCESS');
  }
  const reg = smmAllocatePool(m, PROTOCOL_NOTIFY_SIZE);
  if (reg === null) return yield* done(fw, `gSmst->SmmRegisterProtocolNotify (${guidName(guid)}, ${fn}) = EFI_OUT_OF_RESOURCES`, 'EFI_OUT_OF_RESOURCES');
  write64(m.s.mem, reg, BigInt(PROTOCOL_NOTIFY_SIGNATURE));
  writeUintn(m, reg + 32, fnAt); // Function
  const rec: ProtocolNotifyRec = { guid, module, fn, registration: reg, position: smm.protocols.filter((e) => e.database === 'smm' && e.guid === guid).length };
  if (!known) rec.address = fnAt;
  const status = yield* registerNotify(fw, rec);
  writeUintn(m, regPtr, reg);
  return statusVal(status);
};

/** SmmGetNextLocateByRegisterNotify: the interface installed next after the registration's position. */
function nextByRegisterNotify(fw: Fw, n: ProtocolNotifyRec): ProtocolEntry | undefined {
  const list = fw.m.s.smm.protocols.filter((e) => e.database === 'smm' && e.guid === n.guid);
  return list[n.position ?? 0];
}

/**
 * SmmLocateHandle (SearchType, Protocol, SearchKey, BufferSize, Buffer): AllHandles, ByProtocol
 * (each handle once) or ByRegisterNotify (the next new one); *BufferSize gets the bytes needed,
 * EFI_BUFFER_TOO_SMALL when they do not fit, EFI_NOT_FOUND when there is none.
 */
const SmmLocateHandle: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const searchType = Number(args[0]);
  const guidAt = addrOf(args[1]);
  const searchKey = addrOf(args[2]);
  const sizePtr = addrOf(args[3]);
  const buffer = addrOf(args[4]);
  const typeText = SEARCH_TYPE[searchType] ?? String(searchType);
  if (sizePtr === 0) return yield* done(fw, `gSmst->SmmLocateHandle (${typeText}, BufferSize NULL) = EFI_INVALID_PARAMETER`, 'EFI_INVALID_PARAMETER');
  const size = u64Of(readUintn(m, sizePtr));
  if (size > 0n && buffer === 0) return yield* done(fw, `gSmst->SmmLocateHandle (${typeText}): *BufferSize > 0 and Buffer NULL = EFI_INVALID_PARAMETER`, 'EFI_INVALID_PARAMETER');
  const guid = guidAt ? readGuid(m, guidAt) : null;
  const call = `gSmst->SmmLocateHandle (${typeText}${guid ? `, ${guidName(guid)}` : ''}, *BufferSize=${hex(size)})`;
  let handles: number[];
  let notify: ProtocolNotifyRec | undefined;
  if (searchType === 0) {
    handles = allHandles(m);
  } else if (searchType === 1) {
    if (searchKey === 0) return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: ByRegisterNotify needs SearchKey`, 'EFI_INVALID_PARAMETER');
    notify = notifyByRegistration(fw, searchKey);
    const e = notify ? nextByRegisterNotify(fw, notify) : undefined;
    handles = e ? [handleOf(m, e)] : [];
  } else if (searchType === 2) {
    if (guid === null) return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: ByProtocol needs Protocol`, 'EFI_INVALID_PARAMETER');
    handles = [];
    for (const e of m.s.smm.protocols) {
      if (e.database !== 'smm' || e.guid !== guid) continue;
      const h = handleOf(m, e);
      if (h !== 0 && !handles.includes(h)) handles.push(h);
    }
  } else {
    return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: no such EFI_LOCATE_SEARCH_TYPE`, 'EFI_INVALID_PARAMETER');
  }
  const need = BigInt(8 * handles.length);
  for (let i = 0; i < handles.length && BigInt(8 * (i + 1)) <= size; i++) writeUintn(m, buffer + 8 * i, handles[i]);
  if (handles.length === 0) return yield* done(fw, `${call} = EFI_NOT_FOUND: no handle`, 'EFI_NOT_FOUND');
  writeUintn(m, sizePtr, 8 * handles.length);
  if (need > size) return yield* done(fw, `${call} = EFI_BUFFER_TOO_SMALL: ${handles.length} handle(s) need ${hex(need)} bytes, *BufferSize = ${hex(need)}`, 'EFI_BUFFER_TOO_SMALL');
  if (notify) notify.position = (notify.position ?? 0) + 1;
  return yield* done(fw, `${call} = EFI_SUCCESS: ${handles.map((h) => hex(h)).join(', ')}`, 'EFI_SUCCESS');
};

/**
 * SmmLocateProtocol (Protocol, Registration, Interface): Interface or Protocol NULL ->
 * EFI_INVALID_PARAMETER; *Interface = NULL first (Locate.c), then the first interface of the GUID
 * (or, with a Registration, the next one installed since).
 */
const SmmLocateProtocol: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const guidAt = addrOf(args[0]);
  const registration = addrOf(args[1]);
  const out = addrOf(args[2]);
  if (guidAt === 0 || out === 0) return yield* done(fw, `gSmst->SmmLocateProtocol (${ptrText(guidAt)}, ${ptrText(registration)}, ${ptrText(out)}) = EFI_INVALID_PARAMETER: Protocol or Interface is NULL`, 'EFI_INVALID_PARAMETER');
  writeUintn(m, out, 0);
  const guid = readGuid(m, guidAt);
  if (registration === 0) {
    const [status, iface] = yield* locateProtocol(fw, guid);
    if (status === 'EFI_SUCCESS') writeUintn(m, out, iface);
    return statusVal(status);
  }
  const n = notifyByRegistration(fw, registration);
  const e = n ? nextByRegisterNotify(fw, n) : undefined;
  const status: EfiStatus = e ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND';
  recordLookup(fw, 'SmmLocateProtocol', guid, status);
  if (!e) return yield* done(fw, `gSmst->SmmLocateProtocol (${guidName(guid)}, Registration ${hex(registration)}) = EFI_NOT_FOUND: no interface installed since the last one this registration returned`, 'EFI_NOT_FOUND');
  n!.position = (n!.position ?? 0) + 1;
  writeUintn(m, out, e.iface);
  return yield* done(fw, `gSmst->SmmLocateProtocol (${guidName(guid)}, Registration ${hex(registration)}) = EFI_SUCCESS, Interface ${hex(e.iface)} from ${e.module}`, 'EFI_SUCCESS');
};

/** SmiManage (HandlerType, Context, CommBuffer, CommBufferSize): *CommBufferSize is read before and written after. */
const SmiManage: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const guidAt = addrOf(args[0]);
  const sizePtr = addrOf(args[3]);
  const size = sizePtr ? { value: Number(u64Of(readUintn(m, sizePtr))) } : null;
  const status = yield* MmiManage(fw, guidAt ? readGuid(m, guidAt) : null, addrOf(args[1]), addrOf(args[2]), size);
  if (sizePtr && size) writeUintn(m, sizePtr, size.value);
  return statusVal(status);
};

/** SmiHandlerRegister (Handler, HandlerType, DispatchHandle): Handler or DispatchHandle NULL -> EFI_INVALID_PARAMETER. */
const SmiHandlerRegister: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const handler = addrOf(args[0]);
  const guidAt = addrOf(args[1]);
  const out = addrOf(args[2]);
  if (handler === 0 || out === 0) return yield* done(fw, `gSmst->MmiHandlerRegister (${ptrText(handler)}, ..., ${ptrText(out)}) = EFI_INVALID_PARAMETER: Handler or DispatchHandle is NULL`, 'EFI_INVALID_PARAMETER');
  const [status, handle] = yield* MmiHandlerRegisterAt(fw, handler, guidAt ? readGuid(m, guidAt) : null);
  if (status === 'EFI_SUCCESS') writeUintn(m, out, handle);
  return statusVal(status);
};

/** SmiHandlerUnRegister (DispatchHandle). */
const SmiHandlerUnRegister: NativeImpl = function* (fw, args) {
  return statusVal(yield* MmiHandlerUnRegister(fw, addrOf(args[0])));
};

export const SMST_PROTOCOL_NATIVES: Record<string, NativeImpl> = {
  SmmInstallProtocolInterface,
  SmmUninstallProtocolInterface,
  SmmHandleProtocol,
  SmmRegisterProtocolNotify,
  SmmLocateHandle,
  SmmLocateProtocol,
  SmiManage,
  SmiHandlerRegister,
  SmiHandlerUnRegister,
};
