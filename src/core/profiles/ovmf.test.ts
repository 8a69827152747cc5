import { describe, expect, it } from 'vitest';
import type { Machine } from '../machine/Machine';
import { read32 } from '../machine/Memory';
import { getReg, REG } from '../machine/Registers';
import { SMM_DEFAULT_SMBASE } from '../machine/SaveStateMap';
import type { Gen, TraceEvent } from '../pi/Fw';
import { bootOvmf, createOvmfMachine, ovmfConfig } from './ovmf';

interface Observed {
  e: TraceEvent;
  inSmi: boolean;
  smiSeq: number;
  at3ff00: number;
}

/** Boot on the generator, recording for each event whether an SMI lifecycle was running. */
function boot(opts: Parameters<typeof ovmfConfig>[0] = {}): { m: Machine; obs: Observed[] } {
  const m = createOvmfMachine(ovmfConfig(opts));
  const obs: Observed[] = [];
  const g: Gen<void> = bootOvmf(m);
  for (;;) {
    const r = g.next();
    if (r.done) break;
    obs.push({ e: r.value, inSmi: m.s.currentSmi !== null, smiSeq: m.s.smiSeq, at3ff00: read32(m.s.mem, 0x3ff00) });
  }
  return { m, obs };
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/** SmmRelocationStart: SmBase[0] + 0x8000. */
function start(m: Machine): number {
  return m.s.mp.smBase[0] + 0x8000;
}

describe('ovmf profile: SMBASE relocation and tiles (§5.3, §7.7, §10.1)', () => {
  it('§10.1/§5.3 before relocation every CPU has the default SMBASE 0x30000', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 4 }));
    expect(m.s.cpus.map((c) => c.smbase)).toEqual([0x30000, 0x30000, 0x30000, 0x30000]);
    expect(SMM_DEFAULT_SMBASE).toBe(0x30000);
  });

  it.each([1, 2, 4, 7, 16])('§5.3/§7.7 %i CPU(s): SMBASE[i] = Start + i*0x2000 - 0x8000, all inside TSEG', (n) => {
    const { m } = boot({ cpus: n });
    const st = start(m);
    const { tsegBase, tsegSize } = m.s.config;
    for (let i = 0; i < n; i++) {
      expect(m.s.cpus[i].smbase, `CPU${i}`).toBe(st + i * 0x2000 - 0x8000);
      expect(m.s.mp.smBase[i]).toBe(m.s.cpus[i].smbase);
    }
    // the allocation (32 KB + 8 KB*(n-1) from Start) lies in TSEG and ends at the end of CPU n-1's save state
    const end = st + 0x8000 + 0x2000 * (n - 1);
    expect(m.s.cpus[n - 1].smbase + 0x10000).toBe(end);
    expect(st).toBeGreaterThanOrEqual(tsegBase);
    expect(end).toBeLessThanOrEqual(tsegBase + tsegSize);
    expect(st % 0x1000).toBe(0);
  });

  it('§7.7 nothing else was allocated inside the relocation range (images, core data)', () => {
    const { m } = boot({ cpus: 8 });
    const st = start(m);
    const end = st + 0x8000 + 0x2000 * 7;
    for (const r of m.s.smramRegions.filter((x) => x.kind === 'module' || x.kind === 'core-data')) {
      expect(r.base + r.size <= st || r.base >= end, r.label).toBe(true);
    }
  });

  it('§7.7 the save state of CPU i lies in the last 1 KB of the 8 KB slot that begins at CPU (i+3)\'s entry point; PSD at slot+0x1B00', () => {
    const n = 8;
    const { m } = boot({ cpus: n });
    const sb = m.s.mp.smBase;
    for (let i = 0; i + 3 < n; i++) {
      const slot = sb[i + 3] + 0x8000;
      const save = sb[i] + 0xfc00;
      expect(save - slot, `CPU${i}`).toBe(0x1c00);
      expect(save + 0x400).toBe(slot + 0x2000);
      expect(sb[i] + 0xfb00 - slot).toBe(0x1b00);
      // the model's SMI entry code of CPU i+3 stays below its slot's 0x1B00
      const entry = m.s.smramRegions.find((r) => r.kind === 'smi-entry' && r.cpu === i + 3)!;
      expect(entry.base).toBe(slot);
      expect(entry.base + entry.size).toBeLessThanOrEqual(slot + 0x1b00);
    }
  });

  it('§5.3 relocation: APs first, BSP last; each writes its new SMBASE at 0x3FF00 (default SMBASE + 0xFF00) and RSM loads it', () => {
    const { m, obs } = boot({ cpus: 4 });
    const reloc = obs.filter((o) => o.e.text.startsWith('SMBASE relocation:'));
    expect(reloc.map((o) => o.e.cpu)).toEqual([1, 2, 3, 0]);
    expect(reloc.map((o) => o.at3ff00)).toEqual([1, 2, 3, 0].map((i) => m.s.mp.smBase[i]));
    expect(read32(m.s.mem, 0x3ff00)).toBe(m.s.mp.smBase[0]);
    expect(read32(m.s.mem, 0x3fefc)).toBe(0x00020064); // the default-SMBASE map QEMU wrote
    for (const o of reloc) expect(o.inSmi).toBe(false); // SMI IPIs, not APM SMIs
  });

  it('§5.3/§7.7 PiSmmCpuDxeSmm prints "CPU[%03x]  APIC ID=%04x  SMBASE=%08x  SaveState=%08x  Size=%08x" per CPU', () => {
    const { m } = boot({ cpus: 12 });
    const lines = m.s.serial.lines.filter((l) => l.startsWith('CPU['));
    expect(lines).toEqual(
      m.s.mp.smBase.map((sb, i) => {
        const idx = i.toString(16).toUpperCase();
        return `CPU[${idx.padStart(3, '0')}]  APIC ID=${idx.padStart(4, '0')}  SMBASE=${hex8(sb)}  SaveState=${hex8(sb + 0xfc00)}  Size=00000400`;
      }),
    );
    expect(lines[10]).toMatch(/^CPU\[00A\]  APIC ID=000A  /);
  });
});

