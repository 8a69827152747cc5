/**
 * `smiscope lesson FILE.md`: checks a lesson file the way the page reads it (README "Lesson files
 * (format v1)"): every format error with its line, then the lesson taken from its first step to
 * its last on a fresh machine (each step's console blocks, Run-button ones included), naming every
 * console line that fails. Exit 0: the lesson is good; 1: it has errors.
 */
import { Session } from '../core/console/Session';
import { LessonRunner } from '../core/teach/LessonRunner';

export function lessonCli(text: string, source: string, out: (s: string) => void): number {
  const runner = new LessonRunner();
  const loaded = runner.load(text, source);
  if (!loaded.ok) {
    for (const e of loaded.errors) out(`${e}\n`);
    out(`${source}: ${loaded.errors.length} error(s): not a lesson\n`);
    return 1;
  }
  const lesson = loaded.lesson;
  const s = Session.create();
  s.setMapMarks(false); // a check in the terminal: no view, no changed-byte marks
  let failures = 0;
  out(`${source}: lesson "${lesson.id}" (${lesson.title}), ${lesson.steps.length} step(s)\n`);
  lesson.steps.forEach((step, n) => {
    const ran = [];
    const r = runner.open(s, lesson.id, n, n === 0 ? 'replay' : 'enter');
    if (r.ok) ran.push(...r.ran);
    step.blocks.forEach((b, i) => {
      if (b.kind !== 'console' || b.run !== 'button') return;
      const rb = runner.runBlock(s, i);
      if (rb.ok) ran.push(...rb.ran);
    });
    const bad = ran.filter((t) => t.kind === 'command' && t.error);
    failures += bad.length;
    out(`  step ${n + 1} (line ${step.line}) ${step.title}: ${ran.filter((t) => t.kind === 'command').length} console line(s)${bad.length ? `, ${bad.length} failed` : ''}\n`);
    for (const t of bad) if (t.kind === 'command') out(`    ${source}: "${t.line}": ${t.lines.join(' ')}\n`);
  });
  out(failures ? `${source}: ${failures} console line(s) failed\n` : `${source}: ok\n`);
  return failures ? 1 : 0;
}
