import { describe, expect, it } from 'vitest';
import { Session } from './Session';

describe('"SMI #N finished" line (issue 10: formatted again only when something in it changed)', () => {
  it('alternating commands, data and CPUs each get their own text, the same as a fresh session gives', () => {
    const lines = ['smi 0x05 --run', 'smi 0x04 --run', 'smi 0x05 0x01 --run', 'smi 0x05 --cpu 1 --run', 'smi 0x05 --run'];
    const a = Session.create({ cpus: 2 });
    const seen = lines.map((l) => a.exec(l).lines.at(-1)!);
    for (let i = 0; i < lines.length; i++) {
      const fresh = Session.create({ cpus: 2 });
      for (let j = 0; j < i; j++) fresh.exec(lines[j]);
      expect(fresh.exec(lines[i]).lines.at(-1)).toBe(seen[i]);
    }
    expect(seen[0]).toMatch(/^SMI #\d+ finished: command 0x05, data 0x00, raised by CPU0, BSP CPU0; /);
    expect(seen[2]).toContain('data 0x01');
    expect(seen[3]).toContain('raised by CPU1');
    expect(seen[1]).toContain('command 0x04');
    expect(seen[4].replace(/^SMI #\d+/, '')).toBe(seen[0].replace(/^SMI #\d+/, ''));
    expect(seen[4]).not.toBe(seen[0]);
  });
});
