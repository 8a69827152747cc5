import { describe, expect, it } from 'vitest';
import { runScript } from './run';

/** Runs a console script through the CLI's runner; returns its output lines. */
function run(script: string): string[] {
  const out: string[] = [];
  runScript(script, (s) => out.push(s));
  return out.join('').split('\n');
}

const stateOf = (lines: string[]) => JSON.parse(lines.slice(lines.findIndex((l) => l === '{')).join('\n').replace(/\nsmiscope>[\s\S]*$/, ''));
const cpuLine = (lines: string[], n: number) => lines.filter((l) => l.startsWith(`CPU${n} `)).at(-1) ?? '';

describe('CLI: the seed\'s modules on each platform (issue 8; facts §3, §9.2, §12.1)', () => {
  it('§3/§1.9 SwDispatch2Locate: EFI_NOT_FOUND and the ASSERT hang on every platform. On ovmf nobody produces the protocol; on ovmf-swdispatch and pch a dispatcher does, but its depex waits for SmmCpu while SwDispatch2Locate\'s depex TRUE puts it in the first dispatch pass, before the dispatcher', () => {
    for (const p of ['ovmf', 'ovmf-swdispatch', 'pch']) {
      const lines = run(`platform ${p} --module SwDispatch2Locate\n`);
      expect(lines, p).toContain('serial| SmmSwDispatch2Protocol Status: 0xE');
      expect(lines, p).toContain('serial| ASSERT_EFI_ERROR (Status = Not Found)');
    }
  });

  it('§1.9/§9.2 SwDispatch2Depex: never loads on ovmf (its depex GUID has no producer); loads and registers 0x01 on ovmf-swdispatch and on pch', () => {
    const ovmf = run('platform ovmf --module SwDispatch2Depex\nstate --json\n');
    expect(ovmf.some((l) => l.includes('Loading SMM driver') && l.includes('SwDispatch2Depex'))).toBe(false);
    expect(stateOf(ovmf).modules.find((x: { name: string }) => x.name === 'SwDispatch2Depex').state).not.toBe('dispatched');
    for (const p of ['ovmf-swdispatch', 'pch']) {
      const lines = run(`platform ${p} --module SwDispatch2Depex\nstate --json\n`);
      expect(lines, p).toContain('serial| SwDispatch->Register: Success, SwSmiInputValue = 0x1');
      const st = stateOf(lines);
      expect(st.platform).toBe(p);
      expect(st.handlers.sw.map((r: { value: string | number; handler: string }) => [Number(r.value), r.handler])).toEqual([[1, 'SwMmiSampleHandler']]);
    }
  });

  it('§9.2/§12.1 a SW SMI from CPU 2: pch finds CPU 2 in IOMisc and answers in its RAX; ovmf-swdispatch cannot, reports CurrentlyExecutingCpu (CPU0) and answers in CPU0\'s RAX', () => {
    const pch = run('platform pch --module SwDispatch2Depex\nsmi 0x01 0x07 --cpu 2 --run\ncpus\n');
    expect(pch).toContain('serial| SwMmiSampleHandler: SwSmiCpuIndex 2, CommandPort 0x1, DataPort 0x7');
    expect(cpuLine(pch, 2)).toContain('RAX=0x000000005A5A0007');
    const sw = run('platform ovmf-swdispatch --module SwDispatch2Depex\nsmi 0x01 0x07 --cpu 2 --run\ncpus\n');
    expect(sw.some((l) => /no save state of the 4 CPUs shows the OUT to 0xB2/.test(l))).toBe(true);
    expect(sw.some((l) => /SwMmiSampleHandler: SwSmiCpuIndex 0,/.test(l))).toBe(true);
    expect(cpuLine(sw, 0)).toContain('RAX=0x000000005A5A0007');
    expect(cpuLine(sw, 2)).not.toContain('5A5A');
  });

  it('§4 state --json names the platform and its save-state layout on every platform', () => {
    const want: Record<string, [string, string]> = { ovmf: ['amd64-qemu', 'ich9-qemu'], 'ovmf-swdispatch': ['amd64-qemu', 'ich9-qemu'], pch: ['intel64', 'pch'] };
    for (const [p, [layout, chipset]] of Object.entries(want)) {
      const st = stateOf(run(`platform ${p} --cpus 2\nstate --json\n`));
      expect(st.platform).toBe(p);
      expect(st.platformInfo.saveStateLayoutId).toBe(layout);
      expect(st.platformInfo.chipset).toBe(chipset);
      expect(typeof st.platformInfo.saveStateLayout).toBe('string');
    }
  });

  it('bad platform input is refused with a clear message and changes nothing', () => {
    // The CLI stops a script at its first bad line, so each bad line is its own script.
    expect(run('platform pch --accel kvm\n').some((l) => l.includes('--accel is a QEMU option'))).toBe(true);
    expect(run('platform q35\n').some((l) => l.includes('unknown platform "q35" (available: ovmf, ovmf-swdispatch, pch)'))).toBe(true);
    expect(run('platform pch --arrival sideways\n').some((l) => l.includes('--arrival takes caller-first, ascending or descending'))).toBe(true);
  });
});
