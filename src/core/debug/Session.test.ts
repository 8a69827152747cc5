import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ViewRequest, ViewSnapshot } from './ViewTypes';
import { machineFromState } from '../pi/Platform';
import { readBytes } from '../machine/Memory';
import { MmiHandlerRegister } from '../pi/Mmi';
import { CORE_GUIDS } from '../modules/PiSmmCore';
import { Session } from '../console/Session';

const ZEROS16 = '00'.repeat(16);

/**
 * The machine's part of `state --json`: the debugger's bookkeeping (how far a run went before a
 * `back`, the session's event count and SMI list) is about the session, not the machine.
 */
function state(s: Session): string {
  const r = s.exec('state --json');
  expect(r.error).toBe(false);
  const j = JSON.parse(r.lines[0]);
  for (const k of ['event', 'sessionEvent', 'bootEvents', 'smis']) delete j.debugger[k];
  return JSON.stringify(j, null, 2);
}

/** Same pages, same bytes (a byte-wise compare: the boot's flash and variable stores make memory too big for a deep toEqual). */
function expectSameMemory(b: Session, a: Session): void {
  const pa = a.m.s.mem.pages;
  const pb = b.m.s.mem.pages;
  expect([...pb.keys()].sort((x, y) => x - y)).toEqual([...pa.keys()].sort((x, y) => x - y));
  for (const [n, bytes] of pa) {
    if (!Buffer.from(bytes).equals(Buffer.from(pb.get(n)!))) expect.fail(`page 0x${(n * 4096).toString(16)} differs`);
  }
}

function trace(s: Session): string[] {
  return s.timeline.map((e) => `${e.phase}|${e.cpu}|${e.level}|${e.text}`);
}

const VIEW: ViewRequest = { selectedCpu: 1, hexAddress: 0x7f000000, hexLength: 256 };

/** A console line a user could type at any time (some are errors in some states: that is part of the contract). */
const commandArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 0xff }), fc.integer({ min: 0, max: 1 }), fc.boolean())
    .map(([c, d, cpu, run]) => `smi 0x${c.toString(16)} ${d} --cpu ${cpu}${run ? ' --run' : ''}`),
  fc.integer({ min: 0, max: 0xff }).map((v) => `out 0xb3 ${v}`),
  fc.integer({ min: 1, max: 6 }).map((n) => `step event ${n}`),
  fc.integer({ min: 1, max: 4 }).map((n) => `back ${n}`),
  fc.constantFrom(
    'step', 'step smi', 'continue', 'cpus', 'handlers', 'in 0xb2', 'in 0xb3', 'savestate 1', 'regs 0', 'modules',
    'break handler CpuHotplugMmi', 'break apm 4', 'break smi', 'delete 1', 'break',
    `communicate gEfiSmmVariableProtocolGuid ${ZEROS16}`, 'communicate gEfiEventReadyToBootGuid --run',
    'communicate gEfiSmmVariableProtocolGuid --at 0x7F000100 --run', 'x 0x7ee02000 32',
  ),
);

