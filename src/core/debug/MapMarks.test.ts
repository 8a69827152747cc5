import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import type { ViewRequest } from './ViewTypes';

const RAX = 0x7ff8 - 0x7c00; // the AMD64 map's RAX, from the map's start (facts §6.1)

describe('save-state changed-byte marks on and off (issue 10: a session nobody views does not keep them)', () => {
  const req = (s: Session): ViewRequest => ({ selectedCpu: 1, hexAddress: s.m.s.config.tsegBase, hexLength: 64 });

  it('§6.1 on (a real boot, not the cached one): the first SMI after the boot marks the map it rewrote; off: no map is watched, the view marks nothing, the SMI runs the same', () => {
    const on = Session.create({ cpus: 2 });
    const off = Session.create({ cpus: 2 });
    off.setMapMarks(false);
    expect(off.m.s.mem.cow!.watch.size).toBe(0);
    const a = on.exec('smi 0x04 --cpu 1 --run');
    const b = off.exec('smi 0x04 --cpu 1 --run');
    expect(b).toEqual(a);
    expect(on.view(req(on)).saveState.changedOffsets).toContain(RAX);
    expect(off.view(req(off)).saveState.changedOffsets).toEqual([]);
    expect(off.m.s.mem.cow!.watch.size).toBe(0);
    // The bytes are the same whether or not the old ones were kept.
    expect(off.view(req(off)).saveState.bytes).toEqual(on.view(req(on)).saveState.bytes);
  });

  it('§6.1 on again: marks from the next console line on, also after a reset', () => {
    const s = Session.create({ cpus: 2 });
    s.setMapMarks(false);
    s.exec('smi 0x04 --cpu 1 --run');
    s.setMapMarks(true);
    s.exec('smi 0x04 --cpu 1 --run');
    expect(s.view(req(s)).saveState.changedOffsets.length).toBeGreaterThan(0);
    s.setMapMarks(false);
    s.exec('reset');
    expect(s.m.s.mem.cow!.watch.size).toBe(0);
  });
});
