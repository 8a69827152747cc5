/**
 * A debugging session: the Debugger plus the console language that drives it, and the session
 * file (platform + console lines) that replays it. The worker, the CLI and the tests use this.
 */

import { type ConsoleResult, Debugger } from '../debug/Debugger';
import { parseSessionFile, SESSION_FORMAT, SESSION_VERSION, type SessionFile } from '../debug/SessionFile';
import { buildView } from '../debug/View';
import type { SmiListRow, ViewRequest, ViewSnapshot } from '../debug/ViewTypes';
import { smiListRows } from '../debug/SmiList';
import { isReadOnlyLine, runConsoleLine } from './Console';

export { DEFAULT_PLATFORM } from '../debug/Debugger';
export type { ConsoleResult, PlatformOptions, RunStart, StepGranularity } from '../debug/Debugger';


export class Session extends Debugger {
  /** One console line (the same language as the CLI). Errors change nothing. */
  exec(line: string): ConsoleResult {
    const marks = this.beginCommand();
    const epoch = this.platformEpoch;
    const r = runConsoleLine(this, line);
    if (r.error) this.undoCommand(marks); // a bad line changes nothing, not even the highlights
    else if (this.platformEpoch !== epoch) this.history = [];
    else if (!isReadOnlyLine(line)) this.history.push(line.trim());
    return r;
  }

  exportSession(): SessionFile {
    return {
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      platform: { ...this.platform, modules: [...this.platform.modules] },
      breakpoints: [...this.bootBreakpoints],
      commands: [...this.history],
    };
  }

  /**
   * Replaces this session with the file's, replayed on a fresh machine: the boot-time breakpoints,
   * the boot, then the commands. On any error (invalid file, a line that fails) the current session
   * is kept as it was and the error says where.
   */
  importSession(text: string): ConsoleResult {
    const parsed = parseSessionFile(text);
    if (!parsed.ok) return { lines: [`session file rejected: ${parsed.error}`], error: true };
    const file = parsed.file;
    const trial = new Session();
    try {
      trial.reset({ ...file.platform });
    } catch (e) {
      return { lines: [`session file rejected: platform: ${(e as Error).message}`], error: true };
    }
    if (file.breakpoints.length > 0) {
      for (let i = 0; i < file.breakpoints.length; i++) {
        const line = file.breakpoints[i];
        const r = /^\s*break\s/.test(line) ? runConsoleLine(trial, line) : { lines: ['not a `break` line'], error: true };
        if (r.error) return { lines: [`session file rejected: breakpoints.${i} ("${line}"): ${r.lines.join(' ')}`], error: true };
      }
      trial.reset({ ...file.platform }); // the boot again, now stopped where those breakpoints stop it
    }
    trial.history = [];
    for (let i = 0; i < file.commands.length; i++) {
      let line = file.commands[i];
      // Version 1 counted `back --to` events from the end of the boot.
      if (file.version === 1) line = line.replace(/^(\s*back\b.*--to\s+)(\S+)/, (_, head: string, n: string) => (/^(0x[0-9a-f]+|\d+)$/i.test(n) ? `${head}${Number(n) + trial.bootEvents}` : head + n));
      const r = trial.exec(line);
      if (r.error) return { lines: [`session file rejected: commands.${i} ("${file.commands[i]}"): ${r.lines.join(' ')}`], error: true };
    }
    this.setTimeline(trial.tl);
    Object.assign(this, { m: trial.m, hist: trial.hist, platform: trial.platform, run: trial.run, smis: trial.smis, hangCause: trial.hangCause, eventSeq: trial.eventSeq, runStartSeq: trial.runStartSeq, bootEvents: trial.bootEvents, bootBreakpoints: trial.bootBreakpoints, lastEvent: trial.lastEvent, breakpoints: trial.breakpoints, nextBreakpointId: trial.nextBreakpointId, history: trial.history, pendingSlice: null });
    this.platformEpoch++;
    this.logDrained = 0;
    this.beginCommand(); // no marks from the replayed lines
    const where = this.run ? `, paused in ${this.run.start.kind === 'boot' ? 'the boot' : 'an SMI'} at event ${this.eventSeq}` : '';
    return { lines: [`session loaded: ${file.platform.cpus} CPU(s), ${file.commands.length} command(s) replayed${where}`], error: false };
  }

  /** Every SMI of the session as the page lists them. */
  smiRows(): SmiListRow[] {
    return smiListRows(this.smis, this.bootEvents);
  }

  /** The UI's view of the machine: deltas and the windows it looks at (debug/View). */
  view(req: ViewRequest): ViewSnapshot {
    return buildView(this, req, this.cursor);
  }
}
