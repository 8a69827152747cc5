/**
 * Autoplay of every shipped lesson (src/core/teach/lessons/*.md): in Node, each lesson is started
 * on a fresh Session and taken from its first step to its last, exactly as the page's LessonRunner
 * does. Every question gets one wrong answer, which must fail, then what the learner is meant to do
 * (lines typed at the prompt; for the editor steps, the template of "New module" edited as the
 * lesson says and loaded), then the right answer, which must pass: the checks read the machine's
 * real state (`state --json`), the firmware log and the console output.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { newModuleFiles } from '../../ui/source/template';
import type { LessonStep } from './Lesson';
import { learnerActs, type LearnerAction } from './LessonAutoplay';
import { LessonRunner } from './LessonRunner';
import { SHIPPED_LESSON_FILES } from './ShippedLessons';

interface Play extends LearnerAction {
  /** The right answer (a choice or a typed value); null for `do`; undefined: the step asks nothing, the learner only acts. */
  right?: string | null;
  /** Run-button blocks the learner presses before answering (their indexes in the step's blocks). */
  press?: number[];
  /** A wrong answer (default for a choice: the first other choice; for `do`: checked before acting). */
  wrong?: string;
}

/** The code blocks of a step (```c), in order. */
const codeOf = (step: LessonStep): string[] => step.blocks.flatMap((b) => (b.kind === 'code' ? [b.text] : []));

/** The step's Run-button console blocks (their indexes in the step's blocks). */
const runButtons = (step: LessonStep): number[] => step.blocks.flatMap((b, i) => (b.kind === 'console' && b.run === 'button' ? [i] : []));

/** "New module"'s files (src/ui/source/template.ts), as the editor makes them for MyHandler. */
const template = (): Record<string, string> => Object.fromEntries(newModuleFiles('MyHandler').map((f) => [f.name, f.text]));

