import { expect, type Page } from '@playwright/test';
import { newModuleFiles } from '../src/ui/source/template';

/** Helpers for the Source view's e2e tests (SMM-C): what a person does with the editor. */

/**
 * The whole terminal buffer as one line: rows joined, runs of blanks as one space (xterm draws
 * only the rows in view, and a line wider than the terminal comes wrapped into indented rows).
 */
export const terminalText = (page: Page) => page.evaluate(() => window.__smiscope!.terminalRows().map((r) => r.text).join(' ').replace(/\s+/g, ' '));

/** Waits until the terminal shows `what` (a string compared with blanks collapsed, or a pattern over the collapsed text). */
export async function expectTerminal(page: Page, what: string | RegExp, timeout = 20_000): Promise<void> {
  const re = typeof what === 'string' ? new RegExp(what.replace(/\s+/g, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : what;
  await expect.poll(() => terminalText(page), { timeout, message: `terminal shows ${what}` }).toMatch(re);
}

export const template = newModuleFiles('MyHandler')[0].text.split('\n');
/** 1-based line of the template's C file that starts with `start` (after the indent). */
export const lineOf = (lines: string[], start: string) => lines.findIndex((l) => l.trim().startsWith(start)) + 1;

export const editor = (page: Page) => page.getByTestId('c-editor');

/** Scrolls the editor until line `n` is drawn; returns its line-number gutter element. */
export async function showLine(page: Page, n: number) {
  const num = editor(page).locator('.cm-lineNumbers .cm-gutterElement').filter({ hasText: new RegExp(`^${n}$`) });
  for (let i = 0; i < 40 && !(await num.isVisible()); i++) {
    await editor(page).locator('.cm-scroller').evaluate((el, n) => {
      const lh = (el.querySelector('.cm-line') as HTMLElement | null)?.getBoundingClientRect().height ?? 19;
      el.scrollTop = Math.max(0, (n - 5) * lh);
    }, n);
    await page.waitForTimeout(50);
  }
  await expect(num).toBeVisible();
  return num;
}

/** A click in the breakpoint gutter at line `n`. */
export async function clickGutter(page: Page, n: number): Promise<void> {
  const num = await showLine(page, n);
  const box = (await num.boundingBox())!;
  const gutter = (await editor(page).locator('.cm-bp-gutter').boundingBox())!;
  await page.mouse.click(gutter.x + gutter.width / 2, box.y + box.height / 2);
}

/** The text of the line the editor marks as paused. */
export const stopLine = (page: Page) => editor(page).locator('.cm-stop-line');

/** Replaces the text of the editor's current tab (select all, type). */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  await editor(page).locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  // insertText: one input event, no auto-indent of the pasted lines (as a paste).
  await page.keyboard.insertText(text);
}

/** The top bar's Source button: the editor, call stack and locals replace the machine panels. */
export async function openSource(page: Page): Promise<void> {
  await page.getByTestId('source-toggle').click();
  await expect(page.getByTestId('source-panel')).toBeVisible();
  await expect(page.getByTestId('cstack-panel')).toBeVisible();
}

export async function newModuleLoaded(page: Page): Promise<void> {
  await openSource(page);
  await page.getByTestId('new-module').click();
  await expect(page.getByTestId('src-tab-MyHandler.c')).toBeVisible();
  await expect(page.getByTestId('src-tab-MyHandler.inf')).toBeVisible();
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'smiscope> load MyHandler.inf');
  await expectTerminal(page, 'MyHandler: root MMI handler for command 0x5A registered: Success');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
}

