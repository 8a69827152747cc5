/**
 * Step-to-screen latency in Chromium: press F10 (step phase) in the real page and measure, inside
 * the page, from the keypress until React committed the answering snapshot and the browser laid
 * it out (window.__smiscopeLatency), and until the next animation frame (__smiscopeFrameLatency).
 */

import { launchChromium, openApp, setCpus } from './chromium';
import type { StepSplit } from '../src/ui/actions/latency';

export interface Latency {
  cpus: number;
  samples: number;
  p50: number;
  p95: number;
  max: number;
  /** Up to the next animation frame (includes the vsync wait). */
  frameP50: number;
  frameP95: number;
  /**
   * Where the slowest tenth of the steps went (window.__smiscopeSteps, src/ui/actions/latency.ts):
   * the median of each part over the steps at or above the 90th percentile (ms).
   */
  tail: { steps: number; answer: number; terminal: number; react: number; layout: number } | null;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** The median parts of the steps at or above the 90th percentile of the total. */
function tailSplit(split: readonly StepSplit[]): Latency['tail'] {
  if (split.length < 10) return null;
  const cut = pct(split.map((x) => x.total), 90);
  const slow = split.filter((x) => x.total >= cut);
  const med = (k: 'answer' | 'terminal' | 'react' | 'layout') => pct(slow.map((x) => x[k]), 50);
  return { steps: slow.length, answer: med('answer'), terminal: med('terminal'), react: med('react'), layout: med('layout') };
}

/**
 * `idle`: before each key, wait until the page has drawn the previous step (two animation frames):
 * a person's next key finds the page idle, while keys pressed back to back (the default) queue
 * behind the frame the previous answer still has to draw.
 */
export async function stepLatency(url: string, cpuCounts: number[], smis: number, idle = false): Promise<Latency[]> {
  const browser = await launchChromium();
  const out: Latency[] = [];
  try {
    const page = await openApp(browser, url);
    for (const cpus of cpuCounts) {
      await setCpus(page, cpus);
      await page.evaluate(() => {
        const w = window as unknown as { __smiscopeLatency: number[]; __smiscopeFrameLatency: number[] };
        w.__smiscopeLatency = [];
        w.__smiscopeFrameLatency = [];
        (w as unknown as { __smiscopeSteps: unknown[] }).__smiscopeSteps = [];
      });
      for (let i = 0; i < smis; i++) {
        await page.evaluate(() => (window as unknown as { __smiscope: { send(l: string): void } }).__smiscope.send('smi 0x04 --cpu 1'));
        await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-mode') === 'paused');
        for (;;) {
          const before = await page.evaluate(() => (window as unknown as { __smiscopeLatency: number[] }).__smiscopeLatency.length);
          if (idle) await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))));
          await page.keyboard.press('F10');
          await page.waitForFunction((b) => (window as unknown as { __smiscopeLatency: number[] }).__smiscopeLatency.length > b, before);
          const mode = await page.evaluate(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-mode'));
          if (mode !== 'paused') break;
        }
      }
      await page.waitForTimeout(100);
      const [xs, fs, split] = await page.evaluate(() => {
        const w = window as unknown as { __smiscopeLatency: number[]; __smiscopeFrameLatency: number[]; __smiscopeSteps?: StepSplit[] };
        return [w.__smiscopeLatency, w.__smiscopeFrameLatency, w.__smiscopeSteps ?? []] as const;
      });
      out.push({ cpus, samples: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs), frameP50: pct(fs, 50), frameP95: pct(fs, 95), tail: tailSplit(split) });
    }
  } finally {
    await browser.close();
  }
  return out;
}
