/**
 * Console commands for SMM-C modules: `load` puts a module into the firmware volume and reboots
 * (as the seed thread's author did with UEFITool), `unload` takes it out; `bt`, `locals` and
 * `list` look at the C code the debugger is paused in. A module that does not compile changes
 * nothing and the error points at its file, line and column.
 */

import { type CModuleFile, type CModuleSource, compileCModule } from '../cdriver/CModule';
import { cModuleOf } from '../cdriver/CRun';
import { cBacktrace, cEval, cFrameAt, cLocals } from '../cdriver/CDebug';
import type { Debugger } from '../debug/Debugger';
import { hex } from '../pi/Fw';
import { parseInf } from '../smmc/Inf';
import { CDiagnostic, sourceLine } from '../smmc/Source';
import type { CommandTable } from './CommandShared';
import { checkPositional, ConsoleError, parseNumber } from './ConsoleArgs';

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);

function readFile(s: Debugger, path: string): string {
  const w = s.workspace;
  if (!w) throw new ConsoleError('no files to load from here (the page loads the editor\'s files; the CLI reads the disk)');
  const text = w.read(path);
  if (text === null) {
    const there = w.list();
    throw new ConsoleError(`${path}: no such file${there.length ? ` (there are: ${there.slice(0, 12).join(', ')}${there.length > 12 ? ', ...' : ''})` : ''}`);
  }
  return text;
}

