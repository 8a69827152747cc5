import { describe, expect, it } from 'vitest';
import { configRead, ICH9_ACPI_CNTL, pmBase } from '../machine/Ich9Lpc';
import type { Gen } from '../pi/Fw';
import { cpuHobSizeOfMemorySpace, createHobList, getFirstGuidHob, guidHobData } from '../pi/HobLib';
import { readSmramDescriptor, smramHobDescriptors } from '../pi/Smram';
import { createOvmfMachine, peiPhase } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { gEfiAcpiVariableGuid, PlatformPei } from './PlatformPei';
import { smmAccess2Close, smmAccess2GetCapabilities, smmAccess2Lock, smmAccess2Open } from './SmmAccess2Dxe';
import { getSmBase, smmRelocationSize } from './SmmRelocationLib';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** PlatformPei's entry point alone (no MP Services2 notification yet). */
function platformPeiOnly(opts: Partial<ReturnType<typeof ovmfConfig>> = {}) {
  const m = createOvmfMachine({ ...ovmfConfig({ cpus: 4 }), ...opts });
  createHobList(m);
  const rec = m.s.modules.find((r) => r.name === 'PlatformPei')!;
  expect(drain(PlatformPei.entry({ m, mod: rec, cpu: 0 }))).toBe('EFI_SUCCESS');
  return m;
}

describe('PlatformPei (§12.2, §12.10)', () => {
  it('§12.2 CreateSmmSmramMemoryHob: [TsegBase, 4 KiB) CLOSED|CACHEABLE|ALLOCATED and the rest CLOSED|CACHEABLE; gEfiAcpiVariableGuid holds a copy of the first', () => {
    const m = platformPeiOnly();
    expect(smramHobDescriptors(m)).toEqual([
      { physicalStart: 0x7f000000, cpuStart: 0x7f000000, physicalSize: 0x1000, regionState: 0x1a },
      { physicalStart: 0x7f001000, cpuStart: 0x7f001000, physicalSize: 0xfff000, regionState: 0xa },
    ]);
    const acpi = getFirstGuidHob(m, gEfiAcpiVariableGuid)!;
    expect(readSmramDescriptor(m, guidHobData(acpi).data)).toEqual(smramHobDescriptors(m)![0]);
  });

  it('§12.10 PMBASE = ICH9_PMBASE_VALUE 0x600 and ACPI_EN are programmed in PEI, before any DXE driver', () => {
    const m = platformPeiOnly();
    expect(pmBase(m.s.lpc)).toBe(0x600);
    expect(configRead(m.s.lpc, ICH9_ACPI_CNTL, 1) & 0x80).toBe(0x80);
    expect(m.s.modules.find((r) => r.name === 'SmmControl2Dxe')!.entryStatus).toBeNull();
  });

  it('§12.8 the CPU HOB carries QEMU\'s physical address width (40 bits)', () => {
    expect(cpuHobSizeOfMemorySpace(platformPeiOnly())).toBe(40);
    expect(cpuHobSizeOfMemorySpace(platformPeiOnly({ physAddressBits: 46 }))).toBe(46);
  });

  it('§12.4 "SMRAM at default SMBASE found" / "not found" follows the machine', () => {
    expect(platformPeiOnly().s.serial.lines).toContain('Q35SmramAtDefaultSmbaseInitialization: SMRAM at default SMBASE found');
    expect(platformPeiOnly({ defaultSmbaseSmram: null }).s.serial.lines).toContain('Q35SmramAtDefaultSmbaseInitialization: SMRAM at default SMBASE not found');
  });

  it('§12.2 SmmRelocationLib arithmetic: GetSmBase and the block size for mMaxNumberOfCpus', () => {
    expect([0, 1, 2, 3].map((i) => getSmBase(i, 0x7f001000))).toEqual([0x7eff9000, 0x7effb000, 0x7effd000, 0x7efff000]);
    expect(smmRelocationSize(1)).toBe(0x8000);
    expect(smmRelocationSize(4)).toBe(0xe000);
    expect(smmRelocationSize(256)).toBe(0x8000 + 255 * 0x2000);
  });

  it('§12.2 after the MP Services2 notification SmmAccess2 GetCapabilities reports three descriptors', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 4 }));
    expect(drain(peiPhase(m))).toBe(true);
    expect(smmAccess2GetCapabilities(m).map((d) => [d.cpuStart, d.physicalSize, d.regionState])).toEqual([
      [0x7f000000, 0x1000, 0x1a], [0x7f001000, 0xe000, 0x1a], [0x7f00f000, 0xff1000, 0xa],
    ]);
  });
});

describe('SmmAccess2Dxe Open/Close/Lock (§12.10)', () => {
  it('§12.10 Lock is refused while open; after Lock, Open fails (D_LCK)', () => {
    const m = createOvmfMachine(ovmfConfig({ cpus: 1 }));
    expect(smmAccess2Open(m)).toBe('EFI_SUCCESS');
    expect(smmAccess2Lock(m)).toBe('EFI_DEVICE_ERROR');
    expect(smmAccess2Close(m)).toBe('EFI_SUCCESS');
    expect(smmAccess2Lock(m)).toBe('EFI_SUCCESS');
    expect(smmAccess2Open(m)).toBe('EFI_DEVICE_ERROR');
    expect(m.s.smm).toMatchObject({ smramOpen: false, smramLocked: true });
  });
});
