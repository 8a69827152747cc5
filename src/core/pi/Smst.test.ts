/**
 * gSmmCoreSmst as bytes (smm-c-facts §1.2, §1.7) and the model's code layout that lets C code
 * call the firmware through its pointers (pi/Native.ts).
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { efiStatusName, efiStatusValue } from '../lib/EfiStatus';
import { read32, read64 } from '../machine/Memory';
import { SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateField';
import { newModuleRecord } from '../modules/PiSmmCore';
import { ovmfConfig } from '../profiles/ovmf';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ev, type Gen } from './Fw';
import { functionAddress, MmiHandlerRegister } from './Mmi';
import { functionAt, handlerAt, nativeAddress, nativeAt } from './Native';
import type { Machine, MmiHandlerFn, ModuleDef } from './Platform';
import { SMST, SMST_SERVICES } from './Smst';
import { loadImage } from './Dispatcher';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

const u64 = (m: Machine, a: number) => read64(m.s.mem, a);
const smstOf = (m: Machine) => m.s.smm.smstAddress;

/** A root handler module added to a booted session; `probe` runs inside every SMI's root walk. */
function withProbe(s: Session, probe: (m: Machine, cpu: number) => void): void {
  const Probe: MmiHandlerFn = function* (fw) {
    probe(fw.m, fw.cpu);
    yield ev('handler', fw.cpu, 'Probe');
    return 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
  };
  const def: ModuleDef = {
    name: 'Probe', fileGuid: '0badf00d-0000-4000-8000-0000000000a1', kind: 'DXE_SMM_DRIVER', depex: 'TRUE', imageSize: 0x3000,
    entry: function* () {
      return 'EFI_SUCCESS';
    },
    handlers: { Probe }, summary: 'test', path: null,
  };
  const defs = new Map(s.m.defs);
  defs.set(def.name, def);
  s.m = { ...s.m, defs };
  const rec = newModuleRecord(def);
  rec.state = 'dispatched';
  s.m.s.modules.push(rec);
  loadImage(s.m, rec);
  drain(MmiHandlerRegister({ m: s.m, mod: rec, cpu: 0 }, 'Probe', null));
}

