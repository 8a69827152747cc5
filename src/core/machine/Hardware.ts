/**
 * The hardware of a Q35 machine as plain data: the logical CPUs, physical memory (RAM, TSEG and
 * the other SMRAM as 4 KiB pages), the ICH9 LPC bridge and the PCI config address latch. It
 * knows no firmware; the platform state (pi/Platform) extends it with the firmware's data.
 */

import { type CpuState, createCpu } from './Cpu';
import { type ChipsetVariant, createIch9Lpc, type Ich9LpcState } from './Ich9Lpc';
import { createMemory, type MemoryState } from './Memory';

export interface HardwareState {
  cpus: CpuState[];
  mem: MemoryState;
  lpc: Ich9LpcState;
  /** CONFIG_ADDRESS (0xCF8) as last written. */
  pciConfigAddress: number;
  /**
   * The debugcon log (port 0x402, Debugcon.ts): the firmware's DEBUG() output as the device's
   * character backend receives it, plus SmiScope's notes. The field keeps its old name.
   * `firstSeq` is the sequence number of lines[0] (bounded log); `partial` holds the bytes after
   * the last line end.
   */
  serial: { firstSeq: number; lines: string[]; partial: string };
}

/** Power-on hardware: CPUs at reset, empty memory, the LPC bridge offering `smiHostFeatures` (etc/smi/supported-features). */
export function createHardware(cpuCount: number, smiHostFeatures: number, chipset: ChipsetVariant = 'ich9-qemu'): HardwareState {
  const cpus: CpuState[] = [];
  for (let i = 0; i < cpuCount; i++) cpus.push(createCpu(i));
  return { cpus, mem: createMemory(), lpc: createIch9Lpc(smiHostFeatures, chipset), pciConfigAddress: 0, serial: { firstSeq: 0, lines: [], partial: '' } };
}
