/**
 * The CLI's script runner (src/cli/main.ts is the command line around it). Firmware log lines are
 * the debugcon log: what OVMF's DebugLib (PlatformDebugLibIoPort) writes to QEMU's debugcon, I/O
 * port 0x402. They are prefixed "serial| " by default (the prefix scripts have always matched) or
 * "debugcon| " with `--log-prefix debugcon`. A blank firmware line prints as the bare prefix.
 */

import { clampColumns } from '../core/console/Columns';
import { Session } from '../core/console/Session';
import type { Workspace } from '../core/cdriver/CModule';

/** Prefixes of firmware log lines: `serial` is the default, kept for existing scripts. */
export const LOG_PREFIXES = { serial: 'serial| ', debugcon: 'debugcon| ' } as const;
export type LogPrefix = keyof typeof LOG_PREFIXES;

/**
 * `columns`: the width console output is laid out for (the TTY's when stdout is one); without
 * it, 100, the wide layout scripts have always matched.
 */
export function runScript(text: string, write: (s: string) => void, logPrefix: LogPrefix = 'serial', columns?: number, workspace?: Workspace): number {
  const prefix = LOG_PREFIXES[logPrefix];
  const session = Session.create();
  session.setMapMarks(false); // nobody views a script's session: no changed-byte marks to keep
  if (workspace) session.workspace = workspace;
  if (columns !== undefined) session.columns = clampColumns(columns);
  const flushLog = () => {
    for (const l of session.drainLog().lines) write(`${prefix}${l}\n`);
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

/** `run FILE [--log-prefix P]` (the option may come before or after FILE). */
export function parseRunArgs(args: string[]): { file: string; logPrefix: LogPrefix } | null {
  let file: string | null = null;
  let logPrefix: LogPrefix = 'serial';
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--log-prefix' || a.startsWith('--log-prefix=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v !== 'serial' && v !== 'debugcon') return null;
      logPrefix = v;
    } else if (file === null) {
      file = a;
    } else {
      return null;
    }
  }
  return file === null ? null : { file, logPrefix };
}
