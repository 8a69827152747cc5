/**
 * The timeline of the run in progress (or the last one): its most recent events, oldest first,
 * kept as the events themselves (their text is formatted when someone reads it, not when they
 * are recorded). Event i has the session event number firstSeq + i.
 */

import type { TraceEvent } from '../pi/Fw';
import type { TimelineEvent } from './ViewTypes';

/** The timeline keeps at most this many events (the most recent ones). */
export const TIMELINE_LIMIT = 5000;

export class Timeline {
  events: TraceEvent[] = [];
  firstSeq = 1;
  /** Bumped whenever events are dropped or replaced (the UI then reloads it). */
  epoch = 0;

  /** Empties it; the next event pushed has number `nextSeq`. */
  clear(nextSeq: number): void {
    this.events = [];
    this.firstSeq = nextSeq;
    this.epoch++;
  }

  push(e: TraceEvent): void {
    const tl = this.events;
    tl.push(e);
    if (tl.length > TIMELINE_LIMIT + (TIMELINE_LIMIT >> 2)) {
      const cut = tl.length - TIMELINE_LIMIT;
      tl.splice(0, cut);
      this.firstSeq += cut;
      this.epoch++;
    }
  }

  /** The event numbered `seq`, if the timeline still holds it. */
  at(seq: number): TraceEvent | undefined {
    return this.events[seq - this.firstSeq];
  }

  /** Number of the newest event before `seq` that satisfies `test` (looking back at most `limit` events), or 0. */
  findBack(seq: number, test: (e: TraceEvent, seq: number) => boolean, limit = Infinity): number {
    for (let q = seq - 1, n = 0; q >= this.firstSeq && n < limit; q--, n++) {
      const e = this.events[q - this.firstSeq];
      if (e !== undefined && test(e, q)) return q;
    }
    return 0;
  }

  /**
   * The events with number > `seq`, as plain data. Only the newest `withText` of them get their
   * text (formatting it is most of what an event costs); the others are marked `textLater`.
   */
  after(seq: number, withText = Infinity): TimelineEvent[] {
    const tl = this.events;
    const from = Math.max(0, seq + 1 - this.firstSeq);
    const out: TimelineEvent[] = new Array(Math.max(0, tl.length - from));
    const textFrom = tl.length - withText;
    for (let i = from; i < tl.length; i++) {
      const e = tl[i];
      out[i - from] =
        i >= textFrom
          ? { seq: this.firstSeq + i, phase: e.phase, cpu: e.cpu, text: e.text, level: e.level }
          : { seq: this.firstSeq + i, phase: e.phase, cpu: e.cpu, text: '', level: e.level, textLater: true };
    }
    return out;
  }

  /** The texts of events `seqs` (those still held), as [seq, text]. */
  texts(seqs: readonly number[]): [number, string][] {
    const out: [number, string][] = [];
    for (const seq of seqs) {
      const e = this.events[seq - this.firstSeq];
      if (e !== undefined && Number.isInteger(seq)) out.push([seq, e.text]);
    }
    return out;
  }

  /** A copy that shares the (never changed) events. */
  copy(): Timeline {
    const t = new Timeline();
    t.events = this.events.slice();
    t.firstSeq = this.firstSeq;
    return t;
  }
}
