/**
 * Issue 6 §1 and §3: the boot is a debuggable run (breakpoints, stepping, back), every SMI of
 * the session is listed, events are numbered within their run, session files replay a paused boot.
 */

import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { GUIDS } from '../lib/Guid';

const SEED = 'platform ovmf --module SwDispatch2Locate';

function json(s: Session) {
  return JSON.parse(s.exec('state --json').lines[0]);
}

describe('issue 6 §1: breakpoints stop the boot', () => {
  it('break locate gEfiSmmSwDispatch2ProtocolGuid stops inside SwDispatch2Locate\'s entry point, at the SmmLocateProtocol that fails', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.exec('break locate gEfiSmmSwDispatch2ProtocolGuid').lines[0]).toBe(`breakpoint 1: locate ${GUIDS.gEfiSmmSwDispatch2ProtocolGuid}`);
    const r = s.exec(SEED);
    expect(r.error).toBe(false);
    expect(r.lines.join('\n')).toMatch(/breakpoint 1 \(locate gEfiSmmSwDispatch2ProtocolGuid .*\) hit in the boot/);
    expect(r.lines.join('\n')).toMatch(/SwDispatch2Locate: gSmst->SmmLocateProtocol\(gEfiSmmSwDispatch2ProtocolGuid\) = EFI_NOT_FOUND/);
    const j = json(s);
    expect(j.debugger.mode).toBe('paused');
    expect(j.debugger.run).toBe('boot');
    expect(j.platformInfo.stage).toBe('boot');
    expect(j.modules.find((m: { name: string }) => m.name === 'SwDispatch2Locate').state).toBe('dispatched');
    // back, then continue: the boot hangs on the ASSERT, and the hang names the event that explains it
    const at = s.eventSeq;
    expect(s.exec('back').error).toBe(false);
    expect(s.eventSeq).toBe(at - 1);
    const c = s.exec('continue');
    expect(c.lines[0]).toMatch(/^breakpoint 1 .* hit in the boot/); // the same lookup again
    const h = s.exec('continue').lines.join('\n');
    expect(h).toMatch(/boot HUNG: ASSERT SwDispatch2Locate\.c\(42\)/);
    expect(h).toMatch(/the event that explains it: #\d+ SwDispatch2Locate: gSmst->SmmLocateProtocol\(gEfiSmmSwDispatch2ProtocolGuid\) = EFI_NOT_FOUND/);
    expect(json(s).debugger.hangCause.seq).toBe(at);
  });

  it('break module NAME stops where its entry point is called; break status stops where a call returns it', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break module CpuHotplugSmm');
    const r = s.exec('reset').lines.join('\n');
    expect(r).toMatch(/breakpoint 1 \(module CpuHotplugSmm .*\) hit in the boot:\n {2}\[handler\] SmmDispatcher: start CpuHotplugSmm/);
    s.exec('delete 1');
    s.exec('break status EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
    expect(s.exec('reset').lines.join('\n')).toMatch(/status EFI_WARN_INTERRUPT_SOURCE_QUIESCED .* hit in the boot:\n {2}\[handler\] CpuHotplugSmm\.CpuHotplugMmi returned EFI_WARN_INTERRUPT_SOURCE_QUIESCED/);
    expect(s.exec('break status EFI_BOGUS').lines[0]).toMatch(/not an EFI_STATUS name/);
    expect(s.exec('break module NoSuchDriver').lines[0]).toMatch(/no module "NoSuchDriver"/);
    expect(s.exec('break locate gNope').lines[0]).toMatch(/neither a known C name/);
  });

  it('break status ERROR stops at the first error status of the seed\'s boot', () => {
    const s = Session.create({ cpus: 1 });
    s.exec('break status error');
    const r = s.exec(SEED).lines.join('\n');
    expect(r).toMatch(/status ERROR .* hit in the boot/);
  });

  it('without breakpoints the boot runs to the OS and a boot of the same configuration reuses it (same bytes, same SMI list)', () => {
    const a = Session.create({ cpus: 2 });
    const b = Session.create({ cpus: 2 });
    expect(a.run).toBeNull();
    expect(b.eventSeq).toBe(a.eventSeq);
    expect(b.bootEvents).toBe(a.eventSeq);
    expect(b.smis.all().map((e) => e.rec.number)).toEqual(a.smis.all().map((e) => e.rec.number));
    expect(JSON.stringify(json(b))).toBe(JSON.stringify(json(a)));
  });
});

