/**
 * The hardware of a Q35 machine as plain data: the logical CPUs, physical memory (RAM, TSEG and
 * the other SMRAM as 4 KiB pages), the ICH9 LPC bridge and the PCI config address latch. It
 * knows no firmware; the platform state (pi/Platform) extends it with the firmware's data.
 */

import { type CpuState, createCpu } from './Cpu';
import { createIch9Lpc, type Ich9LpcState } from './Ich9Lpc';
import { createMemory, type MemoryState } from './Memory';

export interface HardwareState {
  cpus: CpuState[];
  mem: MemoryState;
  lpc: Ich9LpcState;
  /** CONFIG_ADDRESS (0xCF8) as last written. */
  pciConfigAddress: number;
}

/** Power-on hardware: CPUs at reset, empty memory, the LPC bridge with the SMI features QEMU offers. */
export function createHardware(cpuCount: number, offersBroadcast: boolean): HardwareState {
  const cpus: CpuState[] = [];
  for (let i = 0; i < cpuCount; i++) cpus.push(createCpu(i));
  return { cpus, mem: createMemory(), lpc: createIch9Lpc(offersBroadcast), pciConfigAddress: 0 };
}
