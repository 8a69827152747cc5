import { describe, expect, it } from 'vitest';
import { runCompare, scriptLines } from './CompareRun';
import type { CompareResult } from './CompareTypes';
import { foldRows } from './Fold';
import { notRunReason, traceSide } from './Trace';

function compare(a: string, b: string, script: string, scope: 'all' | 'commands' = 'all'): CompareResult {
  const r = runCompare({ a, b, script, scope });
  if (!r.ok) throw new Error(r.error);
  return r.result;
}

describe('compare: one script on two platforms (the seed thread on ovmf)', () => {
  it('§1.9 §3 §12.9 the seed module vs another sample: the first difference is the SMM driver dispatch of SwDispatch2Locate, then its EFI_NOT_FOUND and its hang', () => {
    const r = compare('ovmf --module SwDispatch2Locate', 'ovmf --module RootMmiSample', 'smi 0x01 0x42 --cpu 2\n');
    const d = r.firstDifference!;
    expect(d.step).toBe(0);
    expect(r.phases[d.phase].title).toBe('SMI Communicate gEfiEventDxeDispatchGuid from CPU0 · SMM driver dispatch: SwDispatch2Locate');
    expect(r.phases[d.phase].only).toBe('a');
    expect(d.smi).toBe('SMI #7 (Communicate gEfiEventDxeDispatchGuid from CPU0)');
    expect(d.explanation.id).toBe('module-loaded');
    expect(r.rows[d.row].a).toMatch(/^Loading SMM driver at .* SwDispatch2Locate\.efi$/);
    // Everything before it is the same on both sides.
    expect(r.rows.slice(0, d.row).every((x) => x.same)).toBe(true);
    const ids = r.differences.map((x) => x.explanation.id);
    expect(ids.slice(0, 3)).toEqual(['module-loaded', 'locate', 'hang']);
    expect(r.differences[1].explanation.title).toBe('SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) returns EFI_NOT_FOUND on A');
    expect(r.a.hung).toMatch(/^ASSERT SwDispatch2Locate\.c\(42\)/);
    expect(r.b.hung).toBeNull();
    // The script's line: refused on the hung machine, run on the other.
    expect(r.steps[1]).toMatchObject({ line: 'smi 0x01 0x42 --cpu 2', errorA: true, errorB: false });
  });

  it('§1.9 SwDispatch2Depex without and with a producer of its depex GUID: the dispatcher loads it only where the GUID is installed', () => {
    const r = compare('ovmf --module SwDispatch2Depex', 'ovmf --module SwDispatch2Depex --module GenericSwDispatcher', '');
    const titles = r.differences.map((x) => x.explanation.title);
    expect(titles.slice(0, 2)).toEqual(['GenericSwDispatcher runs on B only', 'SwDispatch2Depex runs on B only']);
    const depex = r.differences[1].explanation;
    expect(depex.text).toContain('its depex needs gEfiSmmSwDispatch2ProtocolGuid (installed on B by GenericSwDispatcher)');
    expect(depex.cites).toEqual(['smm-facts §1.9']);
  });

  it('§4.4 §12.1 a SW SMI from CPU 2 without and with broadcast (the boots not compared): SMI# reaches CPU 2 only, then no monarch', () => {
    const r = compare('ovmf --broadcast off', 'ovmf', 'smi 0x04 --cpu 2', 'commands');
    const d = r.firstDifference!;
    expect(d.step).toBe(1);
    expect(d.command).toBe('smi 0x04 --cpu 2');
    expect(d.smi).toBe('SMI #530 (SW SMI 0x04 (data 0x00) from CPU2)');
    expect(d.explanation.id).toBe('smi-delivery');
    const monarch = r.differences.find((x) => x.explanation.id === 'monarch')!;
    expect(monarch.explanation.title).toBe('SMM BSP (monarch): no CPU on A, CPU0 on B');
    expect(r.phases[monarch.phase].segment).toBe('rendezvous / monarch');
    // In scope 'all' the boots differ first (OVMF negotiates no broadcast on A).
    const all = compare('ovmf --broadcast off', 'ovmf', 'smi 0x04 --cpu 2');
    expect(all.firstDifference!.step).toBe(0);
  });

  it('§12.2 the same platform twice: no difference, every row the same, and folded to a few lines', () => {
    const r = compare('ovmf --cpus 2', 'ovmf  --cpus 2', '# nothing but a comment\nsmi 0x04 --cpu 1 --run\nstep\n');
    expect(r.firstDifference).toBeNull();
    expect(r.counts.differing).toBe(0);
    expect(r.steps.map((s) => s.skipped)).toEqual([false, false, true]);
    const items = foldRows(r);
    expect(items.filter((x) => x.kind === 'row')).toEqual([]);
    expect(items.filter((x) => x.kind === 'fold').reduce((n, x) => n + (x.kind === 'fold' ? x.to - x.from : 0), 0)).toBe(r.rows.length);
  });

  it('§12.2 cpus 2 vs 4: the first difference is in PEI (the CPU count), relocation SMIs pair by their target CPU', () => {
    const r = compare('ovmf --cpus 2', 'ovmf --cpus 4', '');
    expect(r.rows[r.firstDifference!.row].a).toContain('2 CPU(s)');
    const reloc = r.phases.filter((p) => p.unit.startsWith('SMI SMI IPI (SMBASE relocation)') && p.segment === 'save state');
    expect(reloc.filter((p) => !p.only).map((p) => p.unit)).toEqual(['SMI SMI IPI (SMBASE relocation) to CPU1', 'SMI SMI IPI (SMBASE relocation) to CPU0']);
    expect(reloc.filter((p) => p.only === 'b').map((p) => p.unit)).toEqual(['SMI SMI IPI (SMBASE relocation) to CPU2', 'SMI SMI IPI (SMBASE relocation) to CPU3']);
  });
});

