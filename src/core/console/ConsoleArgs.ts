/**
 * Reading a console line: words, --flags, numbers, and a cache of the lines parsed lately (a
 * script or a UI repeats the same few). Console.ts runs what this reads.
 */

import { hex } from '../pi/Fw';

export class ConsoleError extends Error {}

/** Positional words and --flags (a flag takes the next word as its value unless it is boolean). */
export interface Args {
  pos: string[];
  flags: Map<string, string[]>;
}

const BOOLEAN_FLAGS = new Set(['raw', 'run', 'json', 'v3', 'all']);

function parseArgs(words: string[]): Args {
  const pos: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('--')) {
      const name = w.slice(2);
      if (!name) throw new ConsoleError('"--" needs a flag name');
      const list = flags.get(name) ?? [];
      if (BOOLEAN_FLAGS.has(name)) list.push('');
      else {
        if (i + 1 >= words.length) throw new ConsoleError(`--${name} needs a value`);
        list.push(words[++i]);
      }
      flags.set(name, list);
    } else pos.push(w);
  }
  return { pos, flags };
}

/** Numbers parsed lately, by their text (a script repeats the same few). */
const NUMBERS = new Map<string, number>();

export function parseNumber(text: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  let v = NUMBERS.get(text);
  if (v === undefined) {
    const t = text.trim();
    if (/^0x[0-9a-f]+$/i.test(t)) v = parseInt(t.slice(2), 16);
    else if (/^[0-9]+$/.test(t)) v = parseInt(t, 10);
    else throw new ConsoleError(`${what}: "${text}" is not a number (use 0x.. hex or decimal)`);
    if (NUMBERS.size >= 1024) NUMBERS.clear();
    NUMBERS.set(text, v);
  }
  if (!Number.isSafeInteger(v) || v > max) throw new ConsoleError(`${what}: ${text} is out of range (max ${hex(max)})`);
  return v;
}

export function flag(a: Args, name: string): string | undefined {
  const v = a.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function checkFlags(a: Args, allowed: string[]): void {
  for (const k of a.flags.keys()) if (!allowed.includes(k)) throw new ConsoleError(`unknown flag --${k} (allowed: ${allowed.map((x) => '--' + x).join(' ') || 'none'})`);
}

export function checkPositional(a: Args, min: number, max: number, usage: string): void {
  if (a.pos.length < min || a.pos.length > max) throw new ConsoleError(`usage: ${usage}`);
}

export function tokenize(line: string): string[] {
  return line.trim().split(/\s+/).filter(Boolean);
}

/** Lines parsed lately (a script or a UI repeats the same few): name and arguments (frozen), or why they do not parse. */
const PARSED = new Map<string, ParsedLine | null>();

export interface ParsedLine {
  name: string;
  /** The name in lower case: the key into COMMANDS. */
  key: string;
  args: Args | ConsoleError;
}

export function parseLine(line: string): ParsedLine | null {
  let p = PARSED.get(line);
  if (p !== undefined) return p;
  const words = tokenize(line.replace(/#.*$/, ''));
  if (words.length === 0) p = null;
  else {
    const [name, ...rest] = words;
    let args: Args | ConsoleError;
    try {
      const a = parseArgs(rest);
      for (const v of a.flags.values()) Object.freeze(v);
      args = { pos: Object.freeze(a.pos) as string[], flags: a.flags };
    } catch (e) {
      if (!(e instanceof ConsoleError)) throw e;
      args = e;
    }
    p = { name, key: name.toLowerCase(), args };
  }
  if (PARSED.size >= 256) PARSED.clear();
  PARSED.set(line, p);
  return p;
}

/** Commands that only read state (they are not part of a session's history). */
const READ_ONLY_COMMANDS = new Set(['help', 'in', 'cpus', 'regs', 'savestate', 'x', 'handlers', 'protocols', 'modules', 'variables', 'state']);

/** Whether the line runs a command that only reads state. */
export function isReadOnlyLine(line: string): boolean {
  const p = parseLine(line);
  if (p === null) return false;
  // `smis` reads; `smis open N` goes back in the session.
  if (p.key === 'smis') return p.args instanceof ConsoleError || p.args.pos[0] !== 'open';
  return READ_ONLY_COMMANDS.has(p.key);
}
