import { expect, type Page, test } from '@playwright/test';
import { openDebugger } from './helpers';

/**
 * Issue 9, the glossary part: terms wherever they appear (hover, pin, keyboard), the glossary
 * page (search, see-also, #glossary=TERM), the Examples menu, presentation mode (F2, remembered,
 * no clipped text at 1280x720). Screenshots go to test-results/screens/.
 */

const SHOTS = 'test-results/screens';

/**
 * Elements of the shown panels whose text is cut: a box with hidden overflow whose content is
 * wider or taller than it, or an element that sticks out of its panel sideways. Scroll boxes
 * (overflow auto/scroll) are not cut: their rest is a scroll away.
 */
async function clippedInPanels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const panels = [...document.querySelectorAll<HTMLElement>('.app .panel')].filter((p) => getComputedStyle(p).display !== 'none');
    for (const panel of panels) {
      const pr = panel.getBoundingClientRect();
      for (const el of panel.querySelectorAll<HTMLElement>('*')) {
        if (el.closest('.xterm, .cm-editor, svg, canvas')) continue;
        const st = getComputedStyle(el);
        if (st.display === 'none' || st.visibility === 'hidden') continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        // Only what is on screen inside the panel can be read; what a scroll box hides is not "cut".
        let scroller: HTMLElement | null = el.parentElement;
        let inScroll = false;
        while (scroller && scroller !== panel) {
          const s = getComputedStyle(scroller);
          if (/(auto|scroll)/.test(s.overflowX + s.overflowY)) {
            inScroll = true;
            break;
          }
          scroller = scroller.parentElement;
        }
        const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
        const clipsX = /(hidden|clip)/.test(st.overflowX);
        const clipsY = /(hidden|clip)/.test(st.overflowY);
        const name = `${panel.dataset.testid} ${el.tagName.toLowerCase()}.${el.className || ''} "${(el.textContent ?? '').slice(0, 40)}"`;
        if (hasText && clipsX && el.scrollWidth > el.clientWidth + 1) bad.push(`${name}: text cut sideways (${el.scrollWidth} > ${el.clientWidth})`);
        if (hasText && clipsY && el.scrollHeight > el.clientHeight + 2 && st.webkitLineClamp === 'none') bad.push(`${name}: text cut below (${el.scrollHeight} > ${el.clientHeight})`);
        if (!inScroll && hasText && (r.right > pr.right + 1 || r.left < pr.left - 1)) bad.push(`${name}: sticks out of its panel`);
      }
    }
    return bad;
  });
}

