/**
 * The check language of a lesson's questions (README "Lessons", "Checks"), parsed and evaluated
 * against the machine's real state:
 *
 *   state PATH OP VALUE      a field of `state --json` (console/StateJson.ts): `cpus[2].rax`,
 *                            `lastSmi.bsp`, `modules[name=SwDispatch2Depex].state`, `handlers.sw[-1].value`
 *   log contains "TEXT"      a firmware log (debugcon) line since the step began; or `log matches /RE/`
 *   output contains "TEXT"   a line the console printed since the step began; or `output matches /RE/`
 *
 * OP is ==, !=, contains, matches, <, <=, >, >=. VALUE is a JSON literal, a 0x.. number (compared
 * numerically with the "0x.." strings of `state --json`), a /regex/ (matches), or the learner's
 * answer: `answer` (as chosen or typed; "true", "false", "null" and a number equal the JSON value
 * they spell), `answer.cpu` ("CPU 2" gives 2), `answer.number` (a typed
 * "0x1F" or "31" gives 31).
 */

import type { Check, CheckOp, CheckValue, PathPart } from './Lesson';

export type CheckParse = { ok: true; check: Check } | { ok: false; error: string };

const OPS: readonly CheckOp[] = ['==', '!=', 'contains', 'matches', '<=', '>=', '<', '>'];

/** `name`, `.name`, `[3]`, `[-1]`, `[name=Foo]` or `[name="Foo Bar"]`, repeated. */
function parsePath(text: string): PathPart[] | string {
  const parts: PathPart[] = [];
  let i = 0;
  const ident = /^[A-Za-z_$][\w$-]*/;
  while (i < text.length) {
    const rest = text.slice(i);
    if (rest[0] === '[') {
      const end = rest.indexOf(']');
      if (end < 0) return `"[" without "]" in ${text}`;
      const inner = rest.slice(1, end).trim();
      if (/^-?\d+$/.test(inner)) parts.push({ kind: 'index', index: Number(inner) });
      else {
        const m = /^([A-Za-z_$][\w$]*)\s*=\s*(?:"([^"]*)"|([^"\]]*))$/.exec(inner);
        if (!m) return `"[${inner}]" is neither an index nor a [key=value] selector`;
        parts.push({ kind: 'select', key: m[1], value: (m[2] ?? m[3]).trim() });
      }
      i += end + 1;
      continue;
    }
    if (parts.length > 0) {
      if (rest[0] !== '.') return `expected "." or "[" at "${rest}" in ${text}`;
      i++;
    }
    const m = ident.exec(text.slice(i));
    if (!m) return `expected a field name at "${text.slice(i)}" in ${text}`;
    parts.push({ kind: 'field', name: m[0] });
    i += m[0].length;
  }
  return parts.length > 0 ? parts : 'an empty path';
}

function parseValue(text: string, op: CheckOp): CheckValue | string {
  const t = text.trim();
  if (t === '') return 'no value to compare with';
  const a = /^answer(?:\.(cpu|number))?$/.exec(t);
  if (a) return { kind: 'answer', part: (a[1] as 'cpu' | 'number' | undefined) ?? 'raw' };
  if (t.startsWith('answer')) return `"${t}": the answer is \`answer\`, \`answer.cpu\` or \`answer.number\``;
  const r = /^\/(.*)\/([imsu]*)$/.exec(t);
  if (r) {
    if (op !== 'matches') return `a /regex/ goes with \`matches\`, not \`${op}\``;
    try {
      new RegExp(r[1], r[2]);
    } catch (e) {
      return `bad regular expression /${r[1]}/: ${(e as Error).message}`;
    }
    return { kind: 'regex', source: r[1], flags: r[2] };
  }
  if (op === 'matches') return `\`matches\` takes a /regex/, not ${t}`;
  if (/^-?0x[0-9a-f]+$/i.test(t)) return { kind: 'literal', value: t, hex: true };
  try {
    const v: unknown = JSON.parse(t);
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { kind: 'literal', value: v, hex: false };
  } catch {
    /* reported below */
  }
  return `"${t}" is not a value (a JSON literal such as 3, "dispatched", true or null; a 0x.. number; a /regex/; or answer)`;
}

