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

/** Types an SMI line (it pauses at its first event) and steps with F10 to the rendezvous: trigger, delivery, save state, rendezvous. */
export async function raiseAndStepToRendezvous(page: Page, line: string): Promise<void> {
  await typeInTerminal(page, line);
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  for (let i = 0; i < 4; i++) await stepPhase(page);
}
