import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import type { Machine } from '../pi/Platform';
import { CpuDeadLoop, type Gen } from '../pi/Fw';
import { GUIDS } from '../lib/Guid';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { CpuHotplugSmm } from './CpuHotplugSmm';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

function hotplugCalls(s: Session) {
  return s.m.s.lastSmi!.handlersCalled.filter((c) => c.handler === 'CpuHotplugMmi').map((c) => c.returned);
}

describe('CpuHotplugSmm: the root MMI handler (§4.5)', () => {
  it('§4.5 registered as a ROOT handler (HandlerType NULL); depex gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid', () => {
    const s = Session.create();
    expect(CpuHotplugSmm.depex).toBe('gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid');
    const root = s.m.s.smm.root.filter((h) => h.module === 'CpuHotplugSmm');
    expect(root.map((h) => h.handler)).toEqual(['CpuHotplugMmi']);
    expect(s.m.s.smm.entries.some((e) => e.handlers.some((h) => h.module === 'CpuHotplugSmm'))).toBe(false);
    const rec = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    expect(rec.globals.mDispatchHandle).toBe(root[0].handle);
  });

  it('§4.5 smi 0x04 -> CpuHotplugMmi reads 0xB2 through EFI_MM_CPU_IO_PROTOCOL and returns EFI_SUCCESS', () => {
    const s = Session.create();
    s.exec('smi 0x04 --cpu 1 --run');
    expect(hotplugCalls(s)).toEqual(['EFI_SUCCESS']);
    const texts = s.timeline.map((e) => e.text);
    const handle = s.m.s.smm.root[0].handle.toString(16).toUpperCase();
    expect(texts).toContain(`root handler CpuHotplugSmm.CpuHotplugMmi(DispatchHandle=0x${handle}, Context=NULL, CommBuffer=NULL, CommBufferSize=NULL)`);
    expect(texts).toContain('CpuHotplugSmm: mMmCpuIo->Io.Read (MM_IO_UINT8, 0xB2, 1) = EFI_SUCCESS, value 0x04 (APM_CNT)');
  });

  it('§4.5 smi 0x05 -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED ("The MMI is not for us"); root MmiManage still reports EFI_SUCCESS (§1.5)', () => {
    const s = Session.create();
    s.exec('smi 0x05 --run');
    expect(hotplugCalls(s)).toEqual(['EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
    expect(s.timeline.map((e) => e.text)).toContain('MmiManage(NULL (root MMI handlers)) returns EFI_SUCCESS (SmmEntryPoint ignores it)');
  });

  it('§4.5 every command value other than 4 (that raises an SMI) is QUIESCED', () => {
    const s = Session.create({ cpus: 2 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xff }).filter((v) => v !== 2 && v !== 3), (v) => {
        s.exec(`smi ${v} --run`);
        expect(hotplugCalls(s)).toEqual([v === 4 ? 'EFI_SUCCESS' : 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
      }),
      { numRuns: 25 },
    );
  });

  it('§4.5/§1.6 a Communicate SMI writes command 0, so CpuHotplugMmi says QUIESCED (the seed thread\'s point about value 0)', () => {
    const s = Session.create();
    s.exec('communicate gEfiEventReadyToBootGuid --run');
    expect(s.m.s.lastSmi!.command).toBe(0);
    expect(hotplugCalls(s)).toEqual(['EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });

  it('§4.5/§12.1 the CpuHotplug SMI is broadcast: every CPU enters; CPU0 is the BSP, not the OS CPU that wrote 4', () => {
    const s = Session.create({ cpus: 8 });
    const before = s.m.s.cpus.map((c) => c.smiCount);
    s.exec('smi 0x04 --cpu 5 --run');
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(before.map((n) => n + 1));
    expect(s.m.s.lastSmi!).toMatchObject({ cpu: 5, bsp: 0 });
  });
});

describe('CpuHotplugSmm: entry point (§4.5)', () => {
  it('§4.5 one possible CPU (--cpus 1): entry returns EFI_UNSUPPORTED, the driver unloads, no root handler', () => {
    const s = Session.create();
    expect(s.exec('platform ovmf --cpus 1').error).toBe(false);
    const rec = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    expect(rec.entryStatus).toBe('EFI_UNSUPPORTED');
    expect(rec.state).toBe('unloaded');
    expect(s.m.s.smm.root).toEqual([]);
    const st = JSON.parse(s.exec('state --json').lines[0]);
    expect(st.modules.find((m: { name: string }) => m.name === 'CpuHotplugSmm')).toMatchObject({ state: 'failed', detail: 'unloaded' });
    expect(st.platformInfo.stage).toBe('os');
    s.exec('smi 0x04 --run');
    expect(s.m.s.lastSmi).toMatchObject({ raised: true, handlersCalled: [] });
  });

  it('§4.5 PcdQ35SmramAtDefaultSmbase FALSE: entry returns EFI_UNSUPPORTED even with 4 CPUs', () => {
    const m: Machine = createOvmfMachine({ ...ovmfConfig({ cpus: 4 }), defaultSmbaseSmram: null });
    try {
      drain(bootOvmf(m));
    } catch (e) {
      if (!(e instanceof CpuDeadLoop)) throw e;
    }
    const rec = m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    expect(rec.entryStatus).toBe('EFI_UNSUPPORTED');
    expect(m.s.smm.root).toEqual([]);
  });
});

describe('CpuHotplugSmm: CpuHotplugEntry failures goto Fatal (§12.10)', () => {
  /** Runs the entry point again on a booted machine whose SMM protocol database lacks `guid`. */
  function entryWithout(guid: string) {
    const s = Session.create();
    const m = s.m;
    m.s.smm.protocols = m.s.smm.protocols.filter((p) => p.guid !== guid);
    const rec = m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    let thrown: unknown;
    let returned: unknown;
    try {
      returned = drain(CpuHotplugSmm.entry({ m, mod: rec, cpu: 0 }));
    } catch (e) {
      thrown = e;
    }
    return { m, thrown, returned };
  }

  it.each([
    ['gEfiMmCpuIoProtocolGuid', GUIDS.gEfiMmCpuIoProtocolGuid, 'CpuHotplugEntry: locate MmCpuIo: Not Found'],
    ['gEfiSmmCpuServiceProtocolGuid', GUIDS.gEfiSmmCpuServiceProtocolGuid, 'CpuHotplugEntry: locate MmCpuService: Not Found'],
  ])('§12.10 no %s: DEBUG_ERROR line, then ASSERT (FALSE) at CpuHotplug.c(930) and CpuDeadLoop - no status is returned', (_name, guid, line) => {
    const { m, thrown, returned } = entryWithout(guid);
    expect(returned).toBeUndefined();
    expect(thrown).toBeInstanceOf(CpuDeadLoop);
    expect((thrown as CpuDeadLoop).module).toBe('CpuHotplugSmm');
    expect(m.s.serial.lines.slice(-2)).toEqual([line, 'ASSERT CpuHotplug.c(930): ((BOOLEAN)(0==1))']);
  });

  it('§12.10 the paths that legitimately return stay: one possible CPU -> EFI_UNSUPPORTED (after the two locates, as upstream)', () => {
    const s = Session.create({ cpus: 1 });
    const rec = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    expect(rec.entryStatus).toBe('EFI_UNSUPPORTED');
    expect(s.m.s.hung).toBeNull();
  });
});

describe('§1.5 / §11.6 the root walk after EFI_SUCCESS', () => {
  it('§11.6 CpuHotplugMmi returns EFI_SUCCESS for 0x04 and the next root handler is still called; the trace says the comment disagrees', async () => {
    const { Session } = await import('../console/Session');
    const s = Session.create();
    expect(s.exec('platform ovmf --module RootMmiSample').error).toBe(false);
    s.exec('smi 0x04 --cpu 1');
    s.exec('continue');
    expect(s.m.s.lastSmi?.handlersCalled.map((c) => [c.handler, c.returned])).toEqual([
      ['CpuHotplugMmi', 'EFI_SUCCESS'],
      ['RootMmiSampleHandler', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
    ]);
    expect(s.timeline.some((e) => e.text.includes('SmiManage in MdeModulePkg/Core/PiSmmCore/Smi.c calls every root handler') && e.text.includes('PiMmCis.h'))).toBe(true);
  });
});
