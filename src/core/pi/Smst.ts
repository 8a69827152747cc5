/**
 * The SMST as bytes: EFI_SMM_SYSTEM_TABLE2 (MdePkg/Include/Pi/PiSmmCis.h; the same layout as
 * EFI_MM_SYSTEM_TABLE), PiSmmCore's static gSmmCoreSmst (MdeModulePkg/Core/PiSmmCore/PiSmmCore.c),
 * which gSmst and gMmst of every SMM driver point at. Every function-pointer member leads to a
 * PiSmmCore native (pi/Native.ts); SmmIo starts as SmmEfiNotAvailableYetArg5 until CpuIo2Smm copies
 * its EFI_SMM_CPU_IO2_PROTOCOL in; the per-SMI CPU fields are copied from EFI_SMM_ENTRY_CONTEXT by
 * SmmEntryPoint on every SMI.
 */

import { PAGE_SIZE, pageView, write32, writeBytes } from '../machine/Memory';
import type { Machine } from './Platform';
import { nativeAddress, writeUintn } from './Native';

/** SIGNATURE_32 ('S','M','S','T'). */
export const SMM_SMST_SIGNATURE = 0x54534d53;
/** EFI_SMM_SYSTEM_TABLE2_REVISION = (1 << 16) | PI minor 80 at the pinned commit. */
export const EFI_SMM_SYSTEM_TABLE2_REVISION = 0x00010050;
export const SMST_SIZE = 0xf0;

/** Member offsets (X64). */
export const SMST = {
  Signature: 0x00,
  Revision: 0x08,
  HeaderSize: 0x0c,
  CRC32: 0x10,
  SmmFirmwareVendor: 0x18,
  SmmFirmwareRevision: 0x20,
  SmmInstallConfigurationTable: 0x28,
  SmmIo: 0x30,
  SmmAllocatePool: 0x50,
  SmmFreePool: 0x58,
  SmmAllocatePages: 0x60,
  SmmFreePages: 0x68,
  SmmStartupThisAp: 0x70,
  CurrentlyExecutingCpu: 0x78,
  NumberOfCpus: 0x80,
  CpuSaveStateSize: 0x88,
  CpuSaveState: 0x90,
  NumberOfTableEntries: 0x98,
  SmmConfigurationTable: 0xa0,
  SmmInstallProtocolInterface: 0xa8,
  SmmUninstallProtocolInterface: 0xb0,
  SmmHandleProtocol: 0xb8,
  SmmRegisterProtocolNotify: 0xc0,
  SmmLocateHandle: 0xc8,
  SmmLocateProtocol: 0xd0,
  SmiManage: 0xd8,
  SmiHandlerRegister: 0xe0,
  SmiHandlerUnRegister: 0xe8,
} as const;

/** EFI_SMM_CPU_IO2_PROTOCOL (= EFI_MM_CPU_IO_PROTOCOL): Mem.Read, Mem.Write, Io.Read, Io.Write. */
export const SMM_CPU_IO2_PROTOCOL_SIZE = 32;

/** EFI_SMM_ENTRY_CONTEXT (Pi/PiSmmCis.h), 40 bytes: what SmmEntryPoint copies to SMST+0x70. */
export const ENTRY_CONTEXT = { SmmStartupThisAp: 0, CurrentlyExecutingCpu: 8, NumberOfCpus: 16, CpuSaveStateSize: 24, CpuSaveState: 32 } as const;
export const ENTRY_CONTEXT_SIZE = 40;

/** The SMST members that hold a PiSmmCore function, each named by its native (= its edk2 function). */
export const SMST_SERVICES: readonly (readonly [keyof typeof SMST, string])[] = [
  ['SmmInstallConfigurationTable', 'SmmInstallConfigurationTable'],
  ['SmmAllocatePool', 'SmmAllocatePool'],
  ['SmmFreePool', 'SmmFreePool'],
  ['SmmAllocatePages', 'SmmAllocatePages'],
  ['SmmFreePages', 'SmmFreePages'],
  ['SmmInstallProtocolInterface', 'SmmInstallProtocolInterface'],
  ['SmmUninstallProtocolInterface', 'SmmUninstallProtocolInterface'],
  ['SmmHandleProtocol', 'SmmHandleProtocol'],
  ['SmmRegisterProtocolNotify', 'SmmRegisterProtocolNotify'],
  ['SmmLocateHandle', 'SmmLocateHandle'],
  ['SmmLocateProtocol', 'SmmLocateProtocol'],
  ['SmiManage', 'SmiManage'],
  ['SmiHandlerRegister', 'SmiHandlerRegister'],
  ['SmiHandlerUnRegister', 'SmiHandlerUnRegister'],
];

