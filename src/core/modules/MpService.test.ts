import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { MSR_IA32_APICBASE_BSP } from '../machine/Cpu';
import { getReg, REG } from '../machine/Registers';
import type { Machine, PlatformConfig } from '../pi/Platform';
import { smiLifecycle } from '../system/SmiLifecycle';
import { type PortWrite } from '../machine/IoBus';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import type { TraceEvent } from '../pi/Fw';
import { platformSmmBspElection } from './SmmCpuPlatformHook';

const SMI_04: PortWrite[] = [
  { port: 0xb3, value: 0, width: 1, by: 'test' },
  { port: 0xb2, value: 0x04, width: 1, by: 'test' },
];

/** A booted machine with the given config tweaks (e.g. a platform without OVMF's election hook). */
function machine(tweak: Partial<PlatformConfig>, opts: Parameters<typeof ovmfConfig>[0] = {}): Machine {
  const m = createOvmfMachine({ ...ovmfConfig({ cpus: 4, ...opts }), ...tweak });
  const g = bootOvmf(m);
  while (!g.next().done) {
    /* boot */
  }
  expect(m.s.stage).toBe('os');
  return m;
}

function run(m: Machine, cpu: number): string[] {
  const out: TraceEvent[] = [];
  const g = smiLifecycle(m, { cpu, writes: SMI_04 });
  for (let r = g.next(); !r.done; r = g.next()) out.push(r.value);
  return out.map((e) => `${e.cpu}|${e.text}`);
}

const counts = (s: Session) => s.m.s.cpus.map((c) => c.smiCount);

describe('§12.1 PlatformSmmBspElection (OvmfPkg SmmCpuPlatformHookLibQemu)', () => {
  it('§12.1 QEMU sets IA32_APIC_BASE.BSP on CPU0 only; the OVMF hook returns EFI_SUCCESS with IsBsp = that bit', () => {
    const s = Session.create({ cpus: 8 });
    s.m.s.cpus.forEach((c, i) => {
      expect(!!(c.apicBase & MSR_IA32_APICBASE_BSP), `CPU${i}`).toBe(i === 0);
      expect((c.apicBase & 0xfffff000) >>> 0).toBe(0xfee00000);
      expect(platformSmmBspElection('apic-bsp-hook', c)).toEqual({ status: 'EFI_SUCCESS', isBsp: i === 0 });
      expect(platformSmmBspElection('first-to-check-in', c).status).toBe('EFI_NOT_READY');
    });
  });

  it('§12.1 CurrentlyExecutingCpu is 0 on every OVMF SMI, for any OUT CPU and CPU count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), (n, pick) => {
        const s = Session.create({ cpus: n });
        const out = pick % n;
        expect(s.exec(`smi 0x05 --cpu ${out} --run`).error).toBe(false);
        expect(s.m.s.lastSmi).toMatchObject({ cpu: out, bsp: 0 });
        expect(s.m.s.smm.currentlyExecutingCpu).toBe(0);
      }),
      { numRuns: 12 },
    );
  });

  it('§12.1 the first-to-check-in race is what a platform WITHOUT the hook does: the OUT CPU wins InterlockedCompareExchange32', () => {
    const m = machine({ bspElection: 'first-to-check-in' });
    const ev = run(m, 2);
    expect(m.s.lastSmi).toMatchObject({ bsp: 2, cpus: [2, 0, 1, 3] });
    expect(m.s.smm.currentlyExecutingCpu).toBe(2);
    expect(ev.find((t) => t.startsWith('2|CPU2: PlatformSmmBspElection = EFI_NOT_READY'))).toMatch(/InterlockedCompareExchange32 \(&BspIndex, MAX_UINT32, 2\) wins/);
    expect(ev.find((t) => t.startsWith('0|CPU0: PlatformSmmBspElection'))).toMatch(/BspIndex already set \(CPU2 checked in first\).*APHandler/);
    expect(ev.some((t) => t.startsWith('2|SmmEntryPoint on CPU2'))).toBe(true);
  });

  it('§12.1 without the hook a unicast SMI from CPU2 makes CPU2 the BSP, and the handlers run', () => {
    const m = machine({ bspElection: 'first-to-check-in' }, { broadcast: false });
    run(m, 2);
    expect(m.s.lastSmi!.bsp).toBe(2);
    expect(m.s.lastSmi!.handlersCalled.map((h) => h.returned)).toEqual(['EFI_SUCCESS']);
  });
});

