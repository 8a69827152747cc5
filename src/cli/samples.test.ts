/**
 * The SMM-C modules SmiScope ships (src/core/cdriver/samples), loaded from their .inf and .c files
 * on disk through the CLI's `load`, each running its seed-thread story; and ShippedSamples.ts (what
 * `--module` compiles) kept equal to those files.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileCModule, type Workspace } from '../core/cdriver/CModule';
import { SHIPPED_SAMPLE_MODULES } from '../core/cdriver/Shipped';
import { SHIPPED_SAMPLES } from '../core/cdriver/ShippedSamples';
import { runScript } from './run';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLES = join(ROOT, 'src', 'core', 'cdriver', 'samples');
const inf = (name: string) => join(SAMPLES, name, `${name}.inf`);

/** The disk, as the CLI reads it for `load` (paths here are absolute). */
const disk: Workspace = {
  read: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  },
  list: () => [],
};

function run(script: string): { code: number; lines: string[] } {
  const out: string[] = [];
  const code = runScript(script, (s) => out.push(s), 'serial', undefined, disk);
  return { code, lines: out.join('').split('\n') };
}

/** The 1-based line of the first `text` in a shipped file on disk. */
function lineOf(mod: string, file: string, text: string): number {
  const i = readFileSync(join(SAMPLES, mod, file), 'utf8').split('\n').findIndex((l) => l.includes(text));
  expect(i, text).toBeGreaterThanOrEqual(0);
  return i + 1;
}

/** The JSON `state --json` printed after the line `smiscope> state --json`. */
function stateAfter(lines: string[], n = 1): { handlers: { sw: unknown[] }; modules: { name: string; state: string; missing: string[] }[] } {
  let at = -1;
  for (let k = 0; k < n; k++) at = lines.indexOf('smiscope> state --json', at + 1);
  const end = lines.findIndex((l, i) => i > at && l === '}');
  return JSON.parse(lines.slice(at + 1, end + 1).join('\n'));
}

