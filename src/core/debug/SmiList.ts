/**
 * Every SMI of the session, the boot's included (PEI's relocation IPIs, the first-SMI init, each
 * Communicate of DXE, the user's SW SMIs), with the session event numbers where it starts and
 * ends, so the console's `smis` and the page's SMI list can reopen any of them (the debugger
 * replays to its first event). The debugger feeds it every event it records or replays; it keeps
 * the SmiSummary objects the machine wrote (finished ones never change again).
 */

import { hex } from '../pi/Fw';
import type { SmiSummary } from '../pi/SmiRecord';
import type { SmiListRow } from './ViewTypes';

export interface SmiListEntry {
  rec: SmiSummary;
  /** Session event number of the SMI's first event. */
  start: number;
  /** Session event number of its last event (0 while it runs). */
  end: number;
}

/** How the list groups SMIs (the real boot makes ~500 variable requests: grouped, they read). */
export type SmiGroup = SmiListRow['group'];

export const SMI_GROUP_TEXT: Record<SmiGroup, string> = {
  relocation: 'SMBASE relocation (PEI, SmmRelocationLib SMI IPIs)',
  'first-smi': 'first-SMI init (PiSmmCpuDxeSmm ExecuteFirstSmiInit)',
  ipi: 'other SMI IPIs (SmmWaitForApArrival)',
  communicate: 'Communicate (PiSmmIpl: DXE dispatch, EndOfDxe, ReadyToLock, ...)',
  variable: 'Communicate to the variable driver (gEfiSmmVariableProtocolGuid, VarCheckPolicy)',
  sw: 'software SMIs (OUT to 0xB2)',
};

export function smiGroup(r: SmiSummary): SmiGroup {
  if (r.kind === 'smi-ipi') return r.ipiPurpose ?? 'ipi';
  if (r.kind === 'communicate') return r.communicate !== null && /Variable|VarCheck/i.test(r.communicate) ? 'variable' : 'communicate';
  return 'sw';
}

/** One line of `smis`, and the label of a row in the page's list. */
export function smiLabel(r: SmiSummary): string {
  if (r.kind === 'smi-ipi') return `SMI IPI from CPU${r.cpu}: ${r.note}`;
  if (r.kind === 'communicate') return `Communicate ${r.communicate ?? '?'} from CPU${r.cpu}`;
  return `SW SMI ${hex(r.command, 2)} (data ${hex(r.data, 2)}) from CPU${r.cpu}`;
}

/** The list as the page shows it (SmiListRow, plain data). */
export function smiListRows(list: SmiList, bootEvents: number): SmiListRow[] {
  return list.all().map((e) => ({
    number: e.rec.number,
    group: smiGroup(e.rec),
    label: smiLabel(e.rec),
    start: e.start,
    end: e.end,
    boot: bootEvents === 0 || e.start <= bootEvents,
    bsp: e.rec.bsp,
    calls: e.rec.handlersCalled.map((h) => `${h.handler} -> ${h.returned}`).join(', '),
  }));
}

/** A finished SMI as the list keeps it: what `smiLabel` and the rows need (shared by equal SMIs). */
type SmiDesc = Pick<SmiSummary, 'kind' | 'command' | 'data' | 'cpu' | 'bsp' | 'communicate' | 'note' | 'ipiPurpose' | 'raised' | 'handlersCalled' | 'phasesRun' | 'finished' | 'cpus'>;

function sameDesc(d: SmiDesc, r: SmiSummary): boolean {
  if (d.kind !== r.kind || d.command !== r.command || d.data !== r.data || d.cpu !== r.cpu || d.bsp !== r.bsp || d.communicate !== r.communicate || d.note !== r.note) return false;
  const a = d.handlersCalled;
  const b = r.handlersCalled;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].handler !== b[i].handler || a[i].module !== b[i].module || a[i].returned !== b[i].returned) return false;
  return true;
}

/**
 * The list is kept in columns (a long session adds a few numbers per SMI); finished SMIs share
 * one description per distinct SMI (the boot's ~500 variable requests are a handful of
 * descriptions). At most MAX_ENTRIES are kept: the oldest fall off, as the history forgets its
 * oldest operations.
 */
export class SmiList {
  private num = new Float64Array(64);
  private start = new Float64Array(64);
  private end = new Float64Array(64);
  private desc: (SmiDesc | null)[] = [];
  private n = 0;
  /** The SMI in progress (the machine's currentSmi object the last event belonged to) and its row. */
  private cur: SmiSummary | null = null;
  private descs: SmiDesc[] = [];

  static MAX_ENTRIES = 100_000;

