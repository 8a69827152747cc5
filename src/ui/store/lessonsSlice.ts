/**
 * The Lessons panel's state: the lessons the worker knows, where the learner stands, the last
 * check's answer, a teacher file's errors, and the progress per lesson (remembered in
 * localStorage across reloads).
 */
import type { CheckResult, Lesson } from '../../protocol/lessons';
import type { WorkerMessage } from '../../protocol/messages';
import { readStoredJson, writeStoredJson } from './stored';

export interface LessonProgress {
  /** Steps (0-based) the learner has entered. */
  seen: number[];
  /** Steps whose question was answered right, with the answer given. */
  right: Record<number, string>;
  /** Wrong tries per step. */
  wrong: Record<number, number>;
  /** The last step entered. */
  last: number;
}

export interface LessonCheckView {
  lesson: string | null;
  step: number;
  ok: boolean;
  results: CheckResult[];
  error: string | null;
  /** The answer it was about (null: a `do` question). */
  answer: string | null;
  /** "Show answer" was pressed (the reveal shows, the step is not counted as answered). */
  shown?: boolean;
}

export interface LessonsSlice {
  lessonsOpen: boolean;
  lessons: Lesson[];
  lessonsShippedErrors: string[];
  /** The lesson and step the worker stands on (null: no lesson). */
  lessonAt: { id: string; step: number } | null;
  /** A lesson-open request is on its way. */
  lessonPending: number | null;
  lessonError: string | null;
  lessonCheck: LessonCheckView | null;
  lessonCheckPending: { id: number; answer: string | null } | null;
  /** A teacher's file: the request on its way, and the last one's errors (file.md:14: ...). */
  lessonLoadPending: number | null;
  lessonLoadErrors: string[];
  lessonLoadNote: string | null;
  lessonProgress: Record<string, LessonProgress>;
}

const PROGRESS_KEY = 'smiscope.lessons.progress';
const OPEN_KEY = 'smiscope.lessons.open';

export function saveProgress(p: Record<string, LessonProgress>): void {
  writeStoredJson(PROGRESS_KEY, p);
}
export function saveLessonsOpen(open: boolean): void {
  writeStoredJson(OPEN_KEY, open);
}

export const emptyProgress = (): LessonProgress => ({ seen: [], right: {}, wrong: {}, last: 0 });

export const createLessonsSlice = (): LessonsSlice => ({
  lessonsOpen: readStoredJson(OPEN_KEY, false),
  lessons: [],
  lessonsShippedErrors: [],
  lessonAt: null,
  lessonPending: null,
  lessonError: null,
  lessonCheck: null,
  lessonCheckPending: null,
  lessonLoadPending: null,
  lessonLoadErrors: [],
  lessonLoadNote: null,
  lessonProgress: readStoredJson(PROGRESS_KEY, {}),
});

type LessonMsg = Extract<WorkerMessage, { type: 'lessons' | 'lesson-loaded' | 'lesson-at' | 'lesson-check' }>;

export function isLessonWorkerMessage(m: WorkerMessage): m is LessonMsg {
  return m.type === 'lessons' || m.type === 'lesson-loaded' || m.type === 'lesson-at' || m.type === 'lesson-check';
}

/** What a lesson message changes (pure; progress is saved by the caller's subscriber). */
export function lessonPatch(s: LessonsSlice, msg: LessonMsg): Partial<LessonsSlice> | null {
  switch (msg.type) {
    case 'lessons':
      return { lessons: msg.lessons, lessonsShippedErrors: msg.errors };
    case 'lesson-loaded':
      if (msg.id !== s.lessonLoadPending) return null;
      return { lessonLoadPending: null, lessonLoadErrors: msg.errors, lessonLoadNote: msg.lessonId ? `loaded lesson "${msg.lessonId}"` : null };
    case 'lesson-at': {
      const base: Partial<LessonsSlice> = { lessonPending: msg.id === s.lessonPending ? null : s.lessonPending, lessonError: msg.error };
      if (msg.error) return base;
      if (msg.lesson === null) return { ...base, lessonAt: null, lessonCheck: null };
      const p = s.lessonProgress[msg.lesson] ?? emptyProgress();
      const seen = p.seen.includes(msg.step) ? p.seen : [...p.seen, msg.step].sort((a, b) => a - b);
      return {
        ...base,
        lessonAt: { id: msg.lesson, step: msg.step },
        lessonCheck: null,
        lessonProgress: { ...s.lessonProgress, [msg.lesson]: { ...p, seen, last: msg.step } },
      };
    }
    case 'lesson-check': {
      if (msg.id !== s.lessonCheckPending?.id) return null;
      const answer = s.lessonCheckPending.answer;
      const view: LessonCheckView = { lesson: msg.lesson, step: msg.step, ok: msg.ok, results: msg.results, error: msg.error, answer };
      if (!msg.lesson || msg.error) return { lessonCheckPending: null, lessonCheck: view };
      const p = s.lessonProgress[msg.lesson] ?? emptyProgress();
      const next = msg.ok ? { ...p, right: { ...p.right, [msg.step]: answer ?? 'done' } } : { ...p, wrong: { ...p.wrong, [msg.step]: (p.wrong[msg.step] ?? 0) + 1 } };
      return { lessonCheckPending: null, lessonCheck: view, lessonProgress: { ...s.lessonProgress, [msg.lesson]: next } };
    }
    default: {
      const never: never = msg;
      return never;
    }
  }
}
