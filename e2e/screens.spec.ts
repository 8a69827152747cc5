import { expect, type Locator, type Page, test } from '@playwright/test';
import { hoverTimelineBlock, openDebugger, raiseAndStepToRendezvous, stepPhase, timelineBlocks, typeInTerminal } from './helpers';
import { clickGutter, editor, expectTerminal, lineOf, newModuleLoaded, replaceEditorText, stopLine, template } from './sourceHelpers';

/**
 * Screenshots of what issue 5 changed, at the screen sizes a teacher or an engineer meets (a
 * 1024x700 projector or netbook, small laptops, 1366-wide laptop, desktop), into
 * test-results/screens/. Each step also asserts
 * the text that makes its point, so the spec fails when the page stops showing it.
 */
const SIZES: [number, number][] = [
  [1024, 700],
  [1280, 720],
  [1280, 800],
  [1366, 768],
  [1920, 1080],
];

async function openDebuggerAt(page: Page, width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await openDebugger(page);
}

/** The element must lie inside the viewport, whole: what a person sees without scrolling. */
async function expectOnScreen(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  const vp = page.viewportSize();
  expect(box, `${testId} is rendered`).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${testId} fits the width`).toBeLessThanOrEqual(vp!.width + 0.5);
  expect(box!.y + box!.height, `${testId} fits the height`).toBeLessThanOrEqual(vp!.height + 0.5);
}

/** Hovers the events of one timeline lane (0 = platform, n + 1 = CPU n) until the event line shows `text`. */
async function hoverEventWith(page: Page, lane: number, text: string): Promise<void> {
  const onLane = (await timelineBlocks(page)).filter((b) => b.lane === lane).map((b) => b.i);
  for (const i of onLane) {
    await hoverTimelineBlock(page, i);
    if ((await page.getByTestId('timeline-current').textContent())?.includes(text)) return;
  }
  throw new Error(`no event on lane ${lane} says "${text}"`);
}

/** The text up to `upTo` is drawn, not cut off by the element's line clamp or overflow. */
async function expectUnclippedUpTo(el: Locator, upTo: string): Promise<void> {
  const ok = await el.evaluate((node, upTo) => {
    const text = node.textContent ?? '';
    const at = text.indexOf(upTo);
    if (at < 0) return false;
    const range = document.createRange();
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const len = t.textContent!.length;
      if (seen + len >= at + upTo.length) {
        range.setStart(t, at + upTo.length - seen - 1);
        range.setEnd(t, at + upTo.length - seen);
        break;
      }
      seen += len;
    }
    const r = range.getBoundingClientRect();
    const box = node.getBoundingClientRect();
    return r.bottom <= box.bottom + 0.5 && r.right <= box.right + 0.5;
  }, upTo);
  expect(ok, `"${upTo}" is visible, not clipped`).toBe(true);
}

const tile = (page: Page, n: number) => page.getByTestId(`cpu-tile-${n}`);
const shot = (name: string, w: number, h: number) => `test-results/screens/${name}-${w}x${h}.png`;

for (const [w, h] of SIZES) {
  test.describe(`screens at ${w}x${h}`, () => {
    test(`(a) after boot, (c) SMRAM, (d) Handlers/Protocols/Modules tabs`, async ({ page }) => {
      await openDebuggerAt(page, w, h);
      for (const id of ['cpus-panel', 'savestate-panel', 'handlers-panel', 'timeline-panel', 'smram-panel', 'terminal-panel']) {
        await expectOnScreen(page, id);
      }
      // The page fits the width: nothing to scroll sideways to.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling').toBe(true);
      const term = page.getByTestId('terminal');
      await expect(term).toContainText('boot done: 529 SMIs since power-on');
      await expect(page.getByTestId('virtual-time')).toBeVisible();
      // No SMI of the user's yet, but the summary says the boot made 529 (not "no SMI yet").
      await expect(page.getByTestId('last-smi')).toContainText('No SMI since the boot, which made 529 SMIs');
      await expect(page.getByTestId('last-smi')).toContainText('The next is #530');
      await page.screenshot({ path: shot('a-boot', w, h) });

      const smram = page.getByTestId('smram-panel');
      await expect(smram.getByTestId('smram-descriptor')).toHaveCount(3);
      await expect(smram.getByTestId('smram-descriptors')).toContainText("CPU 0's SMBASE 0x7EFF9000 lies below TSEG");
      await expect(smram.getByTestId('smram-descriptors')).toContainText('SMBASE relocation block');
      await smram.screenshot({ path: shot('c-smram', w, h) });

      const panel = page.getByTestId('handlers-panel');
      const tabs = panel.getByRole('tab');
      await expect(tabs.filter({ hasText: 'MMI handlers' })).toContainText('5');
      await expect(panel.locator('[data-testid="handler-row"][data-kind="root"]')).toHaveCount(1);
      await expect(panel.locator('[data-testid="handler-row"][data-kind="guid"]')).toHaveCount(4);
      await panel.screenshot({ path: shot('d1-handlers', w, h) });

      await tabs.filter({ hasText: 'Protocols' }).click();
      const protocolRows = panel.getByTestId('protocol-row');
      await expect(tabs.filter({ hasText: 'Protocols' })).toContainText(String(await protocolRows.count()));
      await expect(panel).toContainText('gEfiSmmVariableProtocolGuid');
      await panel.screenshot({ path: shot('d2-protocols', w, h) });

      await tabs.filter({ hasText: 'Modules' }).click();
      for (const m of ['PlatformPei', 'SmmAccess2Dxe', 'PiSmmCore', 'VariableSmm']) {
        await expect(panel.getByTestId(`module-row-${m}`)).toHaveAttribute('data-state', 'dispatched');
      }
      await expect(panel.getByTestId('module-row-TcgMorLockSmm')).toHaveAttribute('data-state', 'dependent');
      await expect(panel.getByTestId('module-row-TcgMorLockSmm')).toContainText('gEfiTcg2ProtocolGuid');
      await panel.screenshot({ path: shot('d3-modules', w, h) });
    });

    test(`(b) smi 0x04 --cpu 2 at the rendezvous, (f) --broadcast off: no BSP, virtual time`, async ({ page }) => {
      await openDebuggerAt(page, w, h);
      await raiseAndStepToRendezvous(page, 'smi 0x04 --cpu 2');
      await expect(tile(page, 0)).toHaveAttribute('data-activity', 'bsp');
      await expect(tile(page, 0).locator('.badge-bsp')).toBeVisible();
      await expect(tile(page, 2).locator('.badge-out')).toBeVisible();
      await expect(page.getByTestId('last-smi')).toContainText('BSP CPU 0');
      await expect(page.getByTestId('last-smi')).toContainText('OUT by CPU 2');
      await expectOnScreen(page, 'timeline-current');
      // Every lane is on screen, none scrolled away: platform + 4 CPUs.
      const lanes = page.getByTestId('timeline-panel').locator('.tl-scroll');
      expect(await lanes.evaluate((el) => el.scrollHeight <= el.clientHeight + 1), 'all 5 lanes fit').toBe(true);
      await page.screenshot({ path: shot('b-rendezvous', w, h) });
      // The election is an event per CPU: hovering CPU 2's says IsBsp=FALSE, CPU 0's IsBsp=TRUE.
      await hoverEventWith(page, 3, 'PlatformSmmBspElection');
      await expect(page.getByTestId('timeline-current')).toContainText('CPU2: PlatformSmmBspElection: IA32_APIC_BASE.BSP=0 -> IsBsp=FALSE');
      await hoverEventWith(page, 1, 'PlatformSmmBspElection');
      await expect(page.getByTestId('timeline-current')).toContainText('CPU0: PlatformSmmBspElection: IA32_APIC_BASE.BSP=1 -> IsBsp=TRUE');
      await expectUnclippedUpTo(page.getByTestId('timeline-current').locator('.mono'), 'IsBsp=TRUE');
      await page.screenshot({ path: shot('b2-election-hover', w, h) });
      await page.mouse.move(0, 0);
      await page.keyboard.press('F5');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');

      await typeInTerminal(page, 'platform ovmf --broadcast off');
      await expect(page.getByTestId('platform-line')).toContainText('unicast SMI');
      await typeInTerminal(page, 'smi 0x04 --cpu 2 --run');
      await expect(page.getByTestId('virtual-time')).toHaveText('virtual time 100000 µs');
      await expectOnScreen(page, 'virtual-time');
      await expect(page.getByTestId('last-smi')).toContainText('none (APs gave up)');
      await expect(page.getByTestId('terminal')).toContainText('no MMI handler ran');
      await page.screenshot({ path: shot('f-unicast-timeout', w, h) });
      // The AP's wait is an event on CPU 2's lane, with the virtual time it waited.
      await hoverEventWith(page, 3, 'InsideSmm still FALSE');
      await expectUnclippedUpTo(page.getByTestId('timeline-current').locator('.mono'), 'PcdCpuSmmApSyncTimeout = 100000 µs (virtual)');
      await expect(page.getByTestId('timeline-current')).toContainText('(virtual)');
      await page.screenshot({ path: shot('f2-ap-timeout-hover', w, h) });
    });

    test(`(e) SwDispatch2Locate hangs on ASSERT_EFI_ERROR, (g) --accel kvm save state`, async ({ page }) => {
      await openDebuggerAt(page, w, h);
      await typeInTerminal(page, 'platform ovmf --module SwDispatch2Locate');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
      const term = page.getByTestId('terminal');
      // The hang is the last thing the firmware printed: it must be on screen, not scrolled away.
      await expect(term).toContainText('ASSERT_EFI_ERROR (Status = Not Found)');
      await expect(term).toContainText('ASSERT SwDispatch2Locate.c(42): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)');
      // The Modules tab flags the hung module.
      await expect(page.getByRole('tab', { name: /Modules/ }).locator('.tab-alert')).toBeVisible();
      await page.getByRole('tab', { name: /Modules/ }).click();
      await expect(page.getByTestId('module-row-SwDispatch2Locate')).toHaveAttribute('data-state', 'hung');
      await page.screenshot({ path: shot('e-assert-hang', w, h) });

      await typeInTerminal(page, 'platform ovmf --accel kvm');
      await expect(page.getByTestId('platform-line')).toContainText('KVM');
      await tile(page, 2).click();
      await typeInTerminal(page, 'smi 0x04 --cpu 2');
      for (let i = 0; i < 3; i++) await stepPhase(page); // trigger, SMI# delivery, save state
      const ss = page.getByTestId('savestate-panel');
      await expect(ss.getByTestId('ss-accel')).toHaveAttribute('data-accel', 'kvm');
      await expect(ss.getByTestId('ss-accel')).toContainText('KVM');
      await expect(ss.getByTestId('ss-field-IO_DWord')).toContainText('0x00000000');
      await ss.screenshot({ path: shot('g-savestate-kvm', w, h) });
      await page.screenshot({ path: shot('g-kvm-page', w, h) });
    });

    test(`(h) the Source view: the template loaded, paused in C with locals, a compile error`, async ({ page }) => {
      await openDebuggerAt(page, w, h);
      await newModuleLoaded(page);
      for (const id of ['cpus-panel', 'source-panel', 'cstack-panel', 'smram-panel', 'terminal-panel']) await expectOnScreen(page, id);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling').toBe(true);
      // The toolbar (one row) and the source panel's buttons are whole.
      await expectOnScreen(page, 'load-module');
      await expectOnScreen(page, 'header-picker');
      await page.screenshot({ path: shot('h1-source-template', w, h) });

      const line = lineOf(template, 'Answer = 0x5A5A0000ULL | Data;');
      await clickGutter(page, line);
      await expectTerminal(page, `breakpoint 1: MyHandler.c:${line}`);
      await typeInTerminal(page, 'smi 0x5a 0x07 --run');
      await expect(stopLine(page)).toHaveText('  Answer = 0x5A5A0000ULL | Data;');
      await page.keyboard.press('F10');
      await expect(stopLine(page)).toContainText('WriteSaveState');
      await expectOnScreen(page, 'action-step-out');
      await expectOnScreen(page, 'source-stop');
      // Every local of the handler is on screen with its value: none scrolled away or cut.
      const locals = page.getByTestId('locals');
      await expect(locals.locator('tr')).toHaveCount(8);
      await expect(page.getByTestId('local-Answer')).toContainText('0x5A5A0007');
      await page.screenshot({ path: shot('h2-source-paused', w, h) });
      await expectUnclippedUpTo(page.getByTestId('local-Answer').locator('.lv-value'), '0x5A5A0007');
      await expectOnScreen(page, 'local-Answer');
      await expect(page.getByTestId('call-stack')).toContainText('PiSmmCpuDxeSmm');
      await page.keyboard.press('F5');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');

      await replaceEditorText(page, template.map((l) => (l.trim() === 'mCalls++;' ? '  mCalls = UndefinedThing + 1;' : l)).join('\n'));
      await page.keyboard.press('ControlOrMeta+s');
      await expect(page.getByTestId('source-error')).toContainText("'UndefinedThing'");
      await expectOnScreen(page, 'source-error');
      await expect(editor(page).locator('.cm-lintRange-error')).toHaveText('UndefinedThing');
      await page.screenshot({ path: shot('h3-source-error', w, h) });
    });
  });
}
