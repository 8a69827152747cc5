/**
 * The SMST members of PiSmmCore that are no database services: SmmInstallConfigurationTable
 * (MdeModulePkg/Core/PiSmmCore/InstallConfigurationTable.c), SmmAllocatePool / SmmFreePool
 * (Pool.c), SmmAllocatePages / SmmFreePages (Page.c) and SmmEfiNotAvailableYetArg5 (PiSmmCore.c),
 * as natives C code calls through gSmst. Parameters are checked as upstream checks them; the
 * memory itself comes from the model's SMRAM allocator (pi/SmramAlloc.ts), which hands out pool
 * blocks in a row and pages top-down and never takes memory back (upstream keeps free lists, facts
 * smm-c-facts §5.2): the event text says so where it matters.
 */

import { copyBytes, readBytes, writeBytes } from '../machine/Memory';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex, lazyEv, tag } from '../pi/Fw';
import { ASSERT } from '../pi/Debug';
import { AVAILABLE_ASSERT, DOUBLE_FREE_ASSERT, MAX_POOL_SIZE, POOL_OVERHEAD, smmPoolAllocate, smmPoolFree } from '../pi/Pool';
import { guidName, guidToBytes } from '../lib/Guid';
import { addrOf, readGuid, readUintn, statusVal, u64Of, writeUintn } from '../pi/Native';
import type { Fw, NativeImpl } from '../pi/Platform';
import { SMST, SMST_SIZE } from '../pi/Smst';
import { smmAllocatePages, smmAllocatePool } from '../pi/SmramAlloc';
import type { Val } from '../smmc/Ast';

/** EfiRuntimeServicesCode / EfiRuntimeServicesData: the only types the SMM core accepts. */
const EfiRuntimeServicesCode = 5;
const EfiRuntimeServicesData = 6;
const MEMORY_TYPE = ['EfiReservedMemoryType', 'EfiLoaderCode', 'EfiLoaderData', 'EfiBootServicesCode', 'EfiBootServicesData', 'EfiRuntimeServicesCode', 'EfiRuntimeServicesData'];
const ALLOCATE_TYPE = ['AllocateAnyPages', 'AllocateMaxAddress', 'AllocateAddress'];
const EFI_PAGE_SIZE = 0x1000;
/** sizeof (EFI_CONFIGURATION_TABLE) and CONFIG_TABLE_SIZE_INCREASED. */
const CONFIG_TABLE_ENTRY = 24;
const CONFIG_TABLE_SIZE_INCREASED = 0x10;

const typeName = (t: number) => MEMORY_TYPE[t] ?? String(t);

function* done(fw: Fw, text: string, status: EfiStatus): Gen<Val> {
  yield tag(lazyEv('handler', fw.cpu, () => `${fw.mod.name}: ${text}`), { status });
  return statusVal(status);
}

/** SmmEfiNotAvailableYetArg5: what gSmst->SmmIo's four slots hold until CpuIo2Smm copies its protocol in. */
const SmmEfiNotAvailableYetArg5: NativeImpl = function* (fw) {
  return yield* done(fw, 'gSmst->SmmIo member called before CpuIo2Smm filled gSmst->SmmIo: SmmEfiNotAvailableYetArg5 (PiSmmCore.c) returns EFI_NOT_AVAILABLE_YET', 'EFI_NOT_AVAILABLE_YET');
};

/**
 * SmmInstallConfigurationTable (SystemTable, Guid, Table, TableSize): modify, delete or add an
 * entry of gSmmCoreSmst.SmmConfigurationTable; the table grows by 0x10 entries from the pool and
 * mSmmSystemTableAllocateSize (a UINTN the model keeps right after the SMST) remembers its size.
 */
