import { expect, type Page, test } from '@playwright/test';
import { openDebugger, typeInTerminal } from './helpers';

/**
 * The compare view: one script on two platforms, the traces side by side, the first difference
 * marked and explained. The seed thread's module: on `ovmf` it locates
 * EFI_SMM_SW_DISPATCH2_PROTOCOL, gets EFI_NOT_FOUND and hangs. Until `pch` is a platform, B is the
 * seed thread's second try on ovmf (the protocol in the depex: never loaded). Screenshots go to
 * test-results/screens/compare-*.png.
 */
const A = 'ovmf --module SwDispatch2Locate';
const B = 'ovmf --module SwDispatch2Depex';

async function runCompare(page: Page, a: string, b: string, script?: string): Promise<void> {
  if ((await page.getByTestId('compare-view').count()) === 0) await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('compare-spec-a').fill(a);
  await page.getByTestId('compare-spec-b').fill(b);
  if (script !== undefined) await page.getByTestId('compare-script').fill(script);
  await page.getByTestId('compare-run').click();
  await expect(page.getByTestId('compare-explanation')).toBeVisible({ timeout: 30_000 });
}

/** The element lies inside the viewport, whole. */
async function expectOnScreen(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  const vp = page.viewportSize()!;
  expect(box, `${testId} is rendered`).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(vp.width + 0.5);
  expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height + 0.5);
}

test('compare: the seed module on two platforms, the first difference shown and explained (§1.9 §3 §12.9)', async ({ page }) => {
  await openDebugger(page);
  // The session's lines prefill the script box.
  await typeInTerminal(page, 'smi 0x01 0x42 --cpu 2 --run');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-script')).toHaveValue('smi 0x01 0x42 --cpu 2 --run');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('compare-view')).toHaveCount(0);

  await runCompare(page, A, B);
  await expect(page.getByTestId('compare-first-title')).toHaveText('SwDispatch2Locate runs on A only');
  const explanation = page.getByTestId('compare-explanation');
  await expect(explanation).toContainText('SMI #7 (Communicate gEfiEventDxeDispatchGuid from CPU0)');
  await expect(explanation).toContainText('does not carry SwDispatch2Locate');
  // The other differences: the locate that failed, the hang.
  await expect(explanation).toContainText('SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) returns EFI_NOT_FOUND on A');
  await expect(explanation).toContainText('A hangs in SwDispatch2Locate (ASSERT SwDispatch2Locate.c(42))');
  // The first difference is marked in the table and scrolled into view.
  const first = page.getByTestId('compare-first-row');
  await expect(first).toBeVisible();
  await expect(first).toContainText('SwDispatch2Locate.efi');
  await expect(first).toBeInViewport();
  // The phase header above it says where.
  await expect(page.getByTestId('compare-phase').filter({ hasText: 'SMM driver dispatch: SwDispatch2Locate' })).toContainText('on A only');
  // Same rows before it are folded.
  await expect(page.getByTestId('compare-fold').first()).toContainText('same row(s)');
  // "show" on another difference scrolls to it.
  await page.getByText('returns EFI_NOT_FOUND on A').click();
  await expect(page.locator('.cmp-row', { hasText: 'EFI_NOT_FOUND (no module installed it' }).first()).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('compare-view')).toHaveCount(0);
});

test('compare: a SW SMI from CPU 2 with and without broadcast, the boot skipped (§4.4 §12.1)', async ({ page }) => {
  await openDebugger(page);
  await page.getByTestId('compare-button').click();
  await page.getByTestId('compare-skip-boot').check();
  await runCompare(page, 'ovmf --broadcast off', 'ovmf', 'smi 0x04 --cpu 2');
  await expect(page.getByTestId('compare-first-title')).toHaveText('SMI# goes to the writing CPU only on A, every CPU on B');
  await expect(page.getByTestId('compare-explanation')).toContainText('SMM BSP (monarch): no CPU on A, CPU0 on B');
  await expect(page.getByTestId('compare-fold').first()).toContainText('not compared');
  await page.screenshot({ path: 'test-results/screens/compare-skip-boot-1600x1000.png' });
});

test('compare: a platform the console does not know is refused with its message', async ({ page }) => {
  await openDebugger(page);
  await page.getByTestId('compare-button').click();
  await page.getByTestId('compare-spec-b').fill('arm-virt');
  await page.getByTestId('compare-run').click();
  await expect(page.getByTestId('compare-error')).toContainText('platform B (arm-virt): platform: unknown platform "arm-virt"');
});

for (const [w, h] of [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
] as const) {
  test(`compare view at ${w}x${h} (screenshot)`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openDebugger(page);
    await runCompare(page, A, B, 'smi 0x01 0x42 --cpu 2');
    await expect(page.getByTestId('compare-first-row')).toBeInViewport();
    for (const id of ['compare-view', 'compare-explanation', 'compare-run']) await expectOnScreen(page, id);
    // The table keeps room to read: at least ten rows' height.
    const table = await page.getByTestId('compare-table').boundingBox();
    expect(table!.height).toBeGreaterThan(180);
    await page.screenshot({ path: `test-results/screens/compare-${w}x${h}.png` });
  });
}
