import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSmram, type Machine } from './Platform';
import { read32, read8, readBytes } from '../machine/Memory';
import type { ModuleDef } from './Platform';
import { newModuleRecord } from '../modules/PiSmmCore';
import { createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, type Gen, type TraceEvent } from './Fw';
import { type Fw, type MmiHandlerFn } from './Platform';
import { type Guid, guidToBytes } from '../lib/Guid';
import { MmiHandlerRegister, MmiHandlerUnRegister, MmiManage } from './Mmi';

const G1: Guid = '11111111-1111-4111-8111-111111111111';
const G2: Guid = '22222222-2222-4222-8222-222222222222';
const SIG_SMIH = 0x68696d73; // 'smih'
const SIG_SMIE = 0x65696d73; // 'smie'

const WALK_STATUSES = [
  'EFI_SUCCESS',
  'EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
  'EFI_WARN_INTERRUPT_SOURCE_PENDING',
  'EFI_INTERRUPT_PENDING',
] as const satisfies readonly EfiStatus[];
const UNEXPECTED: EfiStatus[] = ['EFI_UNSUPPORTED', 'EFI_NOT_FOUND', 'EFI_ACCESS_DENIED', 'EFI_INVALID_PARAMETER', 'EFI_WARN_BUFFER_TOO_SMALL', 'EFI_DEVICE_ERROR'];

function drain<T>(g: Gen<T>, events: TraceEvent[] = []): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    events.push(r.value);
  }
}

type Behaviour = EfiStatus | ((fw: Fw, handle: number, ctx: number, buf: number, size: { value: number } | null) => Gen<EfiStatus>);

interface Call {
  name: string;
  handle: number;
  context: number;
  commBuffer: number;
  commBufferSize: number | null;
}

/**
 * An unbooted OVMF machine (PiSmmCore's record present, SMRAM pool empty) plus one test module
 * "MmiTest" whose handlers H0..H9 do what `plan` says and log every call.
 */
function setup() {
  const base = createOvmfMachine(ovmfConfig({ cpus: 2 }));
  const plan = new Map<string, Behaviour>();
  const calls: Call[] = [];
  const handlers: Record<string, MmiHandlerFn> = {};
  for (let i = 0; i < 10; i++) {
    const name = `H${i}`;
    handlers[name] = function* (fw, handle, context, commBuffer, commBufferSize) {
      calls.push({ name, handle, context, commBuffer, commBufferSize: commBufferSize ? commBufferSize.value : null });
      const b = plan.get(name) ?? 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
      return typeof b === 'string' ? b : yield* b(fw, handle, context, commBuffer, commBufferSize);
    };
  }
  const def: ModuleDef = {
    name: 'MmiTest',
    fileGuid: '0badf00d-0000-4000-8000-000000000001',
    kind: 'DXE_SMM_DRIVER',
    depex: 'TRUE',
    imageSize: 0x2000,
    entry: function* () {
      return 'EFI_SUCCESS';
    },
    handlers,
    summary: 'test module',
    path: null,
  };
  const defs = new Map(base.defs);
  defs.set(def.name, def);
  const m: Machine = { s: base.s, layout: base.layout, defs, smi: base.smi };
  const rec = newModuleRecord(def);
  rec.imageBase = 0x7f800000;
  m.s.modules.push(rec);
  const fw: Fw = { m, mod: rec, cpu: 0 };
  const register = (name: string, type: Guid | null) => drain(MmiHandlerRegister(fw, name, type));
  const handleOf = (name: string, type: Guid | null) => {
    const [st, h] = register(name, type);
    expect(st).toBe('EFI_SUCCESS');
    return h;
  };
  const manage = (type: Guid | null, commBuffer = 0, size: { value: number } | null = null) => drain(MmiManage(fw, type, 0, commBuffer, size));
  const unregister = (h: number) => drain(MmiHandlerUnRegister(fw, h));
  const names = () => calls.map((c) => c.name);
  return { m, fw, plan, calls, names, register, handleOf, manage, unregister };
}

