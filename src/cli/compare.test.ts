import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareCli, parseCompareArgs } from './compare';

function cli(args: string[], files: Record<string, string> = {}, ttyColumns?: number): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = compareCli(args, {
    read: (f) => (f in files ? { text: files[f] } : { error: 'ENOENT: no such file or directory' }),
    out: (s) => (out += s),
    err: (s) => (err += s),
    ttyColumns,
  });
  return { code, out, err };
}

describe('CLI: smiscope compare A B SCRIPT (§1.9 §3 §12.1)', () => {
  it('§3 A and B quoted, split by `vs`, or after --a / --b; the compare\'s options come first', () => {
    const want = { a: 'ovmf --module SwDispatch2Locate', b: 'ovmf --module RootMmiSample', script: 's.txt', scope: 'all', all: false };
    expect(parseCompareArgs(['ovmf --module SwDispatch2Locate', 'ovmf --module RootMmiSample', 's.txt'])).toMatchObject(want);
    expect(parseCompareArgs(['ovmf', '--module', 'SwDispatch2Locate', 'vs', 'ovmf', '--module', 'RootMmiSample', 's.txt'])).toMatchObject(want);
    expect(parseCompareArgs(['--a', 'ovmf --module SwDispatch2Locate', '--b=ovmf --module RootMmiSample', 's.txt'])).toMatchObject(want);
    expect(parseCompareArgs(['--skip-boot', '--all', '--context', '5', '--columns=120', 'ovmf', 'ovmf --cpus 2', '-'])).toEqual({ a: 'ovmf', b: 'ovmf --cpus 2', script: '-', scope: 'commands', all: true, context: 5, columns: 120 });
    expect(parseCompareArgs(['ovmf', '--module', 'X', 'ovmf', 's.txt'])).toEqual({ error: 'A and B have spaces: quote each, or write A vs B' });
    expect(parseCompareArgs(['ovmf', 'vs', 's.txt'])).toMatchObject({ error: expect.stringContaining('A vs B SCRIPT') });
    expect(parseCompareArgs(['--frob', 'a', 'b', 'c'])).toMatchObject({ error: expect.stringContaining('unknown option --frob') });
  });

  it('§12.2 exit 2 on bad input: usage, an unreadable script, an unknown platform', () => {
    expect(cli(['ovmf'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: smiscope compare') });
    expect(cli(['ovmf', 'ovmf', 'missing.txt'])).toMatchObject({ code: 2, err: 'smiscope compare: cannot read missing.txt: ENOENT: no such file or directory\n' });
    expect(cli(['ovmf', 'pc-i440fx', 's.txt'], { 's.txt': '' })).toMatchObject({ code: 2, err: expect.stringContaining('platform B (pc-i440fx): platform: unknown platform "pc-i440fx"') });
    expect(cli(['ovmf', 'ovmf', 's.txt'], { 's.txt': '{"format": "smiscope-session"' })).toMatchObject({ code: 2, err: expect.stringContaining('session file rejected: not JSON') });
  });

  it('§12.1 exit 0 when A and B agree (side by side at 160 columns), 1 when they differ with the first difference on stderr too', () => {
    const same = cli(['ovmf --cpus 2', 'ovmf --cpus 2', 's.txt'], { 's.txt': 'smi 0x04 --cpu 1\n' });
    expect(same.code).toBe(0);
    expect(same.err).toBe('');
    expect(same.out).toContain('no difference: A and B agree on every row.');
    expect(same.out).toMatch(/⋯ \d+ same row\(s\) over \d+ phases ⋯/);
    expect(same.out.split('\n').every((l) => l.length <= 160)).toBe(true);

    const diff = cli(['--skip-boot', 'ovmf --broadcast off', 'ovmf', 's.txt'], { 's.txt': '# a SW SMI from an AP\nsmi 0x04 --cpu 2\n' });
    expect(diff.code).toBe(1);
    expect(diff.err).toBe('smiscope compare: A and B differ: at line 1 (smi 0x04 --cpu 2), SMI #530 (SW SMI 0x04 (data 0x00) from CPU2): SMI# goes to the writing CPU only on A, every CPU on B\n');
    const lines = diff.out.split('\n');
    expect(lines.every((l) => l.length <= 160)).toBe(true);
    const first = lines.find((l) => l.startsWith('>'))!;
    // Two columns: A's line, then B's after the bar.
    expect(first).toMatch(/^>! CPU2: OUT 0xB2, 0x04 \(smi: command port\) -> APM_CNT: APMC_EN set, no .*│ CPU2: OUT 0xB2, 0x04 \(smi: command port\) -> APM_CNT: APMC_EN set, broadcast/);
    expect(diff.out).toContain('first difference: row');
    expect(diff.out).toContain('ich9_apm_ctrl_changed');
    expect(diff.out).toContain('SMM BSP (monarch): no CPU on A, CPU0 on B');
  });

  it('§12.1 narrower than 160 columns: one column, each differing row as an A line and a B line', () => {
    const r = cli(['--skip-boot', '--columns', '100', 'ovmf --broadcast off', 'ovmf', 's.txt'], { 's.txt': 'smi 0x04 --cpu 2\n' });
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    const i = lines.findIndex((l) => l.startsWith('>'));
    expect(lines[i]).toMatch(/^>!A CPU2: OUT 0xB2, 0x04/);
    expect(lines.slice(i + 1).find((l) => /^ !B /.test(l))).toMatch(/^ !B CPU2: OUT 0xB2, 0x04 \(smi: command port\)/);
  });

  it('§9 §12.1 SW SMI from CPU 2 on pch vs ovmf-swdispatch: exit 1, SwSmiCpuIndex 2 against 0 and the monarch explained', () => {
    const r = cli(['--skip-boot', 'pch --module SwDispatch2Depex', 'ovmf-swdispatch --module SwDispatch2Depex', 's.txt'], { 's.txt': '# a SW SMI from CPU 2\nsmi 0x01 0x42 --cpu 2\n' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^smiscope compare: A and B differ: at line 1 \(smi 0x01 0x42 --cpu 2\), SMI #\d+ \(A\) \/ #\d+ \(B\) \(SW SMI 0x01 \(data 0x42\) from CPU2\): /);
    expect(r.out).toContain('SwSmiCpuIndex: CPU2 on A, CPU0 on B');
    expect(r.out).toContain('SMM BSP (monarch): CPU2 on A, CPU0 on B');
    // The two handler lines side by side, changed.
    expect(r.out).toMatch(/^ ! SwMmiSampleHandler: SwSmiCpuIndex 2, CommandPort 0x1, DataPort 0x42 +│ SwMmiSampleHandler: SwSmiCpuIndex 0, CommandPort 0x1, DataPort 0x42$/m);
  });

  it('§12.2 the real command line: bin/smiscope.mjs compare exits 2 naming the bad platform', () => {
    const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/smiscope.mjs');
    const r = spawnSync(process.execPath, [bin, 'compare', 'ovmf', 'vs', 'arm-virt', '-'], { input: 'smi 0x04\n', encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('platform B (arm-virt): platform: unknown platform "arm-virt"');
  });
});
