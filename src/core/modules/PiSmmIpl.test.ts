import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import type { Machine } from '../pi/Platform';
import { write64, writeBytes } from '../machine/Memory';
import { type Gen, type TraceEvent } from '../pi/Fw';
import { GUIDS, guidToBytes } from '../pi/Guid';
import { createOvmfMachine, ovmfConfig, peiPhase } from '../profiles/ovmf';
import { SmmCommunicationCommunicate } from './PiSmmIpl';

function drain<T>(g: Gen<T>, events: TraceEvent[] = []): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    events.push(r.value);
  }
}

function header(m: Machine, at: number, guid: string, data: number[]) {
  writeBytes(m.s.mem, at, guidToBytes(guid));
  write64(m.s.mem, at + 16, BigInt(data.length));
  writeBytes(m.s.mem, at + 24, Uint8Array.from(data));
}

/** PEI, then SmmAccess2Dxe, SmmControl2Dxe, PiSmmIpl started (SMM core loaded), PiSmmCpuDxeSmm not yet: no SMM entry point. */
function beforeEntryPoint() {
  const m = createOvmfMachine(ovmfConfig({ cpus: 2 }));
  expect(drain(peiPhase(m))).toBe(true);
  for (const name of ['SmmAccess2Dxe', 'SmmControl2Dxe', 'PiSmmIpl']) {
    const rec = m.s.modules.find((r) => r.name === name)!;
    expect(drain(m.defs.get(name)!.entry({ m, mod: rec, cpu: 0 }))).toBe('EFI_SUCCESS');
  }
  return m;
}

describe('PiSmmIpl: SmmCommunicationCommunicate (§1.6)', () => {
  it('§1.6.1 CommBuffer NULL -> EFI_INVALID_PARAMETER, no SMI', () => {
    const s = Session.create({ cpus: 2 });
    const seq = s.m.s.smiSeq;
    expect(drain(SmmCommunicationCommunicate(s.m, 0, 0, null)).status).toBe('EFI_INVALID_PARAMETER');
    expect(s.m.s.smiSeq).toBe(seq);
  });

  it('§1.6.2 *CommSize smaller than the 24-byte header -> EFI_INVALID_PARAMETER before any SMI (console --size 23)', () => {
    const s = Session.create({ cpus: 2 });
    const counts = s.m.s.cpus.map((c) => c.smiCount);
    const r = s.exec('communicate gEfiSmmVariableProtocolGuid --size 23 --run');
    expect(r.error).toBe(false);
    expect(r.lines.at(-1)).toMatch(/^Communicate returned EFI_INVALID_PARAMETER \(0x8000000000000002\)/);
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(counts);
    expect(s.m.s.lastSmi).toBeNull();
  });

  it('§1.6.3 with the SMM entry point registered and not in SMM: one real SMI, status = gSmmCorePrivate->ReturnStatus', () => {
    const s = Session.create({ cpus: 2 });
    const seq = s.m.s.smiSeq;
    const at = s.m.s.config.runtimeDataBase + 0x4000;
    header(s.m, at, GUIDS.gEfiSmmVariableProtocolGuid, new Array(16).fill(0));
    const events: TraceEvent[] = [];
    const r = drain(SmmCommunicationCommunicate(s.m, 1, at, null), events);
    expect(s.m.s.smiSeq).toBe(seq + 1);
    expect(r).toMatchObject({ status: 'EFI_SUCCESS', commSize: 40, why: 'via SMI (SmmControl2 Trigger)' });
    expect(s.m.s.lastSmi).toMatchObject({ kind: 'communicate', cpu: 1, bsp: 0, command: 0, communicate: 'gEfiSmmVariableProtocolGuid' });
    expect(events[0].text).toMatch(/mSmmControl2->Trigger \(NULL, NULL, FALSE, 0\)/);
  });

  it('§1.6.4 before the SMM entry point is registered: SmiManage is called directly, no SMI', () => {
    const m = beforeEntryPoint();
    expect(m.s.smm.priv.smmEntryPointRegistered).toBe(false);
    const at = m.s.config.runtimeDataBase + 0x4000;
    header(m, at, GUIDS.gEfiEndOfDxeEventGroupGuid, [0]);
    // PEI's relocation IPIs already counted (one SMI each, §12.2); the Communicate adds none.
    expect(m.s.smiSeq).toBe(2);
    const counts = m.s.cpus.map((c) => c.smiCount);
    const r = drain(SmmCommunicationCommunicate(m, 0, at, null));
    expect(r).toMatchObject({ status: 'EFI_SUCCESS', why: 'direct SmiManage' });
    expect(m.s.smiSeq).toBe(2);
    expect(m.s.cpus.map((c) => c.smiCount)).toEqual(counts);
    expect(m.s.smm.endOfDxe).toBe(true);
    header(m, at, '11111111-2222-3333-4444-555555555555', [0]);
    expect(drain(SmmCommunicationCommunicate(m, 0, at, null)).status).toBe('EFI_NOT_FOUND');
  });

  it('§1.6.4 entry point not registered and SMRAM closed or locked -> EFI_INVALID_PARAMETER', () => {
    const m = beforeEntryPoint();
    const at = m.s.config.runtimeDataBase + 0x4000;
    header(m, at, GUIDS.gEfiEndOfDxeEventGroupGuid, [0]);
    m.s.smm.smramOpen = false;
    expect(drain(SmmCommunicationCommunicate(m, 0, at, null)).status).toBe('EFI_INVALID_PARAMETER');
    m.s.smm.smramOpen = true;
    m.s.smm.smramLocked = true;
    expect(drain(SmmCommunicationCommunicate(m, 0, at, null)).status).toBe('EFI_INVALID_PARAMETER');
    expect(m.s.smm.endOfDxe).toBe(false);
  });
});
