/**
 * Plays a lesson in Node the way a learner does in the page, for the shipped lessons' tests
 * (teach/ShippedLessons.test.ts): start it (its `platform` line), enter every step in order (its
 * console blocks run; `run: button` blocks too, as if pressed), and answer each question, its
 * checks evaluated against the Session's real state, the firmware log and the console output since
 * the step began (teach/LessonCheck.ts).
 */

import type { Session } from '../console/Session';
import { stateJson } from '../console/StateJson';
import { type Lesson, type LessonQuestion, stepQuestion } from './Lesson';
import { evaluateChecks } from './LessonCheck';

/** What the learner does for one question: console lines typed first (a `do`), then the answer. */
export interface AutoplayAnswer {
  /** Console lines the learner types before answering (F10, `smi ...`, a Load from the editor). */
  lines?: string[];
  /** Files the editor holds when the learner presses Load (name -> text). */
  files?: Record<string, string>;
  /** The choice or the typed value (null for `do`). */
  answer: string | null;
}

export interface StepPlay {
  step: number;
  title: string;
  output: string[];
  log: string[];
  errors: string[];
}

/** One lesson being played on a Session: the lines since the current step began. */
export class LessonPlayer {
  output: string[] = [];
  log: string[] = [];
  step = -1;

  constructor(
    readonly session: Session,
    readonly lesson: Lesson,
  ) {}

  /** Runs one console line to its end (as the page does), keeping its output and the log. */
  run(line: string): { error: boolean; lines: string[] } {
    const r = this.session.exec(line);
    const lines = [...r.lines];
    while (this.session.busy()) lines.push(...this.session.runSlice(50_000).lines);
    this.output.push(...lines);
    this.log.push(...this.session.drainLog().lines);
    return { error: r.error, lines };
  }

  start(): void {
    this.session.drainLog();
    if (this.lesson.platform) this.run(`platform ${this.lesson.platform}`);
  }

  /** Enters step `i` (0-based): the lines since the step began start here; its console blocks run. */
  enter(i: number): StepPlay {
    this.step = i;
    this.output = [];
    this.log = [];
    this.session.drainLog();
    const errors: string[] = [];
    const s = this.lesson.steps[i];
    for (const b of s.blocks) {
      if (b.kind !== 'console') continue;
      for (const l of b.lines) {
        const r = this.run(l);
        if (r.error) errors.push(`${l}: ${r.lines.join(' ')}`);
      }
    }
    return { step: i + 1, title: s.title, output: [...this.output], log: [...this.log], errors };
  }

  question(): LessonQuestion | null {
    return stepQuestion(this.lesson.steps[this.step]);
  }

  /** Checks an answer against the machine as it is now (no lines run). */
  check(answer: string | null) {
    const q = this.question();
    if (!q) throw new Error(`step ${this.step + 1} has no question`);
    return evaluateChecks(q.checks, { state: stateJson(this.session), log: this.log, output: this.output, answer });
  }

  /** Does what the learner does (lines, a Load of editor files), then checks the answer. */
  act(a: AutoplayAnswer): void {
    if (a.files) {
      const files = new Map(Object.entries(a.files));
      this.session.workspace = { read: (p) => files.get(p) ?? null, list: () => [...files.keys()] };
    }
    for (const l of a.lines ?? []) {
      const r = this.run(l);
      if (r.error) throw new Error(`${l}: ${r.lines.join(' ')}`);
    }
  }
}
