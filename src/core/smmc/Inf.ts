/**
 * A module's .inf, as edk2's build reads it (the INF specification; BaseTools
 * Source/Python/Workspace/InfBuildData.py): sections in brackets, `KEY = VALUE` in [Defines], one
 * item per line elsewhere, `#` comments (and `## CONSUMES`-style usage notes) ignored, section
 * names with architecture or module-type suffixes ([Sources.X64], [Depex.common.DXE_SMM_DRIVER]).
 * SmiScope loads DXE_SMM_DRIVER modules; their [Depex] becomes the dependency expression the SMM
 * dispatcher evaluates (pi/Depex.ts).
 */

import { CDiagnostic, type Loc, type SourceFile } from './Source';

export interface InfModule {
  file: SourceFile;
  baseName: string;
  fileGuid: string;
  moduleType: string;
  entryPoint: string;
  /** [Sources] in order (.c and .h), as written (relative to the .inf's folder). */
  sources: string[];
  /** [Depex] joined into one expression; null when the section is absent. */
  depex: string | null;
  depexLoc: Loc | null;
  protocols: string[];
  guids: string[];
  libraryClasses: string[];
  packages: string[];
  /** Where each [Defines] key and each item was written (for errors that point at the .inf). */
  where: Map<string, Loc>;
}

const GUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses `file`; throws CDiagnostic at the first problem (file:line:col). */
export function parseInf(file: SourceFile): InfModule {
  const defines = new Map<string, { value: string; loc: Loc }>();
  const items: Record<string, { text: string; loc: Loc }[]> = {};
  let section: string | null = null;
  let offset = 0;
  const lines = file.text.split('\n');
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const lineOffset = offset;
    offset += raw.length + 1;
    const hashAt = raw.indexOf('#');
    const body = (hashAt >= 0 ? raw.slice(0, hashAt) : raw).replace(/\r$/, '');
    const text = body.trim();
    if (!text) return;
    const col = body.indexOf(text) + 1;
    const loc: Loc = { file, line: lineNo, col, offset: lineOffset + col - 1 };
    if (text.startsWith('[')) {
      if (!text.endsWith(']')) throw new CDiagnostic(loc, "expected ']' at the end of the section name");
      const names = text.slice(1, -1).split(',').map((s) => s.trim().split('.')[0].toLowerCase());
      const known = ['defines', 'sources', 'packages', 'libraryclasses', 'protocols', 'guids', 'ppis', 'pcd', 'fixedpcd', 'featurepcd', 'patchpcd', 'depex', 'buildoptions', 'userextensions', 'binaries'];
      for (const n of names) {
        if (!known.includes(n)) throw new CDiagnostic(loc, `unknown section [${text.slice(1, -1)}]; an .inf has [Defines], [Sources], [Packages], [LibraryClasses], [Protocols], [Guids], [Pcd], [Depex]`);
      }
      section = names[0];
      items[section] ??= [];
      return;
    }
    if (section === null) throw new CDiagnostic(loc, 'expected a section such as [Defines] before this line');
    if (section === 'defines') {
      const eq = text.indexOf('=');
      if (eq < 0) throw new CDiagnostic(loc, "expected 'KEY = VALUE' in [Defines]");
      const key = text.slice(0, eq).trim();
      const value = text.slice(eq + 1).trim();
      defines.set(key.toUpperCase(), { value, loc: { ...loc, col: loc.col + text.indexOf(value, eq), offset: loc.offset + text.indexOf(value, eq) } });
      return;
    }
    items[section].push({ text, loc });
  });

  const where = new Map<string, Loc>();
  const need = (key: string): { value: string; loc: Loc } => {
    const d = defines.get(key);
    if (!d || !d.value) throw new CDiagnostic({ file, line: 1, col: 1, offset: 0 }, `[Defines] has no ${key}; a DXE_SMM_DRIVER .inf needs BASE_NAME, FILE_GUID, MODULE_TYPE and ENTRY_POINT`);
    where.set(key, d.loc);
    return d;
  };
  const baseName = need('BASE_NAME');
  if (!IDENT_RE.test(baseName.value)) throw new CDiagnostic(baseName.loc, `BASE_NAME '${baseName.value}' is not a C-style name`);
  const fileGuid = need('FILE_GUID');
  if (!GUID_RE.test(fileGuid.value)) throw new CDiagnostic(fileGuid.loc, `FILE_GUID '${fileGuid.value}' is not in registry format (8-4-4-4-12 hex digits)`);
  const moduleType = need('MODULE_TYPE');
  if (moduleType.value !== 'DXE_SMM_DRIVER') {
    throw new CDiagnostic(moduleType.loc, `MODULE_TYPE ${moduleType.value}: SmiScope loads DXE_SMM_DRIVER modules (the SMM dispatcher in PiSmmCore runs them)`);
  }
  const entry = need('ENTRY_POINT');
  if (!IDENT_RE.test(entry.value)) throw new CDiagnostic(entry.loc, `ENTRY_POINT '${entry.value}' is not a C function name`);

  const list = (name: string) => (items[name] ?? []).map((x) => x.text.split('|')[0].trim());
  const sources = list('sources');
  for (const s of items.sources ?? []) {
    const name = s.text.split('|')[0].trim();
    where.set(`source:${name}`, s.loc);
    if (!/\.(c|h)$/i.test(name)) throw new CDiagnostic(s.loc, `source '${name}': SmiScope builds .c and .h files`);
  }
  if (!sources.some((s) => /\.c$/i.test(s))) {
    const loc = items.sources?.[0]?.loc ?? baseName.loc;
    throw new CDiagnostic(loc, '[Sources] lists no .c file');
  }
  const depexItems = items.depex;
  const depex = depexItems && depexItems.length ? depexItems.map((x) => x.text).join(' ') : null;
  return {
    file,
    baseName: baseName.value,
    fileGuid: fileGuid.value.toLowerCase(),
    moduleType: moduleType.value,
    entryPoint: entry.value,
    sources,
    depex,
    depexLoc: depexItems?.[0]?.loc ?? null,
    protocols: list('protocols'),
    guids: list('guids'),
    libraryClasses: list('libraryclasses'),
    packages: list('packages'),
    where,
  };
}
