/**
 * The seed thread (edk2-devel, "SmmSwDispatch2Protocol - Registering an SMI - Can't find protocol
 * with OVMF", Laszlo Ersek's answer): every claim in it, reproduced on the model.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { read32 } from '../machine/Memory';
import { getReg, REG } from '../machine/Registers';
import { fieldByName, readSaveStateField } from '../machine/SaveStateMap';
import { loadImage } from '../pi/Dispatcher';
import { ev, type Gen } from '../pi/Fw';
import { type MmiHandlerFn } from '../pi/Platform';
import { GUIDS } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { MmCpuIoRead } from './CpuIo2Smm';
import type { ModuleDef } from '../pi/Platform';
import { newModuleRecord } from './PiSmmCore';
import { EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER as R, readSaveState } from './SmmCpuSaveState';
import { SwDispatch2Depex, SwDispatch2Locate } from '../cdriver/Shipped';
import { SHIPPED_SAMPLES } from '../cdriver/ShippedSamples';

const SW_DISPATCH2 = GUIDS.gEfiSmmSwDispatch2ProtocolGuid;

function json(s: Session) {
  const r = s.exec('state --json');
  expect(r.error).toBe(false);
  return JSON.parse(r.lines[0]);
}

/** The line of `text` in shipped file `file` of module `mod` (1-based): the sources are real, so is the line. */
function lineOf(mod: string, file: string, text: string): number {
  const i = SHIPPED_SAMPLES[mod].files.find((f) => f.name === file)!.text.split('\n').findIndex((l) => l.includes(text));
  expect(i, text).toBeGreaterThanOrEqual(0);
  return i + 1;
}

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

describe('seed thread: the first try, SmmLocateProtocol (gEfiSmmSwDispatch2ProtocolGuid) (§3.1, §1.9, §2)', () => {
  it('§3.1 seed: "OVMF does not contain an implementation of" EFI_MM_SW_DISPATCH_PROTOCOL: neither database has it', () => {
    const s = Session.create();
    expect(SW_DISPATCH2).toBe('18a3c6dc-5eea-48c8-a1c1-b53389f98999');
    expect(GUIDS.gEfiMmSwDispatchProtocolGuid).toBe(SW_DISPATCH2);
    expect(s.m.s.smm.protocols.some((p) => p.guid === SW_DISPATCH2)).toBe(false);
    expect(s.m.s.uefiProtocols.some((p) => p.guid === SW_DISPATCH2)).toBe(false);
    expect(json(s).handlers.sw).toEqual([]);
    // issue 6 §2: the note is now a row of the "not installed" list, with its producer verdict.
    const lines = s.exec('protocols').lines;
    const at = lines.findIndex((l) => l.startsWith('  gEfiSmmSwDispatch2ProtocolGuid '));
    expect(at).toBeGreaterThan(lines.findIndex((l) => l.startsWith('Looked up or depended on, but not installed')));
    expect(lines[at + 1]).toMatch(/no producer on OVMF/);
  });

  it('§2/§12.9 seed: --module SwDispatch2Locate prints "SmmSwDispatch2Protocol Status: 0xE", a blank line, "ASSERT_EFI_ERROR (Status = Not Found)" and the ASSERT line', () => {
    const s = Session.create();
    const r = s.exec('platform ovmf --module SwDispatch2Locate');
    expect(r.error).toBe(false);
    // The ASSERT names the real source line: the first ASSERT_EFI_ERROR of SwDispatch2Locate.c (line 42, as in the thread).
    const at = lineOf('SwDispatch2Locate', 'SwDispatch2Locate.c', 'ASSERT_EFI_ERROR (Status);');
    expect(at).toBe(42);
    expect(r.lines[1]).toBe(`boot HUNG: ASSERT SwDispatch2Locate.c(${at}): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL) (called at SwDispatch2Locate.c:${at} (SwDispatch2LocateEntry))`);
    const lines = s.m.s.serial.lines;
    const i = lines.indexOf('SmmSwDispatch2Protocol Status: 0xE');
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).toBe(''); // "\nASSERT_EFI_ERROR (Status = %r)\n": the blank line survives
    expect(lines[i + 2]).toBe('ASSERT_EFI_ERROR (Status = Not Found)');
    expect(lines[i + 3]).toBe(`ASSERT SwDispatch2Locate.c(${at}): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)`);
    expect(lines.at(-1)).toBe(lines[i + 3]); // nothing after: the CPU dead-loops
    expect(s.m.s.hung?.where).toEqual({ file: 'SwDispatch2Locate.c', line: at, fn: 'SwDispatch2LocateEntry' });
    expect(SwDispatch2Locate.def().depex).toBe('TRUE'); // no GUID in [Depex]: the driver is loaded and started
    expect(lines.some((l) => l.endsWith('SwDispatch2Locate.efi'))).toBe(true);
  });

  it('§1.9 seed: "boot hangs": module hung, stage never reaches the OS, every later smi/communicate is refused', () => {
    const s = Session.create();
    s.exec('platform ovmf --module SwDispatch2Locate');
    const st = json(s);
    expect(st.debugger.mode).toBe('hung');
    expect(st.debugger.hung).toMatchObject({ module: 'SwDispatch2Locate', cpu: 0 });
    expect(st.platformInfo.stage).toBe('boot');
    expect(st.modules.find((x: { name: string }) => x.name === 'SwDispatch2Locate').state).toBe('hung');
    expect(s.m.s.cpus[0].inSmm).toBe(true); // dead loop inside SMM
    for (const line of ['smi 0x04', 'smi 0x42 --run', 'communicate gEfiSmmVariableProtocolGuid --run', 'out 0xb2 4']) {
      const r = s.exec(line);
      expect(r.error, line).toBe(true);
      expect(r.lines[0], line).toMatch(/the machine is hung/);
    }
    expect(json(s)).toEqual(st);
    expect(s.exec('platform ovmf').error).toBe(false); // a reset recovers
    expect(json(s).debugger.mode).toBe('idle');
  });
});

