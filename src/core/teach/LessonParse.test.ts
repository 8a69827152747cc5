/**
 * The lesson file format v1 (README "Lessons: the file format"): a good file parses to its steps
 * and blocks; every error class of the format is reported with its line.
 */
import { describe, expect, it } from 'vitest';
import { formatLessonError, type Lesson, lessonOrder, stepQuestion } from './Lesson';
import { checkLessonSet, parseLesson } from './LessonParse';

const GOOD = `---
id: tiny
title: A tiny lesson
summary: One SMI, one question.
platform: ovmf --cpus 4
level: beginner
minutes: 5
---

Intro **text**.

## Raise an SMI

We write to **0xB2**.

\`\`\`console
smi 0x05 --cpu 1   # a comment
step phase
\`\`\`

\`\`\`open
panel: cpus
cpu: 1
\`\`\`

## Predict

Which CPU?

\`\`\`question
kind: choice
prompt: Which CPU runs the MMI handlers?
choices: CPU 0 | CPU 1 | CPU 2 | CPU 3
check: state lastSmi.bsp == answer.cpu
hint: Look at the BSP mark.
reveal: On OVMF the monarch is CPU 0
  (PlatformSmmBspElection).
\`\`\`

## Run on a button

\`\`\`console
run: button
continue
\`\`\`

\`\`\`c
EFI_STATUS Status;
\`\`\`

Text after the blocks.
`;

function errorsOf(text: string): string[] {
  const r = parseLesson(text, 'l.md');
  if (r.ok) return [];
  return r.errors.map((e) => formatLessonError('l.md', e));
}

/** GOOD with `from` replaced by `to` (the line numbers stay those of GOOD when one line becomes one line). */
const edit = (from: string, to: string) => {
  if (!GOOD.includes(from)) throw new Error(`not in GOOD: ${from}`);
  return GOOD.replace(from, to);
};
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('lesson format v1: a good file', () => {
  it('format: front matter, intro, steps with their blocks in order', () => {
    const r = parseLesson(GOOD, 'tiny.md');
    if (!r.ok) throw new Error(r.errors.map((e) => formatLessonError('tiny.md', e)).join('\n'));
    const l: Lesson = r.lesson;
    expect([l.id, l.title, l.summary, l.platform, l.level, l.minutes]).toEqual(['tiny', 'A tiny lesson', 'One SMI, one question.', 'ovmf --cpus 4', 'beginner', 5]);
    expect(l.intro).toBe('Intro **text**.');
    expect(l.steps.map((s) => s.title)).toEqual(['Raise an SMI', 'Predict', 'Run on a button']);
    expect(l.steps[0].blocks.map((b) => b.kind)).toEqual(['text', 'console', 'open']);
    expect(l.steps[0].blocks[1]).toMatchObject({ kind: 'console', run: 'auto', lines: ['smi 0x05 --cpu 1   # a comment', 'step phase'] });
    expect(l.steps[0].blocks[2]).toMatchObject({ kind: 'open', panel: 'cpus', cpu: 1, sample: null });
    const q = stepQuestion(l.steps[1])!;
    expect(q).toMatchObject({ kind: 'choice', choices: ['CPU 0', 'CPU 1', 'CPU 2', 'CPU 3'], hint: 'Look at the BSP mark.', reveal: 'On OVMF the monarch is CPU 0 (PlatformSmmBspElection).' });
    expect(q.checks).toHaveLength(1);
    expect(l.steps[2].blocks.map((b) => b.kind)).toEqual(['console', 'code', 'text']);
    expect(l.steps[2].blocks[0]).toMatchObject({ run: 'button', lines: ['continue'] });
    expect(l.steps[1].line).toBe(lineOf(GOOD, '## Predict'));
  });

  it('format: CRLF line ends and a BOM read the same; the result is plain data', () => {
    const a = parseLesson(GOOD, 'a.md');
    const b = parseLesson('\uFEFF' + GOOD.replace(/\n/g, '\r\n'), 'a.md');
    expect(b).toEqual(a);
    expect(structuredClone(a)).toEqual(a);
  });

  it('format: an open block with a sample opens the editor', () => {
    const r = parseLesson(edit('panel: cpus\ncpu: 1', 'sample: swdispatch2depex'), 'l.md');
    expect(r.ok && r.lesson.steps[0].blocks[2]).toMatchObject({ kind: 'open', panel: 'editor', sample: 'SwDispatch2Depex' });
  });

  it('format: the ```console run=button header is the same as a "run: button" line', () => {
    const r = parseLesson(edit('```console\nrun: button', '```console run=button'), 'l.md');
    expect(r.ok && r.lesson.steps[2].blocks[0]).toMatchObject({ run: 'button', lines: ['continue'] });
  });
});

