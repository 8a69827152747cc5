/**
 * The shipped lessons (src/core/teach/lessons/*.md): the generated registry is up to date, every
 * file parses with no error, its id is its file name, and every console line of every step runs
 * without an error when the lesson is taken from its first step to its last.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { LessonRunner, shippedLessons } from './LessonRunner';
import { SHIPPED_LESSON_FILES } from './ShippedLessons';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('shipped lessons', () => {
  it('lesson format: src/core/teach/ShippedLessons.ts is up to date with src/core/teach/lessons (run `node scripts/gen-lessons.mjs` after editing a lesson)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-lessons.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('lesson format: every shipped lesson parses, its id is its file name, no two share an id', () => {
    const { lessons, errors } = shippedLessons();
    expect(errors).toEqual([]);
    expect(lessons.length).toBe(Object.keys(SHIPPED_LESSON_FILES).length);
    for (const l of lessons) expect(`${l.id}.md`).toBe(l.source);
  });

  it('issue 9 §3: the shipped lessons come in the course order of issue 9, in the runner and its list alike', () => {
    const course = ['first-smi', 'where-smm-lives', 'save-state', 'who-handles', 'communicate', 'seed-story', 'many-cpus', 'smram-lock', 'three-platforms'];
    const { lessons } = shippedLessons();
    expect(lessons.map((l) => l.id)).toEqual(course);
    expect(lessons.map((l) => l.order)).toEqual(course.map((_, i) => i + 1));
    const runner = new LessonRunner();
    expect(runner.lessons().map((l) => l.id)).toEqual(course);
    // A teacher's lesson without an order comes after them.
    const t = SHIPPED_LESSON_FILES['first-smi.md'].replace('id: first-smi', 'id: a-teacher-copy').replace(/^order: .*\n/m, '');
    expect(runner.load(t, 'a-teacher-copy.md').ok).toBe(true);
    expect(runner.lessons().map((l) => l.id)).toEqual([...course, 'a-teacher-copy']);
  });

  for (const name of Object.keys(SHIPPED_LESSON_FILES)) {
    it(`lesson format: ${name}: every console line of every step runs without an error, from the first step to the last`, () => {
      const s = Session.create();
      const runner = new LessonRunner();
      const id = name.replace(/\.md$/, '');
      const lesson = runner.get(id)!;
      const failures: string[] = [];
      const ranBlocks = (items: { kind: string; line?: string; lines: string[]; error?: boolean }[], step: number) => {
        for (const t of items) if (t.kind === 'command' && t.error) failures.push(`step ${step + 1} "${t.line}": ${t.lines.join(' ')}`);
      };
      for (let n = 0; n < lesson.steps.length; n++) {
        const r = runner.open(s, id, n, n === 0 ? 'replay' : 'enter');
        if (!r.ok) throw new Error(r.error);
        ranBlocks(r.ran, n);
        lesson.steps[n].blocks.forEach((b, i) => {
          if (b.kind === 'console' && b.run === 'button') {
            const rb = runner.runBlock(s, i);
            if (rb.ok) ranBlocks(rb.ran, n);
          }
        });
      }
      expect(failures).toEqual([]);
    }, 60_000);
  }
});
