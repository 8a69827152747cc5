/**
 * The Source view's state (SMM-C, issue 7 §3): the editor's buffers and tabs (remembered across
 * reloads), the shipped headers the worker named and sent, the loaded modules' sources
 * (ViewSnapshot.c.modules comes only when it changes, so the last one is kept), which locals
 * the last step changed, and whether the page shows the Source layout.
 */

import type { CView } from '../../protocol/messages';
import type { EditorFile, LoadedModule } from '../source/editorFiles';
import { changedLocals } from '../source/sourceMarks';
import { share } from './share';
import { readStored, readStoredJson, writeStored, writeStoredJson } from './stored';

export interface SourceSlice {
  /** Editable buffers: the modules' .c, .h and .inf files. */
  editorFiles: EditorFile[];
  /** The tab shown: a file name, or `<Library/DebugLib.h>` for a shipped header. */
  editorTab: string;
  /** Shipped headers open as read-only tabs (include paths). */
  openHeaders: string[];
  /** Every shipped header's include path (from 'ready'). */
  headerNames: string[];
  /** Shipped header texts the worker sent (answers to 'header'). */
  headerTexts: Record<string, string>;
  /** The loaded SMM-C modules' sources, as last sent. */
  cModules: LoadedModule[];
  /** Names of the locals whose value the last step changed. */
  cChanged: string[];
  /** The page shows the Source layout (editor, call stack and locals) instead of the machine panels. */
  sourceView: boolean;
  /** A line the editor scrolls to (a new `nonce` each time: the same line can be asked for twice). */
  editorReveal: { tab: string; line: number; nonce: number } | null;
}

const EDITOR_KEY = 'smiscope.editor';
const VIEW_KEY = 'smiscope.sourceView';

interface SavedEditor {
  files: EditorFile[];
  tab: string;
  headers: string[];
}

function isFile(f: unknown): f is EditorFile {
  const o = f as EditorFile;
  return !!o && typeof o.name === 'string' && typeof o.text === 'string' && (o.base === null || typeof o.base === 'string');
}

function savedEditor(): SavedEditor {
  const v = readStoredJson<Partial<SavedEditor> | null>(EDITOR_KEY, null);
  if (v && Array.isArray(v.files) && v.files.every(isFile)) {
    return { files: v.files, tab: typeof v.tab === 'string' ? v.tab : (v.files[0]?.name ?? ''), headers: Array.isArray(v.headers) ? v.headers.filter((h) => typeof h === 'string') : [] };
  }
  return { files: [], tab: '', headers: [] };
}

/** Keeps the editor's buffers (storage full or unavailable: they last until the reload). */
export function saveEditor(s: Pick<SourceSlice, 'editorFiles' | 'editorTab' | 'openHeaders'>): void {
  writeStoredJson(EDITOR_KEY, { files: s.editorFiles, tab: s.editorTab, headers: s.openHeaders } satisfies SavedEditor);
}

export function saveSourceView(on: boolean): void {
  writeStored(VIEW_KEY, on ? '1' : '0');
}

function savedSourceView(): boolean {
  return readStored(VIEW_KEY) === '1';
}

/** The slice's initial state (the store composes the slices). */
export const createSourceSlice = (): SourceSlice => {
  const saved = savedEditor();
  return {
    editorFiles: saved.files,
    editorTab: saved.tab,
    openHeaders: saved.headers,
    headerNames: [],
    headerTexts: {},
    cModules: [],
    cChanged: [],
    sourceView: savedSourceView(),
    editorReveal: null,
  };
};

/**
 * What a snapshot's SMM-C part changes in the slice (pure): the loaded sources when it carries
 * them, and the locals that changed when it stands at another stop or shows other values (a
 * snapshot that only answers a view change keeps the highlights).
 */
export function cPatch(prev: CView | undefined, next: CView | undefined): Partial<SourceSlice> {
  const out: Partial<SourceSlice> = {};
  if (next?.modules) out.cModules = next.modules;
  if (!next) return out;
  const same = prev && share(prev.stop, next.stop) === prev.stop && share(prev.locals, next.locals) === prev.locals;
  if (!same) out.cChanged = changedLocals(prev ?? null, next);
  return out;
}
