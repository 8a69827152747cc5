/**
 * What an SMM-C module links against, as the edk2 build resolves it for a DXE_SMM_DRIVER on OVMF
 * (OvmfPkgX64.dsc [LibraryClasses.common.DXE_SMM_DRIVER]; smm-c-facts §2.1): the library
 * functions (implemented by the model, each at its own address in the module's .text), the
 * library globals their constructors set (gSmst, gMmst, gImageHandle, gST, gBS), and what AutoGen.c
 * defines (gEfiCallerBaseName, gEfiCallerIdGuid, and the GUID variables of the [Protocols] and
 * [Guids] the .inf lists - a GUID the .inf does not list is an undefined reference, as in edk2).
 */

import { type Guid, GUIDS, guidToBytes } from '../lib/Guid';
import type { Obj, Val } from '../smmc/Ast';
import { shippedGuid } from '../smmc/GuidTable';
import type { Fw } from '../pi/Platform';
import type { ExternalDef, LinkEnv } from '../smmc/Link';
import type { InfModule } from '../smmc/Inf';
import type { NativeImpl } from './CRun';
import * as Base from './LibBase';
import * as Debug from './LibDebug';
import { PCD_DEBUG_PROPERTY_MASK } from './LibDebug';
import * as Mem from './LibMemory';

/** Library functions by C name. */
export const LIBRARY_FUNCTIONS: Record<string, NativeImpl> = {
  // DebugLib (PlatformDebugLibIoPort)
  DebugPrint: Debug.DebugPrint,
  DebugAssert: Debug.DebugAssert,
  DebugAssertEnabled: Debug.DebugAssertEnabled,
  DebugPrintEnabled: Debug.DebugPrintEnabled,
  DebugCodeEnabled: Debug.DebugCodeEnabled,
  DebugClearMemoryEnabled: Debug.DebugClearMemoryEnabled,
  DebugPrintLevelEnabled: Debug.DebugPrintLevelEnabled,
  // BaseLib
  CpuDeadLoop: Debug.CpuDeadLoopFn,
  CpuPause: Debug.CpuPause,
  CpuBreakpoint: Debug.CpuBreakpoint,
  AsciiStrLen: Base.AsciiStrLen,
  StrLen: Base.StrLen,
  AsciiStrSize: Base.AsciiStrSize,
  StrSize: Base.StrSize,
  AsciiStrCmp: Base.AsciiStrCmp,
  AsciiStrnCmp: Base.AsciiStrnCmp,
  StrCmp: Base.StrCmp,
  StrnCmp: Base.StrnCmp,
  AsciiStrCpyS: Base.AsciiStrCpyS,
  StrCpyS: Base.StrCpyS,
  InitializeListHead: Base.InitializeListHead,
  InsertHeadList: Base.InsertHeadList,
  InsertTailList: Base.InsertTailList,
  RemoveEntryList: Base.RemoveEntryList,
  IsListEmpty: Base.IsListEmpty,
  GetFirstNode: Base.GetFirstNode,
  GetNextNode: Base.GetNextNode,
  GetPreviousNode: Base.GetPreviousNode,
  IsNull: Base.IsNull,
  IsNodeAtEnd: Base.IsNodeAtEnd,
  LShiftU64: Base.LShiftU64,
  RShiftU64: Base.RShiftU64,
  MultU64x32: Base.MultU64x32,
  MultU64x64: Base.MultU64x64,
  DivU64x32: Base.DivU64x32,
  ModU64x32: Base.ModU64x32,
  DivU64x32Remainder: Base.DivU64x32Remainder,
  ReadUnaligned16: Base.ReadUnaligned16,
  ReadUnaligned32: Base.ReadUnaligned32,
  ReadUnaligned64: Base.ReadUnaligned64,
  WriteUnaligned16: Base.WriteUnaligned16,
  WriteUnaligned32: Base.WriteUnaligned32,
  WriteUnaligned64: Base.WriteUnaligned64,
  SwapBytes16: Base.SwapBytes16,
  SwapBytes32: Base.SwapBytes32,
  SwapBytes64: Base.SwapBytes64,
  HighBitSet32: Base.HighBitSet32,
  HighBitSet64: Base.HighBitSet64,
  // BaseMemoryLibRepStr
  CopyMem: Mem.CopyMem,
  SetMem: Mem.SetMem,
  ZeroMem: Mem.ZeroMem,
  CompareMem: Mem.CompareMem,
  CopyGuid: Mem.CopyGuid,
  CompareGuid: Mem.CompareGuid,
  IsZeroGuid: Mem.IsZeroGuid,
  // SmmMemoryAllocationLib
  AllocatePool: Mem.AllocatePool,
  AllocateZeroPool: Mem.AllocateZeroPool,
  AllocateCopyPool: Mem.AllocateCopyPool,
  AllocateRuntimePool: Mem.AllocateRuntimePool,
  AllocateRuntimeZeroPool: Mem.AllocateRuntimeZeroPool,
  AllocateReservedPool: Mem.AllocateReservedPool,
  FreePool: Mem.FreePool,
  AllocatePages: Mem.AllocatePages,
  FreePages: Mem.FreePages,
  // SmmMemLib
  SmmIsBufferOutsideSmmValid: Mem.SmmIsBufferOutsideSmmValid,
  SmmCopyMemToSmram: Mem.SmmCopyMemToSmram,
  SmmCopyMemFromSmram: Mem.SmmCopyMemFromSmram,
  // BaseIoLibIntrinsic
  IoRead8: Mem.IoRead8,
  IoRead16: Mem.IoRead16,
  IoRead32: Mem.IoRead32,
  IoWrite8: Mem.IoWrite8,
  IoWrite16: Mem.IoWrite16,
  IoWrite32: Mem.IoWrite32,
  MmioRead8: Mem.MmioRead8,
  MmioRead16: Mem.MmioRead16,
  MmioRead32: Mem.MmioRead32,
  MmioRead64: Mem.MmioRead64,
  MmioWrite8: Mem.MmioWrite8,
  MmioWrite16: Mem.MmioWrite16,
  MmioWrite32: Mem.MmioWrite32,
  MmioWrite64: Mem.MmioWrite64,
  // SmmServicesTableLib
  // eslint-disable-next-line require-yield
  InSmm: function* () {
    return 1;
  },
};

