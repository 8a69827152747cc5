/**
 * The seed thread's "universal" SW dispatcher (its five responsibilities) and the chipset
 * dispatchers' Register rules (facts §9.1, §9.2, §3.2).
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { read64 } from '../machine/Memory';
import { getReg, REG } from '../machine/Registers';
import type { Gen } from '../pi/Fw';
import { GUIDS } from '../lib/Guid';
import { NEVER_ALLOCATED, SW_SMI_INPUT_VALUE_ANY, SwDispatchRegister, SwDispatchUnRegister } from './GenericSwDispatcher';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

function boot(modules: string): Session {
  const s = Session.create();
  const r = s.exec(`platform ovmf ${modules}`);
  expect(r.error, r.lines.join('\n')).toBe(false);
  return s;
}

function childFw(s: Session, name = 'SwDispatch2Depex') {
  const mod = s.m.s.modules.find((x) => x.name === name)!;
  return { m: s.m, mod, cpu: 0 };
}

describe('GenericSwDispatcher: the seed thread\'s universal EFI_MM_SW_DISPATCH_PROTOCOL', () => {
  it('§3.1 seed: with the dispatcher in the volume, [Depex] gEfiSmmSwDispatch2ProtocolGuid is satisfied and the child loads', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const mod = s.m.s.modules.find((x) => x.name === 'SwDispatch2Depex')!;
    expect(mod.state).toBe('dispatched');
    expect(s.m.s.smm.protocols.find((p) => p.guid === GUIDS.gEfiSmmSwDispatch2ProtocolGuid)?.module).toBe('GenericSwDispatcher');
    expect(s.m.s.serial.lines).toContain('SmmSwDispatch2Protocol Status: 0x0');
  });

  it('§1.9 seed: a depex of TRUE is no ordering guarantee: SwDispatch2Locate starts before the dispatcher and still hangs', () => {
    const s = Session.create();
    s.exec('platform ovmf --module SwDispatch2Locate --module GenericSwDispatcher');
    expect(s.m.s.hung?.module).toBe('SwDispatch2Locate');
    expect(s.m.s.modules.find((x) => x.name === 'GenericSwDispatcher')?.state).toBe('dependent');
  });

  it('responsibility (1): it installs a root MMI handler, called on every SMI', () => {
    const s = boot('--module GenericSwDispatcher');
    expect(s.m.s.smm.root.map((h) => h.handler)).toEqual(['CpuHotplugMmi', 'GenericSwMmiHandler']);
    s.exec('smi 0x05 --run');
    expect(s.m.s.lastSmi?.handlersCalled.map((c) => [c.handler, c.returned])).toEqual([
      ['CpuHotplugMmi', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
      ['GenericSwMmiHandler', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'],
    ]);
  });

  it('responsibilities (2)-(4) §3.2: the child gets EFI_MM_SW_CONTEXT with CommandPort from 0xB2 and DataPort from 0xB3, and its WriteSaveState reaches RAX after RSM', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const rec = s.m.s.sw[0];
    expect(rec).toMatchObject({ value: 0x01, module: 'SwDispatch2Depex', handler: 'SwMmiSampleHandler' });
    expect(s.exec('smi 0x01 0x33 --cpu 2 --run').error).toBe(false);
    const ctx = rec.handle + 8;
    expect(Number(read64(s.m.s.mem, ctx))).toBe(0); // SwMmiCpuIndex falls back to the SMM BSP: CPU0 on OVMF (§12.1), not the OUT CPU 2
    expect(Number(read64(s.m.s.mem, ctx + 8) & 0xffffn)).toBe(0x3301); // CommandPort 0x01, DataPort 0x33
    expect(getReg(s.m.s.cpus[0].regs, REG.RAX)).toBe(0x5a5a0033n); // the child answers CPU0
    expect(getReg(s.m.s.cpus[2].regs, REG.RAX)).toBe(0x01n); // the caller keeps what it wrote
    expect(s.m.s.lastSmi?.handlersCalled.find((c) => c.kind === 'sw')).toMatchObject({ handler: 'SwMmiSampleHandler', returned: 'EFI_SUCCESS' });
  });

  it('§5.1/§12.1: on QEMU no save state describes the OUT, so SwMmiCpuIndex falls back to CurrentlyExecutingCpu = 0, not the OUT CPU (the event says why)', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    s.exec('smi 0x01 --cpu 3');
    const out = s.exec('continue');
    expect(out.error).toBe(false);
    expect(s.timeline.some((e) => /ReadSaveState\(IO\) = EFI_NOT_FOUND\), so SwMmiCpuIndex = CurrentlyExecutingCpu = 0, the SMM BSP \(always CPU0 on OVMF\), not CPU3 that executed the OUT/.test(e.text))).toBe(true);
  });

  it('responsibility (5) §9: (UINTN)-1 never yields 0 (Communicate\'s command), nor 0x02/0x03/0x04/0xFF; values then run 0x01, 0x05, 0x06 ...', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const fw = childFw(s);
    const got = [s.m.s.sw[0].value];
    for (let i = 0; i < 3; i++) got.push(drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', SW_SMI_INPUT_VALUE_ANY))[1]);
    expect(got).toEqual([0x01, 0x05, 0x06, 0x07]);
    for (let i = 0; i < 0xff; i++) drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', SW_SMI_INPUT_VALUE_ANY));
    const values = s.m.s.sw.map((r) => r.value);
    for (const v of NEVER_ALLOCATED) expect(values).not.toContain(v);
    expect(values.length).toBe(0x100 - NEVER_ALLOCATED.length); // every value 0x00..0xFF but the five
    expect(drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', SW_SMI_INPUT_VALUE_ANY))[0]).toBe('EFI_OUT_OF_RESOURCES');
  });

  it('§9.1/§3.2: a value > 0xFF or one already registered is EFI_INVALID_PARAMETER ("only a single child per value")', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const fw = childFw(s);
    expect(drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', 0x100n))[0]).toBe('EFI_INVALID_PARAMETER');
    expect(drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', 0x01n))[0]).toBe('EFI_INVALID_PARAMETER');
    expect(drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', 0x60n))).toEqual(['EFI_SUCCESS', 0x60, expect.any(Number)]);
  });

  it('responsibility (5), the hazard: a child registered explicitly at 0x00 runs on every Communicate SMI', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const fw = childFw(s);
    drain(SwDispatchUnRegister(fw, s.m.s.sw[0].handle));
    expect(drain(SwDispatchRegister(fw, 'SwMmiSampleHandler', 0n))[0]).toBe('EFI_SUCCESS');
    expect(s.exec('communicate gEfiSmmVariableProtocolGuid --run').error).toBe(false);
    expect(s.m.s.lastSmi?.communicate).toBe('gEfiSmmVariableProtocolGuid');
    expect(s.m.s.lastSmi?.handlersCalled.some((c) => c.handler === 'SwMmiSampleHandler')).toBe(true);
  });

  it('UnRegister removes the child; an unknown handle is EFI_INVALID_PARAMETER', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    const fw = childFw(s);
    const h = s.m.s.sw[0].handle;
    expect(drain(SwDispatchUnRegister(fw, h))).toBe('EFI_SUCCESS');
    expect(drain(SwDispatchUnRegister(fw, h))).toBe('EFI_INVALID_PARAMETER');
    expect(JSON.parse(s.exec('state --json').lines[0]).handlers.sw).toEqual([]);
  });

  it('state --json lists SW registrations as {value, module, handler}', () => {
    const s = boot('--module GenericSwDispatcher --module SwDispatch2Depex');
    expect(JSON.parse(s.exec('state --json').lines[0]).handlers.sw).toEqual([
      { value: '0x01', module: 'SwDispatch2Depex', handler: 'SwMmiSampleHandler', handle: expect.stringMatching(/^0x/) },
    ]);
  });
});
