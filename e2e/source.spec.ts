import { expect, test } from '@playwright/test';
import { newModuleFiles } from '../src/ui/source/template';
import { openDebugger, typeInTerminal } from './helpers';
import { clickGutter, editor, expectTerminal, lineOf, newModuleLoaded, openSource, replaceEditorText, showLine, stopLine, template } from './sourceHelpers';

/**
 * SMM-C in the page (issue 7 §3 and §5): the Source editor, Load, gutter breakpoints, stepping C
 * lines with the keys and the toolbar, locals, compile errors at their line and column, the seed
 * thread's ASSERT and an endless loop shown hung at their lines.
 */

test('(a) New module -> Load -> breakpoint in the gutter -> smi 0x5a: the paused line, Step over, locals', async ({ page }) => {
  await openDebugger(page);
  await newModuleLoaded(page);

  // The breakpoint goes on the handler's `mCalls++;` line; the gutter shows it.
  const calls = lineOf(template, 'mCalls++;');
  await clickGutter(page, calls);
  await expectTerminal(page, `breakpoint 1: MyHandler.c:${calls}`);
  await expect(editor(page).locator('.cm-bp-bp')).toHaveCount(1);

  await typeInTerminal(page, 'smi 0x5a 0x07 --run');
  await expect(stopLine(page)).toHaveText('  mCalls++;');
  await expect(page.getByTestId('source-stop')).toContainText(`paused CPU 0 in MyHandler at MyHandler.c:${calls}`);
  // The toolbar's line steps replace the phase steps while paused in C.
  await expect(page.getByTestId('action-step-over')).toBeVisible();
  await expect(page.getByTestId('action-step-phase')).toHaveCount(0);
  // The call stack: the handler, then PiSmmCore's and PiSmmCpuDxeSmm's frames.
  const stack = page.getByTestId('call-stack');
  await expect(stack).toContainText('MyHandler');
  await expect(stack).toContainText('SmiManage');
  await expect(stack).toContainText('PiSmmCore');
  await expect(stack).toContainText('BSPHandler');
  await expect(stack).toContainText('PiSmmCpuDxeSmm');
  await expect(page.getByTestId('local-Data')).toContainText('7');
  await page.screenshot({ path: 'test-results/screens/source-paused.png' });

  await page.keyboard.press('F10'); // step over: the next line
  await expect(stopLine(page)).toHaveText('  Answer = 0x5A5A0000ULL | Data;');
  await expectTerminal(page, /smiscope> step over\s+# F10/);
  await page.getByTestId('action-step-over').click(); // and with the button: past the comment to WriteSaveState
  await expect(stopLine(page)).toContainText('Status = mSmmCpu->WriteSaveState (');
  await expect(page.getByTestId('local-Answer')).toContainText('0x5A5A0007');
  await expect(page.getByTestId('local-Answer')).toHaveClass(/changed/);

  // The address of a local opens the SMRAM hex view there.
  const addrText = (await page.getByTestId('local-Answer').locator('.lv-addr button').textContent())!.trim();
  await page.getByTestId('local-Answer').locator('.lv-addr button').click();
  await expect(page.getByTestId('hex-address-input')).toHaveValue(new RegExp(addrText.replace(/^0x0*/, ''), 'i'));

  // Step out (Shift+F11): the handler returns to SmiManage; out of C, the toolbar has the phase steps again.
  await page.keyboard.press('Shift+F11');
  await expectTerminal(page, /smiscope> step out\s+# Shift\+F11 \[handler\] MyHandler\.MyHandler returned EFI_SUCCESS/);
  await expect(stopLine(page)).toHaveCount(0);
  await expect(page.getByTestId('action-step-phase')).toBeVisible();
  await page.keyboard.press('F5');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await expectTerminal(page, 'MyHandler: command 0x5A data 0x7 (call 1): RAX = 0x5A5A0007, Success');
});

test('files dropped on the editor open as tabs; an error in a shipped header opens it; the .inf dropped next loads', async ({ page }) => {
  await openDebugger(page);
  await openSource(page);
  const drop = (files: [string, string][]) =>
    page.getByTestId('source-panel').locator('.src-body').evaluate((el, files) => {
      const dt = new DataTransfer();
      for (const [name, text] of files) dt.items.add(new File([text], name, { type: 'text/plain' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, files);
  const [c, inf] = newModuleFiles('Dropped');
  await drop([['Dropped.c', c.text], ['notes.txt', 'not a source']]);
  await expect(page.getByTestId('src-tab-Dropped.c')).toHaveClass(/active/);
  await expectTerminal(page, 'editor: opened Dropped.c (skipped notes.txt: not .c, .h or .inf)');
  // No .inf: Load sends `load Dropped.c`; the .inf the core writes names no GUIDs, so the link fails
  // at the header's declaration of the GUID, and the editor opens that header there.
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'smiscope> load Dropped.c');
  await expectTerminal(page, "error: undefined reference to 'gEfiSmmCpuProtocolGuid'");
  await expect(page.getByTestId('src-tab-Protocol/SmmCpu.h')).toHaveClass(/active/);
  await expect(editor(page).locator('.cm-lintRange-error')).toHaveText('gEfiSmmCpuProtocolGuid');

  await drop([['Dropped.inf', inf.text]]);
  await expect(page.getByTestId('src-tab-Dropped.inf')).toHaveClass(/active/);
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'smiscope> load Dropped.inf');
  await expectTerminal(page, 'Dropped: root MMI handler for command 0x5A registered: Success');
  await expect(page.getByTestId('source-error')).toHaveCount(0);
});
