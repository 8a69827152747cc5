/**
 * Where a step's latency goes, without a trace (issue 10): steps SMIs with F10 at N CPUs in one or
 * more served builds, in turns (A, B, B, A, ...: the machine is noisy), and prints the medians of
 * window.__smiscopeSteps (src/ui/actions/latency.ts): key -> worker's answer, -> the terminal
 * parsed the step's output, -> React committed, -> style and layout done. Per step of an SMI, and
 * for the heavy steps (the three slowest of each SMI: save state, rendezvous, RSM at 64 CPUs).
 * A tool for tuning, not part of `npm run bench`.
 *
 *   npx vite build --outDir /tmp/smiscope-b && npx vite preview --outDir /tmp/smiscope-b --port 4294 --strictPort &
 *   node --import tsx bench/step-split.ts http://127.0.0.1:4294/ [http://127.0.0.1:4293/ ...]
 *   (CPUS=64 SMIS=5 ROUNDS=4; CSS='...' adds a style sheet to the page, for experiments; IDLE=1 presses
 *   each key once the page has drawn the previous step; BLUR=1 takes the focus off the terminal first)
 */

import { launchChromium, openApp, setCpus } from './chromium';
import type { StepSplit } from '../src/ui/actions/latency';

type W = { __smiscope: { send(l: string): void }; __smiscopeLatency: number[]; __smiscopeSteps?: StepSplit[] };

const urls = process.argv.slice(2).filter((a) => a.startsWith('http'));
const cpus = Number(process.env.CPUS ?? 64);
const smis = Number(process.env.SMIS ?? 5);
const rounds = Number(process.env.ROUNDS ?? 4);
const PARTS = ['total', 'answer', 'terminal', 'react', 'layout'] as const;

/** The splits of every step of `smis` SMIs, by the step's index in its SMI. */
async function run(url: string): Promise<StepSplit[][][]> {
  const browser = await launchChromium();
  try {
    const page = await openApp(browser, url);
    if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
    await setCpus(page, cpus);
    const smiSteps: StepSplit[][][] = [];
    for (let s = 0; s < smis; s++) {
      await page.evaluate(() => (window as unknown as W).__smiscope.send('smi 0x04 --cpu 1'));
      await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-mode') === 'paused');
      const steps: StepSplit[][] = [];
      for (;;) {
        const before = await page.evaluate(() => {
          const w = window as unknown as W;
          w.__smiscopeSteps = [];
          return w.__smiscopeLatency.length;
        });
        if (process.env.IDLE) await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
        if (process.env.BLUR) await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.keyboard.press('F10');
        await page.waitForFunction((b) => (window as unknown as W).__smiscopeLatency.length > b, before);
        steps.push(await page.evaluate(() => (window as unknown as W).__smiscopeSteps ?? []));
        const mode = await page.evaluate(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-mode'));
        if (mode !== 'paused') break;
      }
      smiSteps.push(steps);
    }
    return smiSteps;
  } finally {
    await browser.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const line = (xs: StepSplit[]) => PARTS.map((k) => `${k} ${median(xs.map((x) => x[k])).toFixed(1)}`).join('  ');

async function main(): Promise<void> {
  if (urls.length === 0) throw new Error('usage: node --import tsx bench/step-split.ts URL [URL ...]');
  const all = new Map<string, StepSplit[][][]>(urls.map((u) => [u, []]));
  for (let r = 0; r < rounds; r++) {
    for (const u of r % 2 ? [...urls].reverse() : urls) all.get(u)!.push(...(await run(u)));
  }
  for (const [u, smiList] of all) {
    const steps = smiList.map((st) => st.map((xs) => xs[xs.length - 1]).filter((x): x is StepSplit => x !== undefined));
    const flat = steps.flat();
    const heavy = steps.flatMap((st) => [...st].sort((a, b) => b.total - a.total).slice(0, 3));
    console.log(`${u} at ${cpus} CPUs: ${flat.length} steps, p50 ${pct(flat.map((x) => x.total), 50).toFixed(1)} p95 ${pct(flat.map((x) => x.total), 95).toFixed(1)} ms`);
    console.log(`  heavy (3 slowest of each SMI), medians: ${line(heavy)}`);
    const n = Math.min(...steps.map((st) => st.length));
    for (let k = 0; k < n; k++) console.log(`  step ${String(k).padStart(2)}: ${line(steps.map((st) => st[k]))}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
