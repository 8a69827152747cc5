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
import { DEBUG, DEBUG_ERROR } from '../pi/Debug';
import { smmIsBufferOutsideSmmValid } from '../pi/SmmMemLib';
import { smmAllocatePages, smmAllocatePool } from '../pi/SmramAlloc';
import { isSmram } from '../pi/Platform';
import type { Val } from '../smmc/Ast';
import { memOf, ptr } from './CMem';
import type { NativeImpl } from './CRun';
import { efiStatus } from './Status';

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

// ---- SmmMemoryAllocationLib

function* allocate(fw: Parameters<NativeImpl>[0], size: Val, zero: boolean, copyFrom: Val | null) {
  const n = num(size);
  const a = smmAllocatePool(fw.m, n);
  if (a === null) return 0;
  const mem = memOf(fw.m);
  if (zero) mem.fill(a, n, 0);
  if (copyFrom !== null) mem.copy(a, copyFrom, n);
  return a;
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

/** FreePool: the model's SMM pool does not reuse memory; an SMRAM buffer is accepted, anything else goes to gBS->FreePool (an SMM callout the model refuses). */
export const FreePool: NativeImpl = function* (fw, [buf]) {
  if (typeof buf === 'number' && buf !== 0 && isSmram(fw.m, buf)) return 0;
  DEBUG(fw, DEBUG_ERROR, '\nASSERT_EFI_ERROR (Status = %r)\n', { status: 'EFI_INVALID_PARAMETER' });
  return 0;
};

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
    return efiStatus('EFI_SECURITY_VIOLATION');
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
