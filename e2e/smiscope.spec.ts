import { expect, type Page, test } from '@playwright/test';

import { hoverTimelineBlock, openDebugger, raiseAndStepToRendezvous, stepPhase, typeInTerminal } from './helpers';

const tile = (page: Page, n: number) => page.getByTestId(`cpu-tile-${n}`);

test('boots OVMF and shows the SMM state: handlers, protocols, modules', async ({ page }) => {
  await openDebugger(page);
  await expect(page.getByTestId('platform-line')).toContainText('4');
  const handlers = page.getByTestId('handlers-panel');
  await expect(handlers.locator('[data-testid="handler-row"][data-kind="root"]')).toHaveCount(1);
  await expect(handlers.locator('[data-testid="handler-row"][data-kind="root"]')).toContainText('CpuHotplugMmi');
  // The whole boot's log is long; its end stays on screen: ReadyToLock, then the OS.
  await expect(page.getByTestId('terminal')).toContainText('SMM IPL locked SMRAM window');
  await expect(page.getByTestId('terminal')).toContainText('boot done: 529 SMIs since power-on');
  await page.screenshot({ path: 'test-results/screens/01-booted.png' });
});

test('smi 0x04 --cpu 1 from the terminal, stepped phase by phase', async ({ page }) => {
  await openDebugger(page);
  await tile(page, 1).click(); // show CPU1's save-state map
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await expect(page.getByTestId('timeline-current')).toContainText('OUT 0xB3');

  await stepPhase(page); // trigger: OUT 0xB2 raises a broadcast SMI
  await expect(page.getByTestId('timeline-current')).toContainText('OUT 0xB2, 0x04');
  await stepPhase(page); // SMI# latched on every CPU
  for (const n of [0, 1, 2, 3]) await expect(tile(page, n)).toHaveAttribute('data-activity', 'smi-pending');

  await stepPhase(page); // every CPU saved its state into SMRAM
  for (const n of [0, 1, 2, 3]) await expect(tile(page, n)).toHaveAttribute('data-activity', 'rendezvous');
  const ss = page.getByTestId('savestate-panel');
  // The map is decoded from SMRAM bytes: saved RAX holds the 0x04 the OS wrote with OUT; SMMRevId is QEMU's.
  await expect(ss.getByTestId('ss-field-RAX')).toContainText(/0x0+4\b/);
  await expect(ss.getByTestId('ss-field-SMMRevId')).toContainText('00020064');
  await expect(ss.getByTestId('ss-field-RIP')).toHaveAttribute('data-changed', 'true');
  await expect(ss.getByTestId('ss-field-IO_DWord')).toContainText('not written');
  await page.screenshot({ path: 'test-results/screens/02-saved-state.png' });

  await stepPhase(page); // rendezvous: CPU1 checked in first, but OVMF's PlatformSmmBspElection makes CPU0 the BSP
  await expect(tile(page, 0)).toHaveAttribute('data-activity', 'bsp');
  for (const n of [1, 2, 3]) await expect(tile(page, n)).toHaveAttribute('data-activity', 'ap-wait');

  await stepPhase(page); // SmmEntryPoint
  await expect(page.getByTestId('timeline-current')).toContainText('SmmEntryPoint on CPU0');
  await stepPhase(page); // the root handler ran
  await expect(page.getByTestId('last-smi')).toContainText('CpuHotplugMmi');
  await expect(page.getByTestId('last-smi')).toContainText('EFI_SUCCESS');
  await page.screenshot({ path: 'test-results/screens/03-handler.png' });

  await page.keyboard.press('F5'); // continue to RSM
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  for (const n of [0, 1, 2, 3]) await expect(tile(page, n)).toHaveAttribute('data-activity', 'os');
  await expect(page.getByTestId('last-smi')).toContainText('finished');
  await expect(page.getByTestId('terminal')).toContainText('CpuHotplugSmm.CpuHotplugMmi -> EFI_SUCCESS');
});