describe('lesson format v1: each error class names its line', () => {
  it('format: missing front matter (line 1)', () => {
    expect(errorsOf('# hello\n\n## Step\n\ntext\n')).toEqual(['l.md:1: a lesson starts with front matter: a line "---", then "key: value" lines (id, title, summary, ...), then "---"']);
  });

  it('format: front matter never closed (line 1)', () => {
    expect(errorsOf('---\nid: x\ntitle: t\n')).toEqual(['l.md:1: the front matter has no closing "---" line']);
  });

  it('format: a bad front matter line, an unknown key, a key twice', () => {
    expect(errorsOf(edit('level: beginner', 'this is no key'))).toEqual(['l.md:6: expected "key: value" in the front matter, found "this is no key"']);
    expect(errorsOf(edit('level: beginner', 'author: me'))).toEqual(['l.md:6: unknown front matter key "author" (keys: id, title, summary, platform, level, minutes, order)']);
    expect(errorsOf(edit('level: beginner', 'title: again'))).toEqual(['l.md:6: front matter key "title" given twice']);
  });

  it('format: missing id, title or summary (the closing --- line)', () => {
    expect(errorsOf(edit('id: tiny\n', ''))).toEqual(['l.md:7: the front matter has no "id" (required: id, title, summary)']);
    expect(errorsOf(edit('title: A tiny lesson\n', ''))).toEqual(['l.md:7: the front matter has no "title" (required: id, title, summary)']);
    expect(errorsOf(edit('summary: One SMI, one question.\n', ''))).toEqual(['l.md:7: the front matter has no "summary" (required: id, title, summary)']);
  });

  it('format: a bad id, level, minutes or platform', () => {
    expect(errorsOf(edit('id: tiny', 'id: Tiny Lesson'))).toEqual(['l.md:2: bad id "Tiny Lesson": use lower-case letters, digits and "-" (it goes into the URL: #lesson=ID)']);
    expect(errorsOf(edit('level: beginner', 'level: expert'))).toEqual(['l.md:6: unknown level "expert" (levels: beginner, intermediate, advanced)']);
    expect(errorsOf(edit('minutes: 5', 'minutes: soon'))).toEqual(['l.md:7: minutes "soon" is not a whole number of minutes (1..600)']);
    expect(errorsOf(edit('platform: ovmf --cpus 4', 'platform: bochs'))).toEqual(['l.md:5: unknown platform "bochs" (available: ovmf, ovmf-swdispatch, pch)']);
  });

  it('issue 9 §3 format: `order: N` places a lesson in the course; a bad order is an error with its line', () => {
    const r = parseLesson(edit('minutes: 5', 'minutes: 5\norder: 3'), 'l.md');
    expect(r.ok && r.lesson.order).toBe(3);
    const none = parseLesson(GOOD, 'l.md');
    expect(none.ok && none.lesson.order).toBe(null);
    expect(errorsOf(edit('minutes: 5', 'minutes: 5\norder: first'))).toEqual(['l.md:8: order "first" is not a whole number (the lesson\'s place in the course: 1, 2, ...)']);
    expect(errorsOf(edit('minutes: 5', 'minutes: 5\norder: 1.5'))).toEqual(['l.md:8: order "1.5" is not a whole number (the lesson\'s place in the course: 1, 2, ...)']);
  });

  it('issue 9 §3 format: course order: lessons with an order first (lowest first), then those without, ties and the rest by id', () => {
    const l = (id: string, order: number | null) => ({ id, order });
    const list = [l('zeta', null), l('b', 2), l('alpha', null), l('c', 1), l('a', 2)];
    expect(lessonOrder(list).map((x) => x.id)).toEqual(['c', 'a', 'b', 'alpha', 'zeta']);
    expect(list.map((x) => x.id)).toEqual(['zeta', 'b', 'alpha', 'c', 'a']); // untouched
  });

  it('format: a step with no text (its heading line)', () => {
    const t = edit('We write to **0xB2**.\n', '');
    expect(errorsOf(t)).toEqual([`l.md:${lineOf(t, '## Raise an SMI')}: step "Raise an SMI" has no text (say what the step shows, before or after its blocks)`]);
  });

  it('format: a step heading without a title; no steps at all', () => {
    const t = edit('## Predict', '##');
    expect(errorsOf(t)).toEqual([`l.md:${lineOf(GOOD, '## Predict')}: a step heading without a title`]);
    expect(errorsOf('---\nid: a\ntitle: t\nsummary: s\n---\nonly an intro\n')).toEqual(['l.md: the lesson has no steps (each "## " heading starts one)']);
  });

  it('format: an unknown fenced block kind; a block never closed; a block before the first step', () => {
    const t = edit('```open', '```opne');
    expect(errorsOf(t)).toEqual([`l.md:${lineOf(GOOD, '```open')}: unknown fenced block kind "opne" (kinds: console, open, question; c, h, inf, text, log, json are shown as code)`]);
    const u = GOOD.replace(/```\n\nText after the blocks\.\n$/, '\nText after the blocks.\n');
    expect(errorsOf(u)).toEqual([`l.md:${u.split('\n').indexOf('```c') + 1}: the \`\`\`c block is never closed (a line "\`\`\`" ends it)`]);
    const v = edit('Intro **text**.', '```console\nhelp\n```');
    expect(errorsOf(v)).toEqual([`l.md:${lineOf(v, '```console')}: a console block before the first step: steps start at "## " headings`]);
  });

  it('format: an unknown key in a block', () => {
    expect(errorsOf(edit('hint: Look at the BSP mark.', 'hnit: Look at the BSP mark.'))).toEqual([`l.md:${lineOf(GOOD, 'hint:')}: unknown key "hnit" in a question block (keys: kind, prompt, choices, check, hint, reveal)`]);
    expect(errorsOf(edit('cpu: 1', 'cpus: 1'))).toEqual([`l.md:${lineOf(GOOD, 'cpu: 1')}: unknown key "cpus" in an open block (keys: panel, cpu, sample)`]);
    expect(errorsOf(edit('panel: cpus', 'panel: registers'))).toEqual([`l.md:${lineOf(GOOD, 'panel: cpus')}: unknown panel "registers" (panels: savestate, cpus, handlers, smram, timeline, terminal, editor, compare, explain)`]);
    expect(errorsOf(edit('cpu: 1', 'sample: NoSuchModule'))[0]).toMatch(new RegExp(`^l\\.md:${lineOf(GOOD, 'cpu: 1')}: unknown sample "NoSuchModule" \\(shipped: `));
  });

  it('format: an unknown question kind', () => {
    expect(errorsOf(edit('kind: choice', 'kind: pick'))).toEqual([`l.md:${lineOf(GOOD, 'kind: choice')}: unknown question kind "pick" (kinds: choice, value, do)`]);
  });

  it('format: a choice question without choices; choices on a value question', () => {
    const t = edit('choices: CPU 0 | CPU 1 | CPU 2 | CPU 3\n', '');
    expect(errorsOf(t)).toEqual([`l.md:${lineOf(t, '```question')}: a choice question without choices (at least two: "choices: CPU 0 | CPU 1")`]);
    expect(errorsOf(edit('kind: choice', 'kind: value'))).toEqual([`l.md:${lineOf(GOOD, 'choices:')}: choices belong to a choice question, not a value question`]);
  });

  it('format: a question without a check, prompt or reveal', () => {
    const q = lineOf(GOOD, '```question');
    expect(errorsOf(edit('check: state lastSmi.bsp == answer.cpu\n', ''))).toEqual([`l.md:${q}: a question without a check (e.g. "check: state lastSmi.bsp == answer.cpu")`]);
    expect(errorsOf(edit('prompt: Which CPU runs the MMI handlers?\n', ''))).toEqual([`l.md:${q}: a question without a prompt`]);
    expect(errorsOf(edit('reveal: On OVMF the monarch is CPU 0\n  (PlatformSmmBspElection).\n', ''))).toEqual([`l.md:${q}: a question without a reveal (the explanation shown once it is answered)`]);
  });

  it('format: a bad check expression (its check: line)', () => {
    const at = lineOf(GOOD, 'check:');
    expect(errorsOf(edit('check: state lastSmi.bsp == answer.cpu', 'check: state lastSmi.bsp is answer.cpu'))).toEqual([`l.md:${at}: bad check "state lastSmi.bsp is answer.cpu": expected \`state PATH OP VALUE\` with OP one of ==, !=, contains, matches, <=, >=, <, >`]);
    expect(errorsOf(edit('check: state lastSmi.bsp == answer.cpu', 'check: registers rax == 5'))).toEqual([`l.md:${at}: bad check "registers rax == 5": it starts with state, log or output`]);
    expect(errorsOf(edit('check: state lastSmi.bsp == answer.cpu', 'check: log matches /(/'))[0]).toMatch(new RegExp(`^l\\.md:${at}: bad check "log matches /\\(/": bad regular expression`));
    expect(errorsOf(edit('kind: choice\nprompt: Which CPU runs the MMI handlers?\nchoices: CPU 0 | CPU 1 | CPU 2 | CPU 3', 'kind: do\nprompt: Raise it.\n'))).toEqual([`l.md:${at}: a do question has no answer to compare with: check the state, the log or the output`]);
  });

  it('format: a console line the console language does not know (its line)', () => {
    expect(errorsOf(edit('step phase', 'stpe phase'))).toEqual([`l.md:${lineOf(GOOD, 'step phase')}: unknown console command "stpe" (the console language's commands: see \`help\`)`]);
    expect(errorsOf(edit('run: button', 'run: later'))).toEqual([`l.md:${lineOf(GOOD, 'run: button')}: run "later": choose auto or button`]);
  });

  it('format: two questions in one step', () => {
    const t = edit('## Run on a button', '```question\nkind: value\nprompt: p\ncheck: state lastSmi.cpu == answer.number\nreveal: r\n```\n\n## Run on a button');
    expect(errorsOf(t)).toEqual([`l.md:${lineOf(t, 'kind: value') - 1}: step "Predict" already has a question (one question per step)`]);
  });

  it('format: more than 40 steps (the 41st heading)', () => {
    const many = Array.from({ length: 41 }, (_, i) => `## Step ${i + 1}\n\nText ${i + 1}.\n`).join('\n');
    const t = `---\nid: a\ntitle: t\nsummary: s\n---\n${many}`;
    expect(errorsOf(t)).toEqual([`l.md:${lineOf(t, '## Step 41')}: more than 40 steps`]);
  });

  it('format: several errors are all reported, in line order', () => {
    const t = edit('kind: choice', 'kind: pick').replace('step phase', 'stpe phase');
    expect(errorsOf(t).map((e) => Number(e.split(':')[1]))).toEqual([lineOf(GOOD, 'step phase'), lineOf(GOOD, 'kind: choice')]);
  });

  it('format: duplicate ids in a set name both files and the id lines', () => {
    const a = parseLesson(GOOD, 'a.md');
    const b = parseLesson(GOOD, 'b.md');
    if (!a.ok || !b.ok) throw new Error('GOOD does not parse');
    expect(checkLessonSet([a.lesson, b.lesson])).toEqual(['b.md:2: duplicate lesson id "tiny" (also in a.md:2)']);
  });
});

describe('lesson format v1: the README', () => {
  it('lesson format: the example lesson of README "Lesson files (format v1)" parses, its comments aside', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    const m = /## Lesson files \(format v1\)[\s\S]*?````markdown\n([\s\S]*?)\n````/.exec(readme);
    expect(m).not.toBeNull();
    const r = parseLesson(m![1], 'README.md');
    if (!r.ok) throw new Error(r.errors.map((e) => formatLessonError('README.md', e)).join('\n'));
    expect([r.lesson.id, r.lesson.platform, r.lesson.level, r.lesson.minutes, r.lesson.order, r.lesson.steps.length]).toEqual(['apm-first', 'ovmf --cpus 2', 'beginner', 5, 1, 2]);
    expect(r.lesson.steps[0].blocks.find((b) => b.kind === 'open')).toMatchObject({ panel: 'savestate', cpu: 1 });
  });
});
