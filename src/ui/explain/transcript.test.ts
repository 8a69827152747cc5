import { describe, expect, it } from 'vitest';
import { buildTranscript, LOG_LINES_PER_STEP } from './transcript';
import type { Explanation } from '../../protocol/messages';

const ex = (title: string): Explanation => ({ seq: 1, title, sentences: ['One.', 'Two.'], source: 'PiSmmCore.c SmmEntryPoint', look: [{ panel: 'cpus', cpu: 1, label: 'CPU 1' }] });

describe('transcript (issue 9 §4): commands, output and explanations as Markdown', () => {
  it('puts each command with its output, its log lines and the explanation of its step, in order', () => {
    const md = buildTranscript({
      platform: 'QEMU Q35 + OVMF',
      cpuCount: 4,
      entries: [
        { id: 1, kind: 'log', lines: ['boot line'] },
        { id: 2, kind: 'output', lines: ['smi 0x04 data 0x00 from CPU1'] },
        { id: 3, kind: 'echo', lines: ['step'], note: 'F10' },
        { id: 4, kind: 'output', lines: ['[smi-delivery] ...'] },
        { id: 5, kind: 'log', lines: Array.from({ length: LOG_LINES_PER_STEP + 3 }, (_, i) => `log ${i}`) },
      ],
      commands: [
        { termId: 2, at: 2, line: 'smi 0x04 --cpu 1' },
        { termId: 3, at: 4, line: 'step', note: 'F10' },
      ],
      explanations: [
        { termId: 1, at: 1, explanation: ex('Boot done') },
        { termId: 3, at: 3, explanation: ex('CPU 1 writes the data byte') },
        { termId: 6, at: 5, explanation: ex('SMI# is pending') },
      ],
    });
    expect(md).toMatch(/^# SmiScope session transcript\n/);
    expect(md).toContain('Platform: QEMU Q35 + OVMF, 4 CPU(s).');
    const i1 = md.indexOf('## 1. `smi 0x04 --cpu 1`');
    const i2 = md.indexOf('## 2. `step` (F10)');
    expect(i1).toBeGreaterThan(md.indexOf('## Before the first command'));
    expect(i2).toBeGreaterThan(i1);
    expect(md.indexOf('CPU 1 writes the data byte')).toBeGreaterThan(i1);
    expect(md.indexOf('CPU 1 writes the data byte')).toBeLessThan(i2);
    expect(md.indexOf('SMI# is pending')).toBeGreaterThan(i2);
    expect(md).toContain('... 3 more line(s)');
    expect(md).toContain('*Upstream:* PiSmmCore.c SmmEntryPoint');
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
