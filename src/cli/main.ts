/**
 * `smiscope run FILE|- [--log-prefix serial|debugcon]`: runs a script of console lines against a
 * fresh default platform and prints what the page's terminal would, firmware debugcon log lines
 * included (prefixed "serial| " unless --log-prefix debugcon). Exits 1 with the line number on
 * the first bad line, 2 on usage errors.
 * `smiscope compare A B SCRIPT`: the script on two platforms, aligned (src/cli/compare.ts).
 * `smiscope lesson FILE.md`: a lesson file's errors, and its console lines run step by step (src/cli/lesson.ts).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Workspace } from '../core/cdriver/CModule';
import { clampColumns } from '../core/console/Columns';
import { Session } from '../core/console/Session';
import { COMPARE_USAGE, compareCli } from './compare';
import { lessonCli } from './lesson';
import { parseRunArgs, runScript } from './run';

function usage(): never {
  process.stderr.write(
    'usage: smiscope run FILE [--log-prefix serial|debugcon]   (FILE = - for standard input)\n' +
      '       smiscope compare A B SCRIPT   (the script on two platforms, aligned; `smiscope compare` alone explains)\n' +
      '       smiscope lesson FILE.md   (checks a lesson file: its errors with their lines, then every step run)\n' +
      '       smiscope help\n' +
      '  Firmware lines are the debugcon log (OVMF DEBUG output on I/O port 0x402), prefixed "serial| "\n' +
      '  by default, or "debugcon| " with --log-prefix debugcon.\n',
  );
  process.exit(2);
}

/** The terminal's width when stdout is one: output is laid out for it (otherwise the 100-column layout). */
const ttyColumns = process.stdout.isTTY ? process.stdout.columns : undefined;

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const s = Session.create();
    if (ttyColumns !== undefined) s.columns = clampColumns(ttyColumns);
    process.stdout.write(s.exec('help').lines.join('\n') + '\n');
    process.stdout.write(['', 'CLI, besides this console language:', '       smiscope run FILE [--log-prefix serial|debugcon]   runs a script (FILE - is stdin)', '       smiscope lesson FILE.md   checks a lesson file (errors with their lines, then every step run)', ...COMPARE_USAGE.map((l) => l.replace(/^usage: /, '       '))].join('\n') + '\n');
    return;
  }
  if (cmd === 'lesson' && rest.length === 1) {
    let text: string;
    try {
      text = readFileSync(rest[0], 'utf8');
    } catch (e) {
      process.stderr.write(`smiscope: cannot read ${rest[0]}: ${(e as Error).message}\n`);
      process.exit(2);
    }
    process.exitCode = lessonCli(text, rest[0], (s) => process.stdout.write(s));
    return;
  }
  if (cmd === 'compare') {
    process.exitCode = compareCli(rest, {
      read: (f) => {
        try {
          return { text: f === '-' ? readFileSync(0, 'utf8') : readFileSync(f, 'utf8') };
        } catch (e) {
          return { error: (e as Error).message };
        }
      },
      out: (s) => process.stdout.write(s),
      err: (s) => process.stderr.write(s),
      ttyColumns,
      workspace: (f) => fsWorkspace(f === '-' ? process.cwd() : dirname(resolve(f))),
    });
    return;
  }
  const args = cmd === 'run' ? parseRunArgs(rest) : null;
  if (!args) usage();
  const { file, logPrefix } = args;
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`smiscope: cannot read ${file}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const out: string[] = [];
  const code = runScript(text, (s) => out.push(s), logPrefix, ttyColumns, fsWorkspace(file === '-' ? process.cwd() : dirname(resolve(file))));
  process.stdout.write(out.join(''));
  process.exitCode = code;
}

main(process.argv.slice(2));

/** `load` in a script reads files relative to the script's folder (standard input: the current one). */
function fsWorkspace(base: string): Workspace {
  return {
    read: (p) => {
      try {
        return readFileSync(resolve(base, p), 'utf8');
      } catch {
        return null;
      }
    },
    list: () => {
      try {
        return readdirSync(base, { recursive: true }).map(String).filter((n) => /\.(c|h|inf)$/i.test(n));
      } catch {
        return [];
      }
    },
  };
}
