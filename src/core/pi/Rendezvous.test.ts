import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { write32 } from '../machine/Memory';
import { EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER as R, readSaveState, writeSaveState } from '../modules/SmmCpuSaveState';

function counts(s: Session): number[] {
  return s.m.s.cpus.map((c) => c.smiCount);
}

/** Index in the timeline of the first event matching `re`. */
function at(s: Session, re: RegExp): number {
  const i = s.timeline.findIndex((e) => re.test(e.text));
  expect(i, String(re)).toBeGreaterThanOrEqual(0);
  return i;
}

describe('Rendezvous: who enters SMM (§4.4, §6.5, §8.1)', () => {
  it('§8.1/§4.4 broadcast negotiated -> traditional sync mode, every CPU takes each SMI (MSR_SMI_COUNT +1 per SMI)', () => {
    const s = Session.create({ cpus: 4 });
    expect(s.m.s.mp.syncMode).toBe('traditional');
    expect(s.m.s.mp.apSyncTimeout).toBe(1000000);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }), (outCpus) => {
        const before = counts(s);
        for (const c of outCpus) {
          expect(s.exec(`smi 0x05 --cpu ${c} --run`).error).toBe(false);
          expect(s.m.s.lastSmi!.cpus.slice().sort()).toEqual([0, 1, 2, 3]);
        }
        expect(counts(s)).toEqual(before.map((n) => n + outCpus.length));
      }),
      { numRuns: 15 },
    );
  });

  it('§8.1/§4.4/§12.4 --broadcast off (all SMI features off) -> relaxed sync mode, only the OUT CPU enters SMM; the others\' MSR_SMI_COUNT is unchanged', () => {
    const s = Session.create({ cpus: 4, broadcast: false });
    expect(s.m.s.mp.syncMode).toBe('relaxed');
    expect(s.m.s.mp.apSyncTimeout).toBe(100000);
    expect(s.m.s.lpc.smiFeatures & 1).toBe(0);
    const before = counts(s);
    s.exec('smi 0x04 --cpu 2 --run');
    // CPU2 is not OVMF's SMM BSP: it takes the SMI alone and no BSP ever runs (§12.1).
    expect(s.m.s.lastSmi).toMatchObject({ cpus: [2], cpu: 2, bsp: null });
    expect(counts(s)).toEqual([before[0], before[1], before[2] + 1, before[3]]);
    expect(s.timeline.filter((e) => e.phase === 'save-state' && e.cpu >= 0).map((e) => e.cpu)).toEqual([2]);
  });
});

describe('Rendezvous: BSP election (§8.2, §8.3, §8.5, §12.1)', () => {
  it('§12.1 (corrects §8.2.7) on OVMF the BSP is CPU0 whichever CPU executed the OUT; every CPU shows its PlatformSmmBspElection', () => {
    const s = Session.create({ cpus: 4 });
    for (const c of [3, 0, 2, 1]) {
      s.exec(`smi 0x04 --cpu ${c} --run`);
      const smi = s.m.s.lastSmi!;
      expect(smi.bsp).toBe(0);
      expect(smi.cpu).toBe(c);
      expect(smi.cpus[0]).toBe(c); // the OUT CPU still enters first
      expect(s.m.s.smm.currentlyExecutingCpu).toBe(0);
      const firstCheckIn = s.timeline.find((e) => e.phase === 'rendezvous')!;
      expect(firstCheckIn.cpu).toBe(c);
      const elections = s.timeline.filter((e) => /PlatformSmmBspElection/.test(e.text));
      expect(elections.map((e) => e.cpu)).toEqual(smi.cpus);
      for (const e of elections) {
        expect(e.text).toContain(e.cpu === 0 ? 'PlatformSmmBspElection: IA32_APIC_BASE.BSP=1 -> IsBsp=TRUE' : 'PlatformSmmBspElection: IA32_APIC_BASE.BSP=0 -> IsBsp=FALSE');
      }
      expect(s.timeline.find((e) => e.phase === 'smm-entry')!.cpu).toBe(0);
    }
  });

  it('§8.3.4 traditional: every AP checks in (and is Present) before the BSP calls SmmEntryPoint', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x04 --cpu 1 --run');
    const entry = at(s, /^SmmEntryPoint on CPU0/);
    const apElections = s.timeline.map((e, i) => [e, i] as const).filter(([e]) => /IsBsp=FALSE.*APHandler/.test(e.text));
    expect(apElections.map(([e]) => e.cpu).sort()).toEqual([1, 2, 3]);
    for (const [, i] of apElections) expect(i).toBeLessThan(entry);
    expect(at(s, /CPU1, CPU2, CPU3 \(APHandler\): InsideSmm=TRUE within the timeout -> Present/)).toBeLessThan(entry);
  });

  it('§8.3.9 relaxed (broadcast, --sync relaxed): the BSP runs the handlers first; APs after it in arrival order are counted in afterwards', () => {
    const s = Session.create({ cpus: 4, syncMode: 'relaxed' });
    expect(s.m.s.mp.syncMode).toBe('relaxed');
    s.exec('smi 0x04 --cpu 1 --run');
    expect(s.m.s.lastSmi!.cpus.length).toBe(4);
    expect(s.m.s.lastSmi!.bsp).toBe(0);
    const entry = at(s, /^SmmEntryPoint on CPU0/);
    const rootReturn = at(s, /^MmiManage\(NULL .*returns/);
    // CPU1 (the OUT CPU) arrived before CPU0: it elected itself AP and waited in APHandler.
    expect(at(s, /^CPU1: PlatformSmmBspElection: .*IsBsp=FALSE/)).toBeLessThan(entry);
    const late = s.timeline.map((e, i) => [e, i] as const).filter(([e]) => /APHandler without an election/.test(e.text));
    expect(late.map(([e]) => e.cpu)).toEqual([2, 3]);
    for (const [, i] of late) expect(i).toBeGreaterThan(rootReturn);
  });

  it('§8.5/§3.5 EFI_SMM_ENTRY_CONTEXT: NumberOfCpus is every possible CPU even when only one entered; CurrentlyExecutingCpu = BSP', () => {
    const s = Session.create({ cpus: 4, broadcast: false });
    s.exec('smi 0x04 --cpu 0 --run');
    expect(s.m.s.lastSmi!.cpus).toEqual([0]);
    expect(s.m.s.smm.numberOfCpus).toBe(4);
    expect(s.m.s.smm.currentlyExecutingCpu).toBe(0);
    expect(s.timeline.find((e) => e.phase === 'smm-entry')!.text).toMatch(/CurrentlyExecutingCpu=0, NumberOfCpus=4, CpuSaveStateSize\[i\]=0x400/);
  });
});