test('smi 0x05 is quiesced by CpuHotplugSmm', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x05 --cpu 2 --run');
  await expect(page.getByTestId('last-smi')).toContainText('EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
  await expect(page.getByTestId('terminal')).toContainText('CpuHotplugMmi -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
  await expect(tile(page, 2)).toHaveAttribute('data-activity', 'os');
});

test('a Communicate reaches the GUID handler before the root handlers', async ({ page }) => {
  await openDebugger(page);
  // SMM_VARIABLE_COMMUNICATE_HEADER {Function = 3 (SET_VARIABLE), ReturnStatus} + ACCESS_VARIABLE for L"A" = 0x5A
  const guid = '00'.repeat(16);
  const payload = '0300000000000000' + '0000000000000000' + guid + '0100000000000000' + '0400000000000000' + '07000000' + '41000000' + '5A';
  await typeInTerminal(page, `communicate gEfiSmmVariableProtocolGuid ${payload}`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  const calls = page.getByTestId('last-smi').locator('.call');
  await expect(calls).toHaveCount(2);
  await expect(calls.nth(0)).toContainText('SmmVariableHandler');
  await expect(calls.nth(0)).toContainText('guid');
  await expect(calls.nth(1)).toContainText('CpuHotplugMmi');
  // Communicate writes command 0 to 0xB2: not for CpuHotplugSmm.
  await expect(calls.nth(1)).toContainText('EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
  await expect(page.getByTestId('terminal')).toContainText('Communicate returned EFI_SUCCESS');
  await page.screenshot({ path: 'test-results/screens/04-communicate.png' });
});

test('the seed thread: a depex on gEfiSmmSwDispatch2ProtocolGuid never loads, locating it hangs', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'platform ovmf --module SwDispatch2Depex');
  await page.getByRole('tab', { name: /Modules/ }).click();
  const row = page.getByTestId('module-row-SwDispatch2Depex');
  await expect(row).toContainText('dependent');
  await expect(row).toContainText('gEfiSmmSwDispatch2ProtocolGuid');
  await expect(page.getByTestId('terminal')).toContainText('was discovered but not loaded!!');

  await typeInTerminal(page, 'platform ovmf --module SwDispatch2Locate');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
  await expect(page.getByTestId('terminal')).toContainText('SmmSwDispatch2Protocol Status: 0xE');
  await expect(page.getByTestId('terminal')).toContainText('ASSERT_EFI_ERROR (Status = Not Found)');
  // PlatformDebugLibIoPort's ASSERT line: the file's basename, no [Module].
  await expect(page.getByTestId('terminal')).toContainText('ASSERT SwDispatch2Locate.c(42): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)');
  await expect(page.getByTestId('module-row-SwDispatch2Locate')).toContainText('hung');
  await page.screenshot({ path: 'test-results/screens/05-hung.png' });
  // A bad line is reported at the prompt and changes nothing.
  await typeInTerminal(page, 'smi 0x04');
  await expect(page.getByTestId('terminal')).toContainText('the machine is hung');
});

test('--accel kvm: the save-state panel says KVM wrote the map and the unsaved fields read 0 (1366x768)', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await expect(page.getByTestId('terminal-panel')).toContainText('debugcon log (port 0x402)');
  await expect(page.getByTestId('ss-accel')).toHaveAttribute('data-accel', 'tcg');
  await typeInTerminal(page, 'platform ovmf --accel kvm');
  await expect(page.getByTestId('platform-line')).toContainText('KVM');
  await expect(page.getByTestId('ss-accel')).toHaveAttribute('data-accel', 'kvm');
  await tile(page, 1).click();
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  for (let i = 0; i < 3; i++) await stepPhase(page); // trigger, SMI# delivery, save state
  const ss = page.getByTestId('savestate-panel');
  await expect(ss.getByTestId('ss-accel')).toContainText('zeroed SMBASE+0xFE00..0xFFFF first: unsaved fields read 0');
  await expect(ss.getByTestId('ss-field-IO_DWord')).not.toContainText('not written');
  await expect(ss.getByTestId('ss-field-IO_DWord')).toContainText('0x00000000');
  await expect(ss.getByTestId('ss-field-RAX')).toContainText(/0x0+4\b/);
  await ss.screenshot({ path: 'test-results/screens/09-savestate-kvm-1366.png' });
  await page.screenshot({ path: 'test-results/screens/09-kvm-1366.png' });
});

test('bad input gets a clear message and the session survives a reload', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x1FF');
  await expect(page.getByTestId('terminal')).toContainText('CMD: 0x1FF is out of range');
  await typeInTerminal(page, 'smi 0x04 --cpu 3 --run');
  await expect(page.getByTestId('last-smi')).toContainText('CPU 3');
  await page.waitForTimeout(800); // autosave is debounced
  await page.reload();
  // The autosaved session (platform + console lines) is replayed on the fresh machine.
  await expect(page.getByTestId('last-smi')).toContainText('CPU 3', { timeout: 20_000 });
  await expect(page.getByTestId('last-smi')).toContainText('CpuHotplugMmi');
});

test('256 CPUs render and step', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'platform ovmf --cpus 256');
  await expect(page.locator('[data-testid^="cpu-tile-"]')).toHaveCount(256, { timeout: 30_000 });
  await typeInTerminal(page, 'smi 0x04 --cpu 200');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await stepPhase(page);
  await stepPhase(page);
  await stepPhase(page);
  await expect(tile(page, 255)).toHaveAttribute('data-activity', 'rendezvous');
  await page.screenshot({ path: 'test-results/screens/06-256cpus.png' });
});