describe('ovmf profile: MSR_SMI_COUNT accounting (§6.3, §8.2.1, §1.6)', () => {
  it('§6.3/§8.2.1/§13 broadcast: relocation 1 + first-SMI init 1 + the boot\'s 523 Communicate SMIs (521 logged + 2 at ExitBootServices) = 525 on every CPU', () => {
    const { m, obs } = boot({ cpus: 4 });
    expect(obs.filter((o) => o.e.text.startsWith('SMBASE relocation:')).length).toBe(4);
    expect(obs.filter((o) => o.e.text.startsWith('First SMI:')).length).toBe(4);
    expect(m.s.smiSeq).toBe(523);
    expect(m.s.cpus.map((c) => c.smiCount)).toEqual([525, 525, 525, 525]);
    expect(m.s.mp.smmInitialized).toEqual([true, true, true, true]);
  });

  it('§6.3/§4.4/§13 no broadcast: the boot Communicate SMIs hit only CPU0 (525), the APs only relocation + init (2)', () => {
    const { m } = boot({ cpus: 4, broadcast: false });
    expect(m.s.cpus.map((c) => c.smiCount)).toEqual([525, 2, 2, 2]);
  });

  it('§8.2.1 the first SMI at the new SMBASE runs InitializeSmm() only: no handler runs in it', () => {
    const { obs } = boot({ cpus: 2 });
    const first = obs.findIndex((o) => o.e.text.startsWith('First SMI:'));
    const last = obs.length - 1 - [...obs].reverse().findIndex((o) => o.e.text.startsWith('First SMI:'));
    expect(obs.slice(first, last + 1).every((o) => o.e.phase === 'save-state')).toBe(true);
  });
});