describe('seed thread: the second try, gEfiSmmSwDispatch2ProtocolGuid in [Depex] (§1.9)', () => {
  it('§1.9 seed: "prevents the custom code from being loaded at all": Dependent, missing the GUID, "discovered but not loaded!!"', () => {
    const s = Session.create();
    expect(s.exec('platform ovmf --module SwDispatch2Depex').error).toBe(false);
    expect(SwDispatch2Depex.def().depex).toBe('gEfiSmmSwDispatch2ProtocolGuid');
    const rec = s.m.s.modules.find((r) => r.name === 'SwDispatch2Depex')!;
    expect(rec.state).toBe('dependent');
    expect(rec.imageBase).toBe(0);
    expect(rec.missing).toEqual([SW_DISPATCH2]);
    const lines = s.m.s.serial.lines;
    expect(lines).toContain('SMM Driver C0FFEE02-5A5A-4E1D-8B2A-0123456789AB was discovered but not loaded!!');
    expect(lines.some((l) => l.startsWith('SmmSwDispatch2Protocol Status'))).toBe(false); // its code never ran
    expect(lines.some((l) => l.includes('SwDispatch2Depex.efi'))).toBe(false);
    const st = json(s);
    expect(st.debugger.mode).toBe('idle');
    expect(st.platformInfo.stage).toBe('os');
    expect(st.modules.find((x: { name: string }) => x.name === 'SwDispatch2Depex')).toMatchObject({ state: 'dependent', missing: ['gEfiSmmSwDispatch2ProtocolGuid'] });
  });
});

