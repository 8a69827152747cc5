/**
 * What the SMM page table lets C code touch outside SMRAM (smm-c-facts §4.2, §4.5). Before the
 * lock every address below 2^PhysicalAddressBits is mapped present, read-write and executable, so
 * a NULL write silently lands in physical page 0. PiSmmCpuDxeSmm's PerformRemainingTasks, at the
 * end of the SMI in which SmmReadyToLock arrives (UpdateUefiMemMapAttributes), marks everything
 * outside SMRAM no-execute and the UEFI memory-map entries of type loader code/data, boot-services
 * code/data, conventional, unusable and ACPI-reclaim not-present (PcdCpuSmmRestrictedMemoryAccess
 * is TRUE on OVMF); runtime data, ACPI NVS, reserved and MMIO stay mapped. The real OVMF log shows
 * it ("UefiMemory protection: 0x0 - 0x30000 Success"): page 0 is among the ranges made not-present.
 */

import type { Machine } from '../pi/Platform';
import type { AccessKind, FaultInfo } from '../smmc/MemPort';

/** EFI_MEMORY_TYPE values whose pages the lock makes not-present (IsUefiPageNotPresent). */
const NOT_PRESENT_TYPES = new Set([1, 2, 3, 4, 7, 8, 9]); // loader code/data, BS code/data, conventional, unusable, ACPI reclaim

/** True once the SMM page table has been locked down (the end of the ReadyToLock SMI). */
export function smmPagingLocked(m: Machine): boolean {
  return m.s.smm.pagingLocked === true;
}

function memoryTypeAt(m: Machine, addr: number): number | null {
  for (const e of m.s.config.uefiMemoryMap) if (addr >= e.base && addr < e.base + e.size) return e.type;
  return null;
}

type Policy = (addr: number, len: number, access: AccessKind) => FaultInfo | null;

const POLICIES = new WeakMap<Machine, Policy>();

/** The policy MemPort asks for an access outside SMRAM by C code on this machine (one per machine: it reads the state as it is when asked). */
export function smmAccessPolicy(m: Machine): Policy {
  let p = POLICIES.get(m);
  if (!p) POLICIES.set(m, (p = makePolicy(m)));
  return p;
}

function makePolicy(m: Machine): Policy {
  return (addr, _len, access) => {
    const bits = m.s.config.physAddressBits;
    if (addr >= 2 ** bits) {
      // Not mapped at all: SmiPFHandler's first branch (the address is above what the page table maps).
      return { vector: 14, address: addr, access, message: `Do not support address 0x${addr.toString(16).toUpperCase()} by processor!` };
    }
    if (!smmPagingLocked(m)) return null;
    if (access === 'fetch') {
      return { vector: 14, address: addr, access, message: `Code executed on IP(0x${addr.toString(16).toUpperCase()}) out of SMM range after SMM is locked!` };
    }
    const type = memoryTypeAt(m, addr);
    // Not in the memory map (untested memory) or of a not-present type: the forbidden-address branch.
    if (type === null || NOT_PRESENT_TYPES.has(type)) {
      return { vector: 14, address: addr, access, message: `Access SMM communication forbidden address (0x${addr.toString(16).toUpperCase()})!` };
    }
    return null;
  };
}
