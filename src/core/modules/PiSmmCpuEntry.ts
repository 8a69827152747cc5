/**
 * PiSmmCpuDxeSmm's entry point (edk2 UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.c PiCpuSmmEntry and
 * PiSmmCpuCommon.c PiSmmCpuEntryCommon) at the pinned commit. It no longer relocates SMBASE: PEI
 * did (OvmfPkg/Library/SmmRelocationLib). It finds SMRR, checks the tile size, takes the SMBASEs
 * from the gSmmBaseHobGuid HOBs (GetSmBase; ASSERT when there is none), prints the CPU[...] lines,
 * allocates the SMM stacks, installs the SMI entry stubs, runs ExecuteFirstSmiInit (an SMI IPI to
 * the BSP, then one to all others: each CPU's first SMI at its new SMBASE only runs
 * InitializeSmm), installs its SMM protocols and finally EFI_SMM_CONFIGURATION_PROTOCOL, whose
 * notification in PiSmmIpl registers SmmEntryPoint.
 */

import { addRegion } from '../pi/Platform';
import { read32, read64, writeBytes } from '../machine/Memory';
import { SMM_HANDLER_OFFSET, SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from '../machine/SaveStateField';
import { ASSERT, DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, type Gen, hex } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { GUIDS, registerGuidName } from '../lib/Guid';
import { cpuHobSizeOfMemorySpace, getFirstGuidHob, getNextGuidHob, guidHobData, nextHob } from '../pi/HobLib';
import { installUefiProtocol, SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import { smramHobDescriptors, smramNotFree } from '../pi/Smram';
import { smmAllocatePages } from '../pi/SmramAlloc';
import { smmIplSmmConfigurationEventNotify } from './PiSmmIpl';
import { sendSmiIpi } from './SmiIpi';
import { initSmmCpuData } from './SmmCpuNatives';
import { gSmmBaseHobGuid } from './SmmRelocationLib';

export const SMM_CPU_GUIDS = {
  gEdkiiSmmMemoryAttributeProtocolGuid: '69b792ea-39ce-402d-a2a6-f721de351dfe',
  gEfiMmMpProtocolGuid: '5d5450d7-990c-4180-a803-8e63f0608307',
  gEdkiiSmmCpuRendezvousProtocolGuid: 'aa00d50b-4911-428f-b91a-a59ddb13e24c',
} as const;
for (const [n, g] of Object.entries(SMM_CPU_GUIDS)) registerGuidName(g, n);

export const SMM_PSD_OFFSET = 0xfb00;
/** The model's SMI entry stub per CPU (GetSmiHandlerSize rounds up to this 4 KiB; the real stub is smaller). */
export const SMI_ENTRY_CODE_SIZE = 0x1000;
/** OvmfPkgX64.dsc PcdCpuSmmStackSize. */
const PCD_CPU_SMM_STACK_SIZE = 0x4000;
/** GetSpinLockProperties on QEMU: one cache line. */
const SEMAPHORE_SIZE = 0x40;
const EFI_PAGE_SIZE = 0x1000;
const SIZE_8KB = 0x2000;

const align4k = (n: number) => Math.ceil(n / EFI_PAGE_SIZE) * EFI_PAGE_SIZE;

/** GetPowerOfTwo32: the highest set bit. */
function getPowerOfTwo32(n: number): number {
  return n === 0 ? 0 : 2 ** Math.floor(Math.log2(n));
}

/**
 * FindSmramInfo: the largest free SMRAM descriptor of the SMRAM HOB (sorted by CpuStart), grown by
 * every descriptor adjacent to it: on OVMF all of TSEG.
 */
export function findSmramInfo(fw: Fw): { smrrBase: number; smrrSize: number } {
  const ds = (smramHobDescriptors(fw.m) ?? []).sort((a, b) => a.cpuStart - b.cpuStart);
  let best = -1;
  let maxSize = 0x40000 - EFI_PAGE_SIZE;
  ds.forEach((d, i) => {
    if (smramNotFree(d) || d.cpuStart < 0x100000 || d.cpuStart + d.physicalSize > 0x100000000) return;
    if (d.physicalSize >= maxSize) {
      maxSize = d.physicalSize;
      best = i;
    }
  });
  ASSERT(fw, best >= 0, 'CurrentSmramRange != ((void *) 0)', 'PiSmmCpuCommon.c', 1363);
  let smrrBase = ds[best].cpuStart;
  let smrrSize = ds[best].physicalSize;
  for (let found = true; found; ) {
    found = false;
    for (const d of ds) {
      if (d.cpuStart < smrrBase && smrrBase === d.cpuStart + d.physicalSize) {
        smrrBase = d.cpuStart;
        smrrSize += d.physicalSize;
        found = true;
      } else if (smrrBase + smrrSize === d.cpuStart && d.physicalSize > 0) {
        smrrSize += d.physicalSize;
        found = true;
      }
    }
  }
  return { smrrBase, smrrSize };
}

/**
 * GetSmBase: the SmBase[] of the gSmmBaseHobGuid HOBs, sorted by ProcessorIndex, for
 * MaxNumberOfCpus CPUs; null (EFI_NOT_FOUND) when PEI created none. Fewer CPUs than expected:
 * ASSERT and CpuDeadLoop, as upstream.
 */
export function getSmBase(fw: Fw, maxNumberOfCpus: number): number[] | null {
  const m = fw.m;
  const first = getFirstGuidHob(m, gSmmBaseHobGuid);
  if (!first) return null;
  const hobs: { processorIndex: number; smBase: number[] }[] = [];
  let count = 0;
  for (let h: typeof first | null = first; h && count < maxNumberOfCpus; h = getNextGuidHob(m, gSmmBaseHobGuid, nextHob(h))) {
    const { data } = guidHobData(h);
    const n = read32(m.s.mem, data + 4);
    const smBase: number[] = [];
    for (let i = 0; i < n; i++) smBase.push(Number(read64(m.s.mem, data + 8 + 8 * i)));
    hobs.push({ processorIndex: read32(m.s.mem, data), smBase });
    count += n;
  }
  ASSERT(fw, count === maxNumberOfCpus, 'NumberOfProcessors == MaxNumberOfCpus', 'PiSmmCpuCommon.c', 531);
  hobs.sort((a, b) => a.processorIndex - b.processorIndex);
  return hobs.flatMap((h) => h.smBase);
}

/** Install the SMI entry stub, PSD and save-state areas of each tile (InitializeMpServiceData / InstallSmiHandler). */
function installTiles(fw: Fw): void {
  const m = fw.m;
  const tsegBase = m.s.config.tsegBase;
  m.s.mp.smBase.forEach((sb, i) => {
    const entry = sb + SMM_HANDLER_OFFSET;
    writeBytes(m.s.mem, entry, Uint8Array.from(`SMI entry stub, CPU${i} (SmiEntry.nasm; not x86 code in the model)`, (ch) => ch.charCodeAt(0)));
    addRegion(m, { base: entry, size: SMI_ENTRY_CODE_SIZE, kind: 'smi-entry', label: `CPU${i} SMI entry (SMBASE+0x8000)`, cpu: i });
    addRegion(m, { base: sb + SMM_PSD_OFFSET, size: 0x100, kind: 'psd', label: `CPU${i} PSD (SMBASE+0xFB00)`, cpu: i });
    addRegion(m, { base: sb + SMRAM_SAVE_STATE_MAP_OFFSET, size: SMRAM_SAVE_STATE_MAP_SIZE, kind: 'save-state', label: `CPU${i} save state (SMBASE+0xFC00)`, cpu: i });
    if (sb < tsegBase) {
      addRegion(m, {
        base: sb,
        size: tsegBase - sb,
        kind: 'smbase',
        label: `CPU${i} SMBASE ${hex(sb)}: below TSEG, not SMRAM (nothing of CPU${i} lives here; its entry point ${hex(entry)} and save state ${hex(sb + SMRAM_SAVE_STATE_MAP_OFFSET)} are in TSEG)`,
        cpu: i,
      });
    }
  });
}

/** The first SMI at the new SMBASE: SmiRendezvous sees !mSmmInitialized[CpuIndex] and only runs InitializeSmm. */
function* firstSmi(fw: Fw, c: number): Gen<string> {
  fw.m.s.mp.smmInitialized[c] = true;
  return `CPU${c}: SmiRendezvous: mSmmInitialized[${c}] is FALSE -> InitializeSmm () (SmmCpuFeaturesInitializeProcessor, CheckFeatureSupported), mSmmInitialized[${c}] = TRUE, return: no rendezvous, no SmmEntryPoint`;
}

/** ExecuteFirstSmiInit: SendSmiIpi (mBspApicId), then SendSmiIpiAllExcludingSelf (), then wait for every CPU. */
function* executeFirstSmiInit(fw: Fw): Gen<void> {
  const m = fw.m;
  m.s.mp.smmInitialized.fill(false);
  const bsp = fw.cpu;
  yield* sendSmiIpi(m, bsp, [bsp], `ExecuteFirstSmiInit: SendSmiIpi (mBspApicId ${m.s.cpus[bsp].apicId}, a self-IPI)`, 'first-smi', (c) => firstSmi(fw, c));
  const others = m.s.cpus.map((c) => c.index).filter((i) => i !== bsp);
  if (others.length) {
    yield* sendSmiIpi(m, bsp, others, 'ExecuteFirstSmiInit: SendSmiIpiAllExcludingSelf ()', 'first-smi', (c) => firstSmi(fw, c));
  }
}

/** PiCpuSmmEntry + PiSmmCpuEntryCommon. */
export function* piCpuSmmEntry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const s = m.s;
  const n = s.cpus.length; // mNumberOfCpus = mMaxNumberOfCpus (MpInformation2 HOB: no extra hot-pluggable CPUs)
  DEBUG(fw, DEBUG_INFO, 'mAddressEncMask = 0x%lx\n', 0n);
  const { smrrBase, smrrSize } = findSmramInfo(fw);
  DEBUG(fw, DEBUG_INFO, '%a: SMRR Base = 0x%x, SMRR Size = 0x%x\n', 'FindSmramInfo', smrrBase, smrrSize);
  DEBUG(fw, DEBUG_INFO, 'PcdCpuSmmCodeAccessCheckEnable = %d\n', 1);
  DEBUG(fw, DEBUG_INFO, 'PcdControlFlowEnforcementPropertyMask = %d\n', 0);

  const tileCodeSize = align4k(SMI_ENTRY_CODE_SIZE);
  const tileDataSize = align4k(SMRAM_SAVE_STATE_MAP_OFFSET - SMM_PSD_OFFSET + SMRAM_SAVE_STATE_MAP_SIZE);
  const tileSize = 2 * getPowerOfTwo32(tileDataSize + tileCodeSize - 1);
  DEBUG(fw, DEBUG_INFO, 'SMRAM TileSize = 0x%08x (0x%08x, 0x%08x)\n', tileSize, tileCodeSize, tileDataSize);
  if (tileSize > SIZE_8KB) {
    DEBUG(fw, DEBUG_ERROR, 'The Range of Smbase in SMRAM is not enough -- Required TileSize = 0x%08x, Actual TileSize = 0x%08x\n', tileSize, SIZE_8KB);
    throw new CpuDeadLoop(fw.cpu, fw.mod.name, 'The Range of Smbase in SMRAM is not enough');
  }

  // GetSmBase: "If found, means the SmBase relocation has been done" (in PEI).
  const smBase = getSmBase(fw, n);
  ASSERT(fw, smBase !== null, '!(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)', 'PiSmmCpuCommon.c', 1013);
  s.mp.smBase = smBase!;
  s.mp.relocated = true;
  for (let i = 0; i < n; i++) {
    DEBUG(fw, DEBUG_INFO, 'CPU[%03x]  APIC ID=%04x  SMBASE=%08x  SaveState=%08x  Size=%08x\n',
      i, s.cpus[i].apicId, s.mp.smBase[i], s.mp.smBase[i] + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE);
  }

  // gSmmCpuPrivate->CpuSaveStateSize[] / CpuSaveState[], SmmCoreEntryContext, and mSmmCpu.
  const smmCpu = initSmmCpuData(fw);

  // SMM stacks: PcdCpuSmmStackSize plus a guard page and a known-good stack page (PcdCpuSmmStackGuard).
  const stackSize = align4k(PCD_CPU_SMM_STACK_SIZE) + 2 * EFI_PAGE_SIZE;
  const stacks = smmAllocatePages(m, n * stackSize, `PiSmmCpuDxeSmm SMM stacks (${n} x ${hex(stackSize)}, with guard pages)`, 'core-data');
  if (stacks === null) return 'EFI_OUT_OF_RESOURCES';
  s.smm.smmStacks = { base: stacks, size: stackSize };
  DEBUG(fw, DEBUG_INFO, 'Stacks                   - 0x%x\n', stacks);
  DEBUG(fw, DEBUG_INFO, 'mSmmStackSize            - 0x%x\n', stackSize);
  DEBUG(fw, DEBUG_INFO, 'PcdCpuSmmStackGuard      - 0x%x\n', 1);

  // InitializeMpServiceData: semaphores (4 global + 3 per CPU), SMI entry stubs, SMM page table.
  const semaphores = (4 + 3 * n) * SEMAPHORE_SIZE;
  DEBUG(fw, DEBUG_INFO, 'One Semaphore Size    = 0x%x\n', SEMAPHORE_SIZE);
  DEBUG(fw, DEBUG_INFO, 'Total Semaphores Size = 0x%x\n', semaphores);
  if (smmAllocatePages(m, semaphores, 'PiSmmCpuDxeSmm semaphores (InsideSmm, AllCpusInSync, Busy/Present/Token per CPU)', 'core-data') === null) return 'EFI_OUT_OF_RESOURCES';
  installTiles(fw);
  const cpuidBits = s.config.physAddressBits;
  DEBUG(fw, DEBUG_INFO, 'PhysicalAddressBits = %d, 5LPageTable = %d.\n', cpuidBits, 0);
  let pagingBits = cpuHobSizeOfMemorySpace(m) ?? cpuidBits;
  if (pagingBits > 47) pagingBits = 47; // CalculateMaximumSupportAddress without 5-level paging
  DEBUG(fw, DEBUG_INFO, '5LevelPaging Needed             - %d\n', 0);
  DEBUG(fw, DEBUG_INFO, '1GPageTable Support             - %d\n', 0);
  DEBUG(fw, DEBUG_INFO, 'PhysicalAddressBits             - %d\n', pagingBits);
  DEBUG(fw, DEBUG_INFO, 'Initialize IDT IST field for SMM Stack Guard\n');

  yield* executeFirstSmiInit(fw);

  DEBUG(fw, DEBUG_INFO, 'mXdSupported - 0x%x\n', 1);
  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuProtocolGuid, smmCpu);
  yield* SmmInstallProtocolInterface(fw, SMM_CPU_GUIDS.gEdkiiSmmMemoryAttributeProtocolGuid);
  DEBUG(fw, DEBUG_INFO, 'CpuSmm: SpinLock Size = 0x%x, PcdCpuSmmMpTokenCountPerChunk = 0x%x\n', SEMAPHORE_SIZE, 0x40);
  yield* SmmInstallProtocolInterface(fw, SMM_CPU_GUIDS.gEfiMmMpProtocolGuid);
  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuServiceProtocolGuid);
  yield* SmmInstallProtocolInterface(fw, SMM_CPU_GUIDS.gEdkiiSmmCpuRendezvousProtocolGuid);
  DEBUG(fw, DEBUG_INFO, 'SMM CPU Module exit from SMRAM with EFI_SUCCESS\n');

  // Back in PiCpuSmmEntry: EFI_SMM_CONFIGURATION_PROTOCOL goes to the UEFI database; PiSmmIpl's
  // notification calls RegisterSmmEntry (SmmEntryPoint).
  installUefiProtocol(fw, GUIDS.gEfiSmmConfigurationProtocolGuid);
  yield* smmIplSmmConfigurationEventNotify(fw);
  return 'EFI_SUCCESS';
}
