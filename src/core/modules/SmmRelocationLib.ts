/**
 * OvmfPkg/Library/SmmRelocationLib, linked into PlatformPei (edk2 6b3a89a9fd "OvmfPkg/PlatformPei:
 * Relocate SmBases in PEI phase"). SmmRelocationInit runs on the PEI MP Services2 notification:
 * 1. SplitSmramHobForSmmRelocation carves the relocation block from the START of the main TSEG
 *    SMRAM descriptor, so SmmRelocationStart = TsegBase + 0x1000 (the 4 KiB page at TsegBase is
 *    its own descriptor). The block is sized for mMaxNumberOfCpus.
 * 2. SmmRelocateBases puts the init stub at 0x38000 and sends an SMI IPI to each AP in turn, then
 *    a self-IPI to the BSP. Each CPU enters SMM at the default SMBASE 0x30000; the stub writes the
 *    new SMBASE into the save-state map (ConfigureSmBase) and RSM loads it.
 * 3. CreateSmmBaseHob publishes the SMBASEs in gSmmBaseHobGuid HOBs for PiSmmCpuDxeSmm (GetSmBase).
 */

import { readBytes, write32, write64, writeBytes } from '../machine/Memory';
import { fieldAddress, fieldByName, writeSaveStateField } from '../machine/SaveStateMap';
import { SMM_DEFAULT_SMBASE, SMM_HANDLER_OFFSET, SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateField';
import { DEBUG, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { type Fw } from '../pi/Platform';
import { type Gen, hex } from '../pi/Fw';
import { buildGuidHob, EFI_HOB_GENERIC_HEADER_SIZE, EFI_HOB_GUID_TYPE_SIZE, getFirstGuidHob, guidHobData, MAX_HOB_LENGTH } from '../pi/HobLib';
import { EFI_ALLOCATED, gEfiSmmSmramMemoryGuid, readSmramHobBlock, smramHobBlockSize, writeSmramHobBlock } from '../pi/Smram';
import { sendSmiIpi } from './SmiIpi';

export const gSmmBaseHobGuid = 'c2217ba7-03bb-4f63-a647-7c25c5fc9d73';

/** SmmRelocationLib: TileSize = SIZE_8KB (a fixed stride; PiSmmCpuDxeSmm checks its own tile fits). */
export const SMM_RELOCATION_TILE_SIZE = 0x2000;
/** BACK_BUF_SIZE: the bytes at 0x38000 saved before the init stub goes there. */
const BACK_BUF_SIZE = 0x20;
/** sizeof (SMM_BASE_HOB_DATA) without SmBase[]: UINT32 ProcessorIndex, UINT32 NumberOfProcessors. */
const SMM_BASE_HOB_DATA_SIZE = 8;
const EFI_PAGE_SIZE = 0x1000;

/** GetSmBase (CpuIndex, SmmRelocationStart, TileSize). */
export function getSmBase(cpuIndex: number, smmRelocationStart: number, tileSize = SMM_RELOCATION_TILE_SIZE): number {
  return smmRelocationStart + cpuIndex * tileSize - SMM_HANDLER_OFFSET;
}

/** EFI_PAGES_TO_SIZE (EFI_SIZE_TO_PAGES (SIZE_32KB + TileSize * (mMaxNumberOfCpus - 1))). */
export function smmRelocationSize(maxNumberOfCpus: number): number {
  const bytes = 0x8000 + SMM_RELOCATION_TILE_SIZE * (maxNumberOfCpus - 1);
  return Math.ceil(bytes / EFI_PAGE_SIZE) * EFI_PAGE_SIZE;
}

/**
 * SplitSmramHobForSmmRelocation: a new SMRAM HOB with one more descriptor. The last descriptor
 * (TSEG's free part) is copied to the end; its old slot becomes [start, SmmRelocationSize) with
 * EFI_ALLOCATED; the copy starts SmmRelocationSize later. The old HOB's Name is zeroed.
 */
export function splitSmramHobForSmmRelocation(fw: Fw, size: number): { status: EfiStatus; start: number } {
  const m = fw.m;
  const old = getFirstGuidHob(m, gEfiSmmSmramMemoryGuid);
  if (!old) return { status: 'EFI_NOT_FOUND', start: 0 };
  const ds = readSmramHobBlock(m, guidHobData(old).data);
  const n = ds.length;
  const data = buildGuidHob(m, gEfiSmmSmramMemoryGuid, smramHobBlockSize(n + 1));
  const last = { ...ds[n - 1] };
  const reloc = { ...ds[n - 1], physicalSize: size, regionState: ds[n - 1].regionState | EFI_ALLOCATED };
  const rest = { physicalStart: last.physicalStart + size, cpuStart: last.cpuStart + size, physicalSize: last.physicalSize - size, regionState: last.regionState };
  writeSmramHobBlock(m, data, [...ds.slice(0, n - 1), reloc, rest]);
  writeBytes(m.s.mem, old.address + EFI_HOB_GENERIC_HEADER_SIZE, new Uint8Array(16)); // "we can scrub old one"
  return { status: 'EFI_SUCCESS', start: reloc.cpuStart };
}

/** The init stub's work in SMM on CPU `c` (SmmInitHandler: ConfigureSmBase + SemaphoreHook). */
function* smmInitHandler(fw: Fw, c: number, newSmBase: number): Gen<string> {
  const m = fw.m;
  // ConfigureSmBase, on the map the CPU wrote: OVMF's (OvmfPkg/Library/SmmRelocationLib/
  // SmramSaveStateConfig.c) sees the AMD64 map with SMMRevId & 0xFFFF != 0 -> x64.SMBASE at
  // SMBASE+0xFF00 = 0x3FF00; UefiCpuPkg's copy (UefiCpuPkg/Library/SmmRelocationLib/
  // SmramSaveStateConfig.c), for Intel CPUs, writes x86.SMBASE, which is at 0x7EF8 in the 32- and
  // the 64-bit Intel map alike: 0x3FEF8.
  const field = fieldByName(m.layout, 'SMBASE')!;
  writeSaveStateField(m.s.mem, SMM_DEFAULT_SMBASE, field, BigInt(newSmBase));
  const where = `${m.layout.id === 'intel64' ? 'x86.SMBASE' : 'x64.SMBASE'} at ${hex(fieldAddress(SMM_DEFAULT_SMBASE, field))}`;
  return `CPU${c}: SmmInitHandler (gcSmmInitTemplate at 0x38000): ConfigureSmBase writes ${hex(newSmBase)} into ${where}; SemaphoreHook sets mRebased after RSM (the model leaves the saved RIP alone)`;
}

/**
 * SmmRelocateBases: back up 0x38000 and the map at 0x3FC00, load the stub, relocate every AP
 * (one SMI IPI each, waiting for mRebased), then the BSP (self-IPI), restore both backups.
 */
function* smmRelocateBases(fw: Fw, start: number): Gen<void> {
  const m = fw.m;
  const s = m.s;
  const stub = SMM_DEFAULT_SMBASE + SMM_HANDLER_OFFSET;
  const map = SMM_DEFAULT_SMBASE + SMRAM_SAVE_STATE_MAP_OFFSET;
  const bakBuf = readBytes(s.mem, stub, BACK_BUF_SIZE);
  const bakBuf2 = readBytes(s.mem, map, 0x400);
  // The model's stub is a label, not x86 code (the real one is X64/SmmInit.nasm).
  writeBytes(s.mem, stub, Uint8Array.from('gcSmmInitTemplate (SmmInit.nasm)', (ch) => ch.charCodeAt(0)));
  const bspApicId = s.cpus[0].apicId;
  let bspIndex = -1;
  for (let index = 0; index < s.cpus.length; index++) {
    if (s.cpus[index].apicId === bspApicId) {
      bspIndex = index; // the BSP is relocated last
      continue;
    }
    const smBase = getSmBase(index, start);
    yield* sendSmiIpi(m, 0, [index], `SmmRelocateBases: mSmBase = ${hex(smBase)}, SendSmiIpi (APIC ID ${s.cpus[index].apicId})`, 'relocation', (c) => smmInitHandler(fw, c, smBase));
  }
  const smBase = getSmBase(bspIndex, start);
  yield* sendSmiIpi(m, 0, [bspIndex], `SmmRelocateBases: mSmBase = ${hex(smBase)}, SendSmiIpi (BSP APIC ID ${bspApicId}, a self-IPI)`, 'relocation', (c) => smmInitHandler(fw, c, smBase));
  writeBytes(s.mem, map, bakBuf2);
  writeBytes(s.mem, stub, bakBuf);
}

/** CreateSmmBaseHob: SMM_BASE_HOB_DATA {ProcessorIndex, NumberOfProcessors, SmBase[]} HOBs. */
export function createSmmBaseHob(fw: Fw, start: number, maxNumberOfCpus: number): EfiStatus {
  const m = fw.m;
  const maxCap = Math.floor((MAX_HOB_LENGTH - EFI_HOB_GUID_TYPE_SIZE - SMM_BASE_HOB_DATA_SIZE) / 8) + 1;
  DEBUG(fw, DEBUG_INFO, 'CreateSmmBaseHob - MaxCapOfProcessorsInHob: %d\n', maxCap);
  let cpuCount = 0;
  for (let hobCount = 0; cpuCount !== maxNumberOfCpus; hobCount++) {
    const inHob = Math.min(maxNumberOfCpus - cpuCount, maxCap);
    const data = buildGuidHob(m, gSmmBaseHobGuid, SMM_BASE_HOB_DATA_SIZE + 8 * inHob);
    write32(m.s.mem, data, cpuCount);
    write32(m.s.mem, data + 4, inHob);
    DEBUG(fw, DEBUG_INFO, 'CreateSmmBaseHob - SmmBaseHobData[%d]->ProcessorIndex: %d\n', hobCount, cpuCount);
    DEBUG(fw, DEBUG_INFO, 'CreateSmmBaseHob - SmmBaseHobData[%d]->NumberOfProcessors: %d\n', hobCount, inHob);
    for (let index = 0; index < inHob; index++) {
      const smBase = getSmBase(index + cpuCount, start);
      write64(m.s.mem, data + SMM_BASE_HOB_DATA_SIZE + 8 * index, BigInt(smBase));
      DEBUG(fw, DEBUG_INFO, 'CreateSmmBaseHob - SmmBaseHobData[%d]->SmBase[%d]: 0x%08x\n', hobCount, index, BigInt(smBase));
    }
    cpuCount += inHob;
  }
  return 'EFI_SUCCESS';
}

/**
 * SmmRelocationInit (MpServices2): mMaxNumberOfCpus = PcdCpuMaxLogicalProcessorNumber (OVMF sets
 * PcdCpuHotPlugSupport; PlatformPei set the PCD to QEMU's max CPU count, here the CPU count).
 */
export function* SmmRelocationInit(fw: Fw): Gen<EfiStatus> {
  const m = fw.m;
  DEBUG(fw, DEBUG_INFO, 'SmmRelocationInit Start \n');
  const maxNumberOfCpus = m.s.cpus.length;
  const size = smmRelocationSize(maxNumberOfCpus);
  const split = splitSmramHobForSmmRelocation(fw, size);
  let status = split.status;
  if (status === 'EFI_SUCCESS') {
    const start = split.start;
    DEBUG(fw, DEBUG_INFO, 'SmmRelocationInit - SmmRelocationSize: 0x%08x\n', BigInt(size));
    DEBUG(fw, DEBUG_INFO, 'SmmRelocationInit - SmmRelocationStart: 0x%08x\n', BigInt(start));
    // One stack page for the stub: the CPUs relocate one at a time.
    const stacks = m.s.config.peiRelocationStackPage;
    DEBUG(fw, DEBUG_INFO, 'SmmRelocationInit - SmmStackSize: 0x%08x\n', EFI_PAGE_SIZE);
    DEBUG(fw, DEBUG_INFO, 'SmmRelocationInit - SmmStacks: 0x%08x\n', BigInt(stacks));
    yield* smmRelocateBases(fw, start);
    status = createSmmBaseHob(fw, start, maxNumberOfCpus);
  }
  DEBUG(fw, DEBUG_INFO, 'SmmRelocationInit Done\n');
  return status;
}
