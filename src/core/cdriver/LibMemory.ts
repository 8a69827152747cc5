/**
 * The memory and I/O libraries OVMF links into a DXE_SMM_DRIVER (smm-c-facts §2.1):
 * MdePkg/Library/BaseMemoryLibRepStr (CopyMem, SetMem, ZeroMem, CompareMem, CopyGuid, ...),
 * MdePkg/Library/SmmMemoryAllocationLib (pool and pages from SMRAM, EfiRuntimeServicesData),
 * MdePkg/Library/SmmMemLib (SmmIsBufferOutsideSmmValid and the checked copies) and
 * MdePkg/Library/BaseIoLibIntrinsic (IoRead/IoWrite on the machine's I/O bus, Mmio on memory).
 * Each touches memory through the same checks as compiled C, so a NULL CopyMem faults after the
 * SMM lock and writes page 0 before it, as on OVMF.
 */

import { ioRead, ioWrite, type IoWidth } from '../machine/IoBus';
import { ASSERT, ASSERT_EFI_ERROR, DEBUG, DEBUG_ERROR } from '../pi/Debug';
import { AVAILABLE_ASSERT, DOUBLE_FREE_ASSERT, smmPoolAllocate, smmPoolFree } from '../pi/Pool';
import { smmIsBufferOutsideSmmValid } from '../pi/SmmMemLib';
import { smmAllocatePages } from '../pi/SmramAlloc';
import { isSmram } from '../pi/Platform';
import type { Val } from '../smmc/Ast';
import { memOf, ptr } from './CMem';
import type { NativeImpl } from './CRun';
import { efiStatusValue } from '../lib/EfiStatus';

const num = (v: Val) => Number(BigInt.asUintN(64, BigInt(v)));

/* eslint-disable require-yield */

export const CopyMem: NativeImpl = function* (fw, [dst, src, len]) {
  const n = num(len);
  if (n !== 0 && dst !== src) memOf(fw.m).copy(dst, src, n);
  return dst;
};

export const SetMem: NativeImpl = function* (fw, [buf, len, value]) {
  memOf(fw.m).fill(buf, num(len), Number(value) & 0xff);
  return buf;
};

export const ZeroMem: NativeImpl = function* (fw, [buf, len]) {
  memOf(fw.m).fill(buf, num(len), 0);
  return buf;
};

export const CompareMem: NativeImpl = function* (fw, [a, b, len]) {
  const mem = memOf(fw.m);
  const n = num(len);
  for (let i = 0; i < n; i++) {
    const x = mem.r8(ptr(a) + i);
    const y = mem.r8(ptr(b) + i);
    if (x !== y) return x - y;
  }
  return 0;
};

export const CopyGuid: NativeImpl = function* (fw, [dst, src]) {
  memOf(fw.m).copy(dst, src, 16);
  return dst;
};

export const CompareGuid: NativeImpl = function* (fw, [a, b]) {
  const mem = memOf(fw.m);
  for (let i = 0; i < 16; i++) if (mem.r8(ptr(a) + i) !== mem.r8(ptr(b) + i)) return 0;
  return 1;
};

export const IsZeroGuid: NativeImpl = function* (fw, [a]) {
  const mem = memOf(fw.m);
  for (let i = 0; i < 16; i++) if (mem.r8(ptr(a) + i) !== 0) return 0;
  return 1;
};

// ---- SmmMemoryAllocationLib: gSmst->SmmAllocatePool (EfiRuntimeServicesData), PiSmmCore's Pool.c bins (pi/Pool.ts)

function* allocate(fw: Parameters<NativeImpl>[0], size: Val, zero: boolean, copyFrom: Val | null) {
  const n = num(size);
  const r = n > 0x40000000 ? null : smmPoolAllocate(fw.m, 6, n);
  if (r === null || !('buffer' in r)) return 0; // the library returns NULL on any error
  const mem = memOf(fw.m);
  if (zero) mem.fill(r.buffer, n, 0);
  if (copyFrom !== null) mem.copy(r.buffer, copyFrom, n);
  return r.buffer;
}

export const AllocatePool: NativeImpl = (fw, [size]) => allocate(fw, size, false, null);
export const AllocateZeroPool: NativeImpl = (fw, [size]) => allocate(fw, size, true, null);
export const AllocateCopyPool: NativeImpl = (fw, [size, src]) => allocate(fw, size, false, src);
export const AllocateRuntimePool = AllocatePool;
export const AllocateRuntimeZeroPool = AllocateZeroPool;
/** SmmMemoryAllocationLib: reserved pool and pages are never available in SMM (always NULL). */
export const AllocateReservedPool: NativeImpl = function* () {
  return 0;
};

/**
 * FreePool (Buffer): a buffer in SMRAM goes to gSmst->SmmFreePool (Pool.c: a block that is not live
 * pool, a double free, ASSERTs there and dead-loops); anything else to gBS->FreePool, which refuses
 * NULL with EFI_INVALID_PARAMETER; either way the library then does ASSERT_EFI_ERROR (Status).
 */