describe('Session: determinism', () => {
  it('§13 the boot cache: a second Session.create with the same options gets the first boot\'s end state as an independent clone', () => {
    const a = Session.create({ cpus: 3 });
    const b = Session.create({ cpus: 3 });
    expect(b.m.s).not.toBe(a.m.s);
    expect(b.m.s.serial).toEqual(a.m.s.serial);
    expectSameMemory(b, a);
    a.exec('smi 0x04 --cpu 1 --run');
    expect(a.m.s.smiSeq).toBe(529); // 3 relocation + 2 first-SMI IPIs + 523 Communicate SMIs, then this one
    expect(b.m.s.smiSeq).toBe(528); // untouched by a's SMI
    const c = Session.create({ cpus: 3 });
    expect(c.m.s.smiSeq).toBe(528); // the cache holds the state right after the boot
    expect(Session.create({ cpus: 3, broadcast: false }).m.s.cpus.map((x) => x.smiCount)).toEqual([525, 2, 2]); // other options: another boot
  });

  it('§6/§8 determinism: the same command sequence on two fresh sessions gives identical outputs, serial logs and state --json', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 10 }), (cmds) => {
        const a = Session.create({ cpus: 2 });
        const b = Session.create({ cpus: 2 });
        for (const c of cmds) expect(b.exec(c), c).toEqual(a.exec(c));
        expect(b.m.s.serial).toEqual(a.m.s.serial);
        expect(trace(b)).toEqual(trace(a));
        expect(state(b)).toBe(state(a));
        expectSameMemory(b, a);
      }),
      { numRuns: 25 },
    );
  });

  it('§8 checkpoint: structuredClone(session.m.s) between SMIs, then the same commands on the clone give the same trace', () => {
    const a = Session.create({ cpus: 4 });
    a.exec('smi 0x04 --cpu 1 --run');
    const b = Session.create({ cpus: 4 });
    b.m = machineFromState(structuredClone(a.m.s), a.m.defs, a.m.smi);
    const cmds = ['smi 0x05 --cpu 2 --run', `communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --cpu 3 --run`, 'smi 0x04 --cpu 3', 'step event 7', 'back 2', 'step', 'continue'];
    for (const c of cmds) {
      const ra = a.exec(c);
      expect(b.exec(c), c).toEqual(ra);
      expect(trace(b), c).toEqual(trace(a));
    }
    expect(state(b)).toBe(state(a));
    expectSameMemory(b, a);
    // the clone is independent
    const seq = a.m.s.smiSeq;
    b.exec('smi 0x04 --run');
    expect(a.m.s.smiSeq).toBe(seq);
  });
});

describe('Session: reverse stepping', () => {
  it('§6.4 back N restores the machine exactly as it was N events ago, and stepping forward again reproduces the same events', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x04 --cpu 1');
    const texts: string[] = [s.lastEvent!.text];
    const states: string[] = [state(s)];
    const maps: Uint8Array[] = [readBytes(s.m.s.mem, s.m.s.cpus[1].smbase + 0xfc00, 0x400)];
    for (let i = 0; i < 14; i++) {
      s.exec('step event');
      texts.push(s.lastEvent!.text);
      states.push(state(s));
      maps.push(readBytes(s.m.s.mem, s.m.s.cpus[1].smbase + 0xfc00, 0x400));
    }
    const r = s.exec('back 4');
    expect(r.error).toBe(false);
    expect(r.lines).toEqual([`[${s.lastEvent!.phase}] ${texts[10]}`]);
    expect(s.lastEvent!.text).toBe(texts[10]);
    expect(state(s)).toBe(states[10]);
    expect(readBytes(s.m.s.mem, s.m.s.cpus[1].smbase + 0xfc00, 0x400)).toEqual(maps[10]);
    for (let i = 11; i <= 14; i++) {
      s.exec('step event');
      expect(s.lastEvent!.text).toBe(texts[i]);
      expect(state(s)).toBe(states[i]);
    }
    s.exec('continue');
    const ref = Session.create({ cpus: 4 });
    ref.exec('smi 0x04 --cpu 1 --run');
    expect(state(s)).toBe(state(ref));
    expectSameMemory(s, ref);
  });

  it('§6.4 back across SMM entry puts the CPUs back in the OS (inSmm false, MSR_SMI_COUNT as before)', () => {
    const s = Session.create({ cpus: 2 });
    const counts = s.m.s.cpus.map((c) => c.smiCount);
    s.exec('smi 0x04 --cpu 1');
    while (s.lastEvent!.phase !== 'rendezvous') s.exec('step event');
    expect(s.m.s.cpus.every((c) => c.inSmm)).toBe(true);
    s.exec('back 100');
    expect(s.m.s.cpus.map((c) => c.inSmm)).toEqual([false, false]);
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(counts);
    expect(s.run).not.toBeNull();
  });
});