  /**
   * Event `seq` was recorded or replayed while the machine's SMI in progress was `smi`.
   * Returns 1 when the event starts an SMI, 2 when it is the SMI's last one, else 0.
   */
  track(smi: SmiSummary | null, seq: number): 0 | 1 | 2 {
    if (smi === this.cur) {
      if (smi === null || !smi.finished || this.end[this.n - 1] !== 0) return 0;
      this.end[this.n - 1] = seq;
      this.close();
      return 2;
    }
    this.close();
    this.cur = smi;
    if (smi === null) return 0;
    if (this.n === this.num.length) this.grow();
    const i = this.n++;
    this.num[i] = smi.number;
    this.start[i] = seq;
    this.end[i] = 0;
    this.desc[i] = null;
    if (smi.finished) {
      this.end[i] = seq;
      this.close();
      return 2;
    }
    return 1;
  }

  /** The SMI in progress is over (or left behind): keep its description, or drop it when it raised no SMI. */
  private close(): void {
    const r = this.cur;
    if (r === null) return;
    const i = this.n - 1;
    if (this.desc[i] !== null) return;
    if (!r.finished) return; // still running (paused, hung): the live record stands in
    if (!r.raised || r.number === 0) {
      this.n--;
      this.desc.length = this.n;
      return;
    }
    this.num[i] = r.number;
    this.desc[i] = this.describe(r);
    if (this.n > SmiList.MAX_ENTRIES) this.forget(this.n >> 1);
  }

  private describe(r: SmiSummary): SmiDesc {
    const last = this.descs[this.descs.length - 1];
    if (last !== undefined && sameDesc(last, r)) return last;
    for (let i = this.descs.length - 2; i >= Math.max(0, this.descs.length - 16); i--) if (sameDesc(this.descs[i], r)) return this.descs[i];
    const d: SmiDesc = {
      kind: r.kind,
      command: r.command,
      data: r.data,
      cpu: r.cpu,
      bsp: r.bsp,
      communicate: r.communicate,
      note: r.note,
      ipiPurpose: r.ipiPurpose,
      raised: r.raised,
      handlersCalled: r.handlersCalled.map((h) => ({ ...h })),
      phasesRun: [],
      finished: true,
      cpus: [],
    };
    this.descs.push(d);
    if (this.descs.length > 4096) this.descs.splice(0, 2048);
    return d;
  }

  private grow(): void {
    const g = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.num = g(this.num);
    this.start = g(this.start);
    this.end = g(this.end);
  }

  private forget(k: number): void {
    this.num.copyWithin(0, k, this.n);
    this.start.copyWithin(0, k, this.n);
    this.end.copyWithin(0, k, this.n);
    this.desc.splice(0, k);
    this.n -= k;
  }

  /**
   * The machine was put back to event `pos` (a checkpoint; the events after it get replayed):
   * forget the SMIs that start after it; an SMI that was in progress at `pos` continues in the
   * restored state's record `live`.
   */
  rewindTo(pos: number, live: SmiSummary | null): void {
    let n = this.n;
    while (n > 0 && this.start[n - 1] > pos) n--;
    this.n = n;
    this.desc.length = n;
    this.cur = live;
    if (n > 0 && live !== null && (this.end[n - 1] === 0 || this.end[n - 1] > pos)) {
      this.end[n - 1] = 0;
      this.desc[n - 1] = null;
    } else if (live !== null) this.cur = null; // not the last row's SMI: track starts a row for it
  }

  /** Entries recorded (a view's cue to ask for the list again). */
  get count(): number {
    return this.n;
  }

  private entry(i: number): SmiListEntry | null {
    const d = this.desc[i];
    const rec = d ? ({ ...d, number: this.num[i] } as SmiSummary) : this.cur;
    return rec === null ? null : { rec, start: this.start[i], end: this.end[i] };
  }

  /** The SMIs that were raised (an APM write that raised none is left out), oldest first. */
  all(): SmiListEntry[] {
    const out: SmiListEntry[] = [];
    for (let i = 0; i < this.n; i++) {
      const e = this.entry(i);
      if (e !== null && e.rec.raised && e.rec.number > 0) out.push(e);
    }
    return out;
  }

  /** Whether an SMI starts at session event `seq`. */
  startsAt(seq: number): boolean {
    for (let i = this.n - 1; i >= 0; i--) {
      const st = this.start[i];
      if (st === seq) return true;
      if (st < seq) return false;
    }
    return false;
  }

  /** The entry of SMI number `n`, if it is still in the list. */
  byNumber(n: number): SmiListEntry | undefined {
    for (let i = this.n - 1; i >= 0; i--) if (this.num[i] === n) {
      const e = this.entry(i);
      return e !== null && e.rec.raised ? e : undefined;
    }
    return undefined;
  }

  /** A copy for a cached boot (descriptions are shared: they never change). */
  copy(): SmiList {
    this.close();
    const c = new SmiList();
    c.num = this.num.slice();
    c.start = this.start.slice();
    c.end = this.end.slice();
    c.desc = this.desc.slice();
    // An SMI still open (a boot that hung inside one) is kept as it is now.
    if (this.n > 0 && c.desc[this.n - 1] === null && this.cur !== null) c.desc[this.n - 1] = structuredClone(this.cur);
    c.n = this.n;
    c.descs = this.descs.slice();
    c.cur = null;
    return c;
  }
}
