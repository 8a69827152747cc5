import { describe, expect, it } from 'vitest';
import type { Machine, SmiRecord } from '../pi/Platform';
import type { ModuleDef } from '../pi/Platform';
import { CORE_GUIDS } from '../modules/PiSmmCore';
import { smmIplGuidedEventNotify } from '../modules/PiSmmIpl';
import { CpuDeadLoop, type Gen, type TraceEvent } from '../pi/Fw';
import { guidName } from '../lib/Guid';
import { ovmfConfig } from '../profiles/ovmf';
import { bootOvmf, createOvmfMachine } from './OvmfBoot';
import { bootRequests } from './OvmfDxe';

interface BootRun {
  m: Machine;
  events: TraceEvent[];
  /** Every SMI of the boot, as it finished (lastSmi). */
  smis: SmiRecord[];
  hang: CpuDeadLoop | null;
}

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Boots on the generator (no Session, no cache), keeping every event and every finished SMI record. */
function bootRun(opts: Parameters<typeof ovmfConfig>[0] = {}, patch?: (defs: Map<string, ModuleDef>) => void, stopAfterSmi = Infinity): BootRun {
  const base = createOvmfMachine(ovmfConfig(opts));
  const defs = new Map(base.defs);
  patch?.(defs);
  const m: Machine = { ...base, defs };
  const g = bootOvmf(m);
  const events: TraceEvent[] = [];
  const smis: SmiRecord[] = [];
  let hang: CpuDeadLoop | null = null;
  try {
    for (;;) {
      const r = g.next();
      if (r.done) break;
      events.push(r.value);
      const last = m.s.currentSmi ?? m.s.lastSmi;
      if (last && last.finished && last.number > 0 && last.kind === 'communicate' && smis[smis.length - 1] !== last) smis.push(last);
      if (m.s.smiSeq >= stopAfterSmi && m.s.currentSmi === null && last?.number === stopAfterSmi) break;
    }
  } catch (e) {
    if (!(e instanceof CpuDeadLoop)) throw e;
    hang = e;
  }
  return { m, events, smis, hang };
}

let cached: BootRun | null = null;
function fullBoot(): BootRun {
  return (cached ??= bootRun({ cpus: 4 }));
}

describe('the boot request table (§13)', () => {
  it('§13 the logged HEAD boot: 521 Communicate SMIs = 506 variable (MM Communicate v3) + 8 VarCheckPolicy + 4 DXE dispatch + EndOfDxe #55 + ReadyToLock #95 + ReadyToBoot #459', () => {
    const rows = bootRequests();
    expect(rows).toHaveLength(521);
    expect(rows.map((r) => r.smi)).toEqual(rows.map((_, i) => i + 1));
    const count = (k: string) => rows.filter((r) => r.kind === k).length;
    expect([count('var'), count('policy'), count('dispatch'), count('endofdxe'), count('readytolock'), count('readytoboot')]).toEqual([506, 8, 4, 1, 1, 1]);
    expect(rows.find((r) => r.kind === 'endofdxe')!.smi).toBe(55);
    expect(rows.find((r) => r.kind === 'readytolock')!.smi).toBe(95);
    expect(rows.find((r) => r.kind === 'readytoboot')!.smi).toBe(459);
    expect(rows.filter((r) => r.kind === 'dispatch').map((r) => r.smi)).toEqual([1, 4, 13, 14]);
    // The first variable request asks for the payload size with MessageSize 0x18; READY_TO_BOOT has no payload (0x10).
    expect(rows[1]).toMatchObject({ kind: 'var', fn: 'GET_PAYLOAD_SIZE', size: 0x18 });
    expect(rows[457]).toMatchObject({ smi: 458, fn: 'READY_TO_BOOT', size: 0x10 });
  });

  it('§13 names come only from a stated basis; a request nobody could name stays "unnamed"', () => {
    const rows = bootRequests();
    const bases = new Set(rows.map((r) => r.basis));
    for (const b of bases) expect(['log', 'tsv', 'gap', 'probe', 'repeat', 'size', 'walk', 'code', 'none']).toContain(b);
    for (const r of rows.filter((x) => x.basis === 'none')) expect(r).toMatchObject({ kind: 'var', fn: '?', name: 'unnamed' });
    for (const r of rows.filter((x) => x.fn === 'GET_NEXT_VARIABLE_NAME')) expect(r.name).toBe('(walk)');
    // A GET/SET row's size always leaves room for its name: 16 (function header) + 36 + StrSize (name).
    for (const r of rows.filter((x) => (x.fn === 'GET_VARIABLE' || x.fn === 'SET_VARIABLE') && x.name !== 'unnamed')) {
      expect(r.size, `#${r.smi} ${r.name}`).toBeGreaterThanOrEqual(52 + 2 * (r.name.length + 1));
    }
  });
});

