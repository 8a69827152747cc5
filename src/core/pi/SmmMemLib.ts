/**
 * SmmIsBufferOutsideSmmValid (facts §1.8; edk2 MdePkg/Library/SmmMemLib/SmmMemLib.c): a buffer
 * the SMM core may touch on behalf of the OS must not overlap SMRAM and, after SmmReadyToLock,
 * must lie inside one valid communication region of the UEFI memory map.
 */

import type { Machine } from '../machine/Machine';
import { DEBUG, DEBUG_INFO } from './Debug';
import { type Fw, hex } from './Fw';

const MAX_ADDRESS = 2 ** 52; // the model's "max supported address" (PhysicalAddressBits = 52)

export function smramRanges(m: Machine): { base: number; size: number }[] {
  return [{ base: m.s.config.tsegBase, size: m.s.config.tsegSize }];
}

/** Returns null when valid, else the DEBUG line SmmMemLib prints. */
export function smmIsBufferOutsideSmmValid(m: Machine, buffer: number, length: number): string | null {
  if (length > MAX_ADDRESS || buffer > MAX_ADDRESS - length) {
    return `SmmIsBufferOutsideSmmValid: Overflow: Buffer (${hex(buffer)}) - Length (${hex(length)})`;
  }
  for (const r of smramRanges(m)) {
    const end = buffer + length;
    if ((buffer >= r.base && buffer < r.base + r.size) || (r.base >= buffer && r.base < end)) {
      return `SmmIsBufferOutsideSmmValid: Overlap: Buffer (${hex(buffer)}) - Length (${hex(length)}), CpuStart (${hex(r.base)}) - PhysicalSize (${hex(r.size)})`;
    }
  }
  if (m.s.smm.readyToLock) {
    const c = m.s.config;
    const inRuntime = buffer >= c.runtimeDataBase && buffer + length <= c.runtimeDataBase + c.runtimeDataSize;
    if (!inRuntime) {
      return `SmmIsBufferOutsideSmmValid: Not in ValidCommunicationRegion: Buffer (${hex(buffer)}) - Length (${hex(length)})`;
    }
  }
  return null;
}

/**
 * SmmMemLib's constructor, run in every SMM driver that links the library (PiSmmCore, SmmLockBox,
 * VariableSmm, SmmFaultTolerantWriteDxe on OVMF): it prints the highest address it will accept,
 * 2^PhysicalAddressBits - 1. QEMU's default CPU model reports 40 physical address bits.
 */
export function smmMemLibConstructor(fw: Fw): void {
  DEBUG(fw, DEBUG_INFO, 'mSmmMemLibInternalMaximumSupportAddress = 0x%lx\n', 0xffffffffff);
}