describe('§12.1 AP-raised unicast SMI on OVMF: no BSP, no handler, a virtual timeout', () => {
  it('§12.1 broadcast off, smi 0x04 --cpu 2: CPU2 alone enters, IsBsp=FALSE, waits PcdCpuSmmApSyncTimeout (virtual), gives up, RSM', () => {
    const s = Session.create({ cpus: 4, broadcast: false });
    const t0 = s.m.s.clockUs;
    const before = counts(s);
    s.exec('smi 0x04 --cpu 2 --run');
    const smi = s.m.s.lastSmi!;
    expect(smi).toMatchObject({ cpu: 2, cpus: [2], bsp: null, raised: true, finished: true, handlersCalled: [] });
    expect(s.m.s.clockUs - t0).toBe(100000);
    expect(counts(s)).toEqual([before[0], before[1], before[2] + 1, before[3]]);
    expect(s.m.s.cpus[2].inSmm).toBe(false);
    expect(s.m.s.mp.bspIndex).toBe(-1);
    expect(s.timeline.some((e) => e.phase === 'smm-entry')).toBe(false);
    const giveUp = s.timeline.find((e) => /Don't know BSP index\. Give up without sending IPI to BSP/.test(e.text))!;
    expect(giveUp.cpu).toBe(2);
    expect(giveUp.text).toContain('waited PcdCpuSmmApSyncTimeout = 100000 µs (virtual)');
    expect(s.timeline.some((e) => e.phase === 'rsm' && e.cpu === 2)).toBe(true);
    // RSM reloads what the OS had: RAX still holds the command the OS wrote (no handler answered).
    expect(getReg(s.m.s.cpus[2].regs, REG.RAX)).toBe(0x04n);
  });

  it('§12.1 a Communicate raised that way stays pending in gSmmCorePrivate->CommunicationBuffer; the next SMI that reaches SmmEntryPoint processes it', () => {
    const s = Session.create({ cpus: 4, broadcast: false });
    const r = s.exec('communicate gEfiSmmVariableProtocolGuid 0300000000000000 --cpu 2 --run');
    expect(r.error).toBe(false);
    expect(r.lines.join('\n')).toMatch(/reached no SmmEntryPoint: this ReturnStatus is stale/);
    const at = s.m.s.config.runtimeDataBase + 0x2000;
    expect(s.m.s.smm.priv.commBuffer).toBe(at);
    expect(s.m.s.lastSmi).toMatchObject({ kind: 'communicate', bsp: null, handlersCalled: [] });
    s.exec('smi 0x05 --cpu 0 --run');
    expect(s.m.s.smm.priv.commBuffer).toBe(0);
    const smi = s.m.s.lastSmi!;
    expect(smi).toMatchObject({ kind: 'apm', bsp: 0, communicate: 'gEfiSmmVariableProtocolGuid' });
    expect(smi.handlersCalled.map((h) => [h.module, h.kind])).toEqual([['VariableSmm', 'guid'], ['CpuHotplugSmm', 'root']]);
    expect(s.timeline.some((e) => /CommunicationBuffer is still 0x7EE02000: a Communicate left pending/.test(e.text))).toBe(true);
  });

  it('§12.1 with broadcast the AP-raised SMI reaches CPU0 too: the OUT CPU waits in APHandler until CPU0 sets InsideSmm', () => {
    const s = Session.create({ cpus: 4 });
    const t0 = s.m.s.clockUs;
    s.exec('smi 0x04 --cpu 2 --run');
    expect(s.m.s.lastSmi).toMatchObject({ cpu: 2, bsp: 0 });
    expect(s.m.s.clockUs).toBe(t0); // nobody timed out
    expect(s.timeline.find((e) => e.cpu === 2 && /PlatformSmmBspElection/.test(e.text))!.text).toMatch(/BspIndex=MAX_UINT32 -> APHandler: waits up to PcdCpuSmmApSyncTimeout \(1000000 µs\)/);
  });
});

describe('§12.5 traditional sync pulls missing APs in with SMI IPIs', () => {
  it('§12.5 unicast SMI on CPU0 with --sync traditional: the first wait runs out, SendSmiIpi brings CPU1..3 in late (save state, MSR_SMI_COUNT +1)', () => {
    const s = Session.create({ cpus: 4, broadcast: false, syncMode: 'traditional' });
    const t0 = s.m.s.clockUs;
    const before = counts(s);
    const logBefore = s.m.s.serial.lines.length;
    s.exec('smi 0x04 --cpu 0 --run');
    expect(s.m.s.lastSmi).toMatchObject({ bsp: 0, cpus: [0, 1, 2, 3] });
    expect(counts(s)).toEqual(before.map((n) => n + 1));
    expect(s.m.s.clockUs - t0).toBe(100000); // Timeout; Timeout2 ends as soon as all arrived
    const ipi = s.timeline.filter((e) => /SMI IPI from BSP CPU0 -> SMM entry/.test(e.text));
    expect(ipi.map((e) => [e.cpu, e.phase])).toEqual([[1, 'save-state'], [2, 'save-state'], [3, 'save-state']]);
    expect(s.timeline.find((e) => /SmmWaitForApArrival: 1 of 4 CPUs checked in/.test(e.text))!.text).toContain('waited PcdCpuSmmApSyncTimeout = 100000 µs (virtual)');
    expect(s.m.s.serial.lines.slice(logBefore).some((l) => l.includes('Failed to wait all APs'))).toBe(false);
    // They RSM like everyone else.
    for (const c of s.m.s.cpus) expect(c.inSmm, `CPU${c.index}`).toBe(false);
    expect(s.timeline.filter((e) => e.phase === 'rsm' && e.cpu >= 0).map((e) => e.cpu)).toEqual([0, 1, 2, 3]);
  });

  it('§12.5 a CPU that cannot take the IPI (already in SMM) stays out: Timeout2 runs out too and DEBUG_ERROR "Failed to wait all APs enter SMI" is printed', () => {
    const s = Session.create({ cpus: 4, broadcast: false, syncMode: 'traditional' });
    s.m.s.cpus[3].inSmm = true; // a state the model never reaches on its own
    const t0 = s.m.s.clockUs;
    const logBefore = s.m.s.serial.lines.length;
    s.exec('smi 0x04 --cpu 0 --run');
    expect(s.m.s.lastSmi).toMatchObject({ bsp: 0, cpus: [0, 1, 2] });
    expect(s.m.s.clockUs - t0).toBe(200000);
    expect(s.m.s.serial.lines.slice(logBefore)).toContain('SmmWaitForApArrival: Failed to wait all APs enter SMI. Delayed AP Count = 0, Blocked AP Count = 0, Disabled AP Count = 0');
    expect(s.timeline.some((e) => e.cpu === 3 && /SMI IPI stays latched/.test(e.text))).toBe(true);
    expect(s.timeline.find((e) => /SmmCpuSyncLockDoor/.test(e.text))!.text).toContain('CpuCount=3');
  });

  it('§12.5 with broadcast every CPU is already there: no IPI, no timeout', () => {
    const s = Session.create({ cpus: 4 });
    const t0 = s.m.s.clockUs;
    s.exec('smi 0x04 --cpu 1 --run');
    expect(s.m.s.clockUs).toBe(t0);
    expect(s.timeline.some((e) => /SendSmiIpi/.test(e.text))).toBe(false);
  });
});

describe('§12.6 OVMF sync timeouts and the virtual clock', () => {
  it('§12.6 OvmfPkgX64.dsc: both PcdCpuSmmApSyncTimeout and ...Timeout2 are 100000 µs; broadcast negotiation raises both to 1000000', () => {
    const off = Session.create({ cpus: 2, broadcast: false });
    expect([off.m.s.mp.apSyncTimeout, off.m.s.mp.apSyncTimeout2]).toEqual([100000, 100000]);
    const on = Session.create({ cpus: 2 });
    expect([on.m.s.mp.apSyncTimeout, on.m.s.mp.apSyncTimeout2]).toEqual([1000000, 1000000]);
    const j = JSON.parse(on.exec('state --json').lines[0]);
    expect(j.platformInfo).toMatchObject({ apSyncTimeoutUs: 1000000, apSyncTimeout2Us: 1000000, bspElection: 'apic-bsp-hook', virtualTimeUs: 0 });
  });

  it('§12.6 the virtual clock is deterministic state: state --json and the view report it, a reset zeroes it', () => {
    const s = Session.create({ cpus: 4, broadcast: false });
    s.exec('smi 0x04 --cpu 3 --run');
    s.exec('smi 0x04 --cpu 1 --run');
    expect(s.m.s.clockUs).toBe(200000);
    expect(JSON.parse(s.exec('state --json').lines[0]).platformInfo.virtualTimeUs).toBe(200000);
    expect(s.view({ selectedCpu: 0, hexAddress: 0, hexLength: 0 }).virtualTimeUs).toBe(200000);
    s.exec('reset');
    expect(s.m.s.clockUs).toBe(0);
  });
});
