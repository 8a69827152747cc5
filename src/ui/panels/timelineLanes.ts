/**
 * The timeline's lanes: the platform lane, one lane per CPU, and at 64 / 256 CPUs lanes folded
 * together: CPUs whose events in the shown SMI are the same phases at the same times (the same
 * phase runs of the ruler, event for event) share one lane, "62 APs waiting". The OUT CPU and
 * the SMM BSP always keep a lane of their own.
 */

import type { CpuActivity, CpuView, TimelineEvent } from '../../protocol/messages';

export type Lane =
  | { kind: 'platform' }
  | { kind: 'cpu'; cpu: CpuView }
  /** `cpus` ascending; `key` (the first of them) names the group for expanding it. */
  | { kind: 'group'; cpus: number[]; key: number; label: string };

export interface LaneModel {
  lanes: Lane[];
  /** CPU index -> its lane. */
  laneOf: Int32Array;
}

/** What a folded lane says its CPUs are doing. */
const GROUP_DOING: Record<CpuActivity, string> = {
  os: 'in the OS',
  'smi-pending': 'SMI pending',
  'saving-state': 'saving',
  rendezvous: 'checked in',
  bsp: 'as BSP',
  'ap-wait': 'waiting',
  released: 'released',
  rsm: 'after RSM',
  hung: 'hung',
};

/** "CPU 1–199, 201–255" */
export function cpuRanges(cpus: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j] + 1) j++;
    parts.push(j === i ? `${cpus[i]}` : `${cpus[i]}–${cpus[j]}`);
    i = j + 1;
  }
  return `CPU ${parts.join(', ')}`;
}

function groupLabel(members: number[], cpus: readonly CpuView[], hasBsp: boolean): string {
  const a = cpus[members[0]].activity;
  const same = members.every((c) => cpus[c].activity === a);
  const who = hasBsp ? 'APs' : 'CPUs';
  return same ? `${members.length} ${who} ${GROUP_DOING[a]}` : `${members.length} ${who} alike`;
}

/** One lane per CPU (nothing folded). */
export function plainLanes(cpus: readonly CpuView[]): LaneModel {
  const lanes: Lane[] = [{ kind: 'platform' }];
  const laneOf = new Int32Array(cpus.length);
  for (const c of cpus) {
    laneOf[c.index] = lanes.length;
    lanes.push({ kind: 'cpu', cpu: c });
  }
  return { lanes, laneOf };
}

/**
 * Lanes with identical CPUs folded (`expanded` lists groups, by key, shown CPU by CPU). Two CPUs
 * are identical when their events fall in the same phase runs, one for one. A group lies where
 * its first CPU would.
 */
export function foldedLanes(cpus: readonly CpuView[], events: readonly TimelineEvent[], expanded: ReadonlySet<number>): LaneModel {
  const n = cpus.length;
  // Phase run of each event (the ruler's runs: consecutive events in one phase).
  const sig: string[] = new Array(n).fill('');
  let run = -1;
  let prev: TimelineEvent['phase'] | null = null;
  for (const e of events) {
    if (e.phase !== prev) {
      run++;
      prev = e.phase;
    }
    if (e.cpu >= 0 && e.cpu < n) sig[e.cpu] += `${run},`;
  }
  const byKey = new Map<string, number[]>();
  for (let c = 0; c < n; c++) {
    if (cpus[c].isBsp || cpus[c].isOutCpu) continue;
    const k = `${cpus[c].activity}|${sig[c]}`;
    const g = byKey.get(k);
    if (g) g.push(c);
    else byKey.set(k, [c]);
  }
  const groupOf = new Int32Array(n).fill(-1);
  const groups: number[][] = [];
  for (const g of byKey.values()) {
    if (g.length < 2 || expanded.has(g[0])) continue;
    for (const c of g) groupOf[c] = groups.length;
    groups.push(g);
  }
  const hasBsp = cpus.some((c) => c.isBsp);
  const lanes: Lane[] = [{ kind: 'platform' }];
  const laneOf = new Int32Array(n);
  const groupLane = new Int32Array(groups.length).fill(-1);
  for (let c = 0; c < n; c++) {
    const g = groupOf[c];
    if (g < 0) {
      laneOf[c] = lanes.length;
      lanes.push({ kind: 'cpu', cpu: cpus[c] });
    } else {
      if (groupLane[g] < 0) {
        groupLane[g] = lanes.length;
        lanes.push({ kind: 'group', cpus: groups[g], key: groups[g][0], label: groupLabel(groups[g], cpus, hasBsp) });
      }
      laneOf[c] = groupLane[g];
    }
  }
  return { lanes, laneOf };
}