describe('issue 6 §1: stepping the boot and going back into it', () => {
  it('step walks the boot by PEI, driver entries, DXE events and SMIs; step smi runs to the end of an SMI', () => {
    const s = Session.create({ cpus: 2 });
    const b = s.bootEvents;
    s.exec(`back --to 1`);
    expect(s.run?.start.kind).toBe('boot');
    expect(json(s).debugger.event).toEqual({ index: 1, total: b });
    expect(s.lastEvent!.text).toMatch(/PEI: the PEI core .* dispatches PlatformPei/);
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) seen.push(s.exec('step').lines[0]);
    expect(seen[0]).toMatch(/SMI #1: SmmRelocateBases/);
    expect(seen.some((l) => /SMI #1: SmmRelocateBases/.test(l))).toBe(true);
    expect(seen.some((l) => /CoreStartImage \(SmmAccess2Dxe\)/.test(l))).toBe(true);
    // step smi from the start of an SMI ends on its last event
    s.exec('back --to 1');
    while (!/SMI #1:/.test(s.exec('step').lines[0] ?? '')) {
      /* to SMI #1 */
    }
    const end = s.exec('step smi').lines[0];
    expect(end).toMatch(/RSM/);
    expect(s.smis.byNumber(1)!.end).toBe(s.eventSeq);
  });

  it('§3 back at the first event says so; back phase goes to the previous boundary; the event number goes down', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04');
    expect(s.exec('back').lines[0]).toMatch(/already at the first event of this SMI/);
    for (let i = 0; i < 3; i++) s.exec('step');
    const before = json(s).debugger.event;
    const r = s.exec('back phase');
    expect(r.error).toBe(false);
    const after = json(s).debugger.event;
    expect(after.index).toBeLessThan(before.index);
    expect(after.total).toBe(before.total);
    expect(s.lastEvent!.level).toBe('phase');
  });
});

describe('issue 6 §1: every SMI of the session is listed', () => {
  it('smis counts the boot\'s SMIs by kind and says why the first user SMI has a number in the hundreds', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x05 --run');
    const out = s.exec('smis').lines.join('\n');
    expect(out).toMatch(/^530 SMI\(s\) since power-on: 529 in the boot, 1 since/);
    expect(out).toMatch(/ {3}4 {2}relocation/);
    expect(out).toMatch(/ {3}2 {2}first-smi/);
    expect(out).toMatch(/#530 +you +events \d+\.\.\d+ +SW SMI 0x05/);
    expect(s.exec('smis --kind sw').lines.filter((l) => /^ {2}#/.test(l))).toHaveLength(1);
    expect(s.exec('smis --kind nope').error).toBe(true);
    expect(s.exec('smis --grep ExitBootServices').lines.some((l) => /#529 .*gEfiEventExitBootServicesGuid/.test(l))).toBe(true);
  });

  it('smis open N reopens a boot SMI at its first event', () => {
    const s = Session.create({ cpus: 4 });
    const e = s.smis.byNumber(7)!;
    const r = s.exec('smis open 7');
    expect(r.error).toBe(false);
    expect(s.eventSeq).toBe(e.start);
    expect(s.m.s.currentSmi?.number).toBe(7);
    expect(json(s).debugger.event.index).toBe(e.start);
    expect(s.exec('smis open 9999').lines[0]).toMatch(/no SMI #9999/);
  });
});

describe('issue 6 §1: session files replay a paused boot', () => {
  it('the breakpoints set at the boot are saved and stop the replayed boot at the same event', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break locate gEfiSmmSwDispatch2ProtocolGuid');
    s.exec(SEED);
    s.exec('back 3');
    const file = s.exportSession();
    expect(file.version).toBe(2);
    expect(file.breakpoints).toEqual([`break locate ${GUIDS.gEfiSmmSwDispatch2ProtocolGuid}`]);
    expect(file.commands).toEqual(['back 3']);
    const t = new Session();
    const r = t.importSession(JSON.stringify(file));
    expect(r.error).toBe(false);
    expect(r.lines[0]).toMatch(/the boot is paused in SMI #7 \(event \d+ of the boot, session event #\d+\)/);
    expect(t.eventSeq).toBe(s.eventSeq);
    expect(t.lastEvent!.text).toBe(s.lastEvent!.text);
  });

  it('a version 1 file (numbers counted from the end of the boot) still lands on the same event', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04 --run');
    s.exec('smi 0x05 --run');
    const v1 = { format: 'smiscope-session', version: 1, platform: { cpus: 2, broadcast: true, syncMode: null, modules: [] }, commands: ['smi 0x04 --run', 'smi 0x05 --run', 'back --to 5'] };
    const t = new Session();
    expect(t.importSession(JSON.stringify(v1)).error).toBe(false);
    expect(t.eventSeq).toBe(s.bootEvents + 5);
  });
});

describe('issue 6 §2: a phase step lists the events that explain the phase', () => {
  it('F10 over the handler phase of SMI 0x05 shows "0xB2 read = 0x05 -> QUIESCED" without F11 (CpuHotplugMmi is SMM-C: the read is its CPU I/O call)', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x05');
    let out: string[] = [];
    for (let i = 0; i < 10 && !out.some((l) => /returned EFI_WARN_INTERRUPT_SOURCE_QUIESCED/.test(l)); i++) out = s.exec('step').lines;
    const text = out.join('\n');
    expect(out[0]).toMatch(/^\[handler\] CpuHotplugSmm\.CpuHotplugMmi returned EFI_WARN_INTERRUPT_SOURCE_QUIESCED/);
    expect(text).toMatch(/the \d+ events of this step:/);
    expect(text).toMatch(/Io\.Read \(MM_IO_UINT8, 0xB2, 1\) = EFI_SUCCESS, value 0x05/);
    expect(text).toMatch(/CpuHotplugSmm: mMmCpuIo->Io\.Read \(MM_IO_UINT8, 0xB2, 1\) = EFI_SUCCESS, value 0x05 \(APM_CNT\)/);
  });

  it('a phase step at 256 CPUs lists the first and last events and says how many it left out', () => {
    const s = Session.create({ cpus: 256 });
    s.exec('smi 0x04');
    let out: string[] = [];
    for (let i = 0; i < 4 && !out.some((l) => /more \(the page's timeline lists every one/.test(l)); i++) out = s.exec('step').lines;
    expect(out.filter((l) => /^ +\d+\/\d+ \[/.test(l)).length).toBe(15);
  });
});

describe('issue 6 §1 / issue 10: a cached boot is the same history as a live one', () => {
  it('back into a cached boot and forward again gives the bytes and tables of the live boot', () => {
    const limits = { interval: 3000, maxCheckpoints: 8, maxOps: 1000 };
    const live = new Session();
    live.historyLimits = limits;
    live.reset({ cpus: 2, broadcast: true, syncMode: null, modules: ['RootMmiSample'], accel: 'tcg' });
    const cached = new Session();
    cached.historyLimits = limits;
    cached.reset({ cpus: 2, broadcast: true, syncMode: null, modules: ['RootMmiSample'], accel: 'tcg' });
    expect(cached.eventSeq).toBe(live.eventSeq);
    const pages = (s: Session) => [...s.m.s.mem.pages].sort((a, b) => a[0] - b[0]).map(([n, p]) => [n, Array.from(p)]);
    for (const s of [live, cached]) {
      s.exec('smi 0x04 --run');
      expect(s.exec(`back --to ${Math.floor(s.bootEvents / 3)}`).error).toBe(false);
      expect(s.run?.start.kind).toBe('boot');
    }
    expect(cached.lastEvent!.text).toBe(live.lastEvent!.text);
    expect(pages(cached)).toEqual(pages(live));
    for (const s of [live, cached]) {
      s.exec('continue');
      s.exec('smi 0x04 --run');
    }
    expect(JSON.stringify(json(cached))).toBe(JSON.stringify(json(live)));
    expect(pages(cached)).toEqual(pages(live));
  });
});
