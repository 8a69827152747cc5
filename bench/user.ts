/**
 * The path users take, measured beside the core loop in one run (bench/core.ts bundles this file):
 * per software SMI 0x05 (broadcast; CpuHotplugSmm answers QUIESCED, the peer workload),
 *  - core: the SMI lifecycle generator drained, nothing recorded (what bench/core.ts's smiRate does);
 *  - run:  Session.exec('smi 0x05 --run'), the CLI's and a session replay's path;
 *  - step: what the worker does for `smi 0x05` then `continue` (F5): exec both lines, run the
 *          pending slices (runSlice) while busy, and build the ViewSnapshot it posts after each line.
 * Core and user path alternate in short rounds so that load from other processes hits both alike;
 * each figure is the median round.
 */

import { runConsoleLine } from '../src/core/console/Console';
import { Session } from '../src/core/console/Session';
import { smiLifecycle } from '../src/core/system/SmiLifecycle';
import type { PortWrite } from '../src/core/machine/IoBus';
import type { ViewRequest } from '../src/core/debug/ViewTypes';

const WRITES_05: PortWrite[] = [
  { port: 0xb3, value: 0x00, width: 1, by: 'bench' },
  { port: 0xb2, value: 0x05, width: 1, by: 'bench' },
];

export interface UserPath {
  cpus: number;
  coreUs: number;
  runUs: number;
  stepUs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** µs per call of `fn`, run for about `millis` ms (at least `min` calls). */
function timeIt(fn: () => void, millis: number, min = 3): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (n < min || t - t0 < millis) {
    fn();
    n++;
    if ((n & 7) === 0 || n < min) t = performance.now();
  }
  t = performance.now();
  return ((t - t0) * 1000) / n;
}

/** The core loop: SW SMI 0x05 from CPU 0, its lifecycle generator drained, nothing recorded. */
function drainSmi(m: Parameters<typeof smiLifecycle>[0]): void {
  const g = smiLifecycle(m, { cpu: 0, writes: WRITES_05 });
  while (!g.next().done) {
    /* drain */
  }
}

export function userPath(cpus: number, millis: number, rounds = 5): UserPath {
  const core = Session.create({ cpus });
  const m = core.m;
  const coreSmi = () => drainSmi(m);
  const run = Session.create({ cpus });
  run.setMapMarks(false); // as the CLI runs it (src/cli/run.ts): nobody views it
  const runBefore = run.m.s.cpus[cpus - 1].smiCount;
  let runCalls = 0;
  const runSmi = () => {
    runCalls++;
    const r = run.exec('smi 0x05 --run');
    if (r.error) throw new Error(r.lines.join(' '));
  };
  const step = Session.create({ cpus });
  const req: ViewRequest = { selectedCpu: Math.min(1, cpus - 1), hexAddress: step.m.s.config.tsegBase, hexLength: 256 };
  step.view(req);
  const stepSmi = () => {
    step.exec('smi 0x05');
    step.view(req);
    step.exec('continue');
    while (step.busy()) step.runSlice(2000);
    step.view(req);
    if (step.run) throw new Error('bench: continue did not finish the SMI');
  };
  for (let i = 0; i < 50; i++) {
    coreSmi();
    runSmi();
    stepSmi();
  }
  const per = millis / rounds / 3;
  const c: number[] = [];
  const r: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < rounds; i++) {
    c.push(timeIt(coreSmi, per));
    r.push(timeIt(runSmi, per));
    s.push(timeIt(stepSmi, per));
  }
  if (run.m.s.cpus[cpus - 1].smiCount - runBefore !== runCalls) throw new Error('bench: not every CPU took every SMI of the user path');
  if (run.m.s.lastSmi?.command !== 0x05 || !run.m.s.lastSmi.finished) throw new Error('bench: smi 0x05 --run did not finish');
  return { cpus, coreUs: median(c), runUs: median(r), stepUs: median(s) };
}

export interface UserPathParts {
  cpus: number;
  coreUs: number;
  /** Debugger.startRun of the same SMI, run to its end: the core plus recording (timeline, phases, SMI list, history). */
  recordedUs: number;
  /** runConsoleLine('smi 0x05 --run'): plus the `smi` command (arguments, output lines). */
  commandUs: number;
  /** Session.exec: plus the console line around it (the memory barrier's new epoch, the command history). */
  lineUs: number;
}

/**
 * Where the run path's time goes beyond the core, one layer at a time, in alternating rounds
 * (medians): each layer's figure includes the ones below it. All sessions keep no changed-byte
 * marks, as the CLI runs them.
 */
export function userPathParts(cpus: number, millis: number, rounds = 7): UserPathParts {
  const mk = () => {
    const s = Session.create({ cpus });
    s.setMapMarks(false);
    return s;
  };
  const [core, rec, cmd, line] = [mk(), mk(), mk(), mk()];
  const start = { kind: 'lifecycle' as const, describe: 'smi 0x05', make: (m: Parameters<typeof smiLifecycle>[0]) => smiLifecycle(m, { cpu: 0, writes: WRITES_05 }), onDone: () => [] as string[] };
  const fns = [
    () => drainSmi(core.m),
    () => void rec.startRun(start, false),
    () => void runConsoleLine(cmd, 'smi 0x05 --run'),
    () => void line.exec('smi 0x05 --run'),
  ];
  for (let i = 0; i < 50; i++) for (const fn of fns) fn();
  const per = millis / rounds / fns.length;
  const xs: number[][] = fns.map(() => []);
  for (let i = 0; i < rounds; i++) fns.forEach((fn, k) => xs[k].push(timeIt(fn, per)));
  const [coreUs, recordedUs, commandUs, lineUs] = xs.map(median);
  return { cpus, coreUs, recordedUs, commandUs, lineUs };
}
