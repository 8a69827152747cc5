import { describe, expect, it } from 'vitest';
import type { Machine } from './Platform';
import type { ModuleDef } from './Platform';
import { newModuleRecord } from '../modules/PiSmmCore';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { SmmDispatcher } from './Dispatcher';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, type Gen, type TraceEvent } from './Fw';
import { registerGuidName } from '../lib/Guid';

const CPU_IO2_SMM_FILE = 'a47ee2d8-f60e-42fd-8e58-7bd65ee4c29b';
const VARIABLE_SMM_FILE = '23a089b3-eed5-4ac5-b2ab-43e3298c2343';

function drain<T>(g: Gen<T>, events: TraceEvent[] = []): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    events.push(r.value);
  }
}

let guidSeq = 0x10;
function driver(name: string, depex: string | null, entryStatus: EfiStatus = 'EFI_SUCCESS'): ModuleDef {
  const fileGuid = `d15a7c00-0000-4000-8000-0000000000${(guidSeq++).toString(16).padStart(2, '0')}`;
  registerGuidName(fileGuid, name);
  return {
    name,
    fileGuid,
    kind: 'DXE_SMM_DRIVER',
    depex,
    imageSize: 0x2000,
    entry: function* () {
      return entryStatus;
    },
    handlers: {},
    summary: 'test driver',
    path: null,
  };
}

/** An OVMF machine whose firmware volume has `extra` appended, booted on the generator (no Session). */
function bootWith(extra: ModuleDef[], cpus = 2): { m: Machine; events: TraceEvent[]; hang: CpuDeadLoop | null } {
  const base = createOvmfMachine(ovmfConfig({ cpus }));
  const defs = new Map(base.defs);
  for (const d of extra) {
    defs.set(d.name, d);
    base.s.modules.push(newModuleRecord(d));
  }
  const m: Machine = { s: base.s, layout: base.layout, defs, smi: base.smi };
  const events: TraceEvent[] = [];
  let hang: CpuDeadLoop | null = null;
  try {
    drain(bootOvmf(m), events);
  } catch (e) {
    if (!(e instanceof CpuDeadLoop)) throw e;
    hang = e;
  }
  return { m, events, hang };
}

/** Module names in the order their images were loaded ("Loading SMM driver at ... NAME.efi"). */
function loadOrder(m: Machine): string[] {
  return m.s.serial.lines.flatMap((l) => {
    const x = /^Loading SMM driver at 0x[0-9A-F]{11} EntryPoint=0x[0-9A-F]{11} (\w+)\.efi$/.exec(l);
    return x ? [x[1]] : [];
  });
}

function mod(m: Machine, name: string) {
  return m.s.modules.find((r) => r.name === name)!;
}

describe('Dispatcher: scheduling (§1.9)', () => {
  it('§1.9/§12.10/§13 the stock OVMF volume (FV order) loads the TRUE-depex drivers up to PiSmmCpuDxeSmm (CpuIo2Smm, SmmLockBox), the rest of its queue in SMI #1, then the re-scan', () => {
    const { m, hang } = bootWith([]);
    expect(hang).toBeNull();
    // First pass: CpuIo2Smm, SmmLockBox, PiSmmCpuDxeSmm (EFI_NOT_READY); SMI #1: the queue (FvbServicesSmm, VariableSmm),
    // then the re-scan in FV order finds CpuHotplugSmm and SmmFaultTolerantWriteDxe.
    expect(loadOrder(m)).toEqual(['CpuIo2Smm', 'SmmLockBox', 'PiSmmCpuDxeSmm', 'FvbServicesSmm', 'VariableSmm', 'CpuHotplugSmm', 'SmmFaultTolerantWriteDxe']);
    // TcgMorLockSmm waits for a TPM forever, so gRequestDispatch stays TRUE (Dispatcher.c).
    expect(mod(m, 'TcgMorLockSmm').state).toBe('dependent');
    expect(m.s.smm.requestDispatch).toBe(true);
  });

  it('§1.9 a driver whose depex waits for a protocol installed by another driver is scheduled on the re-scan', () => {
    const late = driver('NeedsVariable', 'gEfiSmmVariableProtocolGuid');
    const { m } = bootWith([late]);
    const order = loadOrder(m);
    expect(order.indexOf('VariableSmm')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('NeedsVariable')).toBeGreaterThan(order.indexOf('VariableSmm'));
    expect(mod(m, 'NeedsVariable').state).toBe('dispatched');
  });

  it('§1.9 PUSH falls back to the UEFI (gBS) protocol database', () => {
    const d = driver('NeedsControl2', 'gEfiSmmControl2ProtocolGuid'); // installed by the DXE driver SmmControl2Dxe
    const { m } = bootWith([d]);
    expect(m.s.smm.protocols.some((p) => p.guid === '843dc720-ab1e-42cb-9357-8a0078f3561b')).toBe(false);
    expect(m.s.uefiProtocols.some((p) => p.guid === '843dc720-ab1e-42cb-9357-8a0078f3561b')).toBe(true);
    expect(mod(m, 'NeedsControl2').state).toBe('dispatched');
  });

  it('§1.9 AFTER: the driver is scheduled right after the named driver', () => {
    const d = driver('AfterCpuIo', `AFTER ${CPU_IO2_SMM_FILE}`);
    const { m } = bootWith([d]);
    const order = loadOrder(m);
    expect(order.indexOf('AfterCpuIo')).toBe(order.indexOf('CpuIo2Smm') + 1);
  });

  it('§1.9 BEFORE: the driver is scheduled right before the named driver', () => {
    const d = driver('BeforeVariable', `BEFORE ${VARIABLE_SMM_FILE}`);
    const { m } = bootWith([d]);
    const order = loadOrder(m);
    expect(order.indexOf('VariableSmm')).toBeGreaterThan(0);
    expect(order.indexOf('BeforeVariable')).toBe(order.indexOf('VariableSmm') - 1);
  });

  it('§1.9 SmmDispatcher while already running -> EFI_ALREADY_STARTED', () => {
    const { m } = bootWith([]);
    m.s.smm.dispatcherRunning = true;
    const core = mod(m, 'PiSmmCore');
    expect(drain(SmmDispatcher({ m, mod: core, cpu: 0 }))).toBe('EFI_ALREADY_STARTED');
  });
});

