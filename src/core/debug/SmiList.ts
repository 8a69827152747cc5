/**
 * Every SMI of the session, the boot's included (PEI's relocation IPIs, the first-SMI init, each
 * Communicate of DXE, the user's SW SMIs), with the session event numbers where it starts and
 * ends, so the console's `smis` and the page's SMI list can reopen any of them (the debugger
 * replays to its first event). The debugger feeds it every event it records or replays; it keeps
 * the SmiSummary objects the machine wrote (finished ones never change again).
 */

import type { SmiKind, SmiSummary } from '../pi/SmiRecord';
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
  return groupOf(r.kind, r.note, r.communicate);
}

function groupOf(kind: SmiKind, note: string, communicate: string | null): SmiGroup {
  if (kind === 'smi-ipi') return /relocat/i.test(note) ? 'relocation' : /first.?smi/i.test(note) ? 'first-smi' : 'ipi';
  if (kind === 'communicate') return communicate !== null && /Variable|VarCheck/i.test(communicate) ? 'variable' : 'communicate';
  return 'sw';
}

/** One line of `smis`, and the label of a row in the page's list. */
export function smiLabel(r: SmiSummary): string {
  if (r.kind === 'smi-ipi') return `SMI IPI from CPU${r.cpu}: ${r.note}`;
  if (r.kind === 'communicate') return `Communicate ${r.communicate ?? '?'} from CPU${r.cpu}`;
  const cmd = '0x' + r.command.toString(16).toUpperCase().padStart(2, '0');
  const data = '0x' + r.data.toString(16).toUpperCase().padStart(2, '0');
  return `SW SMI ${cmd} (data ${data}) from CPU${r.cpu}`;
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

export class SmiList {
  private entries: SmiListEntry[] = [];
  /** The SMI in progress (the machine's currentSmi object the last event belonged to). */
  private cur: SmiSummary | null = null;

  /**
   * Event `seq` was recorded or replayed while the machine's SMI in progress was `smi`.
   * Returns 1 when the event starts an SMI, 2 when it is the SMI's last one, else 0.
   */
  track(smi: SmiSummary | null, seq: number): 0 | 1 | 2 {
    if (smi === null) {
      this.cur = null;
      return 0;
    }
    let r: 0 | 1 | 2 = 0;
    if (smi !== this.cur) {
      this.cur = smi;
      this.entries.push({ rec: smi, start: seq, end: 0 });
      r = 1;
    }
    if (smi.finished) {
      const e = this.entries[this.entries.length - 1];
      if (e.end === 0) {
        e.end = seq;
        return 2;
      }
    }
    return r;
  }

  /**
   * The machine was put back to event `pos` (a checkpoint; the events after it get replayed):
   * forget the SMIs that start after it; an SMI that was in progress at `pos` continues in the
   * restored state's record `live`.
   */
  rewindTo(pos: number, live: SmiSummary | null): void {
    let n = this.entries.length;
    while (n > 0 && this.entries[n - 1].start > pos) n--;
    this.entries.length = n;
    const last = this.entries[n - 1];
    if (last !== undefined && (last.end === 0 || last.end > pos) && live !== null) {
      last.rec = live;
      last.end = 0;
      this.cur = live;
    } else this.cur = live;
  }

  /** Entries recorded (a view's cue to ask for the list again). */
  get count(): number {
    return this.entries.length;
  }

  /** The SMIs that were raised (an APM write that raised none is left out), oldest first. */
  all(): SmiListEntry[] {
    return this.entries.filter((e) => e.rec.raised && e.rec.number > 0);
  }

  /** Whether an SMI starts at session event `seq`. */
  startsAt(seq: number): boolean {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const st = this.entries[i].start;
      if (st === seq) return true;
      if (st < seq) return false;
    }
    return false;
  }

  /** The entry of SMI number `n`, if it is still in the list. */
  byNumber(n: number): SmiListEntry | undefined {
    return this.entries.find((e) => e.rec.number === n && e.rec.raised);
  }

  /** A copy for a cached boot (the entries are shared; the records in them are finished). */
  copy(): SmiList {
    const c = new SmiList();
    c.entries = this.entries.map((e) => ({ ...e }));
    c.cur = null;
    return c;
  }
}
