/**
 * What an explanation rule sees (debug/explain): the event the debugger stands on, the events of
 * the run before it, and the machine's plain state (platform, the SMI in progress or the last one,
 * the module records). Rules read; they never change the machine.
 */

import type { TraceEvent } from '../../pi/Fw';
import type { Machine } from '../../pi/Platform';
import type { Explanation, LookHere } from '../ViewTypes';

export interface ExplainContext {
  m: Machine;
  /** The event explained and its session event number. */
  event: TraceEvent;
  seq: number;
  /** The timeline's events up to and including `event`, oldest first. */
  before: readonly TraceEvent[];
  /** The event belongs to the boot (power-on to the OS), not to an SMI the user raised. */
  boot: boolean;
  /** `ovmf` and `ovmf-swdispatch` run on QEMU's ICH9; `pch` on an Intel PCH with the Intel save-state map. */
  pch: boolean;
}

/** A rule: the phases it applies to, the event text it recognises, and what it says. */
export interface ExplainRule {
  phases: readonly TraceEvent['phase'][];
  re: RegExp;
  say(x: ExplainContext, match: RegExpMatchArray): Omit<Explanation, 'seq'>;
}

/** Numbers in event text: "0x7F00AC00" and "12". */
export function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  return s.startsWith('0x') || s.startsWith('0X') ? parseInt(s.slice(2), 16) : parseInt(s, 10);
}

export function hex2(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(2, '0');
}

/** Pointers, small constructors. */
export const look = {
  cpu: (cpu: number, label: string): LookHere => ({ panel: 'cpus', cpu, label }),
  field: (cpu: number, field: string, label: string): LookHere => ({ panel: 'savestate', cpu, field, label }),
  smram: (address: number, size: number, label: string, cpu?: number): LookHere => ({ panel: 'smram', address, size, label, ...(cpu === undefined ? {} : { cpu }) }),
  handler: (handler: string, label: string): LookHere => ({ panel: 'handlers', handler, label }),
  module: (module: string, label: string): LookHere => ({ panel: 'handlers', module, label }),
  lane: (cpu: number, label: string): LookHere => ({ panel: 'timeline', cpu, label }),
  timeline: (label: string): LookHere => ({ panel: 'timeline', label }),
  terminal: (label: string): LookHere => ({ panel: 'terminal', label }),
  editor: (file: string, line: number, label: string): LookHere => ({ panel: 'editor', file, line, label }),
};