describe('Dispatcher: drivers that never run (§1.9)', () => {
  it('§1.9 a depex that never becomes TRUE: Dependent forever, silent at dispatch, "discovered but not loaded" once at SmmReadyToLock', () => {
    const d = driver('NeverReady', 'gEfiSmmSwDispatch2ProtocolGuid AND TRUE');
    const events: TraceEvent[] = [];
    const base = bootWith([d]);
    events.push(...base.events);
    const { m } = base;
    const rec = mod(m, 'NeverReady');
    expect(rec.state).toBe('dependent');
    expect(rec.dispatch).toBe('dependent');
    expect(rec.imageBase).toBe(0);
    expect(rec.missing).toEqual(['18a3c6dc-5eea-48c8-a1c1-b53389f98999']);
    const line = `SMM Driver ${d.fileGuid.toUpperCase()} was discovered but not loaded!!`;
    const lines = m.s.serial.lines;
    expect(lines.filter((l) => l === line)).toHaveLength(1);
    expect(lines.filter((l) => l.includes(d.fileGuid.toUpperCase()) || l.includes('NeverReady'))).toEqual([line]);
    // printed while SmmReadyToLockHandler runs, i.e. after the last driver was loaded
    expect(lines.indexOf(line)).toBeGreaterThan(lines.findIndex((l) => l.endsWith('CpuHotplugSmm.efi')));
    const trigger = events.findIndex((e) => /installs gEfiDxeSmmReadyToLockProtocolGuid/.test(e.text));
    expect(trigger).toBeGreaterThan(0);
    expect(events.findIndex((e) => /^SmmReadyToLockHandler: gST = gBS = NULL/.test(e.text))).toBeGreaterThan(trigger);
    expect(m.s.smm.requestDispatch).toBe(true);
  });

  it('§1.9 an entry point error prints "Error: SMM image at %11p start failed: %r" and unloads the image', () => {
    const d = driver('FailingDriver', 'TRUE', 'EFI_DEVICE_ERROR');
    const { m, hang } = bootWith([d]);
    expect(hang).toBeNull();
    const rec = mod(m, 'FailingDriver');
    expect(rec.state).toBe('failed');
    expect(rec.entryStatus).toBe('EFI_DEVICE_ERROR');
    const p11 = rec.imageBase.toString(16).toUpperCase().padStart(11, '0');
    expect(m.s.serial.lines).toContain(`Error: SMM image at ${p11} start failed: Device Error`);
    expect(m.s.stage).toBe('os');
  });

  it('§1.9/§12.9 no [Depex] section: SmmIsSchedulable ASSERTs (DEBUG build: "All SMM drivers must have a valid depex expression")', () => {
    const d = driver('NoDepex', null);
    const { m, hang } = bootWith([d]);
    expect(hang).toBeInstanceOf(CpuDeadLoop);
    expect(hang!.module).toBe('PiSmmCore');
    expect(m.s.serial.lines.at(-1)).toBe('ASSERT Dependency.c(198): ((BOOLEAN)(0==1))'); // PlatformDebugLibIoPort: basename, no [Module]
    expect(mod(m, 'NoDepex').imageBase).toBe(0);
  });
});
