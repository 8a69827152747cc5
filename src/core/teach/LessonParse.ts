/**
 * The lesson file format v1 (README "Lessons: the file format"): front matter between `---` lines,
 * optional intro Markdown, one step per `## ` heading, and fenced blocks in a step:
 * ```console (lines of the console language), ```open (panel / cpu / sample), ```question
 * (kind / prompt / choices / check / hint / reveal) and ```c / ```text (code shown, never run).
 * Every error names its line; a file with any error gives no lesson at all.
 */

import { SHIPPED_SAMPLES } from '../cdriver/ShippedSamples';
import { COMMAND_NAMES, ConsoleError } from '../console/Console';
import { parseLine } from '../console/ConsoleArgs';
import { MAX_CPUS } from '../profiles/ovmf';
import { isPlatformName, PLATFORM_NAMES } from '../profiles/Platforms';
import {
  type Check,
  type Lesson,
  type LessonBlock,
  type LessonError,
  LESSON_LEVELS,
  LESSON_PANELS,
  type LessonLevel,
  type LessonPanel,
  type LessonParseResult,
  type LessonStep,
  MAX_STEPS,
  QUESTION_KINDS,
  type QuestionKind,
} from './Lesson';
import { parseCheck } from './LessonCheck';

const FRONT_KEYS = ['id', 'title', 'summary', 'platform', 'level', 'minutes', 'order'] as const;
const QUESTION_KEYS = ['kind', 'prompt', 'choices', 'check', 'hint', 'reveal'] as const;
const OPEN_KEYS = ['panel', 'cpu', 'sample'] as const;
/** Fenced blocks shown as code and never run. */
const CODE_KINDS = ['c', 'h', 'inf', 'text', 'log', 'json'];
const BLOCK_KINDS = ['console', 'open', 'question', ...CODE_KINDS];

const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

interface KeyLine {
  key: string;
  value: string;
  line: number;
}

/**
 * `key: value` lines; an indented line continues the value above it (long prompts and reveals).
 * Blank lines and `#` comment lines are skipped; with `comments` (the front matter, open blocks,
 * whose values never hold one) a " # ..." after a value is a comment too.
 */
