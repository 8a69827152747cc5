/**
 * What the Lessons panel does: open a lesson at a step (Next enters the next step on the machine
 * as it is; Back, a step dot, Restart and a URL replay the lesson from its start), run a block's
 * console lines, check an answer, load a teacher's file or URL, and remember: the progress per
 * lesson, the teacher's files, the lesson and step in the URL (#lesson=NAME&step=N) and whether
 * the panel is open.
 */
import type { Lesson, LessonPanel, LessonStep, StepMode } from '../../protocol/lessons';
import { newRequestId, post } from '../actions/bridge';
import { markStepStart, selectCpu } from '../actions/commands';
import { openCompare } from '../actions/compareActions';
import { focusTerminal } from '../actions/layout';
import { setEditorTab, showViewOf } from '../actions/sourceActions';
import { emptyProgress, saveLessonsOpen, saveProgress } from '../store/lessonsSlice';
import { readStored, readStoredJson, writeStoredJson } from '../store/stored';
import { appStore, termAppend } from '../store/store';

const TEACHER_KEY = 'smiscope.lessons.teacher';
const CURRENT_KEY = 'smiscope.lessons.current';
const AUTOSAVE_KEY = 'smiscope.session';
const HASH_RE = /^#lesson=([a-z0-9-]+)(?:&step=(\d+))?$/;

interface TeacherFile {
  id: string;
  text: string;
  source: string;
}

export function setLessonsOpen(open: boolean): void {
  appStore.setState({ lessonsOpen: open });
  saveLessonsOpen(open);
}

export function lessonById(id: string | null | undefined): Lesson | null {
  return appStore.getState().lessons.find((l) => l.id === id) ?? null;
}

/** Opens step `step` (0-based) of `id`. */
export function openLesson(id: string, step: number, mode: StepMode): void {
  if (mode === 'enter') markStepStart();
  const reqId = newRequestId();
  appStore.setState({ lessonPending: reqId, lessonError: null, lessonCheck: null });
  setLessonsOpen(true);
  post({ type: 'lesson-open', id: reqId, lesson: id, step, mode });
}

/** A step of the current lesson: the next one runs on the machine as it is, any other replays. */
export function goToStep(step: number): void {
  const at = appStore.getState().lessonAt;
  if (!at) return;
  openLesson(at.id, step, step === at.step + 1 ? 'enter' : 'replay');
}

export function restartLesson(id: string): void {
  const p = appStore.getState().lessonProgress;
  appStore.setState({ lessonProgress: { ...p, [id]: emptyProgress() } });
  openLesson(id, 0, 'replay');
}

export function leaveLesson(): void {
  post({ type: 'lesson-leave' });
}

export function runLessonBlock(block: number): void {
  markStepStart();
  post({ type: 'lesson-run-block', id: newRequestId(), block });
}

export function checkAnswer(answer: string | null): void {
  const id = newRequestId();
  appStore.setState({ lessonCheckPending: { id, answer } });
  post({ type: 'lesson-check', id, answer });
}

export function showAnswer(): void {
  const at = appStore.getState().lessonAt;
  if (!at) return;
  appStore.setState({ lessonCheck: { lesson: at.id, step: at.step, ok: false, results: [], error: null, answer: null, shown: true } });
}

/** A teacher's lesson text (a file, a drop or a URL's text): the worker parses it; errors change nothing. */
export function loadLessonText(text: string, source: string): void {
  const id = newRequestId();
  appStore.setState({ lessonLoadPending: id, lessonLoadErrors: [], lessonLoadNote: null });
  const unsub = appStore.subscribe((s) => {
    if (s.lessonLoadPending === id) return;
    unsub();
    const loaded = s.lessonLoadNote ? /"(.*)"/.exec(s.lessonLoadNote)?.[1] : null;
    if (!loaded) return;
    const files = readStoredJson<TeacherFile[]>(TEACHER_KEY, []).filter((f) => f.id !== loaded);
    writeStoredJson(TEACHER_KEY, [...files, { id: loaded, text, source }]);
  });
  post({ type: 'lesson-load', id, text, source });
}

export async function loadLessonUrl(url: string): Promise<void> {
  const u = url.trim();
  if (!u) return;
  try {
    const r = await fetch(u);
    if (!r.ok) throw new Error(`HTTP ${r.status} ${r.statusText}`);
    loadLessonText(await r.text(), u);
  } catch (e) {
    appStore.setState({ lessonLoadErrors: [`${u}: could not fetch it (${e instanceof Error ? e.message : String(e)})`], lessonLoadNote: null });
  }
}

