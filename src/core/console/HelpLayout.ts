/**
 * `help` in a narrow terminal: each command's name, and the first sentence of what it does
 * wrapped under itself; `help CMD` gives the usage and the whole text.
 */

import { hanging, wrap } from './Columns';
import type { CommandTable } from './CommandShared';

/** The text up to the end of its first sentence (a period before a space; "e.g." and "i.e." do not end one). */
export function firstSentence(text: string): string {
  const first = text.split('\n')[0];
  const m = /(?<!\b(?:e\.g|i\.e|etc|vs))\.(?=\s)/.exec(first);
  return m ? first.slice(0, m.index + 1) : first;
}

export function narrowHelp(commands: CommandTable, cols: number): string[] {
  const names = Object.keys(commands);
  const at = Math.max(...names.map((n) => n.length)) + 2;
  const out: string[] = [];
  for (const n of names) out.push(...hanging(n, at, firstSentence(commands[n].help), cols, 16, 2));
  out.push(...wrap('`help CMD` shows its usage and all of its text.', cols, 2));
  return out;
}
