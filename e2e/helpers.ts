import { expect, type Page } from '@playwright/test';
import type { DrawnBlock } from '../src/ui/panels/TimelineBlocks';

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

/** The event blocks the timeline's canvas drew, as it records them after each draw. */
export async function timelineBlocks(page: Page): Promise<DrawnBlock[]> {
  return page.getByTestId('timeline-blocks').evaluate((el) => (el as HTMLCanvasElement & { blocks?: DrawnBlock[] }).blocks ?? []);
}

/**
 * Moves the mouse to the middle of the drawn block of event `i` (scrolling the timeline so that it
 * is in view), as a person points at it; the panel finds the event from the same geometry.
 */
export async function hoverTimelineBlock(page: Page, i: number): Promise<void> {
  const b = (await timelineBlocks(page)).find((x) => x.i === i);
  if (!b) throw new Error(`the timeline drew no block for event ${i}`);
  const scroll = page.getByTestId('timeline-panel').locator('.tl-scroll');
  await scroll.evaluate((el, b) => {
    const labels = (el.querySelector('.tl-labels') as HTMLElement | null)?.offsetWidth ?? 0;
    const view = el.clientWidth - labels;
    if (b.x < el.scrollLeft || b.x + b.w > el.scrollLeft + view) el.scrollLeft = Math.max(0, b.x + b.w / 2 - view / 2);
    if (b.y < el.scrollTop || b.y + b.h > el.scrollTop + el.clientHeight) el.scrollTop = Math.max(0, b.y + b.h / 2 - el.clientHeight / 2);
  }, b);
  const area = await page.getByTestId('timeline-panel').locator('.tl-canvas').boundingBox();
  if (!area) throw new Error('the timeline has no lanes area');
  await page.mouse.move(area.x + b.x + b.w / 2, area.y + b.y + b.h / 2);
}
