/**
 * The page the Chromium benchmarks drive (latency.ts, step-split.ts, profile-step.ts): Debian's
 * Chromium, headless, 1600x1000, the app loaded and its worker ready, then the machine set to N CPUs.
 */

import { type Browser, chromium, type Page } from '@playwright/test';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A new page on `url`, once the worker has answered (window.__smiscope.ready). */
export async function openApp(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __smiscope?: { ready: boolean } }).__smiscope?.ready === true);
  return page;
}

/** `platform ovmf --cpus N`, waiting until the page shows N CPU tiles. */
export async function setCpus(page: Page, cpus: number): Promise<void> {
  await page.evaluate((n) => (window as unknown as { __smiscope: { send(l: string): void } }).__smiscope.send(`platform ovmf --cpus ${n}`), cpus);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="cpu-tile-"]').length === n, cpus, { timeout: 60_000 });
}