describe('Session: breakpoints', () => {
  it('§4.5/§12.1/§13 break handler CpuHotplugMmi stops on handler entry, inside SMM; continue finishes the SMI (#530: the boot made 529; raised by CPU1, BSP CPU0)', () => {
    const s = Session.create({ cpus: 4 });
    expect(s.exec('break handler CpuHotplugMmi').lines).toEqual(['breakpoint 1: handler CpuHotplugMmi']);
    const r = s.exec('smi 0x04 --cpu 1 --run');
    expect(r.lines).toContain('breakpoint 1 (handler CpuHotplugMmi) hit:');
    expect(s.run).not.toBeNull();
    expect(s.lastEvent!.handler).toBe('CpuHotplugMmi');
    expect(s.currentPhase()).toBe('handler');
    expect(s.m.s.cpus.every((c) => c.inSmm)).toBe(true);
    expect(s.m.s.currentSmi!.handlersCalled).toEqual([{ handler: 'CpuHotplugMmi', module: 'CpuHotplugSmm', kind: 'root', returned: '(running)' }]);
    expect(s.breakpoints[0].hits).toBe(1);
    const c = s.exec('continue');
    expect(c.lines.at(-1)).toBe('SMI #530 finished: command 0x04, data 0x00, raised by CPU1, BSP CPU0; CpuHotplugSmm.CpuHotplugMmi -> EFI_SUCCESS');
    expect(s.run).toBeNull();
    expect(s.m.s.cpus.some((x) => x.inSmm)).toBe(false);
  });

  it('§4.4 break apm 5 ignores other values and stops at the OUT 0xB2, 0x05 before any CPU is in SMM', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break apm 5');
    s.exec('smi 0x04 --run');
    expect(s.run).toBeNull();
    const r = s.exec('smi 0x05 --cpu 1 --run');
    expect(r.lines).toContain('breakpoint 1 (apm 0x05 (OUT to 0xB2 with this value)) hit:');
    expect(s.lastEvent).toMatchObject({ phase: 'trigger', apm: 5, cpu: 1 });
    expect(s.m.s.cpus.some((c) => c.inSmm)).toBe(false);
    expect(s.exec('in 0xb2').lines[0]).toBe('IN 0xB2 = 0x05 (APM_CNT)');
    s.exec('continue');
    expect(s.m.s.lastSmi).toMatchObject({ command: 5, finished: true });
  });

  it('§1.6 break apm 0 catches the Communicate trigger (command 0)', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('break apm 0');
    s.exec('communicate gEfiEventReadyToBootGuid --run');
    expect(s.lastEvent).toMatchObject({ phase: 'trigger', apm: 0 });
  });

  it('§6.3 break smi stops at the first SMM entry of the SMI: only the OUT CPU has saved its state yet', () => {
    const s = Session.create({ cpus: 4 });
    s.exec('break smi');
    const r = s.exec('smi 0x04 --cpu 2 --run');
    expect(r.lines[1]).toBe('breakpoint 1 (smi (any CPU enters SMM)) hit:');
    expect(s.lastEvent).toMatchObject({ phase: 'save-state', cpu: 2 });
    expect(s.m.s.cpus.map((c) => c.inSmm)).toEqual([false, false, true, false]);
    // one hit per SMI, not per CPU
    s.exec('continue');
    expect(s.run).toBeNull();
    expect(s.breakpoints[0].hits).toBe(1);
    s.exec('delete 1');
    s.exec('smi 0x04 --run');
    expect(s.run).toBeNull();
  });
});