const SmmInstallConfigurationTable: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const guidAt = addrOf(args[1]);
  const table = args[2];
  if (guidAt === 0) return yield* done(fw, 'gSmst->SmmInstallConfigurationTable (Guid NULL) = EFI_INVALID_PARAMETER', 'EFI_INVALID_PARAMETER');
  const smst = m.s.smm.smstAddress;
  const guid = readGuid(m, guidAt);
  const call = `gSmst->SmmInstallConfigurationTable (${guidName(guid)}, ${hex(addrOf(table))})`;
  let count = Number(u64Of(readUintn(m, smst + SMST.NumberOfTableEntries)));
  let tables = addrOf(readUintn(m, smst + SMST.SmmConfigurationTable));
  let index = 0;
  for (; index < count; index++) if (readGuid(m, tables + CONFIG_TABLE_ENTRY * index) === guid) break;
  const isNull = addrOf(table) === 0;
  if (index < count) {
    if (!isNull) {
      writeUintn(m, tables + CONFIG_TABLE_ENTRY * index + 16, table);
      return yield* done(fw, `${call} = EFI_SUCCESS: entry ${index} now points at the new table`, 'EFI_SUCCESS');
    }
    count--;
    const tail = (count - index) * CONFIG_TABLE_ENTRY;
    if (tail > 0) writeBytes(m.s.mem, tables + CONFIG_TABLE_ENTRY * index, readBytes(m.s.mem, tables + CONFIG_TABLE_ENTRY * (index + 1), tail));
    writeUintn(m, smst + SMST.NumberOfTableEntries, count);
    return yield* done(fw, `${call} = EFI_SUCCESS: entry ${index} deleted, NumberOfTableEntries = ${count}`, 'EFI_SUCCESS');
  }
  if (isNull) return yield* done(fw, `${call} = EFI_NOT_FOUND: no entry with this GUID to delete`, 'EFI_NOT_FOUND');
  const sizeAt = smst + SMST_SIZE; // mSmmSystemTableAllocateSize
  const allocated = Number(u64Of(readUintn(m, sizeAt)));
  if (index * CONFIG_TABLE_ENTRY >= allocated) {
    const bigger = allocated + CONFIG_TABLE_SIZE_INCREASED * CONFIG_TABLE_ENTRY;
    const fresh = smmAllocatePool(m, bigger);
    if (fresh === null) return yield* done(fw, `${call} = EFI_OUT_OF_RESOURCES: the pool has no room for ${bigger} bytes`, 'EFI_OUT_OF_RESOURCES');
    writeUintn(m, sizeAt, bigger);
    if (tables !== 0 && index > 0) copyBytes(m.s.mem, fresh, tables, index * CONFIG_TABLE_ENTRY);
    tables = fresh;
    writeUintn(m, smst + SMST.SmmConfigurationTable, fresh); // FreePool (OldTable): the model's pool keeps it
  }
  writeBytes(m.s.mem, tables + CONFIG_TABLE_ENTRY * index, guidToBytes(guid));
  writeUintn(m, tables + CONFIG_TABLE_ENTRY * index + 16, table);
  writeUintn(m, smst + SMST.NumberOfTableEntries, count + 1);
  return yield* done(fw, `${call} = EFI_SUCCESS: entry ${index} added at ${hex(tables + CONFIG_TABLE_ENTRY * index)}, NumberOfTableEntries = ${count + 1}`, 'EFI_SUCCESS');
};

/**
 * SmmAllocatePool (PoolType, Size, Buffer): PiSmmCore's Pool.c bins (pi/Pool.ts, smm-c-facts §5.2):
 * only EfiRuntimeServicesCode/Data; a POOL_HEADER before the block; Buffer is not checked (upstream
 * neither).
 */
