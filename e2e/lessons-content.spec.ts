import { expect, type Page, test } from '@playwright/test';
import { typeInTerminal } from './helpers';
import { editor, expectTerminal, replaceEditorText } from './sourceHelpers';
import { newModuleFiles } from '../src/ui/source/template';

/**
 * Issue 9 §5: two shipped lessons completed in the page, as a student takes them. (a) "Your first
 * SMI" from its first step to its last, and (f) "The seed story", whose fix is written in the
 * Source editor (New module, the command changed to 0x42, Load) and then called from the terminal.
 * In each, one question is answered wrongly first (the hint shows), then rightly (the reveal shows).
 * Screenshots of lesson steps at 1280x720, 1366x768 and 1920x1080 go to test-results/screens/.
 */

async function ready(page: Page): Promise<void> {
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', /idle|paused|hung/, { timeout: 30_000 });
}

async function startLesson(page: Page, id: string, firstTitle: string): Promise<void> {
  await page.goto('/');
  await page.evaluate(() => localStorage.clear());
  await page.goto('/');
  await ready(page);
  await page.getByTestId('lessons-button').click();
  await page.getByTestId(`lesson-start-${id}`).click();
  await expect(page.getByTestId('lesson-step-title')).toHaveText(firstTitle, { timeout: 30_000 });
  await ready(page);
}

/** The step shown is `title`, and the machine has run its console blocks. */
async function atStep(page: Page, title: string): Promise<void> {
  await expect(page.getByTestId('lesson-step-title')).toHaveText(title, { timeout: 30_000 });
  await ready(page);
}

async function next(page: Page, title: string): Promise<void> {
  await page.getByTestId('lesson-next').click();
  await atStep(page, title);
}

const result = (page: Page) => page.getByTestId('lesson-result');