describe('smm-c-facts §1.2: gSmmCoreSmst is real bytes in PiSmmCore\'s image', () => {
  it('§1.2 Hdr: Signature SMST (0x54534D53), Revision 0x00010050, HeaderSize 24 (the header only), CRC32 0; vendor NULL, revision 0', () => {
    const s = Session.create();
    const m = s.m;
    const smst = smstOf(m);
    const core = m.s.modules.find((r) => r.name === 'PiSmmCore')!;
    expect(smst).toBeGreaterThan(core.imageBase);
    expect(smst + 0xf0).toBeLessThanOrEqual(core.imageBase + core.imageSize);
    expect(u64(m, smst)).toBe(0x54534d53n);
    expect(read32(m.s.mem, smst + 8)).toBe(0x00010050);
    expect(read32(m.s.mem, smst + 12)).toBe(24);
    expect(read32(m.s.mem, smst + 16)).toBe(0);
    expect(u64(m, smst + SMST.SmmFirmwareVendor)).toBe(0n);
    expect(read32(m.s.mem, smst + SMST.SmmFirmwareRevision)).toBe(0);
  });

  it('§1.2 every service member (0x28, 0x50..0x68, 0xA8..0xE8) resolves through nativeAt to the PiSmmCore function of that name', () => {
    const m = Session.create().m;
    const smst = smstOf(m);
    const offsets = SMST_SERVICES.map(([member]) => SMST[member]);
    expect(offsets).toEqual([0x28, 0x50, 0x58, 0x60, 0x68, 0xa8, 0xb0, 0xb8, 0xc0, 0xc8, 0xd0, 0xd8, 0xe0, 0xe8]);
    for (const [member, name] of SMST_SERVICES) {
      const n = nativeAt(m, Number(u64(m, smst + SMST[member])));
      expect(n, member).not.toBeNull();
      expect([n!.module, n!.name]).toEqual(['PiSmmCore', name]);
    }
  });

  it('§1.2/§1.3 SmmIo (0x30..0x48) starts as SmmEfiNotAvailableYetArg5 (EFI_NOT_AVAILABLE_YET) and holds CpuIo2Smm\'s four functions once it ran', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 2 }));
    const g = bootOvmf(m);
    let before: bigint[] | null = null;
    for (let r = g.next(); !r.done; r = g.next()) {
      if (before === null && r.value.tags?.module === 'CpuIo2Smm') before = [0, 1, 2, 3].map((i) => u64(m, smstOf(m) + 0x30 + 8 * i));
    }
    expect(before).not.toBeNull();
    const notYet = nativeAt(m, Number(before![0]))!;
    expect(notYet.name).toBe('SmmEfiNotAvailableYetArg5');
    expect(new Set(before)).toEqual(new Set([before![0]]));
    const fw = { m, mod: m.s.modules.find((x) => x.name === 'PiSmmCore')!, cpu: 0 };
    expect(drain(notYet.impl(fw, [0, 0, 0xb2, 1, 0x1000]))).toBe(0xa000000000000002n);
    const after = [0, 1, 2, 3].map((i) => nativeAt(m, Number(u64(m, smstOf(m) + 0x30 + 8 * i))));
    expect(after.map((n) => `${n?.module}.${n?.name}`)).toEqual([
      'CpuIo2Smm.CpuMemoryServiceRead', 'CpuIo2Smm.CpuMemoryServiceWrite', 'CpuIo2Smm.CpuIoServiceRead', 'CpuIo2Smm.CpuIoServiceWrite',
    ]);
  });

  it('§1.2 the per-SMI fields are 0/NULL until the first SMI that reaches SmmEntryPoint; NumberOfTableEntries/SmmConfigurationTable 0/NULL', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 2 }));
    const g = bootOvmf(m);
    let seen: bigint[] | null = null;
    for (let r = g.next(); !r.done; r = g.next()) {
      if (seen === null && r.value.tags?.module === 'CpuIo2Smm') seen = [0x70, 0x78, 0x80, 0x88, 0x90, 0x98, 0xa0].map((o) => u64(m, smstOf(m) + o));
    }
    expect(seen).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 0n]);
  });

  it('§1.2/§1.7 during an SMI: CurrentlyExecutingCpu = the SMM BSP, NumberOfCpus, CpuSaveStateSize[i] = 0x400, CpuSaveState[i] = SMBASE[i] + 0xFC00, SmmStartupThisAp = PiSmmCpuDxeSmm\'s', () => {
    const s = Session.create({ cpus: 4 });
    const got: { cpu: number; bytes: bigint[] }[] = [];
    withProbe(s, (m, cpu) => got.push({ cpu, bytes: [0x70, 0x78, 0x80, 0x88, 0x90].map((o) => u64(m, smstOf(m) + o)) }));
    expect(s.exec('smi 0x05 --cpu 2 --run').error).toBe(false);
    const m = s.m;
    expect(got).toHaveLength(1);
    const [startup, current, count, sizes, states] = got[0].bytes;
    expect(current).toBe(BigInt(got[0].cpu));
    expect(current).toBe(0n); // OVMF's PlatformSmmBspElection: CPU0 (§12.1 of smm-facts)
    expect(count).toBe(4n);
    expect(nativeAt(m, Number(startup))).toMatchObject({ module: 'PiSmmCpuDxeSmm', name: 'SmmStartupThisAp' });
    for (let i = 0; i < 4; i++) {
      expect(u64(m, Number(sizes) + 8 * i)).toBe(0x400n);
      expect(u64(m, Number(states) + 8 * i)).toBe(BigInt(m.s.cpus[i].smbase + SMRAM_SAVE_STATE_MAP_OFFSET));
    }
    const pi = m.s.modules.find((x) => x.name === 'PiSmmCpuDxeSmm')!;
    for (const p of [sizes, states]) expect(Number(p) >= pi.imageBase && Number(p) < pi.imageBase + pi.imageSize).toBe(true);
  });

  it('§1.2 SmmEntryPoint copies CurrentlyExecutingCpu from the entry context on every SMI (first-to-check-in election: the OUT CPU)', () => {
    const s = Session.create({ cpus: 4 });
    s.m.s.config.bspElection = 'first-to-check-in';
    const cpus: bigint[] = [];
    withProbe(s, (m) => cpus.push(u64(m, smstOf(m) + SMST.CurrentlyExecutingCpu)));
    s.exec('smi 0x05 --cpu 3 --run');
    s.exec('smi 0x05 --cpu 1 --run');
    expect(cpus).toEqual([3n, 1n]);
  });
});

