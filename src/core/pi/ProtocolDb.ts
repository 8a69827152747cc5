/**
 * Protocol databases: the SMST's (SmmInstallProtocolInterface / SmmLocateProtocol /
 * SmmRegisterProtocolNotify, edk2 MdeModulePkg/Core/PiSmmCore/Handle.c, Locate.c, Notify.c) and,
 * as far as SMM cares, gBS's (MdeModulePkg/Core/Dxe/Hand/Handle.c).
 */

import { bumpTables } from './Platform';
import { DEBUG, DEBUG_INFO, DEBUG_LOAD } from './Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, ev, type Gen, hex, lazyEv, tag } from './Fw';
import { type Fw } from './Platform';
import { type Guid, guidName } from '../lib/Guid';
import type { ProtocolEntry, ProtocolLookup, ProtocolNotifyRec } from './SmmCoreState';
import { findModule } from './ModuleRecord';

/** Interface "pointer": a deterministic address inside the producing module's image. */
function interfaceAddress(fw: Fw, guid: Guid): number {
  let h = 0;
  for (let i = 0; i < guid.length; i++) h = (h * 31 + guid.charCodeAt(i)) & 0xfff;
  return fw.mod.imageBase + 0x2000 + (h & 0xff8);
}

/**
 * SmmInstallProtocolInterface: adds the interface, prints "SmmInstallProtocolInterface: %g %p"
 * (DEBUG_LOAD | DEBUG_INFO, Handle.c), then SmmNotifyProtocol calls every notification registered
 * on the GUID, in registration order, before returning. `iface` null = the module's own interface
 * structure; 0 = EFI_NATIVE_INTERFACE with a NULL interface (event-style protocols such as
 * gEfiSmmReadyToLockProtocolGuid).
 */
export function* SmmInstallProtocolInterface(fw: Fw, guid: Guid, iface: number | null = null, handle?: number): Gen<EfiStatus> {
  const entry: ProtocolEntry = { guid, module: fw.mod.name, iface: iface ?? interfaceAddress(fw, guid), database: 'smm' };
  if (handle !== undefined) entry.handle = handle;
  fw.m.s.smm.protocols.push(entry);
  bumpTables(fw.m);
  DEBUG(fw, DEBUG_LOAD | DEBUG_INFO, 'SmmInstallProtocolInterface: %g %p\n', { guid }, entry.iface);
  yield lazyEv('handler', fw.cpu, () => `${fw.mod.name}: gSmst->SmmInstallProtocolInterface(${guidName(guid)}, Interface ${hex(entry.iface)}) = EFI_SUCCESS`);
  const notifies = fw.m.s.smm.notifies;
  for (let i = 0; i < notifies.length; i++) {
    const n = notifies[i];
    if (n.guid !== guid) continue;
    const fn = fw.m.defs.get(n.module)?.notifies?.[n.fn];
    const mod = findModule(fw.m.s.modules, n.module);
    if (!fn || !mod) {
      if (n.address === undefined) throw new Error(`internal: notify ${n.module}.${n.fn} has no code`);
      // A Function pointer SmmRegisterProtocolNotify took unchecked, that leads to no function.
      const what = `SmmNotifyProtocol calls Function ${hex(n.address)} (registered by ${n.module} for ${guidName(guid)}): no function starts there, so the CPU would execute whatever bytes lie at that address`;
      yield ev('handler', fw.cpu, `${what}; SmiScope cannot run them and stops the CPU (CpuDeadLoop) - on hardware expect a #UD or #PF exception`, 'phase');
      throw new CpuDeadLoop(fw.cpu, n.module, what);
    }
    yield lazyEv('handler', fw.cpu, () => `SmmNotifyProtocol: ${guidName(guid)} installed -> ${n.module}.${n.fn} (registered with SmmRegisterProtocolNotify)`);
    yield* fn({ m: fw.m, mod, cpu: fw.cpu }, guid, entry.iface);
  }
  return 'EFI_SUCCESS';
}

/** SmmRegisterProtocolNotify: remember `fn` (a name in the module's `notifies`) for later installs of `guid`. */
export function* SmmRegisterProtocolNotify(fw: Fw, guid: Guid, fn: string): Gen<EfiStatus> {
  if (!fw.m.defs.get(fw.mod.name)?.notifies?.[fn]) return 'EFI_INVALID_PARAMETER';
  return yield* registerNotify(fw, { guid, module: fw.mod.name, fn });
}

