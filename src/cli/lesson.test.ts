import { describe, expect, it } from 'vitest';
import { SHIPPED_LESSON_FILES } from '../core/teach/ShippedLessons';
import { lessonCli } from './lesson';

const run = (text: string, source: string) => {
  const out: string[] = [];
  const code = lessonCli(text, source, (s) => out.push(s));
  return { code, lines: out.join('').trimEnd().split('\n') };
};

describe('CLI: smiscope lesson FILE.md (README "Lesson files (format v1)")', () => {
  it('lesson format: a good lesson runs step by step and says ok', () => {
    const r = run(SHIPPED_LESSON_FILES['first-smi.md'], 'first-smi.md');
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^first-smi\.md: lesson "first-smi" \(Your first SMI\), \d+ step\(s\)$/);
    expect(r.lines[r.lines.length - 1]).toBe('first-smi.md: ok');
  });

  it('lesson format: a file with errors lists them with their lines; a console line that fails is named', () => {
    const bad = run(SHIPPED_LESSON_FILES['first-smi.md'].replace('kind: choice', 'kind: pick'), 'x.md');
    expect(bad.code).toBe(1);
    expect(bad.lines[0]).toMatch(/^x\.md:\d+: unknown question kind "pick"/);
    const fails = run(SHIPPED_LESSON_FILES['first-smi.md'].replace('smi 0x05 --cpu 1\n', 'smi 0x05 --cpu 9\n'), 'y.md');
    expect(fails.code).toBe(1);
    expect(fails.lines.some((l) => l.startsWith('    y.md: "smi 0x05 --cpu 9": '))).toBe(true);
  });
});