describe('pi/Native.ts: where the functions of a module live, and what an address is', () => {
  it('handlers, notifies and natives have distinct slots; a wrong offset or an address in no image is null', () => {
    const m = Session.create().m;
    const core = m.s.modules.find((x) => x.name === 'PiSmmCore')!;
    const pool = nativeAddress(m, 'PiSmmCore', 'SmmAllocatePool');
    expect(nativeAt(m, pool)?.name).toBe('SmmAllocatePool');
    expect(nativeAt(m, pool + 1)).toBeNull();
    expect(nativeAt(m, pool + 8)).toBeNull();
    expect(nativeAt(m, 0)).toBeNull();
    expect(nativeAt(m, 0x1000)).toBeNull();
    const fw = { m, mod: core, cpu: 0 };
    const h = functionAddress(fw, 'PiSmmCore', 'SmmReadyToLockHandler');
    expect(handlerAt(m, h)).toEqual({ module: 'PiSmmCore', handler: 'SmmReadyToLockHandler' });
    expect(nativeAt(m, h)).toBeNull();
    expect(functionAt(m, core.imageBase + 0x1000)?.kind).toBe('entry');
    expect(handlerAt(m, core.imageBase + 0x1000)).toBeNull(); // the entry point is no handler
    const vs = m.s.modules.find((x) => x.name === 'VariableSmm')!;
    const notify = functionAt(m, functionAddress({ m, mod: vs, cpu: 0 }, 'VariableSmm', 'SmmFtwNotificationEvent'));
    expect(notify).toEqual({ module: 'VariableSmm', name: 'SmmFtwNotificationEvent', kind: 'notify' });
    // Every SMI_HANDLER record's Handler field leads back to its handler.
    for (const rec of [...m.s.smm.root, ...m.s.smm.entries.flatMap((e) => e.handlers)]) {
      expect(handlerAt(m, read32(m.s.mem, rec.handle + 24))).toEqual({ module: rec.module, handler: rec.handler });
    }
  });

  it('every function of every module of the profile (samples included) has its own slot and resolves back to itself', () => {
    const s = Session.create();
    s.exec('platform ovmf --module GenericSwDispatcher --module RootMmiSample --module SwDispatch2Locate');
    const m = s.m;
    let n = 0;
    for (const rec of m.s.modules) {
      const def = m.defs.get(rec.name)!;
      if (rec.imageBase === 0 || rec.state === 'failed' || rec.state === 'unloaded') continue;
      const fw = { m, mod: rec, cpu: 0 };
      for (const name of [...Object.keys(def.handlers), ...Object.keys(def.notifies ?? {}), ...Object.keys(def.natives ?? {})]) {
        const a = functionAddress(fw, rec.name, name);
        expect(a, `${rec.name}.${name}`).toBeGreaterThan(rec.imageBase);
        expect(functionAt(m, a), `${rec.name}.${name}`).toMatchObject({ module: rec.name, name });
        n++;
      }
    }
    expect(n).toBeGreaterThan(30);
  });

  it('a module with functionAt/functionAddress hooks (C code) places its own functions; Mmi functionAddress uses the hook', () => {
    const s = Session.create();
    const Mine: MmiHandlerFn = function* () {
      return 'EFI_SUCCESS';
    };
    const def: ModuleDef = {
      name: 'CMod', fileGuid: '0badf00d-0000-4000-8000-0000000000a2', kind: 'DXE_SMM_DRIVER', depex: 'TRUE', imageSize: 0x4000,
      entry: function* () {
        return 'EFI_SUCCESS';
      },
      handlers: { Mine },
      functionAt: (base, addr) => (addr === base + 0x2468 ? 'Mine' : addr === base + 0x2500 ? 'Helper' : null),
      functionAddress: (base, name) => (name === 'Mine' ? base + 0x2468 : name === 'Helper' ? base + 0x2500 : null),
      summary: 'test', path: null,
    };
    const defs = new Map(s.m.defs);
    defs.set(def.name, def);
    s.m = { ...s.m, defs };
    const rec = newModuleRecord(def);
    rec.state = 'dispatched';
    s.m.s.modules.push(rec);
    loadImage(s.m, rec);
    const fw = { m: s.m, mod: rec, cpu: 0 };
    expect(functionAddress(fw, 'CMod', 'Mine')).toBe(rec.imageBase + 0x2468);
    expect(handlerAt(s.m, rec.imageBase + 0x2468)).toEqual({ module: 'CMod', handler: 'Mine' });
    expect(functionAt(s.m, rec.imageBase + 0x2500)).toEqual({ module: 'CMod', name: 'Helper', kind: 'function' });
    expect(handlerAt(s.m, rec.imageBase + 0x2500)).toBeNull();
    expect(handlerAt(s.m, rec.imageBase + 0x1100)).toBeNull(); // the model's layout does not apply
  });

  it('efiStatusValue / efiStatusName: EFI_SUCCESS and warnings as numbers, errors as 64-bit bigints', () => {
    expect(efiStatusValue('EFI_SUCCESS')).toBe(0);
    expect(efiStatusValue('EFI_WARN_INTERRUPT_SOURCE_QUIESCED')).toBe(0x2000000000000001n);
    expect(efiStatusValue('EFI_WARN_BUFFER_TOO_SMALL')).toBe(4);
    expect(efiStatusValue('EFI_NOT_FOUND')).toBe(0x800000000000000en);
    expect(efiStatusName(0x800000000000000en)).toBe('EFI_NOT_FOUND');
    expect(efiStatusName(0)).toBe('EFI_SUCCESS');
    expect(efiStatusName(-0x7ffffffffffffff2n)).toBe('EFI_NOT_FOUND'); // the same 64 bits, signed
    expect(efiStatusName(0x1234)).toBeUndefined();
  });
});
