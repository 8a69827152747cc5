import { describe, expect, it } from 'vitest';
import { Session } from './Session';

const HEX = /^0x[0-9A-F]+$/;
const MODULE_STATES = ['dispatched', 'dependent', 'failed', 'hung'];

function json(s: Session) {
  const r = s.exec('state --json');
  expect(r.error).toBe(false);
  expect(r.lines).toHaveLength(1);
  return JSON.parse(r.lines[0]);
}

/** The shape /work/shared/scripts/contract-smoke.sh checks, as assertions. */
function expectContractShape(o: Record<string, any>) {
  expect(o.platform).toBe('ovmf');
  expect(Array.isArray(o.cpus)).toBe(true);
  for (const c of o.cpus) {
    for (const k of ['index', 'smbase', 'inSmm', 'smiCount', 'rax', 'rip']) expect(c, k).toHaveProperty(k);
    for (const k of ['smbase', 'rax', 'rip']) expect(c[k], k).toMatch(HEX);
    expect(typeof c.index).toBe('number');
    expect(typeof c.smiCount).toBe('number');
    expect(typeof c.inSmm).toBe('boolean');
  }
  for (const e of o.handlers.root) for (const f of ['module', 'handler']) expect(e).toHaveProperty(f);
  for (const e of o.handlers.guid) for (const f of ['guid', 'module', 'handler']) expect(e).toHaveProperty(f);
  for (const e of o.handlers.sw) for (const f of ['value', 'module', 'handler']) expect(e).toHaveProperty(f);
  for (const p of o.protocols) for (const f of ['name', 'guid', 'module']) expect(p).toHaveProperty(f);
  for (const m of o.modules) {
    for (const f of ['name', 'state', 'reason']) expect(m).toHaveProperty(f);
    expect(MODULE_STATES).toContain(m.state);
  }
  expect(o).toHaveProperty('lastSmi');
  if (o.lastSmi !== null) {
    for (const f of ['kind', 'command', 'data', 'cpu', 'bsp', 'phasesRun', 'handlersCalled']) expect(o.lastSmi).toHaveProperty(f);
    expect(o.lastSmi.command).toMatch(HEX);
    expect(o.lastSmi.data).toMatch(HEX);
    for (const c of o.lastSmi.handlersCalled) for (const f of ['handler', 'returned']) expect(c).toHaveProperty(f);
  }
}

describe('state --json: the console contract', () => {
  it('§4.5/§12.1/§13 after `smi 0x04 --cpu 1 --run`: handlersCalled = [CpuHotplugMmi -> EFI_SUCCESS], command "0x04", kind "apm", OUT CPU 1, BSP 0, SMI #530 (the boot made 529: 6 SMI IPIs + 523 Communicate SMIs)', () => {
    const s = Session.create();
    expect(s.exec('platform ovmf --cpus 4').error).toBe(false);
    s.exec('smi 0x04 --cpu 1 --run');
    const o = json(s);
    expectContractShape(o);
    expect(o.lastSmi.handlersCalled).toEqual([{ handler: 'CpuHotplugMmi', module: 'CpuHotplugSmm', kind: 'root', returned: 'EFI_SUCCESS' }]);
    expect(o.lastSmi).toMatchObject({ number: 530, kind: 'apm', command: '0x04', data: '0x00', cpu: 1, bsp: 0, raised: true, finished: true, cpus: [1, 0, 2, 3], communicate: null });
    expect(o.lastSmi.phasesRun).toEqual(['trigger', 'smi-delivery', 'save-state', 'rendezvous', 'smm-entry', 'mmi-manage', 'handler', 'mmi-manage', 'exit', 'rsm']);
  });

  it('§5.3/§6.3/§13 cpus[]: SMBASE, MSR_SMI_COUNT (relocation + first SMI + 523 boot SMIs + 1), RAX/RIP as "0x.." strings after the SMI', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x04 --cpu 1 --run');
    const o = json(s);
    expect(o.cpus.map((c: { smbase: string }) => c.smbase)).toEqual(s.m.s.mp.smBase.map((b) => '0x' + b.toString(16).toUpperCase()));
    expect(o.cpus.map((c: { smiCount: number }) => c.smiCount)).toEqual([526, 526, 526, 526]);
    expect(o.cpus[1]).toMatchObject({ index: 1, apicId: 1, inSmm: false, rax: '0x4', rip: '0xFFFFFFFF81E0A1B4', activity: 'os' });
    expect(o.cpus[0].rax).toBe('0x0');
  });

  it('§4.3/§4.4 chipset and platform numbers are "0x.." strings with the booted values', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x42 0x07 --run');
    const o = json(s);
    expect(o.chipset).toEqual({ apmCnt: '0x42', apmSts: '0x7', smiEn: '0x21', smiLock: true, smiFeatures: '0x7' });
    expect(o.platformInfo).toMatchObject({ cpuCount: 4, broadcastSmi: true, syncMode: 'traditional', stage: 'os', tseg: { base: '0x7F000000', size: '0x1000000' } });
    for (const h of o.handlers.root) expect(h.handle).toMatch(HEX);
    for (const h of o.handlers.guid) expect(h.handle).toMatch(HEX);
    expect(o.lastSmi).toMatchObject({ command: '0x42', data: '0x07' });
  });

  it('§1.9/§4.5 modules[].state stays inside the contract set for every sample platform (hung, dependent, unloaded -> failed)', () => {
    const s = Session.create();
    const seen = new Set<string>();
    for (const line of ['platform ovmf', 'platform ovmf --module SwDispatch2Depex', 'platform ovmf --module SwDispatch2Locate', 'platform ovmf --cpus 1', 'platform ovmf --module RootMmiSample --broadcast off']) {
      expect(s.exec(line).error, line).toBe(false);
      const o = json(s);
      expectContractShape(o);
      for (const m of o.modules) seen.add(m.state);
    }
    expect([...seen].sort()).toEqual(['dependent', 'dispatched', 'failed', 'hung']);
  });

  it('§1.9 a paused SMI is reported as lastSmi with finished false; the debugger block says paused', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04 --cpu 1');
    s.exec('step event 4');
    const o = json(s);
    expectContractShape(o);
    expect(o.debugger).toMatchObject({ mode: 'paused', phase: 'save-state' });
    expect(o.lastSmi).toMatchObject({ finished: false, command: '0x04', cpu: 1 });
  });

  it('§1.9 right after boot lastSmi is null (boot SMIs are not user SMIs) and the JSON is stable across calls', () => {
    const s = Session.create({ cpus: 2 });
    const o = json(s);
    expectContractShape(o);
    expect(o.lastSmi).toBeNull();
    expect(s.exec('state --json').lines[0]).toBe(s.exec('state --json').lines[0]);
  });
});
