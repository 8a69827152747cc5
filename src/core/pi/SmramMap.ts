/** The labelled regions of the SMRAM picture (TSEG, per-CPU tiles, module images, core data). */

export type SmramRegionKind =
  | 'tseg'
  | 'default-smbase'
  | 'smi-entry'
  | 'psd'
  | 'save-state'
  | 'module'
  | 'core-data'
  | 'reserved'
  | 'smbase'
  | 'free';

export interface SmramRegion {
  base: number;
  size: number;
  kind: SmramRegionKind;
  label: string;
  cpu?: number;
}

/** One SMRAM descriptor as SmmAccess2 GetCapabilities reports it (EFI_SMRAM_DESCRIPTOR). */
export interface SmramDescriptorView {
  cpuStart: number;
  physicalSize: number;
  regionState: number;
  /** RegionState bits by name, e.g. "CLOSED|CACHEABLE|ALLOCATED". */
  stateText: string;
  /** What it holds on OVMF (reserved page, SMBASE relocation block, SMM core and drivers). */
  label: string;
  /** The same in a few words. */
  short: string;
}

/** EFI_SMRAM_DESCRIPTOR (PiMultiPhase.h) as the HOB and SmmAccess2 hold it. */
export interface SmramDescriptor {
  physicalStart: number;
  cpuStart: number;
  physicalSize: number;
  regionState: number;
}
