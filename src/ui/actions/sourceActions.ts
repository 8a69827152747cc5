/**
 * What the Source panel does (SMM-C, issue 7 §3): New module, Load (the editor's files go to the
 * worker as 'workspace', then `load X.inf` runs as a console command, echoed like any action),
 * tabs and shipped headers, gutter breakpoints, dropped files, and following the debugger: the
 * paused line, a hung CPU's line and a compile error bring their file up in the editor.
 */

import { appStore, termAppend } from '../store/store';
import { saveEditor, saveSourceView } from '../store/sourceSlice';
import { acceptDropped, type EditorFile, gutterCommand, headerOfTab, headerTab, isHeaderTab, loadLine, mergeModules } from '../source/editorFiles';
import { freeModuleName, newModuleFiles } from '../source/template';
import { post } from './bridge';
import { sendCommand } from './commands';

const lower = (s: string) => s.toLowerCase();
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The editor's files as `load` reads them in the worker (name -> text). */
export function syncWorkspace(): void {
  const files = appStore.getState().editorFiles;
  post({ type: 'workspace', files: Object.fromEntries(files.map((f) => [f.name, f.text])) });
}

export function setSourceView(on: boolean): void {
  appStore.setState({ sourceView: on });
  saveSourceView(on);
}

/**
 * Switches to the view a panel is shown in, when it is not shown now: the editor lives in the
 * Source view; the save state, the handlers and the timeline only in the machine view (the CPUs,
 * SMRAM and the terminal are in both).
 */
export function showViewOf(panel: string): void {
  const source = appStore.getState().sourceView;
  if (panel === 'editor' && !source) setSourceView(true);
  else if (source && (panel === 'savestate' || panel === 'handlers' || panel === 'timeline')) setSourceView(false);
}

export function setEditorTab(tab: string): void {
  appStore.setState({ editorTab: tab });
}

/** The user typed in a buffer. */
export function editFile(name: string, text: string): void {
  appStore.setState((s) => ({ editorFiles: s.editorFiles.map((f) => (f.name === name ? { ...f, text } : f)) }));
}

/** Load: the editor's files to the worker, then the `load` line for the tab shown. */
export function loadFromEditor(): void {
  const { editorFiles, editorTab, busy } = appStore.getState();
  if (busy) return;
  const r = loadLine(editorFiles, editorTab);
  if ('error' in r) {
    termAppend('error', [`Load: ${r.error}`]);
    return;
  }
  syncWorkspace();
  sendCommand(r.line, { note: 'Load' });
}

/** New module: a root MMI handler template (MyHandler.c + MyHandler.inf, or MyHandler2...). */
export function newModule(): void {
  const files = appStore.getState().editorFiles;
  const name = freeModuleName(files.map((f) => f.name));
  const made = newModuleFiles(name);
  appStore.setState({ editorFiles: [...files, ...made], editorTab: made[0].name });
  setSourceView(true);
  syncWorkspace();
}

/** Opens `#include <path>` (a shipped header, read-only) or `"path"` (the module's own file, else a shipped one). */
export function openInclude(path: string, system: boolean): void {
  const s = appStore.getState();
  const local = s.editorFiles.find((f) => lower(f.name) === lower(baseName(path)));
  if (!system && local) return setEditorTab(local.name);
  if (s.headerNames.includes(path)) return openHeader(path);
  if (local) return setEditorTab(local.name);
  termAppend('error', [`no header ${system ? `<${path}>` : `"${path}"`}: SmiScope ships ${s.headerNames.length} headers (the Headers list above the editor), and the editor has no file ${baseName(path)}`]);
}

export function openHeader(path: string): void {
  const s = appStore.getState();
  if (!s.openHeaders.includes(path)) appStore.setState({ openHeaders: [...s.openHeaders, path] });
  if (s.headerTexts[path] === undefined) post({ type: 'header', name: path });
  setEditorTab(headerTab(path));
}

/** Closes a tab: a header just closes; a file leaves the editor (after a confirm when it has text). */
export function closeTab(tab: string): void {
  const s = appStore.getState();
  const tabs = [...s.editorFiles.map((f) => f.name), ...s.openHeaders.map(headerTab)];
  const i = tabs.indexOf(tab);
  if (isHeaderTab(tab)) {
    appStore.setState({ openHeaders: s.openHeaders.filter((h) => h !== headerOfTab(tab)) });
  } else {
    const f = s.editorFiles.find((x) => x.name === tab);
    if (!f) return;
    if (f.text.trim() && !confirm(`Close ${tab}? Its text leaves the editor${f.base !== null ? ' (the loaded module keeps its copy in the firmware volume until `unload`)' : ''}.`)) return;
    appStore.setState({ editorFiles: s.editorFiles.filter((x) => x.name !== tab) });
    syncWorkspace();
  }
  if (s.editorTab === tab) {
    const rest = tabs.filter((x) => x !== tab);
    setEditorTab(rest[Math.min(i, rest.length - 1)] ?? '');
  }
}

/** A click in the breakpoint gutter of file `file`: `break FILE:LINE`, or `delete N` on a breakpoint. */
export function gutterClick(file: string, line: number): void {
  const bps = appStore.getState().snapshot?.c?.lineBreakpoints ?? [];
  sendCommand(gutterCommand(bps, file, line), { note: 'gutter' });
}

