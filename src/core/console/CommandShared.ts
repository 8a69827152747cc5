/**
 * What every console command file shares: the command shape and the small helpers several
 * commands use (CPU flag, "can a run start now", hex dumps, hex byte strings).
 */

import type { Debugger } from '../debug/Debugger';
import { readBytes } from '../machine/Memory';
import { hex } from '../pi/Fw';
import type { Machine } from '../pi/Platform';
import { type Args, ConsoleError, flag, parseNumber } from './ConsoleArgs';

/**
 * Events a stepping command runs before it yields to its host (Session.busy / runSlice): the
 * worker stays responsive to `pause`, the CLI simply keeps going.
 */
export const RUN_SLICE = 50_000;

export interface Command {
  usage: string;
  help: string;
  /** `cols`: the terminal's width (Session.columns); commands lay out for it (console/Columns.ts). */
  run(s: Debugger, args: Args, cols: number): string[];
}

export type CommandTable = Record<string, Command>;

export function cpuFlag(s: Debugger, a: Args, dflt = 0): number {
  const v = flag(a, 'cpu');
  if (v === undefined) return dflt;
  const n = parseNumber(v, '--cpu');
  if (n >= s.m.s.cpus.length) throw new ConsoleError(`--cpu ${n}: this machine has CPUs 0..${s.m.s.cpus.length - 1}`);
  return n;
}

export function requireRunnable(s: Debugger): void {
  if (s.m.s.hung) throw new ConsoleError(`the machine is hung (${s.m.s.hung.message}); reset with \`platform ovmf\``);
  if (s.run) throw new ConsoleError(`an SMI is in progress (paused at ${s.currentPhase()}): \`continue\` or \`step smi\` finishes it first`);
  if (s.m.s.stage !== 'os') throw new ConsoleError('the machine has not finished booting');
}

/** Bytes per hex-dump row that fit in `cols` columns: 16 (the wide form), 8 or 4. */
export function hexDumpPerRow(cols: number): number {
  for (const per of [16, 8]) if (13 + 4 * per <= cols) return per;
  return 4;
}

export function hexDump(m: Machine, addr: number, len: number, perRow = 16): string[] {
  const bytes = readBytes(m.s.mem, addr, len);
  const out: string[] = [];
  for (let i = 0; i < len; i += perRow) {
    const row = bytes.subarray(i, Math.min(i + perRow, len));
    const hx = Array.from(row, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    const asc = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${hex(addr + i, 8)}  ${hx.padEnd(3 * perRow - 1)}  ${asc}`);
  }
  return out;
}

export function parseHexBytes(text: string): Uint8Array {
  const t = text.replace(/^0x/i, '').replace(/[\s:,-]/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(t)) throw new ConsoleError(`HEXBYTES: "${text}" is not an even number of hex digits`);
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}
