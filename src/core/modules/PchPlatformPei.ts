/**
 * The `pch` platform's PEI as far as SMM is concerned: SmiScope's stand-in for what an Intel board's
 * PEI does before any SMM code runs (edk2-platforms MinPlatformPkg PlatformInit and the silicon
 * code: AlderlakeSiliconPkg, partly in the closed FSP binary). The steps are the ones OVMF's
 * PlatformPei does (PlatformPei.ts), on Intel silicon:
 * - the TSEG SMRAM HOB (the memory controller's TSEG; two descriptors as edk2's HOB consumers expect);
 * - ABASE: the PMC (B0:D31:F2) gets the ACPI I/O base PcdAcpiBaseAddress 0x1800 (AlderlakeSiliconPkg
 *   SiPkg.dec) and its ACPI decode enable;
 * - the CPU HOB;
 * - SMBASE relocation with UefiCpuPkg's SmmRelocationLib once EFI_PEI_MP_SERVICES2_PPI is there
 *   (the same library OVMF uses; the SMBASE field it writes is the Intel map's, facts §7.2).
 * There is no real-boot log of this platform to hold the model against: the DEBUG lines below are
 * SmiScope's notes, not lines a real board prints.
 */

import { enableAcpiIoBase } from '../machine/Ich9Lpc';
import { PCH_ACPI_BASE_ADDRESS } from '../machine/PchLpc';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex } from '../pi/Fw';
import { buildCpuHob } from '../pi/HobLib';
import type { Fw, ModuleDef } from '../pi/Platform';
import { createSmmSmramMemoryHob } from './PlatformPei';

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const c = m.s.config;
  createSmmSmramMemoryHob(fw, c.tsegBase, c.tsegSize);
  const lpc = m.s.lpc;
  enableAcpiIoBase(lpc, PCH_ACPI_BASE_ADDRESS);
  buildCpuHob(m, c.physAddressBits, 16);
  yield ev('trigger', fw.cpu,
    `PchPlatformPei (stand-in for MinPlatformPkg PlatformInit + silicon init): SMRAM HOB [${hex(c.tsegBase)}, 4 KiB) + [${hex(c.tsegBase + 0x1000)}, ${hex(c.tsegSize - 0x1000)}); ` +
    `ABASE = PcdAcpiBaseAddress ${hex(PCH_ACPI_BASE_ADDRESS)} in the PMC (B0:D31:F2 0x40), ACPI decode on; CPU HOB SizeOfMemorySpace = ${c.physAddressBits}; SmmRelocationLib runs when EFI_PEI_MP_SERVICES2_PPI is installed`);
  fw.mod.globals.mpServices2NotifyRegistered = true;
  return 'EFI_SUCCESS';
}

export const PchPlatformPei: ModuleDef = {
  name: 'PchPlatformPei',
  fileGuid: '5a1c63b0-93b7-4f43-9c2a-0d3b6d7e6c01',
  kind: 'PEIM',
  depex: null,
  imageSize: 0x10000,
  entry,
  handlers: {},
  summary: "SmiScope's stand-in for an Intel board's PEI (MinPlatformPkg PlatformInit + silicon init): TSEG SMRAM HOB, ABASE 0x1800 in the PMC, CPU HOB, SMBASE relocation (SmmRelocationLib)",
  path: null,
};
