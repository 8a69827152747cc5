/**
 * UefiCpuPkg/PiSmmCpuDxeSmm as OVMF builds it. Its parts live beside this file: the entry point
 * (SMBASEs from PEI's gSmmBaseHobGuid HOB, the first-SMI InitializeSmm pass, RegisterSmmEntry
 * through EFI_SMM_CONFIGURATION_PROTOCOL) in PiSmmCpuEntry.ts; EFI_MM_CPU_PROTOCOL
 * Read/WriteSaveState in SmmCpuSaveState.ts; the SMI rendezvous (MpService.c) in pi/MpSync.ts.
 * SMBASE relocation itself runs in PEI (SmmRelocationLib.ts).
 */

import type { ModuleDef } from '../pi/Platform';
import { GUIDS } from '../lib/Guid';
import { piCpuSmmEntry, SMM_CPU_GUIDS } from './PiSmmCpuEntry';
import { SMM_CPU_NATIVES } from './SmmCpuNatives';

export { SMM_PSD_OFFSET } from './PiSmmCpuEntry';

export const PiSmmCpuDxeSmm: ModuleDef = {
  name: 'PiSmmCpuDxeSmm',
  fileGuid: 'a3ff0ef5-0c28-42f5-b544-8c7de1e80014',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x23000,
  entry: piCpuSmmEntry,
  handlers: {},
  natives: SMM_CPU_NATIVES,
  summary: 'The SMM CPU driver: takes the SMBASEs from the PEI HOB, runs the first-SMI init, and owns SMI entry, the rendezvous (BSP election) and the save-state services',
  path: 'UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.inf',
  produces: [
    GUIDS.gEfiSmmCpuProtocolGuid, SMM_CPU_GUIDS.gEdkiiSmmMemoryAttributeProtocolGuid, SMM_CPU_GUIDS.gEfiMmMpProtocolGuid,
    GUIDS.gEfiSmmCpuServiceProtocolGuid, SMM_CPU_GUIDS.gEdkiiSmmCpuRendezvousProtocolGuid, GUIDS.gEfiSmmConfigurationProtocolGuid,
  ],
};
