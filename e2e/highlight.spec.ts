import { expect, type Locator, type Page, test } from '@playwright/test';
import { openDebugger, stepPhase, typeInTerminal } from './helpers';

/**
 * Issue 6: the page follows the debugger. Cross-panel highlights (running handler, SMRAM blocks
 * written this step, the Communicate buffer), the events of a phase step, and at 256 CPUs the
 * CPU grid, the timeline and the save state follow the OUT CPU, the BSP and the step.
 */

const tile = (page: Page, n: number) => page.getByTestId(`cpu-tile-${n}`);

/** The element is drawn inside the viewport and inside the visible part of every scrolling box around it. */
async function expectInView(el: Locator, what: string): Promise<void> {
  const ok = await el.evaluate((node) => {
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return 'not drawn';
    if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5) return 'outside the viewport';
    for (let p = node.parentElement; p; p = p.parentElement) {
      const st = getComputedStyle(p);
      if (!/(auto|scroll|hidden)/.test(st.overflowY + st.overflowX)) continue;
      const b = p.getBoundingClientRect();
      if (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5 || r.left < b.left - 0.5 || r.right > b.right + 0.5) return `clipped by ${p.className}`;
    }
    return 'ok';
  });
  expect(ok, `${what} is on screen`).toBe('ok');
}

