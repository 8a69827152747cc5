/**
 * The model's boot log against the pinned commit's real DEBUG boot (QEMU 7.2 TCG, 4 CPUs, 2 GiB):
 * the lines below are copied verbatim from that log (its lines 197-209 and 731-810) and must
 * appear, in this order, among the firmware lines the model prints. Lines of that range the model
 * prints differently (image and stack addresses, the entry points) are checked for the model's
 * values in the last test.
 */
import { describe, expect, it } from 'vitest';
import { NOTE_PREFIX } from '../machine/Debugcon';
import { read32 } from '../machine/Memory';
import type { Gen } from '../pi/Fw';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from './ovmf';

function drain<T>(g: Gen<T>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

function bootLog(cpus = 4) {
  const m = createOvmfMachine(ovmfConfig({ cpus }));
  drain(bootOvmf(m));
  return { m, lines: m.s.serial.lines.filter((l) => !l.startsWith(NOTE_PREFIX)) };
}

/** Index of each expected line in `lines`, searching forward; -1 where the order breaks. */
function inOrder(lines: string[], expected: string[]): number[] {
  let from = 0;
  return expected.map((e) => {
    const i = lines.indexOf(e, from);
    if (i >= 0) from = i + 1;
    return i;
  });
}

const PEI_197_209 = [
  'SmmRelocationInit Start ',
  'SmmRelocationInit - SmmRelocationSize: 0x0000E000',
  'SmmRelocationInit - SmmRelocationStart: 0x7F001000',
  'SmmRelocationInit - SmmStackSize: 0x00001000',
  'SmmRelocationInit - SmmStacks: 0x7EC8C000',
  'CreateSmmBaseHob - MaxCapOfProcessorsInHob: 8188',
  'CreateSmmBaseHob - SmmBaseHobData[0]->ProcessorIndex: 0',
  'CreateSmmBaseHob - SmmBaseHobData[0]->NumberOfProcessors: 4',
  'CreateSmmBaseHob - SmmBaseHobData[0]->SmBase[0]: 0x7EFF9000',
  'CreateSmmBaseHob - SmmBaseHobData[0]->SmBase[1]: 0x7EFFB000',
  'CreateSmmBaseHob - SmmBaseHobData[0]->SmBase[2]: 0x7EFFD000',
  'CreateSmmBaseHob - SmmBaseHobData[0]->SmBase[3]: 0x7EFFF000',
  'SmmRelocationInit Done',
];

/** Lines 731-810 the model prints identically (line numbers of the real log in the comments). */
const DXE_731_810 = [
  'SMM IPL opened SMRAM window', // 731
  'SMM IPL found SMRAM window 7F00F000 - 7FFFFFFF',
  'SMRAM attributes: 0000000000000008',
  'SMM IPL loading SMM Core at SMRAM address 7FFEE000', // 734
  'PiSmmCoreImageBase - 0x000000007FFEE000', // 736
  'PiSmmCoreImageSize - 0x0000000000011000',
  'SmmAddMemoryRegion', '  MemBase    - 0x7F00F000', '  MemLength  - 0xFDF000', '  Type       - 0x7', '  Attributes - 0xA',
  'SmmAddMemoryRegion', '  MemBase    - 0x7F000000', '  MemLength  - 0x1000', '  Type       - 0x6', '  Attributes - 0x1A',
  'SmmAddMemoryRegion', '  MemBase    - 0x7F001000', '  MemLength  - 0xE000', '  Type       - 0x6', '  Attributes - 0x1A',
  'SmmAddMemoryRegion', '  MemBase    - 0x7FFEE000', '  MemLength  - 0x12000', '  Type       - 0x6', '  Attributes - 0x1A', // 757
  'mSmmMemLibInternalMaximumSupportAddress = 0xFFFFFFFFFF', // 758
  'SmmLockBoxSmmLib SmmLockBoxMmConstructor - Enter', // 772
  'SmmLockBoxSmmLib SmmLockBoxMmConstructor - Exit', // 775
  'mSmmMemLibInternalMaximumSupportAddress = 0xFFFFFFFFFF', // 776
  'mAddressEncMask = 0x0', // 781
  'FindSmramInfo: SMRR Base = 0x7F000000, SMRR Size = 0x1000000',
  'PcdCpuSmmCodeAccessCheckEnable = 1',
  'PcdControlFlowEnforcementPropertyMask = 0',
  'SMRAM TileSize = 0x00002000 (0x00001000, 0x00001000)', // 785
  'CPU[000]  APIC ID=0000  SMBASE=7EFF9000  SaveState=7F008C00  Size=00000400',
  'CPU[001]  APIC ID=0001  SMBASE=7EFFB000  SaveState=7F00AC00  Size=00000400',
  'CPU[002]  APIC ID=0002  SMBASE=7EFFD000  SaveState=7F00CC00  Size=00000400',
  'CPU[003]  APIC ID=0003  SMBASE=7EFFF000  SaveState=7F00EC00  Size=00000400', // 789
  'mSmmStackSize            - 0x6000', // 791
  'PcdCpuSmmStackGuard      - 0x1',
  'One Semaphore Size    = 0x40',
  'Total Semaphores Size = 0x400',
  'PhysicalAddressBits = 40, 5LPageTable = 0.',
  '5LevelPaging Needed             - 0',
  '1GPageTable Support             - 0',
  'PhysicalAddressBits             - 40',
  'Initialize IDT IST field for SMM Stack Guard', // 799
  'mXdSupported - 0x1', // 800
  'CpuSmm: SpinLock Size = 0x40, PcdCpuSmmMpTokenCountPerChunk = 0x40', // 803
  'SMM CPU Module exit from SMRAM with EFI_SUCCESS', // 807
  'SMM IPL closed SMRAM window', // 810
];

describe('the boot log against the pinned commit\'s real DEBUG boot (§13, §12.2, §12.10)', () => {
  it('§12.2/§13 lines 197-209 (SmmRelocationInit, CreateSmmBaseHob) are printed identically and in order', () => {
    const { lines } = bootLog();
    const at = inOrder(lines, PEI_197_209);
    expect(at.every((i) => i >= 0), JSON.stringify(at)).toBe(true);
    expect(at.at(-1)! - at[0]).toBe(PEI_197_209.length - 1); // nothing in between
    const pei = ['Platform PEIM Loaded', 'PlatformMaxCpuCountInitialization: BootCpuCount=4 MaxCpuCount=4',
      'Q35TsegMbytesInitialization: QEMU offers an extended TSEG (16 MB)', 'Q35SmramAtDefaultSmbaseInitialization: SMRAM at default SMBASE found',
      'PlatformPei: OnMpServices2Available'];
    expect(inOrder(lines, [...pei, PEI_197_209[0]]).every((i) => i >= 0)).toBe(true);
  });

  it('§12.10/§13 the PiSmmIpl, SmmAddMemoryRegion, SmmLockBox and PiSmmCpuDxeSmm lines of 731-810 the model prints identically, in order', () => {
    const { lines } = bootLog();
    const at = inOrder(lines, DXE_731_810);
    expect(DXE_731_810.filter((_, i) => at[i] < 0)).toEqual([]);
  });

  it('§12.10 the CPU[...] lines come before the first-SMI pass, and "registered SMM Entry Point" right before "closed SMRAM window"', () => {
    const { lines, m } = bootLog();
    expect(lines.indexOf('SMM IPL closed SMRAM window') - lines.findIndex((l) => l.startsWith('SMM IPL registered SMM Entry Point address '))).toBe(1);
    expect(m.s.cpus.every((c) => c.smiCount >= 2)).toBe(true);
  });

  it('§12.10 lines that differ from the real log carry the model\'s own addresses (its images are not the real PE files)', () => {
    const { lines, m } = bootLog();
    const core = m.s.modules.find((r) => r.name === 'PiSmmCore')!;
    const h = (n: number) => n.toString(16).toUpperCase();
    // real: "SMM IPL calling SMM Core at SMRAM address 7FFF8EF9", "SMM IPL registered SMM Entry Point address 7FFF07F8"
    expect(lines).toContain(`SMM IPL calling SMM Core at SMRAM address ${h(core.imageBase + 0x1000)}`);
    expect(lines).toContain(`SMM IPL registered SMM Entry Point address ${h(m.s.smm.priv.smmEntryPoint)}`);
    expect(m.s.smm.priv.smmEntryPoint).toBeGreaterThan(core.imageBase);
    expect(m.s.smm.priv.smmEntryPoint).toBeLessThan(core.imageBase + core.imageSize);
    // real: SmmLockBoxContext 7FFDF160 / LockBoxDataAddress 7FFDF060 with the image at 7FFD9000: same offsets here
    const lockBox = m.s.modules.find((r) => r.name === 'SmmLockBox')!;
    expect(lines).toContain(`SmmLockBoxSmmLib SmmLockBoxContext - ${h(lockBox.imageBase + 0x6160)}`);
    expect(lines).toContain(`SmmLockBoxSmmLib LockBoxDataAddress - ${h(lockBox.imageBase + 0x6060)}`);
    // real: mSmmCpuIo2 7FFE6020 (image 7FFE3000), mSmmCpu 7FFCF180 (image 7FFB5000): the same offsets here (smm-c-facts §1.3, §1.5)
    const cpuIo = m.s.modules.find((r) => r.name === 'CpuIo2Smm')!;
    const smmCpu = m.s.modules.find((r) => r.name === 'PiSmmCpuDxeSmm')!;
    expect(lines).toContain(`SmmInstallProtocolInterface: 3242A9D8-CE70-4AA0-955D-5E7B140DE4D2 ${h(cpuIo.imageBase + 0x3020)}`);
    expect(lines).toContain(`SmmInstallProtocolInterface: EB346B97-975F-4A9F-8B22-F8E92BB3D569 ${h(smmCpu.imageBase + 0x1a180)}`);
  });

  it('§12.10 root SMI_HANDLER records point at mRootSmiEntry, an SMI_ENTRY inside PiSmmCore\'s image', () => {
    const { m } = bootLog();
    const core = m.s.modules.find((r) => r.name === 'PiSmmCore')!;
    const root = m.s.smm.rootSmiEntry;
    expect(root).toBeGreaterThan(core.imageBase);
    expect(root).toBeLessThan(core.imageBase + core.imageSize);
    expect(read32(m.s.mem, root)).toBe(0x65696d73); // 'smie'
    expect(m.s.smm.root.length).toBeGreaterThan(0);
    for (const hnd of m.s.smm.root) expect(read32(m.s.mem, hnd.handle + 40), hnd.handler).toBe(root);
  });
});