describe('the boot to the OS (§13, §12.10)', () => {
  it('§13 the model boots with 523 Communicate SMIs: the 521 of the log, then ExitBootServices (variable EXIT_BOOT_SERVICE, then gEfiEventExitBootServicesGuid)', () => {
    const { smis, m, hang } = fullBoot();
    expect(hang).toBeNull();
    expect(m.s.stage).toBe('os');
    // numbered after PEI's 4 relocation IPIs and ExecuteFirstSmiInit's 2 (4 CPUs)
    expect(smis.map((s) => s.number)).toEqual(Array.from({ length: 523 }, (_, i) => 6 + i + 1));
    const kinds: Record<string, number> = {};
    for (const s of smis) kinds[s.communicate ?? '-'] = (kinds[s.communicate ?? '-'] ?? 0) + 1;
    expect(kinds).toEqual({
      gEfiSmmVariableProtocolGuid: 507,
      gVarCheckPolicyLibMmiHandlerGuid: 8,
      gEfiEventDxeDispatchGuid: 4,
      gEfiEndOfDxeEventGroupGuid: 1,
      gEfiDxeSmmReadyToLockProtocolGuid: 1,
      gEfiEventReadyToBootGuid: 1,
      gEfiEventExitBootServicesGuid: 1,
    });
    expect(smis[54].communicate).toBe('gEfiEndOfDxeEventGroupGuid');
    expect(smis[94].communicate).toBe('gEfiDxeSmmReadyToLockProtocolGuid');
    expect(smis[458].communicate).toBe('gEfiEventReadyToBootGuid');
    expect(smis[522].communicate).toBe('gEfiEventExitBootServicesGuid');
  });

  it('§13 every boot SMI is SmmControl2 Trigger on CPU 0: OUT 0xB2 with AL = 0, broadcast to all CPUs, CPU 0 the BSP', () => {
    const { smis } = fullBoot();
    for (const s of smis) {
      expect(s).toMatchObject({ cpu: 0, command: 0, raised: true });
      expect(s.cpus).toEqual([0, 1, 2, 3]);
    }
  });

  it('§13/§1.1 the variable requests use the V3 header and reach SmmVariableHandler through MmiManage; their SMIs still run the root handlers', () => {
    const { events, smis } = fullBoot();
    const v3 = events.filter((e) => e.text.startsWith('Communicate (EFI_MM_COMMUNICATE_HEADER_V3): MessageGuid=gEfiSmmVariableProtocolGuid'));
    expect(v3.length).toBe(507);
    // The handler gets BufferSize - 0x38: 0x843C - 0x38 = 0x8404 for mVariableBuffer, 0x50 - 0x38 = 0x18 for GetVariablePayloadSize.
    expect(v3[0].text).toContain('*CommBufferSize=0x18');
    expect(v3[1].text).toContain('*CommBufferSize=0x8404');
    const variable = smis.filter((s) => s.communicate === 'gEfiSmmVariableProtocolGuid');
    for (const s of variable) {
      expect(s.handlersCalled.map((c) => `${c.kind}:${c.handler}`)).toEqual(['guid:SmmVariableHandler', 'root:CpuHotplugMmi']);
      expect(s.handlersCalled[0].returned).toBe('EFI_SUCCESS');
    }
    const policy = smis.filter((s) => s.communicate === 'gVarCheckPolicyLibMmiHandlerGuid');
    for (const s of policy) expect(s.handlersCalled[0]).toMatchObject({ handler: 'VarCheckPolicyLibMmiHandler', returned: 'EFI_SUCCESS' });
  });

  it('§13 the first GetNextVariableName walk (#41-#52) ends with EFI_NOT_FOUND exactly where the logged one ends: the store holds the same ten variables', () => {
    const { events } = fullBoot();
    const walk = events.filter((e) => /^DXE request #(4[1-9]|5[0-2]): gRT->GetNextVariableName/.test(e.text)).map((e) => / -> (\w+)/.exec(e.text)![1]);
    expect(walk).toEqual(['EFI_BUFFER_TOO_SMALL', ...new Array(10).fill('EFI_SUCCESS'), 'EFI_NOT_FOUND']);
  });

  it('§13 real statuses: GetVariable (L"SecureBoot") is EFI_NOT_FOUND (the log prints "Status E"), a size probe of a stored variable is EFI_BUFFER_TOO_SMALL, unnamed requests change nothing', () => {
    const { events } = fullBoot();
    const text = (n: number) => events.find((e) => e.text.startsWith(`DXE request #${n}`))!.text;
    expect(text(3)).toMatch(/GetVariable \(L"SecureBoot", DataSize 0\).* -> EFI_NOT_FOUND/);
    expect(text(39)).toMatch(/GetVariable \(L"PlatformLang", DataSize 0\).* -> EFI_BUFFER_TOO_SMALL/);
    expect(text(40)).toMatch(/GetVariable \(L"PlatformLang", DataSize 3\).* -> EFI_SUCCESS/);
    expect(text(145)).toMatch(/unnamed.* -> EFI_NOT_FOUND \(nothing changes\)/);
  });

  it('§12.10 SmmReadyToLockHandler in upstream order: unregister, install the ReadyToLock protocol, locate EFI_MM_CPU_IO, report undispatched drivers, gST = gBS = NULL; then "SMM IPL locked SMRAM window"', () => {
    const { events, m } = fullBoot();
    const at = (re: RegExp, from = 0) => events.findIndex((e, i) => i >= from && re.test(e.text));
    const start = at(/^guid handler PiSmmCore\.SmmReadyToLockHandler\(/);
    expect(start).toBeGreaterThan(0);
    const unreg = at(/^PiSmmCore: gSmst->MmiHandlerUnRegister\(.*removal deferred/, start);
    const install = at(/^PiSmmCore: gSmst->SmmInstallProtocolInterface\(gEfiSmmReadyToLockProtocolGuid/, start);
    const locate = at(/^PiSmmCore: gSmst->SmmLocateProtocol\(gEfiSmmCpuIo2ProtocolGuid\) = EFI_SUCCESS/, start);
    const nulls = at(/^SmmReadyToLockHandler: gST = gBS = NULL/, start);
    expect(start < unreg && unreg < install && install < locate && locate < nulls).toBe(true);
    const lines = m.s.serial.lines;
    const lockInstall = lines.indexOf('SmmInstallProtocolInterface: 47B7FA8C-F4BD-4AF6-8200-333086F0D2C8 0');
    const notLoaded = lines.indexOf('SMM Driver E2EA6F47-E678-47FA-8C1B-02A03E825C6E was discovered but not loaded!!');
    const locked = lines.indexOf('SMM IPL locked SMRAM window');
    expect(lockInstall).toBeGreaterThan(0);
    expect(notLoaded).toBeGreaterThan(lockInstall);
    expect(locked).toBeGreaterThan(notLoaded);
    expect(m.s.smm.bootServicesGone).toBe(true);
  });

  it('§12.10 PiSmmIpl locks SMRAM before it Communicates ReadyToLock (SmmIplReadyToLockEventNotify), closes it after the dispatcher restart', () => {
    const { events, m } = fullBoot();
    const lock = events.findIndex((e) => e.text.startsWith('PiSmmIpl SmmIplReadyToLockEventNotify: mSmmAccess->Lock'));
    const lockSmi = events.findIndex((e) => /PiSmmCore\.SmmReadyToLockHandler\(/.test(e.text));
    expect(lock).toBeGreaterThan(0);
    expect(lockSmi).toBeGreaterThan(lock);
    const lines = m.s.serial.lines;
    expect(lines.indexOf('SMM IPL closed SMRAM window')).toBeLessThan(lines.findIndex((l) => l.endsWith('FvbServicesSmm.efi')));
    expect(lines).toContain('SmmEndOfDxeHandler');
  });

  it('§12.10 ReadyToBoot installs gEdkiiSmmReadyToBootProtocolGuid and unregisters itself; ExitBootServices installs gEdkiiSmmExitBootServicesProtocolGuid, unregisters itself and SmmLegacyBootHandler', () => {
    const { m } = fullBoot();
    const smm = m.s.smm.protocols.map((p) => guidName(p.guid));
    expect(smm).toContain('gEdkiiSmmReadyToBootProtocolGuid');
    expect(smm).toContain('gEdkiiSmmExitBootServicesProtocolGuid');
    expect(smm).not.toContain('gEdkiiSmmLegacyBootProtocolGuid');
    const core = m.s.smm.entries.flatMap((e) => e.handlers).filter((h) => h.module === 'PiSmmCore');
    expect(core).toEqual([]);
  });

  it('§12.10 a legacy boot instead of ExitBootServices: SmmLegacyBootHandler sets mInLegacyBoot and unregisters SmmExitBootServicesHandler; SmmEntryPoint then ignores gSmmCorePrivate', () => {
    const r = bootRun({ cpus: 2 }, undefined, 521);
    expect(r.m.s.smiSeq).toBe(521);
    const res = drain(smmIplGuidedEventNotify(r.m, CORE_GUIDS.gEfiEventLegacyBootGuid));
    expect(res.status).toBe('EFI_SUCCESS');
    expect(r.m.s.smm.inLegacyBoot).toBe(true);
    expect(r.m.s.smm.protocols.map((p) => guidName(p.guid))).toContain('gEdkiiSmmLegacyBootProtocolGuid');
    expect(r.m.s.smm.entries.flatMap((e) => e.handlers).filter((h) => h.module === 'PiSmmCore')).toEqual([]);
    // The next Communicate: no GUID handler runs, only the root walk; CommunicationBuffer is left as it was.
    drain(smmIplGuidedEventNotify(r.m, CORE_GUIDS.gEfiEventExitBootServicesGuid));
    expect(r.m.s.lastSmi!.handlersCalled.map((c) => c.kind)).toEqual(['root']);
    expect(r.m.s.smm.priv.commBuffer).not.toBe(0);
  });

  it('§12.10 without EFI_MM_CPU_IO SmmReadyToLockHandler prints "SMM: SmmCpuIo Arch Protocol not present!!" and ASSERT_EFI_ERROR dead-loops', () => {
    const r = bootRun({ cpus: 2 }, (defs) => {
      const cpuIo = defs.get('CpuIo2Smm')!;
      defs.set('CpuIo2Smm', {
        ...cpuIo,
        entry: function* () {
          return 'EFI_SUCCESS';
        },
      });
    });
    expect(r.hang).toBeInstanceOf(CpuDeadLoop);
    expect(r.hang!.module).toBe('PiSmmCore');
    const lines = r.m.s.serial.lines;
    expect(lines).toContain('SMM: SmmCpuIo Arch Protocol not present!!');
    expect(lines).toContain('ASSERT_EFI_ERROR (Status = Not Found)');
    expect(r.m.s.smiSeq).toBe(2 + 2 + 95); // 2 relocation + 2 first-SMI IPIs (2 CPUs), then Communicate #95
  });

  it('§13 the boot is deterministic: two boots give the same serial log, SMI records and memory bytes', () => {
    const a = bootRun({ cpus: 2 });
    const b = bootRun({ cpus: 2 });
    expect(b.m.s.serial).toEqual(a.m.s.serial);
    expect(b.smis.length).toBe(a.smis.length);
    expect([...b.m.s.mem.pages.keys()]).toEqual([...a.m.s.mem.pages.keys()]);
    for (const [n, p] of a.m.s.mem.pages) expect(Buffer.from(b.m.s.mem.pages.get(n)!).equals(Buffer.from(p)), `page ${n}`).toBe(true);
  });
});