/**
 * The registration itself, for the TypeScript drivers and for C code (the SMST native, which
 * passes the notification function's module and name, and the PROTOCOL_NOTIFY record's address).
 */
export function* registerNotify(fw: Fw, rec: ProtocolNotifyRec): Gen<EfiStatus> {
  fw.m.s.smm.notifies.push(rec);
  yield lazyEv('handler', fw.cpu, () => `${fw.mod.name}: gSmst->SmmRegisterProtocolNotify(${guidName(rec.guid)}, ${rec.fn}) = EFI_SUCCESS`);
  return 'EFI_SUCCESS';
}

/**
 * Records a lookup in MachineState.protocolLookups (one entry per module, service and GUID). A new
 * entry, or a changed result, bumps the tables: the Protocols tab lists what was not found.
 */
export function recordLookup(fw: Fw, service: ProtocolLookup['service'], guid: Guid, status: EfiStatus): void {
  const s = fw.m.s;
  const smi = s.currentSmi?.number ?? null;
  const module = fw.mod.name;
  const e = s.protocolLookups.find((x) => x.guid === guid && x.module === module && x.service === service);
  if (e) {
    e.count++;
    e.smi = smi;
    if (e.status === status) return;
    e.status = status;
  } else {
    s.protocolLookups.push({ module, service, guid, status, count: 1, smi });
  }
  bumpTables(fw.m);
}

/** SmmLocateProtocol: the first interface for the GUID in the SMM database, else EFI_NOT_FOUND. */
export function* SmmLocateProtocol(fw: Fw, guid: Guid): Gen<[EfiStatus, number]> {
  const [status, iface, p] = smmLocate(fw, guid);
  yield tag(
    ev(
      'handler',
      fw.cpu,
      `${fw.mod.name}: gSmst->SmmLocateProtocol(${guidName(guid)}) = ${status}` +
        (p ? `, Interface ${hex(p.iface)} from ${p.module}` : ' (no module installed it in the SMM protocol database)'),
    ),
    { locate: guid, status },
  );
  return [status, iface];
}

function smmLocate(fw: Fw, guid: Guid): [EfiStatus, number, ProtocolEntry | undefined] {
  const p = fw.m.s.smm.protocols.find((x) => x.guid === guid);
  const status: EfiStatus = p ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND';
  recordLookup(fw, 'SmmLocateProtocol', guid, status);
  return [status, p ? p.iface : 0, p];
}

/**
 * gSmst->SmmLocateProtocol where the model does not stop (no event): the checks drivers make in
 * their protocol notifications (e.g. "is the SMM FTW protocol there yet?"). Recorded like any lookup.
 */
export function smmLocateProtocolQuiet(fw: Fw, guid: Guid): [EfiStatus, number] {
  const [status, iface] = smmLocate(fw, guid);
  return [status, iface];
}

/** gBS->LocateProtocol (MdeModulePkg/Core/Dxe/Hand/Locate.c CoreLocateProtocol): the UEFI database; recorded. */
export function LocateProtocol(fw: Fw, guid: Guid): [EfiStatus, number] {
  const p = fw.m.s.uefiProtocols.find((x) => x.guid === guid);
  const status: EfiStatus = p ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND';
  recordLookup(fw, 'LocateProtocol', guid, status);
  return [status, p ? p.iface : 0];
}

/**
 * gBS->InstallProtocolInterface from a DXE driver (or from SMM code before SmmReadyToLock, as
 * VariableSmm and SmmFaultTolerantWriteDxe do): prints the DXE core's "InstallProtocolInterface:
 * %g %p" line. `iface` as for SmmInstallProtocolInterface.
 */
export function installUefiProtocol(fw: Fw, guid: Guid, iface: number | null = null): void {
  const entry: ProtocolEntry = { guid, module: fw.mod.name, iface: iface ?? interfaceAddress(fw, guid), database: 'uefi' };
  fw.m.s.uefiProtocols.push(entry);
  DEBUG(fw, DEBUG_INFO, 'InstallProtocolInterface: %g %p\n', { guid }, entry.iface);
  bumpTables(fw.m);
}

export function smmProtocolInstalled(fw: Fw, guid: Guid): boolean {
  return fw.m.s.smm.protocols.some((x) => x.guid === guid);
}

export function uefiProtocolInstalled(fw: Fw, guid: Guid): boolean {
  return fw.m.s.uefiProtocols.some((x) => x.guid === guid);
}
