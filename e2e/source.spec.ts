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
  // A watch: a C expression over the locals, evaluated at this stop (and every later one).
  await page.getByTestId('watch-input').fill('Answer & 0xFF');
  await page.getByTestId('watch-input').press('Enter');
  await expect(page.getByTestId('watch-value')).toHaveText('7 (0x7)');

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

test('(b) a syntax error: shown at its line and column in the editor and the terminal; the loaded module stays', async ({ page }) => {
  await openDebugger(page);
  await newModuleLoaded(page);
  const broken = template.map((l) => (l.trim() === 'mCalls++;' ? '  mCalls++' : l)).join('\n');
  const line = lineOf(template, 'mCalls++;');
  await replaceEditorText(page, broken);
  await expect(page.getByTestId('src-tab-MyHandler.c')).toContainText('•'); // changed since loaded
  await page.keyboard.press('ControlOrMeta+Enter'); // load from the editor's key
  await expectTerminal(page, `MyHandler.c:${line}:11: error: expected ';' after expression`);
  await expectTerminal(page, 'the module did not compile; nothing changed');
  await expect(page.getByTestId('source-error')).toContainText(`MyHandler.c:${line}:11: expected ';' after expression`);
  // Inline: the lint mark sits on that line (CodeMirror's lint range; a point at the line's end here).
  await expect(editor(page).locator('.cm-lintRange-error, .cm-lintPoint-error')).toHaveCount(1);
  await expect(editor(page).locator('.cm-line', { has: page.locator('.cm-lintRange-error, .cm-lintPoint-error') })).toHaveText('  mCalls++');
  await expect(editor(page).locator('.cm-lint-marker-error')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/screens/source-error.png' });
  // The module loaded before is still loaded.
  await typeInTerminal(page, 'modules');
  await expectTerminal(page, /MyHandler\s+dispatched/);
});

const SEED_INF = `[Defines]
  INF_VERSION    = 0x00010005
  BASE_NAME      = SwSmiSeed
  FILE_GUID      = 3C1D0E52-7A41-4B65-9E0F-1234ABCD5678
  MODULE_TYPE    = DXE_SMM_DRIVER
  ENTRY_POINT    = SwSmiSeedEntry

[Sources]
  SwSmiSeed.c

[Protocols]
  gEfiSmmSwDispatch2ProtocolGuid

[Depex]
  TRUE
`;

/** The seed thread's module, in our words: it looks up the SW dispatch protocol OVMF never installs. */
const SEED_C = `#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmSwDispatch2.h>

EFI_SMM_SW_DISPATCH2_PROTOCOL  *mSwDispatch;

EFI_STATUS
EFIAPI
SwSmiSeedEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;

  Status = gSmst->SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid, NULL, (VOID **)&mSwDispatch);
  DEBUG ((DEBUG_INFO, "SmmSwDispatch2Protocol Status: 0x%x\\n", Status));
  ASSERT_EFI_ERROR (Status);
  return EFI_SUCCESS;
}
`;

test('(c) the seed thread\'s module: Status 0xE, the ASSERT, and the boot hung at the ASSERT line', async ({ page }) => {
  await openDebugger(page);
  await openSource(page);
  await page.getByTestId('new-module').click();
  // Paste the thread's module over the template's two files, under its own names.
  await replaceEditorText(page, SEED_C);
  await page.getByTestId('src-tab-MyHandler.inf').locator('.src-tab-name').click();
  await replaceEditorText(page, SEED_INF.replace('SwSmiSeed.c', 'MyHandler.c'));
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'SmmSwDispatch2Protocol Status: 0xE');
  await expectTerminal(page, 'ASSERT_EFI_ERROR (Status = Not Found)');
  await expectTerminal(page, /ASSERT MyHandler\.c\(19\)/);
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
  await expect(page.getByTestId('src-tab-MyHandler.c')).toHaveClass(/active/);
  await expect(editor(page).locator('.cm-hung-line')).toHaveText('  ASSERT_EFI_ERROR (Status);');
  await expect(page.getByTestId('source-hung')).toContainText('CPU 0 hung at MyHandler.c:19 in SwSmiSeedEntry');
  await page.screenshot({ path: 'test-results/screens/source-assert.png' });
});

