/**
 * The protocols modules asked for that nobody installed: the failed gSmst->SmmLocateProtocol and
 * gBS->LocateProtocol calls the model recorded (MachineState.protocolLookups) and the depex GUIDs
 * that keep a driver Dependent, each with who asked, what they got, and whether any module of
 * this firmware would install it (ModuleDef.produces). Built on demand from plain state, for the
 * Protocols tab, `protocols` and state --json.
 */

import { type Guid, GUIDS, guidName } from '../lib/Guid';
import { staleRecord } from './Dispatcher';
import type { Machine } from './Platform';

export interface MissingAsker {
  module: string;
  /** How it asked: a lookup service, or its [Depex]. */
  how: 'SmmLocateProtocol' | 'LocateProtocol' | 'depex';
  /** What it got, as a sentence ("EFI_NOT_FOUND", "FALSE: stays Dependent"). */
  result: string;
  /** SMI of the last lookup (null: outside an SMI, or a depex). */
  smi: number | null;
  count: number;
}

export interface MissingProtocol {
  guid: Guid;
  name: string;
  askedBy: MissingAsker[];
  /** Modules of this firmware that would install it (none: no producer on OVMF). */
  producers: string[];
  /** One line: who could have installed it, and why it is not there. */
  note: string;
}

function inSmm(m: Machine, g: Guid): boolean {
  return m.s.smm.protocols.some((p) => p.guid === g);
}

function inUefi(m: Machine, g: Guid): boolean {
  return m.s.uefiProtocols.some((p) => p.guid === g);
}

function producerNote(m: Machine, producers: string[]): string {
  if (producers.length === 0) return 'no producer on OVMF: no module here installs it';
  const hung = m.s.hung;
  return producers
    .map((name) => {
      const rec = m.s.modules.find((r) => r.name === name);
      if (!rec) return `${name} installs it`;
      if (rec.state === 'hung') return `${name} installs it, but hung before it did`;
      if (rec.state === 'dispatched') return `${name} installs it, but has not (yet)${hung ? `; the boot hung in ${hung.module}` : ''}`;
      if (rec.kind === 'DXE_SMM_DRIVER' && rec.dispatch !== 'initialized') return `${name} installs it, but is not loaded (${rec.state})`;
      return `${name} installs it, but did not (${rec.state})`;
    })
    .join('; ');
}

/**
 * Every GUID a module looked up without success or needs in its depex, and that is still not
 * installed (in the database that was asked). gEfiSmmSwDispatch2ProtocolGuid is listed even when
 * nobody asked for it: it is the protocol SMM drivers written for Intel chipsets expect, and OVMF
 * has none (the seed question of the README).
 */
export function missingProtocols(m: Machine): MissingProtocol[] {
  const byGuid = new Map<Guid, MissingAsker[]>();
  const add = (g: Guid, a: MissingAsker) => {
    let l = byGuid.get(g);
    if (!l) byGuid.set(g, (l = []));
    l.push(a);
  };
  for (const l of m.s.protocolLookups) {
    if (l.status === 'EFI_SUCCESS') continue;
    const there = l.service === 'SmmLocateProtocol' ? inSmm(m, l.guid) : inUefi(m, l.guid);
    if (there) continue;
    add(l.guid, { module: l.module, how: l.service, result: l.status, smi: l.smi, count: l.count });
  }
  for (const rec of m.s.modules) {
    if (rec.kind !== 'DXE_SMM_DRIVER' || rec.dispatch === 'initialized' || rec.state === 'failed') continue;
    const stale = staleRecord(m, rec);
    for (const g of rec.missing) {
      if (inSmm(m, g) || inUefi(m, g)) continue;
      add(g, {
        module: rec.name,
        how: 'depex',
        result: stale ? `FALSE at its last evaluation (Dependent; not re-evaluated: ${stale.why})` : 'FALSE without it: the driver stays Dependent',
        smi: null,
        count: 1,
      });
    }
  }
  const sw = GUIDS.gEfiSmmSwDispatch2ProtocolGuid;
  if (!byGuid.has(sw) && !inSmm(m, sw)) byGuid.set(sw, []);
  const defs = [...m.defs.values()];
  const hungIn = m.s.hung?.module;
  const rows = [...byGuid.entries()].map(([guid, askedBy]) => {
    const producers = defs.filter((d) => d.produces?.includes(guid)).map((d) => d.name);
    const note = producerNote(m, producers) + (askedBy.length === 0 ? '; no module of this boot asked for it (listed because SMM drivers written for Intel PCH platforms register their software SMIs with EFI_MM_SW_DISPATCH_PROTOCOL)' : '');
    return { guid, name: guidName(guid), askedBy, producers, note };
  });
  // The lookup the boot hung on first, then GUIDs nothing here produces, then the rest; unasked last.
  const rank = (p: MissingProtocol) =>
    p.askedBy.length === 0 ? 3 : p.askedBy.some((a) => a.module === hungIn && a.how !== 'depex') ? 0 : p.producers.length === 0 ? 1 : 2;
  return rows.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

/** "SwDispatch2Locate: gSmst->SmmLocateProtocol -> EFI_NOT_FOUND (SMI #7)" */
export function askerText(a: MissingAsker): string {
  if (a.how === 'depex') return `${a.module}: [Depex] ${a.result}`;
  const svc = a.how === 'SmmLocateProtocol' ? 'gSmst->SmmLocateProtocol' : 'gBS->LocateProtocol';
  return `${a.module}: ${svc} -> ${a.result}${a.count > 1 ? ` (${a.count} times)` : ''}${a.smi !== null ? ` in SMI #${a.smi}` : ''}`;
}
