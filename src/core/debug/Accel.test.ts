import { describe, expect, it } from 'vitest';
import { ICH9_PMBASE_VALUE, pmBase } from '../machine/Ich9Lpc';
import { read32, write32 } from '../machine/Memory';
import { EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER as R, readSaveState } from '../modules/SmmCpuSaveState';
import { Session } from '../console/Session';
import { parseSessionFile } from './SessionFile';

const json = (s: Session) => JSON.parse(s.exec('state --json').lines[0]);

describe('--accel tcg|kvm (§12.10)', () => {
  it('§12.10 the platform flag: default tcg; kvm picks the KVM save-state layout; state --json platformInfo.accel; a bad value changes nothing', () => {
    const s = Session.create();
    expect(s.platform.accel).toBe('tcg');
    expect(json(s).platformInfo).toMatchObject({ accel: 'tcg', saveStateLayout: 'AMD64 (QEMU TCG, SMMRevId 0x00020064)' });
    const r = s.exec('platform ovmf --accel kvm');
    expect(r.error).toBe(false);
    expect(r.lines[0]).toMatch(/, accel KVM$/);
    expect(s.m.layout.id).toBe('amd64-kvm');
    expect(json(s).platformInfo).toMatchObject({ accel: 'kvm', saveStateLayout: 'AMD64 (QEMU + KVM, SMMRevId 0x00020064)', stage: 'os' });
    const bad = s.exec('platform ovmf --accel hvf');
    expect(bad).toMatchObject({ error: true, lines: ['platform: --accel takes tcg or kvm'] });
    expect(s.m.layout.id).toBe('amd64-kvm');
    expect(s.exec('help platform').lines[0]).toContain('[--accel tcg|kvm]');
  });

  it('§12.10 the snapshot says which accelerator wrote the map and what it means for the unwritten fields', () => {
    const s = Session.create({ accel: 'kvm' });
    const v = s.view({ selectedCpu: 0, hexAddress: 0, hexLength: 0 });
    expect(v.platform.accel).toBe('kvm');
    expect(v.layout).toMatchObject({ accel: 'kvm', writer: expect.stringContaining('arch/x86/kvm/smm.c') });
    expect(v.layout!.accelNote).toMatch(/zeroes the 512 bytes at SMBASE\+0xFE00 first, so IO_DWord, IORestart and AutoHALTRestart read 0; RSM always reloads SMBASE/);
    const t = Session.create().layoutDesc();
    expect(t).toMatchObject({ accel: 'tcg', writer: expect.stringContaining('smm_helper.c') });
    expect(t.accelNote).toMatch(/keep whatever SMRAM held before; RSM reloads SMBASE only when revision bit 17 is set/);
  });

  it('§12.10 a whole boot and SMI under KVM: relocated SMBASEs as under TCG; stale IO_DWord is zeroed on the next entry (TCG keeps it and decodes it)', () => {
    const tcg = Session.create({ accel: 'tcg' });
    const kvm = Session.create({ accel: 'kvm' });
    expect(kvm.m.s.cpus.map((c) => c.smbase)).toEqual(tcg.m.s.cpus.map((c) => c.smbase));
    for (const s of [tcg, kvm]) {
      const io = s.m.s.cpus[0].smbase + 0xfec0;
      write32(s.m.s.mem, io, (0xb2 << 16) | 0x10 | 0x2); // stale "valid" I/O info left in SMRAM
      s.exec('break handler CpuHotplugMmi');
      s.exec('smi 0x04 --cpu 0 --run');
      const r = readSaveState(s.m, EFI_MM_SAVE_STATE_IO_INFO_SIZE, R.IO, 0);
      if (s === kvm) {
        expect(read32(s.m.s.mem, io)).toBe(0);
        expect(r.status).toBe('EFI_NOT_FOUND');
      } else {
        expect(read32(s.m.s.mem, io)).toBe((0xb2 << 16) | 0x12);
        expect(r.status).toBe('EFI_SUCCESS'); // what stale memory makes the AMD lib believe
      }
      s.exec('continue');
      expect(s.m.s.lastSmi!.finished).toBe(true);
    }
  });

  it('§12.10 session files carry accel; a file written before --accel (no accel field) loads as tcg', () => {
    const s = Session.create({ accel: 'kvm', cpus: 2 });
    s.exec('smi 0x05 --run');
    const file = s.exportSession();
    expect(file.platform.accel).toBe('kvm');
    const back = Session.create();
    expect(back.importSession(JSON.stringify(file)).error).toBe(false);
    expect(back.platform.accel).toBe('kvm');
    expect(back.m.layout.id).toBe('amd64-kvm');
    const old = { ...file, platform: { cpus: 2, broadcast: true, syncMode: null, modules: [] } };
    const parsed = parseSessionFile(JSON.stringify(old));
    expect(parsed.ok && parsed.file.platform.accel).toBe('tcg');
    expect(back.importSession(JSON.stringify(old)).error).toBe(false);
    expect(back.m.layout.id).toBe('amd64-qemu');
    const bad = parseSessionFile(JSON.stringify({ ...file, platform: { ...file.platform, accel: 'xen' } }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^platform\.accel: /);
  });
});

describe('PMBASE (§12.10)', () => {
  it('§12.10 PMBASE is ICH9_PMBASE_VALUE 0x600 (OvmfPkg/Include/OvmfPlatforms.h), what the booted LPC bridge decodes', () => {
    expect(ICH9_PMBASE_VALUE).toBe(0x600);
    const s = Session.create({ cpus: 1 });
    expect(pmBase(s.m.s.lpc)).toBe(ICH9_PMBASE_VALUE);
  });
});
