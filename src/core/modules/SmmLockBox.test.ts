import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { read32, read64, readBytes } from '../machine/Memory';
import { statusValue } from '../lib/EfiStatus';
import { LOCKBOX_GUIDS } from './SmmLockBox';

/** Little-endian hex of the EFI_SMM_LOCK_BOX_PARAMETER_HEADER {Command, DataLength, ReturnStatus} + `extra` zero bytes. */
function header(command: number, extra: number): string {
  const b = new Uint8Array(16 + extra);
  new DataView(b.buffer).setUint32(0, command, true);
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function lockBoxCall(s: Session, hex: string) {
  const at = s.m.s.config.runtimeDataBase + 0x2000;
  const from = s.m.s.serial.lines.length;
  const r = s.exec(`communicate gEfiSmmLockBoxCommunicationGuid ${hex} --run`);
  expect(r.error, r.lines.join('\n')).toBe(false);
  const data = at + 24;
  return {
    lines: s.m.s.serial.lines.slice(from).filter((l) => l.startsWith('SmmLockBox')),
    command: read32(s.m.s.mem, data),
    returnStatus: read64(s.m.s.mem, data + 8),
    data,
  };
}

describe('SmmLockBox (§12.10, §13)', () => {
  it('§13 loads in the first dispatch pass (before PiSmmCpuDxeSmm): GUID handler, configuration table "LOCKB_64" -> mLockBoxQueue, NULL gEfiLockBoxProtocolGuid in gBS', () => {
    const s = Session.create({ cpus: 2 });
    const rec = s.m.s.modules.find((r) => r.name === 'SmmLockBox')!;
    expect(rec.state).toBe('dispatched');
    const entry = s.m.s.smm.entries.find((e) => e.guid === LOCKBOX_GUIDS.gEfiSmmLockBoxCommunicationGuid)!;
    expect(entry.handlers.map((h) => [h.module, h.handler])).toEqual([['SmmLockBox', 'SmmLockBoxHandler']]);
    expect(s.m.s.uefiProtocols.some((p) => p.guid === LOCKBOX_GUIDS.gEfiLockBoxProtocolGuid && p.module === 'SmmLockBox')).toBe(true);
    const ctx = rec.imageBase + 0x6160;
    expect(String.fromCharCode(...readBytes(s.m.s.mem, ctx, 8))).toBe('LOCKB_64');
    expect(Number(read64(s.m.s.mem, ctx + 8))).toBe(rec.imageBase + 0x6060);
    expect(Number(read64(s.m.s.mem, rec.imageBase + 0x6060))).toBe(rec.imageBase + 0x6060); // empty list head
  });

  it('§12.10 SmmLockBoxHandler: a buffer smaller than the header -> "Command Buffer Size invalid!", nothing written', () => {
    const s = Session.create({ cpus: 2 });
    const r = lockBoxCall(s, '0100000000000000');
    expect(r.lines).toEqual(['SmmLockBox SmmLockBoxHandler Enter', 'SmmLockBox Command Buffer Size invalid!']);
    expect(r.command).toBe(1);
  });

  it('§12.10 SmmLockBoxHandler: an unknown command -> "Command invalid!", ReturnStatus stays (UINT64)-1, Command becomes (UINT32)-1', () => {
    const s = Session.create({ cpus: 2 });
    const r = lockBoxCall(s, header(9, 0));
    expect(r.lines).toEqual([
      'SmmLockBox SmmLockBoxHandler Enter',
      `SmmLockBox LockBoxParameterHeader - ${r.data.toString(16).toUpperCase()}`,
      'SmmLockBox Command - 9',
      'SmmLockBox Command invalid!',
      'SmmLockBox SmmLockBoxHandler Exit',
    ]);
    expect(r.returnStatus).toBe(0xffffffffffffffffn);
    expect(r.command).toBe(0xffffffff);
  });

  it('§12.10 SAVE after SmmReadyToLock -> "SmmLockBox Locked!", ReturnStatus = EFI_ACCESS_DENIED; a SAVE block too short says so', () => {
    const s = Session.create({ cpus: 2 });
    const r = lockBoxCall(s, header(1, 32));
    expect(r.lines).toContain('SmmLockBox Locked!');
    expect(r.returnStatus).toBe(statusValue('EFI_ACCESS_DENIED'));
    const short = lockBoxCall(s, header(1, 8));
    expect(short.lines).toContain('SmmLockBox Command Buffer Size for SAVE invalid!');
  });
});