describe("seed thread: OVMF's own software MMI is a root handler (§4.5)", () => {
  it('§4.5 seed: "OVMF does handle a particular software MMI via a root MMI handler (CpuHotplugSmm) that watches a command port value"', () => {
    const s = Session.create();
    expect(s.m.s.smm.root.map((h) => `${h.module}.${h.handler}`)).toEqual(['CpuHotplugSmm.CpuHotplugMmi']);
    s.exec('smi 0x04 --run');
    expect(s.m.s.lastSmi!.handlersCalled).toMatchObject([{ handler: 'CpuHotplugMmi', returned: 'EFI_SUCCESS' }]);
    s.exec('smi 0x42 --run');
    expect(s.m.s.lastSmi!.handlersCalled).toMatchObject([{ handler: 'CpuHotplugMmi', returned: 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED' }]);
  });
});

describe('seed thread: the advice, a root MMI handler for a value > 4 (RootMmiSample) (§4.5, §5.1, §6.4, §1.1)', () => {
  it('§12.1/§6.4 seed fix on OVMF: smi 0x42 0x07 --cpu 2 --run puts 0x5A5A0007 into CPU0\'s RAX (the SMM BSP); the caller on CPU2 gets nothing back', () => {
    const s = Session.create();
    s.exec('platform ovmf --module RootMmiSample');
    expect(s.exec('smi 0x42 0x07 --cpu 2 --run').error).toBe(false);
    expect(s.m.s.lastSmi).toMatchObject({ cpu: 2, bsp: 0 });
    expect(getReg(s.m.s.cpus[0].regs, REG.RAX)).toBe(0x5a5a0007n);
    expect(getReg(s.m.s.cpus[2].regs, REG.RAX)).toBe(0x42n); // what the OS itself left in AL: no answer
    for (const c of [1, 3]) expect(getReg(s.m.s.cpus[c].regs, REG.RAX), `CPU${c}`).toBe(0n);
    expect(s.m.s.lastSmi!.handlersCalled.map((c) => `${c.handler}:${c.returned}`)).toEqual([
      'CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
      'RootMmiSampleHandler:EFI_SUCCESS',
    ]);
    expect(json(s).cpus[0].rax).toBe('0x5A5A0007');
    // The C handler says what it knows (its DEBUG line); the native's event adds what only the model knows: who executed the OUT.
    expect(s.m.s.serial.lines).toContain('RootMmiSample: command 0x42, data 0x7; ReadSaveState (IO) Not Found, so RAX of CurrentlyExecutingCpu 0 = 0x5A5A0007: Success');
    const why = s.timeline.find((e) => /^RootMmiSample: mMmCpu->WriteSaveState \(Width=8, RAX, CpuIndex=0/.test(e.text))!.text;
    expect(why).toContain('RSM will load it. The OUT to 0xB2 came from CPU2: its saved RAX is not written, so that caller gets nothing back');
    expect(why).toMatch(/Communicate buffer/);
  });

  it('§12.1/§6.4 seed fix: the answer reaches a caller only when the caller is CPU0: smi 0x42 0x07 --cpu 0 --run leaves RAX = 0x5A5A0007 on CPU0', () => {
    const s = Session.create();
    s.exec('platform ovmf --module RootMmiSample');
    s.exec('smi 0x42 0x07 --cpu 0 --run');
    expect(getReg(s.m.s.cpus[0].regs, REG.RAX)).toBe(0x5a5a0007n);
    const write = s.timeline.find((e) => /^RootMmiSample: mMmCpu->WriteSaveState \(Width=8, RAX, CpuIndex=0/.test(e.text))!.text;
    expect(write).toMatch(/RSM will load it$/); // the caller is CPU0 itself: no note, the answer arrives
  });

  it('§6.4 seed fix: WriteSaveState takes effect through the save-state bytes; the live SMM register is untouched until RSM', () => {
    const s = Session.create();
    s.exec('platform ovmf --module RootMmiSample');
    s.exec('break handler RootMmiSampleHandler');
    s.exec('smi 0x42 0x07 --cpu 0 --run');
    expect(s.lastEvent?.handler).toBe('RootMmiSampleHandler');
    const cpu0 = s.m.s.cpus[0];
    const raxField = fieldByName(s.m.layout, 'RAX')!;
    expect(readSaveStateField(s.m.s.mem, cpu0.smbase, raxField)).toBe(0x42n); // saved RAX: AL of the OUT
    while (!/RootMmiSample\.RootMmiSampleHandler returned/.test(s.lastEvent!.text)) s.exec('step event');
    expect(readSaveStateField(s.m.s.mem, cpu0.smbase, raxField)).toBe(0x5a5a0007n);
    expect(cpu0.inSmm).toBe(true);
    expect(getReg(cpu0.regs, REG.RAX)).not.toBe(0x5a5a0007n);
    s.exec('continue');
    expect(cpu0.inSmm).toBe(false);
    expect(getReg(s.m.s.cpus[0].regs, REG.RAX)).toBe(0x5a5a0007n);
  });

  it('§5.1 seed [**]: QEMU does not describe the OUT in the save state: ReadSaveState(IO) is EFI_NOT_FOUND on every CPU', () => {
    const s = Session.create();
    s.exec('platform ovmf --module RootMmiSample');
    s.exec('break handler RootMmiSampleHandler');
    s.exec('smi 0x42 0x07 --cpu 2 --run');
    for (let c = 0; c < 4; c++) {
      expect(read32(s.m.s.mem, s.m.s.cpus[c].smbase + 0x8000 + 0x7ec0), `IO_DWord CPU${c}`).toBe(0);
      expect(readSaveState(s.m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, c).status, `CPU${c}`).toBe('EFI_NOT_FOUND');
    }
    s.exec('continue');
    expect(s.timeline.some((e) => /mMmCpu->ReadSaveState \(Width=24, IO, CpuIndex=0\) = EFI_NOT_FOUND/.test(e.text))).toBe(true);
  });

  it('§4.5 seed: a value > ICH9_APM_CNT_CPU_HOTPLUG leaves the hotplug MMI alone: smi 0x04 is not RootMmiSample\'s', () => {
    const s = Session.create();
    s.exec('platform ovmf --module RootMmiSample');
    s.exec('smi 0x04 0x07 --cpu 1 --run');
    expect(s.m.s.lastSmi!.handlersCalled.map((c) => `${c.handler}:${c.returned}`)).toEqual([
      'CpuHotplugMmi:EFI_SUCCESS',
      'RootMmiSampleHandler:EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
    ]);
    expect(getReg(s.m.s.cpus[1].regs, REG.RAX)).toBe(0x04n);
  });

  it('§1.6/§4.2 seed: the value > 4 also filters out the 0 that Trigger writes for Communicate (CommandPort NULL)', () => {
    const s = Session.create();
    s.exec('platform ovmf --module RootMmiSample');
    s.exec(`communicate gEfiSmmVariableProtocolGuid ${'00'.repeat(16)} --run`);
    expect(s.m.s.lastSmi!.command).toBe(0);
    expect(s.m.s.lastSmi!.handlersCalled.map((c) => `${c.kind}:${c.handler}:${c.returned}`)).toEqual([
      'guid:SmmVariableHandler:EFI_SUCCESS',
      'root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
      'root:RootMmiSampleHandler:EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
    ]);
    expect(s.m.s.cpus.map((c) => getReg(c.regs, REG.RAX) >> 16n)).not.toContain(0x5a5an);
  });

  it('§1.1 seed point (5): a root handler that claimed command 0 would mistake every Communicate for its SW MMI (root walk after the GUID walk)', () => {
    const s = Session.create({ cpus: 2 });
    const fired: number[] = [];
    const ClaimsZero: MmiHandlerFn = function* (fw) {
      const [, cmd] = yield* MmCpuIoRead(fw, 0, 0xb2);
      if (cmd !== 0) return 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
      fired.push(fw.m.s.currentSmi!.number);
      yield ev('handler', fw.cpu, 'ClaimsZero: command 0 -> acting on it');
      return 'EFI_SUCCESS';
    };
    const def: ModuleDef = {
      name: 'ClaimsZero', fileGuid: '0badf00d-0000-4000-8000-000000000003', kind: 'DXE_SMM_DRIVER', depex: 'TRUE', imageSize: 0x2000,
      entry: function* () {
        return 'EFI_SUCCESS';
      },
      handlers: { ClaimsZero }, summary: 'test', path: null,
    };
    const defs = new Map(s.m.defs);
    defs.set(def.name, def);
    s.m = { ...s.m, defs };
    const rec = newModuleRecord(def);
    s.m.s.modules.push(rec);
    loadImage(s.m, rec);
    drain(MmiHandlerRegister({ m: s.m, mod: rec, cpu: 0 }, 'ClaimsZero', null));
    s.exec(`communicate gEfiSmmVariableProtocolGuid ${'00'.repeat(16)} --run`);
    expect(fired).toHaveLength(1);
    expect(s.m.s.lastSmi!.handlersCalled.map((c) => `${c.kind}:${c.handler}:${c.returned}`)).toEqual([
      'guid:SmmVariableHandler:EFI_SUCCESS',
      'root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
      'root:ClaimsZero:EFI_SUCCESS',
    ]);
    s.exec('smi 0x42 --run'); // a real SW MMI with another value: not claimed
    expect(fired).toHaveLength(1);
  });
});