/** A stable FILE_GUID for a module loaded without an .inf (from its name: the same name, the same GUID). */
function guidFor(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h1 = Math.imul(h1 ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ name.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const x = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-8${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

/** An .inf for a lone .c file: BASE_NAME from the file, the entry point that takes (ImageHandle, SystemTable), depex TRUE. */
function defaultInf(cName: string, text: string): CModuleFile {
  const base = baseOf(cName).replace(/\.c$/i, '');
  const m = /\b(\w+)\s*\(\s*(?:IN\s+)?EFI_HANDLE\s+\w+\s*,\s*(?:IN\s+)?EFI_SYSTEM_TABLE\s*\*/.exec(text);
  if (!m) throw new ConsoleError(`${cName}: no entry point found (a function taking (EFI_HANDLE ImageHandle, EFI_SYSTEM_TABLE *SystemTable)); load it with an .inf that names ENTRY_POINT`);
  const inf = [
    '## Made by SmiScope for a module loaded without an .inf',
    '[Defines]',
    '  INF_VERSION = 0x00010005',
    `  BASE_NAME = ${base}`,
    `  FILE_GUID = ${guidFor(base)}`,
    '  MODULE_TYPE = DXE_SMM_DRIVER',
    `  ENTRY_POINT = ${m[1]}`,
    '[Sources]',
    `  ${baseOf(cName)}`,
    '[Depex]',
    '  TRUE',
    '',
  ].join('\n');
  return { name: `${base}.inf`, text: inf };
}

/** The module's files from the workspace: an .inf and every [Sources] file in its folder, or the .c/.h files named. */
export function gatherModule(s: Debugger, paths: string[]): CModuleSource {
  const infPath = paths.find((p) => /\.inf$/i.test(p));
  if (infPath) {
    const infText = readFile(s, infPath);
    const inf: CModuleFile = { name: baseOf(infPath), text: infText };
    let sources: string[];
    try {
      sources = parseInf({ name: inf.name, text: infText, shipped: false }).sources;
    } catch (e) {
      if (e instanceof CDiagnostic) throw e;
      throw e;
    }
    const dir = dirOf(infPath);
    const files = sources.map((src) => ({ name: src, text: readFile(s, dir + src) }));
    // Headers the .c files include but the .inf does not list still come from the folder.
    for (const p of paths) if (!/\.inf$/i.test(p) && !files.some((f) => f.name === baseOf(p))) files.push({ name: baseOf(p), text: readFile(s, p) });
    return { inf, files };
  }
  const cs = paths.filter((p) => /\.c$/i.test(p));
  if (cs.length === 0) throw new ConsoleError('load takes an .inf, or .c files (and their .h files)');
  const files = paths.map((p) => ({ name: baseOf(p), text: readFile(s, p) }));
  const inf = defaultInf(cs[0], files.find((f) => f.name === baseOf(cs[0]))!.text);
  inf.text = inf.text.replace(/\[Sources\]\n.*\n/, `[Sources]\n${files.map((f) => `  ${f.name}`).join('\n')}\n`);
  return { inf, files };
}

function diagnosticLines(s: Debugger, e: CDiagnostic): string[] {
  const w = e.where();
  s.cDiagnostic = w ? { ...w, text: e.format() } : null;
  return e.format().split('\n');
}

/** Compiles `src` (throwing a ConsoleError that carries the caret text on failure) and reboots with it loaded. */
export function loadModule(s: Debugger, src: CModuleSource): string[] {
  let name: string;
  try {
    name = compileCModule(src).inf.baseName;
  } catch (e) {
    if (e instanceof CDiagnostic) throw new ConsoleError(['the module did not compile; nothing changed:', ...diagnosticLines(s, e)].join('\n'));
    throw e;
  }
  s.cDiagnostic = null;
  const builtIn = [...s.m.defs.values()].find((d) => d.name.toLowerCase() === name.toLowerCase() && !cModuleOf(d));
  if (builtIn) throw new ConsoleError(`BASE_NAME ${name}: the firmware volume already has a module of that name (${builtIn.path ?? 'a sample module'}); give yours another BASE_NAME`);
  const others = (s.platform.cModules ?? []).filter((m) => {
    try {
      return parseInf({ name: m.inf.name, text: m.inf.text, shipped: false }).baseName !== name;
    } catch {
      return true;
    }
  });
  const replaced = others.length !== (s.platform.cModules ?? []).length;
  const out = s.reset({ ...s.platform, cModules: [...others, src] });
  return [`${replaced ? 'reloaded' : 'loaded'} ${name} (${[src.inf.name, ...src.files.map((f) => f.name)].join(', ')}) into the firmware volume; reboot:`, ...out];
}

export const SOURCE_COMMANDS: CommandTable = {
  load: {
    usage: 'load FILE.inf | load FILE.c [FILE.h...] [FILE.inf]',
    help:
      'Compile an SMM-C module (an .inf and the [Sources] it lists, read from its folder; or .c files with an .inf SmiScope writes: BASE_NAME from the file, the entry point that takes (ImageHandle, SystemTable), [Depex] TRUE), put it into the firmware volume and reboot, as rebuilding the flash image with the module in it would. ' +
      'The SMM dispatcher then loads it like any driver: its depex, "Loading SMM driver at ...", its entry point. Loaded modules stay across `reset` and `platform` until `unload`. A module that does not compile changes nothing; the error names file:line:column.',
    run: (s, a) => {
      checkPositional(a, 1, 32, SOURCE_COMMANDS.load.usage);
      try {
        return loadModule(s, gatherModule(s, a.pos));
      } catch (e) {
        if (e instanceof CDiagnostic) throw new ConsoleError(['the module did not compile; nothing changed:', ...diagnosticLines(s, e)].join('\n'));
        throw e;
      }
    },
  },
  unload: {
    usage: 'unload NAME',
    help: 'Take SMM-C module NAME (its BASE_NAME) out of the firmware volume and reboot.',
    run: (s, a) => {
      checkPositional(a, 1, 1, 'unload NAME');
      const mods = s.platform.cModules ?? [];
      const names = mods.map((m) => parseInf({ name: m.inf.name, text: m.inf.text, shipped: false }).baseName);
      const i = names.findIndex((n) => n.toLowerCase() === a.pos[0].toLowerCase());
      if (i < 0) throw new ConsoleError(names.length ? `no loaded module ${a.pos[0]} (loaded: ${names.join(', ')})` : 'no SMM-C module is loaded');
      const out = s.reset({ ...s.platform, cModules: mods.filter((_, k) => k !== i) });
      return [`unloaded ${names[i]}; reboot:`, ...out];
    },
  },
  bt: {
    usage: 'bt',
    help: 'The call stack where the debugger is paused in C: the C frames (function, file:line, module) and the firmware frames that called them (SmiRendezvous > BSPHandler > SmmEntryPoint > SmiManage > ...).',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'bt');
      const frames = cBacktrace(s.m);
      if (frames.length === 0) throw new ConsoleError('no C code is running (set `break FILE.c:LINE`, or `step into` from an event that calls C)');
      return frames.map((f) => (f.kind === 'c' ? `#${f.index}  ${f.fn} () at ${f.file}:${f.line}  [${f.module}]  RIP ${hex(f.ip!, 8)}` : `#${f.index}  ${f.fn} ()  [firmware]`));
    },
  },
  locals: {
    usage: 'locals [FRAME]',
    help: 'The parameters and locals of C frame FRAME (0 = where it is paused; `bt` numbers them), with their types, their addresses on the SMM stack and their values decoded from those bytes.',
    run: (s, a) => {
      checkPositional(a, 0, 1, 'locals [FRAME]');
      const n = a.pos[0] !== undefined ? parseNumber(a.pos[0], 'FRAME', 1000) : 0;
      const f = cFrameAt(s.m, n);
      if (!f) throw new ConsoleError(cBacktrace(s.m).length ? `frame ${n} is not a C frame (\`bt\` lists them)` : 'no C code is running');
      const vars = cLocals(s.m, f);
      if (vars.length === 0) return [`${f.fn.name} has no parameters or locals`];
      const w = Math.max(...vars.map((v) => v.type.length + v.name.length + 1));
      return vars.map((v) => `${`${v.type} ${v.name}`.padEnd(w)}  @${hex(v.address, 8)}  = ${v.value}${v.param ? '  (parameter)' : ''}`);
    },
  },
  print: {
    usage: 'print [/FRAME] EXPR',
    help:
      'Evaluate a C expression where the debugger is paused in SMM-C code (in frame FRAME of `bt`, default 0): locals in scope at the line, the file\'s globals and types, members, pointers, casts, arithmetic (`print *mSmmCpu`, `print Rax & 0xFF`, `print gSmst->NumberOfCpus`). ' +
      'It reads memory and never changes it (no assignments, ++/--, or calls). Macros are not expanded: write EFI_ERROR (S) as ((INTN)S < 0) or print S.',
    run: (s, a) => {
      if (a.pos.length === 0) throw new ConsoleError('usage: print [/FRAME] EXPR');
      let frame = 0;
      let words = a.pos;
      if (/^\/\d+$/.test(words[0])) {
        frame = Number(words[0].slice(1));
        words = words.slice(1);
      }
      return [printLine(s, frame, words.join(' '))];
    },
  },
  watch: {
    usage: 'watch EXPR | watch',
    help: 'Keep EXPR (a C expression, as `print` takes it) evaluated at every stop in C: the page\'s Watch panel and `watch` list it with its value. Without arguments: the list.',
    run: (s, a) => {
      if (a.pos.length === 0) return s.watches.length ? s.watches.map((w) => `${w.id}: ${w.expr} = ${watchValue(s, w.expr)}`) : ['no watch expressions'];
      const expr = a.pos.join(' ');
      const w = { id: s.nextWatchId++, expr };
      s.watches.push(w);
      return [`watch ${w.id}: ${expr}${cFrameAt(s.m, 0) ? ` = ${watchValue(s, expr)}` : ''}`];
    },
  },
  unwatch: {
    usage: 'unwatch N',
    help: 'Remove watch expression N.',
    run: (s, a) => {
      checkPositional(a, 1, 1, 'unwatch N');
      const id = parseNumber(a.pos[0], 'N');
      const i = s.watches.findIndex((w) => w.id === id);
      if (i < 0) throw new ConsoleError(`no watch ${id}`);
      s.watches.splice(i, 1);
      return [`removed watch ${id}`];
    },
  },
  list: {
    usage: 'list [LINE]',
    help: 'The C source around where the debugger is paused (or around LINE of that file); => marks the current line.',
    run: (s, a) => {
      checkPositional(a, 0, 1, 'list [LINE]');
      const f = cFrameAt(s.m, 0);
      if (!f) throw new ConsoleError('no C code is running');
      const loc = f.fn.locs[f.pc];
      const at = a.pos[0] !== undefined ? parseNumber(a.pos[0], 'LINE', 1_000_000) : loc.line;
      const out: string[] = [`${loc.file.name}:`];
      for (let l = Math.max(1, at - 5); l <= at + 5; l++) {
        const text = sourceLine(loc.file, l);
        if (text === '' && l > at && l > loc.file.text.split('\n').length) break;
        out.push(`${l === loc.line ? '=>' : '  '}${String(l).padStart(5)}  ${text}`);
      }
      return out;
    },
  },
};

/** `$ = value` of EXPR in frame `frame`, or a ConsoleError saying why not. */
function printLine(s: Debugger, frame: number, expr: string): string {
  const r = cEval(s.m, frame, expr);
  if ('error' in r) throw new ConsoleError(r.error);
  return `(${r.type}) ${r.value}${r.address !== null ? `  @${hex(r.address, 8)}` : ''}`;
}

function watchValue(s: Debugger, expr: string): string {
  const r = cEval(s.m, 0, expr);
  return 'error' in r ? `<${r.error}>` : r.value;
}
