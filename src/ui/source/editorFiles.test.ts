import { describe, expect, it } from 'vitest';
import { acceptDropped, type EditorFile, gutterCommand, includeAt, infBaseName, infSources, loadLine, mergeModules } from './editorFiles';
import { freeModuleName, guidForName, newModuleFiles } from './template';

const f = (name: string, text = '', base: string | null = null): EditorFile => ({ name, text, base });
const inf = (base: string, ...sources: string[]) => `[Defines]\n  BASE_NAME = ${base}\n[Sources.X64, Sources]\n${sources.map((s) => `  ${s}  # a comment`).join('\n')}\n[Depex]\n  TRUE\n`;

describe('the editor\'s files (issue 7 §3: the page takes the editor\'s buffers for load)', () => {
  it('infSources reads every [Sources] section (arch suffixes, comments, | options), infBaseName the BASE_NAME', () => {
    expect(infSources(inf('A', 'A.c', 'A.h|GCC'))).toEqual(['A.c', 'A.h']);
    expect(infSources('[Defines]\n BASE_NAME = X\n')).toEqual([]);
    expect(infBaseName(inf('RootHandler'))).toBe('RootHandler');
  });

  it('Load picks the tab\'s .inf, the .inf listing the tab, the only .inf, or a lone .c with its local headers', () => {
    const files = [f('A.inf', inf('A', 'A.c')), f('A.c'), f('Loop.c', '#include <PiSmm.h>\n#include "Loop.h"\n#include "Gone.h"\n'), f('Loop.h')];
    expect(loadLine(files, 'A.inf')).toEqual({ line: 'load A.inf' });
    expect(loadLine(files, 'A.c')).toEqual({ line: 'load A.inf' });
    expect(loadLine(files, 'Loop.c')).toEqual({ line: 'load Loop.c Loop.h' });
    expect(loadLine(files, '<Library/DebugLib.h>')).toEqual({ line: 'load A.inf' });
    expect(loadLine([...files, f('B.inf', inf('B', 'B.c'))], 'Loop.h')).toMatchObject({ error: expect.stringContaining('A.inf, B.inf') });
    expect(loadLine([], 'x')).toMatchObject({ error: expect.stringContaining('New module') });
  });

  it('loaded sources fill absent buffers and untouched ones; edits made since loading the same text stay', () => {
    const mod = { name: 'A', inf: { name: 'A.inf', text: 'INF' }, files: [{ name: 'A.c', text: 'v2' }] };
    const r = mergeModules([f('A.c', 'v1', 'v1'), f('Other.c', 'x')], [mod]); // .c tabs before the .inf
    expect(r.files).toEqual([f('A.c', 'v2', 'v2'), f('Other.c', 'x'), f('A.inf', 'INF', 'INF')]);
    expect(r.added).toEqual(['A.inf']);
    const edited = mergeModules([f('A.c', 'v2 + my edit', 'v2')], [mod]);
    expect(edited.files[0]).toEqual(f('A.c', 'v2 + my edit', 'v2'));
    expect(edited.replaced).toEqual([]);
  });

  it('the text that was just loaded becomes the base; a buffer from another module version is replaced and named', () => {
    const mod = { name: 'A', inf: { name: 'A.inf', text: 'INF' }, files: [{ name: 'A.c', text: 'new' }] };
    expect(mergeModules([f('A.c', 'new', null), f('A.inf', 'INF')], [mod]).files).toEqual([f('A.c', 'new', 'new'), f('A.inf', 'INF', 'INF')]);
    const other = mergeModules([f('A.c', 'mine', 'old')], [mod]);
    expect(other.files[0]).toEqual(f('A.c', 'new', 'new'));
    expect(other.replaced).toEqual(['A.c']);
  });

  it('a gutter click sets `break FILE:LINE`, or deletes the breakpoint on that line', () => {
    const bps = [{ id: 3, file: 'A.c', line: 27 }];
    expect(gutterCommand(bps, 'A.c', 27)).toBe('delete 3');
    expect(gutterCommand(bps, 'A.c', 28)).toBe('break A.c:28');
    expect(gutterCommand(bps, 'B.c', 27)).toBe('break B.c:27');
  });

  it('dropped files open by base name; other files are skipped', () => {
    const r = acceptDropped([f('A.c', 'old', 'old')], [{ path: 'Mod/A.c', text: 'dropped' }, { path: 'Mod/A.inf', text: 'INF' }, { path: 'Mod/README.md', text: '' }]);
    expect(r.files).toEqual([f('A.c', 'dropped', 'old'), f('A.inf', 'INF')]);
    expect(r.opened).toEqual(['A.c', 'A.inf']);
    expect(r.skipped).toEqual(['README.md']);
  });

  it('includeAt finds the include path under a column', () => {
    const line = '#include <Library/DebugLib.h>';
    expect(includeAt(line, 12)).toEqual({ path: 'Library/DebugLib.h', system: true });
    expect(includeAt(line, 3)).toBeNull();
    expect(includeAt('  #  include "Local.h" // x', 15)).toEqual({ path: 'Local.h', system: false });
    expect(includeAt('int x;', 2)).toBeNull();
  });
});

describe('New module template', () => {
  it('free names and stable GUIDs', () => {
    expect(freeModuleName([])).toBe('MyHandler');
    expect(freeModuleName(['MyHandler.c', 'myhandler2.inf'])).toBe('MyHandler3');
    expect(guidForName('MyHandler')).toBe(guidForName('MyHandler'));
    expect(guidForName('MyHandler')).not.toBe(guidForName('MyHandler2'));
    expect(guidForName('MyHandler')).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-A[0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  it('the .inf lists the .c, names the entry point and the depex the handler needs; Load finds it from either tab', () => {
    const files = newModuleFiles('Foo');
    const [c, i] = files;
    expect(infSources(i.text)).toEqual(['Foo.c']);
    expect(i.text).toMatch(/ENTRY_POINT\s*=\s*FooEntry/);
    expect(i.text).toMatch(/MODULE_TYPE\s*=\s*DXE_SMM_DRIVER/);
    expect(i.text).toMatch(/gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuProtocolGuid/);
    expect(c.text).toMatch(/gSmst->SmmIo\.Io\.Read \(&gSmst->SmmIo, SMM_IO_UINT8, ICH9_APM_CNT/);
    expect(loadLine(files, 'Foo.c')).toEqual({ line: 'load Foo.inf' });
  });
});
