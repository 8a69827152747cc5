/**
 * The CLI's script runner (src/cli/main.ts is the command line around it). Firmware log lines are
 * the debugcon log: what OVMF's DebugLib (PlatformDebugLibIoPort) writes to QEMU's debugcon, I/O
 * port 0x402. They are prefixed "serial| " by default (the prefix scripts have always matched) or
 * "debugcon| " with `--log-prefix debugcon`. A blank firmware line prints as the bare prefix.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Workspace } from '../core/cdriver/CModule';
import { clampColumns } from '../core/console/Columns';
import { Session } from '../core/console/Session';

/** Prefixes of firmware log lines: `serial` is the default, kept for existing scripts. */
export const LOG_PREFIXES = { serial: 'serial| ', debugcon: 'debugcon| ' } as const;
export type LogPrefix = keyof typeof LOG_PREFIXES;

/** `load` reads the disk: paths as typed, relative to `root` (the working directory). */
export function diskWorkspace(root = process.cwd()): Workspace {
  return {
    read: (path) => {
      try {
        return readFileSync(resolve(root, path), 'utf8').replace(/\r\n/g, '\n');
      } catch {
        return null;
      }
    },
    list: () => {
      try {
        return readdirSync(root).filter((n) => /\.(c|h|inf)$/i.test(n)).sort();
      } catch {
        return [];
      }
    },
  };
}

/**
 * `columns`: the width console output is laid out for (the TTY's when stdout is one); without
 * it, 100, the wide layout scripts have always matched.
 */
export function runScript(text: string, write: (s: string) => void, logPrefix: LogPrefix = 'serial', columns?: number): number {
  const prefix = LOG_PREFIXES[logPrefix];
  const session = Session.create();
  session.workspace = diskWorkspace();
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
