import { describe, expect, it } from 'vitest';
import type { Machine, SmiRecord } from '../pi/Platform';
import { read32, read64, write32, writeBytes } from '../machine/Memory';
import { getReg, REG } from '../machine/Registers';
import { SMM_DEFAULT_SMBASE } from '../machine/SaveStateField';
import { gSmmBaseHobGuid } from '../modules/SmmRelocationLib';
import { CpuDeadLoop, type Gen, type TraceEvent } from '../pi/Fw';
import { getFirstGuidHob, guidHobData, guidHobName, walkHobs } from '../pi/HobLib';
import { gEfiSmmSmramMemoryGuid, regionStateText, smramHobDescriptors } from '../pi/Smram';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from './ovmf';

interface Observed {
  e: TraceEvent;
  /** An SMI lifecycle (APM or Communicate) is running. */
  inSmi: boolean;
  smiSeq: number;
  at3ff00: number;
  /** The SMI in progress (any kind), as a snapshot. */
  smi: SmiRecord | null;
  smramOpen: boolean;
}

/** Boot on the generator, recording for each event whether an SMI was running. */
function run(m: Machine): { m: Machine; obs: Observed[] } {
  const obs: Observed[] = [];
  const g: Gen<void> = bootOvmf(m);
  for (;;) {
    const r = g.next();
    if (r.done) break;
    const smi = m.s.currentSmi;
    obs.push({
      e: r.value,
      inSmi: smi !== null && smi.kind !== 'smi-ipi',
      smiSeq: m.s.smiSeq,
      at3ff00: read32(m.s.mem, 0x3ff00),
      smi: smi ? structuredClone(smi) : null,
      smramOpen: m.s.smm.smramOpen,
    });
  }
  return { m, obs };
}