async function choose(page: Page, choice: string, ok = true): Promise<void> {
  await page.locator('[data-testid^="lesson-choice-"]', { hasText: new RegExp(`^${choice.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).click();
  await expect(result(page)).toHaveAttribute('data-ok', String(ok), { timeout: 15_000 });
}

async function typeAnswer(page: Page, value: string, ok = true): Promise<void> {
  await page.getByTestId('lesson-answer-input').fill(value);
  await page.getByTestId('lesson-check').click();
  await expect(result(page)).toHaveAttribute('data-ok', String(ok), { timeout: 15_000 });
}

async function check(page: Page, ok = true): Promise<void> {
  await page.getByTestId('lesson-check').click();
  await expect(result(page)).toHaveAttribute('data-ok', String(ok), { timeout: 15_000 });
}

test('(a) first-smi: from OUT 0xB2 to RSM, one question answered wrongly then rightly, to the last step', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await startLesson(page, 'first-smi', 'The machine before you start');
  await expect(page.getByTestId('lesson-step-count')).toHaveText('Step 1 of 9');
  await typeAnswer(page, '529');
  await next(page, 'Writing to port 0xB2');
  await choose(page, '0x05');
  await next(page, 'SMI# reaches every CPU');
  await next(page, 'Each CPU saves its state');
  await typeAnswer(page, '0x7EFFB000');
  await next(page, 'The rendezvous and the monarch');
  // Wrong first: the hint, no reveal; then right: the reveal.
  await choose(page, 'CPU 1', false);
  await expect(page.getByTestId('lesson-hint')).toContainText('BSP mark');
  await expect(page.getByTestId('lesson-reveal')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/lesson-first-smi-wrong-1366x768.png' });
  await choose(page, 'CPU 0');
  await expect(page.getByTestId('lesson-reveal')).toContainText('monarch of every SMI');
  await page.screenshot({ path: 'test-results/screens/lesson-first-smi-right-1366x768.png' });
  await next(page, 'SmmEntryPoint and the handlers');
  await choose(page, 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
  await next(page, 'RSM: back to the OS');
  await typeAnswer(page, '0x5');
  await next(page, 'The command CpuHotplugMmi handles');
  await choose(page, 'EFI_SUCCESS');
  await next(page, 'Counting SMIs');
  await typeAnswer(page, '527');
  await expect(page.getByTestId('lesson-reveal')).toContainText('from the OUT to RSM');
  // Finish: back to the list, every step done and every question answered.
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-list')).toBeVisible();
  await expect(page.getByTestId('lesson-progress-first-smi')).toContainText('9/9 steps');
  await expect(page.getByTestId('lesson-progress-first-smi')).toContainText('8/8 answered');
});

test('(f) seed-story: the hang, the depex, and the root-handler fix written in the editor and called', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await startLesson(page, 'seed-story', 'The first try: locate the protocol');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
  await choose(page, 'SwDispatch2Locate');
  await next(page, 'What the locate returned');
  await choose(page, 'EFI_NOT_FOUND');
  await next(page, 'Why a NOT_FOUND hangs the machine');
  // Wrong first, then right.
  await typeAnswer(page, '41', false);
  await expect(page.getByTestId('lesson-hint')).toContainText('ASSERT line');
  await typeAnswer(page, '42');
  await expect(page.getByTestId('lesson-reveal')).toContainText('ASSERT_EFI_ERROR');
  await page.screenshot({ path: 'test-results/screens/lesson-seed-story-assert-1366x768.png' });
  await next(page, 'The second try: put the GUID in the depex');
  await choose(page, 'dependent');
  await next(page, 'How OVMF handles its own software SMI');
  await choose(page, 'RootMmiSampleHandler');
  await next(page, 'Write the fix yourself');
  // Checked before anything is loaded: not yet.
  await check(page, false);
  // New module, MY_COMMAND 0x5A -> 0x42, Load.
  if (!(await page.getByTestId('source-panel').isVisible())) await page.getByTestId('source-toggle').click();
  await expect(page.getByTestId('source-panel')).toBeVisible();
  await page.getByTestId('new-module').click();
  await expect(page.getByTestId('src-tab-MyHandler.c')).toBeVisible();
  await page.getByTestId('src-tab-MyHandler.c').click();
  const c = newModuleFiles('MyHandler').find((f) => f.name === 'MyHandler.c')!.text;
  await replaceEditorText(page, c.replace('#define MY_COMMAND  0x5A', '#define MY_COMMAND  0x42'));
  await expect(editor(page)).toContainText('#define MY_COMMAND  0x42');
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'MyHandler: root MMI handler for command 0x42 registered: Success', 60_000);
  await ready(page);
  await page.screenshot({ path: 'test-results/screens/lesson-seed-story-fix-1366x768.png' });
  await check(page);
  await next(page, 'Call your handler');
  await typeInTerminal(page, 'smi 0x42 0x07 --cpu 2 --run');
  await expectTerminal(page, /MyHandler: command 0x42 data 0x7/);
  await ready(page);
  await check(page);
  await next(page, 'Where did the answer go?');
  await typeAnswer(page, '0x42');
  await next(page, 'The trap in the thread\'s "universal" dispatcher');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
  await choose(page, 'SwDispatch2Locate');
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-list')).toBeVisible();
  await expect(page.getByTestId('lesson-progress-seed-story')).toContainText('9/9 steps');
});

for (const [w, h] of [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
] as const) {
  test(`screenshots: shipped lessons at ${w}x${h}`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await page.goto('/#lesson=save-state&step=4');
    await atStep(page, 'Why CPU 2 got nothing');
    await page.waitForTimeout(1500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/screens/lesson-save-state-${w}x${h}.png` });
    await page.goto('/#lesson=smram-lock&step=3');
    await atStep(page, 'A handler that trusts a pointer');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `test-results/screens/lesson-smram-lock-${w}x${h}.png` });
    await page.getByTestId('lesson-all').click();
    await page.screenshot({ path: `test-results/screens/lesson-list-${w}x${h}.png` });
  });
}