describe('Rendezvous: Read/WriteSaveState and Present (§7.6, §8.5, §5.1)', () => {
  /** Relaxed, no broadcast: CPU0 (the BSP) raises an SMI alone, the debugger stops inside CpuHotplugMmi. */
  function pausedInHandler() {
    const s = Session.create({ cpus: 4, broadcast: false });
    s.exec('break handler CpuHotplugMmi');
    const r = s.exec('smi 0x04 --cpu 0 --run');
    expect(r.lines.some((l) => l.startsWith('breakpoint 1 (handler CpuHotplugMmi) hit:'))).toBe(true);
    expect(s.run).not.toBeNull();
    return s;
  }

  it('§8.5/§7.6/§12.7 ReadSaveState on a CPU that is not Present in this SMI -> EFI_INVALID_PARAMETER; WriteSaveState tests the Present pointer and succeeds', () => {
    const s = pausedInHandler();
    const m = s.m;
    expect(readSaveState(m, 8, R.RAX, 0)).toMatchObject({ status: 'EFI_SUCCESS', value: 0x04n });
    for (const c of [1, 2, 3]) {
      expect(readSaveState(m, 8, R.RAX, c).status, `CPU${c}`).toBe('EFI_INVALID_PARAMETER');
      expect(writeSaveState(m, 8, R.RAX, c, 1n), `CPU${c}`).toMatchObject({ status: 'EFI_SUCCESS', quirk: expect.stringContaining('Present pointer') });
    }
    s.exec('continue');
    expect(s.run).toBeNull();
    expect(readSaveState(m, 8, R.RAX, 0).status).toBe('EFI_INVALID_PARAMETER'); // SMI over: nobody is Present
  });

  it('§7.6.1 CpuIndex >= NumberOfCpus -> EFI_INVALID_PARAMETER', () => {
    const s = pausedInHandler();
    expect(readSaveState(s.m, 8, R.RAX, 4).status).toBe('EFI_INVALID_PARAMETER');
    expect(writeSaveState(s.m, 8, R.RAX, 4, 0n).status).toBe('EFI_INVALID_PARAMETER');
  });

  it('§7.6.2 PROCESSOR_ID: Width must be 8; Present CPU -> APIC ID, not Present -> EFI_NOT_FOUND', () => {
    const s = pausedInHandler();
    expect(readSaveState(s.m, 8, R.PROCESSOR_ID, 0)).toMatchObject({ status: 'EFI_SUCCESS', value: 0n });
    expect(readSaveState(s.m, 4, R.PROCESSOR_ID, 0).status).toBe('EFI_INVALID_PARAMETER');
    expect(readSaveState(s.m, 8, R.PROCESSOR_ID, 2).status).toBe('EFI_NOT_FOUND');
  });

  it('§5.1/§12.7 LMA reads 64 (MmSaveStateGetRegisterLma: always 64-bit on AMD64) with Width 1 only; IO -> EFI_NOT_FOUND (QEMU never writes IO_DWord)', () => {
    const s = pausedInHandler();
    expect(readSaveState(s.m, 1, R.LMA, 0)).toMatchObject({ status: 'EFI_SUCCESS', value: 64n });
    expect(readSaveState(s.m, 8, R.LMA, 0).status).toBe('EFI_INVALID_PARAMETER');
    expect(readSaveState(s.m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 0).status).toBe('EFI_NOT_FOUND');
  });

  it('§5.1.2 IO is decoded only when IO_DWord bit 1 is set (stale memory): port bits 31..16, byte width, OUTPUT, IoData = low byte of RAX', () => {
    const s = pausedInHandler();
    const m = s.m;
    const smbase = m.s.cpus[0].smbase;
    const ioDword = (0xb2 << 16) | 0x10 | 0x2; // valid, byte, OUT
    write32(m.s.mem, smbase + 0x8000 + 0x7ec0, ioDword);
    const r = readSaveState(m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 0);
    expect(r).toMatchObject({ status: 'EFI_SUCCESS', io: { ioPort: 0xb2, ioWidth: 0, ioType: 2, ioData: 0x04n } });
  });

  it('§8.5 in traditional mode every CPU is Present while the handlers run', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('break handler CpuHotplugMmi');
    s.exec('smi 0x04 --cpu 2 --run');
    for (let c = 0; c < 4; c++) expect(readSaveState(s.m, 8, R.RIP, c).status, `CPU${c}`).toBe('EFI_SUCCESS');
  });
});
