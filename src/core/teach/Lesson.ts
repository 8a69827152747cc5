/**
 * A guided lesson (issue 9, README "Lessons"): one Markdown file with front matter, steps that start
 * at each `## ` heading, and fenced blocks that drive the machine (`console`), point at a panel
 * (`open`) or ask the learner something (`question`). Plain data (structuredClone-able): the worker
 * parses a lesson (teach/LessonParse.ts) and sends it to the page as it is.
 */

/** The panels an `open` block can point at (the page's Panel areas). */
export const LESSON_PANELS = ['savestate', 'cpus', 'handlers', 'smram', 'timeline', 'terminal', 'editor', 'compare', 'explain'] as const;
export type LessonPanel = (typeof LESSON_PANELS)[number];

export const LESSON_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type LessonLevel = (typeof LESSON_LEVELS)[number];

export const QUESTION_KINDS = ['choice', 'value', 'do'] as const;
/** choice: pick one of `choices`; value: type a value; do: act in the page, then press Check. */
export type QuestionKind = (typeof QUESTION_KINDS)[number];

/** The most steps a lesson may have (the issue asks for 5 to 15; more than 40 is a mistake). */
export const MAX_STEPS = 40;

/** Where a check reads: a field of `state --json`, the firmware log, or the console's output. */
export type CheckSource = 'state' | 'log' | 'output';
export type CheckOp = '==' | '!=' | 'contains' | 'matches' | '<' | '<=' | '>' | '>=';

/** One step of a `state` path: a field, an index (negative counts from the end) or a selector `[key=value]`. */
export type PathPart = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'select'; key: string; value: string };

/** What a check compares with: a literal (JSON or 0x.. number), a /regex/, or the learner's answer. */
export type CheckValue =
  | { kind: 'literal'; value: string | number | boolean | null; hex: boolean }
  | { kind: 'regex'; source: string; flags: string }
  | { kind: 'answer'; part: 'raw' | 'cpu' | 'number' };

/** A parsed `check:` line. `text` is the line as written (shown when it fails). */
export type Check =
  | { source: 'state'; text: string; path: PathPart[]; pathText: string; op: CheckOp; value: CheckValue }
  | { source: 'log' | 'output'; text: string; op: 'contains' | 'matches'; value: CheckValue };

export interface LessonQuestion {
  kind: QuestionKind;
  prompt: string;
  /** kind choice: the choices, in order. */
  choices: string[];
  /** Every check must hold. */
  checks: Check[];
  /** Shown after a wrong answer. */
  hint: string | null;
  /** Shown once answered right, or on "Show answer". */
  reveal: string;
  line: number;
}

export type LessonBlock =
  /** Markdown (paragraphs, lists, **bold**, `code`, [links](https://...)). */
  | { kind: 'text'; markdown: string; line: number }
  /** Console lines run in order when the step is entered (`auto`) or on the block's Run button (`button`). */
  | { kind: 'console'; lines: string[]; run: 'auto' | 'button'; line: number }
  /** Focus a panel, select a CPU, open a shipped sample module in the editor. */
  | { kind: 'open'; panel: LessonPanel | null; cpu: number | null; sample: string | null; line: number }
  /** Shown as code, never run (```c, ```text). */
  | { kind: 'code'; lang: string; text: string; line: number }
  | { kind: 'question'; question: LessonQuestion; line: number };

export interface LessonStep {
  title: string;
  /** The line of its `## ` heading. */
  line: number;
  blocks: LessonBlock[];
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  /** The arguments of the `platform` line run when the lesson starts (null: keep the machine). */
  platform: string | null;
  level: LessonLevel | null;
  minutes: number | null;
  /** Its place in the course (`order: N`): lessons with one come first, lowest first; then the others, by id (lessonOrder). */
  order: number | null;
  /** Markdown before the first step. */
  intro: string;
  steps: LessonStep[];
  /** The file it came from (a shipped file's name, a teacher's file name or a URL). */
  source: string;
  /** The line of its `id:` (errors about the id name it). */
  idLine: number;
}

/** One error of a lesson file: its 1-based line (0: the file as a whole) and what is wrong. */
export interface LessonError {
  line: number;
  message: string;
}

export type LessonParseResult = { ok: true; lesson: Lesson } | { ok: false; errors: LessonError[] };

/** `first-smi.md:14: unknown question kind "pick"`. */
export function formatLessonError(source: string, e: LessonError): string {
  return e.line > 0 ? `${source}:${e.line}: ${e.message}` : `${source}: ${e.message}`;
}

/**
 * The course order of a list of lessons (README "Lessons: the file format", `order`): those with an
 * `order` first, lowest first, then those without; ties and the rest by id (code-unit order, the
 * same in every locale). A new array; the list given is untouched.
 */
export function lessonOrder<T extends Pick<Lesson, 'id' | 'order'>>(lessons: readonly T[]): T[] {
  const byId = (a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...lessons].sort((a, b) => {
    if (a.order !== null && b.order !== null && a.order !== b.order) return a.order - b.order;
    if ((a.order === null) !== (b.order === null)) return a.order === null ? 1 : -1;
    return byId(a, b);
  });
}

/** The question of a step (a step asks at most one). */
export function stepQuestion(step: LessonStep): LessonQuestion | null {
  for (const b of step.blocks) if (b.kind === 'question') return b.question;
  return null;
}
