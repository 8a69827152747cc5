import { describe, expect, it } from 'vitest';
import { LOG_PREFIXES, parseRunArgs, runScript } from './run';

function run(script: string, prefix?: 'serial' | 'debugcon'): string[] {
  const out: string[] = [];
  runScript(script, (s) => out.push(s), prefix);
  return out.join('').split('\n');
}

describe('CLI: the debugcon log (§12.9)', () => {
  it('§12.9 firmware lines keep the "serial| " prefix by default; --log-prefix debugcon names them "debugcon| "', () => {
    expect(LOG_PREFIXES).toEqual({ serial: 'serial| ', debugcon: 'debugcon| ' });
    expect(parseRunArgs(['-'])).toEqual({ file: '-', logPrefix: 'serial' });
    expect(parseRunArgs(['x.txt', '--log-prefix', 'debugcon'])).toEqual({ file: 'x.txt', logPrefix: 'debugcon' });
    expect(parseRunArgs(['--log-prefix=serial', 'x.txt'])).toEqual({ file: 'x.txt', logPrefix: 'serial' });
    expect(parseRunArgs(['x.txt', '--log-prefix', 'uart'])).toBeNull();
    expect(parseRunArgs([])).toBeNull();
    expect(parseRunArgs(['a', 'b'])).toBeNull();
    const def = run('# nothing\n');
    expect(def.some((l) => l.startsWith('serial| CPU[000]'))).toBe(true);
    expect(def.some((l) => l.startsWith('debugcon| '))).toBe(false);
    const dc = run('# nothing\n', 'debugcon');
    expect(dc.some((l) => l.startsWith('debugcon| CPU[000]'))).toBe(true);
    expect(dc.some((l) => l.startsWith('serial| '))).toBe(false);
  });

  it('§12.9 the blank line before ASSERT_EFI_ERROR survives in the CLI as the bare prefix', () => {
    const lines = run('platform ovmf --module SwDispatch2Locate\n');
    const i = lines.indexOf('serial| ASSERT_EFI_ERROR (Status = Not Found)');
    expect(i).toBeGreaterThan(0);
    expect(lines[i - 1]).toBe('serial| ');
    expect(lines[i - 2]).toBe('serial| SmmSwDispatch2Protocol Status: 0xE');
    expect(lines[i + 1]).toBe('serial| ASSERT SwDispatch2Locate.c(42): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)');
  });
});

describe('CLI: load reads SMM-C modules from the script\'s folder (issue 7 §3)', () => {
  it('loads a module from its .inf and [Sources], runs its handler, and a compile error stops the script at its line', () => {
    const files: Record<string, string> = {
      'M/Hello.inf': '[Defines]\n  INF_VERSION = 0x00010005\n  BASE_NAME = Hello\n  FILE_GUID = 5B3C1E2A-1111-4222-8333-9444555566CC\n  MODULE_TYPE = DXE_SMM_DRIVER\n  ENTRY_POINT = HelloEntry\n[Sources]\n  Hello.c\n[Depex]\n  TRUE\n',
      'M/Hello.c': '#include <PiSmm.h>\n#include <Library/DebugLib.h>\nEFI_STATUS EFIAPI HelloEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)\n{\n  DEBUG ((DEBUG_INFO, "Hello from %a\\n", "SMM-C"));\n  return EFI_SUCCESS;\n}\n',
    };
    const ws = { read: (p: string) => files[p] ?? null, list: () => Object.keys(files) };
    const out: string[] = [];
    expect(runScript('load M/Hello.inf\n', (s) => out.push(s), 'serial', undefined, ws)).toBe(0);
    expect(out.join('')).toContain('serial| Hello from SMM-C');
    files['M/Hello.c'] = files['M/Hello.c'].replace('return EFI_SUCCESS;', 'return EFI_SUCCESS');
    const bad: string[] = [];
    expect(runScript('load M/Hello.inf\n', (s) => bad.push(s), 'serial', undefined, ws)).toBe(1);
    expect(bad.join('')).toContain("Hello.c:6:21: error: expected ';' after return statement");
  });
});
