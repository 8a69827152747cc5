/** The labelled regions of the SMRAM picture (TSEG, per-CPU tiles, module images, core data). */

export type SmramRegionKind =
  | 'tseg'
  | 'default-smbase'
  | 'smi-entry'
  | 'psd'
  | 'save-state'
  | 'module'
  | 'core-data'
  | 'free';

export interface SmramRegion {
  base: number;
  size: number;
  kind: SmramRegionKind;
  label: string;
  cpu?: number;
}