/** Parses one `check:` expression; the error says what is wrong in it. */
export function parseCheck(text: string): CheckParse {
  const t = text.trim();
  const m = /^(state|log|output)\s+(.*)$/.exec(t);
  if (!m) return { ok: false, error: `bad check "${t}": it starts with state, log or output` };
  const source = m[1] as 'state' | 'log' | 'output';
  const rest = m[2].trim();
  const bad = (why: string): CheckParse => ({ ok: false, error: `bad check "${t}": ${why}` });
  if (source === 'state') {
    const sp = /^(\S+)\s+(==|!=|<=|>=|<|>|contains|matches)\s+(.*)$/.exec(rest);
    if (!sp) return bad(`expected \`state PATH OP VALUE\` with OP one of ${OPS.join(', ')}`);
    const path = parsePath(sp[1]);
    if (typeof path === 'string') return bad(path);
    const op = sp[2] as CheckOp;
    const value = parseValue(sp[3], op);
    if (typeof value === 'string') return bad(value);
    return { ok: true, check: { source, text: t, path, pathText: sp[1], op, value } };
  }
  const lm = /^(contains|matches)\s+(.*)$/.exec(rest);
  if (!lm) return bad(`expected \`${source} contains "TEXT"\` or \`${source} matches /RE/\``);
  const op = lm[1] as 'contains' | 'matches';
  const value = parseValue(lm[2], op);
  if (typeof value === 'string') return bad(value);
  if (value.kind === 'literal' && typeof value.value !== 'string') return bad(`\`${source} contains\` takes a "quoted text"`);
  return { ok: true, check: { source, text: t, op, value } };
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** What a check is evaluated against: the state, the lines since the step began, the answer. */
export interface CheckContext {
  /** `state --json`'s object (console/StateJson.ts stateJson). */
  state: unknown;
  /** Firmware log lines since the step began. */
  log: readonly string[];
  /** Console output lines since the step began. */
  output: readonly string[];
  /** What the learner chose or typed (null for a `do` question). */
  answer: string | null;
}

export interface CheckResult {
  ok: boolean;
  /** The check as written. */
  check: string;
  /** In words, what was found (when it failed: why). */
  detail: string;
}

/** The CPU an answer names: "CPU 2", "cpu2", "#2", "2". */
export function answerCpu(answer: string): number | null {
  const m = /^\s*(?:cpu\s*)?#?\s*(\d+)\s*$/i.exec(answer);
  return m ? Number(m[1]) : null;
}

/** The number an answer holds: "0x1F", "31", "1fh" is not one. */
export function answerNumber(answer: string): bigint | null {
  return toBig(answer.trim());
}

/** A number or a numeric string ("0x1F", "31", "-2") as a BigInt; null when it is not one. */
function toBig(v: unknown): bigint | null {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : null;
  if (typeof v === 'bigint') return v;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (/^-?0x[0-9a-f]+$/i.test(t)) return t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t);
  if (/^-?\d+$/.test(t)) return BigInt(t);
  return null;
}

const show = (v: unknown): string => (v === undefined ? 'not there' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

/** Follows a path into a JSON value; undefined when a step is not there. */
export function followPath(root: unknown, path: readonly PathPart[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || v === undefined) return undefined;
    if (p.kind === 'field') {
      if (typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, p.name)) return undefined;
      v = (v as Record<string, unknown>)[p.name];
    } else if (p.kind === 'index') {
      if (!Array.isArray(v)) return undefined;
      v = v[p.index < 0 ? v.length + p.index : p.index];
    } else {
      if (!Array.isArray(v)) return undefined;
      const key = (x: unknown) => (x !== null && typeof x === 'object' && Object.hasOwn(x, p.key) ? String((x as Record<string, unknown>)[p.key]) : undefined);
      v = v.find((x) => key(x) === p.value) ?? v.find((x) => key(x)?.toLowerCase() === p.value.toLowerCase());
    }
  }
  return v;
}

/** The value a check compares with, or why there is none (an answer that names no CPU). */
function expected(value: CheckValue, answer: string | null): { v: unknown; numeric: boolean } | { error: string } {
  if (value.kind === 'literal') return { v: value.value, numeric: value.hex || typeof value.value === 'number' };
  if (value.kind === 'regex') return { v: new RegExp(value.source, value.flags), numeric: false };
  if (answer === null) return { error: 'there is no answer to compare with' };
  if (value.part === 'raw') return { v: answer.trim(), numeric: toBig(answer) !== null };
  if (value.part === 'cpu') {
    const c = answerCpu(answer);
    return c === null ? { error: `"${answer}" names no CPU` } : { v: c, numeric: true };
  }
  const n = answerNumber(answer);
  return n === null ? { error: `"${answer}" is not a number (type 0x.. hex or decimal)` } : { v: n, numeric: true };
}

