/**
 * One side of a compare: a fresh Session, `platform SPEC`, then each line of the script, with
 * every event the debugger records (Debugger.eventTap), the debugcon lines printed on the way and
 * what the console printed, cut into units and phases (compare/Phases.ts).
 *
 * A compare is about what the firmware does, not about stepping: every run a line starts is run
 * to its end (as `continue` would), and the lines that only move or stop the debugger (step, back,
 * continue, break, delete, smis open) are not run. `platform` lines are not run either: the
 * platform is the side's. The machine is deterministic, so the boot of a spec is recorded once
 * and kept (BOOT_TRACES); the Session itself then starts from the debugger's own cached boot.
 */

import type { Workspace } from '../cdriver/CModule';
import { RUN_SLICE } from '../console/CommandShared';
import { DEFAULT_PLATFORM, Session } from '../console/Session';
import { guidName } from '../lib/Guid';
import type { SmiSummary } from '../pi/SmiRecord';
import type { SideFacts, SideTrace, TraceStep } from './CompareTypes';
import { type RawItem, type RawSmi, segmentStep, smiUnitLabel } from './Phases';

/** Console commands a compare does not run, and why. */
const NOT_RUN: Record<string, string> = {
  step: 'stepping',
  back: 'stepping',
  continue: 'every run is run to its end anyway',
  pause: 'every run is run to its end anyway',
  break: 'breakpoints',
  delete: 'breakpoints',
  platform: 'the platform is the side\'s (A or B)',
};

/** Why a compare does not run `line`, or null when it does. */
export function notRunReason(line: string): string | null {
  const words = line.trim().split(/\s+/);
  const cmd = words[0].toLowerCase();
  if (cmd === 'smis' && words[1] === 'open') return 'stepping';
  return Object.hasOwn(NOT_RUN, cmd) ? NOT_RUN[cmd] : null;
}

/** Runs that stop at breakpoints are continued at most this often (a breakpoint per event would be a script's own doing). */
const MAX_CONTINUES = 10_000;

/** The boots recorded so far, by spec (most recently used last). */
const BOOT_TRACES = new Map<string, { step: TraceStep; events: number }>();
export const BOOT_TRACES_LIMIT = 4;

/** The spec as `platform` reads it: words, single spaces. */
export function specKey(spec: string): string {
  return spec.trim().split(/\s+/).join(' ');
}

interface Recorded {
  raw: RawItem[];
  smis: RawSmi[];
  error: boolean;
  events: number;
}

/** Runs `line` on `s` and records what it did (see the file comment). */
function record(s: Session, line: string, tap: boolean): Recorded {
  const raw: RawItem[] = [];
  // The machine's own record of each SMI the step ran (the SMI list keeps a summary without the CPUs that took it).
  const live = new Map<number, SmiSummary>();
  let first = Infinity;
  let last = -Infinity;
  s.drainLog(); // lines printed before belong to the previous step
  if (tap) {
    s.eventTap = (e, seq) => {
      for (const l of s.drainLog().lines) raw.push({ kind: 'log', text: l });
      const t = e.tags;
      raw.push({ kind: 'event', seq, phase: e.phase, cpu: e.cpu, text: e.text, boot: t?.boot, module: t?.module, status: t?.status });
      const cur = s.m.s.currentSmi;
      if (cur !== null && cur.number > 0) live.set(cur.number, cur);
      if (seq < first) first = seq;
      if (seq > last) last = seq;
    };
  }
  const out: string[] = [];
  let error = false;
  try {
    const r = s.exec(line);
    error = r.error;
    out.push(...r.lines);
    while (s.busy()) out.push(...s.runSlice(RUN_SLICE).lines);
    for (let n = 0; !error && s.run !== null && n < MAX_CONTINUES; n++) {
      const c = s.exec('continue');
      out.push(...c.lines);
      while (s.busy()) out.push(...s.runSlice(RUN_SLICE).lines);
      if (c.error) break;
    }
  } finally {
    s.eventTap = null;
  }
  for (const l of s.drainLog().lines) raw.push({ kind: 'log', text: l });
  for (const l of out) raw.push({ kind: 'output', text: l });
  const smis: RawSmi[] = [];
  if (last >= first) {
    for (const e of s.smis.all()) {
      if (e.start > last || (e.end !== 0 && e.end < first)) continue;
      smis.push({ number: e.rec.number, label: smiUnitLabel(live.get(e.rec.number) ?? e.rec), start: e.start, end: e.end });
    }
  }
  return { raw, smis, error, events: last >= first ? last - first + 1 : 0 };
}

function factsOf(s: Session): SideFacts {
  const st = s.m.s;
  return {
    modules: st.modules.map((r) => ({ name: r.name, fileGuid: r.fileGuid, state: r.state, reason: r.reason, missing: r.missing.map(guidName) })),
    layout: s.m.layout.name,
    hung: st.hung ? { message: st.hung.message, module: st.hung.module } : null,
  };
}

export type TraceOutcome = { ok: true; side: SideTrace } | { ok: false; error: string };

/**
 * Runs `platform SPEC` and then `lines` (console lines, no comments) on a fresh Session and
 * records each step. A spec the console refuses is an error (nothing else runs).
 */
export function traceSide(spec: string, lines: readonly string[], workspace: Workspace | null = null): TraceOutcome {
  const key = specKey(spec);
  const s = new Session();
  s.powerOn({ ...DEFAULT_PLATFORM }); // a machine to run `platform` on (paused at its first event, thrown away)
  s.workspace = workspace;
  const platformLine = `platform ${key}`;
  const steps: TraceStep[] = [];
  let events = 0;
  const cached = BOOT_TRACES.get(key);
  if (cached) {
    BOOT_TRACES.delete(key);
    BOOT_TRACES.set(key, cached);
    const r = record(s, platformLine, false); // the debugger's cached boot: the same machine, no events to see
    if (r.error) return { ok: false, error: r.raw.filter((x) => x.kind === 'output').map((x) => x.text).join(' ') };
    steps.push(cached.step);
    events += cached.events;
  } else {
    const r = record(s, platformLine, true);
    if (r.error) return { ok: false, error: r.raw.filter((x) => x.kind === 'output').map((x) => x.text).join(' ') };
    const step: TraceStep = { line: platformLine, error: false, skipped: false, units: segmentStep(r.raw, r.smis) };
    steps.push(step);
    events += r.events;
    BOOT_TRACES.set(key, { step, events: r.events });
    if (BOOT_TRACES.size > BOOT_TRACES_LIMIT) BOOT_TRACES.delete(BOOT_TRACES.keys().next().value!);
  }
  for (const line of lines) {
    const why = notRunReason(line);
    if (why !== null) {
      steps.push({ line, error: false, skipped: true, units: [{ key: 'console output', title: 'console output', segments: [{ key: 'output', title: '', items: [{ kind: 'output', text: `(not run in a compare: ${why})`, key: 'O not run' }] }] }] });
      continue;
    }
    const r = record(s, line, true);
    steps.push({ line, error: r.error, skipped: false, units: segmentStep(r.raw, r.smis) });
    events += r.events;
  }
  return { ok: true, side: { spec: key, steps, facts: factsOf(s), events } };
}