function boot(opts: Parameters<typeof ovmfConfig>[0] = {}): { m: Machine; obs: Observed[] } {
  return run(createOvmfMachine(ovmfConfig(opts)));
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

describe('ovmf profile: SMBASE relocation in PEI and the tiles (§12.2, §13, §5.3, §7.7, §10.1)', () => {
  it('§10.1/§5.3 before relocation every CPU has the default SMBASE 0x30000', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 4 }));
    expect(m.s.cpus.map((c) => c.smbase)).toEqual([0x30000, 0x30000, 0x30000, 0x30000]);
    expect(SMM_DEFAULT_SMBASE).toBe(0x30000);
  });

  it("§12.2 default machine (4 CPUs): SMBASE = 0x7EFF9000 + i*0x2000, save states at 0x7F008C00 + i*0x2000; CPU 0's SMBASE lies below TSEG, its entry point and save state inside", () => {
    const { m } = boot({ cpus: 4 });
    expect(m.s.cpus.map((c) => c.smbase)).toEqual([0x7eff9000, 0x7effb000, 0x7effd000, 0x7efff000]);
    expect(m.s.mp.smBase).toEqual([0x7eff9000, 0x7effb000, 0x7effd000, 0x7efff000]);
    expect(m.s.cpus.map((c) => c.smbase + 0xfc00)).toEqual([0x7f008c00, 0x7f00ac00, 0x7f00cc00, 0x7f00ec00]);
    const { tsegBase } = m.s.config;
    expect(m.s.cpus[0].smbase).toBeLessThan(tsegBase);
    expect(m.s.cpus[0].smbase + 0x8000).toBe(tsegBase + 0x1000);
    expect(m.s.smramRegions.find((r) => r.kind === 'smbase' && r.cpu === 0)).toMatchObject({ base: 0x7eff9000, size: 0x7000 });
  });

  it.each([1, 2, 4, 7, 16])('§12.2/§5.3 %i CPU(s): SmmRelocationStart = TsegBase + 0x1000, SMBASE[i] = Start + i*0x2000 - 0x8000, the block ends with CPU n-1\'s save state', (n) => {
    const { m } = boot({ cpus: n });
    const st = m.s.config.tsegBase + 0x1000;
    for (let i = 0; i < n; i++) {
      expect(m.s.cpus[i].smbase, `CPU${i}`).toBe(st + i * 0x2000 - 0x8000);
      expect(m.s.mp.smBase[i]).toBe(m.s.cpus[i].smbase);
    }
    const reloc = smramHobDescriptors(m)![1];
    expect(reloc.cpuStart).toBe(st);
    expect(reloc.physicalSize).toBe(Math.ceil((0x8000 + 0x2000 * (n - 1)) / 0x1000) * 0x1000);
    expect(m.s.cpus[n - 1].smbase + 0x10000).toBe(st + reloc.physicalSize);
  });

  it('§12.2/§12.8 the SMRAM HOB SmmAccess2 reports: [TsegBase, 4 KiB) ALLOCATED, the relocation block ALLOCATED, the rest free; the pre-split HOB is scrubbed', () => {
    const { m } = boot({ cpus: 4 });
    expect(smramHobDescriptors(m)).toEqual([
      { physicalStart: 0x7f000000, cpuStart: 0x7f000000, physicalSize: 0x1000, regionState: 0x1a },
      { physicalStart: 0x7f001000, cpuStart: 0x7f001000, physicalSize: 0xe000, regionState: 0x1a },
      { physicalStart: 0x7f00f000, cpuStart: 0x7f00f000, physicalSize: 0xff1000, regionState: 0xa },
    ]);
    expect(regionStateText(0x1a)).toBe('CLOSED|CACHEABLE|ALLOCATED');
    const named = [...walkHobs(m)].filter((h) => h.type === 4 && guidHobName(m, h) === gEfiSmmSmramMemoryGuid);
    expect(named).toHaveLength(1); // SplitSmramHobForSmmRelocation zeroed the old HOB's Name
    // the IPL's ranges: the core's own range carved from the top of the free descriptor
    expect(m.s.smm.smramRanges.map((d) => [d.cpuStart, d.physicalSize, d.regionState])).toEqual([
      [0x7f000000, 0x1000, 0x1a], [0x7f001000, 0xe000, 0x1a], [0x7f00f000, 0xfdf000, 0xa], [0x7ffee000, 0x12000, 0x1a],
    ]);
  });

  it('§12.2 gSmmBaseHobGuid HOB bytes: SMM_BASE_HOB_DATA {ProcessorIndex 0, NumberOfProcessors n, SmBase[n]}', () => {
    const { m } = boot({ cpus: 4 });
    const h = getFirstGuidHob(m, gSmmBaseHobGuid)!;
    const { data, size } = guidHobData(h);
    expect(size).toBe(8 + 4 * 8);
    expect([read32(m.s.mem, data), read32(m.s.mem, data + 4)]).toEqual([0, 4]);
    expect([0, 1, 2, 3].map((i) => Number(read64(m.s.mem, data + 8 + 8 * i)))).toEqual([0x7eff9000, 0x7effb000, 0x7effd000, 0x7efff000]);
  });

  it('§12.2/§13 relocation: an SMI IPI to each AP in turn, then a self-IPI to the BSP, each entered by that CPU only at 0x30000; the stub writes the new SMBASE at 0x3FF00; 0x38000 and 0x3FC00 are restored', () => {
    const m0 = createOvmfMachine(ovmfConfig({ cpus: 4 }));
    write32(m0.s.mem, 0x38000, 0xdeadbeef); // what was at 0x38000 before
    const { m, obs } = run(m0);
    const ipis = obs.filter((o) => o.e.phase === 'smi-delivery' && o.e.text.includes('SmmRelocateBases'));
    expect(ipis.map((o) => o.smi!.cpus)).toEqual([[1], [2], [3], [0]]);
    expect(ipis.map((o) => o.smi!.kind)).toEqual(['smi-ipi', 'smi-ipi', 'smi-ipi', 'smi-ipi']);
    const entries = obs.filter((o) => o.e.phase === 'save-state' && o.smi?.note.includes('SmmRelocateBases'));
    expect(entries.map((o) => [o.e.cpu, o.e.text.includes('at SMBASE 0x30000')])).toEqual([[1, true], [2, true], [3, true], [0, true]]);
    const stubs = obs.filter((o) => o.e.phase === 'handler' && o.e.text.includes('ConfigureSmBase'));
    expect(stubs.map((o) => o.at3ff00)).toEqual([0x7effb000, 0x7effd000, 0x7efff000, 0x7eff9000]);
    expect(read32(m.s.mem, 0x38000)).toBe(0xdeadbeef);
    expect(read32(m.s.mem, 0x3ff00)).toBe(0); // the map at 0x3FC00 restored from BakBuf2
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
      const entry = m.s.smramRegions.find((r) => r.kind === 'smi-entry' && r.cpu === i + 3)!;
      expect(entry.base).toBe(slot);
      expect(entry.base + entry.size).toBeLessThanOrEqual(slot + 0x1b00);
    }
  });

  it('§12.8/§7.7 images and core data come from the free descriptor only: nothing in the reserved page or the relocation block', () => {
    const { m } = boot({ cpus: 8 });
    const free = smramHobDescriptors(m)![2];
    for (const r of m.s.smramRegions.filter((x) => x.kind === 'module' || x.kind === 'core-data')) {
      expect(r.base >= free.cpuStart && r.base + r.size <= free.cpuStart + free.physicalSize, r.label).toBe(true);
    }
  });

  it('§12.2 without the gSmmBaseHobGuid HOB PiSmmCpuDxeSmm\'s GetSmBase fails: ASSERT and CpuDeadLoop', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 2 }));
    const g = bootOvmf(m);
    let hang: CpuDeadLoop | null = null;
    try {
      for (let r = g.next(); !r.done; r = g.next()) {
        if (r.value.text.startsWith('PiSmmIpl: SMRAM open')) {
          const h = getFirstGuidHob(m, gSmmBaseHobGuid)!;
          writeBytes(m.s.mem, h.address + 8, new Uint8Array(16)); // the HOB is gone
        }
      }
    } catch (e) {
      if (!(e instanceof CpuDeadLoop)) throw e;
      hang = e;
    }
    expect(hang?.module).toBe('PiSmmCpuDxeSmm');
    expect(m.s.serial.lines.at(-1)).toMatch(/PiSmmCpuCommon\.c\(1013\): !\(\(\(RETURN_STATUS\)\(Status\)\) >= 0x8000000000000000ULL\)$/);
    expect(m.s.serial.lines.some((l) => l.startsWith('CPU[000]'))).toBe(false);
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

