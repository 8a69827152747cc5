/**
 * A debugging session: the Debugger plus the console language that drives it, and the session
 * file (platform + console lines) that replays it. The worker, the CLI and the tests use this.
 */

import { type ConsoleResult, Debugger } from '../debug/Debugger';
import { parseSessionFile, SESSION_FORMAT, SESSION_VERSION, type SessionFile } from '../debug/SessionFile';
import { buildView } from '../debug/View';
import type { SmiListRow, ViewRequest, ViewSnapshot } from '../debug/ViewTypes';
import { smiListRows } from '../debug/SmiList';
import { DEFAULT_COLUMNS, isNarrow, wrapLines } from './Columns';
import { RUN_SLICE } from './CommandShared';
import { isReadOnlyLine, runConsoleLine } from './Console';

export { DEFAULT_PLATFORM } from '../debug/Debugger';
export type { ConsoleResult, PlatformOptions, RunStart, StepGranularity } from '../debug/Debugger';

/** What a replayed session printed, in order: firmware log lines and each command with its output. */
export type TranscriptItem =
  | { kind: 'log'; firstSeq: number; lines: string[] }
  | { kind: 'command'; line: string; lines: string[]; error: boolean };

/** importSession's answer: the result line, and on success what the replay printed. */
export interface ImportResult extends ConsoleResult {
  transcript?: TranscriptItem[];
}

export class Session extends Debugger {
  /**
   * The terminal's width in columns: output is laid out for it (console/Columns.ts). The page
   * sets it from xterm's size, the CLI from its TTY; 100 (the wide layout) otherwise.
   */
  columns = DEFAULT_COLUMNS;

  /** One console line (the same language as the CLI). Errors change nothing. */
  exec(line: string): ConsoleResult {
    const marks = this.beginCommand();
    const epoch = this.platformEpoch;
    const r = runConsoleLine(this, line, this.columns);
    if (r.error) this.undoCommand(marks); // a bad line changes nothing, not even the highlights
    else if (this.platformEpoch !== epoch) this.history = [];
    else if (!isReadOnlyLine(line)) this.history.push(line.trim());
    return this.fit(r);
  }

  override runSlice(maxEvents: number): ConsoleResult {
    return this.fit(super.runSlice(maxEvents));
  }

  /** In a narrow terminal, lines wider than it wrap at word boundaries (console/Columns.ts). */
  private fit(r: ConsoleResult): ConsoleResult {
    if (!isNarrow(this.columns) || r.lines.every((l) => l.length <= this.columns)) return r;
    return { ...r, lines: wrapLines(r.lines, this.columns) };
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
   * On success `transcript` is what the replay printed (the boot's log, each command with its
   * output and log, laid out for this session's columns), and the result line says where the
   * session now stands, so a restored page shows how it got there.
   */
  importSession(text: string): ImportResult {
    const parsed = parseSessionFile(text);
    if (!parsed.ok) return { lines: [`session file rejected: ${parsed.error}`], error: true };
    const file = parsed.file;
    const trial = new Session();
    trial.columns = this.columns;
    trial.mapMarks = this.mapMarks; // a page's session keeps the marks of the last replayed line
    try {
      if (file.breakpoints.length > 0) {
        // The breakpoints are checked against the machine, so it is powered on first (no boot yet).
        trial.powerOn({ ...file.platform });
        for (let i = 0; i < file.breakpoints.length; i++) {
          const line = file.breakpoints[i];
          const r = /^\s*break\s/.test(line) ? runConsoleLine(trial, line) : { lines: ['not a `break` line'], error: true };
          if (r.error) return { lines: [`session file rejected: breakpoints.${i} ("${line}"): ${r.lines.join(' ')}`], error: true };
        }
      }
      trial.reset({ ...file.platform }); // the boot, stopped where those breakpoints stop it
    } catch (e) {
      return { lines: [`session file rejected: platform: ${(e as Error).message}`], error: true };
    }
    trial.history = [];
    const transcript: TranscriptItem[] = [];
    const log = () => {
      const l = trial.drainLog();
      if (l.lines.length > 0) transcript.push({ kind: 'log', ...l });
    };
    log();
    for (let i = 0; i < file.commands.length; i++) {
      let line = file.commands[i];
      // Version 1 counted `back --to` events from the end of the boot.
      if (file.version === 1) line = line.replace(/^(\s*back\b.*--to\s+)(\S+)/, (_, head: string, n: string) => (/^(0x[0-9a-f]+|\d+)$/i.test(n) ? `${head}${Number(n) + trial.bootEvents}` : head + n));
      const r = trial.exec(line);
      if (r.error) return { lines: [`session file rejected: commands.${i} ("${file.commands[i]}"): ${r.lines.join(' ')}`], error: true };
      const lines = [...r.lines];
      // What the page's worker and the CLI do with a long run: finish it (it was not paused).
      while (trial.busy()) lines.push(...trial.runSlice(RUN_SLICE).lines);
      transcript.push({ kind: 'command', line: file.commands[i], lines, error: false });
      log();
    }
    this.retireLog(); // the trial's machine replaces this one: a new log
    this.setTimeline(trial.tl);
    Object.assign(this, { m: trial.m, hist: trial.hist, platform: trial.platform, run: trial.run, smis: trial.smis, hangCause: trial.hangCause, eventSeq: trial.eventSeq, runStartSeq: trial.runStartSeq, bootEvents: trial.bootEvents, bootBreakpoints: trial.bootBreakpoints, lastEvent: trial.lastEvent, breakpoints: trial.breakpoints, nextBreakpointId: trial.nextBreakpointId, history: trial.history, pendingSlice: null });
    this.platformEpoch++;
    this.logDrained = trial.logDrained; // the transcript carries the log so far
    this.beginCommand(); // no marks from the replayed lines
    const line = `session loaded: ${file.platform.cpus} CPU(s), ${file.commands.length} command(s) replayed; ${this.whereNow()}`;
    return { lines: isNarrow(this.columns) ? wrapLines([line], this.columns) : [line], error: false, transcript };
  }

  /** Where the session stands, in a few words: hung, paused in the boot or an SMI (at which phase, which event) or idle. */
  private whereNow(): string {
    const st = this.m.s;
    if (st.hung) return `the machine is hung: ${st.hung.message}`;
    const smi = st.currentSmi;
    const ev = this.eventIndex();
    const at = ev ? `event ${ev.index} of the ${this.run?.start.kind === 'boot' ? 'boot' : 'SMI'}, session event #${this.eventSeq}` : `event #${this.eventSeq}`;
    if (this.run && this.run.start.kind === 'boot') return `the boot is paused${smi ? ` in SMI #${smi.number}` : ''} (${at})`;
    if (this.run && smi) return `SMI #${smi.number} paused at ${this.currentPhase() ?? 'its start'} (${at})`;
    if (st.stage !== 'os') return 'the boot has not finished';
    const last = st.lastSmi;
    return `no SMI in progress${last ? ` (the last was #${last.number})` : ''}`;
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
