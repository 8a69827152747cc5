import { expect, type Page, test } from '@playwright/test';
import { openDebugger, typeInTerminal } from './helpers';

/**
 * Issue 6 §4 on the laptops a firmware engineer has (1280x800, 1366x768): the terminal has the
 * keyboard at once, its output is laid out for its real width, echoes stay with their outputs,
 * a reload shows how the session got where it is, and every F-key has a laptop-friendly twin.
 */

interface Row {
  text: string;
  wrapped: boolean;
}

const rows = (page: Page): Promise<Row[]> => page.evaluate(() => window.__smiscope!.terminalRows());
/** The rows from the last one that starts with `from`. */
async function rowsFrom(page: Page, from: string): Promise<Row[]> {
  const all = await rows(page);
  let at = -1;
  all.forEach((r, i) => {
    if (r.text.startsWith(from)) at = i;
  });
  expect(at, `a row starts with "${from}"`).toBeGreaterThanOrEqual(0);
  return all.slice(at);
}
/** Waits until `line`'s echo is in the buffer and the prompt is back after its output. */
async function commandDone(page: Page, line: string): Promise<void> {
  await expect
    .poll(async () => {
      const all = (await rows(page)).map((r) => r.text);
      while (all.length && all[all.length - 1].trim() === '') all.pop();
      const at = all.lastIndexOf(`smiscope> ${line}`);
      return at >= 0 && at < all.length - 2 && all[all.length - 1].trim() === 'smiscope>';
    })
    .toBe(true);
}

/** The rows' text as one line (hanging indents and row ends read as one space). */
const joined = (rs: Row[]) => rs.map((r) => r.text.trim()).join(' ');

/** No row is a piece xterm broke off a line too wide for it, and no row is a lone character carried over from the row above. */
async function expectNoBrokenRows(page: Page, what: string): Promise<void> {
  const all = await rows(page);
  const wrapped = all.filter((r) => r.wrapped).map((r) => r.text);
  expect(wrapped, `${what}: rows xterm had to wrap`).toEqual([]);
  // The same, read from the screen as a person sees it: no row of one character right under a full row.
  const screen = await page.locator('.xterm-rows > div').allTextContents();
  const width = Math.max(...screen.map((t) => t.trimEnd().length));
  for (let i = 1; i < screen.length; i++) {
    const lone = screen[i].trim().length === 1 && screen[i - 1].trimEnd().length >= width - 1;
    expect(lone, `${what}: row ${i} "${screen[i]}" is a lone character under "${screen[i - 1]}"`).toBe(false);
  }
}