/** Reads what was dropped on the editor (files, or folders through their entries) and opens the module sources. */
export async function dropFiles(dt: DataTransfer): Promise<void> {
  const found: { path: string; text: string }[] = [];
  const entries = [...dt.items].map((it) => it.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  const readEntry = async (e: FileSystemEntry, depth: number): Promise<void> => {
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      if (file.size <= 1_000_000) found.push({ path: e.fullPath || file.name, text: await file.text() });
    } else if (e.isDirectory && depth < 4) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const x of batch) await readEntry(x, depth + 1);
      }
    }
  };
  if (entries.length > 0) for (const e of entries) await readEntry(e, 0);
  else for (const f of [...dt.files]) found.push({ path: f.name, text: await f.text() });
  const s = appStore.getState();
  const r = acceptDropped(s.editorFiles, found);
  if (r.opened.length === 0) {
    termAppend('error', [`nothing to open: the editor takes .c, .h and .inf files${r.skipped.length ? ` (skipped ${r.skipped.join(', ')})` : ''}`]);
    return;
  }
  const first = r.opened.find((n) => /\.inf$/i.test(n)) ?? r.opened.find((n) => /\.c$/i.test(n)) ?? r.opened[0];
  appStore.setState({ editorFiles: r.files, editorTab: first });
  syncWorkspace();
  termAppend('info', [`editor: opened ${r.opened.join(', ')}${r.skipped.length ? ` (skipped ${r.skipped.join(', ')}: not .c, .h or .inf)` : ''}`]);
}

let revealNonce = 0;

/** Brings `file` up in the editor at `line` (when the editor has it) and shows the Source layout. */
/** A file of a module SmiScope ships (a sample on the platform): its stops and hangs do not take the view over. */
function isShippedFile(file: string): boolean {
  return appStore.getState().cModules.some((m) => m.shipped === true && [...m.files, m.inf].some((f) => lower(baseName(f.name)) === lower(baseName(file))));
}

function reveal(file: string, line: number, open = true): void {
  const s = appStore.getState();
  const f = s.editorFiles.find((x) => lower(x.name) === lower(baseName(file)));
  // A place in a shipped header (an error in what a header declares) opens the header, read-only.
  const tab = f ? f.name : s.headerNames.includes(file) ? headerTab(file) : null;
  if (!tab) return;
  if (!f) openHeader(file);
  appStore.setState({ editorTab: tab, editorReveal: { tab, line, nonce: ++revealNonce } });
  if (open && !s.sourceView) setSourceView(true);
}

/** Scrolls the editor to a C frame's line (a click in the call stack). */
export function revealFrame(file: string, line: number): void {
  reveal(file, line);
}

/**
 * Follows the debugger and keeps the buffers: loaded sources come back into the editor, the
 * paused / hung / erroneous file comes up, buffers are saved (debounced) and sent to the worker.
 * Returns the unsubscriber.
 */
export function installSourceFollow(): () => void {
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let syncTimer: ReturnType<typeof setTimeout> | null = null;
  const unsub = appStore.subscribe((s, prev) => {
    if (s.cModules !== prev.cModules) {
      const r = mergeModules(s.editorFiles, s.cModules);
      if (r.added.length || r.replaced.length || changed(s.editorFiles, r.files)) {
        appStore.setState({ editorFiles: r.files, editorTab: s.editorTab || r.files.find((f) => /\.c$/i.test(f.name))?.name || '' });
      }
      const userAdded = r.added.filter((n) => !isShippedFile(n));
      if (userAdded.length) {
        // A link or a session from elsewhere brought a module: show its source. (The samples a
        // platform carries open as tabs too, without taking the view: their story is in the panels.)
        termAppend('info', [`editor: opened the loaded module's ${userAdded.join(', ')}`]);
        if (!appStore.getState().sourceView) setSourceView(true);
      }
      if (r.replaced.length) termAppend('info', [`editor: ${r.replaced.join(', ')} now show${r.replaced.length === 1 ? 's' : ''} the loaded module's text (Ctrl+Z in the tab brings yours back)`]);
    }
    const c = s.snapshot?.c;
    const pc = prev.snapshot?.c;
    if (c?.stop && c.stop !== pc?.stop) reveal(c.stop.file, c.stop.line);
    else if (c?.hung && c.hung !== pc?.hung) reveal(c.hung.file, c.hung.line, !isShippedFile(c.hung.file));
    else if (c?.diagnostic && c.diagnostic !== pc?.diagnostic) reveal(c.diagnostic.file, c.diagnostic.line);
    if (s.editorFiles !== prev.editorFiles || s.editorTab !== prev.editorTab || s.openHeaders !== prev.openHeaders) {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => saveEditor(appStore.getState()), 300);
    }
    if (s.editorFiles !== prev.editorFiles) {
      if (syncTimer) clearTimeout(syncTimer);
      syncTimer = setTimeout(syncWorkspace, 300);
    }
    if (isHeaderTab(s.editorTab) && s.editorTab !== prev.editorTab && s.headerTexts[headerOfTab(s.editorTab)] === undefined && s.ready) post({ type: 'header', name: headerOfTab(s.editorTab) });
  });
  // A header tab restored from the last visit needs its text once the worker is up.
  const tab = appStore.getState().editorTab;
  if (isHeaderTab(tab)) post({ type: 'header', name: headerOfTab(tab) });
  return () => {
    unsub();
    if (saveTimer) clearTimeout(saveTimer);
    if (syncTimer) clearTimeout(syncTimer);
  };
}

function changed(a: readonly EditorFile[], b: readonly EditorFile[]): boolean {
  return a.length !== b.length || a.some((f, i) => f.text !== b[i].text || f.base !== b[i].base || f.name !== b[i].name);
}