test('(e) the GUID in [Depex]: the module is never dispatched, and the dispatcher names the GUID it waits for', async ({ page }) => {
  await openDebugger(page);
  await openSource(page);
  await page.getByTestId('new-module').click();
  await replaceEditorText(page, SEED_C);
  await page.getByTestId('src-tab-MyHandler.inf').locator('.src-tab-name').click();
  await replaceEditorText(page, SEED_INF.replace('SwSmiSeed.c', 'MyHandler.c').replace('[Depex]\n  TRUE', '[Depex]\n  gEfiSmmSwDispatch2ProtocolGuid'));
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'was discovered but not loaded!!');
  await expect(page.getByTestId('status')).not.toHaveAttribute('data-mode', 'hung');
  await typeInTerminal(page, 'modules');
  await expectTerminal(page, /SwSmiSeed .*gEfiSmmSwDispatch2ProtocolGuid/);
});

test('(d) an endless loop in the handler: smi -> the CPU hung at its line, the page responsive, reset recovers', async ({ page }) => {
  await openDebugger(page);
  await openSource(page);
  await page.getByTestId('new-module').click();
  const looping = template.map((l) => (l.trim() === 'mCalls++;' ? '  for (;;) {\n  }' : l)).join('\n');
  await replaceEditorText(page, looping);
  await page.getByTestId('load-module').click();
  await expectTerminal(page, 'MyHandler: root MMI handler for command 0x5A registered: Success');
  await typeInTerminal(page, 'smi 0x5a --run');
  await expectTerminal(page, /HUNG: endless loop at MyHandler\.c:\d+ \(MyHandler\)/);
  const loopLine = lineOf(looping.split('\n'), 'for (;;)');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'hung');
  await expect(page.getByTestId('source-hung')).toContainText(`hung at MyHandler.c:${loopLine}`);
  await expect(editor(page).locator('.cm-hung-line')).toHaveText('  for (;;) {');
  // The page answers: the key list opens and closes, the terminal takes commands.
  await page.getByTestId('keys-button').click();
  await expect(page.getByTestId('keys-overlay')).toBeVisible();
  await expect(page.getByTestId('keys-row-step-over')).toContainText('F10');
  await page.keyboard.press('Escape');
  await typeInTerminal(page, 'reset');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 20_000 });
  await expect(editor(page).locator('.cm-hung-line')).toHaveCount(0);
  // The module is still loaded after the reset (loaded modules persist until `unload`).
  await typeInTerminal(page, 'modules');
  await expectTerminal(page, /MyHandler\s+dispatched/);
});

test('buffers survive a reload; a shared link brings the loaded module\'s files into the editor; headers open read-only', async ({ page }) => {
  await openDebugger(page);
  await newModuleLoaded(page);
  // A shipped header from an #include (Ctrl+click), read-only.
  const inc = editor(page).locator('.cm-include', { hasText: '<Library/DebugLib.h>' });
  await inc.click({ modifiers: ['ControlOrMeta'] });
  await expect(page.getByTestId('src-tab-Library/DebugLib.h')).toHaveClass(/active/);
  await expect(editor(page)).toContainText('DEBUG');
  await expect(editor(page).locator('.cm-content')).toHaveAttribute('contenteditable', 'false');
  await page.getByTestId('src-tab-MyHandler.c').locator('.src-tab-name').click();

  await clickGutter(page, lineOf(template, 'mCalls++;'));
  await expectTerminal(page, 'breakpoint 1: MyHandler.c:');
  await page.getByTestId('permalink').click();
  await expect.poll(() => page.url()).toContain('#session=');
  const link = page.url();

  // Another browser profile (empty localStorage) opens the link: the module's files come back.
  const other = await page.context().browser()!.newContext();
  const p2 = await other.newPage();
  await p2.goto(link);
  await expect(p2.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 30_000 });
  await expect(p2.getByTestId('src-tab-MyHandler.c')).toBeVisible({ timeout: 20_000 });
  await expect(p2.getByTestId('src-tab-MyHandler.inf')).toBeVisible();
  await showLine(p2, lineOf(template, 'mCalls++;'));
  await expect(p2.getByTestId('c-editor').locator('.cm-bp-bp')).toHaveCount(1);
  await other.close();

  // A reload keeps the buffers, an unsaved edit included.
  await page.goto('/');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 30_000 });
  await page.getByTestId('src-tab-MyHandler.c').locator('.src-tab-name').click();
  await editor(page).locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.type('// my note ');
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle', { timeout: 30_000 });
  await expect(editor(page)).toContainText('// my note /** @file');
  await expect(page.getByTestId('src-tab-MyHandler.c')).toContainText('•'); // changed since it was loaded
});