function keyLines(lines: string[], firstLine: number, what: string, errors: LessonError[], comments = false): KeyLine[] {
  const out: KeyLine[] = [];
  lines.forEach((raw, i) => {
    const line = firstLine + i;
    if (raw.trim() === '' || raw.trim().startsWith('#')) return;
    if (/^\s/.test(raw) && out.length > 0) {
      const last = out[out.length - 1];
      last.value = last.value === '' ? raw.trim() : `${last.value} ${raw.trim()}`;
      return;
    }
    const m = /^([A-Za-z][\w-]*)\s*:(.*)$/.exec(raw);
    if (!m) {
      errors.push({ line, message: `expected "key: value" in ${what}, found "${raw.trim()}"` });
      return;
    }
    out.push({ key: m[1], value: (comments ? m[2].replace(/\s+#\s.*$/, '') : m[2]).trim(), line });
  });
  return out;
}

function parseFrontMatter(lines: string[], errors: LessonError[]): { meta: Partial<Lesson> & { idLine: number }; bodyStart: number } | null {
  if ((lines[0] ?? '').trim() !== '---') {
    errors.push({ line: 1, message: 'a lesson starts with front matter: a line "---", then "key: value" lines (id, title, summary, ...), then "---"' });
    return null;
  }
  const close = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (close < 0) {
    errors.push({ line: 1, message: 'the front matter has no closing "---" line' });
    return null;
  }
  const meta: Partial<Lesson> & { idLine: number } = { idLine: 1 };
  const seen = new Set<string>();
  for (const { key, value, line } of keyLines(lines.slice(1, close), 2, 'the front matter', errors, true)) {
    if (!(FRONT_KEYS as readonly string[]).includes(key)) {
      errors.push({ line, message: `unknown front matter key "${key}" (keys: ${FRONT_KEYS.join(', ')})` });
      continue;
    }
    if (seen.has(key)) {
      errors.push({ line, message: `front matter key "${key}" given twice` });
      continue;
    }
    seen.add(key);
    if (value === '' ) {
      errors.push({ line, message: `front matter key "${key}" has no value` });
      continue;
    }
    switch (key) {
      case 'id':
        if (!ID_RE.test(value)) errors.push({ line, message: `bad id "${value}": use lower-case letters, digits and "-" (it goes into the URL: #lesson=ID)` });
        meta.id = value;
        meta.idLine = line;
        break;
      case 'title':
        meta.title = value;
        break;
      case 'summary':
        meta.summary = value;
        break;
      case 'platform': {
        const args = value.replace(/^platform\s+/, '');
        const p = parseLine(`platform ${args}`);
        const name = p && !(p.args instanceof ConsoleError) ? p.args.pos[0] : undefined;
        if (!p || p.args instanceof ConsoleError) errors.push({ line, message: `bad platform line "${value}": ${p?.args instanceof ConsoleError ? p.args.message : 'empty'}` });
        else if (!name || !isPlatformName(name)) errors.push({ line, message: `unknown platform "${name ?? ''}" (available: ${PLATFORM_NAMES.join(', ')})` });
        meta.platform = args;
        break;
      }
      case 'level':
        if (!(LESSON_LEVELS as readonly string[]).includes(value)) errors.push({ line, message: `unknown level "${value}" (levels: ${LESSON_LEVELS.join(', ')})` });
        meta.level = value as LessonLevel;
        break;
      case 'minutes':
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 600) errors.push({ line, message: `minutes "${value}" is not a whole number of minutes (1..600)` });
        meta.minutes = Number(value);
        break;
      case 'order':
        if (!/^-?\d{1,6}$/.test(value)) errors.push({ line, message: `order "${value}" is not a whole number (the lesson's place in the course: 1, 2, ...)` });
        meta.order = Number(value);
        break;
    }
  }
  for (const k of ['id', 'title', 'summary'] as const) {
    if (!seen.has(k)) errors.push({ line: close + 1, message: `the front matter has no "${k}" (required: id, title, summary)` });
  }
  return { meta, bodyStart: close + 1 };
}

function parseConsole(info: string, body: string[], line: number, errors: LessonError[]): LessonBlock | null {
  let run: 'auto' | 'button' = 'auto';
  const im = /^console(?:\s+run\s*[=:]\s*(\S+))?\s*$/.exec(info);
  if (!im) errors.push({ line, message: `bad console block header "\`\`\`${info}" (write \`\`\`console, and "run: button" as the block's first line for a Run button)` });
  else if (im[1] !== undefined) {
    if (im[1] !== 'auto' && im[1] !== 'button') errors.push({ line, message: `run "${im[1]}": choose auto or button` });
    else run = im[1];
  }
  const lines: string[] = [];
  body.forEach((raw, i) => {
    const at = line + 1 + i;
    const t = raw.trim();
    if (t === '') return;
    const d = /^run\s*:\s*(.*)$/.exec(t);
    if (d) {
      if (d[1] !== 'auto' && d[1] !== 'button') errors.push({ line: at, message: `run "${d[1]}": choose auto or button` });
      else run = d[1];
      return;
    }
    const p = parseLine(t);
    if (p === null) return; // a comment line
    if (!COMMAND_NAMES.includes(p.key)) errors.push({ line: at, message: `unknown console command "${p.name}" (the console language's commands: see \`help\`)` });
    else if (p.args instanceof ConsoleError) errors.push({ line: at, message: `bad console line "${t}": ${p.args.message}` });
    else lines.push(t);
  });
  if (lines.length === 0 && !errors.some((e) => e.line > line && e.line <= line + body.length + 1)) errors.push({ line, message: 'an empty console block' });
  return { kind: 'console', lines, run, line };
}

function parseOpen(body: string[], line: number, errors: LessonError[]): LessonBlock {
  const block = { kind: 'open' as const, panel: null as LessonPanel | null, cpu: null as number | null, sample: null as string | null, line };
  const seen = new Set<string>();
  for (const { key, value, line: at } of keyLines(body, line + 1, 'an open block', errors, true)) {
    if (!(OPEN_KEYS as readonly string[]).includes(key)) {
      errors.push({ line: at, message: `unknown key "${key}" in an open block (keys: ${OPEN_KEYS.join(', ')})` });
      continue;
    }
    if (seen.has(key)) errors.push({ line: at, message: `key "${key}" given twice in an open block` });
    seen.add(key);
    if (key === 'panel') {
      if (!(LESSON_PANELS as readonly string[]).includes(value)) errors.push({ line: at, message: `unknown panel "${value}" (panels: ${LESSON_PANELS.join(', ')})` });
      else block.panel = value as LessonPanel;
    } else if (key === 'cpu') {
      if (!/^\d+$/.test(value) || Number(value) >= MAX_CPUS) errors.push({ line: at, message: `cpu "${value}" is not a CPU index (0..${MAX_CPUS - 1})` });
      else block.cpu = Number(value);
    } else {
      const name = Object.keys(SHIPPED_SAMPLES).find((n) => n.toLowerCase() === value.toLowerCase());
      if (!name) errors.push({ line: at, message: `unknown sample "${value}" (shipped: ${Object.keys(SHIPPED_SAMPLES).join(', ')})` });
      else block.sample = name;
    }
  }
  if (seen.size === 0) errors.push({ line, message: 'an empty open block (keys: panel, cpu, sample)' });
  if (block.sample && block.panel && block.panel !== 'editor') errors.push({ line, message: `a sample opens in the editor, not in panel "${block.panel}"` });
  if (block.sample) block.panel = 'editor';
  return block;
}

function parseQuestion(body: string[], line: number, errors: LessonError[]): LessonBlock {
  const q = { kind: 'choice' as QuestionKind, prompt: '', choices: [] as string[], checks: [] as Check[], hint: null as string | null, reveal: '', line };
  const seen = new Map<string, number>();
  let checkLines = 0;
  let answerLine = 0;
  let kindOk = false;
  for (const { key, value, line: at } of keyLines(body, line + 1, 'a question block', errors)) {
    if (!(QUESTION_KEYS as readonly string[]).includes(key)) {
      errors.push({ line: at, message: `unknown key "${key}" in a question block (keys: ${QUESTION_KEYS.join(', ')})` });
      continue;
    }
    if (key !== 'check' && seen.has(key)) {
      errors.push({ line: at, message: `key "${key}" given twice in a question block` });
      continue;
    }
    seen.set(key, at);
    switch (key) {
      case 'kind':
        if (!(QUESTION_KINDS as readonly string[]).includes(value)) errors.push({ line: at, message: `unknown question kind "${value}" (kinds: ${QUESTION_KINDS.join(', ')})` });
        else {
          q.kind = value as QuestionKind;
          kindOk = true;
        }
        break;
      case 'prompt':
        q.prompt = value;
        break;
      case 'choices':
        q.choices = value.split('|').map((c) => c.trim()).filter((c) => c !== '');
        break;
      case 'check': {
        checkLines++;
        const c = parseCheck(value);
        if (!c.ok) errors.push({ line: at, message: c.error });
        else {
          q.checks.push(c.check);
          if (c.check.value.kind === 'answer' && !answerLine) answerLine = at;
        }
        break;
      }
      case 'hint':
        q.hint = value;
        break;
      case 'reveal':
        q.reveal = value;
        break;
    }
  }
  if (!seen.has('kind')) errors.push({ line, message: `a question without a kind (kinds: ${QUESTION_KINDS.join(', ')})` });
  if (!q.prompt) errors.push({ line, message: 'a question without a prompt' });
  if (checkLines === 0) errors.push({ line, message: 'a question without a check (e.g. "check: state lastSmi.bsp == answer.cpu")' });
  if (!q.reveal) errors.push({ line, message: 'a question without a reveal (the explanation shown once it is answered)' });
  if (kindOk && q.kind === 'choice' && q.choices.length < 2) errors.push({ line: seen.get('choices') ?? line, message: 'a choice question without choices (at least two: "choices: CPU 0 | CPU 1")' });
  if (kindOk && q.kind !== 'choice' && seen.has('choices')) errors.push({ line: seen.get('choices')!, message: `choices belong to a choice question, not a ${q.kind} question` });
  if (kindOk && q.kind === 'do' && answerLine) errors.push({ line: answerLine, message: 'a do question has no answer to compare with: check the state, the log or the output' });
  return { kind: 'question', question: q, line };
}

/** Parses one lesson file. `sourceName` names it in errors (`first-smi.md:14: ...`). */
export function parseLesson(text: string, sourceName: string): LessonParseResult {
  const errors: LessonError[] = [];
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const front = parseFrontMatter(lines, errors);
  if (!front) return { ok: false, errors };

  const intro: string[] = [];
  const steps: LessonStep[] = [];
  let step: LessonStep | null = null;
  let text_: { start: number; lines: string[] } | null = null;
  const flush = () => {
    if (text_ && step) {
      const md = text_.lines.join('\n').trim();
      if (md) step.blocks.push({ kind: 'text', markdown: md, line: text_.start });
    }
    text_ = null;
  };

  for (let i = front.bodyStart; i < lines.length; i++) {
    const raw = lines[i];
    const line = i + 1;
    const h = /^##(?!#)\s*(.*)$/.exec(raw);
    if (h) {
      flush();
      const title = h[1].replace(/\s+#+\s*$/, '').trim();
      if (!title) errors.push({ line, message: 'a step heading without a title' });
      step = { title, line, blocks: [] };
      steps.push(step);
      if (steps.length === MAX_STEPS + 1) errors.push({ line, message: `more than ${MAX_STEPS} steps` });
      continue;
    }
    const f = /^(`{3,}|~{3,})\s*(.*)$/.exec(raw);
    if (f) {
      flush();
      const fence = f[1];
      const info = f[2].trim();
      const kind = info.split(/\s+/)[0] || 'text';
      const end = lines.findIndex((l, j) => j > i && l.trim().startsWith(fence[0].repeat(fence.length)) && l.trim().replace(/[`~]/g, '') === '');
      if (end < 0) {
        errors.push({ line, message: `the \`\`\`${info} block is never closed (a line "${fence}" ends it)` });
        break;
      }
      const body = lines.slice(i + 1, end);
      i = end;
      if (!BLOCK_KINDS.includes(kind)) {
        errors.push({ line, message: `unknown fenced block kind "${kind}" (kinds: console, open, question; ${CODE_KINDS.join(', ')} are shown as code)` });
        continue;
      }
      if (!step) {
        if (CODE_KINDS.includes(kind)) intro.push(...lines.slice(line - 1, end + 1));
        else errors.push({ line, message: `a ${kind} block before the first step: steps start at "## " headings` });
        continue;
      }
      if (kind === 'console') {
        const b = parseConsole(info, body, line, errors);
        if (b) step.blocks.push(b);
      } else if (kind === 'open') step.blocks.push(parseOpen(body, line, errors));
      else if (kind === 'question') {
        if (step.blocks.some((b) => b.kind === 'question')) errors.push({ line, message: `step "${step.title}" already has a question (one question per step)` });
        step.blocks.push(parseQuestion(body, line, errors));
      } else step.blocks.push({ kind: 'code', lang: kind, text: body.join('\n'), line });
      continue;
    }
    if (!step) {
      intro.push(raw);
      continue;
    }
    if (!text_) {
      if (raw.trim() === '') continue;
      text_ = { start: line, lines: [] };
    }
    text_.lines.push(raw);
  }
  flush();

  const unclosed = errors.some((e) => /never closed/.test(e.message));
  if (steps.length === 0 && !unclosed) errors.push({ line: 0, message: 'the lesson has no steps (each "## " heading starts one)' });
  for (const s of unclosed ? [] : steps) {
    if (s.title && !s.blocks.some((b) => b.kind === 'text')) errors.push({ line: s.line, message: `step "${s.title}" has no text (say what the step shows, before or after its blocks)` });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  const m = front.meta;
  return {
    ok: true,
    lesson: {
      id: m.id!,
      title: m.title!,
      summary: m.summary!,
      platform: m.platform ?? null,
      level: m.level ?? null,
      minutes: m.minutes ?? null,
      order: m.order ?? null,
      intro: intro.join('\n').trim(),
      steps,
      source: sourceName,
      idLine: m.idLine,
    },
  };
}

/** Errors of a set of lessons read together (the shipped ones): two files with one id. */
export function checkLessonSet(lessons: readonly Lesson[]): string[] {
  const first = new Map<string, Lesson>();
  const out: string[] = [];
  for (const l of lessons) {
    const prev = first.get(l.id);
    if (prev) out.push(`${l.source}:${l.idLine}: duplicate lesson id "${l.id}" (also in ${prev.source}:${prev.idLine})`);
    else first.set(l.id, l);
  }
  return out;
}
