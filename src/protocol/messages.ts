/**
 * The one typed contract between the UI (main thread) and the emulation worker.
 * Types only: both sides switch exhaustively on `type`, so a new message is a compile
 * error until both ends handle it. The UI never emulates; it renders ViewSnapshots.
 */

// The core owns the shapes it produces; the wire contract re-exports them.
export type { CpuActivity } from '../core/machine/Cpu';
export type { SaveStateFieldDesc, SaveStateLayoutDesc } from '../core/machine/SaveStateField';
export type { Phase } from '../core/pi/Fw';
export type { ModuleState } from '../core/pi/ModuleRecord';
export type { HandlerCall, SmiKind, SmiSummary } from '../core/pi/SmiRecord';
export type { SmramDescriptorView, SmramRegion, SmramRegionKind } from '../core/pi/SmramMap';
export type { CommBufferView, CpuView, CSourceFile, CView, DebugStatus, HandlerRow, Hex, MissingProtocolRow, ModuleRow, ProtocolRow, SaveStateView, SmiListRow, TimelineEvent, ViewRequest, ViewSnapshot } from '../core/debug/ViewTypes';
export type { Explanation, LookHere, LookPanel } from '../core/debug/ViewTypes';
export type { CStopInfo } from '../core/pi/Fw';
export type { CFrameView, CVarView } from '../core/cdriver/CDebug';
import type { CompareResult, CompareScope } from '../core/compare/CompareTypes';
import type { SmiListRow } from '../core/debug/ViewTypes';
import type { ViewRequest, ViewSnapshot } from '../core/debug/ViewTypes';
import type { Lesson } from '../core/teach/Lesson';
import type { CheckResult } from '../core/teach/LessonCheck';
import type { StepMode } from '../core/teach/LessonRunner';

/**
 * Both ends must speak the same version (the worker says so on a mismatch). v4 added the
 * 'terminal-size' message, the 'back' action and 'output'.echo; v5 the 'workspace' message, the
 * C step actions, ViewSnapshot.c and the 'header' request / answer with 'ready'.headers (SMM-C);
 * v6 the 'compare' request and answer (one script on two platforms); v7 the lesson messages
 * ('lessons', 'lesson-load', 'lesson-open', 'lesson-run-block', 'lesson-check', 'lesson-leave')
 * and 'output'.note.
 */
export const PROTOCOL_VERSION = 7;

/** Debugger granularities, coarse to fine. */
export type StepGranularity = 'smi' | 'phase' | 'event';

/** Toolbar / keyboard actions; each maps to the same console command the terminal accepts. */
export type DebugAction = 'step-phase' | 'step-event' | 'step-smi' | 'continue' | 'pause' | 'reset' | 'back' | 'step-over' | 'step-into' | 'step-out';

export type UiToWorker =
  | { type: 'hello'; protocolVersion: number }
  /** One console line, exactly as typed in the terminal (same language as the CLI). */
  | { type: 'command'; id: number; line: string }
  | { type: 'action'; id: number; action: DebugAction }
  /** The terminal's width in columns (xterm's, after each fit): console output and log lines are laid out for it. */
  | { type: 'terminal-size'; columns: number }
  /** What the panels currently look at; the worker sends only these windows. */
  | { type: 'view'; view: ViewRequest }
  /** Ask for the session file (platform + console lines); answered with 'session'. */
  | { type: 'session-export'; id: number }
  /** Replace the session by replaying a session file (JSON text); answered with 'output'. */
  | { type: 'session-import'; id: number; text: string }
  /** The texts of timeline events a snapshot sent without (`textLater`); answered with 'timeline-text'. */
  | { type: 'timeline-text'; seqs: number[] }
  /** Every SMI of the session, the boot's included (the page's SMI list); answered with 'smi-list'. */
  | { type: 'smi-list' }
  /** The editor's files (path -> text): what `load` reads in the page (the CLI reads the disk). */
  | { type: 'workspace'; files: Record<string, string> }
  /** The text of a shipped SMM-C header (`#include <Library/DebugLib.h>` asks for 'Library/DebugLib.h'); answered with 'header'. */
  | { type: 'header'; name: string }
  /**
   * Run `script` (console lines, or a session file's JSON) on platform `a` and on platform `b`
   * (what `platform` takes) on fresh machines, apart from the session, and align the two traces;
   * answered with 'compare'. The session is not touched.
   */
  | { type: 'compare'; id: number; a: string; b: string; script: string; scope: CompareScope }
  /** The lessons (shipped and loaded); answered with 'lessons'. */
  | { type: 'lessons' }
  /** A teacher's lesson file (`source` names it in errors); answered with 'lesson-loaded' (and 'lessons' when it loaded). Changes nothing else. */
  | { type: 'lesson-load'; id: number; text: string; source: string }
  /** Open step `step` (0-based) of lesson `lesson` (teach/LessonRunner StepMode); answered with its console output and 'lesson-at'. */
  | { type: 'lesson-open'; id: number; lesson: string; step: number; mode: StepMode }
  /** Run console block `block` of the current step (its Run button). */
  | { type: 'lesson-run-block'; id: number; block: number }
  /** Check the answer to the current step's question (null for a `do` question); answered with 'lesson-check'. */
  | { type: 'lesson-check'; id: number; answer: string | null }
  /** Leave the lesson; the machine stays as it is. */
  | { type: 'lesson-leave' };