test('a handler breakpoint stops the SMI there, and back steps in reverse by replay', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'break handler CpuHotplugMmi');
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('timeline-current')).toContainText('CpuHotplugSmm.CpuHotplugMmi(DispatchHandle=');
  await expect(tile(page, 0)).toHaveAttribute('data-activity', 'bsp');
  await expect(page.getByTestId('last-smi')).toContainText('(running)');
  await typeInTerminal(page, 'back 20');
  // Replayed from the SMI's checkpoint to an earlier event: no CPU has entered SMM yet.
  for (const n of [0, 1, 2, 3]) await expect(tile(page, n)).not.toHaveAttribute('data-activity', 'bsp');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await page.keyboard.press('F5'); // stops at the breakpoint again: deterministic
  await expect(page.getByTestId('timeline-current')).toContainText('CpuHotplugMmi(DispatchHandle=');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await expect(page.getByTestId('last-smi')).toContainText('EFI_SUCCESS');
});

test('a permalink opens the same session in a fresh browser profile', async ({ page, browser }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'platform ovmf --cpus 2 --module RootMmiSample');
  await expect(page.locator('[data-testid^="cpu-tile-"]')).toHaveCount(2);
  await typeInTerminal(page, 'smi 0x42 0x07 --cpu 1 --run');
  await expect(page.getByTestId('last-smi')).toContainText('RootMmiSampleHandler');
  await page.getByTestId('permalink').click();
  await expect(page).toHaveURL(/#session=/);
  const url = page.url();
  const fresh = await browser.newContext(); // no autosave there: only the link carries the session
  const other = await fresh.newPage();
  await other.goto(url);
  await expect(other.locator('[data-testid^="cpu-tile-"]')).toHaveCount(2, { timeout: 20_000 });
  await expect(other.getByTestId('last-smi')).toContainText('RootMmiSampleHandler');
  await fresh.close();
});

test('OVMF elects CPU0 as SMM BSP whichever CPU executes the OUT; without broadcast an AP-raised SMI finds no BSP (1366x768)', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await raiseAndStepToRendezvous(page, 'smi 0x04 --cpu 2');
  await expect(tile(page, 0)).toHaveAttribute('data-activity', 'bsp');
  await expect(tile(page, 0).locator('.badge-bsp')).toBeVisible();
  await expect(tile(page, 2).locator('.badge-out')).toBeVisible();
  await expect(tile(page, 2)).toHaveAttribute('data-activity', 'ap-wait');
  await expect(page.getByTestId('bsp-election')).toContainText('SMM BSP = CPU 0');
  await expect(page.getByTestId('last-smi')).toContainText('CPU 0');
  await page.screenshot({ path: 'test-results/screens/07-monarch-cpu0-out-cpu2.png' });
  await page.keyboard.press('F5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');

  await typeInTerminal(page, 'platform ovmf --broadcast off');
  await expect(page.getByTestId('platform-line')).toContainText('unicast SMI');
  await expect(page.getByTestId('virtual-time')).toHaveText('virtual time 0 µs');
  await typeInTerminal(page, 'smi 0x04 --cpu 2 --run');
  await expect(page.getByTestId('virtual-time')).toHaveText('virtual time 100000 µs');
  await expect(page.getByTestId('last-smi')).toContainText('none (APs gave up)');
  await expect(page.getByTestId('terminal')).toContainText('no MMI handler ran');
});

test('the SMRAM panel shows the SMRAM descriptors, the relocation block and CPU 0\'s SMBASE below TSEG', async ({ page }) => {
  for (const [width, height] of [[1280, 720], [1920, 1080]]) {
    await page.setViewportSize({ width, height });
    await openDebugger(page);
    const panel = page.getByTestId('smram-panel');
    const summary = panel.getByTestId('smram-descriptors');
    await expect(summary).toContainText('D0 0x7F000000');
    await expect(summary).toContainText('SMBASE relocation block');
    await expect(summary).toContainText("CPU 0's SMBASE 0x7EFF9000 lies below TSEG");
    await expect(panel.getByTestId('smram-descriptor')).toHaveCount(3);
    await summary.getByText('SMBASE relocation block').click(); // scrolls the map to descriptor 1, hex view at its start
    await expect(panel.getByTestId('hex-address-input')).toHaveValue('0x7F001000');
    await expect(panel.locator('[data-testid="smram-descriptor"][data-index="1"] .smram-row[data-kind="save-state"]')).toHaveCount(4);
    await panel.screenshot({ path: `test-results/screens/08-smram-${width}x${height}.png` });
  }
});

test('a run to the end sends only the newest event texts; hovering an older event fetches its text', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x04 --cpu 1 --run');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await expect(page.getByTestId('timeline-current')).toContainText('done: all 4 CPU(s) back in the OS');
  // The first event (OUT 0xB3) came without its text: hovering it asks the worker.
  await hoverTimelineBlock(page, 0);
  await expect(page.getByTestId('timeline-current')).toContainText('hover');
  await expect(page.getByTestId('timeline-current')).toContainText('CPU1: OUT 0xB3, 0x00');
});