describe('ovmf profile: the boot\'s SMIs and MSR_SMI_COUNT (§13, §12.2, §6.3, §8.2.1)', () => {
  it('§13 4 CPUs: 4 relocation IPIs, then ExecuteFirstSmiInit (a self-IPI on the BSP, then one IPI to all others), then the Communicate SMIs: all in one SMI sequence', () => {
    const { m, obs } = boot({ cpus: 4 });
    const smis = obs.filter((o) => o.e.phase === 'smi-delivery' && o.smi && o.e.text.startsWith(`SMI #${o.smi.number}:`)).map((o) => o.smi!);
    expect(smis.map((x) => [x.number, x.kind, x.cpus])).toEqual([
      [1, 'smi-ipi', [1]], [2, 'smi-ipi', [2]], [3, 'smi-ipi', [3]], [4, 'smi-ipi', [0]],
      [5, 'smi-ipi', [0]], [6, 'smi-ipi', [1, 2, 3]],
    ]);
    expect(smis.every((x) => x.bsp === null && x.handlersCalled.length === 0)).toBe(true);
    expect(m.s.smiSeq).toBe(6 + 523); // then the 523 Communicate SMIs (521 logged + 2 at ExitBootServices)
  });

  it('§6.3/§8.2.1/§13 broadcast: relocation 1 + first-SMI init 1 + the boot\'s 523 Communicate SMIs (521 logged + 2 at ExitBootServices) = 525 on every CPU', () => {
    const { m } = boot({ cpus: 4 });
    expect(m.s.cpus.map((c) => c.smiCount)).toEqual([525, 525, 525, 525]);
    expect(m.s.mp.smmInitialized).toEqual([true, true, true, true]);
  });

  it('§6.3/§4.4/§13 no broadcast: the boot Communicate SMIs hit only CPU0 (525), the APs only relocation + init (2)', () => {
    const { m } = boot({ cpus: 4, broadcast: false });
    expect(m.s.cpus.map((c) => c.smiCount)).toEqual([525, 2, 2, 2]);
  });

  it('§12.2/§8.2.1 1 CPU: one relocation IPI and one first-SMI IPI (no "all excluding self" target)', () => {
    const { m } = boot({ cpus: 1 });
    expect(m.s.smiSeq).toBe(2 + 523);
    expect(m.s.cpus[0].smiCount).toBe(2 + 523);
  });

  it('§8.2.1 the first SMI at the new SMBASE runs InitializeSmm() only: no rendezvous, no SmmEntryPoint, no handler', () => {
    const { obs } = boot({ cpus: 2 });
    const first = obs.filter((o) => o.smi?.note.startsWith('ExecuteFirstSmiInit'));
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((o) => ['smi-delivery', 'save-state', 'handler', 'rsm'].includes(o.e.phase))).toBe(true);
    expect(first.filter((o) => o.e.phase === 'handler').map((o) => o.e.text)).toEqual([
      expect.stringMatching(/^CPU0: SmiRendezvous: mSmmInitialized\[0\] is FALSE -> InitializeSmm \(\)/),
      expect.stringMatching(/^CPU1: SmiRendezvous: mSmmInitialized\[1\] is FALSE -> InitializeSmm \(\)/),
    ]);
    expect(first.some((o) => /SmmEntryPoint on CPU|MmiManage/.test(o.e.text))).toBe(false);
  });
});

