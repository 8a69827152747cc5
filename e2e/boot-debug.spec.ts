import { expect, test } from '@playwright/test';
import { openDebugger, typeInTerminal } from './helpers';

/** Issue 6 §1: the boot is a debuggable run; every SMI of the session can be reopened. */

for (const [w, h] of [
  [1280, 800],
  [1366, 768],
] as const) {
test(`break locate gEfiSmmSwDispatch2ProtocolGuid stops the seed module's boot inside its entry point; back, continue, and the hang links to its cause (${w}x${h})`, async ({ page }) => {
  await page.setViewportSize({ width: w, height: h });
  await openDebugger(page);
  await typeInTerminal(page, 'break locate gEfiSmmSwDispatch2ProtocolGuid');
  await typeInTerminal(page, 'platform ovmf --module SwDispatch2Locate');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await expect(page.getByTestId('status')).toContainText('SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) = EFI_NOT_FOUND');
  const ev = page.getByTestId('status-event');
  await expect(ev).toContainText(/boot event \d+\/\d+/);
  const at = Number((await ev.textContent())!.match(/boot event (\d+)/)![1]);
  await typeInTerminal(page, 'back');
  await expect(ev).toContainText(`boot event ${at - 1}/${at}`);
  await page.keyboard.press('F5'); // the same lookup again: the breakpoint
  await expect(ev).toContainText(`boot event ${at}/`);
  await page.keyboard.press('F5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
  const why = page.getByTestId('hang-cause');
  await expect(why).toContainText('SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) = EFI_NOT_FOUND');
  await page.screenshot({ path: `test-results/screens/10-boot-hang-cause-${w}x${h}.png` });
  await why.click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await expect(ev).toContainText(`boot event ${at}/`);
});
}

test('the SMI list answers why the first SMI is #530 and reopens a boot SMI in every panel', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x05 --run');
  await expect(page.getByTestId('terminal')).toContainText('SMI #530 finished');
  await page.getByTestId('smi-list-button').click();
  const list = page.getByTestId('smi-list');
  await expect(list).toContainText('SMIs since power-on: 530');
  await expect(list).toContainText('so the first SMI you raise is #530');
  await expect(page.getByTestId('smi-group-variable')).toContainText(/Variable requests\s*\d{3}/);
  await page.screenshot({ path: 'test-results/screens/11-smi-list.png' });
  await list.getByRole('searchbox').fill('ExitBootServices');
  await page.getByTestId('smi-row-529').getByRole('button').click();
  await expect(list).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await expect(page.getByTestId('last-smi')).toContainText('#529');
});
