import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { ICH9_SMI_EN_APMC_EN, smiLocked } from '../machine/Ich9Lpc';
import { CpuDeadLoop, type Gen } from '../pi/Fw';
import { createOvmfMachine, ovmfConfig } from '../profiles/ovmf';
import { SmmControl2Dxe, smmControl2Trigger } from './SmmControl2Dxe';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

function runEntry(opts: { broadcast?: boolean; cpus?: number } = {}) {
  const m = createOvmfMachine(ovmfConfig({ cpus: opts.cpus ?? 2, broadcast: opts.broadcast ?? true }));
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

  it('§4.4 broadcast not offered -> "SMI broadcast unavailable", OVMF DSC defaults: relaxed sync (0x01), timeout 100000', () => {
    const { m, run } = runEntry({ broadcast: false });
    run();
    expect(m.s.lpc.smiFeatures & 1).toBe(0);
    expect(m.s.mp.syncMode).toBe('relaxed');
    expect(m.s.mp.apSyncTimeout).toBe(100000);
    expect(m.s.serial.lines).toContain('NegotiateSmiFeatures: SMI broadcast unavailable');
  });

  it('§4.3/§4.4 the same state after a full boot, as state --json reports it', () => {
    const s = Session.create({ cpus: 2 });
    const st = JSON.parse(s.exec('state --json').lines[0]);
    expect(st.chipset).toMatchObject({ smiEn: '0x21', smiLock: true, smiFeatures: '0x7' });
    expect(st.platformInfo).toMatchObject({ broadcastSmi: true, syncMode: 'traditional' });
  });
});