export const SMM_CORE = 'PiSmmCore';
/** The native the four SmmIo slots hold until CpuIo2Smm fills them (PiSmmCore.c). */
export const NOT_AVAILABLE_YET = 'SmmEfiNotAvailableYetArg5';

/**
 * gSmmCoreSmst's static initializer, written at `at` (in PiSmmCore's image): the header, NULL
 * vendor, revision 0, the services, SmmIo = SmmEfiNotAvailableYetArg5 four times, and every
 * per-SMI field and the configuration table 0 / NULL.
 */
export function initSmst(m: Machine, at: number): void {
  writeBytes(m.s.mem, at, new Uint8Array(SMST_SIZE));
  write32(m.s.mem, at + SMST.Signature, SMM_SMST_SIGNATURE);
  write32(m.s.mem, at + SMST.Revision, EFI_SMM_SYSTEM_TABLE2_REVISION);
  write32(m.s.mem, at + SMST.HeaderSize, 24); // sizeof (gSmmCoreSmst.Hdr): the header only
  for (const [member, native] of SMST_SERVICES) writeUintn(m, at + SMST[member], nativeAddress(m, SMM_CORE, native));
  const notYet = nativeAddress(m, SMM_CORE, NOT_AVAILABLE_YET);
  for (let i = 0; i < 4; i++) writeUintn(m, at + SMST.SmmIo + 8 * i, notYet);
  m.s.smm.smstAddress = at;
}

/**
 * SmmEntryPoint's first lines (PiSmmCore.c): gSmmCoreSmst.SmmStartupThisAp .. CpuSaveState =
 * the EFI_SMM_ENTRY_CONTEXT at `ctx`. Runs on every SMI: only bytes that differ are written, so a
 * run of SMIs on the same BSP touches no page (the checkpoints stay small).
 */
export function copyEntryContext(m: Machine, ctx: number): void {
  const smst = m.s.smm.smstAddress;
  if (smst === 0 || ctx === 0) return;
  const mem = m.s.mem;
  // Both ranges lie inside one page each (the images are page aligned; see the offsets).
  const dstAt = smst + SMST.SmmStartupThisAp;
  const src = mem.pages.get(Math.floor(ctx / PAGE_SIZE));
  const dst = mem.pages.get(Math.floor(dstAt / PAGE_SIZE));
  const so = ctx & (PAGE_SIZE - 1);
  const d0 = dstAt & (PAGE_SIZE - 1);
  if (src !== undefined && dst !== undefined) {
    let i = 0;
    while (i < ENTRY_CONTEXT_SIZE && src[so + i] === dst[d0 + i]) i++;
    if (i === ENTRY_CONTEXT_SIZE) return;
  }
  const from = src === undefined ? new Uint8Array(ENTRY_CONTEXT_SIZE) : src.slice(so, so + ENTRY_CONTEXT_SIZE);
  const w = pageView(mem, dstAt, ENTRY_CONTEXT_SIZE, true);
  w.bytes.set(from, w.base);
}

/**
 * BSPHandler (UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c): gSmmCpuPrivate->SmmCoreEntryContext
 * .CurrentlyExecutingCpu = CpuIndex, before it calls SmmEntryPoint. Written only when it changes.
 */
export function setEntryContextCpu(m: Machine, ctx: number, cpu: number): void {
  if (ctx === 0) return;
  const at = ctx + ENTRY_CONTEXT.CurrentlyExecutingCpu;
  const b = m.s.mem.pages.get(Math.floor(at / PAGE_SIZE));
  const o = at & (PAGE_SIZE - 1);
  if (b !== undefined && (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0 === cpu && (b[o + 4] | b[o + 5] | b[o + 6] | b[o + 7]) === 0) return;
  write32(m.s.mem, at, cpu);
  write32(m.s.mem, at + 4, 0);
}