test('a term in a panel header: hover shows its definition, a click pins it, Escape closes it', async ({ page }) => {
  await openDebugger(page);
  const term = page.getByTestId('smram-panel').locator('.panel-head [data-gloss="smram"]');
  await expect(term).toHaveText('SMRAM');
  await term.hover();
  const pop = page.getByTestId('gloss-popover');
  await expect(pop).toBeVisible();
  await expect(pop).toHaveAttribute('data-term', 'smram');
  await expect(pop).toContainText('only CPUs in SMM');
  await page.screenshot({ path: `${SHOTS}/glossary-hover-1600.png` });
  // The mouse leaves: it goes.
  await page.mouse.move(5, 700);
  await expect(pop).toBeHidden();
  // Keyboard: focus, Enter pins (with its links), Escape closes and gives the focus back.
  await term.focus();
  await expect(pop).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(pop).toHaveAttribute('role', 'dialog');
  await expect(page.getByTestId('gloss-popover-page')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(pop).toBeHidden();
  await expect(term).toBeFocused();
  // A click pins; the glossary link opens the page at the term.
  await term.click();
  await page.getByTestId('gloss-popover-page').click();
  await expect(page.getByTestId('glossary-dialog')).toBeVisible();
  await expect(page.getByTestId('glossary-entry-smram')).toHaveClass(/current/);
  expect(page.url()).toContain('#glossary=smram');
});

test('the glossary page: search, follow a see-also, open from #glossary=TERM and the keys overlay', async ({ page }) => {
  await openDebugger(page);
  await page.getByTestId('glossary-button').click();
  const dialog = page.getByTestId('glossary-dialog');
  await expect(dialog).toBeVisible();
  const entries = dialog.locator('.glossary-entry');
  expect(await entries.count()).toBeGreaterThanOrEqual(58);
  await page.getByTestId('glossary-search').fill('monarch');
  await expect(entries.first()).toHaveAttribute('data-term', 'monarch');
  await page.screenshot({ path: `${SHOTS}/glossary-page-1600.png` });
  // A see-also link: the search is cleared and the term is shown, outlined.
  await page.getByTestId('glossary-entry-monarch').getByTestId('glossary-see-rendezvous').click();
  await expect(page.getByTestId('glossary-entry-rendezvous')).toHaveClass(/current/);
  await expect(page.getByTestId('glossary-entry-rendezvous')).toBeInViewport();
  await expect(page.getByTestId('glossary-search')).toHaveValue('');
  expect(page.url()).toContain('#glossary=rendezvous');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  // A link to a term by an alias.
  await page.goto('/#glossary=MMST');
  await expect(page.getByTestId('glossary-entry-smst')).toHaveClass(/current/);
  await page.keyboard.press('Escape');
  // From the "?" keys overlay.
  await page.getByTestId('keys-button').click();
  await page.getByTestId('keys-glossary').click();
  await expect(dialog).toBeVisible();
});

test('an example from the menu runs its console lines', async ({ page }) => {
  await openDebugger(page);
  await page.getByTestId('examples-button').click();
  await expect(page.getByTestId('examples-menu')).toBeVisible();
  await expect(page.getByTestId('example-quiesced')).toContainText('QUIESCED');
  await page.screenshot({ path: `${SHOTS}/examples-menu-1600.png` });
  await page.getByTestId('example-first-smi').click();
  await expect(page.getByTestId('examples-menu')).toBeHidden();
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused', { timeout: 30_000 });
  await expect(page.getByTestId('cpu-tile-1')).toHaveClass(/is-out/);
  await expect(page.getByTestId('status-event')).toContainText('SMI event');
});

test('presentation mode at 1280x720: F2 toggles it, it is remembered, no text is clipped', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openDebugger(page);
  const app = page.locator('.app');
  await expect(app).not.toHaveClass(/present/);
  await page.keyboard.press('F2');
  await expect(app).toHaveClass(/\bpresent\b/);
  for (const id of ['cpus-panel', 'savestate-panel', 'timeline-panel']) await expect(page.getByTestId(id)).toBeVisible();
  for (const id of ['handlers-panel', 'smram-panel', 'terminal-panel']) await expect(page.getByTestId(id)).toBeHidden();
  // The Explain panel shows when the page has one (it is built on another branch).
  if ((await page.getByTestId('explain-panel').count()) > 0) await expect(page.getByTestId('explain-panel')).toBeVisible();
  // Large type: the panel titles are read at 17 px or more.
  const titlePx = await page.getByTestId('cpus-panel').locator('.panel-head h2').evaluate((h) => parseFloat(getComputedStyle(h).fontSize) * (parseFloat(getComputedStyle(h.closest('.panel')!).zoom) || 1));
  expect(titlePx).toBeGreaterThanOrEqual(17);
  expect(await clippedInPanels(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/present-idle-1280x720.png` });
  // In an SMI, stepped to the rendezvous.
  await page.getByTestId('terminal-panel').evaluate(() => undefined);
  await page.keyboard.press('F2');
  await page.getByTestId('terminal').click();
  await page.keyboard.type('smi 0x05 --cpu 1');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', 'paused');
  await page.keyboard.press('F2');
  await expect(app).toHaveClass(/\bpresent\b/);
  for (let i = 0; i < 4; i++) {
    const before = await page.getByTestId('timeline-current').textContent();
    await page.keyboard.press('F10');
    await expect(page.getByTestId('timeline-current')).not.toHaveText(before ?? '');
  }
  expect(await clippedInPanels(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/present-rendezvous-1280x720.png` });
  // A term of the timeline's event line, pinned: large type in the popover too.
  await page.getByTestId('timeline-current').locator('[data-gloss="rendezvous"]').first().click();
  await expect(page.getByTestId('gloss-popover')).toHaveAttribute('data-term', 'rendezvous');
  await page.screenshot({ path: `${SHOTS}/present-term-1280x720.png` });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('gloss-popover')).toBeHidden();
  // Remembered after a reload.
  await page.reload();
  await expect(page.getByTestId('status')).toHaveAttribute('data-mode', /paused|idle/, { timeout: 20_000 });
  await expect(app).toHaveClass(/\bpresent\b/);
  // The chooser: the terminal in place of the save state.
  await page.getByTestId('present-chooser-button').click();
  await page.getByTestId('present-area-save').uncheck();
  await page.getByTestId('present-area-term').check();
  await expect(page.getByTestId('terminal-panel')).toBeVisible();
  await expect(page.getByTestId('savestate-panel')).toBeHidden();
  expect(await clippedInPanels(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/present-terminal-1280x720.png` });
  await page.keyboard.press('F2');
  await expect(app).not.toHaveClass(/\bpresent\b/);
  // The laptop twin of F2.
  await page.keyboard.press('Alt+Shift+KeyP');
  await expect(app).toHaveClass(/\bpresent\b/);
  await page.keyboard.press('Alt+Shift+KeyP');
  await expect(app).not.toHaveClass(/\bpresent\b/);
});

for (const [w, h] of [
  [1280, 720],
  [1366, 768],
  [1920, 1080],
] as const) {
  test(`screens ${w}x${h}: top bar with Examples, Glossary, Present; presentation mode; a pinned term`, async ({ page }) => {
    await page.setViewportSize({ width: w, height: h });
    await openDebugger(page);
    // The top bar's new buttons fit beside the old ones.
    for (const id of ['examples-button', 'glossary-button', 'present-toggle']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(w);
    }
    await page.screenshot({ path: `${SHOTS}/glossary-topbar-${w}x${h}.png` });
    await page.getByTestId('cpus-panel').locator('[data-gloss]').first().click();
    await expect(page.getByTestId('gloss-popover')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/glossary-pinned-${w}x${h}.png` });
    await page.keyboard.press('Escape');
    await page.getByTestId('glossary-button').click();
    await expect(page.getByTestId('glossary-dialog')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/glossary-page-${w}x${h}.png` });
    await page.keyboard.press('Escape');
    await page.getByTestId('present-toggle').click();
    await expect(page.locator('.app')).toHaveClass(/\bpresent\b/);
    expect(await clippedInPanels(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/present-${w}x${h}.png` });
  });
}