/** Reference model of SmiManage's walk, written from the facts §1.5 table. */
function reference(kind: 'root' | 'guid', statuses: EfiStatus[]): { result: EfiStatus; called: number } {
  let rs: EfiStatus = 'EFI_NOT_FOUND';
  let called = 0;
  for (const st of statuses) {
    called++;
    if (st === 'EFI_SUCCESS') {
      rs = 'EFI_SUCCESS';
      if (kind === 'guid') break;
    } else if (st === 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED') {
      rs = 'EFI_SUCCESS';
    } else if (st === 'EFI_WARN_INTERRUPT_SOURCE_PENDING') {
      if (rs !== 'EFI_SUCCESS') rs = 'EFI_WARN_INTERRUPT_SOURCE_PENDING';
    } else if (st === 'EFI_INTERRUPT_PENDING') {
      if (kind === 'guid') {
        rs = 'EFI_INTERRUPT_PENDING';
        break;
      }
      if (rs !== 'EFI_SUCCESS') rs = 'EFI_INTERRUPT_PENDING';
    }
  }
  return { result: rs, called };
}

function walk(kind: 'root' | 'guid', statuses: EfiStatus[]) {
  const t = setup();
  statuses.forEach((st, i) => {
    t.plan.set(`H${i}`, st);
    t.handleOf(`H${i}`, kind === 'root' ? null : G1);
  });
  const result = t.manage(kind === 'root' ? null : G1);
  return { result, called: t.names(), t };
}

