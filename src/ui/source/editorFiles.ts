/**
 * The editor's files, without the editor: which module a tab belongs to, what `load` line the
 * Load button sends, how the loaded modules' sources (ViewSnapshot.c.modules) come back into the
 * buffers, what a gutter click sends. Pure functions (unit-tested in editorFiles.test.ts).
 */

/** One editable buffer. `base` is its text as last loaded into the firmware (null: never loaded). */
export interface EditorFile {
  name: string;
  text: string;
  base: string | null;
}

/** A loaded module's sources as the worker sends them (ViewSnapshot.c.modules). */
export interface LoadedModule {
  name: string;
  inf: { name: string; text: string };
  files: { name: string; text: string }[];
  /** A module SmiScope ships (a sample the platform carries), not one the user loaded. */
  shipped?: boolean;
}

/** Tabs of shipped headers are keyed `<Library/DebugLib.h>`; the others by file name. */
export const headerTab = (path: string): string => `<${path}>`;
export const isHeaderTab = (tab: string): boolean => tab.startsWith('<') && tab.endsWith('>');
export const headerOfTab = (tab: string): string => tab.slice(1, -1);

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const lower = (s: string) => s.toLowerCase();

/** The files an .inf's [Sources] sections list (any arch suffix), `|`-separated options and comments left out. */
export function infSources(text: string): string[] {
  const out: string[] = [];
  let inSources = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const sec = /^\[([^\]]*)\]$/.exec(line);
    if (sec) {
      inSources = sec[1].split(',').some((s) => /^sources(\.|$)/i.test(s.trim()));
      continue;
    }
    if (inSources) out.push(line.split('|')[0].trim());
  }
  return out;
}

/** BASE_NAME of an .inf's [Defines], or null. */
export function infBaseName(text: string): string | null {
  const m = /^\s*BASE_NAME\s*=\s*(\S+)/im.exec(text);
  return m ? m[1] : null;
}

/** The .inf (file name) that lists `name` in its [Sources], or null. */
export function infListing(files: readonly EditorFile[], name: string): string | null {
  const want = lower(baseName(name));
  for (const f of files) if (/\.inf$/i.test(f.name) && infSources(f.text).some((s) => lower(baseName(s)) === want)) return f.name;
  return null;
}

/** `#include "X.h"` names in a C text. */
function localIncludes(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm)) out.push(m[1]);
  return out;
}

/**
 * The console line the Load button runs for the tab the user looks at: the .inf itself, the
 * .inf that lists the tab's file, the only .inf there is, or `load X.c` with the local headers
 * it includes (the core then writes the .inf). An error text when there is nothing to load.
 */
export function loadLine(files: readonly EditorFile[], tab: string): { line: string } | { error: string } {
  const infs = files.filter((f) => /\.inf$/i.test(f.name));
  const named = (n: string) => files.find((f) => lower(f.name) === lower(n));
  const open = isHeaderTab(tab) ? undefined : named(tab);
  if (open && /\.inf$/i.test(open.name)) return { line: `load ${open.name}` };
  const listing = open ? infListing(files, open.name) : null;
  if (listing) return { line: `load ${listing}` };
  // A .c no .inf lists loads alone (with its local headers); anything else goes with the only .inf.
  let c = open && /\.c$/i.test(open.name) ? open : undefined;
  if (!c && infs.length === 1) return { line: `load ${infs[0].name}` };
  if (!c && infs.length === 0) c = files.find((f) => /\.c$/i.test(f.name));
  if (c) {
    const hs = localIncludes(c.text).flatMap((h) => named(baseName(h))?.name ?? []);
    return { line: ['load', c.name, ...hs].join(' ') };
  }
  if (files.length === 0) return { error: 'nothing to load: New module starts one, or drop a module folder (.inf, .c, .h) on the editor' };
  return { error: `which module? Open its .inf or one of its .c files (there are ${infs.map((f) => f.name).join(', ')})` };
}

/**
 * The loaded modules' sources folded into the buffers. A buffer that is the loaded text, or the
 * text last loaded (no edits since), or absent, shows the module's text; a buffer with edits made
 * since loading this very text keeps them. A buffer whose base is another text (a link or a
 * session from elsewhere brought a different module) is replaced: `replaced` names those.
 */
export function mergeModules(files: readonly EditorFile[], modules: readonly LoadedModule[]): { files: EditorFile[]; added: string[]; replaced: string[] } {
  const out = files.map((f) => ({ ...f }));
  const added: string[] = [];
  const replaced: string[] = [];
  for (const m of modules) {
    for (const src of [...m.files, m.inf]) {
      const name = baseName(src.name);
      const e = out.find((f) => lower(f.name) === lower(name));
      if (!e) {
        out.push({ name, text: src.text, base: src.text });
        added.push(name);
      } else if (e.text === src.text || e.text === e.base || e.base === src.text) {
        if (e.base !== src.text && e.text !== src.text) e.text = src.text;
        e.base = src.text;
      } else {
        e.text = src.text;
        e.base = src.text;
        replaced.push(e.name);
      }
    }
  }
  return { files: out, added, replaced };
}

/** The console line a click on the breakpoint gutter sends: delete the breakpoint on that line, or set one. */
export function gutterCommand(bps: readonly { id: number; file: string; line: number }[], file: string, line: number): string {
  const hit = bps.find((b) => lower(baseName(b.file)) === lower(baseName(file)) && b.line === line);
  return hit ? `delete ${hit.id}` : `break ${baseName(file)}:${line}`;
}

/** Files dropped on the editor: only sources a module is made of, by base name, the later one winning. */
export function acceptDropped(files: readonly EditorFile[], dropped: readonly { path: string; text: string }[]): { files: EditorFile[]; opened: string[]; skipped: string[] } {
  const out = files.map((f) => ({ ...f }));
  const opened: string[] = [];
  const skipped: string[] = [];
  for (const d of dropped) {
    const name = baseName(d.path);
    if (!/\.(c|h|inf)$/i.test(name)) {
      skipped.push(name);
      continue;
    }
    const e = out.find((f) => lower(f.name) === lower(name));
    if (e) e.text = d.text;
    else out.push({ name, text: d.text, base: null });
    if (!opened.includes(name)) opened.push(name);
  }
  return { files: out, opened, skipped };
}

/** The include path under a click: `#include <Library/DebugLib.h>` (system) or `#include "Local.h"` (local), when `col` (0-based) lies on the path. */
export function includeAt(lineText: string, col: number): { path: string; system: boolean } | null {
  const m = /^([ \t]*#[ \t]*include[ \t]*)([<"])([^>"\n]+)[>"]/.exec(lineText);
  if (!m) return null;
  const from = m[1].length;
  const to = from + m[3].length + 2;
  if (col < from || col > to) return null;
  return { path: m[3], system: m[2] === '<' };
}
