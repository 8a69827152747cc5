import { expect, type Page } from '@playwright/test';

/** Helpers that read like what a person does in the page. */
export async function openDebugger(page: Page, cpus = 4): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 20_000 });
  await expect(page.locator('[data-testid^="cpu-tile-"]')).toHaveCount(cpus);
}

export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

export async function stepPhase(page: Page): Promise<void> {
  const before = await page.getByTestId('timeline-current').textContent();
  await page.keyboard.press('F10');
  await expect(page.getByTestId('timeline-current')).not.toHaveText(before ?? '');
}

