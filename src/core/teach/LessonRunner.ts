/**
 * A lesson being taken (README "Lessons"): the shipped lessons and those a teacher loaded, the
 * current lesson and step, and the marks a step's checks read from (the firmware log and the
 * console output since the step began). It drives a Session with ordinary console lines, so what a
 * lesson does is what a learner could type, and it is deterministic: opening step N replays the
 * lesson's `platform` line and the console blocks of steps 1..N-1 on a fresh machine, then enters
 * step N. What the learner did by hand for a `do` question is not replayed (it is not in the
 * lesson), so a replayed step after an unanswered `do` finds the machine without it.
 */

import { RUN_SLICE } from '../console/Console';
import type { Session, TranscriptItem } from '../console/Session';
import { stateJson } from '../console/StateJson';
import { formatLessonError, type Lesson, lessonOrder, type LessonStep, stepQuestion } from './Lesson';
import { type CheckResult, evaluateChecks } from './LessonCheck';
import { checkLessonSet, parseLesson } from './LessonParse';
import { SHIPPED_LESSON_FILES } from './ShippedLessons';

/** The shipped lessons, parsed (in course order: Lesson.ts lessonOrder), and every error they have (file:line: message). */
export function shippedLessons(): { lessons: Lesson[]; errors: string[] } {
  const lessons: Lesson[] = [];
  const errors: string[] = [];
  for (const [name, text] of Object.entries(SHIPPED_LESSON_FILES)) {
    const r = parseLesson(text, name);
    if (r.ok) lessons.push(r.lesson);
    else errors.push(...r.errors.map((e) => formatLessonError(name, e)));
  }
  errors.push(...checkLessonSet(lessons));
  return { lessons: lessonOrder(lessons), errors };
}

/** How a step is entered: on the machine as it is (Next), replayed from the lesson's start (a URL, Back, Restart), or only marked (after a reload that restored the machine). */
export type StepMode = 'enter' | 'replay' | 'resume';

export interface CheckAnswer {
  ok: boolean;
  results: CheckResult[];
}

/** Runs one console line to its end (a `continue` or `smi --run` is not left running); its output and whether it failed. */
export function runToEnd(s: Session, line: string): { lines: string[]; error: boolean } {
  const r = s.exec(line);
  const lines = [...r.lines];
  let error = r.error;
  while (!error && s.busy()) {
    const more = s.runSlice(RUN_SLICE);
    lines.push(...more.lines);
    error = more.error;
  }
  return { lines, error: !!error };
}

export class LessonRunner {
  /** Shipped lessons first, then the teacher's (a teacher's lesson with a shipped id replaces it). */
  private readonly library = new Map<string, Lesson>();
  readonly shippedErrors: string[];
  lesson: Lesson | null = null;
  /** The current step (0-based). */
  step = 0;
  private logMark = 0;
  private output: string[] = [];

  constructor() {
    const shipped = shippedLessons();
    for (const l of shipped.lessons) this.library.set(l.id, l);
    this.shippedErrors = shipped.errors;
  }

  /** Every lesson in course order (`order`, then id: Lesson.ts lessonOrder), shipped and loaded alike. */
  lessons(): Lesson[] {
    return lessonOrder([...this.library.values()]);
  }

  get(id: string): Lesson | null {
    return this.library.get(id) ?? null;
  }

  /** Parses a teacher's lesson; on success it joins the library (the current lesson and the machine are untouched either way). */
  load(text: string, source: string): { ok: true; lesson: Lesson } | { ok: false; errors: string[] } {
    const r = parseLesson(text, source);
    if (!r.ok) return { ok: false, errors: r.errors.map((e) => formatLessonError(source, e)) };
    this.library.set(r.lesson.id, r.lesson);
    return r;
  }

  /** Console output printed since the step began (the worker adds what the terminal ran). */
  noteOutput(lines: readonly string[]): void {
    if (this.lesson) this.output.push(...lines);
  }

  leave(): void {
    this.lesson = null;
    this.step = 0;
    this.output = [];
  }

  /**
   * Marks the step's start. The log mark counts every line the session has logged (Session
   * logCount), so a `platform`, `reset` or rebooting `load` in the step, which starts a new
   * debugcon log, does not hide the lines after it from a `log` check. The output is the runner's
   * own list of what the console printed, which no reboot clears.
   */
  private mark(s: Session): void {
    this.logMark = s.logCount();
    this.output = [];
  }

  /** One line, run to its end (a `continue` is not left running), with the log it made. */
  private exec(s: Session, line: string, out: TranscriptItem[]): void {
    const { lines, error } = runToEnd(s, line);
    out.push({ kind: 'command', line, lines, error });
    this.noteOutput(lines);
    const log = s.drainLog();
    if (log.lines.length > 0) out.push({ kind: 'log', ...log });
  }

  private runBlocks(s: Session, step: LessonStep, which: 'auto' | 'all', out: TranscriptItem[]): void {
    for (const b of step.blocks) {
      if (b.kind !== 'console' || (which === 'auto' && b.run !== 'auto')) continue;
      for (const line of b.lines) this.exec(s, line, out);
    }
  }

  /**
   * Opens step `n` of lesson `id` (see StepMode); returns what ran, in order, or an error (no such
   * lesson or step: nothing changes).
   */
  open(s: Session, id: string, n: number, mode: StepMode): { ok: true; ran: TranscriptItem[] } | { ok: false; error: string } {
    const lesson = this.library.get(id);
    if (!lesson) return { ok: false, error: `no lesson "${id}"` };
    if (!Number.isInteger(n) || n < 0 || n >= lesson.steps.length) return { ok: false, error: `lesson "${id}" has steps 1..${lesson.steps.length}, not ${n + 1}` };
    const ran: TranscriptItem[] = [];
    const pre = s.drainLog();
    if (pre.lines.length > 0) ran.push({ kind: 'log', ...pre });
    this.lesson = lesson;
    if (mode === 'replay') {
      this.output = [];
      if (lesson.platform) this.exec(s, `platform ${lesson.platform}`, ran);
      for (let k = 0; k < n; k++) this.runBlocks(s, lesson.steps[k], 'all', ran);
    }
    this.step = n;
    this.mark(s);
    if (mode !== 'resume') this.runBlocks(s, lesson.steps[n], 'auto', ran);
    return { ok: true, ran };
  }

  /** Runs console block `block` of the current step (its Run button). */
  runBlock(s: Session, block: number): { ok: true; ran: TranscriptItem[] } | { ok: false; error: string } {
    const b = this.lesson?.steps[this.step]?.blocks[block];
    if (!b || b.kind !== 'console') return { ok: false, error: 'no such console block in this step' };
    const ran: TranscriptItem[] = [];
    for (const line of b.lines) this.exec(s, line, ran);
    return { ok: true, ran };
  }

  /** Checks the answer to the current step's question against the machine's state. */
  check(s: Session, answer: string | null): CheckAnswer | { error: string } {
    const step = this.lesson?.steps[this.step];
    const q = step ? stepQuestion(step) : null;
    if (!q) return { error: 'this step asks no question' };
    const log = s.logSince(this.logMark);
    const state: unknown = JSON.parse(JSON.stringify(stateJson(s)));
    return evaluateChecks(q.checks, { state, log, output: this.output, answer: q.kind === 'do' ? null : answer });
  }
}
