/**
 * Issue 6 §2: the OUT badge appears only when an OUT executed. An SMI raised by an SMI IPI of the
 * boot (SmmRelocationInit in PEI, ExecuteFirstSmiInit) has no OUT CPU; its record's `cpu` is the
 * CPU that sent the IPI.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import type { Gen } from '../pi/Fw';
import { outCpuOf } from '../pi/SmiRecord';
import { ovmfConfig } from '../profiles/ovmf';
import { createOvmfMachine, peiPhase } from '../system/OvmfBoot';
import { cpuViews } from './View';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

describe('issue 6 §2: OUT badge only for an SMI an OUT raised (§12.2 relocation SMI IPIs)', () => {
  it('issue 6 §2: after PEI relocation the last SMI is the BSP\'s self-IPI: no CPU is the OUT CPU, in the view, `cpus` and state --json', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 4 }));
    expect(drain(peiPhase(m))).toBe(true);
    const smi = m.s.lastSmi!;
    expect(smi.kind).toBe('smi-ipi');
    expect(smi.cpu).toBe(0); // the IPI's sender: the record keeps it
    expect(outCpuOf(smi)).toBeNull();
    const s = Session.create();
    s.m = m;
    expect(cpuViews(s).map((c) => c.isOutCpu)).toEqual([false, false, false, false]);
    expect(s.exec('cpus').lines.some((l) => l.includes('[OUT]'))).toBe(false);
    const o = JSON.parse(s.exec('state --json').lines[0]);
    expect(o.lastSmi).toMatchObject({ kind: 'smi-ipi', cpu: 0, outCpu: null });
  });

  it('issue 6 §2: an OUT by the OS (smi 0x04 --cpu 2) and a Communicate (SmmControl2 Trigger on CPU 0) keep their OUT CPU', () => {
    const s = Session.create();
    s.exec('smi 0x04 --cpu 2 --run');
    expect(cpuViews(s).map((c) => c.isOutCpu)).toEqual([false, false, true, false]);
    expect(s.exec('cpus').lines.filter((l) => l.includes('[OUT]')).map((l) => l.slice(0, 4))).toEqual(['CPU2']);
    expect(JSON.parse(s.exec('state --json').lines[0]).lastSmi.outCpu).toBe(2);
    s.exec('communicate gEfiSmmVariableProtocolGuid 00 --cpu 1 --run');
    expect(s.m.s.lastSmi?.kind).toBe('communicate');
    expect(outCpuOf(s.m.s.lastSmi)).toBe(1);
  });
});
