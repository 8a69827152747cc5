import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { createCow, createMemory, write32, write8, writtenThisLine } from '../machine/Memory';
import { MmiHandlerRegister } from '../pi/Mmi';
import type { Gen } from '../pi/Fw';
import type { ViewRequest, ViewSnapshot } from './ViewTypes';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** The labels of the regions a snapshot says the last line wrote. */
function writtenLabels(s: Session, v: ViewSnapshot): string[] {
  return (v.smram.written ?? []).map((i) => s.m.s.smramRegions[i].label);
}

function session(cpus = 4): { s: Session; req: ViewRequest; view: () => ViewSnapshot } {
  const s = Session.create({ cpus });
  const req: ViewRequest = { selectedCpu: 0, hexAddress: s.m.s.config.tsegBase, hexLength: 256 };
  s.view(req);
  return { s, req, view: () => s.view(req) };
}

const SAVE_STATES = (n: number) => Array.from({ length: n }, (_, i) => `CPU${i} save state (SMBASE+0xFC00)`);

describe('pages written by the current console line (memory barrier)', () => {
  it('a page owned by an earlier line is logged again on its first write of the next line', () => {
    const mem = createMemory();
    mem.cow = createCow();
    write8(mem, 0x1000, 1);
    write8(mem, 0x1001, 2); // fast path: owned
    expect([...writtenThisLine(mem)!.pages]).toEqual([1]);
    mem.cow.epoch++; // a new console line (Debugger.beginCommand)
    expect(writtenThisLine(mem)!.pages.length).toBe(0);
    write8(mem, 0x3000, 3);
    write8(mem, 0x1002, 4); // owned in the last line: must not stay hidden on the fast path
    expect([...new Set(writtenThisLine(mem)!.pages)].sort()).toEqual([1, 3]);
  });

  it('logs without copying: a page private since the last checkpoint is written in place, a shared one copied once', () => {
    const mem = createMemory();
    write32(mem, 0x5000, 0x11111111);
    const shared = mem.pages.get(5)!;
    mem.cow = createCow(); // every page is now shared with a checkpoint
    write32(mem, 0x5004, 0x22222222);
    const copy = mem.pages.get(5)!;
    expect(copy).not.toBe(shared);
    expect(shared[4]).toBe(0); // the checkpoint's array is untouched
    mem.cow.epoch++;
    write32(mem, 0x5008, 3);
    expect(mem.pages.get(5)).toBe(copy); // private: in place, even on its first write of the line
    expect([...writtenThisLine(mem)!.pages]).toEqual([5]);
    expect(writtenThisLine(mem)!.before.size).toBe(0);
  });
});

describe('smram.written: the SMRAM regions the last line wrote', () => {
  it('§6.3: the save-state step writes every CPU\'s map at SMBASE+0xFC00 (do_smm_enter), not the PSD on the same page; other steps write none', () => {
    const { s, view } = session(4);
    s.exec('smi 0x04 --cpu 1');
    expect(writtenLabels(s, view())).toEqual([]);
    s.exec('step'); // OUT 0xB2
    s.exec('step'); // SMI# latched
    expect(writtenLabels(s, view())).toEqual([]);
    s.exec('step'); // save state
    const v = view();
    expect(writtenLabels(s, v).sort()).toEqual(SAVE_STATES(4).sort());
    expect(v.smram.written).toEqual([...v.smram.written!].sort((a, b) => a - b));
    expect(writtenLabels(s, v).some((l) => l.includes('PSD'))).toBe(false);
    s.exec('step'); // rendezvous: nothing in SMRAM
    expect(writtenLabels(s, view())).toEqual([]);
  });

  it('§6.3: stepped event by event, only the map of the CPU that just entered SMM is written', () => {
    const { s, view } = session(4);
    s.exec('smi 0x04 --cpu 2');
    while (s.lastEvent?.phase !== 'save-state') s.exec('step event');
    expect(writtenLabels(s, view())).toEqual(['CPU2 save state (SMBASE+0xFC00)']);
    s.exec('step event');
    expect(writtenLabels(s, view())).toEqual(['CPU0 save state (SMBASE+0xFC00)']);
  });

  it('a line that fails keeps the marks of the line before; a read-only line clears them', () => {
    const { s, view } = session(2);
    s.exec('smi 0x04 --cpu 1');
    for (let i = 0; i < 3; i++) s.exec('step');
    expect(writtenLabels(s, view()).sort()).toEqual(SAVE_STATES(2));
    expect(s.exec('no-such-command').error).toBe(true);
    expect(writtenLabels(s, view()).sort()).toEqual(SAVE_STATES(2));
    s.exec('cpus');
    expect(writtenLabels(s, view())).toEqual([]);
  });

  it('`back` marks exactly the regions whose bytes it changed back, not every page the replay touched', () => {
    const { s, view } = session(4);
    s.exec('smi 0x05 --cpu 1 --run');
    s.exec('smi 0x04 --cpu 1');
    for (let i = 0; i < 4; i++) s.exec('step'); // past the save state, into the rendezvous
    s.exec('back 1'); // one event back, still after every map was written
    expect(writtenLabels(s, view())).toEqual([]);
    s.exec('back 100'); // to the first event, before the save state: the maps hold the last SMI's bytes again
    expect(s.m.s.cpus.every((c) => !c.inSmm)).toBe(true);
    // Only CPU1's map differs between the two SMIs (its saved RAX held 0x05, now 0x04 from the OUT);
    // CPU0, 2 and 3 saved the same registers both times, so going back changed nothing there.
    expect(writtenLabels(s, view())).toEqual(['CPU1 save state (SMBASE+0xFC00)']);
  });

  it('§1.3: SmiHandlerRegister writes its SMI_HANDLER record into the SMM core\'s pool, which is marked', () => {
    const { s, view } = session(2);
    s.beginCommand();
    const mod = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    const [status, handle] = drain(MmiHandlerRegister({ m: s.m, mod, cpu: 0 }, 'CpuHotplugMmi', null));
    expect(status).toBe('EFI_SUCCESS');
    const regions = s.m.s.smramRegions;
    const home = regions.findIndex((r) => r.kind === 'core-data' && handle >= r.base && handle < r.base + r.size);
    expect(home).toBeGreaterThanOrEqual(0);
    expect(view().smram.written).toEqual([home]);
  });
});

