/** What a phase step prints under its last event: the step's events (debug/Debugger `advance`). */

import type { TraceEvent } from '../pi/Fw';

/** The events one phase step ran, under its last event's line (the first and last ones when there are many). */
export function phaseEventLines(events: readonly TraceEvent[]): string[] {
  const n = events.length;
  const line = (i: number) => `  ${String(i + 1).padStart(String(n).length)}/${n} [${events[i].phase}] ${events[i].text}`;
  const out = [`  the ${n} events of this step:`];
  if (n <= PHASE_LIST_MAX) for (let i = 0; i < n; i++) out.push(line(i));
  else {
    for (let i = 0; i < PHASE_LIST_HEAD; i++) out.push(line(i));
    out.push(`  … ${n - PHASE_LIST_MAX + 1} more (the page's timeline lists every one; \`step event\` walks them)`);
    for (let i = n - (PHASE_LIST_MAX - PHASE_LIST_HEAD - 1); i < n; i++) out.push(line(i));
  }
  return out;
}

/**
 * At most this many lines list a phase step's events (the first PHASE_LIST_HEAD, then the last
 * ones): the terminal stays readable at 256 CPUs, where one phase runs hundreds of events.
 */
const PHASE_LIST_MAX = 16;
const PHASE_LIST_HEAD = 5;