describe('ovmf profile: dispatch during boot (§1.6, §1.9, §1.4)', () => {
  it('§12.10/§1.9 the first dispatch runs without an SMI: CpuIo2Smm, SmmLockBox, then PiSmmCpuDxeSmm, whose entry point registration makes it return EFI_NOT_READY', () => {
    const { obs } = boot({ cpus: 2 });
    const started = obs.filter((o) => o.e.text.startsWith('SmmDispatcher: start ') && !o.inSmi).map((o) => o.e.text.split(' ')[2]);
    expect(started).toEqual(['CpuIo2Smm', 'SmmLockBox', 'PiSmmCpuDxeSmm']);
    const cpuDrv = obs.findIndex((o) => o.e.text.startsWith('SmmDispatcher: start PiSmmCpuDxeSmm'));
    const notReady = obs.findIndex((o) => /return EFI_NOT_READY/.test(o.e.text));
    const registered = obs.findIndex((o) => /SmmEntryPointRegistered = TRUE/.test(o.e.text));
    expect(cpuDrv).toBeGreaterThanOrEqual(0);
    expect(obs[cpuDrv]).toMatchObject({ inSmi: false, smiSeq: 2 }); // only PEI's relocation IPIs so far
    expect(registered).toBeGreaterThan(cpuDrv);
    expect(notReady).toBeGreaterThan(registered);
    expect(obs.slice(registered + 1, notReady).some((o) => o.e.text.startsWith('SmmDispatcher: start'))).toBe(false);
  });

  it('§1.9/§1.6/§12.10/§13 the rest is dispatched inside SMI #1 (Communicate gEfiEventDxeDispatchGuid): FvbServicesSmm, VariableSmm, CpuHotplugSmm, SmmFaultTolerantWriteDxe', () => {
    const { obs } = boot({ cpus: 2 });
    const first = obs.find((x) => x.e.text.startsWith('SmmDispatcher: start CpuIo2Smm'))!;
    expect(first).toMatchObject({ inSmi: false, smiSeq: 2 }); // before PiSmmCpuDxeSmm, in the first pass (after PEI's 2 relocation IPIs)
    const starts = obs.filter((x) => x.e.text.startsWith('SmmDispatcher: start ') && x.inSmi);
    expect(starts.map((x) => /start (\w+)/.exec(x.e.text)![1])).toEqual(['FvbServicesSmm', 'VariableSmm', 'CpuHotplugSmm', 'SmmFaultTolerantWriteDxe']);
    for (const o of starts) expect({ seq: o.smiSeq, kind: o.smi?.kind }).toEqual({ seq: 2 + 2 + 1, kind: 'communicate' }); // 2 relocation IPIs, 2 first-SMI IPIs, then this Communicate
  });

  it('§12.10 SMRAM is closed ("SMM IPL closed SMRAM window") after the entry point is registered and before the dispatcher runs again through an SMI', () => {
    const { m, obs } = boot({ cpus: 2 });
    const lines = m.s.serial.lines;
    const registered = lines.findIndex((l) => l.startsWith('SMM IPL registered SMM Entry Point address '));
    const closed = lines.indexOf('SMM IPL closed SMRAM window');
    const variable = lines.findIndex((l) => l.endsWith(' VariableSmm.efi'));
    expect(registered).toBeGreaterThan(0);
    expect(closed).toBeGreaterThan(registered);
    expect(variable).toBeGreaterThan(closed);
    expect(lines.filter((l) => l === 'SMM IPL closed SMRAM window')).toHaveLength(1);
    const firstCommunicateSmi = obs.find((o) => o.smi?.kind === 'communicate')!;
    expect(firstCommunicateSmi.smramOpen).toBe(false);
    expect(obs.find((o) => o.e.text.startsWith('SmmDispatcher: start CpuIo2Smm'))!.smramOpen).toBe(true);
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
    expect(lockedSeq).toBe(2 + 2 + 95); // the ReadyToLock Communicate is #95 of the logged boot's Communicate SMIs, after 2 relocation + 2 first-SMI IPIs (2 CPUs)
    expect(afterLock).toEqual(['SmmLegacyBootHandler', 'SmmExitBootServicesHandler', 'SmmReadyToBootHandler']);
    expect(m.s.smm.readyToLock).toBe(true);
    expect(m.s.smm.smramLocked).toBe(true);
  });

  it('§12.10 once the OS runs none of PiSmmCore\'s six GUID handlers is registered; the variable stack\'s handlers are', () => {
    const { m } = boot({ cpus: 2 });
    const guid = m.s.smm.entries.flatMap((e) => e.handlers).map((h) => `${h.module}.${h.handler}`);
    expect(guid.filter((h) => h.startsWith('PiSmmCore.'))).toEqual([]);
    expect(guid).toEqual(['SmmLockBox.SmmLockBoxHandler', 'VariableSmm.VarCheckPolicyLibMmiHandler', 'VariableSmm.SmmVariableHandler', 'SmmFaultTolerantWriteDxe.SmmFaultTolerantWriteHandler']);
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
