import { expect, type Page, test } from '@playwright/test';
import { openDebugger, typeInTerminal } from './helpers';

/**
 * The compare view: one script on two platforms, the traces side by side, the first difference
 * marked and explained. The seed thread's module that waits for EFI_SMM_SW_DISPATCH2_PROTOCOL in
 * its depex: on `ovmf` nothing produces it (never loaded), on `pch` the PCH SMI dispatcher does.
 * Screenshots go to test-results/screens/compare-*.png.
 */
const OVMF = 'ovmf --module SwDispatch2Depex';
const PCH = 'pch --module SwDispatch2Depex';

async function openCompare(page: Page): Promise<void> {
  if ((await page.getByTestId('compare-view').count()) === 0) await page.getByTestId('compare-button').click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
}

async function runCompare(page: Page, a: string, b: string, script?: string): Promise<void> {
  await openCompare(page);
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

test('compare: the seed module on ovmf vs pch, the first difference shown and explained (§1.9 §3.3 §9)', async ({ page }) => {
  await openDebugger(page);
  // The session's lines prefill the script box; the seed module on ovmf and pch is the default.
  await typeInTerminal(page, 'smi 0x01 0x42 --cpu 2 --run');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await openCompare(page);
  await expect(page.getByTestId('compare-script')).toHaveValue('smi 0x01 0x42 --cpu 2 --run');
  await expect(page.getByTestId('compare-spec-a')).toHaveValue(OVMF);
  await expect(page.getByTestId('compare-spec-b')).toHaveValue(PCH);
  await page.getByTestId('compare-run').click();
  await expect(page.getByTestId('compare-first-title')).toHaveText('A is ovmf, B is pch: two machines, each with its own PEI and DXE platform drivers', { timeout: 30_000 });
  // The first difference is marked in the table and scrolled into view.
  const first = page.getByTestId('compare-first-row');
  await expect(first).toBeInViewport();
  await expect(first).toContainText('QEMU Q35 (ICH9) + OVMF X64');
  // The differences the explainers found: the Trigger value, the module loaded on pch only.
  const explanation = page.getByTestId('compare-explanation');
  await expect(explanation).toContainText('SmmControl2 Trigger writes 0x00 to APM_CNT on A, 0xFF on B');
  await explanation.getByText('SwDispatch2Depex runs on B only').click();
  const dispatch = page.getByTestId('compare-phase').filter({ hasText: 'SMM driver dispatch: SwDispatch2Depex' });
  await expect(dispatch).toContainText('on B only');
  await expect(page.locator('.cmp-row.only-b', { hasText: 'SwDispatch2Depex.efi' })).toBeInViewport();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('compare-view')).toHaveCount(0);
});

test('compare: the seed thread\'s two tries on ovmf, the locate that fails and the hang (§1.9 §3 §12.9)', async ({ page }) => {
  await openDebugger(page);
  await runCompare(page, 'ovmf --module SwDispatch2Locate', OVMF, '');
  await expect(page.getByTestId('compare-first-title')).toHaveText('SwDispatch2Locate runs on A only');
  const explanation = page.getByTestId('compare-explanation');
  await expect(explanation).toContainText('SMI #7 (Communicate gEfiEventDxeDispatchGuid from CPU0)');
  await expect(explanation).toContainText('SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) returns EFI_NOT_FOUND on A');
  await expect(explanation).toContainText('A hangs in SwDispatch2Locate (ASSERT SwDispatch2Locate.c(42))');
  await expect(page.getByTestId('compare-first-row')).toContainText('SwDispatch2Locate.efi');
  await expect(page.getByTestId('compare-first-row')).toBeInViewport();
  // Same rows before it are folded; a click unfolds them.
  const fold = page.getByTestId('compare-fold').first();
  await expect(fold).toContainText('same row(s)');
  const folds = await page.getByTestId('compare-fold').count();
  await fold.click();
  await expect(page.getByTestId('compare-fold')).toHaveCount(folds - 1);
});

test('compare: a SW SMI from CPU 2 on pch vs ovmf-swdispatch, the boot skipped (§9 §12.1)', async ({ page }) => {
  await openDebugger(page);
  await openCompare(page);
  await page.getByTestId('compare-skip-boot').check();
  await runCompare(page, PCH, 'ovmf-swdispatch --module SwDispatch2Depex', 'smi 0x01 0x42 --cpu 2');
  const explanation = page.getByTestId('compare-explanation');
  await expect(explanation).toContainText('script line 1: smi 0x01 0x42 --cpu 2');
  await expect(explanation).toContainText('SwSmiCpuIndex: CPU2 on A, CPU0 on B');
  await expect(explanation).toContainText('SMM BSP (monarch): CPU2 on A, CPU0 on B');
  await expect(page.getByTestId('compare-fold').first()).toContainText('not compared');
  await explanation.getByText('SwSmiCpuIndex: CPU2 on A, CPU0 on B').click();
  await expect(page.locator('.cmp-row.changed', { hasText: 'SwSmiCpuIndex 2' })).toBeInViewport();
  await page.screenshot({ path: 'test-results/screens/compare-pch-swdispatch-1600x1000.png' });
});

test('compare: a platform the console does not know is refused with its message', async ({ page }) => {
  await openDebugger(page);
  await openCompare(page);
  await page.getByTestId('compare-spec-b').fill('arm-virt');
  await page.getByTestId('compare-run').click();
  await expect(page.getByTestId('compare-error')).toContainText('platform B (arm-virt): platform: unknown platform "arm-virt"');
});

for (const [w, h] of [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
] as const) {
  test(`compare view at ${w}x${h}: ovmf vs pch (screenshot)`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openDebugger(page);
    // The button sits in the top bar with the others, whole.
    await expectOnScreen(page, 'compare-button');
    await page.screenshot({ path: `test-results/screens/compare-topbar-${w}x${h}.png`, clip: { x: 0, y: 0, width: w, height: 90 } });
    await runCompare(page, OVMF, PCH, 'smi 0x01 0x42 --cpu 2');
    await expect(page.getByTestId('compare-first-row')).toBeInViewport();
    for (const id of ['compare-view', 'compare-explanation', 'compare-run']) await expectOnScreen(page, id);
    // The table keeps room to read: at least ten rows.
    const table = await page.getByTestId('compare-table').boundingBox();
    expect(table!.height).toBeGreaterThan(180);
    await page.screenshot({ path: `test-results/screens/compare-${w}x${h}.png` });
  });
}
