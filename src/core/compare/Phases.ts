/**
 * A recorded step (the events, debugcon lines and console output one console line produced on one
 * side) cut into the units and phases the compare aligns by:
 *   - the boot outside SMIs, one unit per boundary the boot's `step` walks (EventTags.boot): PEI
 *     (PlatformPei), a DXE driver's entry point, an SMM driver dispatched outside an SMI (PiSmmCore's
 *     first dispatch pass runs without one, facts §12.10), a DXE event (EndOfDxe, ReadyToBoot...);
 *   - each SMI, with its phases as segments (trigger, SMI# delivery, save state, rendezvous,
 *     SmmEntryPoint, Communicate, MmiManage, handlers, exit, RSM: the timeline's swimlanes), an SMM
 *     driver the dispatcher starts inside it being a segment of its own ("SMM driver X", from
 *     "SmmDispatcher: start X" to "X: entry point returned ...");
 *   - what the console printed for the line (and the log lines after the last event).
 * A debugcon line belongs with the event that follows it: the firmware printed it on the way there.
 */

import { hex, type Phase } from '../pi/Fw';
import type { TraceItem, TraceSegment, TraceUnit } from './CompareTypes';
import { normalise } from './Normalize';

/** One thing a step produced, in order, as the recorder saw it. */
export type RawItem =
  | { kind: 'log'; text: string }
  | { kind: 'output'; text: string }
  | { kind: 'event'; seq: number; phase: Phase; cpu: number; text: string; boot?: 'PEI' | 'driver' | 'DXE'; module?: string; status?: string };

/** An SMI of the step: its number, what raised it, and its first and last session event (end 0: it never ended). */
export interface RawSmi {
  number: number;
  label: string;
  start: number;
  end: number;
}

/** The SMI as the compare names it: what raised it, never its number (numbers drift between platforms). */
export function smiUnitLabel(r: { kind: string; command: number; data: number; cpu: number; communicate: string | null; ipiPurpose?: string; cpus: readonly number[] }): string {
  if (r.kind === 'smi-ipi') {
    // The relocation IPIs go to one CPU each (its SMBASE is moved): the target tells them apart.
    if (r.ipiPurpose === 'relocation') return `SMI IPI (SMBASE relocation) to CPU${r.cpus[0] ?? '?'}`;
    if (r.ipiPurpose === 'first-smi') return `SMI IPI (first-SMI init) to ${r.cpus.length === 1 && r.cpus[0] === r.cpu ? `CPU${r.cpu} (self)` : 'the other CPUs'}`;
    return `SMI IPI from CPU${r.cpu}`;
  }
  if (r.kind === 'communicate') return `Communicate ${r.communicate ?? '?'} from CPU${r.cpu}`;
  return `SW SMI ${hex(r.command, 2)} (data ${hex(r.data, 2)}) from CPU${r.cpu}`;
}

const PHASE_TITLE: Record<Phase, string> = {
  trigger: 'trigger',
  'smi-delivery': 'SMI# delivery',
  'save-state': 'save state',
  rendezvous: 'rendezvous / monarch',
  'smm-entry': 'SmmEntryPoint',
  communicate: 'Communicate',
  'mmi-manage': 'MmiManage',
  handler: 'handlers',
  exit: 'exit',
  rsm: 'RSM',
  done: 'done',
};

export function itemOf(r: RawItem): TraceItem {
  if (r.kind !== 'event') return { kind: r.kind, text: r.text, key: (r.kind === 'log' ? 'L ' : 'O ') + normalise(r.text) };
  return { kind: 'event', text: r.text, key: `E ${r.phase} ${r.cpu} ${normalise(r.text)}`, phase: r.phase, cpu: r.cpu };
}

