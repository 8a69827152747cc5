/**
 * Source-level stepping in SMM-C code, on top of the event debugger. A stop at a C statement is a
 * transient event: the debugger pauses there but it is not an event of the run, so the history,
 * replay and event numbers stay what they are without C debugging. A C position is the last
 * recorded event plus the number of statements run since it (counted only while this hook is on,
 * and it is on from that event to any C stop), so `back` reaches it by replaying to the event and
 * counting statements again. With no C breakpoint and no C step the hook is off and C runs at full
 * speed.
 *
 * Steps follow VS Code / gdb: `over` stops at the next statement on another line in the same
 * function or a caller, `into` at the next statement on another line anywhere (a called function
 * included), `out` at the first statement after the function returns. When the C call returns to
 * the firmware first, the step ends at the firmware's next event.
 */

import type { CDebugHook } from '../cdriver/CHook';
import type { CStopInfo, TraceEvent } from '../pi/Fw';
import type { Frame } from '../smmc/FnCode';
import type { CThread } from '../smmc/Thread';

export type CStepMode = 'into' | 'over' | 'out';

export interface CBreakpointSpec {
  file: string;
  line: number;
}

/** Where the debugger is paused in C: after session event `event`, `count` statements later. */
export interface CPosition {
  event: number;
  count: number;
  info: CStopInfo;
  level: number;
}

export class CStepper implements CDebugHook {
  /** Statements run since the last recorded event (while the hook is on). */
  since = 0;
  /** Replay: stop at this count. */
  stopAt: number | null = null;
  step: { mode: CStepMode | 'first'; level: number; file: string; line: number } | null = null;
  /** The stepped call went back to the firmware: the step ends at the next event. */
  returned = false;
  /** C breakpoints: file name -> lines. */
  private lines = new Map<string, Set<number>>();
  /** Where the debugger is paused in C (null when it is paused at an event). */
  at: CPosition | null = null;
  /** Set by statement() when it stops: the level of that statement. */
  private lastLevel = 0;
  private lastHitBreakpoint = false;

  /** True when the run loop must ask the hook at every statement. */
  active(): boolean {
    return this.stopAt !== null || this.step !== null || this.lines.size > 0;
  }

  hasBreakpoints(): boolean {
    return this.lines.size !== 0;
  }

  setBreakpoints(specs: readonly CBreakpointSpec[]): void {
    this.lines.clear();
    for (const b of specs) {
      let set = this.lines.get(b.file);
      if (!set) this.lines.set(b.file, (set = new Set()));
      set.add(b.line);
    }
  }

  statement(_t: CThread, f: Frame, level: number): boolean {
    const n = ++this.since;
    if (this.stopAt !== null) return this.hit(n === this.stopAt, level, false);
    const loc = f.fn.locs[f.pc];
    const s = this.step;
    if (s !== null) {
      const moved = loc.line !== s.line || loc.file.name !== s.file;
      switch (s.mode) {
        case 'first':
          return this.hit(true, level, false);
        case 'into':
          if (moved || level !== s.level) return this.hit(true, level, false);
          break;
        case 'over':
          if (level < s.level || (level === s.level && moved)) return this.hit(true, level, false);
          break;
        case 'out':
          if (level < s.level) return this.hit(true, level, false);
          break;
      }
    }
    if (this.lines.size !== 0 && this.lines.get(loc.file.name)?.has(loc.line) === true) return this.hit(true, level, true);
    return false;
  }

  private hit(yes: boolean, level: number, breakpoint: boolean): boolean {
    if (yes) {
      this.lastLevel = level;
      this.lastHitBreakpoint = breakpoint;
    }
    return yes;
  }

  threadDone(level: number): void {
    if (this.step !== null && this.step.mode !== 'first' && level <= this.step.level) this.returned = true;
  }

  /** A recorded event: the count starts again and the debugger is no longer paused in C. */
  onRecord(): void {
    this.since = 0;
    this.at = null;
  }

  /** The run loop stopped at C statement `e` (after session event `event`). Returns whether a breakpoint caused it. */
  stopped(e: TraceEvent, event: number): boolean {
    this.at = { event, count: this.since, info: e.cstop!, level: this.lastLevel };
    this.step = null;
    this.returned = false;
    this.stopAt = null;
    return this.lastHitBreakpoint;
  }

  /** Starts a step from where the debugger is paused. Returns false when it is not paused in C (an event step then). */
  begin(mode: CStepMode): boolean {
    this.returned = false;
    const at = this.at;
    if (at === null) {
      this.step = mode === 'into' ? { mode: 'first', level: 0, file: '', line: 0 } : null;
      return false;
    }
    this.step = { mode, level: at.level, file: at.info.file, line: at.info.line };
    return true;
  }

  /** The step is over (it stopped, or the run ended). */
  end(): void {
    this.step = null;
    this.returned = false;
    this.stopAt = null;
  }
}
