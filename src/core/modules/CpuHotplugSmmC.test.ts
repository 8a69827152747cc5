/**
 * CpuHotplugSmm with its root handler in SMM-C (src/core/cdriver/samples/CpuHotplugSmm/CpuHotplug.c,
 * cpuHotplugSmmInC): it must behave as the TypeScript handler OVMF_MODULES boots today, byte for
 * byte in the boot log, so that switching is a one-line change once the C call path is fast
 * enough for a handler that runs on every SMI. This file boots the C variant in place of the
 * TypeScript one (every Session here has it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cModuleOf } from '../cdriver/CRun';
import { SHIPPED_SAMPLES } from '../cdriver/ShippedSamples';
import { Session } from '../console/Session';
import { read64, write64 } from '../machine/Memory';
import type { Machine } from '../pi/Platform';
import { OVMF_MODULES, ovmfConfig } from '../profiles/ovmf';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { CpuHotplugSmm, cpuHotplugSmmInC } from './CpuHotplugSmm';

const at = OVMF_MODULES.indexOf(cpuHotplugSmmInC());

function bootMachine(cpus: number): Machine {
  const m = createOvmfMachine(ovmfConfig({ cpus }));
  const g = bootOvmf(m);
  while (!g.next().done) {
    /* drain */
  }
  return m;
}

/** The 1-based line of `text` in CpuHotplug.c. */
function lineOf(text: string): number {
  return SHIPPED_SAMPLES.CpuHotplugSmm.files.find((f) => f.name === 'CpuHotplug.c')!.text.split('\n').findIndex((l) => l.includes(text)) + 1;
}

describe('§4.5 CpuHotplugSmm\'s root handler in SMM-C (the ovmf profile\'s CpuHotplugSmm: cpuHotplugSmmInC)', () => {
  let tsLog: string[];
  beforeAll(() => {
    // The TypeScript module (the model's handler before it was C) for the comparison, then C again.
    OVMF_MODULES[at] = CpuHotplugSmm;
    tsLog = bootMachine(4).s.serial.lines;
    OVMF_MODULES[at] = cpuHotplugSmmInC();
  });
  afterAll(() => {
    OVMF_MODULES[at] = cpuHotplugSmmInC();
  });

  it('§4.5 the boot log is the TypeScript module\'s, line for line (same image size: every later load address stays)', () => {
    const m = bootMachine(4);
    expect(m.s.serial.lines).toEqual(tsLog);
    expect(cModuleOf(m.defs.get('CpuHotplugSmm'))).toBeDefined();
    expect(m.s.smm.root.map((h) => `${h.module}.${h.handler}`)).toEqual(['CpuHotplugSmm.CpuHotplugMmi']);
  });

  it('§4.5 the entry point fills the C globals: mDispatchHandle is the root registration, mMmCpuIo the located EFI_MM_CPU_IO_PROTOCOL', () => {
    const s = Session.create();
    const rec = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    const image = cModuleOf(s.m.defs.get('CpuHotplugSmm'))!.image(rec.imageBase);
    const read = (name: string) => Number(read64(s.m.s.mem, image.symbols.get(name)!.address));
    expect(read('mDispatchHandle')).toBe(s.m.s.smm.root[0].handle);
    expect(read('mMmCpuIo')).toBe(s.m.s.smm.protocols.find((p) => p.guid === '3242a9d8-ce70-4aa0-955d-5e7b140de4d2')!.iface);
  });

  it('§4.5 smi 0x04 -> EFI_SUCCESS; 0x05 and a Communicate (command 0) -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED; the read of 0xB2 is the native\'s event', () => {
    const s = Session.create();
    const calls = () => s.m.s.lastSmi!.handlersCalled.filter((c) => c.handler === 'CpuHotplugMmi').map((c) => c.returned);
    s.exec('smi 0x04 --cpu 1 --run');
    expect(calls()).toEqual(['EFI_SUCCESS']);
    expect(s.timeline.map((e) => e.text)).toContain('CpuHotplugSmm: mMmCpuIo->Io.Read (MM_IO_UINT8, 0xB2, 1) = EFI_SUCCESS, value 0x04 (APM_CNT)');
    s.exec('smi 0x05 --run');
    expect(calls()).toEqual(['EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
    s.exec('communicate gEfiEventReadyToBootGuid --run');
    expect(calls()).toEqual(['EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });

  it('§4.5 its ASSERT (DispatchHandle == mDispatchHandle) reads the C global: a corrupted mDispatchHandle hangs the next SMI at that line of CpuHotplug.c', () => {
    const s = Session.create({ cpus: 2 });
    const rec = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    const sym = cModuleOf(s.m.defs.get('CpuHotplugSmm'))!.image(rec.imageBase).symbols.get('mDispatchHandle')!;
    write64(s.m.s.mem, sym.address, 0x1234n);
    s.exec('smi 0x05 --run');
    const line = lineOf('ASSERT (DispatchHandle == mDispatchHandle);');
    expect(line).toBeGreaterThan(0);
    expect(s.m.s.serial.lines.at(-1)).toBe(`ASSERT CpuHotplug.c(${line}): DispatchHandle == mDispatchHandle`);
    expect(s.m.s.hung).toMatchObject({ module: 'CpuHotplugSmm', where: { file: 'CpuHotplug.c', line, fn: 'CpuHotplugMmi' } });
  });
});