/** What the terminal shows when each example did what its line says (the answer of its last line). */
const EXAMPLE_SHOWS: Record<string, RegExp> = {
  'first-smi': /smi 0x05 data 0x00 from CPU1.*paused\./,
  quiesced: /CpuHotplugSmm\.CpuHotplugMmi -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED/,
  communicate: /data \(4 bytes\): "eng"/,
  'commbuffer-smram': /Communicate returned EFI_ACCESS_DENIED/,
  'seed-locate': /boot HUNG: ASSERT SwDispatch2Locate\.c\(42\)/,
  'seed-depex': /C0FFEE02-5A5A-4E1D-8B2A-0123456789AB was discovered but not loaded/,
  'seed-fix': /SMI #531 finished: command 0x42, data 0x07, raised by CPU0.*RootMmiSample\.RootMmiSampleHandler -> EFI_SUCCESS/,
  'rendezvous-64': /waits for the 63 AP\(s\)/,
  'broadcast-off': /taken by CPU2 only: no BSP/,
  'broadcast-off-traditional': /no SMI features offered.*traditional sync mode.*SMI #530 finished: command 0x04, data 0x00, raised by CPU0/,
  'pch-cpu2': /SwSmiCpuIndex 2.*IOMisc/,
};

test('every example runs its lines without an error and shows what it says', async ({ page }) => {
  test.setTimeout(240_000);
  await openDebugger(page);
  const text = () => page.evaluate(() => window.__smiscope!.terminalRows().map((r) => r.text).join(' ').replace(/\s+/g, ' '));
  const ids = Object.keys(EXAMPLE_SHOWS);
  await page.getByTestId('examples-button').click();
  expect(await page.getByTestId('examples-menu').locator('[role="menuitem"]').count()).toBe(ids.length);
  await page.keyboard.press('Escape');
  for (const id of ids) {
    await page.keyboard.press('Control+L');
    await page.getByTestId('examples-button').click();
    await page.getByTestId(`example-${id}`).click();
    await expect.poll(text, { timeout: 60_000, message: `example ${id}` }).toMatch(EXAMPLE_SHOWS[id]);
    expect(await text(), `example ${id} printed no error`).not.toMatch(/unknown (flag|command)|usage:|not valid/i);
  }
});
