/** `break FILE.c:LINE`: a line of a loaded SMM-C module, moved to the first line at or after it that starts a statement (as gdb does). */

import { cModuleOf } from '../cdriver/CRun';
import type { BreakpointSpec } from '../debug/Breakpoints';
import type { Debugger } from '../debug/Debugger';
import { ConsoleError } from './ConsoleArgs';

export function cSourceLine(s: Debugger, file: string, line: number): BreakpointSpec {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const lines = new Set<number>();
  let found = false;
  const known: string[] = [];
  for (const def of s.m.defs.values()) {
    const code = cModuleOf(def);
    if (!code) continue;
    const image = code.image(0x10000000);
    for (const fn of image.functions) {
      for (let i = 0; i < fn.locs.length; i++) {
        const loc = fn.locs[i];
        if (!known.includes(loc.file.name)) known.push(loc.file.name);
        if (loc.file.name.toLowerCase() !== name.toLowerCase()) continue;
        found = true;
        if (fn.stmtStart[i] === 1) lines.add(loc.line);
      }
    }
  }
  if (!found) throw new ConsoleError(known.length ? `${name}: not a source file of a loaded module (they are: ${known.join(', ')})` : `${name}: no SMM-C module is loaded (\`load\` one first)`);
  const at = [...lines].filter((l) => l >= line).sort((a, b) => a - b)[0];
  if (at === undefined) throw new ConsoleError(`${name}:${line}: no statement at or after this line`);
  const fileName = [...known].find((k) => k.toLowerCase() === name.toLowerCase())!;
  return { kind: 'line', file: fileName, line: at };
}