/** The learner's answers and actions, per lesson and step (1-based); a step without a question has none. */
const PLAYS: Record<string, (steps: LessonStep[]) => Record<number, Play>> = {
  'first-smi': () => ({
    1: { right: '529', wrong: '530' },
    2: { right: '0x05' },
    4: { right: '0x7EFFB000', wrong: '0x7EFF9000' },
    5: { right: 'CPU 0' },
    6: { right: 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED' },
    7: { right: '0x5', wrong: '0x0' },
    8: { right: 'EFI_SUCCESS', wrong: 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED' },
    9: { right: '527', wrong: '2' },
  }),
  'where-smm-lives': () => ({
    1: { right: '0x7F000000', wrong: '0x7E000000' },
    2: { right: '0x7F001000', wrong: '0x7F000000' },
    3: { right: 'CPU 2' },
    4: { right: '0x7F001000' },
    5: { right: '0x30000', wrong: '0x7EFFB000' },
    6: { right: '0x7EFFB000', wrong: '0x30000' },
    7: { right: 'CLOSED' },
  }),
  'save-state': () => ({
    1: { right: '0x8000', wrong: '0x7EFF9000' },
    2: { right: '0x5A5A0007', wrong: '0x42', lines: ['step smi'] },
    3: { right: '0x42', wrong: '0x5A5A0007' },
    4: { right: 'CPU 0', wrong: 'CPU 2' },
    5: { right: 'kvm' },
    6: { right: 'CPU 0', wrong: 'CPU 2' },
  }),
  'who-handles': () => ({
    1: { right: 'CpuHotplugMmi' },
    2: { right: 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED' },
    3: { right: 'RootMmiSampleHandler' },
    4: { right: 'guid' },
    5: { right: 'CpuHotplugMmi' },
    6: { right: 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED' },
  }),
  communicate: () => ({
    1: { right: '0x00' },
    2: { right: 'SmmVariableHandler' },
    4: { right: null, lines: ['communicate variable get Lang gEfiGlobalVariableGuid --data-size 2 --run'] },
    5: { right: 'CpuHotplugMmi' },
    6: { right: null, lines: ['communicate gEfiSmmLockBoxCommunicationGuid 0x00 --run'] },
    7: { right: 'gEfiSmmVariableProtocolGuid' },
  }),
  'seed-story': () => {
    const files = template();
    files['MyHandler.c'] = files['MyHandler.c'].replace('#define MY_COMMAND  0x5A', '#define MY_COMMAND  0x42');
    return {
      1: { right: 'SwDispatch2Locate' },
      2: { right: 'EFI_NOT_FOUND' },
      3: { right: '42', wrong: '41' },
      4: { right: 'dependent' },
      5: { right: 'RootMmiSampleHandler' },
      6: { right: null, files, lines: ['load MyHandler.inf'] },
      7: { right: null, lines: ['smi 0x42 0x07 --cpu 2 --run'] },
      8: { right: '0x42', wrong: '0x5A5A0007' },
      9: { right: 'SwDispatch2Locate', wrong: 'GenericSwDispatcher' },
    };
  },
  'many-cpus': () => ({
    1: { right: 'traditional' },
    2: { right: 'CPU 0', wrong: 'CPU 2' },
    3: { right: '100000', wrong: '1000000' },
    4: { right: 'EFI_SUCCESS' },
    5: { right: '100000', wrong: '0' },
    6: { right: null, lines: ['step phase'] },
    7: { right: 'CPU 3' },
    8: { right: 'CPU 0', wrong: 'CPU 17' },
  }),
  'smram-lock': (steps) => {
    const vulnerable = { ...template(), 'MyHandler.c': codeOf(steps[2])[0] };
    const [fix] = codeOf(steps[5]);
    const write = '  *(UINT64 *)(UINTN)Request->Address = Request->Value;';
    expect(vulnerable['MyHandler.c']).toContain(write);
    const fixed = { ...vulnerable, 'MyHandler.c': vulnerable['MyHandler.c'].replace(write, fix + write) };
    return {
      1: { right: 'CLOSED' },
      3: { right: null, files: vulnerable, lines: ['load MyHandler.inf'] },
      4: { right: 'MyHandler', wrong: 'CpuHotplugMmi' },
      6: { files: fixed, lines: ['load MyHandler.inf'] },
      7: { right: null, press: runButtons(steps[6]) },
    };
  },
  'three-platforms': () => ({
    1: { right: 'dependent' },
    2: { right: '0x01', wrong: '0x05' },
    3: { right: 'CPU 0', wrong: 'CPU 2' },
    4: { right: 'PchSmiDispatcher' },
    5: { right: '0x5A5A0007', wrong: '0x1' },
    6: { right: 'asserts SMI#' },
    7: { right: 'Intel 64' },
  }),
};

describe('shipped lessons, played to the end', () => {
  it('lesson format: every shipped lesson has an autoplay here, and the issue\'s nine are shipped', () => {
    expect(Object.keys(SHIPPED_LESSON_FILES).map((n) => n.replace(/\.md$/, '')).sort()).toEqual(Object.keys(PLAYS).sort());
    expect(Object.keys(PLAYS).length).toBe(9);
  });

  for (const id of Object.keys(PLAYS)) {
    it(`lesson format: ${id}: 5-15 steps, a question at least every third step, each wrong answer fails and the right one passes against the machine's state`, () => {
      const s = Session.create();
      const runner = new LessonRunner();
      const lesson = runner.get(id);
      expect(lesson, `${id} parses`).not.toBeNull();
      if (!lesson) return;
      expect(lesson.steps.length).toBeGreaterThanOrEqual(5);
      expect(lesson.steps.length).toBeLessThanOrEqual(15);
      const plays = PLAYS[id](lesson.steps);
      let sinceQuestion = 0;
      for (let n = 0; n < lesson.steps.length; n++) {
        const where = `${id} step ${n + 1} "${lesson.steps[n].title}"`;
        const r = runner.open(s, id, n, n === 0 ? 'replay' : 'enter');
        if (!r.ok) throw new Error(`${where}: ${r.error}`);
        const refused = r.ran.flatMap((t) => (t.kind === 'command' && t.error ? [`${t.line}: ${t.lines.join(' ')}`] : []));
        expect(refused, where).toEqual([]);
        const q = lesson.steps[n].blocks.find((b) => b.kind === 'question');
        const play = plays[n + 1];
        if (!q || q.kind !== 'question') {
          expect(play?.right, `${where} asks nothing`).toBeUndefined();
          if (play) expect(learnerActs(s, runner, play), `${where}: the learner's lines run`).toEqual([]);
          sinceQuestion++;
          expect(sinceQuestion, `${where}: no question for three steps`).toBeLessThan(3);
          continue;
        }
        sinceQuestion = 0;
        expect(play, `${where} has a play`).toBeDefined();
        const question = q.question;
        if (question.kind === 'choice') expect(question.choices, where).toContain(play.right);
        const wrong = play.wrong ?? (question.kind === 'choice' ? question.choices.find((c) => c !== play.right) : undefined);
        const before = runner.check(s, question.kind === 'do' ? null : (wrong ?? null));
        if ('error' in before) throw new Error(`${where}: ${before.error}`);
        if (question.kind === 'do' || wrong !== undefined) expect(before.ok, `${where}: the wrong answer ${wrong ?? '(nothing done)'} fails`).toBe(false);
        expect(learnerActs(s, runner, play), `${where}: the learner's lines run`).toEqual([]);
        for (const b of play.press ?? []) {
          const rb = runner.runBlock(s, b);
          if (!rb.ok) throw new Error(`${where}: ${rb.error}`);
          expect(rb.ran.flatMap((t) => (t.kind === 'command' && t.error ? [t.line] : [])), `${where}: Run`).toEqual([]);
        }
        const after = runner.check(s, play.right ?? null);
        if ('error' in after) throw new Error(`${where}: ${after.error}`);
        expect(after.results.filter((x) => !x.ok).map((x) => `${x.check}: ${x.detail}`), `${where}: the right answer passes`).toEqual([]);
        expect(after.ok).toBe(true);
      }
    }, 120_000);
  }
});

describe('shipped lessons: the editor steps check the edit, not only the Load', () => {
  /** Opens steps 1..n of `id` in order (entering each, as Next does), with the learner's actions of `acts` (1-based). */
  function playTo(id: string, n: number, acts: Record<number, LearnerAction>): { s: Session; runner: LessonRunner } {
    const s = Session.create();
    const runner = new LessonRunner();
    for (let k = 0; k < n; k++) {
      const r = runner.open(s, id, k, k === 0 ? 'replay' : 'enter');
      if (!r.ok) throw new Error(r.error);
      if (acts[k + 1]) expect(learnerActs(s, runner, acts[k + 1])).toEqual([]);
    }
    return { s, runner };
  }

  it('§7.5 seed-story: the template loaded unchanged (command 0x5A) does not answer 0x42 from CPU 2', () => {
    const { s, runner } = playTo('seed-story', 7, { 6: { files: template(), lines: ['load MyHandler.inf'] }, 7: { lines: ['smi 0x42 0x07 --cpu 2 --run'] } });
    const r = runner.check(s, null);
    if ('error' in r) throw new Error(r.error);
    expect(r.ok).toBe(false);
    expect(r.results.find((x) => !x.ok)?.check).toContain('MyHandler');
  });

  it('§12.8 smram-lock: without the SmmIsBufferOutsideSmmValid check the attack writes into TSEG and the last question fails', () => {
    const lesson = new LessonRunner().get('smram-lock')!;
    const vulnerable = { ...template(), 'MyHandler.c': codeOf(lesson.steps[2])[0] };
    const { s, runner } = playTo('smram-lock', 7, { 3: { files: vulnerable, lines: ['load MyHandler.inf'] } });
    for (const b of runButtons(lesson.steps[6])) expect(runner.runBlock(s, b).ok).toBe(true);
    const r = runner.check(s, null);
    if ('error' in r) throw new Error(r.error);
    expect(r.ok).toBe(false);
    expect(s.exec('x 0x7F000000 0x8').lines.join(' ')).toContain('41 41 41 41 41 41 41 41');
  });
});