describe('MmiManage: return-code table (§1.5)', () => {
  it.each([
    // [kind, handler returns, MmiManage result, handlers called]
    ['root', ['EFI_SUCCESS', 'EFI_WARN_INTERRUPT_SOURCE_PENDING'], 'EFI_SUCCESS', 2],
    ['guid', ['EFI_SUCCESS', 'EFI_WARN_INTERRUPT_SOURCE_PENDING'], 'EFI_SUCCESS', 1],
    ['root', ['EFI_WARN_INTERRUPT_SOURCE_QUIESCED', 'EFI_WARN_INTERRUPT_SOURCE_PENDING'], 'EFI_SUCCESS', 2],
    ['guid', ['EFI_WARN_INTERRUPT_SOURCE_QUIESCED', 'EFI_WARN_INTERRUPT_SOURCE_PENDING'], 'EFI_SUCCESS', 2],
    ['root', ['EFI_WARN_INTERRUPT_SOURCE_PENDING', 'EFI_WARN_INTERRUPT_SOURCE_PENDING'], 'EFI_WARN_INTERRUPT_SOURCE_PENDING', 2],
    ['guid', ['EFI_WARN_INTERRUPT_SOURCE_PENDING', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED'], 'EFI_SUCCESS', 2],
    ['root', ['EFI_INTERRUPT_PENDING', 'EFI_WARN_INTERRUPT_SOURCE_PENDING'], 'EFI_WARN_INTERRUPT_SOURCE_PENDING', 2],
    ['root', ['EFI_INTERRUPT_PENDING', 'EFI_INTERRUPT_PENDING'], 'EFI_INTERRUPT_PENDING', 2],
    ['root', ['EFI_SUCCESS', 'EFI_INTERRUPT_PENDING'], 'EFI_SUCCESS', 2],
    ['guid', ['EFI_INTERRUPT_PENDING', 'EFI_SUCCESS'], 'EFI_INTERRUPT_PENDING', 1],
    ['guid', ['EFI_WARN_INTERRUPT_SOURCE_QUIESCED', 'EFI_INTERRUPT_PENDING', 'EFI_SUCCESS'], 'EFI_INTERRUPT_PENDING', 2],
  ] as ['root' | 'guid', EfiStatus[], EfiStatus, number][])(
    '§1.5 %s walk, handlers return %j -> %s after %i call(s)',
    (kind, statuses, result, called) => {
      const r = walk(kind, statuses);
      expect(r.result).toBe(result);
      expect(r.called).toEqual(statuses.slice(0, called).map((_, i) => `H${i}`));
    },
  );

  it('§1.5 root walk calls every handler even after EFI_SUCCESS', () => {
    const r = walk('root', ['EFI_SUCCESS', 'EFI_SUCCESS', 'EFI_INTERRUPT_PENDING', 'EFI_SUCCESS']);
    expect(r.called).toEqual(['H0', 'H1', 'H2', 'H3']);
    expect(r.result).toBe('EFI_SUCCESS');
  });

  it('§1.5 GUID walk stops at the first EFI_SUCCESS', () => {
    const r = walk('guid', ['EFI_WARN_INTERRUPT_SOURCE_PENDING', 'EFI_SUCCESS', 'EFI_SUCCESS']);
    expect(r.called).toEqual(['H0', 'H1']);
    expect(r.result).toBe('EFI_SUCCESS');
  });

  it('§1.5 any sequence of the four valid returns: result and calls match the facts table (root and GUID)', () => {
    fc.assert(
      fc.property(fc.constantFrom<'root' | 'guid'>('root', 'guid'), fc.array(fc.constantFrom(...WALK_STATUSES), { minLength: 1, maxLength: 8 }), (kind, statuses) => {
        const r = walk(kind, statuses);
        const want = reference(kind, statuses);
        expect(r.result).toBe(want.result);
        expect(r.called.length).toBe(want.called);
        expect(r.t.m.s.smm.callingDepth).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('§1.5 no handler: empty root list -> EFI_NOT_FOUND; GUID without SMI_ENTRY -> EFI_NOT_FOUND, nothing called', () => {
    const t = setup();
    expect(t.manage(null)).toBe('EFI_NOT_FOUND');
    t.handleOf('H0', G1);
    expect(t.manage(G2)).toBe('EFI_NOT_FOUND');
    expect(t.calls).toEqual([]);
  });

  it('§1.5 an unexpected status makes SmiManage ASSERT (DEBUG build): CpuDeadLoop in PiSmmCore, root and GUID walks', () => {
    for (const kind of ['root', 'guid'] as const) {
      for (const bad of UNEXPECTED) {
        const t = setup();
        t.plan.set('H0', 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED');
        t.plan.set('H1', bad);
        t.handleOf('H0', kind === 'root' ? null : G1);
        t.handleOf('H1', kind === 'root' ? null : G1);
        t.handleOf('H2', kind === 'root' ? null : G1);
        let thrown: unknown;
        try {
          t.manage(kind === 'root' ? null : G1);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${kind} ${bad}`).toBeInstanceOf(CpuDeadLoop);
        expect((thrown as CpuDeadLoop).module).toBe('PiSmmCore');
        expect(t.names()).toEqual(['H0', 'H1']);
        expect(t.m.s.serial.lines.at(-1)).toBe('ASSERT Smi.c(248): ((BOOLEAN)(0==1))'); // §12.9: basename, no [Module]
      }
    }
  });

  it('§1.5 handlers get DispatchHandle = their SMI_HANDLER; GUID handlers get CommBuffer and *CommBufferSize, root handlers NULLs', () => {
    const t = setup();
    const hr = t.handleOf('H0', null);
    const hg = t.handleOf('H1', G1);
    t.manage(G1, 0x7ee02018, { value: 0x30 });
    t.manage(null);
    expect(t.calls).toEqual([
      { name: 'H1', handle: hg, context: 0, commBuffer: 0x7ee02018, commBufferSize: 0x30 },
      { name: 'H0', handle: hr, context: 0, commBuffer: 0, commBufferSize: null },
    ]);
  });

  it('§1.5 a handler may change *CommBufferSize; the caller sees the new value', () => {
    const t = setup();
    t.plan.set('H0', function* (_fw, _h, _c, _b, size) {
      size!.value = 4;
      return 'EFI_SUCCESS';
    });
    t.handleOf('H0', G1);
    const size = { value: 0x100 };
    expect(t.manage(G1, 0x7ee02018, size)).toBe('EFI_SUCCESS');
    expect(size.value).toBe(4);
  });
});

describe('MmiHandlerRegister (§1.2, §1.3)', () => {
  it('§1.3 handlers are appended: the walk runs them in registration order', () => {
    const t = setup();
    for (const n of ['H3', 'H1', 'H2', 'H0']) t.handleOf(n, null);
    expect(t.m.s.smm.root.map((h) => h.handler)).toEqual(['H3', 'H1', 'H2', 'H0']);
    t.manage(null);
    expect(t.names()).toEqual(['H3', 'H1', 'H2', 'H0']);
  });

  it('§1.3 SMI_ENTRYs are appended per new GUID; root handlers are not in the GUID list', () => {
    const t = setup();
    t.handleOf('H0', G2);
    t.handleOf('H1', null);
    t.handleOf('H2', G1);
    t.handleOf('H3', G2);
    expect(t.m.s.smm.entries.map((e) => e.guid)).toEqual([G2, G1]);
    expect(t.m.s.smm.entries[0].handlers.map((h) => h.handler)).toEqual(['H0', 'H3']);
    expect(t.m.s.smm.root.map((h) => h.handler)).toEqual(['H1']);
  });

  it('§1.3 no duplicate check: the same function registered twice for one GUID gets two records and runs twice', () => {
    const t = setup();
    const a = t.handleOf('H0', G1);
    const b = t.handleOf('H0', G1);
    expect(a).not.toBe(b);
    expect(t.m.s.smm.entries).toHaveLength(1);
    expect(t.m.s.smm.entries[0].handlers).toHaveLength(2);
    t.manage(G1);
    expect(t.calls.map((c) => [c.name, c.handle])).toEqual([['H0', a], ['H0', b]]);
  });

  it("§1.3/§12.10 DispatchHandle is the SMRAM address of an 'smih' SMI_HANDLER whose SmiEntry points at the 'smie' SMI_ENTRY (root: &mRootSmiEntry)", () => {
    const t = setup();
    const mem = t.m.s.mem;
    t.m.s.smm.rootSmiEntry = 0x7fffe000; // where PiSmmCore's static mRootSmiEntry would be
    const hg = t.handleOf('H0', G1);
    const hr = t.handleOf('H1', null);
    for (const h of [hg, hr]) {
      expect(isSmram(t.m, h, 72)).toBe(true);
      expect(read32(mem, h)).toBe(SIG_SMIH);
    }
    const entry = t.m.s.smm.entries[0];
    expect(read32(mem, hg + 40)).toBe(entry.address);
    expect(read32(mem, hr + 40)).toBe(0x7fffe000); // root: SmiHandler->SmiEntry = &mRootSmiEntry, not 0
    expect(isSmram(t.m, entry.address, 56)).toBe(true);
    expect(read32(mem, entry.address)).toBe(SIG_SMIE);
    expect(readBytes(mem, entry.address + 24, 16)).toEqual(guidToBytes(G1));
    expect(read8(mem, hg + 64)).toBe(0); // ToRemove = FALSE
  });

  it('§1.3 a Handler that is not a function of the module (NULL) -> EFI_INVALID_PARAMETER, nothing registered', () => {
    const t = setup();
    const [st, h] = t.register('NoSuchFunction', G1);
    expect(st).toBe('EFI_INVALID_PARAMETER');
    expect(h).toBe(0);
    expect(t.m.s.smm.entries).toEqual([]);
    expect(t.m.s.smm.root).toEqual([]);
  });
});

describe('MmiHandlerUnRegister (§1.4)', () => {
  it('§1.4 outside MmiManage the handler is removed at once', () => {
    const t = setup();
    const a = t.handleOf('H0', null);
    t.handleOf('H1', null);
    expect(t.unregister(a)).toBe('EFI_SUCCESS');
    expect(t.m.s.smm.root.map((h) => h.handler)).toEqual(['H1']);
    t.manage(null);
    expect(t.names()).toEqual(['H1']);
  });

  it('§1.4 unregister during MmiManage is deferred until depth 0 and the later handler in the same walk is still called', () => {
    const t = setup();
    let hB = 0;
    const seen: { status: EfiStatus; stillListed: boolean; toRemove: boolean; byte: number }[] = [];
    t.plan.set('H0', function* (fw) {
      const status = yield* MmiHandlerUnRegister(fw, hB);
      const rec = fw.m.s.smm.root.find((h) => h.handle === hB);
      seen.push({ status, stillListed: !!rec, toRemove: !!rec?.toRemove, byte: read8(fw.m.s.mem, hB + 64) });
      return 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
    });
    t.handleOf('H0', null);
    hB = t.handleOf('H1', null);
    t.handleOf('H2', null);
    t.manage(null);
    expect(seen).toEqual([{ status: 'EFI_SUCCESS', stillListed: true, toRemove: true, byte: 1 }]);
    expect(t.names()).toEqual(['H0', 'H1', 'H2']); // H1 still called in this walk
    expect(t.m.s.smm.root.map((h) => h.handler)).toEqual(['H0', 'H2']); // purged at depth 0
    t.calls.length = 0;
    t.plan.delete('H0');
    t.manage(null);
    expect(t.names()).toEqual(['H0', 'H2']);
  });

  it('§1.4 removal waits for the OUTERMOST MmiManage: a nested walk returning does not purge', () => {
    const t = setup();
    let hY = 0;
    let listedAfterInner: boolean | null = null;
    t.plan.set('H0', function* (fw) {
      yield* MmiManage(fw, G1, 0, 0, null); // nested: depth 2
      listedAfterInner = fw.m.s.smm.root.some((h) => h.handle === hY);
      return 'EFI_SUCCESS';
    });
    t.plan.set('H5', function* (fw) {
      expect(fw.m.s.smm.callingDepth).toBe(2);
      return yield* MmiHandlerUnRegister(fw, hY);
    });
    t.handleOf('H0', null);
    hY = t.handleOf('H1', null);
    t.handleOf('H5', G1);
    t.manage(null);
    expect(listedAfterInner).toBe(true);
    expect(t.names()).toEqual(['H0', 'H5', 'H1']);
    expect(t.m.s.smm.root.map((h) => h.handler)).toEqual(['H0']);
    expect(t.m.s.smm.callingDepth).toBe(0);
  });

  it('§1.4 a handler unregistering itself is called in this walk and gone from the next', () => {
    const t = setup();
    t.plan.set('H0', function* (fw, handle) {
      const st = yield* MmiHandlerUnRegister(fw, handle);
      return st === 'EFI_SUCCESS' ? 'EFI_SUCCESS' : 'EFI_UNSUPPORTED';
    });
    t.handleOf('H0', G1);
    t.handleOf('H1', G1);
    expect(t.manage(G1)).toBe('EFI_SUCCESS');
    expect(t.m.s.smm.entries[0].handlers.map((h) => h.handler)).toEqual(['H1']);
  });

  it('§1.4 the emptied SMI_ENTRY is removed (immediately outside MmiManage, at depth 0 inside)', () => {
    const t = setup();
    const x = t.handleOf('H0', G1);
    t.handleOf('H1', G2);
    expect(t.unregister(x)).toBe('EFI_SUCCESS');
    expect(t.m.s.smm.entries.map((e) => e.guid)).toEqual([G2]);
    expect(t.manage(G1)).toBe('EFI_NOT_FOUND');
    // deferred variant: the only G2 handler unregisters itself during the G2 walk
    t.plan.set('H1', function* (fw, handle) {
      yield* MmiHandlerUnRegister(fw, handle);
      expect(fw.m.s.smm.entries.map((e) => e.guid)).toEqual([G2]);
      return 'EFI_SUCCESS';
    });
    expect(t.manage(G2)).toBe('EFI_SUCCESS');
    expect(t.m.s.smm.entries).toEqual([]);
  });

  it('§1.4 NULL handle, or an unknown handle while every list is empty -> EFI_INVALID_PARAMETER', () => {
    const t = setup();
    expect(t.unregister(0)).toBe('EFI_INVALID_PARAMETER');
    expect(t.unregister(0x7f001000)).toBe('EFI_INVALID_PARAMETER');
    const h = t.handleOf('H0', G1);
    t.unregister(h);
    expect(t.unregister(h)).toBe('EFI_INVALID_PARAMETER'); // freed, lists empty again
  });

  it('§1.4 code quirk: an unknown handle with non-empty lists hits ASSERT (SmiHandler == DispatchHandle) in the DEBUG build', () => {
    const t = setup();
    t.handleOf('H0', null);
    expect(() => t.unregister(0x7f001000)).toThrow(CpuDeadLoop);
    expect(t.m.s.serial.lines.at(-1)).toBe('ASSERT Smi.c(441): (EFI_HANDLE)SmiHandler == DispatchHandle'); // §12.9
  });
});
