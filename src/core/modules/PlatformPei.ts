/**
 * OvmfPkg/PlatformPei (with OvmfPkg/Library/PlatformInitLib), as far as SMM is concerned: the
 * PEIM that runs before any SMM code.
 * - Reads QEMU's CPU count, the extended TSEG size and whether SMRAM at the default SMBASE exists.
 * - Builds the TSEG SMRAM HOB (CreateSmmSmramMemoryHob): [TsegBase, 4 KiB) allocated, then the rest.
 * - Programs PMBASE (ICH9_PMBASE_VALUE 0x600) and sets ACPI_CNTL.ACPI_EN (PlatformMiscInitialization).
 * - Builds the CPU HOB with QEMU's physical address width.
 * - Registers RelocateSmBase's callback: when CpuMpPei installs EFI_PEI_MP_SERVICES2_PPI,
 *   OnMpServices2Available runs SmmRelocationInit (edk2 6b3a89a9fd: SMBASE relocation moved to PEI).
 * The model does only these steps; PEI memory, the MMIO windows, fw_cfg and the rest are not modelled.
 */

import { enableAcpiIoBase, ICH9_PMBASE_VALUE } from '../machine/Ich9Lpc';
import { addRegion } from '../pi/Platform';
import { DEBUG, DEBUG_INFO, DEBUG_WARN } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { buildCpuHob, buildGuidHob } from '../pi/HobLib';
import { EFI_ALLOCATED, EFI_CACHEABLE, EFI_SMRAM_CLOSED, EFI_SMRAM_DESCRIPTOR_SIZE, gEfiSmmSmramMemoryGuid, smramHobBlockSize, writeSmramDescriptor, writeSmramHobBlock } from '../pi/Smram';
import type { ModuleDef } from '../pi/Platform';
import { SmmRelocationInit } from './SmmRelocationLib';

/** MdeModulePkg gEfiAcpiVariableGuid: a copy of the first SMRAM descriptor, for S3 resume. */
export const gEfiAcpiVariableGuid = 'af9ffd67-ec10-488a-9dfc-6cbf5ee22c2e';
const EFI_PAGE_SIZE = 0x1000;

/**
 * CreateSmmSmramMemoryHob (PlatformInitLib MemDetect.c): two descriptors, the first page of TSEG
 * (S3 data, CLOSED|CACHEABLE|ALLOCATED) and the rest (CLOSED|CACHEABLE), plus the
 * gEfiAcpiVariableGuid HOB holding a copy of the first.
 */
export function createSmmSmramMemoryHob(fw: Fw, start: number, size: number): void {
  const m = fw.m;
  const data = buildGuidHob(m, gEfiSmmSmramMemoryGuid, smramHobBlockSize(2));
  const first = { physicalStart: start, cpuStart: start, physicalSize: EFI_PAGE_SIZE, regionState: EFI_SMRAM_CLOSED | EFI_CACHEABLE | EFI_ALLOCATED };
  const rest = { physicalStart: start + EFI_PAGE_SIZE, cpuStart: start + EFI_PAGE_SIZE, physicalSize: size - EFI_PAGE_SIZE, regionState: EFI_SMRAM_CLOSED | EFI_CACHEABLE };
  writeSmramHobBlock(m, data, [first, rest]);
  writeSmramDescriptor(m, buildGuidHob(m, gEfiAcpiVariableGuid, EFI_SMRAM_DESCRIPTOR_SIZE), first);
  addRegion(m, { base: start, size: EFI_PAGE_SIZE, kind: 'reserved', label: 'first page of TSEG: its own SMRAM descriptor, ALLOCATED (S3 data: gEfiAcpiVariableGuid; unused, S3 is off)' });
}

/** InitializePlatform, the PEIM's entry point (the SMM-relevant part of it). */
function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const c = m.s.config;
  const n = m.s.cpus.length;
  DEBUG(fw, DEBUG_INFO, 'Platform PEIM Loaded\n');
  // AddressWidthInitialization: QEMU TCG's default CPU is 'AuthenticAMD' with 40 physical address bits.
  DEBUG(fw, DEBUG_INFO, "%a: Signature: '%a', PhysBits: %d, GuestPhysBits: %d, QemuQuirk: %a, la57: %a, Valid: %a\n",
    'PlatformAddressWidthFromCpuid', 'AuthenticAMD', c.physAddressBits, 0, 'On', 'Off', 'Yes');
  // MaxCpuCountInitialization: QEMU's boot CPU count and max CPU count (no "-smp maxcpus" in the model).
  DEBUG(fw, DEBUG_INFO, '%a: BootCpuCount=%d MaxCpuCount=%u\n', 'PlatformMaxCpuCountInitialization', n, n);
  DEBUG(fw, DEBUG_INFO, '%a: QEMU offers an extended TSEG (%d MB)\n', 'Q35TsegMbytesInitialization', c.tsegSize >>> 20);
  DEBUG(fw, DEBUG_INFO, '%a: SMRAM at default SMBASE %a\n', 'Q35SmramAtDefaultSmbaseInitialization', c.defaultSmbaseSmram ? 'found' : 'not found');
  // InitializeRamRegions -> PlatformQemuInitializeRam: the TSEG SMRAM HOB.
  createSmmSmramMemoryHob(fw, c.tsegBase, c.tsegSize);
  // MiscInitialization -> PlatformMiscInitialization: PMBASE, then ACPI_EN; and the CPU HOB.
  const lpc = m.s.lpc;
  enableAcpiIoBase(lpc, ICH9_PMBASE_VALUE);
  buildCpuHob(m, c.physAddressBits, 16);
  yield ev('trigger', fw.cpu,
    `PlatformPei: SMRAM HOB [${hex(c.tsegBase)}, 4 KiB) + [${hex(c.tsegBase + EFI_PAGE_SIZE)}, ${hex(c.tsegSize - EFI_PAGE_SIZE)}); ` +
    `PMBASE = ICH9_PMBASE_VALUE ${hex(ICH9_PMBASE_VALUE)} (LPC 0x40), ACPI_CNTL.ACPI_EN; CPU HOB SizeOfMemorySpace = ${c.physAddressBits}; RelocateSmBase: notify on EFI_PEI_MP_SERVICES2_PPI`);
  fw.mod.globals.mpServices2NotifyRegistered = true;
  return 'EFI_SUCCESS';
}

/** OnMpServices2Available: the notification CpuMpPei's EFI_PEI_MP_SERVICES2_PPI triggers. */
export function* onMpServices2Available(fw: Fw): Gen<void> {
  DEBUG(fw, DEBUG_INFO, '%a: %a\n', 'PlatformPei', 'OnMpServices2Available');
  const status = yield* SmmRelocationInit(fw);
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_WARN, 'OnMpServices2Available: Not able to execute Smm Relocation Init.  Status: %r\n', { status });
  }
}

export const PlatformPei: ModuleDef = {
  name: 'PlatformPei',
  fileGuid: '222c386d-5abc-4fb4-b124-fbb82488acf4',
  kind: 'PEIM',
  depex: null,
  imageSize: 0x10000,
  entry,
  handlers: {},
  summary: 'PEI platform set-up: programs PMBASE, builds the TSEG SMRAM and CPU HOBs, and relocates every CPU\'s SMBASE in PEI (SmmRelocationLib) once MP Services2 is there',
  path: 'OvmfPkg/PlatformPei/PlatformPei.inf',
};