/** One thing the worker reports. */
export type WorkerMessage =
  /** `headers`: the include paths of the SMM-C headers SmiScope ships (the editor's read-only tabs). */
  | { type: 'ready'; protocolVersion: number; headers: string[] }
  /**
   * Console output for a command/action; `error` lines are reported at the prompt. `echo`: the
   * console line that printed it, when the UI did not type it (a session replayed on import, a
   * lesson's console block); `note` is shown beside the echo (default "replayed").
   */
  | { type: 'output'; id: number; lines: string[]; error: boolean; echo?: string; note?: string }
  /**
   * Firmware debugcon (DEBUG, port 0x402) lines since the previous message, with their running
   * sequence number. A line wider than the terminal comes wrapped: its rows joined by "\n".
   */
  | { type: 'log'; firstSeq: number; lines: string[] }
  | { type: 'snapshot'; snapshot: ViewSnapshot }
  /** The worker is running (continue) and will accept `pause`. */
  | { type: 'busy'; busy: boolean }
  /** A session file as JSON text (for download, autosave and permalinks). */
  | { type: 'session'; id: number; text: string }
  /** Timeline texts asked for, as [seq, text] (events no longer in the timeline are left out). */
  | { type: 'timeline-text'; texts: [number, string][] }
  /** The session's SMIs, oldest first. */
  | { type: 'smi-list'; rows: SmiListRow[] }
  /** A shipped header's text (null: no such header). */
  | { type: 'header'; name: string; text: string | null }
  /** The answer to 'compare': the aligned traces, or why there are none (a spec `platform` refuses, a bad script). */
  | { type: 'compare'; id: number; result: CompareResult | null; error: string | null; notes: string[] }
  /** Every lesson the worker knows (shipped first), and the errors of shipped files (none, normally). */
  | { type: 'lessons'; lessons: Lesson[]; errors: string[] }
  /** The answer to 'lesson-load': the lesson's id, or its errors (`file.md:14: ...`). */
  | { type: 'lesson-loaded'; id: number; lessonId: string | null; errors: string[] }
  /** Where the lesson stands after 'lesson-open' / 'lesson-leave' (lesson null: none), or why it could not open. */
  | { type: 'lesson-at'; id: number; lesson: string | null; step: number; error: string | null }
  /** The answer to 'lesson-check': right or wrong, each check with what it found; `error`: nothing to check. */
  | { type: 'lesson-check'; id: number; lesson: string | null; step: number; ok: boolean; results: CheckResult[]; error: string | null };

/**
 * What goes over the wire. Everything one UI message (or one slice of a running command)
 * produces, typically output + log + snapshot, travels as one `batch` (several messages, in
 * order), so the UI folds a step into its state at once instead of message by message.
 */
export type WorkerToUi = WorkerMessage | { type: 'batch'; messages: WorkerMessage[] };