/** The unit a boot boundary starts (outside SMIs). */
function bootUnit(e: Extract<RawItem, { kind: 'event' }>): { key: string; title: string } {
  const m = e.module ?? '?';
  if (e.boot === 'PEI') return { key: `PEI: ${m}`, title: `PEI: ${m}` };
  if (e.boot === 'driver') {
    if (e.text.startsWith('SmmDispatcher')) return { key: `SMM driver: ${m}`, title: `SMM driver dispatch: ${m}` };
    if (e.text.startsWith('DXE core')) return { key: `DXE driver: ${m}`, title: `DXE driver: ${m}` };
    return { key: `driver: ${m}`, title: `driver: ${m}` };
  }
  // A DXE event: "DXE #55: PlatformBootManagerBeforeConsole signals EndOfDxe -> PiSmmIpl ..." -> what happened.
  const what = normalise(e.text.split(' -> ')[0]).replace(/^DXE #…: /, '');
  return { key: `DXE event: ${what}`, title: `DXE event: ${what.length > 90 ? what.slice(0, 89) + '…' : what}` };
}

/** Cuts a step's items into units and segments (see the file comment). */
export function segmentStep(raw: readonly RawItem[], smis: readonly RawSmi[]): TraceUnit[] {
  const units: TraceUnit[] = [];
  let unit: TraceUnit | null = null;
  let unitSmi: RawSmi | null = null;
  let seg: TraceSegment | null = null;
  // Outside SMIs: the drivers whose entry points are running (a DXE driver's entry can start the
  // SMM core, whose first dispatch pass starts SMM drivers), innermost last; `base` when none is.
  const running: { key: string; title: string; module: string }[] = [];
  let base: { key: string; title: string } = { key: 'outside SMM', title: 'outside SMM (no SMI)' };
  let resume = false;
  let driver: string | null = null;
  let pending: TraceItem[] = [];
  const tail: TraceItem[] = [];
  let k = 0;
  const open = (key: string, title: string, smi: RawSmi | null) => {
    unit = { key, title, segments: [] };
    if (smi) unit.smi = smi.number;
    unitSmi = smi;
    units.push(unit);
    seg = null;
  };
  for (const r of raw) {
    if (r.kind === 'log') {
      pending.push(itemOf(r));
      continue;
    }
    if (r.kind === 'output') {
      tail.push(...pending, itemOf(r));
      pending = [];
      continue;
    }
    while (k < smis.length && smis[k].end !== 0 && smis[k].end < r.seq) k++;
    const smi = k < smis.length && smis[k].start <= r.seq ? smis[k] : null;
    let segKey: string;
    let segTitle: string;
    if (smi) {
      if (unit === null || unitSmi !== smi) {
        open(`SMI ${normalise(smi.label)}`, `SMI ${smi.label}`, smi);
        driver = null;
      }
      if (r.boot === 'driver' && r.module) driver = r.module;
      if (driver !== null) {
        segKey = `SMM driver ${driver}`;
        segTitle = `SMM driver dispatch: ${driver}`;
      } else {
        segKey = r.phase;
        segTitle = PHASE_TITLE[r.phase];
      }
    } else {
      const request = /^(?:DXE(?: request)? #\d+|OS loader|ExitBootServices): /.test(r.text);
      if (r.boot) {
        const c = bootUnit(r);
        if (r.boot === 'driver') running.push({ ...c, module: r.module ?? '?' });
        else {
          running.length = 0;
          base = c;
        }
        if (r.boot === 'driver' && r.text.startsWith('DXE core')) base = { key: 'DXE', title: 'DXE (between drivers)' };
        open(c.key, c.title, null);
      } else if (request) {
        // A request of the DXE phase ("DXE #2: VariableSmmRuntimeDxe SmmVariableReady - ..."): a unit of its own.
        const what = normalise(r.text.replace(/^DXE(?: request)? #\d+: /, '').split(' -> ')[0]); // the request, not its answer
        const cut = what.length > 90 ? what.slice(0, 89) + '…' : what;
        open(`DXE request: ${what}`, `DXE request: ${cut}`, null);
      } else if (unit === null || unitSmi !== null || resume) {
        const c = running.length ? running[running.length - 1] : base;
        open(c.key, c.title, null);
      }
      resume = false;
      // A driver's entry point returned: what ran it goes on.
      const ret = r.status !== undefined ? /^(\w+): entry point returned/.exec(r.text) : null;
      if (ret) {
        const at = running.map((x) => x.module).lastIndexOf(ret[1]);
        if (at >= 0) {
          running.length = at;
          resume = true;
        } else if (base.key.endsWith(`: ${ret[1]}`)) {
          base = { key: `after ${base.key}`, title: `after ${base.title}` };
          resume = true;
        }
      }
      segKey = 'events';
      segTitle = '';
    }
    const u = unit as TraceUnit | null;
    let s = seg as TraceSegment | null;
    if (s === null || s.key !== segKey) {
      s = { key: segKey, title: segTitle, items: [] };
      u!.segments.push(s);
      seg = s;
    }
    s.items.push(...pending, itemOf(r));
    pending = [];
    // The driver's dispatch ends with its entry point's return.
    if (smi && driver !== null && r.status !== undefined && r.text.startsWith(`${driver}: entry point returned`)) driver = null;
  }
  tail.push(...pending);
  if (tail.length > 0) units.push({ key: 'console output', title: 'console output', segments: [{ key: 'output', title: '', items: tail }] });
  return units;
}