describe('ovmf profile: dispatch during boot (§1.6, §1.9, §1.4)', () => {
  it('§1.9 the first dispatch runs without an SMI and returns EFI_NOT_READY right after PiSmmCpuDxeSmm registers the entry point', () => {
    const { obs } = boot({ cpus: 2 });
    const cpuDrv = obs.findIndex((o) => o.e.text.startsWith('SmmDispatcher: start PiSmmCpuDxeSmm'));
    const notReady = obs.findIndex((o) => /return EFI_NOT_READY/.test(o.e.text));
    const registered = obs.findIndex((o) => /SmmEntryPointRegistered = TRUE/.test(o.e.text));
    expect(cpuDrv).toBeGreaterThanOrEqual(0);
    expect(obs[cpuDrv]).toMatchObject({ inSmi: false, smiSeq: 0 });
    expect(registered).toBeGreaterThan(cpuDrv);
    expect(notReady).toBeGreaterThan(registered);
    expect(obs.slice(registered + 1, notReady).some((o) => o.e.text.startsWith('SmmDispatcher: start'))).toBe(false);
  });

  it('§1.9/§1.6/§12.10/§13 the rest is dispatched inside SMI #1 (Communicate gEfiEventDxeDispatchGuid): FvbServicesSmm, VariableSmm, CpuHotplugSmm, SmmFaultTolerantWriteDxe', () => {
    const { obs } = boot({ cpus: 2 });
    const first = obs.find((x) => x.e.text.startsWith('SmmDispatcher: start CpuIo2Smm'))!;
    expect(first).toMatchObject({ inSmi: false, smiSeq: 0 }); // before PiSmmCpuDxeSmm, in the first pass
    const starts = obs.filter((x) => x.e.text.startsWith('SmmDispatcher: start ') && x.inSmi);
    expect(starts.map((x) => /start (\w+)/.exec(x.e.text)![1])).toEqual(['FvbServicesSmm', 'VariableSmm', 'CpuHotplugSmm', 'SmmFaultTolerantWriteDxe']);
    for (const o of starts) expect(o.smiSeq).toBe(1);
  });

  it('§1.4/§1.9/§12.10 SmmReadyToLock unregisters SmmDriverDispatchHandler, SmmReadyToLockHandler, SmmEndOfDxeHandler: deferred, gone after the walk', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 2 }));
    const g = bootOvmf(m);
    let during: { handler: string; toRemove: boolean }[] | null = null;
    let afterLock: string[] | null = null;
    let lockedSeq = 0;
    for (;;) {
      const r = g.next();
      if (r.done) break;
      if (r.value.text.startsWith('SmmReadyToLockHandler: gST = gBS = NULL')) {
        during = m.s.smm.entries.flatMap((e) => e.handlers).filter((h) => h.module === 'PiSmmCore').map((h) => ({ handler: h.handler, toRemove: h.toRemove }));
        lockedSeq = m.s.smiSeq;
      }
      if (lockedSeq && afterLock === null && m.s.smiSeq === lockedSeq + 1) {
        afterLock = m.s.smm.entries.flatMap((e) => e.handlers).filter((h) => h.module === 'PiSmmCore').map((h) => h.handler);
      }
    }
    expect(during).toEqual([
      { handler: 'SmmDriverDispatchHandler', toRemove: true },
      { handler: 'SmmReadyToLockHandler', toRemove: true },
      { handler: 'SmmLegacyBootHandler', toRemove: false },
      { handler: 'SmmExitBootServicesHandler', toRemove: false },
      { handler: 'SmmReadyToBootHandler', toRemove: false },
      { handler: 'SmmEndOfDxeHandler', toRemove: true },
    ]);
    expect(lockedSeq).toBe(95); // the ReadyToLock Communicate is SMI #95 of the logged boot
    expect(afterLock).toEqual(['SmmLegacyBootHandler', 'SmmExitBootServicesHandler', 'SmmReadyToBootHandler']);
    expect(m.s.smm.readyToLock).toBe(true);
    expect(m.s.smm.smramLocked).toBe(true);
  });

  it('§12.10 once the OS runs none of PiSmmCore\'s six GUID handlers is registered; the variable stack\'s handlers are', () => {
    const { m } = boot({ cpus: 2 });
    const guid = m.s.smm.entries.flatMap((e) => e.handlers).map((h) => `${h.module}.${h.handler}`);
    expect(guid.filter((h) => h.startsWith('PiSmmCore.'))).toEqual([]);
    expect(guid).toEqual(['VariableSmm.VarCheckPolicyLibMmiHandler', 'VariableSmm.SmmVariableHandler', 'SmmFaultTolerantWriteDxe.SmmFaultTolerantWriteHandler']);
    expect(m.s.smm.root.map((h) => h.handler)).toEqual(['CpuHotplugMmi']);
  });

  it('§1.6 after boot the OS runs: every CPU idle, out of SMM, long-mode context restored by RSM', () => {
    const { m } = boot({ cpus: 4 });
    expect(m.s.stage).toBe('os');
    for (const c of m.s.cpus) {
      expect(c.inSmm).toBe(false);
      expect(getReg(c.regs, REG.EFER)).toBe(0xd01n);
      expect(getReg(c.regs, REG.CR0) & 1n).toBe(1n);
    }
  });
});