describe('Session: bad input changes nothing', () => {
  const BAD_IDLE = [
    'frobnicate', 'smi', 'smi zz', 'smi 0x100', 'smi 4 --cpu 4', 'smi 4 5 6', 'smi 4 --bogus', 'smi -1',
    'out 0xb2', 'out 0xb2 0x100', 'out 0xb2 0x10000 --width 2', 'out 0x10000 1', 'in 0xb2 --width 3', 'platform ovmf --hotplug-smi yes',
    'step', 'back', 'continue', 'platform ovmf --module Nope', 'platform ovmf --cpus 0', 'platform ovmf --cpus 257',
    'platform ovmf --cpus x', 'platform ovmf --broadcast maybe', 'platform ovmf --sync fast', 'platform qemu',
    'communicate notAGuid', 'communicate gEfiSmmVariableProtocolGuid zzz', 'communicate gEfiSmmVariableProtocolGuid --at 0xFFFFFFF0',
    'communicate gEfiSmmVariableProtocolGuid --cpu 9', 'break handler Nope', 'break apm 0x100', 'break nonsense', 'delete 99',
    'regs 9', 'savestate 4', 'x 0x1000 0', 'x 0x100000000', 'state', 'state --json extra', 'help nope', '--cpu',
  ];

  it.each(BAD_IDLE)('§4.4/§8 bad line while idle: %s -> error, state --json unchanged', (line) => {
    const s = Session.create({ cpus: 4 });
    s.exec('smi 0x04 --cpu 1 --run');
    const before = state(s);
    const serial = s.m.s.serial.lines.length;
    const r = s.exec(line);
    expect(r.error).toBe(true);
    expect(r.lines.length).toBeGreaterThan(0);
    expect(state(s)).toBe(before);
    expect(s.m.s.serial.lines.length).toBe(serial);
  });

  it.each(['smi 0x04', 'smi 0x05 --run', 'out 0xb2 4', 'out 0x630 0 --width 4', `communicate gEfiSmmVariableProtocolGuid ${ZEROS16}`, 'step event 0', 'step bogus 2x'])(
    '§8 bad line while an SMI is paused: %s -> error, the paused SMI and state --json unchanged',
    (line) => {
      const s = Session.create({ cpus: 2 });
      s.exec('smi 0x04 --cpu 1');
      s.exec('step event 5');
      const before = state(s);
      const last = s.lastEvent;
      const r = s.exec(line);
      expect(r.error).toBe(true);
      expect(state(s)).toBe(before);
      expect(s.lastEvent).toBe(last);
      s.exec('continue');
      expect(s.m.s.lastSmi).toMatchObject({ command: 4, cpu: 1, finished: true });
    },
  );

  it('§8 a bad line keeps the save-state change highlights of the previous command', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04 --cpu 1 --run');
    const changed = s.view(VIEW).saveState.changedOffsets;
    expect(changed).toContain(0x7ff8 - 0x7c00); // RAX
    s.exec('smi 0x100');
    expect(s.view(VIEW).saveState.changedOffsets).toEqual(changed);
  });
});

