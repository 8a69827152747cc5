import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { NOTE_PREFIX } from '../machine/Debugcon';
import { read64, writeBytes } from '../machine/Memory';
import { smiLifecycle } from '../system/SmiLifecycle';
import type { ModuleDef } from './Platform';
import { newModuleRecord } from '../modules/PiSmmCore';
import { smmControl2Trigger } from '../modules/SmmControl2Dxe';
import { loadImage } from './Dispatcher';
import type { EfiStatus } from '../lib/EfiStatus';
import type { Gen } from './Fw';
import type { MmiHandlerFn } from './Platform';
import { type Guid, GUIDS, guidToBytes } from '../lib/Guid';
import { MmiHandlerRegister } from './Mmi';
import { MM_COMMUNICATE_HEADER_V3_SIZE, SMM_COMMUNICATE_HEADER_SIZE } from './SmmEntryPoint';

const TEST_GUID: Guid = '5a5a5a5a-0000-4000-8000-00000000c0de';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Adds module "CommTest" with GUID handler TestGuidHandler on `guid` to a booted session. */
function addGuidHandler(s: Session, guid: Guid, impl: MmiHandlerFn): void {
  const def: ModuleDef = {
    name: 'CommTest',
    fileGuid: '0badf00d-0000-4000-8000-000000000002',
    kind: 'DXE_SMM_DRIVER',
    depex: 'TRUE',
    imageSize: 0x2000,
    entry: function* () {
      return 'EFI_SUCCESS';
    },
    handlers: { TestGuidHandler: impl },
    summary: 'test',
    path: null,
  };
  const defs = new Map(s.m.defs);
  defs.set(def.name, def);
  s.m = { ...s.m, defs };
  const rec = newModuleRecord(def);
  rec.dispatch = 'initialized';
  rec.state = 'dispatched';
  s.m.s.modules.push(rec);
  expect(loadImage(s.m, rec)).not.toBeNull();
  const [st] = drain(MmiHandlerRegister({ m: s.m, mod: rec, cpu: 0 }, 'TestGuidHandler', guid));
  expect(st).toBe('EFI_SUCCESS');
}

function communicate(s: Session, line: string): { status: string; commSize: number; lines: string[] } {
  const r = s.exec(line);
  expect(r.error, r.lines.join('\n')).toBe(false);
  const res = r.lines.find((l) => l.startsWith('Communicate returned '));
  expect(res, r.lines.join('\n')).toBeDefined();
  const m = /^Communicate returned (\w+) \(0x[0-9A-F]+\), \*CommSize = 0x([0-9A-F]+)/.exec(res!)!;
  return { status: m[1], commSize: parseInt(m[2], 16), lines: r.lines };
}

function calls(s: Session) {
  return s.m.s.lastSmi!.handlersCalled.map((c) => `${c.kind}:${c.handler}:${c.returned}`);
}

/** Serial lines written since `from` that firmware printed (not SmiScope's own [smiscope] notes). */
function firmwareLinesSince(s: Session, from: number): string[] {
  return s.m.s.serial.lines.slice(from).filter((l) => !l.startsWith(NOTE_PREFIX));
}

const ZEROS16 = '00'.repeat(16);

