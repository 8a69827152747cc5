/**
 * The page's view of the SMM-C modules SmiScope ships (issue 7 §4): their sources in
 * ViewSnapshot.c.modules for the editor, and the SW registrations of the C GenericSwDispatcher
 * in the Handlers tables, resent when the C code changes its SMRAM table.
 */
import { describe, expect, it } from 'vitest';
import { SHIPPED_SAMPLES } from '../cdriver/ShippedSamples';
import { Session } from '../console/Session';
import { write64 } from '../machine/Memory';
import { swRegistrations } from '../modules/SwRegistrations';
import type { ViewRequest } from './ViewTypes';

const req = (s: Session): ViewRequest => ({ selectedCpu: 0, hexAddress: s.m.s.config.tsegBase, hexLength: 64 });

describe('issue 7 §4: shipped SMM-C modules open in the editor', () => {
  it('§4 c.modules lists the shipped modules of this firmware volume (shipped: true) with their .inf and files; once, then only when the platform changes', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.view(req(s)).c?.modules).toEqual([]);
    expect(s.exec('platform ovmf --cpus 2 --module RootMmiSample --module GenericSwDispatcher').error).toBe(false);
    const mods = s.view(req(s)).c?.modules;
    expect(mods?.map((m) => [m.name, m.shipped, m.inf.name, m.files.map((f) => f.name)])).toEqual([
      ['RootMmiSample', true, 'RootMmiSample.inf', ['RootMmiSample.c']],
      ['GenericSwDispatcher', true, 'GenericSwDispatcher.inf', ['GenericSwDispatcher.c', 'GenericSwDispatcher.h']],
    ]);
    expect(mods![0].files[0].text).toBe(SHIPPED_SAMPLES.RootMmiSample.files[0].text);
    expect(s.view(req(s)).c?.modules).toBeUndefined(); // unchanged: not sent again
    s.exec('platform ovmf --cpus 2');
    expect(s.view(req(s)).c?.modules).toEqual([]);
  });

  it('§4/§9.2 the shipped C modules a platform carries itself are listed too: GenericSwDispatcher on ovmf-swdispatch, PchSmiDispatcher (its .h and three .c) on pch', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.view(req(s)).c?.modules).toEqual([]);
    expect(s.exec('platform ovmf-swdispatch --cpus 2').error).toBe(false);
    expect(s.view(req(s)).c?.modules?.map((m) => [m.name, m.shipped])).toEqual([['GenericSwDispatcher', true]]);
    expect(s.exec('platform pch --cpus 2').error).toBe(false);
    const mods = s.view(req(s)).c?.modules;
    expect(mods?.map((m) => [m.name, m.shipped, m.inf.name, m.files.map((f) => f.name)])).toEqual([
      ['PchSmiDispatcher', true, 'PchSmiDispatcher.inf', ['PchSmm.h', 'PchSmmCore.c', 'PchSmmSw.c', 'PchxSmmHelpers.c']],
    ]);
    expect(s.view(req(s)).c?.modules).toBeUndefined();
  });

  it('§4 the Handlers tables carry the C dispatcher\'s registrations, and go out again when its SMRAM table changes without any firmware event', () => {
    const s = Session.create({ cpus: 2, modules: ['GenericSwDispatcher', 'SwDispatch2Depex'] });
    const first = s.view(req(s)).tables!.handlers.filter((h) => h.kind === 'sw');
    expect(first).toEqual([expect.objectContaining({ swValue: 1, module: 'SwDispatch2Depex', handler: 'SwMmiSampleHandler' })]);
    expect(s.view(req(s)).tables).toBeUndefined();
    const rec = swRegistrations(s.m)[0];
    const rows = s.exec('handlers').lines;
    expect(rows).toContain(`  0x01: SwDispatch2Depex.SwMmiSampleHandler  DispatchHandle=0x${rec.handle.toString(16).toUpperCase()}`);
    // Clear the slot of mSwChild[] that holds the record: the next snapshot lists no SW row.
    const slot = findSlot(s, rec.handle);
    write64(s.m.s.mem, slot, 0n);
    expect(s.view(req(s)).tables!.handlers.filter((h) => h.kind === 'sw')).toEqual([]);
  });
});

/** The address of the mSwChild[] slot that points at `handle` (the dispatcher's image is in SMRAM). */
function findSlot(s: Session, handle: number): number {
  const rec = s.m.s.modules.find((x) => x.name === 'GenericSwDispatcher')!;
  const dv = new DataView(new ArrayBuffer(8));
  for (let a = rec.imageBase; a < rec.imageBase + rec.imageSize; a += 8) {
    const page = s.m.s.mem.pages.get(Math.floor(a / 0x1000));
    if (!page) continue;
    const o = a & 0xfff;
    for (let i = 0; i < 8; i++) dv.setUint8(i, page[o + i]);
    if (Number(dv.getBigUint64(0, true)) === handle) return a;
  }
  throw new Error('no slot points at the record');
}
