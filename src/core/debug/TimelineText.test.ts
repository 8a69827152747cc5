import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { TIMELINE_TEXTS } from './View';

const VIEW = { selectedCpu: 1, hexAddress: 0x7f000000, hexLength: 256 };

describe('timeline texts on demand', () => {
  it('§7.1 a snapshot carries the texts of its newest events only; the others come with timeline-text, as the timeline has them', () => {
    const s = Session.create({ cpus: 8 });
    s.view(VIEW);
    s.exec('smi 0x05 --run');
    const v = s.view(VIEW);
    const all = s.timeline;
    expect(v.timeline.reset).toBe(true);
    expect(v.timeline.events.map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    expect(all.length).toBeGreaterThan(TIMELINE_TEXTS);
    const later = v.timeline.events.filter((e) => e.textLater);
    expect(later).toHaveLength(all.length - TIMELINE_TEXTS);
    expect(later.every((e) => e.text === '')).toBe(true);
    expect(v.timeline.events.slice(-TIMELINE_TEXTS).map((e) => e.text)).toEqual(all.slice(-TIMELINE_TEXTS).map((e) => e.text));
    const texts = s.timelineTexts(later.map((e) => e.seq));
    expect(texts).toEqual(later.map((e) => [e.seq, all.find((x) => x.seq === e.seq)!.text]));
    expect(s.timelineTexts([0, -1, 1.5, all.at(-1)!.seq + 1])).toEqual([]);
  });

  it('§7.1 stepping: the new events of a step carry their texts up to the newest few', () => {
    const s = Session.create({ cpus: 16 });
    s.exec('smi 0x04 --cpu 1');
    s.view(VIEW);
    s.exec('step'); // trigger
    s.exec('step'); // SMI# delivery
    const v = s.view(VIEW); // the save-state phase: one event per CPU
    s.exec('step');
    const w = s.view(VIEW);
    expect(v.timeline.reset).toBe(false);
    for (const snap of [v, w]) {
      const n = snap.timeline.events.length;
      snap.timeline.events.forEach((e, i) => expect(e.textLater === true, `${i} of ${n}`).toBe(i < n - TIMELINE_TEXTS));
    }
    expect(w.status.message).toBe(s.lastEvent!.text);
  });
});
