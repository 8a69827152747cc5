/**
 * UefiCpuPkg/PiSmmCpuDxeSmm as OVMF builds it: SMBASE relocation (facts §5.3, §7.7), the first-SMI
 * InitializeSmm pass (§8.2.1), and RegisterSmmEntry through EFI_SMM_CONFIGURATION_PROTOCOL (§8.5).
 * EFI_MM_CPU_PROTOCOL Read/WriteSaveState is in SmmCpuSaveState.ts; the rendezvous in pi/MpSync.ts.
 */

import type { EfiStatus } from '../pi/EfiStatus';
import { rsm, smmEnter } from '../machine/Cpu';
import { addRegion, type Machine } from '../pi/Platform';
import { readBytes, writeBytes } from '../machine/Memory';
import { REG } from '../machine/Registers';
import { fieldByName, SMM_DEFAULT_SMBASE, SMM_HANDLER_OFFSET, SMRAM_SAVE_STATE_MAP_OFFSET, writeSaveStateField } from '../machine/SaveStateMap';
import { DEBUG, DEBUG_INFO } from '../pi/Debug';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { GUIDS } from '../pi/Guid';
import { installUefiProtocol, SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import { smmAllocatePages } from '../pi/SmramAlloc';
import type { ModuleDef } from '../pi/Platform';
import { smmIplSmmConfigurationEventNotify } from './PiSmmIpl';

export const SMM_PSD_OFFSET = 0xfb00;
const TILE_SIZE = 0x2000; // SmmRelocationLib: TileSize = SIZE_8KB
/** Bytes of SMI entry code per tile in this model (real stubs must fit below 0x1B00 of the slot). */
const SMI_ENTRY_CODE_SIZE = 0x1000;

/** One SMI IPI during boot: enter at the CPU's SMBASE, run `body` in SMM, RSM. */
function* ipiSmi(fw: Fw, cpuIndex: number, what: string, body: () => string): Gen<void> {
  const { m } = fw;
  const cpu = m.s.cpus[cpuIndex];
  smmEnter(cpu, m.s.mem, m.layout);
  const text = body();
  rsm(cpu, m.s.mem, m.layout);
  yield ev('save-state', cpuIndex, `${what}: CPU${cpuIndex} entered SMM (MSR_SMI_COUNT=${cpu.smiCount}); ${text}; RSM`);
}

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const s = m.s;
  const n = s.cpus.length;
  // Relocation region: pages (32 KB + 8 KB * (n - 1)); SmBase[i] = Start + i * 0x2000 - 0x8000 (facts §5.3, §7.7).
  const size = 0x8000 + TILE_SIZE * (n - 1);
  const start = smmAllocatePages(m, size, null);
  if (start === null) return 'EFI_OUT_OF_RESOURCES';
  s.mp.smBase = s.cpus.map((_, i) => start + i * TILE_SIZE - SMM_HANDLER_OFFSET);
  for (let i = 0; i < n; i++) {
    const sb = s.mp.smBase[i];
    addRegion(m, { base: sb + SMM_HANDLER_OFFSET, size: SMI_ENTRY_CODE_SIZE, kind: 'smi-entry', label: `CPU${i} SMI entry (SMBASE+0x8000)`, cpu: i });
    addRegion(m, { base: sb + SMM_PSD_OFFSET, size: 0x100, kind: 'psd', label: `CPU${i} PSD (SMBASE+0xFB00)`, cpu: i });
    addRegion(m, { base: sb + SMRAM_SAVE_STATE_MAP_OFFSET, size: 0x400, kind: 'save-state', label: `CPU${i} save state (SMBASE+0xFC00)`, cpu: i });
  }

  // SmmRelocationLib: back up 0x38000, install the init stub, relocate APs first, BSP last.
  const stubAddr = SMM_DEFAULT_SMBASE + SMM_HANDLER_OFFSET;
  const backup = readBytes(s.mem, stubAddr, 0x100);
  const order = [...s.cpus.keys()].filter((i) => i !== 0).concat([0]);
  for (const i of order) {
    const cpu = s.cpus[i];
    if (cpu.smbase !== SMM_DEFAULT_SMBASE) continue;
    yield* ipiSmi(fw, i, 'SMBASE relocation', () => {
      // ConfigureSmBase: the 64-bit map (SMMRevId & 0xFFFF != 0) has SMBASE at 0x7F00.
      writeSaveStateField(s.mem, cpu.smbase, fieldByName(m.layout, 'SMBASE')!, BigInt(s.mp.smBase[i]));
      return `init stub at 0x38000 wrote SMBASE=${hex(s.mp.smBase[i])} into the map at 0x3FF00`;
    });
  }
  writeBytes(s.mem, stubAddr, backup);
  s.mp.relocated = true;
  for (let i = 0; i < n; i++) {
    DEBUG(fw, DEBUG_INFO, 'CPU[%03x]  APIC ID=%04x  SMBASE=%08x  SaveState=%08x  Size=%08x\n',
      i, s.cpus[i].apicId, s.mp.smBase[i], s.mp.smBase[i] + SMRAM_SAVE_STATE_MAP_OFFSET, 0x400);
  }

  // ExecuteFirstSmiInit: one SMI per CPU at its new SMBASE runs InitializeSmm() only.
  for (let i = 0; i < n; i++) {
    yield* ipiSmi(fw, i, 'First SMI', () => {
      s.mp.smmInitialized[i] = true;
      return '!mSmmInitialized -> InitializeSmm() only';
    });
  }

  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuProtocolGuid);
  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuServiceProtocolGuid);
  // EFI_SMM_CONFIGURATION_PROTOCOL goes to the UEFI database; PiSmmIpl's notify calls RegisterSmmEntry.
  installUefiProtocol(fw, GUIDS.gEfiSmmConfigurationProtocolGuid);
  yield* smmIplSmmConfigurationEventNotify(fw);
  void REG;
  return 'EFI_SUCCESS';
}

export const PiSmmCpuDxeSmm: ModuleDef = {
  name: 'PiSmmCpuDxeSmm',
  fileGuid: 'a3ff0ef5-0c28-42f5-b544-8c7de1e80014',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x2d000,
  entry,
  handlers: {},
  summary: 'UefiCpuPkg/PiSmmCpuDxeSmm: SMBASE relocation, SMI entry and rendezvous, EFI_MM_CPU_PROTOCOL',
};