describe('smram.commBuffer: the Communicate buffer', () => {
  const payload = '0300000000000000' + '0000000000000000' + '00'.repeat(16) + '0100000000000000' + '0400000000000000' + '07000000' + '41000000' + '5A';

  it('§1.6: labelled as gSmmCorePrivate->CommunicationBuffer while the Communicate SMI runs, written by the OS and by the handler\'s reply', () => {
    const { s, view } = session(2);
    expect(view().smram.commBuffer).toBeUndefined();
    s.exec(`communicate gEfiSmmVariableProtocolGuid ${payload}`);
    const first = view().smram.commBuffer!;
    expect(first.label).toBe('CommBuffer (gSmmCorePrivate->CommunicationBuffer)');
    expect(first.base).toBe(s.m.s.smm.priv.commBuffer);
    expect(first.size).toBe(s.m.s.smm.priv.bufferSize);
    expect(first.active).toBe(true);
    expect(first.inSmram).toBe(false); // runtime data, outside SMRAM
    expect(first.written).toBe(true); // the OS wrote the request this line
    expect(first.smi).toBe(s.m.s.currentSmi!.number);
    s.exec('step');
    expect(view().smram.commBuffer!.written).toBe(false);
    // Event by event through SmmVariableHandler: the line that writes its reply (ReturnStatus) marks the buffer.
    const marked: string[] = [];
    while (s.run && !s.lastEvent?.text.startsWith('Communicate done')) {
      s.exec('step event');
      const c = view().smram.commBuffer!;
      expect(c.base).toBe(first.base);
      if (c.written) marked.push(s.lastEvent!.phase);
    }
    expect(marked).toContain('handler');
    expect(marked).not.toContain('save-state');
    // SmmEntryPoint set CommunicationBuffer back to NULL; the buffer stays labelled for this SMI.
    expect(s.m.s.smm.priv.commBuffer).toBe(0);
    expect(view().smram.commBuffer).toMatchObject({ base: first.base, size: first.size, active: true, written: false });
    s.exec('continue');
    const after = view().smram.commBuffer!;
    expect(after.active).toBe(false);
    expect(after.base).toBe(first.base);
    s.exec('smi 0x05 --run');
    expect(view().smram.commBuffer).toBeUndefined();
  });
});

describe('followCpu: the save state follows the step', () => {
  it('shows the CPU of the newest event that has one, until the next such step or the user\'s choice', () => {
    const s = Session.create({ cpus: 4 });
    const req: ViewRequest = { selectedCpu: 0, hexAddress: s.m.s.config.tsegBase, hexLength: 256, followCpu: true };
    const at = (selectedCpu: number) => s.view({ ...req, selectedCpu }).saveState.cpu;
    expect(at(0)).toBe(0);
    s.exec('smi 0x04 --cpu 3');
    expect(at(0)).toBe(3); // OUT 0xB3 by CPU3
    expect(at(0)).toBe(3); // another snapshot (a hex move): still the step's CPU
    expect(at(1)).toBe(1); // the user chose CPU1
    s.exec('step'); // OUT 0xB2 by CPU3
    expect(at(1)).toBe(3);
    s.exec('step'); // SMI# latched: a platform event, the step's CPU stays
    expect(at(1)).toBe(3);
    s.exec('step event'); // CPU3 saves its state first
    expect(at(1)).toBe(3);
    s.exec('step event');
    expect(at(1)).toBe(0);
    s.exec('back 1');
    expect(at(1)).toBe(3);
    s.exec('regs'); // no events: no step to follow
    expect(at(2)).toBe(2);
    s.exec('step event');
    expect(s.view({ ...req, followCpu: false, selectedCpu: 2 }).saveState.cpu).toBe(2); // not following
  });
});
