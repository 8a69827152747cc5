import { describe, expect, it } from 'vitest';
import { Session } from '../../console/Session';
import { explainStep } from './Explain';
import { buildView } from '../View';
import type { ViewCursor } from '../ViewTypes';

function step(s: Session, line: string) {
  const r = s.exec(line);
  expect(r.error, r.lines.join('\n')).toBe(false);
  return explainStep(s)!;
}

describe('Explain: the current step in plain words', () => {
  it('§4.1 §6.3 §8.2 §12.1 ovmf: every phase of an SMI raised by CPU 1 is explained, with look-here pointers', () => {
    const s = Session.create({ cpus: 2 });
    const first = step(s, 'smi 0x04 --cpu 1');
    expect(first.title).toMatch(/CPU 1 writes the data byte to port 0xB3/);
    expect(first.look).toContainEqual(expect.objectContaining({ panel: 'cpus', cpu: 1 }));
    const seen: string[] = [];
    for (let i = 0; i < 40 && s.run; i++) {
      const ex = step(s, 'step event');
      expect(ex.sentences.length).toBeGreaterThanOrEqual(1);
      expect(ex.sentences.length).toBeLessThanOrEqual(4);
      seen.push(ex.title);
      if (/saves its state/.test(ex.title)) {
        expect(ex.look.some((l) => l.panel === 'savestate' && l.field === 'RAX')).toBe(true);
        expect(ex.look.some((l) => l.panel === 'smram' && l.size === 0x400)).toBe(true);
        expect(ex.source).toMatch(/do_smm_enter/);
      }
      if (/becomes the SMM BSP/.test(ex.title)) expect(ex.sentences.join(' ')).toMatch(/CPU 1 raised this SMI, yet CPU 0 will handle it/);
      if (/CpuHotplugMmi runs/.test(ex.title)) expect(ex.look).toContainEqual(expect.objectContaining({ panel: 'handlers', handler: 'CpuHotplugMmi' }));
    }
    const all = seen.join('\n');
    for (const re of [/writes 0x04 to 0xB2: an SMI is raised/, /SMI# is pending/, /CPU 1 saves its state/, /CPU 0 becomes the SMM BSP/, /The SMM core takes over/, /MmiManage walks the root handlers/, /CpuHotplugMmi runs/, /returns EFI_SUCCESS/, /The handlers are done/, /CPU 1 executes RSM/, /SMI #\d+ is over/]) {
      expect(all).toMatch(re);
    }
  });

  it('§8.2 `back` follows the paused event: the explanation is the one of the event gone back to', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04 --cpu 1');
    const titles: string[] = [];
    for (let i = 0; i < 6; i++) titles.push(step(s, 'step event').title);
    const back = step(s, 'back 2');
    expect(back.title).toBe(titles[3]);
    expect(back.seq).toBe(s.eventSeq);
  });

  it('§7.5 §9.2 pch: the monarch is the first CPU to check in, and IOMisc names the CPU that wrote 0xB2', () => {
    const s = Session.create({ cpus: 2, platform: 'pch' });
    s.exec('smi 0x04 --cpu 1');
    const titles: string[] = [];
    let iomisc = false;
    for (let i = 0; i < 40 && s.run; i++) {
      const ex = step(s, 'step event');
      titles.push(ex.title);
      if (ex.look.some((l) => l.field === 'IOMisc' && l.cpu === 1) && /this CPU raised the SMI|executed the OUT/.test(ex.sentences.join(' '))) iomisc = true;
    }
    expect(titles.join('\n')).toMatch(/CPU 1 wins the election/);
    expect(titles.join('\n')).toMatch(/PCH|0xB2: an SMI is raised/);
    expect(iomisc).toBe(true);
  });

  it('§1.6 §1.8 Communicate: the GUID handlers and the CommBuffer are pointed at', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('communicate gEfiSmmVariableProtocolGuid 00');
    const titles: string[] = [];
    let comm = false;
    for (let i = 0; i < 60 && s.run; i++) {
      const ex = step(s, 'step event');
      titles.push(ex.title);
      if (ex.look.some((l) => l.panel === 'smram' && l.label.includes('CommBuffer'))) comm = true;
    }
    expect(titles[0] ?? '').toBeDefined();
    expect(titles.join('\n')).toMatch(/Communicate/);
    expect(comm).toBe(true);
  });

  it('§12.9 a hang is explained as a whole: the CPU in CpuDeadLoop and the event that explains it', () => {
    const s = Session.create({ cpus: 2, modules: ['SwDispatch2Locate'] });
    const ex = explainStep(s)!;
    expect(ex.title).toMatch(/Hung: CPU 0 spins in CpuDeadLoop/);
    expect(ex.sentences.join(' ')).toMatch(/SmmLocateProtocol\(gEfiSmmSwDispatch2ProtocolGuid\) = EFI_NOT_FOUND/);
    expect(ex.look).toContainEqual(expect.objectContaining({ panel: 'handlers', module: 'SwDispatch2Locate' }));
    expect(ex.look).toContainEqual(expect.objectContaining({ panel: 'editor', file: 'SwDispatch2Locate.c' }));
  });

  it('§1.9 §12.2 the boot: PEI, SMM drivers, lookups and ReadyToLock have their own sentences', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break module CpuHotplugSmm');
    s.exec('reset');
    expect(s.run?.start.kind).toBe('boot');
    const ex = explainStep(s)!;
    expect(ex.title).toBe('SMM driver CpuHotplugSmm starts');
    expect(ex.look).toContainEqual(expect.objectContaining({ panel: 'handlers', module: 'CpuHotplugSmm' }));
    const next = step(s, 'step event');
    expect(next.title).toMatch(/CpuHotplugSmm looks up gEfiSmmCpuIo2ProtocolGuid: EFI_SUCCESS/);
    const back = step(s, 'back 1');
    expect(back.title).toBe('SMM driver CpuHotplugSmm starts');
  });

  it('§4.1 an event no rule knows gets its phase\'s sentence, nothing invented', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break module SmmAccess2Dxe');
    s.exec('reset');
    expect(s.run?.start.kind).toBe('boot');
    const seenGeneric: string[] = [];
    for (let i = 0; i < 30 && s.run; i++) {
      const ex = step(s, 'step event');
      if (/^Boot: /.test(ex.title)) seenGeneric.push(ex.sentences.join(' '));
    }
    for (const g of seenGeneric) expect(g).toMatch(/The event itself: "/);
  });

  it('§1.1 the snapshot carries the explanation only when the paused event changes', () => {
    const s = Session.create({ cpus: 2 });
    const cur: ViewCursor = { layoutEpoch: -1, regionsVersion: -1, tablesVersion: -1, timelineEpoch: -1, timelineSent: 0, seq: 0 };
    const req = { selectedCpu: 0, hexAddress: 0, hexLength: 0 };
    s.exec('smi 0x04 --cpu 1');
    expect(buildView(s, req, cur).explain?.title).toMatch(/0xB3/);
    expect(buildView(s, req, cur).explain).toBeUndefined();
    s.exec('step event');
    expect(buildView(s, req, cur).explain?.title).toMatch(/0xB2/);
    s.exec('back 1');
    expect(buildView(s, req, cur).explain?.title).toMatch(/0xB3/);
  });
});

describe('Explain: SMM-C stops', () => {
  it('§1.5 a stop at a C line names the line, the function, the CPU, and points at the editor', () => {
    const s = Session.create({ cpus: 2, modules: ['RootMmiSample'] });
    const b = s.exec('break RootMmiSample.c:59');
    expect(b.error, b.lines.join('\n')).toBe(false);
    s.exec('smi 0x04 --cpu 1');
    const r = s.exec('continue');
    expect(r.error, r.lines.join('\n')).toBe(false);
    const ex = explainStep(s)!;
    expect(ex.title).toMatch(/^Paused in C: \w+, RootMmiSample\.c:59$/);
    expect(ex.look).toContainEqual(expect.objectContaining({ panel: 'editor', file: 'RootMmiSample.c', line: 59 }));
    expect(ex.sentences[0]).toMatch(/CPU 0 is running the C code of RootMmiSample inside SMM/);
  });
});
