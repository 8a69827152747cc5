/**
 * The one typed contract between the UI (main thread) and the emulation worker.
 * Types only: both sides switch exhaustively on `type`, so a new message is a compile
 * error until both ends handle it. The UI never emulates; it renders ViewSnapshots.
 */

// The core owns the shapes it produces; the wire contract re-exports them.
export type { CpuActivity } from '../core/machine/Cpu';
export type { SaveStateFieldDesc, SaveStateLayoutDesc } from '../core/machine/SaveStateMap';
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

/**
 * Both ends must speak the same version (the worker says so on a mismatch). v4 added the
 * 'terminal-size' message, the 'back' action and 'output'.echo; v5 the 'workspace' message, the
 * C step actions, ViewSnapshot.c and the 'header' request / answer with 'ready'.headers (SMM-C);
 * v6 the 'compare' request and answer (one script on two platforms).
 */
export const PROTOCOL_VERSION = 6;

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
  | { type: 'compare'; id: number; a: string; b: string; script: string; scope: CompareScope };

/** One thing the worker reports. */
export type WorkerMessage =
  /** `headers`: the include paths of the SMM-C headers SmiScope ships (the editor's read-only tabs). */
  | { type: 'ready'; protocolVersion: number; headers: string[] }
  /**
   * Console output for a command/action; `error` lines are reported at the prompt. `echo`: the
   * console line that printed it, when the UI did not type it (a session replayed on import).
   */
  | { type: 'output'; id: number; lines: string[]; error: boolean; echo?: string }
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
  | { type: 'compare'; id: number; result: CompareResult | null; error: string | null; notes: string[] };

/**
 * What goes over the wire. Everything one UI message (or one slice of a running command)
 * produces, typically output + log + snapshot, travels as one `batch` (several messages, in
 * order), so the UI folds a step into its state at once instead of message by message.
 */
export type WorkerToUi = WorkerMessage | { type: 'batch'; messages: WorkerMessage[] };

