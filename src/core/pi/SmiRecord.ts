/**
 * The record of one SMI as the model keeps it: who raised it, which CPUs took it, which phases
 * ran and which MMI handlers were called with what result. MmiManage appends to it; the SMI
 * lifecycle opens and closes it; the debugger shows it as the SMI summary.
 */

import type { Phase } from './Fw';

export interface HandlerCall {
  handler: string;
  module: string;
  kind: 'root' | 'guid' | 'sw';
  returned: string;
}

/**
 * How an SMI was raised: an OUT to APM_CNT 0xB2 by the OS ('apm'), PiSmmIpl's Communicate
 * ('communicate'), or a local-APIC SMI IPI of the boot ('smi-ipi': SMBASE relocation, first-SMI init).
 */
export type SmiKind = 'apm' | 'communicate' | 'smi-ipi';

/** Why the boot sent an SMI IPI: SmmRelocationLib's SMBASE relocation, PiSmmCpuDxeSmm's first-SMI init. */
export type SmiIpiPurpose = 'relocation' | 'first-smi';

export interface SmiSummary {
  number: number;
  kind: SmiKind;
  command: number;
  data: number;
  cpu: number;
  bsp: number | null;
  communicate: string | null;
  phasesRun: Phase[];
  handlersCalled: HandlerCall[];
  finished: boolean;
  /** False when the APM write raised no SMI (0x02/0x03, APMC_EN clear); `note` says why. */
  raised: boolean;
  note: string;
  /** For an SMI IPI of the boot: what it was sent for (the SMI list groups by it). */
  ipiPurpose?: SmiIpiPurpose;
  /** CPUs that took SMI# (and those SmmWaitForApArrival pulled in late with SMI IPIs). */
  cpus: number[];
}

/**
 * The CPU that executed the OUT to 0xB2 that raised the SMI, or null when no OUT did: an SMI IPI
 * of the boot (SmmRelocationInit in PEI, ExecuteFirstSmiInit) is raised through the local APIC;
 * `cpu` is then the CPU that sent the IPI. (The SMI IPIs SmmWaitForApArrival sends inside an SMI
 * do not change who raised that SMI.) A Communicate SMI has an OUT: SmmControl2's Trigger.
 */
export function outCpuOf(smi: SmiSummary | null): number | null {
  return smi === null || smi.kind === 'smi-ipi' ? null : smi.cpu;
}
