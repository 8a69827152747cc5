/** PiSmmCpuDxeSmm's rendezvous state (facts §8; UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c). */

export type SyncMode = 'traditional' | 'relaxed';

export interface MpSyncState {
  /** PcdCpuSmmSyncMode: 0x00 traditional, 0x01 relaxed (OVMF DSC default; 0 once broadcast is negotiated). */
  syncMode: SyncMode;
  /** PcdCpuSmmApSyncTimeout (microseconds): OVMF DSC 100000; 1000000 once broadcast is negotiated. */
  apSyncTimeout: number;
  /** PcdCpuSmmApSyncTimeout2 (microseconds): the same values (OvmfPkgX64.dsc, SmiFeatures.c). */
  apSyncTimeout2: number;
  /** BspIndex; -1 = MAX_UINT32, "not elected". */
  bspIndex: number;
  insideSmm: boolean;
  allCpusInSync: boolean;
  doorLocked: boolean;
  present: boolean[];
  checkedIn: boolean[];
  /** mSmmInitialized[]: the first SMI after relocation only runs InitializeSmm(). */
  smmInitialized: boolean[];
  /** SMBASE of each CPU as PiSmmCpuDxeSmm computed it (mCpuHotPlugData.SmBase[]). */
  smBase: number[];
  relocated: boolean;
  /**
   * Address of gSmmCpuPrivate->SmmCoreEntryContext (EFI_SMM_ENTRY_CONTEXT, in PiSmmCpuDxeSmm's
   * image): BSPHandler sets CurrentlyExecutingCpu there and hands it to SmmEntryPoint. 0 until
   * PiSmmCpuDxeSmm's entry point fills it.
   */
  entryContext: number;
}
