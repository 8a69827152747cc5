/**
 * Taking a lesson (README "Lessons"): a step's console blocks run on entering it, a question is
 * checked against the machine's real state, opening step N replays steps 1..N-1 (deterministic),
 * the log and output marks start at the step, a teacher's file with an error changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { stateJson } from '../console/StateJson';
import { LessonRunner } from './LessonRunner';

const TEACHER = `---
id: teacher-one
title: A teacher's lesson
summary: Raise SMI 0x01.
platform: ovmf --cpus 2
---

## Raise it yourself

Type \`smi 0x01 --run\` in the terminal, then press Check.

\`\`\`question
kind: do
prompt: Raise the SW SMI with command 0x01.
check: state lastSmi.command == 0x01
check: output contains "finished"
reveal: Done.
\`\`\`

## A value

CPU 1's RAX.

\`\`\`console
run: button
smi 0x07 --cpu 1 --run
\`\`\`

\`\`\`question
kind: value
prompt: What does CPU 1's RAX hold after RSM?
check: state cpus[1].rax == answer.number
reveal: 0x07, the byte it wrote: RSM reloads RAX from the save state.
\`\`\`
`;

describe('lesson runner', () => {
  it('§12.1 first-smi: a wrong answer then the right one, checked against the state (OVMF\'s monarch is CPU 0)', () => {
    const s = Session.create();
    const r = new LessonRunner();
    const lesson = r.get('first-smi')!;
    const q = lesson.steps.findIndex((st) => st.blocks.some((b) => b.kind === 'question' && b.question.checks.some((c) => c.text.includes('lastSmi.bsp'))));
    const o = r.open(s, 'first-smi', q, 'replay');
    expect(o.ok).toBe(true);
    expect(o.ok && o.ran.filter((t) => t.kind === 'command').map((t) => (t.kind === 'command' ? t.line : ''))[0]).toBe('platform ovmf --cpus 4');
    const wrong = r.check(s, 'CPU 1');
    expect('ok' in wrong && wrong.ok).toBe(false);
    expect('ok' in wrong && wrong.results[0].detail).toBe('lastSmi.bsp is 0; the check wants == 1');
    const right = r.check(s, 'CPU 0');
    expect('ok' in right && right.ok).toBe(true);
  });

  it('lesson format: opening step N by replay gives the machine that stepping 1..N gives', () => {
    const a = Session.create();
    const ra = new LessonRunner();
    const n = ra.get('first-smi')!.steps.length - 1;
    for (let k = 0; k <= n; k++) ra.open(a, 'first-smi', k, k === 0 ? 'replay' : 'enter');
    const b = Session.create();
    const rb = new LessonRunner();
    rb.open(b, 'first-smi', n, 'replay');
    expect(stateJson(b)).toEqual(stateJson(a));
  });

  it('lesson format: a do question: the learner acts, Check reads the state and the output since the step began', () => {
    const s = Session.create();
    const r = new LessonRunner();
    expect(r.load(TEACHER, 'teacher.md').ok).toBe(true);
    r.open(s, 'teacher-one', 0, 'replay');
    const before = r.check(s, null);
    expect('ok' in before && before.ok).toBe(false);
    r.noteOutput(s.exec('smi 0x01 --run').lines); // what the worker does with a typed line
    const after = r.check(s, null);
    expect(after).toMatchObject({ ok: true });
    // Entering the next step starts new marks: the output check no longer sees that line.
    r.open(s, 'teacher-one', 1, 'enter');
    expect(r.lesson?.id).toBe('teacher-one');
  });

  it('lesson format: a Run-button block runs only on the button; a value question is answered', () => {
    const s = Session.create();
    const r = new LessonRunner();
    r.load(TEACHER, 'teacher.md');
    const o = r.open(s, 'teacher-one', 1, 'replay');
    expect(o.ok && o.ran.filter((t) => t.kind === 'command').map((t) => (t.kind === 'command' ? t.line : ''))).toEqual(['platform ovmf --cpus 2']);
    const blk = r.lesson!.steps[1].blocks.findIndex((b) => b.kind === 'console');
    expect(r.runBlock(s, blk).ok).toBe(true);
    expect(r.check(s, '5')).toMatchObject({ ok: false });
    expect(r.check(s, '0x07')).toMatchObject({ ok: true });
  });

  it('lesson format: a teacher file with an error is refused with its line; the library, the lesson and the machine stay', () => {
    const s = Session.create();
    const r = new LessonRunner();
    r.open(s, 'first-smi', 0, 'replay');
    const before = JSON.stringify(stateJson(s));
    const bad = r.load(TEACHER.replace('kind: value', 'kind: guess'), 'teacher.md');
    expect(bad).toEqual({ ok: false, errors: [`teacher.md:${TEACHER.split('\n').indexOf('kind: value') + 1}: unknown question kind "guess" (kinds: choice, value, do)`] });
    expect(r.get('teacher-one')).toBe(null);
    expect(r.lesson?.id).toBe('first-smi');
    expect(JSON.stringify(stateJson(s))).toBe(before);
  });

  it('lesson format: leaving keeps the machine; opening a step that does not exist changes nothing', () => {
    const s = Session.create();
    const r = new LessonRunner();
    r.open(s, 'first-smi', 1, 'replay');
    const st = JSON.stringify(stateJson(s));
    expect(r.open(s, 'first-smi', 99, 'replay')).toEqual({ ok: false, error: `lesson "first-smi" has steps 1..${r.get('first-smi')!.steps.length}, not 100` });
    expect(r.open(s, 'nope', 0, 'replay')).toEqual({ ok: false, error: 'no lesson "nope"' });
    r.leave();
    expect(r.lesson).toBe(null);
    expect(JSON.stringify(stateJson(s))).toBe(st);
  });

  /** A lesson whose second step reboots with a sample module; `check` is that step's check. */
  const rebooting = (check: string) => `---
id: reboot-log
title: A step that reboots
summary: The log since the step began survives a reboot.
platform: ovmf --cpus 2
---

## Before

A software SMI on the first machine.

\`\`\`console
smi 0x01 --run
\`\`\`

## Reboot

A new machine with a sample module.

\`\`\`console
platform ovmf --cpus 4 --module RootMmiSample
\`\`\`

\`\`\`question
kind: do
prompt: Look at the log.
check: ${check}
reveal: Done.
\`\`\`

## After

Another SMI, no reboot.

\`\`\`console
smi 0x01 --run
\`\`\`

\`\`\`question
kind: do
prompt: Look again.
check: ${check}
reveal: Done.
\`\`\`
`;

  const checked = (check: string, step: number, mode: 'replay' | 'enter' = 'replay') => {
    const s = Session.create();
    const r = new LessonRunner();
    expect(r.load(rebooting(check), 'reboot.md').ok).toBe(true);
    if (mode === 'enter') for (let k = 0; k <= step; k++) r.open(s, 'reboot-log', k, k === 0 ? 'replay' : 'enter');
    else r.open(s, 'reboot-log', step, 'replay');
    return r.check(s, null);
  };

  it('§12.9 issue 9 §3: a step that reboots (`platform ... --module RootMmiSample`): a log check sees the lines of the new boot', () => {
    expect(checked('log contains "RootMmiSample.efi"', 1)).toMatchObject({ ok: true });
    expect(checked('log contains "RootMmiSample.efi"', 1, 'enter')).toMatchObject({ ok: true });
    expect(checked('log matches /OVMF X64, 4 CPU\\(s\\)/', 1, 'enter')).toMatchObject({ ok: true });
  });

  it('§12.9 issue 9 §3: a line logged only before the step began is not "since the step began", reboot or not', () => {
    // The first boot's banner (2 CPUs) came before the rebooting step.
    const r1 = checked('log matches /OVMF X64, 2 CPU\\(s\\)/', 1, 'enter');
    expect(r1).toMatchObject({ ok: false });
    expect('ok' in r1 && r1.results[0].detail).toMatch(/^no line of the firmware log since this step began matches/);
    // The next step does not reboot: the reboot's lines came before it.
    expect(checked('log contains "RootMmiSample.efi"', 2, 'enter')).toMatchObject({ ok: false });
    expect(checked('log contains "RootMmiSample.efi"', 2)).toMatchObject({ ok: false });
  });

  it('§12.9 issue 9 §3: the learner reboots by hand in a do step (`platform ... --module`, then `reset`): both new logs count', () => {
    const s = Session.create();
    const r = new LessonRunner();
    r.load(rebooting('log contains "RootMmiSample.efi"'), 'reboot.md');
    r.open(s, 'reboot-log', 0, 'replay');
    r.open(s, 'reboot-log', 2, 'resume'); // marks the step on the 2-CPU machine, runs nothing
    expect(r.check(s, null)).toMatchObject({ ok: false });
    expect(s.exec('platform ovmf --cpus 2 --module RootMmiSample').error).toBe(false);
    expect(s.exec('reset').error).toBe(false); // a second new log: the first one's lines are kept
    const log = s.logSince(0);
    expect(log.filter((l) => l.includes('RootMmiSample.efi')).length).toBe(2);
    expect(r.check(s, null)).toMatchObject({ ok: true });
  });

  it('§12.9 the session counts its log lines over reboots: logCount only grows, logSince(logCount()) is empty', () => {
    const s = Session.create();
    const a = s.logCount();
    expect(s.logSince(a)).toEqual([]);
    s.exec('reset');
    const b = s.logCount();
    expect(b).toBeGreaterThan(a);
    expect(s.logSince(a)).toEqual(s.m.s.serial.lines);
    expect(s.logSince(b)).toEqual([]);
  });
});