test('256 CPUs: the CPU grid, the timeline and the save state follow smi 0x04 --cpu 200', async ({ page }) => {
  test.setTimeout(120_000);
  for (const [w, h] of [
    [1280, 720],
    [1366, 768],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await openDebugger(page);
    await typeInTerminal(page, 'platform ovmf --cpus 256');
    await expect(page.locator('[data-testid^="cpu-tile-"]')).toHaveCount(256, { timeout: 30_000 });
    await typeInTerminal(page, 'smi 0x04 --cpu 200');
    await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
    await stepPhase(page); // OUT 0xB2 by CPU 200
    const ssTitle = page.getByTestId('savestate-panel').locator('.panel-head h2');
    await expect(ssTitle).toContainText('CPU 200');
    await expect(page.getByTestId('ss-pin')).toHaveText('follow');
    await stepPhase(page); // SMI# latched (a platform event: the save state stays on CPU 200)
    await expect(ssTitle).toContainText('CPU 200');
    await stepPhase(page); // every CPU saves its state, CPU 200 among them: the panel stays on CPU 200
    await expect(ssTitle).toContainText('CPU 200');
    await stepPhase(page); // rendezvous: CPU 0 is elected BSP, its release is the step's last event
    await expect(tile(page, 0)).toHaveAttribute('data-activity', 'bsp');
    await expect(ssTitle).toContainText('CPU 0');
    await expect(tile(page, 0)).toHaveAttribute('data-selected', 'true');
    // Both tiles on screen in the CPU grid, whatever its size.
    await expectInView(tile(page, 200), `CPU 200's tile at ${w}x${h}`);
    await expectInView(tile(page, 0), `the BSP's tile at ${w}x${h}`);
    // The timeline folds the 254 identical APs into one lane: the BSP's and the OUT CPU's lanes are on screen.
    const tl = page.getByTestId('timeline-panel');
    await expect(tl.getByTestId('tl-group')).toContainText('254 APs waiting');
    await expectInView(tl.getByTestId('tl-lane-200'), `CPU 200's lane at ${w}x${h}`);
    await expectInView(tl.getByTestId('tl-lane-0'), `the BSP's lane at ${w}x${h}`);
    await page.screenshot({ path: `test-results/screens/i6-256-follow-${w}x${h}.png` });
    // Opened, the group gives every AP its lane; the BSP and the OUT CPU stay in view.
    await tl.getByTestId('tl-group').click();
    await expect(tl.getByTestId('tl-group')).toHaveCount(0);
    await expectInView(tl.getByTestId('tl-lane-200'), `CPU 200's lane, one lane per CPU, at ${w}x${h}`);
    // "Fit all" puts all 257 lanes in the visible height.
    await tl.getByTestId('tl-fit-toggle').click();
    const scroll = tl.locator('.tl-scroll');
    expect(await scroll.evaluate((el) => el.scrollHeight <= el.clientHeight + 1), 'all lanes fit').toBe(true);
    await tl.getByTestId('tl-fit-toggle').click();
  }
});

test('a phase step lists its events: 0xB2 read = 0x05 (CpuHotplugMmi, SMM-C), QUIESCED, without F11', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x05 --cpu 1');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  while (!((await page.getByTestId('timeline-current').textContent()) ?? '').includes('SmmEntryPoint on CPU0')) await stepPhase(page);
  await stepPhase(page); // MmiManage walks the root handlers: CpuHotplugMmi reads 0xB2 and answers
  await expect(page.getByTestId('timeline-current')).toContainText('returned EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
  const list = page.getByTestId('step-events-list');
  await expect(list).toContainText('value 0x05 (APM_CNT)');
  await expect(list).toContainText('mMmCpuIo->Io.Read (MM_IO_UINT8, 0xB2, 1)');
  await expect(list).toContainText('EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
  await expect(page.getByTestId('step-events')).toHaveAttribute('data-count', '4');
  await page.screenshot({ path: 'test-results/screens/i6-step-events-1366x768.png' });
  // Collapsible; the choice stays for the next steps.
  await page.getByTestId('step-events-toggle').click();
  await expect(list).toHaveCount(0);
  await stepPhase(page);
  await expect(page.getByTestId('step-events-list')).toHaveCount(0);
  await expect(page.getByTestId('timeline-current')).toContainText('MmiManage(NULL (root MMI handlers)) returns');
  await page.getByTestId('step-events-toggle').click();
  await expect(page.getByTestId('step-events')).toHaveAttribute('data-count', '1');
  while (!((await page.getByTestId('timeline-current').textContent()) ?? '').includes('done: all 4 CPU(s) back in the OS')) await stepPhase(page);
  // RSM: one event per CPU, then the platform's
  await expect(page.getByTestId('step-events')).toHaveAttribute('data-count', '5');
  await expect(page.getByTestId('step-events-list')).toContainText('CPU3: SmiRendezvous returns to the stub -> RSM');
});

test('the Handlers tab marks the running handler, then what it returned', async ({ page }) => {
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x05 --cpu 2');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  const row = page.getByTestId('handlers-panel').locator('[data-testid="handler-row"][data-kind="root"]');
  while (!((await page.getByTestId('timeline-current').textContent()) ?? '').includes('CpuHotplugSmm.CpuHotplugMmi(DispatchHandle=')) {
    await page.keyboard.press('F11');
    await page.waitForTimeout(30);
  }
  await expect(row).toHaveAttribute('data-running', 'true');
  await expect(row.getByTestId('handler-running')).toHaveText('running');
  await page.getByTestId('handlers-panel').screenshot({ path: 'test-results/screens/i6-handler-running.png' });
  await stepPhase(page);
  await expect(row).not.toHaveAttribute('data-running', 'true');
  await expect(row.getByTestId('handler-returned')).toHaveText('QUIESCED');
});

test('SMRAM blocks written by a step flash; a save-state block selects its CPU', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await stepPhase(page);
  await stepPhase(page);
  const smram = page.getByTestId('smram-panel');
  await expect(smram.getByTestId('smram-written')).toHaveCount(0);
  await stepPhase(page); // save state: every CPU writes its map at SMBASE+0xFC00
  await expect(smram.getByTestId('smram-written')).toHaveAttribute('data-count', '4');
  const written = smram.locator('.smram-row[data-written]');
  await expect(written).toHaveCount(4);
  for (let i = 0; i < 4; i++) await expect(written.nth(i)).toHaveAttribute('data-kind', 'save-state');
  await expect(smram.locator('.smram-row[data-kind="psd"][data-written]')).toHaveCount(0);
  await expect(written.first().locator('.smram-flash')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/i6-smram-written-1366x768.png' });
  // A click on CPU 2's save state selects CPU 2 (and pins the save state to it).
  await smram.locator('.smram-row[data-kind="save-state"][data-cpu="2"]').click();
  await expect(tile(page, 2)).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('savestate-panel').locator('.panel-head h2')).toContainText('CPU 2');
  await expect(page.getByTestId('ss-pin')).toHaveText('pinned');
  await expect(smram.getByTestId('hex-where')).toContainText('CPU2 save state');
  await stepPhase(page); // rendezvous writes nothing in SMRAM; pinned, the save state stays on CPU 2
  await expect(smram.getByTestId('smram-written')).toHaveCount(0);
  await expect(page.getByTestId('savestate-panel').locator('.panel-head h2')).toContainText('CPU 2');
  await page.getByTestId('ss-pin').click();
  await expect(page.getByTestId('ss-pin')).toHaveText('follow');
  await stepPhase(page); // SmmEntryPoint on CPU 0
  await expect(page.getByTestId('savestate-panel').locator('.panel-head h2')).toContainText('CPU 0');
});

test('the Communicate buffer is a labelled block; the hex view goes there during the Communicate', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await openDebugger(page);
  // SMM_VARIABLE_COMMUNICATE_HEADER {Function = 3 (SET_VARIABLE), ReturnStatus} + ACCESS_VARIABLE for L"A" = 0x5A
  const payload = '0300000000000000' + '0000000000000000' + '00'.repeat(16) + '0100000000000000' + '0400000000000000' + '07000000' + '41000000' + '5A';
  await typeInTerminal(page, `communicate gEfiSmmVariableProtocolGuid ${payload}`);
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  const smram = page.getByTestId('smram-panel');
  const where = smram.getByTestId('hex-where');
  await expect(where).toContainText('CommBuffer (gSmmCorePrivate->CommunicationBuffer)');
  const block = smram.getByTestId('smram-commbuffer');
  await expect(block).toHaveAttribute('data-active', 'true');
  await expect(block).toContainText('CommBuffer');
  await expect(block).toContainText('(gSmmCorePrivate->CommunicationBuffer)');
  const at = await smram.getByTestId('hex-address-input').inputValue();
  expect(at).toMatch(/^0x7EE0/);
  await expect(smram.locator('.hb.comm').first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/i6-commbuffer-1366x768.png' });
  // The user moves the hex view: the next steps of this SMI leave it there.
  await smram.getByTestId('hex-address-input').fill('0x7F000000');
  await smram.getByTestId('hex-address-input').press('Enter');
  await expect(where).not.toContainText('CommBuffer');
  await page.getByTestId('terminal').click();
  await stepPhase(page);
  await stepPhase(page);
  await expect(smram.getByTestId('hex-address-input')).toHaveValue('0x7F000000');
  await page.keyboard.press('F5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await expect(block).not.toHaveAttribute('data-active', 'true');
});
