/**
 * The worker's side of the Lessons panel: one LessonRunner (core/teach) next to the Session. A
 * lesson's console lines go to the terminal as ordinary command output (echoed, noted "lesson"),
 * with the firmware log between them in order; every other command's output is noted as well, so
 * an `output contains` check sees what the learner typed since the step began.
 */
import type { Session, TranscriptItem } from '../core/console/Session';
import { LessonRunner } from '../core/teach/LessonRunner';
import type { UiToWorker, WorkerMessage } from '../protocol/messages';

type LessonMessage = Extract<UiToWorker, { type: 'lessons' | 'lesson-load' | 'lesson-open' | 'lesson-run-block' | 'lesson-check' | 'lesson-leave' }>;

export interface LessonHostIo {
  session(): Session;
  post(msg: WorkerMessage): void;
  /** Log + a fresh snapshot. */
  flush(s: Session): void;
  /** Stops a running command first (a lesson step never starts while `continue` runs). */
  stopRunning(): void;
}

let runner: LessonRunner | null = null;
/** While the host posts a lesson's own output (already noted by the runner). */
let posting = false;

function getRunner(): LessonRunner {
  runner ??= new LessonRunner();
  return runner;
}

/** Every console output the worker posts (the terminal's lines, actions, a running `continue`). */
export function noteOutput(msg: WorkerMessage): void {
  if (!posting && runner && msg.type === 'output') runner.noteOutput(msg.lines);
}

export function isLessonMessage(msg: UiToWorker): msg is LessonMessage {
  return msg.type === 'lessons' || msg.type.startsWith('lesson-');
}

function postRan(io: LessonHostIo, id: number, ran: TranscriptItem[]): void {
  posting = true;
  try {
    for (const t of ran) {
      if (t.kind === 'log') io.post({ type: 'log', firstSeq: t.firstSeq, lines: t.lines });
      else io.post({ type: 'output', id, lines: t.lines, error: t.error, echo: t.line, note: 'lesson' });
    }
  } finally {
    posting = false;
  }
}

function postList(io: LessonHostIo): void {
  const r = getRunner();
  io.post({ type: 'lessons', lessons: r.lessons(), errors: r.shippedErrors });
}

export function handleLessonMessage(msg: LessonMessage, io: LessonHostIo): void {
  const r = getRunner();
  switch (msg.type) {
    case 'lessons':
      postList(io);
      return;
    case 'lesson-load': {
      const l = r.load(msg.text, msg.source);
      io.post({ type: 'lesson-loaded', id: msg.id, lessonId: l.ok ? l.lesson.id : null, errors: l.ok ? [] : l.errors });
      if (l.ok) postList(io);
      return;
    }
    case 'lesson-open': {
      io.stopRunning();
      const s = io.session();
      const o = r.open(s, msg.lesson, msg.step, msg.mode);
      if (!o.ok) {
        io.post({ type: 'lesson-at', id: msg.id, lesson: r.lesson?.id ?? null, step: r.step, error: o.error });
        return;
      }
      postRan(io, msg.id, o.ran);
      io.flush(s);
      io.post({ type: 'lesson-at', id: msg.id, lesson: r.lesson?.id ?? null, step: r.step, error: null });
      return;
    }
    case 'lesson-run-block': {
      io.stopRunning();
      const s = io.session();
      const o = r.runBlock(s, msg.block);
      if (!o.ok) io.post({ type: 'output', id: msg.id, lines: [o.error], error: true });
      else postRan(io, msg.id, o.ran);
      io.flush(s);
      return;
    }
    case 'lesson-check': {
      const c = r.check(io.session(), msg.answer);
      const at = { id: msg.id, lesson: r.lesson?.id ?? null, step: r.step };
      io.post('error' in c ? { type: 'lesson-check', ...at, ok: false, results: [], error: c.error } : { type: 'lesson-check', ...at, ok: c.ok, results: c.results, error: null });
      return;
    }
    case 'lesson-leave':
      r.leave();
      io.post({ type: 'lesson-at', id: 0, lesson: null, step: 0, error: null });
      return;
    default: {
      const never: never = msg;
      throw new Error(`unknown lesson message ${JSON.stringify(never)}`);
    }
  }
}