/** The library functions that report an event (and stop the CPU): everything else runs inline in the C run loop. */
const YIELDING = new Set(['DebugAssert', 'CpuDeadLoop']);

/** Functions whose answer is fixed by OVMF's PCDs (ASSERT and DEBUG ask them on every use): plain functions, no generator. */
const CONSTANTS: Record<string, (ctx: unknown, args: Val[]) => Val> = {
  DebugAssertEnabled: () => (PCD_DEBUG_PROPERTY_MASK & 0x01 ? 1 : 0),
  DebugPrintEnabled: () => (PCD_DEBUG_PROPERTY_MASK & 0x02 ? 1 : 0),
  DebugCodeEnabled: () => (PCD_DEBUG_PROPERTY_MASK & 0x04 ? 1 : 0),
  DebugClearMemoryEnabled: () => (PCD_DEBUG_PROPERTY_MASK & 0x08 ? 1 : 0),
  CpuPause: () => 0,
  InSmm: () => 1,
};

/** Runs a library function that never yields to its end. */
function runToEnd(fn: NativeImpl, fw: Fw, args: Val[], name: string): Val {
  const r = fn(fw, args).next();
  if (!r.done) throw new Error(`SMM-C internal error: library function ${name} yielded an event`);
  return r.value;
}

/** Where the model says the UEFI system table and boot services live (boot-services data; nothing is modelled there). */
export const UEFI_SYSTEM_TABLE = 0x7ec10000;
export const UEFI_BOOT_SERVICES = 0x7ec10100;

/** What the loader knows when it links a module: the SMST and the DXE image handle. */
export interface LoadContext {
  smst: number;
  imageHandle: number;
}

const u64le = (v: number | bigint): Uint8Array => {
  const b = new Uint8Array(8);
  let x = BigInt(v);
  for (let i = 0; i < 8; i++) {
    b[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return b;
};

/**
 * The value AutoGen.c gives a GUID name: SmiScope's GUID table, then the GUIDs the shipped headers
 * declare (gEfiSmmReadyToLockProtocolGuid ...), or null for a name neither knows.
 */
function guidValue(name: string): Guid | null {
  return (GUIDS as Record<string, Guid>)[name] ?? shippedGuid(name);
}

/** The link environment of module `inf` loaded with `ctx`. */
export function libraryEnv(inf: InfModule, ctx: LoadContext): LinkEnv {
  const listed = new Set([...inf.protocols, ...inf.guids]);
  return {
    external(name: string, decl: Obj): ExternalDef | null {
      const fn = LIBRARY_FUNCTIONS[name];
      if (fn) return { kind: 'function', impl: fn, inline: YIELDING.has(name) ? undefined : (CONSTANTS[name] ?? ((ctx, args) => runToEnd(fn, ctx as Fw, args, name))) };
      switch (name) {
        case 'gSmst':
        case 'gMmst':
          return { kind: 'data', bytes: u64le(ctx.smst) };
        case 'gImageHandle':
          return { kind: 'data', bytes: u64le(ctx.imageHandle) };
        case 'gST':
          return { kind: 'data', bytes: u64le(UEFI_SYSTEM_TABLE) };
        case 'gBS':
          return { kind: 'data', bytes: u64le(UEFI_BOOT_SERVICES) };
        case 'gEfiCallerIdGuid':
          return { kind: 'data', bytes: guidToBytes(inf.fileGuid) };
        case 'gEfiCallerBaseName':
          // A CONST CHAR8 * in AutoGen.c: the pointer is stored next to the string.
          return { kind: 'data', bytes: u64le(0) };
      }
      const guid = /^g\w+Guid$/.test(name) && listed.has(name) ? guidValue(name) : null;
      if (guid !== null) return { kind: 'data', bytes: guidToBytes(guid) };
      void decl;
      return null;
    },
  };
}

/** Why a symbol is undefined, in words that help (the .inf list for GUIDs). */
export function undefinedHint(inf: InfModule, name: string): string | null {
  if (/^g\w+Guid$/.test(name)) {
    if (guidValue(name) === null) return `SmiScope knows no GUID named '${name}'`;
    return `list it under [Protocols] or [Guids] in ${inf.file.name}: AutoGen.c defines only the GUIDs the .inf names`;
  }
  return null;
}