describe('SmmEntryPoint: order of work (§1.1)', () => {
  it('§1.1 GUID handlers run before root handlers on a Communicate SMI, and root handlers still run', () => {
    const s = Session.create({ cpus: 2 });
    const r = communicate(s, `communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --run`);
    expect(r.status).toBe('EFI_SUCCESS');
    expect(calls(s)).toEqual([
      'guid:SmmVariableHandler:EFI_SUCCESS',
      'root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED',
    ]);
    const texts = s.timeline.map((e) => e.text);
    const guidCall = texts.findIndex((t) => t.startsWith('guid handler VariableSmm.SmmVariableHandler('));
    const rootCall = texts.findIndex((t) => t.startsWith('root handler CpuHotplugSmm.CpuHotplugMmi('));
    const rootWalk = texts.findIndex((t) => t.startsWith('MmiManage(NULL (root MMI handlers))'));
    expect(guidCall).toBeGreaterThan(0);
    expect(rootWalk).toBeGreaterThan(guidCall);
    expect(rootCall).toBeGreaterThan(rootWalk);
    expect(s.m.s.lastSmi!.communicate).toBe('gEfiSmmVariableProtocolGuid');
  });

  it('§1.1 the root walk runs even when the Communicate buffer is rejected', () => {
    const s = Session.create({ cpus: 2 });
    communicate(s, `communicate gEfiSmmVariableProtocolGuid --at 0x7F000100 --run`);
    expect(calls(s)).toEqual(['root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });

  it('§1.1 a GUID result other than EFI_SUCCESS is reported to the caller as EFI_NOT_FOUND (QUIESCED counts as success, §1.5)', () => {
    const cases: [EfiStatus, string][] = [
      ['EFI_SUCCESS', 'EFI_SUCCESS'],
      ['EFI_WARN_INTERRUPT_SOURCE_QUIESCED', 'EFI_SUCCESS'],
      ['EFI_WARN_INTERRUPT_SOURCE_PENDING', 'EFI_NOT_FOUND'],
      ['EFI_INTERRUPT_PENDING', 'EFI_NOT_FOUND'],
    ];
    for (const [handlerReturns, caller] of cases) {
      const s = Session.create({ cpus: 1 });
      addGuidHandler(s, TEST_GUID, function* () {
        return handlerReturns;
      });
      const r = communicate(s, `communicate ${TEST_GUID} 01 --run`);
      expect(r.status, handlerReturns).toBe(caller);
      expect(s.m.s.smm.priv.returnStatus).toBe(caller);
      expect(calls(s)[0]).toBe(`guid:TestGuidHandler:${handlerReturns}`);
    }
  });

  it('§1.1 a GUID nobody registered: MmiManage finds no SMI_ENTRY -> EFI_NOT_FOUND, only the root walk runs', () => {
    const s = Session.create({ cpus: 2 });
    const r = communicate(s, 'communicate 11111111-2222-3333-4444-555555555555 --run');
    expect(r.status).toBe('EFI_NOT_FOUND');
    expect(calls(s)).toEqual(['root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });
});

describe('SmmEntryPoint: CommBuffer validation (§1.1, §1.8)', () => {
  it('§1.8/§12.8 buffer inside TSEG -> EFI_ACCESS_DENIED; the Overlap line names the SmmAccess2 descriptor it hit (the 4 KiB page at TsegBase)', () => {
    const s = Session.create({ cpus: 2 });
    const from = s.m.s.serial.lines.length;
    const r = communicate(s, 'communicate gEfiSmmVariableProtocolGuid --at 0x7F000100 --run');
    expect(r.status).toBe('EFI_ACCESS_DENIED');
    expect(firmwareLinesSince(s, from)).toEqual([
      'SmmIsBufferOutsideSmmValid: Overlap: Buffer (0x7F000100) - Length (0x18), CpuStart (0x7F000000) - PhysicalSize (0x1000)',
    ]);
    expect(s.m.s.lastSmi!.handlersCalled.some((c) => c.kind === 'guid')).toBe(false);
  });

  it('§1.8 a buffer that starts below TSEG but reaches into it (SMRAM start inside the buffer) is rejected too', () => {
    const s = Session.create({ cpus: 2 });
    const from = s.m.s.serial.lines.length;
    const r = communicate(s, `communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --at 0x7EFFFFF0 --run`);
    expect(r.status).toBe('EFI_ACCESS_DENIED');
    expect(firmwareLinesSince(s, from)).toEqual([
      'SmmIsBufferOutsideSmmValid: Overlap: Buffer (0x7EFFFFF0) - Length (0x28), CpuStart (0x7F000000) - PhysicalSize (0x1000)',
    ]);
  });

  it('§1.8 a buffer ending exactly at the TSEG base is valid (no overlap)', () => {
    const s = Session.create({ cpus: 2 });
    addGuidHandler(s, TEST_GUID, function* () {
      return 'EFI_SUCCESS';
    });
    // after SmmReadyToLock only reserved/runtime/ACPI NVS memory-map entries are communication regions: make the
    // 64 KiB under TSEG runtime data for this check
    const map = [...s.m.s.config.uefiMemoryMap, { base: 0x7eff0000, size: 0x10000, type: 6, attribute: 0, what: 'test' }];
    s.m.s.config = { ...s.m.s.config, uefiMemoryMap: map };
    const r = communicate(s, `communicate ${TEST_GUID} ${'00'.repeat(8)} --at 0x7EFFFFE0 --run`);
    expect(r.status).toBe('EFI_SUCCESS');
  });

  it('§1.8 after SmmReadyToLock a buffer outside the valid communication region -> EFI_ACCESS_DENIED', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.m.s.smm.readyToLock).toBe(true);
    const r = communicate(s, 'communicate gEfiSmmVariableProtocolGuid --at 0x1000000 --run');
    expect(r.status).toBe('EFI_ACCESS_DENIED');
    expect(calls(s)).toEqual(['root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });

  it('§1.1 a buffer overlapping gSmmCorePrivate -> EFI_ACCESS_DENIED (SmmEntryPoint prints nothing for it)', () => {
    const s = Session.create({ cpus: 2 });
    const priv = s.m.s.smm.priv;
    const from = s.m.s.serial.lines.length;
    const r = communicate(s, `communicate gEfiSmmVariableProtocolGuid --at ${'0x' + (priv.address + 0x10).toString(16)} --run`);
    expect(r.status).toBe('EFI_ACCESS_DENIED');
    expect(firmwareLinesSince(s, from)).toEqual([]);
    expect(calls(s)).toEqual(['root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });

  it('§1.1/§1.7 BufferSize < 24 (OFFSET_OF (EFI_SMM_COMMUNICATE_HEADER, Data)) reaching SmmEntryPoint -> EFI_ACCESS_DENIED', () => {
    const s = Session.create({ cpus: 2 });
    const m = s.m;
    const at = m.s.config.runtimeDataBase + 0x3000;
    writeBytes(m.s.mem, at, guidToBytes(GUIDS.gEfiSmmVariableProtocolGuid));
    const from = m.s.serial.lines.length;
    // gSmmCorePrivate->BufferSize = 16 (PiSmmIpl itself would refuse this, §1.6: test SmmEntryPoint's own check)
    drain(smiLifecycle(m, { cpu: 0, writes: smmControl2Trigger(null, null) as never, communicate: { address: at, size: 16, guid: GUIDS.gEfiSmmVariableProtocolGuid } }));
    expect(m.s.smm.priv.returnStatus).toBe('EFI_ACCESS_DENIED');
    expect(m.s.smm.priv.commBuffer).toBe(0);
    expect(m.s.lastSmi!.handlersCalled.map((c) => c.kind)).toEqual(['root']);
    expect(firmwareLinesSince(s, from)).toEqual([]);
    // exactly 24 is accepted (empty Data)
    drain(smiLifecycle(m, { cpu: 0, writes: smmControl2Trigger(null, null) as never, communicate: { address: at, size: 24, guid: GUIDS.gEfiSmmVariableProtocolGuid } }));
    expect(m.s.lastSmi!.handlersCalled.map((c) => c.kind)).toEqual(['guid', 'root']);
  });
});

describe('SmmEntryPoint: the Communicate SMI and the buffer the handler sees (§1.6, §1.7, §4.2)', () => {
  it('§1.6/§4.2 Communicate writes 0 to 0xB3 then 0 to 0xB2 (Trigger with NULL ports)', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('out 0xb3 0x5a');
    expect(s.exec('in 0xb3').lines[0]).toBe('IN 0xB3 = 0x5A (APM_STS)');
    communicate(s, `communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --run`);
    const outs = s.timeline.filter((e) => e.phase === 'trigger' && / OUT 0xB[23], /.test(e.text)).map((e) => /OUT (0xB[23]), (0x[0-9A-F]+)/.exec(e.text)!.slice(1).join('='));
    expect(outs).toEqual(['0xB3=0x00', '0xB2=0x00']);
    expect(s.exec('in 0xb3').lines[0]).toBe('IN 0xB3 = 0x00 (APM_STS)');
    expect(s.exec('in 0xb2').lines[0]).toBe('IN 0xB2 = 0x00 (APM_CNT)');
    expect(s.m.s.lastSmi).toMatchObject({ command: 0, data: 0, raised: true });
  });

  it('§1.7 the GUID handler gets CommBuffer = &Data[0] and *CommBufferSize = total - 24 (not MessageLength)', () => {
    const s = Session.create({ cpus: 2 });
    const seen: { buf: number; size: number | null; msgLen: bigint }[] = [];
    addGuidHandler(s, TEST_GUID, function* (fw, _h, _c, buf, size) {
      seen.push({ buf, size: size ? size.value : null, msgLen: read64(fw.m.s.mem, buf - 8) });
      return 'EFI_SUCCESS';
    });
    const at = 0x7ee04000;
    communicate(s, `communicate ${TEST_GUID} ${'ab'.repeat(10)} --at ${'0x' + at.toString(16)} --size 100 --run`);
    expect(seen).toEqual([{ buf: at + 24, size: 100 - 24, msgLen: 10n }]);
    // CommSize NULL: size = header + MessageLength (§1.6.2), so the handler gets 10
    communicate(s, `communicate ${TEST_GUID} ${'ab'.repeat(10)} --at ${'0x' + at.toString(16)} --run`);
    expect(seen[1]).toEqual({ buf: at + 24, size: 10, msgLen: 10n });
    expect(SMM_COMMUNICATE_HEADER_SIZE).toBe(24);
  });

  it('§1.1 after the call *CommSize = the handler\'s *CommBufferSize + 24', () => {
    const s = Session.create({ cpus: 2 });
    addGuidHandler(s, TEST_GUID, function* (_fw, _h, _c, _b, size) {
      size!.value = 4;
      return 'EFI_SUCCESS';
    });
    const r = communicate(s, `communicate ${TEST_GUID} ${'00'.repeat(32)} --run`);
    expect(r.status).toBe('EFI_SUCCESS');
    expect(r.commSize).toBe(28);
  });
});

describe('SmmEntryPoint: the EFI_MM_COMMUNICATE_HEADER_V3 path (§1.1, §12.10)', () => {
  it('§1.1 HeaderGuid = gEfiMmCommunicateHeaderV3Guid: the handler of MessageGuid gets &MessageData (+0x38) and *CommBufferSize = BufferSize - 0x38, whatever MessageSize says', () => {
    const s = Session.create({ cpus: 2 });
    const seen: { buf: number; size: number | null }[] = [];
    addGuidHandler(s, TEST_GUID, function* (_fw, _h, _c, buf, size) {
      seen.push({ buf, size: size ? size.value : null });
      size!.value = 4;
      return 'EFI_SUCCESS';
    });
    const at = 0x7ee04000;
    const r = s.exec(`communicate ${TEST_GUID} ${'ab'.repeat(10)} --v3 --at ${'0x' + at.toString(16)} --size 0x100 --run`);
    expect(r.lines.join('\n')).toContain('Communicate3 returned EFI_SUCCESS');
    expect(seen).toEqual([{ buf: at + MM_COMMUNICATE_HEADER_V3_SIZE, size: 0x100 - 0x38 }]);
    expect(s.m.s.lastSmi!.communicate).toBe(TEST_GUID);
    expect(s.timeline.some((e) => e.text.includes('EFI_MM_COMMUNICATE_HEADER_V3') && e.text.includes('MessageSize=0xA'))).toBe(true);
    // gSmmCorePrivate->BufferSize = *CommBufferSize + sizeof (EFI_MM_COMMUNICATE_HEADER_V3)
    expect(s.m.s.smm.priv.bufferSize).toBe(4 + 0x38);
    expect(MM_COMMUNICATE_HEADER_V3_SIZE).toBe(56);
  });

  it('§1.1 a V3 header in a buffer smaller than sizeof (EFI_MM_COMMUNICATE_HEADER_V3) -> EFI_ACCESS_DENIED, straight to the root handlers', () => {
    const s = Session.create({ cpus: 2 });
    // Sent through the legacy protocol with *CommSize 0x20: PiSmmIpl does not look at the V3 GUID, SmmEntryPoint does.
    const r = communicate(s, `communicate gEfiMmCommunicateHeaderV3Guid ${'00'.repeat(8)} --size 0x20 --run`);
    expect(r.status).toBe('EFI_ACCESS_DENIED');
    expect(calls(s)).toEqual(['root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
    expect(s.m.s.smm.priv.commBuffer).toBe(0);
  });

  it('§1.1 a legacy header whose GUID is not the V3 one is handled as before (GUID handlers run first)', () => {
    const s = Session.create({ cpus: 2 });
    addGuidHandler(s, TEST_GUID, function* () {
      return 'EFI_SUCCESS';
    });
    expect(communicate(s, `communicate ${TEST_GUID} 01 --run`).status).toBe('EFI_SUCCESS');
    expect(calls(s)).toEqual(['guid:TestGuidHandler:EFI_SUCCESS', 'root:CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });
});
