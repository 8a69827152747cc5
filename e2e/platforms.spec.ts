import { expect, test } from '@playwright/test';
import { openDebugger, raiseAndStepToRendezvous, typeInTerminal } from './helpers';

/**
 * Issue 8: the platform picker boots `pch` (Intel PCH, Intel save-state map, PchSmiDispatcher); a
 * SW SMI from CPU 2 is found by the dispatcher from CPU 2's IOMisc. Screenshots at the three sizes
 * into test-results/screens/.
 */
const SIZES: [number, number][] = [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
];
const shot = (name: string, w: number, h: number) => `test-results/screens/${name}-${w}x${h}.png`;

for (const [w, h] of SIZES) {
  test(`pch platform from the picker, a SW SMI from CPU 2 decoded from the Intel map (${w}x${h})`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openDebugger(page);
    await page.getByTestId('platform-picker').selectOption('pch');
    await expect(page.getByTestId('platform-line')).toContainText('Intel PCH', { timeout: 20_000 });
    await expect(page.getByTestId('platform-line')).toContainText('SW dispatcher: PchSmiDispatcher');
    await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 20_000 });
    await raiseAndStepToRendezvous(page, 'smi 0x05 --cpu 2');
    await page.getByTestId('cpu-tile-2').click();
    const ss = page.getByTestId('savestate-panel');
    await expect(ss.getByTestId('ss-accel')).toHaveAttribute('data-accel', 'cpu');
    await expect(ss).toContainText('IOMisc');
    await page.screenshot({ path: shot('p8-pch-savestate', w, h) });
    await page.keyboard.press('F5');
    await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
    await page.getByTestId('handlers-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('p8-pch-after', w, h) });
  });
}