for (const [w, h] of [
  [1280, 800],
  [1366, 768],
]) {
  test.describe(`on a ${w}x${h} laptop`, () => {
    test('typing help works at once, and help, tables, regs, cpus and savestate fit the terminal', async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await openDebugger(page);
      // No click: the prompt has the keyboard on first load.
      await page.keyboard.type('help');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('terminal')).toContainText('`help CMD` shows its usage and all of its text.');
      const help = await rowsFrom(page, 'smiscope> help');
      expect(help[1].text).toBe('help         List the commands, or explain one.');
      expect(help.some((r) => r.text.startsWith('platform     Power on a QEMU Q35 + OVMF machine'))).toBe(true);
      // The description column wraps under itself.
      const at = help.findIndex((r) => r.text.startsWith('platform '));
      expect(help[at + 1].text).toMatch(/^ {13}\S/);
      await expectNoBrokenRows(page, 'help');

      await typeInTerminal(page, 'smi 0x04 --cpu 1');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
      for (const line of ['step phase 3', 'cpus', 'regs 1', 'savestate 1', 'handlers', 'modules', 'protocols', 'variables']) {
        await typeInTerminal(page, line);
        await commandDone(page, line);
        await expectNoBrokenRows(page, line);
      }
      const cpus = joined(await rowsFrom(page, 'smiscope> cpus'));
      expect(cpus).toMatch(/CPU1 .*in SMM .*rendezvous \[OUT\]/);
      expect(cpus).toContain('left out to fit');
      const regs = await rowsFrom(page, 'smiscope> regs 1');
      expect(regs[2].text).toMatch(/^RAX +=0x0+4 {2}RCX +=0x/); // as many registers a row as fit
    });

    test('ten fast F10 / Ctrl+\' presses: each echo is followed by its own output, in order', async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await openDebugger(page);
      await typeInTerminal(page, 'smi 0x04 --cpu 1');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
      for (let i = 0; i < 10; i++) await page.keyboard.press(i % 2 ? "Control+'" : 'F10');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
      await expect(page.getByTestId('terminal')).toContainText('SMI #530 finished');
      const rs = (await rowsFrom(page, 'smiscope> smi 0x04 --cpu 1')).slice(1);
      // Group the rows under each echo.
      const groups: { echo: string; out: string }[] = [];
      for (const r of rs) {
        if (r.text.startsWith('smiscope> ')) groups.push({ echo: r.text, out: '' });
        else if (groups.length) groups[groups.length - 1].out += ' ' + r.text.trim();
      }
      const steps = groups.filter((g) => g.echo.startsWith('smiscope> step phase'));
      expect(steps).toHaveLength(10);
      expect(steps.map((g) => g.echo.replace(/\s+/g, ' '))).toEqual(Array.from({ length: 10 }, (_, i) => `smiscope> step phase # ${i % 2 ? "Ctrl+'" : 'F10'}`));
      const expected = ['[trigger] CPU1: OUT 0xB2', '[smi-delivery]', '[save-state]', '[rendezvous]', '[smm-entry]', '[handler]', '[mmi-manage]', '[exit]', '[rsm]', 'SMI #530 finished'];
      steps.forEach((g, i) => expect(g.out.trim().startsWith(expected[i]), `output of step ${i + 1}: ${g.out}`).toBe(true));
    });

    test('a reload mid-SMI shows the replayed commands, their output and where the session stands', async ({ page }) => {
      await page.setViewportSize({ width: w, height: h });
      await openDebugger(page);
      await typeInTerminal(page, 'smi 0x04 --cpu 1');
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
      await page.keyboard.press('F10');
      await page.keyboard.press('F10');
      await expect(page.getByTestId('timeline-current')).toContainText('SMI#');
      await page.waitForTimeout(800); // autosave is debounced
      await page.reload();
      await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused', { timeout: 20_000 });
      await expect(page.getByTestId('terminal')).toContainText('command(s) replayed');
      const all = await rows(page);
      const text = joined(all);
      // No boot of a default machine before the restore: the replay's own boot log, then the commands.
      expect(all.filter((r) => r.text.includes('boot done: 529 SMIs'))).toHaveLength(1);
      expect(text).toMatch(/restoring the session from the autosave.*boot done: 529 SMIs.*smiscope> smi 0x04 --cpu 1 +# replayed smi 0x04 data 0x00 from CPU1 .*smiscope> step phase +# replayed \[trigger\].*smiscope> step phase +# replayed \[smi-delivery\]/);
      expect(text).toMatch(/session loaded: 4 CPU\(s\), 3 command\(s\) replayed; SMI #530 paused at smi-delivery \(event 3 of the SMI, session event #\d+\)/);
      // Typing works at once after the reload too, and F10 carries on from where it was.
      await page.keyboard.press('F10');
      await expect(page.getByTestId('timeline-current')).toContainText('save');
    });
  });
}

