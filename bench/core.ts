/**
 * Core benchmarks, run in Node from an esbuild bundle of this file (the same minified-free ESM the
 * worker runs, without tsx's per-module wrappers): SW SMIs per second through the whole lifecycle,
 * and the worker's per-step message size (structured-clone bytes, v8.serialize = postMessage's format).
 */

import { serialize } from 'node:v8';
import { Session } from '../src/core/console/Session';
import { smiLifecycle } from '../src/core/system/SmiLifecycle';
import { type PortWrite } from '../src/core/machine/IoBus';
import { bootOvmf, createOvmfMachine } from '../src/core/system/OvmfBoot';
import { ovmfConfig } from '../src/core/profiles/ovmf';
export { platformBootMs, platformSmiCost } from './platforms';

export interface SmiRate {
  cpus: number;
  smisPerSecond: number;
  microsPerSmi: number;
}

const WRITES: PortWrite[] = [
  { port: 0xb3, value: 0x00, width: 1, by: 'bench' },
  { port: 0xb2, value: 0x04, width: 1, by: 'bench' },
];

/** SW SMI 0x04 (CpuHotplugSmm's root handler) from CPU 0, broadcast to every CPU, RSM on all. */
export function smiRate(cpus: number, millis: number): SmiRate {
  const s = Session.create({ cpus });
  const m = s.m;
  const before = m.s.cpus[0].smiCount;
  const run = () => {
    const g = smiLifecycle(m, { cpu: 0, writes: WRITES });
    while (!g.next().done) {
      /* drain */
    }
  };
  for (let i = 0; i < 200; i++) run(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < millis) {
    for (let i = 0; i < 50; i++) run();
    n += 50;
    t = performance.now();
  }
  const seconds = (t - t0) / 1000;
  if (m.s.cpus[cpus - 1].smiCount - before !== n + 200) throw new Error('bench: not every CPU took every SMI');
  // With one possible CPU, CpuHotplugSmm unloads itself (facts §4.5): the root list is empty.
  if (cpus > 1 && m.s.lastSmi?.handlersCalled[0]?.returned !== 'EFI_SUCCESS') throw new Error('bench: CpuHotplugMmi did not handle 0x04');
  return { cpus, smisPerSecond: n / seconds, microsPerSmi: (seconds * 1e6) / n };
}

export interface MessageSize {
  cpus: number;
  steps: number;
  firstBytes: number;
  maxStepBytes: number;
  meanStepBytes: number;
}

/** Bytes of each message the worker posts while stepping one SMI phase by phase (after the first frame). */
export function messageSizes(cpus: number): MessageSize {
  const s = Session.create({ cpus });
  const req = { selectedCpu: 1, hexAddress: s.m.s.config.tsegBase + s.m.s.config.tsegSize - 0x1000, hexLength: 256 };
  // What the worker posts per command: one 'batch' of output, new serial lines and the snapshot.
  const batch = (id: number, r: { lines: string[]; error: boolean }) => {
    const log = s.drainLog();
    return serialize({
      type: 'batch',
      messages: [
        { type: 'output', id, lines: r.lines, error: r.error },
        ...(log.lines.length ? [{ type: 'log', ...log }] : []),
        { type: 'snapshot', snapshot: s.view(req) },
      ],
    }).length;
  };
  const first = batch(0, { lines: [], error: false });
  const sizes: number[] = [];
  sizes.push(batch(1, s.exec('smi 0x04 --cpu 1')));
  for (let id = 2; s.run; id++) sizes.push(batch(id, s.exec('step')));
  return {
    cpus,
    steps: sizes.length,
    firstBytes: first,
    maxStepBytes: Math.max(...sizes),
    meanStepBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length),
  };
}

export interface BootTime {
  cpus: number;
  msPerBoot: number;
  smis: number;
  events: number;
}

/**
 * The whole headless boot (power-on to the OS: SMM bring-up, the DXE phase's ~520 Communicate SMIs,
 * ExitBootServices), as Session.create() / `platform` / `reset` run it: events drained, not recorded.
 */
export function bootTime(cpus: number, millis: number): BootTime {
  let smis = 0;
  let events = 0;
  const once = () => {
    const m = createOvmfMachine(ovmfConfig({ cpus }));
    const g = bootOvmf(m);
    let n = 0;
    while (!g.next().done) n++;
    smis = m.s.smiSeq;
    events = n;
  };
  for (let i = 0; i < 3; i++) once(); // warm-up
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (n < 3 || t - t0 < millis) {
    once();
    n++;
    t = performance.now();
  }
  if (smis < 500) throw new Error(`bench: the boot made only ${smis} SMIs`);
  return { cpus, msPerBoot: (t - t0) / n, smis, events };
}

export { userPath, userPathParts, type UserPath, type UserPathParts } from './user';
export { backAt, checkpointCost, type BackCost, type CheckpointCost } from './history';
export { cCompileMillis, cHandlerCallCost, cHandlerCost, cStatementsPerSecond } from './smmc';