describe('compare: ovmf, ovmf-swdispatch and pch (§3 §9 §12.1)', () => {
  it('§1.9 §3.3 §9 the seed module with the protocol in its depex on ovmf and on pch: two machines, then the Trigger value, then the module loaded on pch only', () => {
    const r = compare('ovmf --module SwDispatch2Depex', 'pch --module SwDispatch2Depex', 'smi 0x01 0x42 --cpu 2');
    expect(r.firstDifference!.explanation.id).toBe('platform');
    expect(r.firstDifference!.explanation.title).toBe('A is ovmf, B is pch: two machines, each with its own PEI and DXE platform drivers');
    const by = (id: string) => r.differences.filter((d) => d.explanation.id === id).map((d) => d.explanation);
    expect(by('trigger-command')[0].title).toBe('SmmControl2 Trigger writes 0x00 to APM_CNT on A, 0xFF on B');
    const depex = by('module-loaded').find((e) => e.title === 'SwDispatch2Depex runs on B only')!;
    expect(depex.text).toContain('its depex needs gEfiSmmSwDispatch2ProtocolGuid (installed on B by PchSmiDispatcher)');
    expect(by('save-state')[0].title).toBe('save state: AMD64 (QEMU TCG, SMMRevId 0x00020064) on A, Intel 64 (SMMRevId 0x00030064) on B');
    expect(by('monarch')[0].title).toBe('SMM BSP (monarch): CPU0 on A, CPU2 on B');
  });

  it('§9 §12.1 a SW SMI from CPU 2 on pch vs ovmf-swdispatch (the boots not compared): the PCH dispatcher names CPU 2, the generic one CPU 0', () => {
    const r = compare('pch --module SwDispatch2Depex', 'ovmf-swdispatch --module SwDispatch2Depex', 'smi 0x01 0x42 --cpu 2', 'commands');
    expect(r.firstDifference!.step).toBe(1);
    const titles = r.differences.map((d) => d.explanation.title);
    expect(titles).toContain('SMM BSP (monarch): CPU2 on A, CPU0 on B');
    expect(titles).toContain('SwSmiCpuIndex: CPU2 on A, CPU0 on B');
    const idx = r.differences.find((d) => d.explanation.id === 'sw-cpu-index')!;
    expect(r.rows[idx.row]).toMatchObject({ a: 'SwMmiSampleHandler: SwSmiCpuIndex 2, CommandPort 0x1, DataPort 0x42', b: 'SwMmiSampleHandler: SwSmiCpuIndex 0, CommandPort 0x1, DataPort 0x42' });
  });
});

describe('compare: inputs', () => {
  it('§12.2 a session file is a script: its commands run, its platform is replaced by A and B', () => {
    const file = JSON.stringify({ format: 'smiscope-session', version: 2, platform: { cpus: 1, broadcast: true, syncMode: null, modules: [], accel: 'tcg' }, breakpoints: ['break smi'], commands: ['smi 0x04 --cpu 0', 'continue'] });
    const s = scriptLines(file);
    expect(s).toMatchObject({ ok: true, lines: ['smi 0x04 --cpu 0', 'continue'] });
    expect(s.ok && s.notes[1]).toContain('boot breakpoint');
    expect(scriptLines('{"format": 1}')).toMatchObject({ ok: false });
    expect(scriptLines('# c\n\n  smi 0x04  \n')).toMatchObject({ ok: true, lines: ['smi 0x04'] });
  });

  it('§12.2 bad input: an unknown platform, an unknown command on both sides', () => {
    expect(runCompare({ a: 'qemu-arm', b: 'ovmf', script: '' })).toMatchObject({ ok: false, error: expect.stringMatching(/^platform A \(qemu-arm\): platform: unknown platform "qemu-arm"/) });
    expect(runCompare({ a: 'ovmf', b: 'ovmf --cpus 999', script: '' })).toMatchObject({ ok: false, error: expect.stringContaining('platform B (ovmf --cpus 999)') });
    const r = runCompare({ a: 'ovmf', b: 'ovmf', script: 'frobnicate 3' });
    expect(r).toEqual({ ok: false, error: 'script line "frobnicate 3": unknown command (`smiscope help` lists them)' });
  });

  it('§8.2 lines that only step or stop the debugger are not run: every run is run to its end', () => {
    expect(notRunReason('step phase 3')).toBe('stepping');
    expect(notRunReason('back --to 12')).toBe('stepping');
    expect(notRunReason('smis open 7')).toBe('stepping');
    expect(notRunReason('break handler CpuHotplugMmi')).toBe('breakpoints');
    expect(notRunReason('platform ovmf --cpus 2')).toMatch(/side's/);
    expect(notRunReason('smis')).toBeNull();
    expect(notRunReason('smi 0x04')).toBeNull();
    // `smi` without --run pauses at its first event; the compare runs it to its end.
    const t = traceSide('ovmf', ['smi 0x04 --cpu 1']);
    expect(t.ok).toBe(true);
    const out = t.ok ? t.side.steps[1].units.flatMap((u) => u.segments.flatMap((g) => g.items.map((x) => x.text))) : [];
    expect(out.some((l) => /^SMI #530 finished: command 0x04/.test(l))).toBe(true);
  });
});