export const FreePool: NativeImpl = function* (fw, [buf]) {
  if (typeof buf === 'number' && buf !== 0 && isSmram(fw.m, buf)) {
    const r = smmPoolFree(fw.m, buf);
    if ('bad' in r) {
      const core = fw.m.s.modules.find((x) => x.name === 'PiSmmCore') ?? fw.mod;
      const a = r.bad === 'signature' ? DOUBLE_FREE_ASSERT : AVAILABLE_ASSERT;
      ASSERT({ m: fw.m, mod: core, cpu: fw.cpu }, false, a.expr, a.file, a.line);
    }
    return 0;
  }
  // gBS->FreePool: SmiScope models no boot-services pool; NULL (the common mistake) is refused as upstream does.
  ASSERT_EFI_ERROR(fw, 'EFI_INVALID_PARAMETER', 'MemoryAllocationLib.c', FREE_POOL_ASSERT_LINE);
  return 0;
};

/** The line of ASSERT_EFI_ERROR (Status) in SmmMemoryAllocationLib's FreePool (MdePkg/Library/SmmMemoryAllocationLib/MemoryAllocationLib.c). */
const FREE_POOL_ASSERT_LINE = 989;

export const AllocatePages: NativeImpl = function* (fw, [pages]) {
  const a = smmAllocatePages(fw.m, num(pages) * 0x1000, `${fw.mod.name}: AllocatePages (${num(pages)})`, 'core-data');
  return a ?? 0;
};

export const FreePages: NativeImpl = function* () {
  return 0;
};

// ---- SmmMemLib

export const SmmIsBufferOutsideSmmValid: NativeImpl = function* (fw, [buf, len]) {
  const msg = smmIsBufferOutsideSmmValid(fw.m, num(buf), num(len));
  if (msg) DEBUG(fw, DEBUG_ERROR, '%a\n', msg);
  return msg === null ? 1 : 0;
};

function* checkedCopy(fw: Parameters<NativeImpl>[0], dst: Val, src: Val, len: Val, outside: Val, kind: 'To' | 'From' | ''): Generator<never, Val, void> {
  const msg = smmIsBufferOutsideSmmValid(fw.m, num(outside), num(len));
  if (msg) {
    DEBUG(fw, DEBUG_ERROR, '%a\n', msg);
    if (kind === 'To') DEBUG(fw, DEBUG_ERROR, 'SmmCopyMemToSmram: Security Violation: Source (0x%x), Length (0x%x)\n', src, len);
    else if (kind === 'From') DEBUG(fw, DEBUG_ERROR, 'SmmCopyMemFromSmram: Security Violation: Destination (0x%x), Length (0x%x)\n', dst, len);
    return efiStatusValue('EFI_SECURITY_VIOLATION');
  }
  memOf(fw.m).copy(dst, src, num(len));
  return 0;
}

export const SmmCopyMemToSmram: NativeImpl = (fw, [dst, src, len]) => checkedCopy(fw, dst, src, len, src, 'To');
export const SmmCopyMemFromSmram: NativeImpl = (fw, [dst, src, len]) => checkedCopy(fw, dst, src, len, dst, 'From');

// ---- IoLib

function ioIn(width: IoWidth): NativeImpl {
  return function* (fw, [port]) {
    return ioRead(fw.m, num(port) & 0xffff, width).value;
  };
}

function ioOut(width: IoWidth): NativeImpl {
  return function* (fw, [port, value]) {
    const mask = width === 4 ? 0xffffffff : width === 2 ? 0xffff : 0xff;
    const v = Number(BigInt.asUintN(32, BigInt(value))) & mask;
    ioWrite(fw.m, num(port) & 0xffff, width, v >>> 0);
    return v >>> 0;
  };
}

export const IoRead8 = ioIn(1);
export const IoRead16 = ioIn(2);
export const IoRead32 = ioIn(4);
export const IoWrite8 = ioOut(1);
export const IoWrite16 = ioOut(2);
export const IoWrite32 = ioOut(4);

export const MmioRead8: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r8(a);
};
export const MmioRead16: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r16(a);
};
export const MmioRead32: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r32(a);
};
export const MmioRead64: NativeImpl = function* (fw, [a]) {
  return memOf(fw.m).r64(a);
};
export const MmioWrite8: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w8(a, Number(v) & 0xff);
  return Number(v) & 0xff;
};
export const MmioWrite16: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w16(a, Number(v) & 0xffff);
  return Number(v) & 0xffff;
};
export const MmioWrite32: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w32(a, Number(BigInt.asUintN(32, BigInt(v))));
  return v;
};
export const MmioWrite64: NativeImpl = function* (fw, [a, v]) {
  memOf(fw.m).w64(a, v);
  return v;
};
