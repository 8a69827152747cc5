/**
 * The hook through which a source debugger watches SMM-C run: the run loop asks it at every C
 * statement while someone steps or has a C breakpoint (and never otherwise), and a stop becomes
 * a transient event the debugger pauses at.
 */

import type { CStopInfo, TraceEvent } from '../pi/Fw';
import type { Frame } from '../smmc/FnCode';
import { sourceLine } from '../smmc/Source';
import { CThread } from '../smmc/Thread';

export interface CDebugHook {
  /** At the start of every C statement: true stops there. */
  statement(t: CThread, f: Frame, level: number): boolean;
  /** A C call from the firmware returned (the thread is gone). */
  threadDone(level: number): void;
}

let hook: CDebugHook | null = null;

/** The debugger installs its hook while it runs the machine with C stepping or C breakpoints. */
export function setCDebugHook(h: CDebugHook | null): void {
  hook = h;
}

export function cDebugHook(): CDebugHook | null {
  return hook;
}

/** The stop a C statement makes: a transient event (cstop) the debugger pauses at without counting it. */
export function cStopEvent(mod: string, cpu: number, f: Frame): TraceEvent {
  const loc = f.fn.locs[f.pc];
  const info: CStopInfo = { cpu, module: mod, file: loc.file.name, line: loc.line, col: loc.col, fn: f.fn.name, ip: CThread.ip(f) };
  const text = `${loc.file.name}:${loc.line} (${f.fn.name}, CPU${cpu}): ${sourceLine(loc.file, loc.line).trim()}`;
  return { phase: 'handler', cpu, level: 'event', text, tags: undefined, cstop: info };
}

