/**
 * `npm run bench`: one run prints every figure the README records.
 *  1. Per SW SMI 0x05: the core loop and the path users take (Session `smi --run`, the worker's
 *     `continue`) at 1, 4, 8, 64, 256 CPUs, their ratio, and the QEMU TCG peer figure with ours/theirs
 *     (`--peer` runs ../shared/scripts/peer-bench/qemu-smi-cost.sh now; else bench/peer-qemu.txt or --peer-file FILE).
 *  2. SW SMIs 0x04 per second through the whole lifecycle at 1, 8, 64, 256 CPUs.
 *  3. The checkpoint at the start of an SMI: µs and bytes, beside a full structuredClone.
 *  4. The whole headless boot (ms per boot) at 1, 4, 64, 256 CPUs, and 256 / 4.
 *  5. A session at event 100 000: `back` latency and the heap the session holds.
 *  6. Bytes of the worker's per-step snapshot message at 64 and 256 CPUs.
 *  7. Step-to-screen latency (p95) in Chromium at 64 and 256 CPUs (skip with --no-browser).
 *  8. SMM-C: statements per second, compile time, a C root handler on the SMI path, one C handler call alone.
 *  9. Platforms: the same SW SMI on ovmf, ovmf-swdispatch and pch, and each boot at 4 CPUs.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

async function loadCore(): Promise<typeof import('./core')> {
  const out = join(mkdtempSync(join(tmpdir(), 'smiscope-bench-')), 'core.mjs');
  await build({ entryPoints: [join(root, 'bench/core.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
  return import(pathToFileURL(out).href);
}

async function startPreview(port: number): Promise<ChildProcess> {
  await new Promise<void>((res, rej) => {
    const b = spawn('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    b.on('exit', (c) => (c === 0 ? res() : rej(new Error(`vite build exited ${c}`))));
  });
  const p = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { cwd: root, stdio: 'ignore', detached: true });
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`);
      if (r.ok) return p;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (p.pid) process.kill(-p.pid, 'SIGTERM');
  throw new Error('vite preview did not start within 30 s');
}

/** QEMU TCG figures: `--peer` runs the peer script now; otherwise they come from a file its output was saved to. */
function peerFigures(): { source: string; us: Map<number, number> } | null {
  const us = new Map<number, number>();
  const parse = (text: string) => {
    for (const m of text.matchAll(/qemu-tcg cpus=(\d+) us_per_smi=([\d.]+)/g)) us.set(Number(m[1]), Number(m[2]));
  };
  if (process.argv.includes('--peer')) {
    const script = [process.env.PEER_SCRIPT, join(root, '../shared/scripts/peer-bench/qemu-smi-cost.sh'), join(root, '../../shared/scripts/peer-bench/qemu-smi-cost.sh')].find((p) => p && existsSync(p));
    if (!script) return null;
    const r = spawnSync('bash', [script, '1', '4', '8'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    parse(r.stdout ?? '');
    return us.size ? { source: `measured now by ${script}`, us } : null;
  }
  const i = process.argv.indexOf('--peer-file');
  const file = i >= 0 ? process.argv[i + 1] : join(root, 'bench/peer-qemu.txt');
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  parse(text);
  const when = /on (\d{4}-\d{2}-\d{2})/.exec(text)?.[1];
  return us.size ? { source: `from ${file.startsWith(root) ? file.slice(root.length) : file}${when ? ` (measured ${when})` : ''}`, us } : null;
}

function gcFunction(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

const f = (x: number, d = 2) => x.toFixed(d);

async function main(): Promise<void> {
  const noBrowser = process.argv.includes('--no-browser');
  const browserOnly = process.argv.includes('--browser-only');
  const gc = gcFunction();
  const core = await loadCore();
  const peer = peerFigures();
  console.log('SmiScope benchmark  (node ' + process.version + ', ' + (await import('node:os')).cpus()[0].model + ')');
  if (!browserOnly) coreFigures(core, peer, gc);
  if (noBrowser) return;
  await browserFigures();

}

function coreFigures(core: Awaited<ReturnType<typeof loadCore>>, peer: ReturnType<typeof peerFigures>, gc: (() => void) | null): void {
  console.log('\n1. Per SW SMI 0x05 (broadcast; CpuHotplugSmm answers QUIESCED): the core loop vs the path users take, same run, median of 5 alternating rounds');
  console.log('   core = SMI lifecycle drained; run = Session.exec(\'smi 0x05 --run\'); step = the worker\'s `smi 0x05` + `continue` (F5) with runSlice and a ViewSnapshot per line');
  const users = [1, 4, 8, 64, 256].map((n) => core.userPath(n, n >= 64 ? 3000 : 1500));
  for (const u of users) {
    const q = peer?.us.get(u.cpus);
    const goal = u.cpus <= 64 ? `   user/core <= 1.5: run ${u.runUs / u.coreUs <= 1.5 ? 'met' : 'NOT met'}, step ${u.stepUs / u.coreUs <= 1.5 ? 'met' : 'NOT met'}` : '';
    const vsQemu = q ? `   QEMU TCG ${f(q, 1)} us: run ${f(q / u.runUs, 1)}x, step ${f(q / u.stepUs, 1)}x faster (goal >= 20x: run ${q / u.runUs >= 20 ? 'met' : 'NOT met'}, step ${q / u.stepUs >= 20 ? 'met' : 'NOT met'})` : '';
    console.log(`   ${String(u.cpus).padStart(3)} CPUs: core ${f(u.coreUs).padStart(7)} us   run ${f(u.runUs).padStart(7)} us (${f(u.runUs / u.coreUs)}x)   step ${f(u.stepUs).padStart(7)} us (${f(u.stepUs / u.coreUs)}x)${goal}${vsQemu}`);
  }
  console.log('   where the run path goes beyond the core (each layer includes the ones below it; alternating rounds, medians):');
  for (const n of [1, 4]) {
    const p = core.userPathParts(n, 1400);
    console.log(`   ${String(n).padStart(3)} CPUs: core ${f(p.coreUs)} us; + recording (timeline, phases, SMI list, history) ${f(p.recordedUs)} us (+${f(p.recordedUs - p.coreUs)}); + the smi command ${f(p.commandUs)} us (+${f(p.commandUs - p.recordedUs)}); + the console line ${f(p.lineUs)} us (+${f(p.lineUs - p.commandUs)})`);
  }
  console.log(peer ? `   peer (QEMU TCG + real OVMF, qemu-smi-cost.sh) ${peer.source}: ${[...peer.us].map(([c, u]) => `${c} CPU(s) ${f(u, 1)} us`).join(', ')}` : '   peer not measured (no QEMU figures: run with --peer, or --peer-file FILE with the output of qemu-smi-cost.sh)');

  console.log('\n2. SW SMI 0x04 through the whole lifecycle (OUT 0xB3/0xB2, broadcast SMI#, save state, rendezvous, SmmEntryPoint, CpuHotplugMmi, RSM)');
  const rates = [1, 8, 64, 256].map((n) => core.smiRate(n, 1500));
  for (const r of rates) console.log(`   ${String(r.cpus).padStart(3)} CPUs: ${Math.round(r.smisPerSecond).toLocaleString('en-US').padStart(9)} SMIs/s   ${r.microsPerSmi.toFixed(2).padStart(8)} us/SMI   ${(r.microsPerSmi / r.cpus).toFixed(3)} us/SMI/CPU`);
  const r8 = rates.find((r) => r.cpus === 8)!;
  console.log(`   target at 8 CPUs >= 100,000 SMIs/s: ${r8.smisPerSecond >= 100000 ? 'met' : 'NOT met'}`);

  console.log('\n3. Checkpoint at the start of an SMI (one SMI after the previous checkpoint) vs a full structuredClone of the machine');
  for (const n of [1, 4, 64, 256]) {
    const c = core.checkpointCost(n);
    console.log(`   ${String(n).padStart(3)} CPUs: checkpoint ${f(c.us, 1).padStart(7)} us, ${c.bytes.toLocaleString('en-US').padStart(10)} B   full clone ${f(c.fullUs, 1).padStart(7)} us, ${c.fullBytes.toLocaleString('en-US')} B`);
  }

  console.log('\n4. The whole boot, headless (power-on to the OS: SMM bring-up, every Communicate SMI of the DXE phase, ExitBootServices), as Session.create / platform / reset run it');
  const boots = new Map<number, number>();
  for (const n of [1, 4, 64, 256]) {
    const b = core.bootTime(n, n >= 64 ? 3000 : 1500);
    boots.set(n, b.msPerBoot);
    console.log(`   ${String(n).padStart(3)} CPUs: ${b.msPerBoot.toFixed(1).padStart(7)} ms per boot   (${b.smis} SMIs, ${b.events.toLocaleString('en-US')} events, ${(b.msPerBoot * 1000 / b.smis).toFixed(1)} us per SMI)`);
  }
  const br = boots.get(256)! / boots.get(4)!;
  console.log(`   256 CPUs / 4 CPUs: ${f(br, 1)}x   target < 20x: ${br < 20 ? 'met' : 'NOT met'}`);

  console.log('\n5. A long session: `smi 0x05 --run` until event 100,000, then paused 20 events into one more SMI');
  for (const n of [4, 64]) {
    const b = core.backAt(n, 100_000, gc);
    const far = b.farMs === null ? 'back --to: not available' : `back --to (from the end to 10%/50%/90% of it) median ${f(b.farMs, 1)} ms, max ${f(b.farMaxMs!, 1)} ms`;
    const worst = Math.max(b.backMaxMs, b.farMaxMs ?? 0);
    console.log(`   ${String(n).padStart(3)} CPUs: ${b.events.toLocaleString('en-US')} events in ${b.smis} SMIs (built in ${f(b.buildMs, 0)} ms); back 10: median ${f(b.backMs, 2)} ms, max ${f(b.backMaxMs, 2)} ms; ${far}; session memory (heap + ArrayBuffers) ${b.heapMb === null ? 'not measured (no gc)' : `${f(b.heapMb, 1)} MB`}` +
      `   targets back < 50 ms: ${worst < 50 ? 'met' : 'NOT met'}, memory < 200 MB: ${b.heapMb !== null && b.heapMb < 200 ? 'met' : 'NOT met'}`);
  }

  console.log('\n6. Worker per-step message (structured-clone bytes of the batch: output + serial lines + snapshot), stepping one SMI phase by phase');
  for (const n of [64, 256]) {
    const m = core.messageSizes(n);
    console.log(`   ${String(n).padStart(3)} CPUs: first frame ${m.firstBytes} B (tables, layout, SMRAM map), per step max ${m.maxStepBytes} B, mean ${m.meanStepBytes} B over ${m.steps} steps${n === 64 ? `   target < 65536 B: ${m.maxStepBytes < 65536 ? 'met' : 'NOT met'}` : ''}`);
  }
  smmcFigures(core);
  platformFigures(core);
}

function platformFigures(core: Awaited<ReturnType<typeof loadCore>>): void {
  console.log('\n9. Platforms (issue 8): `smi 0x05 --cpu 2 --run` through a Session on each platform (their SW dispatchers scan every CPU\'s save state), and the headless boot at 4 CPUs');
  const ids = ['ovmf', 'ovmf-swdispatch', 'pch'] as const;
  for (const n of [1, 4, 8, 64]) {
    const us = ids.map((p) => `${p} ${core.platformSmiCost(p, n, n >= 64 ? 600 : 400).toFixed(2).padStart(7)} us`);
    console.log(`   ${String(n).padStart(3)} CPUs: ${us.join('   ')}`);
  }
  const boots = ids.map((p) => {
    const b = core.platformBootMs(p, 4, 800);
    return `${p} ${b.ms.toFixed(1)} ms (${b.smis} SMIs)`;
  });
  console.log(`   boot at 4 CPUs: ${boots.join('   ')}`);
}

function smmcFigures(core: Awaited<ReturnType<typeof loadCore>>): void {
  console.log('\n8. SMM-C: simple statements per second with no breakpoint (UINTN locals in SMRAM bytes), compile time, a C root handler on the SMI path');
  const sp = core.cStatementsPerSecond();
  const mps = sp.statementsPerSecond / 1e6;
  console.log(`   ${sp.statements.toLocaleString('en-US')} statements in ${sp.millis.toFixed(0)} ms: ${mps.toFixed(1)} million statements/s   target >= 20 million: ${mps >= 20 ? 'met' : 'NOT met'}`);
  const cc = core.cCompileMillis();
  console.log(`   compile a driver with 11 shipped headers (preprocess, parse, link): ${cc.millis.toFixed(1)} ms (first, headers not yet tokenized: ${cc.coldMillis.toFixed(1)} ms)`);
  for (const n of [1, 8]) {
    const h = core.cHandlerCost(n, 1600);
    console.log(`   ${String(n).padStart(3)} CPUs: smi 0x05 --run ${h.withoutUs.toFixed(1)} us without, ${h.withUs.toFixed(1)} us with a C root handler (reads 0xB2, QUIESCED): +${h.deltaUs.toFixed(1)} us per SMI (median of 5 alternating rounds)`);
  }
  const one = core.cHandlerCallCost(1200);
  console.log(`   one call of CpuHotplugMmi alone, as SmiManage makes it: ${one.cUs.toFixed(2)} us in SMM-C (the platform's), ${one.tsUs.toFixed(2)} us for the TypeScript handler it replaced`);
}

/** Where the slowest tenth of the steps went (bench/latency.ts tailSplit). */
function tailLine(t: NonNullable<import('./latency').Latency['tail']>): string {
  return `             the slowest tenth (${t.steps} steps), median parts: worker's answer ${t.answer.toFixed(1)} ms, terminal ${t.terminal.toFixed(1)}, React render+commit ${t.react.toFixed(1)}, style+layout ${t.layout.toFixed(1)}`;
}

async function browserFigures(): Promise<void> {
  console.log('\n7. Step-to-screen latency in Chromium (F10 -> answering snapshot committed by React and laid out)');
  const port = Number(process.env.BENCH_PORT ?? 4183); // (4190 is on the fetch spec's blocked-port list)
  const preview = await startPreview(port);
  try {
    const { stepLatency } = await import('./latency');
    const lat = await stepLatency(`http://127.0.0.1:${port}/`, [64, 256], 6);
    for (const l of lat) {
      const target = l.cpus === 64 ? 16 : 50;
      console.log(`   ${String(l.cpus).padStart(3)} CPUs: to laid-out DOM p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms over ${l.samples} steps   target p95 < ${target} ms: ${l.p95 < target ? 'met' : 'NOT met'}`);
      console.log(`             to the next animation frame (adds the vsync wait): p50 ${l.frameP50.toFixed(1)} ms, p95 ${l.frameP95.toFixed(1)} ms`);
      if (l.tail) console.log(tailLine(l.tail));
    }
    for (const l of await stepLatency(`http://127.0.0.1:${port}/`, [64], 6, true)) {
      console.log(`   ${String(l.cpus).padStart(3)} CPUs, each key pressed once the page has drawn the previous step (two animation frames later): p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, max ${l.max.toFixed(1)} ms`);
      if (l.tail) console.log(tailLine(l.tail));
    }
  } finally {
    if (preview.pid) process.kill(-preview.pid, 'SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
