import { expect, test } from '@playwright/test';

import { openDebugger, typeInTerminal } from './helpers';

const SW_DISPATCH2 = '18a3c6dc-5eea-48c8-a1c1-b53389f98999';

/**
 * Issue 6 §2, "the why, in the page": after `platform ovmf --module SwDispatch2Locate` hangs, the
 * Modules tab says which modules the dispatcher never got back to (instead of a red "missing" list
 * the Protocols tab would contradict), and the Protocols tab lists the GUID the hung module looked
 * up, who asked and that nothing on OVMF produces it. Read at two laptop sizes.
 */
for (const [w, h] of [
  [1280, 720],
  [1366, 768],
] as const) {
  test(`issue 6 §2: the hung boot's why in the Modules and Protocols tabs (${w}x${h})`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openDebugger(page);
    await typeInTerminal(page, 'platform ovmf --module SwDispatch2Locate');
    await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
    const panel = page.getByTestId('handlers-panel');
    // The three tabs, with their counts and alert badges, fit the panel head (none clipped).
    const tabsFit = await panel.locator('.tabs').evaluate((el) => el.scrollWidth <= (el.parentElement as HTMLElement).clientWidth + 1);
    expect(tabsFit, 'the Handlers panel tabs fit their head').toBe(true);

    await page.getByRole('tab', { name: /Modules/ }).click();
    const hotplug = panel.getByTestId('module-row-CpuHotplugSmm');
    await expect(hotplug).toHaveAttribute('data-not-evaluated', 'true');
    await expect(hotplug.getByTestId('module-not-evaluated')).toContainText('not evaluated: boot hung in SwDispatch2Locate');
    await expect(hotplug.getByTestId('module-not-evaluated')).toContainText('Evaluated now, it would be TRUE');
    // No red "missing" list that contradicts the Protocols tab (both GUIDs are installed now).
    await expect(hotplug.locator('.missing-guid')).toHaveCount(0);
    await expect(hotplug.getByTestId('module-about')).toContainText('OvmfPkg/CpuHotplugSmm/CpuHotplugSmm.inf');
    await expect(panel.getByTestId('module-row-SwDispatch2Locate')).toHaveAttribute('data-state', 'hung');
    await expect(panel.getByTestId('module-row-PiSmmCpuDxeSmm').getByTestId('module-about')).toContainText('UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.inf');
    await hotplug.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await panel.screenshot({ path: `test-results/screens/why-modules-${w}x${h}.png` });

    await page.getByRole('tab', { name: /Protocols/ }).click();
    const row = panel.locator(`[data-testid="protocol-missing"][data-guid="${SW_DISPATCH2}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText('gEfiSmmSwDispatch2ProtocolGuid');
    await expect(row.getByTestId('protocol-asker')).toContainText('SwDispatch2Locate: gSmst->SmmLocateProtocol -> EFI_NOT_FOUND');
    await expect(row).toContainText('no producer on OVMF');
    // The row is read whole: nothing of it runs past the panel's right edge.
    const fits = await row.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
    expect(fits, 'the missing-protocol row fits the panel width').toBe(true);
    await panel.screenshot({ path: `test-results/screens/why-protocols-${w}x${h}.png` });
  });
}