test('laptop keys: Ctrl+\' and Ctrl+; step, F9 and Alt+Left go back, F8 continues; F5 and F11 never reach the browser', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openDebugger(page);
  // A listener after the page's own sees whether the page took the key from the browser.
  await page.evaluate(() => {
    (window as unknown as { __prevented: string[] }).__prevented = [];
    window.addEventListener('keydown', (e) => e.defaultPrevented && (window as unknown as { __prevented: string[] }).__prevented.push(e.key), { capture: true });
  });
  await typeInTerminal(page, 'smi 0x04 --cpu 1');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  // The paused event's number within its SMI ("SMI event 5/13"): it goes down on back.
  const seq = async () => Number(/event (\d+)/.exec((await page.getByTestId('status').locator('.status-seq').textContent()) ?? '')?.[1]);
  const s0 = await seq();
  await page.keyboard.press("Control+'");
  await expect.poll(seq).toBeGreaterThan(s0);
  const s1 = await seq();
  await page.keyboard.press('Control+;');
  await expect.poll(seq).toBe(s1 + 1);
  await page.keyboard.press('F11');
  await expect.poll(seq).toBe(s1 + 2);
  await page.keyboard.press('F9');
  await expect.poll(seq).toBe(s1 + 1);
  await page.keyboard.press('Alt+ArrowLeft');
  await expect.poll(seq).toBe(s1);
  await expect(page.getByTestId('terminal')).toContainText('smiscope> back   # Alt+←');
  await page.getByTestId('action-back').click();
  await expect.poll(seq).toBe(s1 - 1);
  await expect(page).toHaveURL(/\/$/); // Alt+Left did not navigate
  await page.keyboard.press('F8');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'idle');
  await expect(page.getByTestId('terminal')).toContainText('smiscope> continue   # F8');
  await page.keyboard.press('F5'); // continue with nothing to continue: answered in the terminal, the page stays
  await expect(page.getByTestId('terminal')).toContainText('continue: no SMI in progress');
  const prevented = await page.evaluate(() => (window as unknown as { __prevented: string[] }).__prevented);
  for (const k of ['F5', 'F8', 'F9', 'F11', 'ArrowLeft', "'", ';']) expect(prevented, `${k} is kept from the browser`).toContain(k);
});

test('the "?" key list opens from an empty terminal line or its button, and the terminal can be enlarged (remembered)', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openDebugger(page);
  await page.keyboard.press('?');
  const overlay = page.getByTestId('keys-overlay');
  await expect(overlay).toBeVisible();
  await expect(overlay.getByTestId('keys-row-step-phase')).toContainText("F10Ctrl+'");
  await expect(overlay.getByTestId('keys-row-back')).toContainText('F9Alt+←');
  await expect(overlay).toContainText('IsReservedCommandOrKey');
  await page.keyboard.press('Escape');
  await expect(overlay).toBeHidden();
  // "?" inside a line is just a character.
  await page.keyboard.type('help ?');
  await expect(overlay).toBeHidden();
  await page.keyboard.press('Control+U');
  await page.getByTestId('keys-button').click();
  await expect(overlay).toBeVisible();
  await overlay.getByRole('button', { name: /Close/ }).click();
  await expect(overlay).toBeHidden();

  const term = page.getByTestId('terminal-panel');
  const before = (await term.boundingBox())!;
  await page.getByTestId('terminal-size').click();
  await expect(page.getByTestId('terminal-size')).toHaveAttribute('data-size', 'row');
  await expect(page.getByTestId('timeline-panel')).toBeHidden();
  await expect.poll(async () => (await term.boundingBox())!.width).toBeGreaterThan(before.width * 2);
  // A wider terminal: the worker lays output out for it (cpus keeps every column again).
  await typeInTerminal(page, 'cpus');
  await expect(page.getByTestId('terminal')).toContainText('RAX=0x0000000000000000');
  await page.keyboard.press('Alt+Enter');
  await expect(page.getByTestId('terminal-size')).toHaveAttribute('data-size', 'page');
  await expect(page.getByTestId('cpus-panel')).toBeHidden();
  await page.reload();
  await expect(page.getByTestId('terminal-size')).toHaveAttribute('data-size', 'page');
  await page.keyboard.press('Alt+Enter');
  await expect(page.getByTestId('terminal-size')).toHaveAttribute('data-size', 'panel');
  await expect(page.getByTestId('cpus-panel')).toBeVisible();
  await expect(page.getByTestId('timeline-panel')).toBeVisible();
});
