import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { ICH9_SMI_EN_APMC_EN, smiLocked } from '../machine/Ich9Lpc';
import { CpuDeadLoop, type Gen } from '../pi/Fw';
import { createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { SmmControl2Dxe, smmControl2Trigger } from './SmmControl2Dxe';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

function runEntry(opts: { broadcast?: boolean; hotplugSmi?: boolean; cpus?: number } = {}) {
  const m = createOvmfMachine(ovmfConfig({ cpus: opts.cpus ?? 2, broadcast: opts.broadcast ?? true, hotplugSmi: opts.hotplugSmi }));
  const rec = m.s.modules.find((r) => r.name === 'SmmControl2Dxe')!;
  return { m, run: () => drain(SmmControl2Dxe.entry({ m, mod: rec, cpu: 0 })) };
}

describe('SmmControl2Dxe: Trigger (§4.2)', () => {
  it('§4.2 Trigger (NULL, NULL) writes 0 to the data port 0xB3 first, then 0 to the command port 0xB2', () => {
    const w = smmControl2Trigger(null, null);
    expect(w).not.toBe('EFI_DEVICE_ERROR');
    expect((w as Exclude<typeof w, string>).map((x) => [x.port, x.value, x.width])).toEqual([[0xb3, 0, 1], [0xb2, 0, 1]]);
  });

  it('§4.2 Trigger with ports: *DataPort to 0xB3, then *CommandPort to 0xB2', () => {
    const w = smmControl2Trigger(0x42, 0x07) as Exclude<ReturnType<typeof smmControl2Trigger>, string>;
    expect(w.map((x) => [x.port, x.value])).toEqual([[0xb3, 0x07], [0xb2, 0x42]]);
  });

  it('§4.2 Periodic TRUE or ActivationInterval > 0 -> EFI_DEVICE_ERROR', () => {
    expect(smmControl2Trigger(null, null, true, 0)).toBe('EFI_DEVICE_ERROR');
    expect(smmControl2Trigger(4, 0, false, 1)).toBe('EFI_DEVICE_ERROR');
  });
});

describe('SmmControl2Dxe: entry point (§4.3, §4.4)', () => {
  it('§4.3 entry: SMI_EN |= APMC_EN | GBL_SMI_EN at PMBASE+0x30, SMI_LOCK set, GBL_SMI_EN locked; protocol installed in gBS', () => {
    const { m, run } = runEntry();
    expect(run()).toBe('EFI_SUCCESS');
    expect(m.s.lpc.smiEn).toBe(0x21);
    expect(smiLocked(m.s.lpc)).toBe(true);
    expect(m.s.lpc.smiEnWmask & 1).toBe(0);
    expect(m.s.uefiProtocols.map((p) => p.guid)).toContain('843dc720-ab1e-42cb-9357-8a0078f3561b');
  });

  it('§4.3 APMC_EN already set at entry (QEMU without SMI): "this Q35 implementation lacks SMI", ASSERT, CpuDeadLoop', () => {
    const { m, run } = runEntry();
    m.s.lpc.smiEn = ICH9_SMI_EN_APMC_EN;
    expect(run).toThrow(CpuDeadLoop);
    expect(m.s.serial.lines).toContain('SmmControl2DxeEntryPoint: this Q35 implementation lacks SMI');
    expect(m.s.uefiProtocols).toEqual([]);
  });

  it('§4.4 broadcast offered -> requested = supported & (BROADCAST|CPU_HOTPLUG|CPU_HOT_UNPLUG), traditional sync, timeouts 1000000', () => {
    const { m, run } = runEntry({ broadcast: true });
    run();
    expect(m.s.lpc.smiFeaturesRequested).toBe(0x7);
    expect(m.s.lpc.smiFeatures).toBe(0x7);
    expect(m.s.mp.syncMode).toBe('traditional');
    expect(m.s.mp.apSyncTimeout).toBe(1000000);
    expect(m.s.serial.lines).toContain('NegotiateSmiFeatures: using SMI broadcast');
  });

  it('§12.4 (corrects §4.4) all three SMI features off: no etc/smi files -> "SMI feature negotiation unavailable" and nothing else; DSC defaults: relaxed, 100000 µs', () => {
    const { m, run } = runEntry({ broadcast: false });
    expect(run()).toBe('EFI_SUCCESS');
    expect(m.s.lpc.smiFeaturesRequested).toBe(0);
    expect(m.s.lpc.smiFeatures).toBe(0);
    expect(m.s.mp.syncMode).toBe('relaxed');
    expect([m.s.mp.apSyncTimeout, m.s.mp.apSyncTimeout2]).toEqual([100000, 100000]);
    expect(m.s.serial.lines.filter((l) => l.startsWith('NegotiateSmiFeatures'))).toEqual(['NegotiateSmiFeatures: SMI feature negotiation unavailable']);
  });

  it('§12.4 with broadcast OVMF prints the three lines of a real boot, in order', () => {
    const { m, run } = runEntry({ broadcast: true });
    run();
    expect(m.s.serial.lines.filter((l) => l.startsWith('NegotiateSmiFeatures'))).toEqual([
      'NegotiateSmiFeatures: using SMI broadcast',
      'NegotiateSmiFeatures: CPU hotplug with SMI negotiated',
      'NegotiateSmiFeatures: CPU hot-unplug with SMI negotiated',
    ]);
    expect([m.s.mp.apSyncTimeout, m.s.mp.apSyncTimeout2]).toEqual([1000000, 1000000]);
  });

  it('§12.4 broadcast on, hotplug SMI off: features 0x1 accepted, "CPU hotplug not negotiated", "CPU hot-unplug not negotiated"', () => {
    const { m, run } = runEntry({ broadcast: true, hotplugSmi: false });
    run();
    expect(m.s.lpc.smiFeatures).toBe(0x1);
    expect(m.s.serial.lines.filter((l) => l.startsWith('NegotiateSmiFeatures'))).toEqual([
      'NegotiateSmiFeatures: using SMI broadcast',
      'NegotiateSmiFeatures: CPU hotplug not negotiated',
      'NegotiateSmiFeatures: CPU hot-unplug not negotiated',
    ]);
  });

  it('§12.4 broadcast off with CPU hotplug SMI still offered: QEMU rejects 0x6, "negotiation failed for feature bitmap 0x6", ASSERT in SmiFeatures.c, CpuDeadLoop', () => {
    const { m, run } = runEntry({ broadcast: false, hotplugSmi: true });
    expect(run).toThrow(CpuDeadLoop);
    expect(m.s.lpc.smiFeaturesRequested).toBe(0x6);
    expect(m.s.lpc.smiFeaturesOk).toBe(0);
    expect(m.s.lpc.smiFeatures).toBe(0);
    const i = m.s.serial.lines.indexOf('NegotiateSmiFeatures: negotiation failed for feature bitmap 0x6');
    expect(i).toBeGreaterThanOrEqual(0);
    expect(m.s.serial.lines.slice(i + 1).join('\n')).toMatch(/ASSERT .*SmiFeatures\.c\(232\): \(\(BOOLEAN\)\(0==1\)\)/);
    expect(m.s.uefiProtocols).toEqual([]);
  });

  it('§12.4 the failed negotiation hangs the boot in DXE, before the SMM IPL; the hang is not "inside SMM"', () => {
    const s = Session.create();
    const r = s.exec('platform ovmf --broadcast off --hotplug-smi on');
    expect(r.error).toBe(false);
    expect(r.lines.join('\n')).toMatch(/boot HUNG/);
    expect(r.lines.join('\n')).toMatch(/outside SMM \(module SmmControl2Dxe\): the boot stops in DXE, before the SMM IPL/);
    expect(r.lines.join('\n')).not.toMatch(/inside SMM/);
    expect(s.m.s.stage).toBe('boot');
    expect(s.m.s.modules.find((x) => x.name === 'SmmControl2Dxe')!.state).toBe('hung');
    expect(s.m.s.modules.find((x) => x.name === 'PiSmmIpl')!.state).not.toBe('dispatched');
    expect(s.m.s.serial.lines.some((l) => l.startsWith('SMM IPL'))).toBe(false);
    const st = JSON.parse(s.exec('state --json').lines[0]);
    expect(st.debugger).toMatchObject({ mode: 'hung', hung: { module: 'SmmControl2Dxe', cpu: 0, inSmm: false } });
    expect(st.platformInfo).toMatchObject({ broadcastSmi: false, hotplugSmi: true });
    expect(s.view({ selectedCpu: 0, hexAddress: 0, hexLength: 0 }).status.message).toMatch(/outside SMM/);
    expect(s.exec('smi 0x04').lines[0]).toMatch(/the machine is hung/);
  });

  it('§12.4 all SMI features off still boots: every boot SMI reaches CPU0 only, SMRAM at the default SMBASE is there, so CpuHotplugSmm still loads', () => {
    const s = Session.create({ cpus: 4, broadcast: false });
    expect(s.m.s.stage).toBe('os');
    expect(s.m.s.config.defaultSmbaseSmram).not.toBeNull();
    expect(s.m.s.modules.find((x) => x.name === 'CpuHotplugSmm')!.state).toBe('dispatched');
    expect(s.m.s.smm.root.map((h) => h.handler)).toContain('CpuHotplugMmi');
    // Boot SMIs come from SmmControl2's Trigger on CPU0: the others never entered SMM after the first-SMI pass.
    const firstInitOnly = s.m.s.cpus.map((c) => c.smiCount);
    expect(firstInitOnly[0]).toBeGreaterThan(firstInitOnly[1]);
    expect(new Set(firstInitOnly.slice(1)).size).toBe(1);
  });

  it('§4.3/§4.4 the same state after a full boot, as state --json reports it', () => {
    const s = Session.create({ cpus: 2 });
    const st = JSON.parse(s.exec('state --json').lines[0]);
    expect(st.chipset).toMatchObject({ smiEn: '0x21', smiLock: true, smiFeatures: '0x7' });
    expect(st.platformInfo).toMatchObject({ broadcastSmi: true, syncMode: 'traditional' });
  });
});
