/**
 * Issue 6 §2, "the why, in the page": what modules looked up (gSmst->SmmLocateProtocol,
 * gBS->LocateProtocol) or need in their depex but nobody installed, recorded as plain data at the
 * place the service is modelled; and which module records the dispatcher never got back to.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { GUIDS } from '../lib/Guid';
import { CORE_GUIDS } from '../modules/PiSmmCore';
import { SAMPLE_MODULES, OVMF_MODULES } from '../profiles/ovmf';
import { staleRecord } from './Dispatcher';
import { missingProtocols } from './MissingProtocols';

const SW = GUIDS.gEfiSmmSwDispatch2ProtocolGuid;

function json(s: Session) {
  const r = s.exec('state --json');
  expect(r.error).toBe(false);
  return JSON.parse(r.lines[0]);
}

const hung = Session.create();
hung.exec('platform ovmf --module SwDispatch2Locate');
const stock = Session.create();

describe('issue 6 §2: protocol lookups are recorded where the service is modelled (§1.2 SmmLocateProtocol)', () => {
  it('issue 6 §2: SwDispatch2Locate\'s SmmLocateProtocol (gEfiSmmSwDispatch2ProtocolGuid) -> EFI_NOT_FOUND is in MachineState.protocolLookups, with its SMI', () => {
    expect(hung.m.s.hung?.module).toBe('SwDispatch2Locate');
    const l = hung.m.s.protocolLookups.filter((x) => x.module === 'SwDispatch2Locate');
    expect(l).toEqual([{ module: 'SwDispatch2Locate', service: 'SmmLocateProtocol', guid: SW, status: 'EFI_NOT_FOUND', count: 1, smi: hung.m.s.currentSmi?.number ?? hung.m.s.lastSmi?.number }]);
    expect(l[0].smi).toBeGreaterThan(6); // after the 4 relocation and 2 first-SMI-init IPIs: a Communicate SMI of DXE dispatch
  });

  it('issue 6 §2: the lookups are plain data (they survive checkpoints and replay) and a replayed boot records the same ones', () => {
    const l = hung.m.s.protocolLookups;
    expect(JSON.parse(JSON.stringify(l))).toEqual(l);
    expect(structuredClone(l)).toEqual(l);
    const again = Session.create();
    again.exec('platform ovmf --module SwDispatch2Locate');
    expect(again.m.s.protocolLookups).toEqual(l);
  });

  it('issue 6 §2: gBS->LocateProtocol of PiSmmIpl (SmmAccess2, SmmControl2: PiSmmIpl.c ASSERT_EFI_ERROR) and the SMM core\'s ReadyToLock lookup are recorded as found', () => {
    const find = (module: string, guid: string) => stock.m.s.protocolLookups.find((x) => x.module === module && x.guid === guid);
    expect(find('PiSmmIpl', GUIDS.gEfiSmmAccess2ProtocolGuid)).toMatchObject({ service: 'LocateProtocol', status: 'EFI_SUCCESS', smi: null });
    expect(find('PiSmmIpl', GUIDS.gEfiSmmControl2ProtocolGuid)).toMatchObject({ service: 'LocateProtocol', status: 'EFI_SUCCESS' });
    expect(find('PiSmmCore', GUIDS.gEfiSmmCpuIo2ProtocolGuid)).toMatchObject({ service: 'SmmLocateProtocol', status: 'EFI_SUCCESS' });
    expect(find('CpuHotplugSmm', GUIDS.gEfiSmmCpuServiceProtocolGuid)).toMatchObject({ service: 'SmmLocateProtocol', status: 'EFI_SUCCESS' });
  });
});

describe('issue 6 §2: looked up or depended on, but not installed', () => {
  it('issue 6 §2: the hung boot lists gEfiSmmSwDispatch2ProtocolGuid first: who asked, what it got, no producer on OVMF', () => {
    const rows = missingProtocols(hung.m);
    expect(rows[0].guid).toBe(SW);
    expect(rows[0].askedBy).toEqual([expect.objectContaining({ module: 'SwDispatch2Locate', how: 'SmmLocateProtocol', result: 'EFI_NOT_FOUND' })]);
    expect(rows[0].producers).toEqual([]);
    expect(rows[0].note).toMatch(/^no producer on OVMF/);
    // Installed after the lookups that missed them: never listed (they would contradict the databases).
    for (const g of [GUIDS.gEfiSmmCpuIo2ProtocolGuid, GUIDS.gEfiSmmCpuServiceProtocolGuid, GUIDS.gEfiSmmVariableProtocolGuid]) {
      expect(rows.map((r) => r.guid)).not.toContain(g);
    }
  });

  it('issue 6 §2: a producer that exists but did not run is named (gSmmVariableWriteGuid: VariableSmm, which waits for the SMM FTW the hang kept from loading)', () => {
    const row = missingProtocols(hung.m).find((r) => r.name === 'gSmmVariableWriteGuid')!;
    expect(row.producers).toEqual(['VariableSmm']);
    expect(row.note).toMatch(/VariableSmm installs it, but has not \(yet\); the boot hung in SwDispatch2Locate/);
    expect(row.askedBy).toEqual([expect.objectContaining({ module: 'TcgMorLockSmm', how: 'depex' })]);
    expect(row.askedBy[0].result).toMatch(/not re-evaluated: boot hung in SwDispatch2Locate/);
  });

  it('issue 6 §2: the `protocols` command prints the same list (it used to print one note line)', () => {
    const lines = hung.exec('protocols').lines;
    const head = lines.findIndex((l) => l.startsWith('Looked up or depended on, but not installed ('));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toBe(`  gEfiSmmSwDispatch2ProtocolGuid ${SW}`);
    expect(lines[head + 2]).toMatch(/^ {4}SwDispatch2Locate: gSmst->SmmLocateProtocol -> EFI_NOT_FOUND in SMI #\d+$/);
    expect(lines[head + 3]).toMatch(/^ {4}no producer on OVMF/);
  });

  it('issue 6 §2: state --json gains protocolLookups[] and missingProtocols[]', () => {
    const o = json(hung);
    expect(o.protocolLookups).toContainEqual(expect.objectContaining({ module: 'SwDispatch2Locate', service: 'SmmLocateProtocol', guid: SW, guidName: 'gEfiSmmSwDispatch2ProtocolGuid', status: 'EFI_NOT_FOUND', count: 1 }));
    expect(o.missingProtocols[0]).toMatchObject({ guid: SW, name: 'gEfiSmmSwDispatch2ProtocolGuid', producers: [], askedBy: [{ module: 'SwDispatch2Locate', how: 'SmmLocateProtocol', result: 'EFI_NOT_FOUND' }] });
  });

  it('issue 6 §2: a depex on the GUID (SwDispatch2Depex) is an asker too; the stock boot lists TcgMorLockSmm\'s TPM GUIDs and the unasked SW dispatch protocol', () => {
    const s = Session.create();
    s.exec('platform ovmf --module SwDispatch2Depex');
    const sw = missingProtocols(s.m).find((r) => r.guid === SW)!;
    expect(sw.askedBy).toEqual([expect.objectContaining({ module: 'SwDispatch2Depex', how: 'depex', result: 'FALSE without it: the driver stays Dependent' })]);
    const rows = missingProtocols(stock.m);
    expect(rows.map((r) => r.name)).toEqual(['gEfiTcgProtocolGuid', 'gEfiTcg2ProtocolGuid', 'gEfiSmmSwDispatch2ProtocolGuid']);
    expect(rows[2].askedBy).toEqual([]);
    expect(rows[2].note).toMatch(/no module of this boot asked for it/);
  });

  it('issue 6 §2: with GenericSwDispatcher in the firmware, the producer is named, not "no producer"', () => {
    const s = Session.create();
    s.exec('platform ovmf --module SwDispatch2Locate --module GenericSwDispatcher');
    const sw = missingProtocols(s.m).find((r) => r.guid === SW)!;
    expect(sw.producers).toEqual(['GenericSwDispatcher']);
    expect(sw.note).toMatch(/^GenericSwDispatcher installs it, but is not loaded/);
  });
});

describe('issue 6 §2: a module record the dispatcher never got back to says so (§1.9 SmmDispatcher)', () => {
  it('issue 6 §2: CpuHotplugSmm was evaluated before CpuIo2Smm and PiSmmCpuDxeSmm installed its GUIDs; the boot hung: "not evaluated", would be TRUE now', () => {
    const rec = hung.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    const before = Uint8Array.from(rec.depex!);
    const st = staleRecord(hung.m, rec)!;
    expect(st.text).toMatch(/^not evaluated: boot hung in SwDispatch2Locate\. Its depex was last evaluated \(FALSE\) before gEfiSmmCpuIo2ProtocolGuid, gEfiSmmCpuServiceProtocolGuid were installed/);
    expect(st.installedSince).toEqual(['gEfiSmmCpuIo2ProtocolGuid', 'gEfiSmmCpuServiceProtocolGuid']);
    expect(st.wouldBeTrue).toBe(true);
    expect(st.missingNow).toEqual([]);
    // Re-evaluated on a copy: the dispatcher's record (depex bytes, missing list) is not touched.
    expect(rec.depex).toEqual(before);
    expect(rec.missing).toEqual([GUIDS.gEfiSmmCpuIo2ProtocolGuid, GUIDS.gEfiSmmCpuServiceProtocolGuid]);
  });

  it('issue 6 §2: TcgMorLockSmm is stale too but would still be FALSE; VariableSmmRuntimeDxe was never started; the hung and the loaded modules are not stale', () => {
    const st = (n: string) => staleRecord(hung.m, hung.m.s.modules.find((r) => r.name === n)!);
    expect(st('TcgMorLockSmm')).toMatchObject({ wouldBeTrue: false, installedSince: ['gEfiSmmVariableProtocolGuid'], missingNow: ['gSmmVariableWriteGuid', 'gEfiTcgProtocolGuid', 'gEfiTcg2ProtocolGuid'] });
    expect(st('SmmFaultTolerantWriteDxe')?.wouldBeTrue).toBe(true);
    expect(st('VariableSmmRuntimeDxe')?.text).toBe('not started: boot hung in SwDispatch2Locate before the DXE core reached it');
    for (const n of ['SwDispatch2Locate', 'CpuIo2Smm', 'PiSmmCpuDxeSmm', 'VariableSmm', 'PiSmmCore', 'PlatformPei']) expect(st(n), n).toBeNull();
  });

  it('issue 6 §2: a boot that hangs in DXE before the SMM IPL (§12.4 negotiation failure) says every SMM driver was never evaluated and the core never loaded', () => {
    const s = Session.create();
    s.exec('platform ovmf --broadcast off --hotplug-smi on');
    expect(s.m.s.hung?.module).toBe('SmmControl2Dxe');
    const st = (n: string) => staleRecord(s.m, s.m.s.modules.find((r) => r.name === n)!)?.text ?? null;
    expect(st('CpuHotplugSmm')).toBe("not evaluated: boot hung in SmmControl2Dxe before the SMM dispatcher evaluated this driver's depex");
    expect(st('PiSmmIpl')).toBe('not started: boot hung in SmmControl2Dxe before the DXE core reached it');
    expect(st('PiSmmCore')).toBe('not loaded: boot hung in SmmControl2Dxe before PiSmmIpl loaded the SMM core');
    expect(st('SmmAccess2Dxe')).toBeNull();
  });

  it('issue 6 §2: on the stock boot no record is stale (TcgMorLockSmm\'s TPM GUIDs are still missing: its record is current)', () => {
    for (const r of stock.m.s.modules) expect(staleRecord(stock.m, r), r.name).toBeNull();
  });

  it('issue 6 §2: `modules` and state --json modules[] carry the honest text (notEvaluated), the summary and the edk2 path', () => {
    const lines = hung.exec('modules').lines;
    const at = lines.findIndex((l) => l.startsWith('CpuHotplugSmm '));
    expect(lines[at]).toMatch(/dependent +- +not evaluated: boot hung in SwDispatch2Locate/);
    expect(lines[at + 1].trim()).toMatch(/^OvmfPkg\/CpuHotplugSmm\/CpuHotplugSmm\.inf: /);
    const o = json(hung);
    const m = (n: string) => o.modules.find((x: { name: string }) => x.name === n);
    expect(m('CpuHotplugSmm').notEvaluated).toMatch(/^not evaluated: boot hung in SwDispatch2Locate/);
    expect(m('CpuHotplugSmm').state).toBe('dependent'); // the contract's fields keep their meaning
    expect(m('CpuIo2Smm').notEvaluated).toBeNull();
    expect(m('PiSmmCpuDxeSmm').path).toBe('UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.inf');
    expect(m('PiSmmCpuDxeSmm').summary).toMatch(/SMBASE/);
    expect(m('SwDispatch2Locate').path).toBeNull();
  });
});

describe('issue 6 §2: module metadata lives with the module definitions (ModuleDef)', () => {
  it('issue 6 §2: every OVMF module names its .inf (checked against edk2 at the pinned commit) and says what it does; samples have no path', () => {
    const paths = Object.fromEntries(OVMF_MODULES.map((d) => [d.name, d.path]));
    expect(paths).toEqual({
      PlatformPei: 'OvmfPkg/PlatformPei/PlatformPei.inf',
      SmmAccess2Dxe: 'OvmfPkg/SmmAccess/SmmAccess2Dxe.inf',
      SmmControl2Dxe: 'OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.inf',
      PiSmmIpl: 'MdeModulePkg/Core/PiSmmCore/PiSmmIpl.inf',
      PiSmmCore: 'MdeModulePkg/Core/PiSmmCore/PiSmmCore.inf',
      VariableSmmRuntimeDxe: 'MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmmRuntimeDxe.inf',
      CpuHotplugSmm: 'OvmfPkg/CpuHotplugSmm/CpuHotplugSmm.inf',
      CpuIo2Smm: 'UefiCpuPkg/CpuIo2Smm/CpuIo2Smm.inf',
      SmmLockBox: 'MdeModulePkg/Universal/LockBox/SmmLockBox/SmmLockBox.inf',
      PiSmmCpuDxeSmm: 'UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.inf',
      FvbServicesSmm: 'OvmfPkg/QemuFlashFvbServicesRuntimeDxe/FvbServicesSmm.inf',
      SmmFaultTolerantWriteDxe: 'MdeModulePkg/Universal/FaultTolerantWriteDxe/FaultTolerantWriteSmm.inf',
      VariableSmm: 'MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmm.inf',
      TcgMorLockSmm: 'SecurityPkg/Tcg/MemoryOverwriteRequestControlLock/TcgMorLockSmm.inf',
    });
    for (const d of [...OVMF_MODULES, ...SAMPLE_MODULES]) expect(d.summary.length, d.name).toBeGreaterThan(20);
    for (const d of SAMPLE_MODULES) expect(d.path, d.name).toBeNull();
  });

  it('issue 6 §2: ModuleDef.produces matches what the modules install on a full boot (so "no producer" is true)', () => {
    const defs = stock.m.defs;
    // Installed on a module's behalf by code outside it: RuntimeDxe (not modelled as a module) and
    // the platform BDS's gEfiDxeSmmReadyToLockProtocolGuid, installed in PiSmmIpl's context.
    const outside = new Set<string>([GUIDS.gEfiDxeSmmReadyToLockProtocolGuid]);
    for (const p of [...stock.m.s.smm.protocols, ...stock.m.s.uefiProtocols]) {
      const d = defs.get(p.module);
      if (!d || outside.has(p.guid)) continue;
      expect(d.produces ?? [], `${p.module} installs ${p.guid}`).toContain(p.guid);
    }
    // ...and every GUID a loaded module claims got installed (LegacyBoot is never signalled).
    const installed = new Set([...stock.m.s.smm.protocols, ...stock.m.s.uefiProtocols].map((p) => p.guid));
    for (const d of OVMF_MODULES) {
      if (stock.m.s.modules.find((r) => r.name === d.name)?.state !== 'dispatched') continue;
      for (const g of d.produces ?? []) expect(installed.has(g) || g === CORE_GUIDS.gEdkiiSmmLegacyBootProtocolGuid, `${d.name} produces ${g}`).toBe(true);
    }
  });
});
