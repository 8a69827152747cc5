import type { CpuActivity, ModuleState, Phase, SmramRegionKind } from '../../protocol/messages';

/** One colour per CPU activity; the tile, legend and timeline lane labels share it. */
export const ACTIVITY: Record<CpuActivity, { label: string; color: string; help: string }> = {
  os: { label: 'OS', color: '#475569', help: 'outside SMM, running the OS' },
  'smi-pending': { label: 'SMI pending', color: '#d97706', help: 'SMI# latched, not yet taken' },
  'saving-state': { label: 'saving state', color: '#db2777', help: 'writing its save-state map on SMM entry' },
  rendezvous: { label: 'rendezvous', color: '#7c3aed', help: 'checked in, waiting for BSP election / the other CPUs' },
  bsp: { label: 'BSP running', color: '#2563eb', help: 'elected SMM BSP (monarch), running BSPHandler / SmmEntryPoint' },
  'ap-wait': { label: 'AP waiting', color: '#0d9488', help: 'AP in APHandler, waiting for the BSP to set InsideSmm or to release it' },
  released: { label: 'released', color: '#16a34a', help: 'released by the BSP (or gave up waiting for one), about to RSM' },
  rsm: { label: 'RSM', color: '#65a30d', help: 'executed RSM: state restored from the map' },
  hung: { label: 'hung', color: '#dc2626', help: 'CpuDeadLoop after a failed ASSERT (inside SMM, or in DXE before SMM is up)' },
};

export const ACTIVITY_ORDER: CpuActivity[] = ['os', 'smi-pending', 'saving-state', 'rendezvous', 'bsp', 'ap-wait', 'released', 'rsm', 'hung'];

export const PHASE_LABEL: Record<Phase, string> = {
  trigger: 'trigger',
  'smi-delivery': 'SMI# delivery',
  'save-state': 'save state',
  rendezvous: 'rendezvous',
  'smm-entry': 'SmmEntryPoint',
  communicate: 'Communicate',
  'mmi-manage': 'MmiManage',
  handler: 'handler',
  exit: 'exit',
  rsm: 'RSM',
  done: 'done',
};

export const PHASE_COLOR: Record<Phase, string> = {
  trigger: '#f59e0b',
  'smi-delivery': '#f97316',
  'save-state': '#ec4899',
  rendezvous: '#a855f7',
  'smm-entry': '#3b82f6',
  communicate: '#06b6d4',
  'mmi-manage': '#e879f9',
  handler: '#22c55e',
  exit: '#a3e635',
  rsm: '#cbd5e1',
  done: '#64748b',
};

export const PHASE_ORDER: Phase[] = [
  'trigger',
  'smi-delivery',
  'save-state',
  'rendezvous',
  'smm-entry',
  'communicate',
  'mmi-manage',
  'handler',
  'exit',
  'rsm',
  'done',
];

export const REGION: Record<SmramRegionKind, { label: string; color: string }> = {
  tseg: { label: 'TSEG', color: '#1e293b' },
  'default-smbase': { label: 'default SMBASE', color: '#b45309' },
  'smi-entry': { label: 'SMI entry', color: '#2563eb' },
  psd: { label: 'PSD', color: '#0891b2' },
  'save-state': { label: 'save state', color: '#db2777' },
  module: { label: 'module image', color: '#16a34a' },
  'core-data': { label: 'core data', color: '#7c3aed' },
  reserved: { label: 'reserved page', color: '#64748b' },
  smbase: { label: 'SMBASE below TSEG', color: '#ca8a04' },
  free: { label: 'free', color: '#263244' },
};

export const REGION_ORDER: SmramRegionKind[] = ['smi-entry', 'psd', 'save-state', 'module', 'core-data', 'reserved', 'smbase', 'default-smbase', 'free'];

export const MODULE_STATE: Record<ModuleState, { label: string; color: string; problem: boolean }> = {
  dispatched: { label: 'dispatched', color: '#16a34a', problem: false },
  dependent: { label: 'dependent', color: '#d97706', problem: true },
  failed: { label: 'failed', color: '#dc2626', problem: true },
  hung: { label: 'hung', color: '#dc2626', problem: true },
  unloaded: { label: 'unloaded', color: '#64748b', problem: false },
};