/** Forgets a teacher's lesson (it stays in the worker until the reload). */
export function forgetTeacherLessons(): void {
  writeStoredJson(TEACHER_KEY, null);
}

const PANEL_AREA: Record<LessonPanel, string> = {
  savestate: 'save',
  cpus: 'cpus',
  handlers: 'handlers',
  smram: 'smram',
  timeline: 'timeline',
  terminal: 'term',
  editor: 'source',
  compare: 'compare',
  explain: 'explain',
};

/** Brings a panel into view and outlines it for a moment. */
export function focusPanel(panel: LessonPanel): void {
  if (panel === 'compare') return openCompare();
  showViewOf(panel);
  if (panel === 'terminal') focusTerminal();
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>(`.panel-${PANEL_AREA[panel]}`);
    if (!el) return;
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    el.classList.remove('lesson-flash');
    void el.offsetWidth;
    el.classList.add('lesson-flash');
    setTimeout(() => el.classList.remove('lesson-flash'), 1800);
  });
}

/** What a step's open blocks ask for: a panel, a CPU, a sample in the editor. */
export function applyOpenBlocks(step: LessonStep): void {
  for (const b of step.blocks) {
    if (b.kind !== 'open') continue;
    if (b.cpu !== null) {
      const n = appStore.getState().snapshot?.cpus.length ?? 0;
      if (b.cpu < n) selectCpu(b.cpu);
    }
    const sample = b.sample;
    if (sample) {
      const f = appStore.getState().editorFiles.find((x) => x.name.toLowerCase() === `${sample.toLowerCase()}.c`);
      if (f) setEditorTab(f.name);
      else termAppend('info', [`lesson: the sample ${sample} is not in this machine's firmware volume (platform ovmf --module ${sample} puts it there)`]);
    }
    if (b.panel) focusPanel(b.panel);
  }
}

/** The lesson step a URL asks for, if any. */
export function lessonFromHash(hash: string): { id: string; step: number } | null {
  const m = HASH_RE.exec(hash);
  return m ? { id: m[1], step: Math.max(1, Number(m[2] ?? 1)) - 1 } : null;
}

/**
 * On load: the teacher's remembered files, the list, then the lesson of the URL (or the one
 * the learner was in). The step is replayed from the lesson's start, unless the page restored
 * the very session the learner left there (the autosave): then it resumes without replaying, so
 * what the learner did by hand stays.
 */
export function installLessons(): () => void {
  for (const f of readStoredJson<TeacherFile[]>(TEACHER_KEY, [])) post({ type: 'lesson-load', id: newRequestId(), text: f.text, source: f.source });
  post({ type: 'lessons' });
  const current = readStoredJson<{ id: string; step: number } | null>(CURRENT_KEY, null);
  const asked = lessonFromHash(location.hash) ?? current;
  if (asked) {
    const saved = readStored(AUTOSAVE_KEY) !== null;
    const resume = saved && current !== null && current.id === asked.id && current.step === asked.step;
    openLesson(asked.id, asked.step, resume ? 'resume' : 'replay');
  }
  let lastAt = appStore.getState().lessonAt;
  let lastProgress = appStore.getState().lessonProgress;
  const unsub = appStore.subscribe((s) => {
    if (s.lessonProgress !== lastProgress) {
      lastProgress = s.lessonProgress;
      saveProgress(s.lessonProgress);
    }
    if (s.lessonAt === lastAt) return;
    lastAt = s.lessonAt;
    writeStoredJson(CURRENT_KEY, s.lessonAt);
    const base = `${location.pathname}${location.search}`;
    if (s.lessonAt) {
      history.replaceState(null, '', `${base}#lesson=${s.lessonAt.id}&step=${s.lessonAt.step + 1}`);
      const step = lessonById(s.lessonAt.id)?.steps[s.lessonAt.step];
      if (step) applyOpenBlocks(step);
    } else if (HASH_RE.test(location.hash)) history.replaceState(null, '', base);
  });
  const onHash = () => {
    const h = lessonFromHash(location.hash);
    const at = appStore.getState().lessonAt;
    if (h && (!at || at.id !== h.id || at.step !== h.step)) openLesson(h.id, h.step, 'replay');
  };
  window.addEventListener('hashchange', onHash);
  return () => {
    unsub();
    window.removeEventListener('hashchange', onHash);
  };
}
