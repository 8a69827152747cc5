import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { createOvmfMachine, bootOvmf } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import type { Gen } from './Fw';
import { smmIsBufferOutsideSmmValid, smmMemLibMaximumSupportAddress } from './SmmMemLib';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

function booted(opts: { physAddressBits?: number } = {}) {
  const m = createOvmfMachine({ ...ovmfConfig({ cpus: 4 }), ...opts });
  drain(bootOvmf(m));
  return m;
}

/** The Communicate result line and the firmware lines of one `communicate` command. */
function communicate(s: Session, at: number): { status: string; fw: string[] } {
  const from = s.m.s.serial.lines.length;
  const r = s.exec(`communicate gEfiSmmVariableProtocolGuid ${'00'.repeat(16)} --at 0x${at.toString(16)} --run`);
  expect(r.error, r.lines.join('\n')).toBe(false);
  const status = /^Communicate returned (\w+)/.exec(r.lines.find((l) => l.startsWith('Communicate returned '))!)![1];
  return { status, fw: s.m.s.serial.lines.slice(from).filter((l) => l.startsWith('SmmIsBufferOutsideSmmValid')) };
}

describe('SmmMemLib: SmmIsBufferOutsideSmmValid (§12.8)', () => {
  it('§12.8 the maximum address comes from the CPU HOB (QEMU: 40 bits) and is printed by each constructor: 0xFFFFFFFFFF', () => {
    const m = booted();
    expect(m.s.smm.memLib.maximumSupportAddress).toBe(0xffffffffff);
    const lines = m.s.serial.lines.filter((l) => l.startsWith('mSmmMemLibInternalMaximumSupportAddress'));
    // PiSmmCore's own copy, then SmmLockBox's (the real log has the same two before PiSmmCpuDxeSmm),
    // then VariableSmm's and SmmFaultTolerantWriteDxe's in SMI #1: one per driver that links SmmMemLib
    expect(lines).toEqual(Array(4).fill('mSmmMemLibInternalMaximumSupportAddress = 0xFFFFFFFFFF'));
  });

  it('§12.8 more than 48 physical address bits are capped at 48', () => {
    const m = booted({ physAddressBits: 52 });
    expect(smmMemLibMaximumSupportAddress(m)).toBe(0xffffffffffff);
    expect(m.s.serial.lines).toContain('mSmmMemLibInternalMaximumSupportAddress = 0xFFFFFFFFFFFF');
    const m46 = booted({ physAddressBits: 46 });
    expect(smmMemLibMaximumSupportAddress(m46)).toBe(0x3fffffffffff);
  });

  it('§12.8 Overflow: the message ends with ", MaximumSupportAddress (0x%lx)"; the last valid byte is accepted', () => {
    const m = booted();
    expect(smmIsBufferOutsideSmmValid(m, 0xfffffffff0, 0x20)).toBe(
      'SmmIsBufferOutsideSmmValid: Overflow: Buffer (0xFFFFFFFFF0) - Length (0x20), MaximumSupportAddress (0xFFFFFFFFFF)',
    );
    expect(smmIsBufferOutsideSmmValid(m, 0x10000000000, 0)).toMatch(/^SmmIsBufferOutsideSmmValid: Overflow: Buffer \(0x10000000000\) - Length \(0x0\)/);
    m.s.smm.readyToLock = false; // only the overflow and SMRAM checks
    expect(smmIsBufferOutsideSmmValid(m, 0xfffffffff0, 0x10)).toBeNull();
  });

  it('§12.8 Overlap names the SmmAccess2 descriptor it hits: the reserved page, the relocation block, the rest of TSEG', () => {
    const m = booted();
    const overlap = (at: number, cpuStart: string, size: string) =>
      `SmmIsBufferOutsideSmmValid: Overlap: Buffer (0x${at.toString(16).toUpperCase()}) - Length (0x10), CpuStart (${cpuStart}) - PhysicalSize (${size})`;
    expect(smmIsBufferOutsideSmmValid(m, 0x7f000800, 0x10)).toBe(overlap(0x7f000800, '0x7F000000', '0x1000'));
    expect(smmIsBufferOutsideSmmValid(m, 0x7f008c00, 0x10)).toBe(overlap(0x7f008c00, '0x7F001000', '0xE000'));
    expect(smmIsBufferOutsideSmmValid(m, 0x7fff0000, 0x10)).toBe(overlap(0x7fff0000, '0x7F00F000', '0xFF1000'));
    // CPU 0's SMBASE itself is below TSEG: not SMRAM, so the SMRAM check passes it (the memory map does not, after ReadyToLock)
    m.s.smm.readyToLock = false;
    expect(smmIsBufferOutsideSmmValid(m, 0x7eff9000, 0x10)).toBeNull();
  });

  it('§12.8 after SmmReadyToLock only EfiReservedMemoryType, EfiRuntimeServicesCode/Data and EfiACPIMemoryNVS entries are communication regions', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.m.s.smm.readyToLock).toBe(true);
    const nvs = s.m.s.config.uefiMemoryMap.find((d) => d.type === 10)!;
    const bsData = s.m.s.config.uefiMemoryMap.find((d) => d.type === 4)!;
    const conventional = s.m.s.config.uefiMemoryMap.find((d) => d.type === 7 && d.base >= 0x100000)!;
    expect(communicate(s, s.m.s.config.runtimeDataBase + 0x3000)).toEqual({ status: 'EFI_SUCCESS', fw: [] });
    expect(communicate(s, nvs.base + 0x100)).toEqual({ status: 'EFI_SUCCESS', fw: [] });
    for (const d of [bsData, conventional]) {
      const at = d.base + 0x100;
      expect(communicate(s, at)).toEqual({
        status: 'EFI_ACCESS_DENIED',
        fw: [`SmmIsBufferOutsideSmmValid: Not in ValidCommunicationRegion: Buffer (0x${at.toString(16).toUpperCase()}) - Length (0x28)`],
      });
    }
  });

  it('§12.8 runtime code the Memory Attributes Table marks read-only is rejected: "In RuntimeCode Region"', () => {
    const s = Session.create({ cpus: 2 });
    const code = s.m.s.config.memoryAttributesTable.find((e) => e.type === 5)!;
    expect(communicate(s, code.base)).toEqual({
      status: 'EFI_ACCESS_DENIED',
      fw: [`SmmIsBufferOutsideSmmValid: In RuntimeCode Region: Buffer (0x${code.base.toString(16).toUpperCase()}) - Length (0x28)`],
    });
    // the image's data pages (no EFI_MEMORY_RO) are fine
    const data = s.m.s.config.memoryAttributesTable.find((e) => e.type === 6 && e.base > code.base)!;
    expect(communicate(s, data.base).status).toBe('EFI_SUCCESS');
  });
});
