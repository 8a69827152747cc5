import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import type { Machine } from '../pi/Platform';
import { write64, writeBytes } from '../machine/Memory';
import { type Gen, type TraceEvent } from '../pi/Fw';
import { GUIDS, guidToBytes } from '../lib/Guid';
import { createOvmfMachine, peiPhase } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { gEfiMmCommunication2ProtocolGuid, gEfiMmCommunication3ProtocolGuid, MmCommunicationMmCommunicate3, SmmCommunicationCommunicate, SmmCommunicationMmCommunicate2, writeHeaderV3 } from './PiSmmIpl';

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

describe('PiSmmIpl: EFI_MM_COMMUNICATION2/3 (§1.6, §12.10)', () => {
  it('§12.10 PiSmmIpl installs SMM Base2, SMM Communication, MM Communication 2 (378DAEDC-...) and 3 (F7234A14-...) in the UEFI database, and the DXE core prints each', () => {
    const m = beforeEntryPoint();
    const ipl = m.s.uefiProtocols.filter((p) => p.module === 'PiSmmIpl').map((p) => p.guid);
    expect(ipl).toEqual([GUIDS.gEfiSmmBase2ProtocolGuid, GUIDS.gEfiSmmCommunicationProtocolGuid, gEfiMmCommunication2ProtocolGuid, gEfiMmCommunication3ProtocolGuid]);
    expect(gEfiMmCommunication2ProtocolGuid).toBe('378daedc-f06b-4446-8314-40ab933c87a3');
    expect(gEfiMmCommunication3ProtocolGuid).toBe('f7234a14-0df2-46c0-ad28-90e6b883a72f');
    expect(m.s.serial.lines.filter((l) => l.startsWith('InstallProtocolInterface: ')).map((l) => l.split(' ')[1])).toEqual(
      expect.arrayContaining(['378DAEDC-F06B-4446-8314-40AB933C87A3', 'F7234A14-0DF2-46C0-AD28-90E6B883A72F']),
    );
  });

  it('§1.6 MmCommunicationMmCommunicate3 refuses, without an SMI: a HeaderGuid that is not gEfiMmCommunicateHeaderV3Guid, and a BufferSize below 0x38 + MessageSize', () => {
    const s = Session.create({ cpus: 2 });
    const seq = s.m.s.smiSeq;
    const at = s.m.s.config.runtimeDataBase + 0x4000;
    header(s.m, at, GUIDS.gEfiSmmVariableProtocolGuid, new Array(40).fill(0)); // a legacy header
    expect(drain(MmCommunicationMmCommunicate3(s.m, 0, at)).status).toBe('EFI_INVALID_PARAMETER');
    writeHeaderV3(s.m, at, 0x40, GUIDS.gEfiSmmVariableProtocolGuid, 0x10); // 0x40 < 0x38 + 0x10
    const r = drain(MmCommunicationMmCommunicate3(s.m, 0, at));
    expect(r.status).toBe('EFI_INVALID_PARAMETER');
    expect(r.why).toMatch(/BufferSize 0x40 < sizeof \(EFI_MM_COMMUNICATE_HEADER_V3\) \+ MessageSize = 0x48/);
    expect(s.m.s.smiSeq).toBe(seq);
    writeHeaderV3(s.m, at, 0x48, GUIDS.gEfiSmmVariableProtocolGuid, 0x10);
    expect(drain(MmCommunicationMmCommunicate3(s.m, 0, at)).status).toBe('EFI_SUCCESS');
    expect(s.m.s.smiSeq).toBe(seq + 1);
    expect(s.m.s.lastSmi!.communicate).toBe('gEfiSmmVariableProtocolGuid');
  });

  it('§1.6 SmmCommunicationMmCommunicate2 is SmmCommunicationCommunicate (legacy header, *CommSize)', () => {
    const s = Session.create({ cpus: 2 });
    const at = s.m.s.config.runtimeDataBase + 0x4000;
    header(s.m, at, GUIDS.gEfiSmmVariableProtocolGuid, new Array(16).fill(0));
    expect(drain(SmmCommunicationMmCommunicate2(s.m, 1, at, 40))).toMatchObject({ status: 'EFI_SUCCESS', commSize: 40 });
  });
});