describe('Session: view() snapshots', () => {
  const bin = (v: ViewSnapshot) => JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : x));

  it('§7.1 first view has layout, tables, regions and the whole timeline; an unchanged second view has none of them', () => {
    const s = Session.create({ cpus: 4 });
    const v1 = s.view(VIEW);
    expect(v1.layout).toBeDefined();
    expect(v1.layout!.mapOffset).toBe(0xfc00);
    expect(v1.tables).toBeDefined();
    expect(v1.smram.regions).toBeDefined();
    expect(v1.timeline.reset).toBe(true);
    const v2 = s.view(VIEW);
    expect(v2.layout).toBeUndefined();
    expect(v2.tables).toBeUndefined();
    expect(v2.smram.regions).toBeUndefined();
    expect(v2.timeline).toEqual({ reset: false, events: [] });
    expect(v2.seq).toBe(v1.seq + 1);
  });

  it('§13 smisSincePowerOn: after the boot there is no last SMI, but the view says the boot made 529 (6 SMI IPIs + 523 Communicate SMIs); the next SMI is #530', () => {
    const s = Session.create({ cpus: 4 });
    const v1 = s.view(VIEW);
    expect(v1.lastSmi).toBeNull();
    expect(v1.smisSincePowerOn).toBe(6 + 523);
    s.exec('smi 0x04 --cpu 1 --run');
    const v2 = s.view(VIEW);
    expect(v2.smisSincePowerOn).toBe(530);
    expect(v2.lastSmi!.number).toBe(530);
  });

  it('§8 timeline deltas: a new SMI resets the timeline, each step appends only its new events', () => {
    const s = Session.create({ cpus: 4 });
    s.view(VIEW);
    s.exec('smi 0x04 --cpu 1');
    const v1 = s.view(VIEW);
    expect(v1.timeline.reset).toBe(true);
    expect(v1.timeline.events.map((e) => e.text)).toEqual([s.lastEvent!.text]);
    s.exec('step event 3');
    const v2 = s.view(VIEW);
    expect(v2.timeline.reset).toBe(false);
    expect(v2.timeline.events).toHaveLength(3);
    expect(v2.timeline.events.map((e) => e.seq)).toEqual([1, 2, 3].map((k) => v1.timeline.events[0].seq + k));
    expect(v2.timeline.events.at(-1)!.text).toBe(s.lastEvent!.text);
    expect(v2.tables).toBeUndefined();
    expect(v2.status).toMatchObject({ mode: 'paused' });
    s.exec('back 1');
    expect(s.view(VIEW).timeline.reset).toBe(true); // replay rebuilt it
  });

  it('§1.3 tables are sent again only when they changed (a handler registered), and after a platform reset with the layout', () => {
    const s = Session.create({ cpus: 2 });
    s.view(VIEW);
    s.exec('smi 0x04 --run');
    expect(s.view(VIEW).tables).toBeUndefined();
    const rec = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
    const g = MmiHandlerRegister({ m: s.m, mod: rec, cpu: 0 }, 'CpuHotplugMmi', CORE_GUIDS.gEfiEventReadyToBootGuid);
    while (!g.next().done) { /* run */ }
    const v = s.view(VIEW);
    expect(v.tables).toBeDefined();
    expect(v.tables!.handlers.filter((h) => h.handler === 'CpuHotplugMmi').map((h) => h.kind)).toEqual(['root', 'guid']);
    expect(v.layout).toBeUndefined();
    s.exec('platform ovmf --cpus 2');
    const r = s.view(VIEW);
    expect(r.layout).toBeDefined();
    expect(r.tables).toBeDefined();
    expect(r.smram.regions).toBeDefined();
  });

  it('§7.1 a per-step snapshot is small: the 0x400-byte map, a hex window capped at 4 KiB, the new events only', () => {
    const s = Session.create({ cpus: 4 });
    s.view(VIEW);
    s.exec('smi 0x04 --cpu 1');
    s.view(VIEW);
    s.exec('step event');
    const v = s.view({ selectedCpu: 1, hexAddress: 0x7f000000, hexLength: 1 << 24 });
    expect(v.saveState.bytes.length).toBe(0x400);
    expect(v.saveState.address).toBe(s.m.s.cpus[1].smbase + 0xfc00);
    expect(v.smram.hexBytes.length).toBe(4096);
    expect(v.timeline.events).toHaveLength(1);
    expect(v.layout ?? v.tables ?? v.smram.regions).toBeUndefined();
    expect(bin(v).length).toBeLessThan(40_000);
  });

  it('§6.1 changedOffsets mark the save-state bytes an SMI rewrote (saved RIP and RAX of the OUT CPU)', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04 --cpu 1 --run');
    const v = s.view(VIEW);
    const off = (fieldOffset: number) => fieldOffset - 0x7c00;
    expect(v.saveState.changedOffsets).toContain(off(0x7ff8)); // RAX: 0 -> 4
    expect(v.saveState.changedOffsets).toContain(off(0x7f78)); // RIP moved past the OUTs
    expect(v.saveState.changedOffsets).not.toContain(off(0x7efc)); // revision is the same value
    expect(v.saveState.live).toBe(false);
  });
});