const SmmAllocatePool: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const type = Number(args[0]);
  const size = u64Of(args[1]);
  const buffer = addrOf(args[2]);
  const call = `gSmst->SmmAllocatePool (${typeName(type)}, ${hex(size)}, ${hex(buffer)})`;
  if (type !== EfiRuntimeServicesCode && type !== EfiRuntimeServicesData) {
    return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: SMRAM pool only takes EfiRuntimeServicesCode or EfiRuntimeServicesData (Pool.c SmmInternalAllocatePool)`, 'EFI_INVALID_PARAMETER');
  }
  const r = size > 0x40000000n ? { status: 'EFI_OUT_OF_RESOURCES' as const } : smmPoolAllocate(m, type, Number(size));
  if ('status' in r) return yield* done(fw, `${call} = ${r.status}: SMRAM is full`, r.status);
  writeUintn(m, buffer, r.buffer);
  const got = r.buffer;
  const how = Number(size) + POOL_OVERHEAD > MAX_POOL_SIZE ? 'whole pages: Size + POOL_OVERHEAD > MAX_POOL_SIZE' : `a ${blockSize(Number(size))}-byte bin block`;
  return yield* done(fw, `${call} = EFI_SUCCESS, *Buffer = ${hex(got)} (${how}; the POOL_HEADER 'sphd' is at ${hex(got - 24)})`, 'EFI_SUCCESS');
};

function blockSize(size: number): number {
  let b = 64;
  while (b < size + POOL_OVERHEAD) b *= 2;
  return b;
}

/** SmmFreePool (Buffer): NULL -> EFI_INVALID_PARAMETER; a block that is not live pool (a double free) ASSERTs in Pool.c and dead-loops. */
const SmmFreePool: NativeImpl = function* (fw, args) {
  const buffer = addrOf(args[0]);
  const r = smmPoolFree(fw.m, buffer);
  if ('bad' in r) {
    const core = fw.m.s.modules.find((x) => x.name === 'PiSmmCore') ?? fw.mod;
    yield ev('handler', fw.cpu, `${fw.mod.name}: gSmst->SmmFreePool (${hex(buffer)}): the POOL_HEADER at ${hex(buffer - 24)} is not a live 'sphd' block (${r.bad === 'signature' ? 'its Signature is gone: freed already, or never the pool\'s' : 'it is marked Available'}): Pool.c ASSERTs`);
    const a = r.bad === 'signature' ? DOUBLE_FREE_ASSERT : AVAILABLE_ASSERT;
    ASSERT({ m: fw.m, mod: core, cpu: fw.cpu }, false, a.expr, a.file, a.line);
  }
  const status = 'status' in r ? r.status : 'EFI_SUCCESS';
  return yield* done(fw, `gSmst->SmmFreePool (${buffer ? hex(buffer) : 'NULL'}) = ${status}${status === 'EFI_SUCCESS' ? ': the block goes back to the head of its bin (the next allocation of that size gets it)' : ''}`, status);
};

/**
 * SmmAllocatePages (Type, MemoryType, Pages, Memory): the type checks and AllocateAnyPages /
 * AllocateMaxAddress from the top of free SMRAM down; AllocateAddress is answered EFI_NOT_FOUND
 * (the model's page allocator cannot place pages at a given address).
 */
const SmmAllocatePages: NativeImpl = function* (fw, args) {
  const { m } = fw;
  const type = Number(args[0]);
  const memType = Number(args[1]);
  const pages = u64Of(args[2]);
  const memory = addrOf(args[3]);
  const call = `gSmst->SmmAllocatePages (${ALLOCATE_TYPE[type] ?? type}, ${typeName(memType)}, ${hex(pages)}, ${hex(memory)})`;
  if (memType !== EfiRuntimeServicesCode && memType !== EfiRuntimeServicesData) {
    return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: SMRAM pages are only EfiRuntimeServicesCode or EfiRuntimeServicesData (Page.c)`, 'EFI_INVALID_PARAMETER');
  }
  if (pages > 0x10000000000000n) return yield* done(fw, `${call} = EFI_OUT_OF_RESOURCES: more pages than an address space holds`, 'EFI_OUT_OF_RESOURCES');
  const requested = u64Of(readUintn(m, memory));
  if (type === 2) {
    return yield* done(fw, `${call} = EFI_NOT_FOUND: AllocateAddress ${hex(requested)} - SmiScope's page allocator only hands out pages top-down, so it treats every fixed address as not free`, 'EFI_NOT_FOUND');
  }
  if (type !== 0 && type !== 1) return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: no such EFI_ALLOCATE_TYPE`, 'EFI_INVALID_PARAMETER');
  const bytes = Number(pages) * EFI_PAGE_SIZE;
  const top = m.s.smm.allocTop;
  if (type === 1 && BigInt(top - 1) > requested) {
    return yield* done(fw, `${call} = EFI_OUT_OF_RESOURCES: the free SMRAM pages SmiScope hands out next end at ${hex(top)}, above the MaxAddress ${hex(requested)}`, 'EFI_OUT_OF_RESOURCES');
  }
  const base = bytes === 0 ? null : smmAllocatePages(m, bytes, `${fw.mod.name} SmmAllocatePages (${pages} page(s))`, 'core-data');
  if (base === null) return yield* done(fw, `${call} = EFI_OUT_OF_RESOURCES`, 'EFI_OUT_OF_RESOURCES');
  writeUintn(m, memory, base);
  return yield* done(fw, `${call} = EFI_SUCCESS, *Memory = ${hex(base)}`, 'EFI_SUCCESS');
};

/** SmmFreePages (Memory, Pages): not page aligned -> EFI_INVALID_PARAMETER; otherwise EFI_SUCCESS (the model never takes pages back). */
const SmmFreePages: NativeImpl = function* (fw, args) {
  const memory = u64Of(args[0]);
  const pages = u64Of(args[1]);
  const call = `gSmst->SmmFreePages (${hex(memory)}, ${hex(pages)})`;
  if ((memory & 0xfffn) !== 0n) return yield* done(fw, `${call} = EFI_INVALID_PARAMETER: Memory is not page aligned`, 'EFI_INVALID_PARAMETER');
  return yield* done(fw, `${call} = EFI_SUCCESS (SmiScope's page allocator never takes pages back: they stay allocated)`, 'EFI_SUCCESS');
};

export const SMST_MEMORY_NATIVES: Record<string, NativeImpl> = {
  SmmEfiNotAvailableYetArg5,
  SmmInstallConfigurationTable,
  SmmAllocatePool,
  SmmFreePool,
  SmmAllocatePages,
  SmmFreePages,
};
