/**
 * The shapes of a compare (one console script run on two platforms, the traces aligned by
 * phase): plain data, so the worker can post a result to the page as it is. compare/Trace.ts
 * records a side, compare/Compare.ts aligns two, compare/WhyDiffer.ts says why the first
 * difference is there.
 */

import type { Phase } from '../pi/Fw';

/** What a trace line is: a firmware event, a line of the debugcon log, a line the console printed. */
export type TraceItemKind = 'event' | 'log' | 'output';

/** One line of a side's trace. */
export interface TraceItem {
  kind: TraceItemKind;
  text: string;
  /** The normalised text the alignment compares (compare/Normalize.ts): addresses masked. */
  key: string;
  /** For events: the event's phase and CPU (-1: no single CPU). */
  phase?: Phase;
  cpu?: number;
}

/** A phase of a unit: a stretch of one SMI phase (trigger, rendezvous, ...) or a driver's dispatch inside an SMI. */
export interface TraceSegment {
  key: string;
  title: string;
  items: TraceItem[];
}

/**
 * A unit of a step: one SMI (with its phases as segments), a stretch of the boot outside SMIs
 * (PEI, a DXE driver, an SMM driver's dispatch, a DXE event), or what the console printed.
 */
export interface TraceUnit {
  key: string;
  title: string;
  /** The SMI the unit is, with its number on this side. */
  smi?: number;
  segments: TraceSegment[];
}

/** What one console line did on one side: step 0 is `platform SPEC` (the boot), then each script line. */
export interface TraceStep {
  line: string;
  /** The console refused the line. */
  error: boolean;
  /** Not run in a compare (stepping and breakpoints: every run is run to its end). */
  skipped: boolean;
  units: TraceUnit[];
}

/** What the explainers read about a side at the end of the script (besides its trace). */
export interface SideFacts {
  /** SMM modules: how each ended (dispatched / dependent / failed / hung), and what a Dependent one missed. */
  modules: { name: string; fileGuid: string; state: string; reason: string; missing: string[] }[];
  /** The save-state layout the CPUs write (machine/SaveStateMap describeLayout). */
  layout: string;
  /** The hang, when the machine hung: its message and module. */
  hung: { message: string; module: string } | null;
}

/** One side of a compare: a platform spec and what the script did on it. */
export interface SideTrace {
  /** The spec, as `platform` takes it (e.g. "ovmf --module SwDispatch2Locate"). */
  spec: string;
  steps: TraceStep[];
  facts: SideFacts;
  /** Events recorded on this side (the boot's included). */
  events: number;
}

/** A row of the aligned traces: the same line on both sides, a changed line, or a line on one side only. */
export interface CompareRow {
  /** Index into CompareResult.phases. */
  phase: number;
  kind: TraceItemKind;
  a?: string;
  b?: string;
  /** Both sides have it and their normalised texts are equal. */
  same: boolean;
}

/** A phase of the aligned traces: the rows under one header. */
export interface ComparePhase {
  /** Index into CompareResult.steps. */
  step: number;
  /** "SMI Communicate gEfiEventDxeDispatchGuid from CPU0 · SMM driver SwDispatch2Locate" */
  title: string;
  /** The unit's title ("SMI ...", "PEI: PlatformPei", "SMM driver: X", "console output") and the segment's ("rendezvous", ...). */
  unit: string;
  segment: string;
  /** The phase exists on one side only. */
  only?: 'a' | 'b';
  /** The SMI numbers on each side, when the phase belongs to an SMI. */
  smiA?: number;
  smiB?: number;
  /** Its rows: rows[first .. first + count). */
  first: number;
  count: number;
  /** Every row of it is the same on both sides. */
  same: boolean;
}

export interface CompareStep {
  line: string;
  skipped: boolean;
  errorA: boolean;
  errorB: boolean;
  /** Its phases: phases[firstPhase .. firstPhase + phaseCount). */
  firstPhase: number;
  phaseCount: number;
}

/** Which explainer matched (compare/WhyDiffer.ts). */
export type ExplainerId =
  | 'platform'
  | 'locate'
  | 'module-loaded'
  | 'hang'
  | 'smi-delivery'
  | 'monarch'
  | 'sync-timeout'
  | 'sw-cpu-index'
  | 'save-state'
  | 'trigger-command'
  | 'handler-status'
  | 'status'
  | 'plain';

export interface Explanation {
  id: ExplainerId;
  /** One line: what differs. */
  title: string;
  /** Why, in a few sentences, citing the upstream files and functions the rows name. */
  text: string;
  /** Facts sections the explanation rests on (e.g. "smm-facts §3"). */
  cites: string[];
  /**
   * Differences that say the same thing share it (every driver a platform does not carry, every
   * driver after a hang): the list of differences keeps one per group. Absent: the title.
   */
  group?: string;
}

export interface CompareDifference {
  /** Index into CompareResult.rows. */
  row: number;
  phase: number;
  step: number;
  /** The console line the row belongs to (`platform SPEC` for the boot: each side's own). */
  command: string;
  /** The SMI it belongs to, as "SMI #N (label)", or null outside SMIs. */
  smi: string | null;
  explanation: Explanation;
}

/** Where the first difference is looked for: everywhere, or in the script's commands only (the boots may differ). */
export type CompareScope = 'all' | 'commands';

export interface CompareResult {
  a: { spec: string; events: number; hung: string | null };
  b: { spec: string; events: number; hung: string | null };
  /** The script's lines (step 0 is the boot: `platform A` / `platform B`). */
  steps: CompareStep[];
  phases: ComparePhase[];
  rows: CompareRow[];
  scope: CompareScope;
  /** The first row in scope whose content differs, or null when the traces agree there. */
  firstDifference: CompareDifference | null;
  /** Further differences worth a look: the first row each explainer matched, in trace order (the first difference included). */
  differences: CompareDifference[];
  /** Rows in total, rows that differ, and of those the ones on one side only. */
  counts: { rows: number; differing: number; onlyA: number; onlyB: number };
}
