import { expect, type Page, test } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { openDebugger, typeInTerminal } from './helpers';

/**
 * Issue 9 §1 and §4: the Explain panel follows every step of an SMI (and `back`), its "look
 * here" chips highlight the element they name, its collapsed state is remembered, and the
 * transcript export downloads the session as Markdown. Screenshots at the three sizes.
 */

const SIZES = [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
] as const;

const shot = (name: string, w: number, h: number) => `test-results/screens/explain-${name}-${w}x${h}.png`;

async function stepEvent(page: Page): Promise<string> {
  const title = page.getByTestId('explain-title');
  const before = (await title.textContent()) ?? '';
  await page.keyboard.press('F11');
  await expect(title).not.toHaveText(before);
  return (await title.textContent()) ?? '';
}

test('the explanation changes per step, follows back, and a chip highlights the CPU that wrote 0xB2', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  const panel = page.getByTestId('explain-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('explain-body')).toBeVisible();
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await expect(page.getByTestId('explain-title')).toHaveText('CPU 1 writes the data byte to port 0xB3');
  const second = await stepEvent(page);
  expect(second).toBe('CPU 1 writes 0x04 to 0xB2: an SMI is raised');
  await expect(page.getByTestId('explain-sentence').first()).toContainText('CPU 1 wrote 0x04 to I/O port 0xB2');
  const third = await stepEvent(page);
  expect(third).toMatch(/SMI# is pending/);
  const fourth = await stepEvent(page);
  expect(fourth).toBe('CPU 1 saves its state and enters SMM');

  // back: the explanation of the event gone back to.
  await typeInTerminal(page, 'back 2');
  await expect(page.getByTestId('explain-title')).toHaveText(second);

  // The chip names CPU 1's tile: hovering marks that tile, and only it.
  const chip = page.locator('[data-testid="look-chip"][data-panel="cpus"][data-cpu="1"]');
  await chip.hover();
  await expect(page.getByTestId('cpu-tile-1')).toHaveAttribute('data-look', 'on');
  await expect(page.getByTestId('cpu-tile-0')).not.toHaveAttribute('data-look', 'on');
  await expect(page.getByTestId('look-ring')).toBeVisible();
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await chip.hover();
    await page.screenshot({ path: shot('b2', w, h) });
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.mouse.move(5, 5);
  await expect(page.getByTestId('cpu-tile-1')).not.toHaveAttribute('data-look', 'on');

  // The save-state step: its RAX chip selects CPU 1 and marks its RAX field.
  await stepEvent(page);
  await expect(page.getByTestId('explain-title')).toHaveText(third);
  await stepEvent(page);
  await expect(page.getByTestId('explain-title')).toHaveText(fourth);
  const rax = page.locator('[data-testid="look-chip"][data-panel="savestate"][data-field="RAX"]');
  await rax.click();
  await expect(page.getByTestId('savestate-panel').getByTestId('ss-field-RAX')).toHaveAttribute('data-look', 'on');
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await rax.hover();
    await page.screenshot({ path: shot('save-state', w, h) });
  }
});

test('collapse is remembered across a reload; a first-time visitor sees the panel open', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await expect(page.getByTestId('explain-toggle')).toHaveAttribute('aria-expanded', 'true');
  await page.getByTestId('explain-toggle').click();
  await expect(page.getByTestId('explain-body')).toHaveCount(0);
  await expect(page.getByTestId('explain-toggle')).toHaveAttribute('aria-expanded', 'false');
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: shot('collapsed', w, h) });
  }
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 20_000 });
  await expect(page.getByTestId('explain-toggle')).toHaveAttribute('aria-expanded', 'false');
  await page.getByTestId('explain-toggle').click();
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 20_000 });
  await expect(page.getByTestId('explain-body')).toBeVisible();
});

test('the transcript export downloads the commands, their output and the explanation of each step as Markdown', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('explain-title')).toHaveText('CPU 1 writes the data byte to port 0xB3');
  await page.keyboard.press('F10');
  await expect(page.getByTestId('explain-title')).not.toHaveText('CPU 1 writes the data byte to port 0xB3');
  const afterStep = (await page.getByTestId('explain-title').textContent()) ?? '';
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('explain-export').click()]);
  expect(download.suggestedFilename()).toBe('smiscope-transcript.md');
  const md = readFileSync((await download.path())!, 'utf8');
  mkdirSync('test-results/screens', { recursive: true });
  writeFileSync('test-results/screens/explain-transcript.md', md);
  expect(md).toMatch(/^# SmiScope session transcript\n/);
  expect(md).toMatch(/Platform: .*OVMF.*, 4 CPU\(s\)\./);
  const cmd = md.indexOf('## 1. `smi 0x04 --cpu 1`');
  const step = md.indexOf('## 2. `step phase` (F10)');
  expect(cmd).toBeGreaterThan(0);
  expect(step).toBeGreaterThan(cmd);
  expect(md.indexOf('smi 0x04 data 0x00 from CPU1')).toBeGreaterThan(cmd);
  const first = md.indexOf('**What happened: CPU 1 writes the data byte to port 0xB3.**');
  expect(first).toBeGreaterThan(cmd);
  expect(first).toBeLessThan(step);
  expect(md.indexOf(`**What happened: ${afterStep}.**`)).toBeGreaterThan(step);
  expect(md).toContain('*Upstream:*');
  await expect(page.getByTestId('terminal')).toContainText('transcript downloaded');
});

test('after a boot the panel says what the boot did; on pch the explanation follows that platform', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await expect(page.getByTestId('explain-title')).toHaveText('The boot is done: the OS runs');
  await typeInTerminal(page, 'platform pch --cpus 2');
  await expect(page.locator('[data-testid^="cpu-tile-"]')).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('explain-sentences')).toContainText(/The boot itself made \d+ SMIs?\./);
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('explain-title')).toHaveText('CPU 1 writes the data byte to port 0xB3');
  await expect(await stepEvent(page)).toBe('CPU 1 writes 0x04 to 0xB2: an SMI is raised');
  await expect(page.getByTestId('explain-sentences')).toContainText('clears SMI_EN.EOS');
  await expect(page.getByTestId('explain-source')).toContainText('AlderlakeSiliconPkg');
});