/** A decimal number as typed ("31", "-2", "1.5", "2e3"), or null. */
function decimalNumber(text: string): number | null {
  return /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(text) ? Number(text) : null;
}

/**
 * Equality as a teacher means it: numbers and "0x.." strings by value, strings exactly (an answer
 * ignoring case and the spaces around it). An answer is text, so it also equals the JSON value it
 * spells: "true" / "false" a boolean, "null" null, "1.5" or "31" a number.
 */
function same(actual: unknown, want: unknown, numeric: boolean, loose: boolean): boolean {
  if (numeric) {
    const a = toBig(actual);
    const b = toBig(want);
    if (a !== null && b !== null) return a === b;
  }
  if (loose && typeof want === 'string' && typeof actual !== 'string') {
    const w = want.trim().toLowerCase();
    if (typeof actual === 'boolean') return w === String(actual);
    if (actual === null) return w === 'null';
    if (typeof actual === 'number') return decimalNumber(w) === actual;
  }
  if (typeof actual === 'string' && typeof want === 'string') return loose ? actual.trim().toLowerCase() === want.toLowerCase() : actual === want;
  if (typeof want === 'bigint') return false;
  return actual === want;
}

function compare(op: CheckOp, actual: unknown, want: unknown, numeric: boolean, loose: boolean): boolean {
  switch (op) {
    case '==':
      return same(actual, want, numeric, loose);
    case '!=':
      return !same(actual, want, numeric, loose);
    case 'contains':
      if (Array.isArray(actual)) return actual.some((x) => same(x, want, numeric, loose) || (x !== null && typeof x === 'object' && typeof want === 'string' && JSON.stringify(x).includes(want)));
      if (typeof actual === 'string') return actual.includes(String(want));
      return false;
    case 'matches':
      return want instanceof RegExp && actual !== undefined && want.test(typeof actual === 'string' ? actual : JSON.stringify(actual));
    default: {
      const a = toBig(actual);
      const b = toBig(want);
      if (a === null || b === null) return false;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

/** Evaluates one check; `detail` says in words what was found. */
export function evaluateCheck(check: Check, ctx: CheckContext): CheckResult {
  const fail = (detail: string): CheckResult => ({ ok: false, check: check.text, detail });
  const e = expected(check.value, ctx.answer);
  if ('error' in e) return fail(e.error);
  const loose = check.value.kind === 'answer';
  if (check.source === 'state') {
    const actual = followPath(ctx.state, check.path);
    if (actual === undefined) return fail(`${check.pathText} is not there in \`state --json\``);
    const ok = compare(check.op, actual, e.v, e.numeric, loose);
    const want = e.v instanceof RegExp ? String(e.v) : typeof e.v === 'bigint' ? `0x${e.v.toString(16).toUpperCase()} (${e.v})` : show(e.v);
    return { ok, check: check.text, detail: `${check.pathText} is ${show(actual)}${ok ? '' : `; the check wants ${check.op} ${want}`}` };
  }
  const lines = check.source === 'log' ? ctx.log : ctx.output;
  const what = check.source === 'log' ? 'firmware log' : 'console output';
  const hit = lines.find((l) => (e.v instanceof RegExp ? e.v.test(l) : l.includes(String(e.v))));
  if (hit !== undefined) return { ok: true, check: check.text, detail: `the ${what} has "${hit}"` };
  return fail(`no line of the ${what} since this step began ${check.op === 'matches' ? 'matches' : 'contains'} ${e.v instanceof RegExp ? String(e.v) : JSON.stringify(e.v)} (${lines.length} line(s) looked at)`);
}

/** Every check of a question, in order; the answer is right when all hold. */
export function evaluateChecks(checks: readonly Check[], ctx: CheckContext): { ok: boolean; results: CheckResult[] } {
  const results = checks.map((c) => evaluateCheck(c, ctx));
  return { ok: results.every((r) => r.ok), results };
}
