/**
 * Plays a lesson in Node the way a learner does in the page, for the shipped lessons' autoplay tests
 * (teach/ShippedLessons.test.ts). The LessonRunner (teach/LessonRunner.ts) enters each step and
 * checks answers exactly as the worker does; what the learner does by hand for a `do` question
 * (lines typed at the prompt, a module loaded from the editor) goes through the Session as the
 * page's terminal and Load button send it, its output noted for `output` checks.
 */

import type { Session } from '../console/Session';
import { type LessonRunner, runToEnd } from './LessonRunner';

/** What the learner does before answering: lines typed (F10, `smi ...`), the editor's files at Load. */
export interface LearnerAction {
  /** Console lines the learner types, in order (a Load from the editor is `load NAME.inf`). */
  lines?: string[];
  /** The files the editor holds (name -> text): what `load` reads in the page. */
  files?: Record<string, string>;
}

/** Runs what the learner does; returns the lines that failed (a learner's line the console refused). */
export function learnerActs(s: Session, runner: LessonRunner, a: LearnerAction): string[] {
  if (a.files) {
    const files = new Map(Object.entries(a.files));
    s.workspace = { read: (p) => files.get(p) ?? null, list: () => [...files.keys()] };
  }
  const failed: string[] = [];
  for (const line of a.lines ?? []) {
    const { lines, error } = runToEnd(s, line);
    runner.noteOutput(lines);
    s.drainLog();
    if (error) failed.push(`${line}: ${lines.join(' ')}`);
  }
  return failed;
}