describe('shipped SMM-C modules: the files and what --module compiles', () => {
  it('src/core/cdriver/ShippedSamples.ts is up to date with src/core/cdriver/samples (run `node scripts/gen-samples.mjs` after editing a sample)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-samples.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('every module folder holds NAME.inf whose BASE_NAME is NAME, and compiles from the disk files with compileCModule (CpuHotplugSmm with the model\'s entry point)', () => {
    const dirs = readdirSync(SAMPLES).sort();
    expect(dirs).toEqual(Object.keys(SHIPPED_SAMPLES).sort());
    for (const d of dirs) {
      const names = readdirSync(join(SAMPLES, d));
      const files = names.filter((n) => /\.[ch]$/.test(n)).map((n) => ({ name: n, text: readFileSync(join(SAMPLES, d, n), 'utf8') }));
      // CpuHotplugSmm's entry point is the model's TypeScript (its .inf says so): only its root handler is C.
      const opts = d === 'CpuHotplugSmm' ? { modelEntry: function* () { return 'EFI_SUCCESS' as const; } } : {};
      const c = compileCModule({ inf: { name: `${d}.inf`, text: readFileSync(inf(d), 'utf8') }, files }, opts);
      expect(c.inf.baseName, d).toBe(d);
      expect(c.def.kind).toBe('DXE_SMM_DRIVER');
    }
  });

  it('--module keeps the names, GUIDs, summaries and paths (null: not in edk2); GenericSwDispatcher produces the SW dispatch protocol as its .inf says', () => {
    expect(SHIPPED_SAMPLE_MODULES.map((m) => [m.name, m.fileGuid])).toEqual([
      ['SwDispatch2Locate', 'c0ffee01-5a5a-4e1d-8b2a-0123456789ab'],
      ['SwDispatch2Depex', 'c0ffee02-5a5a-4e1d-8b2a-0123456789ab'],
      ['RootMmiSample', 'c0ffee03-5a5a-4e1d-8b2a-0123456789ab'],
      ['GenericSwDispatcher', 'c0ffee10-5a5a-4e1d-8b2a-0123456789ab'],
    ]);
    for (const m of SHIPPED_SAMPLE_MODULES) {
      const d = m.def();
      expect(d.name).toBe(m.name);
      expect(d.summary).toBe(m.summary);
      expect(d.path).toBeNull();
      expect(m.def()).toBe(d); // compiled once
    }
    expect(SHIPPED_SAMPLE_MODULES[3].def().produces).toEqual(['18a3c6dc-5eea-48c8-a1c1-b53389f98999']);
  });
});

describe('shipped SMM-C modules loaded from disk with `load`, each telling its story', () => {
  it('§2/§12.9 seed: SwDispatch2Locate.inf: the locate fails, the DEBUG line prints 0xE, and the boot hangs at the ASSERT of SwDispatch2Locate.c (line 42)', () => {
    const at = lineOf('SwDispatch2Locate', 'SwDispatch2Locate.c', 'ASSERT_EFI_ERROR (Status);');
    expect(at).toBe(42);
    const { lines } = run(`load ${inf('SwDispatch2Locate')}\nstate --json\n`);
    const i = lines.indexOf('serial| SmmSwDispatch2Protocol Status: 0xE');
    expect(i).toBeGreaterThan(0);
    expect(lines.slice(i + 1, i + 4)).toEqual([
      'serial| ',
      'serial| ASSERT_EFI_ERROR (Status = Not Found)',
      `serial| ASSERT SwDispatch2Locate.c(${at}): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)`,
    ]);
    expect(lines.some((l) => l.startsWith(`boot HUNG: ASSERT SwDispatch2Locate.c(${at})`))).toBe(true);
    expect(stateAfter(lines).modules.find((m) => m.name === 'SwDispatch2Locate')?.state).toBe('hung');
  });

  it('§1.9 seed: SwDispatch2Depex.inf is never dispatched: Dependent, the missing GUID named, "discovered but not loaded!!"', () => {
    const { lines } = run(`load ${inf('SwDispatch2Depex')}\nstate --json\n`);
    expect(lines).toContain('serial| SMM Driver C0FFEE02-5A5A-4E1D-8B2A-0123456789AB was discovered but not loaded!!');
    expect(lines.some((l) => l.includes('SwDispatch2Depex.efi'))).toBe(false);
    expect(stateAfter(lines).modules.find((m) => m.name === 'SwDispatch2Depex')).toMatchObject({ state: 'dependent', missing: ['gEfiSmmSwDispatch2ProtocolGuid'] });
  });

  it('§12.1/§6.4 seed fix: RootMmiSample.inf answers smi 0x42 0x07 from CPU2 in CPU0\'s saved RAX; CPU2 gets nothing back', () => {
    const { code, lines } = run(`load ${inf('RootMmiSample')}\nsmi 0x42 0x07 --cpu 2 --run\nregs 0\nregs 2\n`);
    expect(code).toBe(0);
    expect(lines).toContain('serial| RootMmiSample: command 0x42, data 0x7; ReadSaveState (IO) Not Found, so RAX of CurrentlyExecutingCpu 0 = 0x5A5A0007: Success');
    expect(lines.some((l) => l.includes('RootMmiSample.RootMmiSampleHandler -> EFI_SUCCESS'))).toBe(true);
    const rax = lines.filter((l) => l.startsWith('RAX ')).map((l) => /RAX +=(0x[0-9A-F]+)/.exec(l)![1]);
    expect(rax).toEqual(['0x000000005A5A0007', '0x0000000000000042']);
  });

  it('§3.2 GenericSwDispatcher.inf + SwDispatch2Depex.inf: the child registers with (UINTN)-1, gets 0x01, is dispatched on smi 0x01, and `handlers` / state --json list it from the dispatcher\'s bytes', () => {
    const { code, lines } = run(
      `load ${inf('GenericSwDispatcher')}\nload ${inf('SwDispatch2Depex')}\nhandlers\nstate --json\nsmi 0x01 0x33 --cpu 2 --run\nregs 0\n`,
    );
    expect(code).toBe(0);
    expect(lines).toContain('serial| SwDispatch->Register: Success, SwSmiInputValue = 0x1');
    const row = lines.find((l) => l.startsWith('  0x01: '));
    expect(row).toMatch(/^ {2}0x01: SwDispatch2Depex\.SwMmiSampleHandler {2}DispatchHandle=0x[0-9A-F]+$/);
    expect(stateAfter(lines).handlers.sw).toEqual([{ value: '0x01', module: 'SwDispatch2Depex', handler: 'SwMmiSampleHandler', handle: row!.split('DispatchHandle=')[1] }]);
    expect(lines).toContain('serial| SwMmiSampleHandler: SwSmiCpuIndex 0, CommandPort 0x1, DataPort 0x33');
    expect(lines.find((l) => l.startsWith('RAX '))).toMatch(/RAX +=0x000000005A5A0033/);
  });
});
