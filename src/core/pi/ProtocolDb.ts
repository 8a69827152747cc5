/**
 * Protocol databases: the SMST's (SmmInstallProtocolInterface / SmmLocateProtocol, edk2
 * MdeModulePkg/Core/PiSmmCore/Handle.c, Locate.c) and, as far as SMM cares, gBS's.
 */

import { bumpTables } from './Platform';
import type { EfiStatus } from './EfiStatus';
import { ev, type Gen, hex } from './Fw';
import { type Fw } from './Platform';
import { type Guid, guidName } from './Guid';
import type { ProtocolEntry } from './SmmCoreState';

/** Interface "pointer": a deterministic address inside the producing module's image. */
function interfaceAddress(fw: Fw, guid: Guid): number {
  let h = 0;
  for (let i = 0; i < guid.length; i++) h = (h * 31 + guid.charCodeAt(i)) & 0xfff;
  return fw.mod.imageBase + 0x2000 + (h & 0xff8);
}

export function* SmmInstallProtocolInterface(fw: Fw, guid: Guid): Gen<EfiStatus> {
  const entry: ProtocolEntry = { guid, module: fw.mod.name, iface: interfaceAddress(fw, guid), database: 'smm' };
  fw.m.s.smm.protocols.push(entry);
  bumpTables(fw.m);
  yield ev('handler', fw.cpu, `${fw.mod.name}: gSmst->SmmInstallProtocolInterface(${guidName(guid)}) = EFI_SUCCESS`);
  return 'EFI_SUCCESS';
}

/** SmmLocateProtocol: the first interface for the GUID in the SMM database, else EFI_NOT_FOUND. */
export function* SmmLocateProtocol(fw: Fw, guid: Guid): Gen<[EfiStatus, number]> {
  const p = fw.m.s.smm.protocols.find((x) => x.guid === guid);
  const status: EfiStatus = p ? 'EFI_SUCCESS' : 'EFI_NOT_FOUND';
  yield ev(
    'handler',
    fw.cpu,
    `${fw.mod.name}: gSmst->SmmLocateProtocol(${guidName(guid)}) = ${status}` +
      (p ? `, Interface ${hex(p.iface)} from ${p.module}` : ' (no module installed it in the SMM protocol database)'),
  );
  return [status, p ? p.iface : 0];
}

/** gBS->InstallProtocolInterface from a DXE driver (outside SMM). */
export function installUefiProtocol(fw: Fw, guid: Guid): void {
  fw.m.s.uefiProtocols.push({ guid, module: fw.mod.name, iface: interfaceAddress(fw, guid), database: 'uefi' });
  bumpTables(fw.m);
}

export function smmProtocolInstalled(fw: Fw, guid: Guid): boolean {
  return fw.m.s.smm.protocols.some((x) => x.guid === guid);
}

export function uefiProtocolInstalled(fw: Fw, guid: Guid): boolean {
  return fw.m.s.uefiProtocols.some((x) => x.guid === guid);
}
