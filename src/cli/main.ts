/**
 * `smiscope run FILE|-`: runs a script of console lines against a fresh default platform and
 * prints what the page's terminal would (firmware serial lines included, prefixed "serial| ").
 * Exits 1 with the line number on the first bad line, 2 on usage errors.
 */

import { readFileSync } from 'node:fs';
import { Session } from '../core/console/Session';

function usage(): never {
  process.stderr.write('usage: smiscope run FILE   (FILE = - for standard input)\n       smiscope help\n');
  process.exit(2);
}

export function runScript(text: string, write: (s: string) => void): number {
  const session = Session.create();
  const flushLog = () => {
    for (const l of session.drainLog().lines) write(`serial| ${l}\n`);
  };
  flushLog();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim() || line.trim().startsWith('#')) continue;
    write(`smiscope> ${line.trim()}\n`);
    const r = session.exec(line);
    flushLog();
    for (const l of r.lines) write(l + '\n');
    while (session.busy()) {
      const more = session.runSlice(50_000);
      flushLog();
      for (const l of more.lines) write(l + '\n');
    }
    if (r.error) {
      process.stderr.write(`smiscope: line ${i + 1}: ${r.lines.join(' ')}\n`);
      return 1;
    }
  }
  return 0;
}

function main(argv: string[]): void {
  const [cmd, file] = argv;
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const s = Session.create();
    process.stdout.write(s.exec('help').lines.join('\n') + '\n');
    return;
  }
  if (cmd !== 'run' || !file || argv.length > 2) usage();
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`smiscope: cannot read ${file}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const out: string[] = [];
  const code = runScript(text, (s) => out.push(s));
  process.stdout.write(out.join(''));
  process.exitCode = code;
}

main(process.argv.slice(2));
