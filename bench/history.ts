/**
 * Checkpoints and history: what the checkpoint at the start of an SMI costs (µs, bytes), and how a
 * long session behaves: `back` latency at event 100 000 and the memory the session holds.
 */

import { serialize } from 'node:v8';
import { Session } from '../src/core/console/Session';

export interface CheckpointCost {
  cpus: number;
  /** The checkpoint the debugger takes at the start of an SMI, one SMI after the previous one. */
  us: number;
  bytes: number;
  /** A full copy of the machine (structuredClone), for comparison. */
  fullUs: number;
  fullBytes: number;
}

interface CheckpointApi {
  /** Present once checkpoints are incremental: take one now, return its size in bytes. */
  checkpointNow?: () => number;
}

/** The machine's size as a structured clone: its pages (4 KiB each; they may share larger buffers) and everything else. */
function machineBytes(s: Session): number {
  const { mem, ...rest } = s.m.s;
  return mem.pages.size * 4096 + serialize(rest).length;
}

export function checkpointCost(cpus: number, reps = 200): CheckpointCost {
  const s = Session.create({ cpus });
  s.exec('smi 0x05 --run');
  const api = s as unknown as CheckpointApi;
  let us: number;
  let bytes: number;
  let t = 0;
  if (api.checkpointNow) {
    bytes = 0;
    for (let i = 0; i < reps; i++) {
      s.exec('smi 0x05 --run');
      const t0 = performance.now();
      bytes += api.checkpointNow();
      t += performance.now() - t0;
    }
    us = (t * 1000) / reps;
    bytes = Math.round(bytes / reps);
  } else {
    for (let i = 0; i < reps; i++) {
      s.exec('smi 0x05 --run');
      const t0 = performance.now();
      structuredClone(s.m.s);
      t += performance.now() - t0;
    }
    us = (t * 1000) / reps;
    bytes = machineBytes(s);
  }
  const n = Math.max(5, Math.round(reps / 10));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) structuredClone(s.m.s);
  const fullUs = ((performance.now() - t0) * 1000) / n;
  return { cpus, us, bytes, fullUs, fullBytes: machineBytes(s) };
}

export interface BackCost {
  cpus: number;
  events: number;
  smis: number;
  /** ms to build the session (the SMIs through `smi 0x05 --run`). */
  buildMs: number;
  /** `back 10` inside the SMI in progress at the end: median and max ms. */
  backMs: number;
  backMaxMs: number;
  /** `back --to N` from the end to 10%, 50%, 90% of the session (when the debugger has it): median and max ms. */
  farMs: number | null;
  farMaxMs: number | null;
  /** Memory the session holds after a full GC (MB: JS heap + ArrayBuffers), or null when gc is not exposed. */
  heapMb: number | null;
}

function heap(gc: (() => void) | null): number | null {
  if (!gc) return null;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // memory pages are ArrayBuffers, outside the JS heap
}

export function backAt(cpus: number, events: number, gc: (() => void) | null): BackCost {
  Session.create({ cpus }); // the boot cache holds this configuration before the baseline
  const before = heap(gc);
  const t0 = performance.now();
  const s = Session.create({ cpus });
  const start = s.eventSeq;
  let smis = 0;
  while (s.eventSeq - start < events) {
    s.exec('smi 0x05 --run');
    smis++;
  }
  s.exec('smi 0x05');
  s.exec('step event 20');
  const buildMs = performance.now() - t0;
  const total = s.eventSeq - start;
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const a = performance.now();
    const r = s.exec('back 10');
    times.push(performance.now() - a);
    if (r.error) throw new Error(r.lines.join(' '));
    s.exec('step event 10');
  }
  times.sort((a, b) => a - b);
  const after = heap(gc);
  const heapMb = before !== null && after !== null ? (after - before) / 1e6 : null;
  // `back --to N` from the end of a fresh session of the same length to 10%, 50% and 90% of it.
  let farMs: number | null = null;
  let farMaxMs: number | null = null;
  if (s.exec('help back').lines.join(' ').includes('--to')) {
    const far: number[] = [];
    for (const k of [0.1, 0.5, 0.9]) {
      const f = Session.create({ cpus });
      const base = f.eventSeq;
      while (f.eventSeq - base < events) f.exec('smi 0x05 --run');
      f.exec('smi 0x05');
      f.exec('step event 20');
      const target = base + Math.round(total * k);
      const a = performance.now();
      const r = f.exec(`back --to ${target}`);
      far.push(performance.now() - a);
      if (r.error || f.eventSeq !== target) throw new Error(`back --to ${target}: ${r.lines.join(' ')} (at ${f.eventSeq})`);
    }
    far.sort((a, b) => a - b);
    farMs = far[1];
    farMaxMs = far[2];
  }
  return { cpus, events: total, smis, buildMs, backMs: times[times.length >> 1], backMaxMs: times[times.length - 1], farMs, farMaxMs, heapMb };
}
