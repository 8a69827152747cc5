/**
 * PiSmmCpuDxeSmm's data C code reaches through pointers, and the functions behind them
 * (UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuCommon.c, MpService.c):
 *  - mSmmCpu, the EFI_SMM_CPU_PROTOCOL it installs: ReadSaveState @0, WriteSaveState @8 (16 bytes);
 *  - gSmmCpuPrivate->SmmCoreEntryContext (EFI_SMM_ENTRY_CONTEXT), which BSPHandler hands to
 *    SmmEntryPoint on every SMI: SmmStartupThisAp, CurrentlyExecutingCpu, NumberOfCpus and the two
 *    per-CPU arrays CpuSaveStateSize[i] = sizeof (SMRAM_SAVE_STATE_MAP) = 0x400 and
 *    CpuSaveState[i] = SmBase[i] + 0xFC00.
 * Offsets in the model's image: mSmmCpu at +0x1A180, where the real DEBUG boot log of the pinned
 * commit prints it ("SmmInstallProtocolInterface: EB346B97-... 7FFCF180", image at 7FFB5000); the
 * entry context and the arrays are the model's choice. Upstream allocates the two arrays from the
 * SMM pool (AllocatePool); the model keeps them in the image so the pool's addresses, which the
 * trace prints, stay as they were.
 */

import { SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from '../machine/SaveStateField';
import { DEBUG, DEBUG_ERROR } from '../pi/Debug';
import { hex, lazyEv, tag } from '../pi/Fw';
import { write32 } from '../machine/Memory';
import { addrOf, nativeAddress, oneEventNative, ownFw, readLE, readUintn, statusVal, u64Of, valOf, writeLE, writeUintn } from '../pi/Native';
import type { Fw, NativeImpl, NativeOut } from '../pi/Platform';
import { ENTRY_CONTEXT } from '../pi/Smst';
import type { Val } from '../smmc/Ast';
import { readSaveState, readSaveStateEvent, registerName, writeSaveStateNow } from './SmmCpuSaveState';

const MODULE = 'PiSmmCpuDxeSmm';
export const MM_CPU_PROTOCOL_OFFSET = 0x1a180;
export const SMM_CORE_ENTRY_CONTEXT_OFFSET = 0x1a400;
export const CPU_SAVE_STATE_SIZE_OFFSET = 0x1b000;
export const CPU_SAVE_STATE_OFFSET = 0x1b800;

/**
 * PiSmmCpuEntryCommon's part that fills them, once SmBase[] is known: mSmmCpu's two members,
 * the arrays, and SmmCoreEntryContext {SmmStartupThisAp, 0, mMaxNumberOfCpus, arrays}. Returns
 * the address of mSmmCpu (the interface it installs).
 */
export function initSmmCpuData(fw: Fw): number {
  const { m } = fw;
  const base = fw.mod.imageBase;
  const n = m.s.cpus.length;
  const iface = base + MM_CPU_PROTOCOL_OFFSET;
  writeUintn(m, iface, nativeAddress(m, MODULE, 'SmmReadSaveState'));
  writeUintn(m, iface + 8, nativeAddress(m, MODULE, 'SmmWriteSaveState'));
  const sizes = base + CPU_SAVE_STATE_SIZE_OFFSET;
  const states = base + CPU_SAVE_STATE_OFFSET;
  for (let i = 0; i < n; i++) {
    writeUintn(m, sizes + 8 * i, SMRAM_SAVE_STATE_MAP_SIZE);
    writeUintn(m, states + 8 * i, m.s.mp.smBase[i] + SMRAM_SAVE_STATE_MAP_OFFSET);
  }
  const ctx = base + SMM_CORE_ENTRY_CONTEXT_OFFSET;
  writeUintn(m, ctx + ENTRY_CONTEXT.SmmStartupThisAp, nativeAddress(m, MODULE, 'SmmStartupThisAp'));
  writeUintn(m, ctx + ENTRY_CONTEXT.CurrentlyExecutingCpu, 0);
  writeUintn(m, ctx + ENTRY_CONTEXT.NumberOfCpus, n);
  writeUintn(m, ctx + ENTRY_CONTEXT.CpuSaveStateSize, sizes);
  writeUintn(m, ctx + ENTRY_CONTEXT.CpuSaveState, states);
  m.s.mp.entryContext = ctx;
  return iface;
}

function invalid(fw: Fw, out: NativeOut, text: string): Val {
  out.event = tag(lazyEv('handler', fw.cpu, () => `${fw.mod.name}: ${text} = EFI_INVALID_PARAMETER`), { status: 'EFI_INVALID_PARAMETER' });
  return statusVal('EFI_INVALID_PARAMETER');
}

/**
 * SmmReadSaveState (This, Width, Register, CpuIndex, Buffer): CpuIndex >= gMmst->NumberOfCpus or
 * Buffer NULL -> EFI_INVALID_PARAMETER; then the save-state read (SmmCpuSaveState.ts) and its bytes
 * into Buffer: Width bytes of the register, or a whole EFI_MM_SAVE_STATE_IO_INFO for IO. All three
 * natives here report in one event at their end (oneEventNative: C calls them without a generator).
 */
const SmmReadSaveState = oneEventNative((fw, args, out) => {
  // UINTN arguments as plain numbers when they are (a dispatcher calls this for every CPU on every SMI).
  const w = args[1];
  const width = typeof w === 'number' && w >= 0 ? w : Number(u64Of(w));
  const register = Number(args[2]);
  const c = args[3];
  const cpuIndex = typeof c === 'number' && c >= 0 ? c : u64Of(c);
  const buffer = addrOf(args[4]);
  if (cpuIndex >= fw.m.s.cpus.length || buffer === 0) {
    return invalid(fw, out, `mMmCpu->ReadSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}, Buffer=${buffer ? hex(buffer) : 'NULL'}): CpuIndex >= gMmst->NumberOfCpus or Buffer NULL`);
  }
  const index = Number(cpuIndex);
  const r = readSaveState(fw.m, width, register, index);
  out.event = readSaveStateEvent(fw, width, register, index, r);
  if (r.status !== 'EFI_SUCCESS') return statusVal(r.status);
  // The bytes go into Buffer after the event (a debugger paused at it sees Buffer as it was).
  const m = fw.m;
  const io = r.io;
  out.after = io
    ? () => {
        // EFI_MM_SAVE_STATE_IO_INFO: IoData @0, IoPort @8, IoWidth @12, IoType @16 (24 bytes, whatever Width says).
        const mem = m.s.mem;
        writeUintn(m, buffer, valOf(io.ioData));
        write32(mem, buffer + 8, io.ioPort >>> 0);
        write32(mem, buffer + 12, io.ioWidth >>> 0);
        write32(mem, buffer + 16, io.ioType >>> 0);
        return statusVal('EFI_SUCCESS');
      }
    : () => {
        writeLE(m, buffer, width, r.value);
        return statusVal('EFI_SUCCESS');
      };
  return statusVal('EFI_SUCCESS');
});

/** SmmWriteSaveState (This, Width, Register, CpuIndex, Buffer): the same checks, then Width bytes from Buffer. */
const SmmWriteSaveState = oneEventNative((fw, args, out) => {
  const width = Number(u64Of(args[1]));
  const register = Number(args[2]);
  const cpuIndex = u64Of(args[3]);
  const buffer = addrOf(args[4]);
  if (cpuIndex >= BigInt(fw.m.s.cpus.length) || buffer === 0) {
    return invalid(fw, out, `mMmCpu->WriteSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}, Buffer=${buffer ? hex(buffer) : 'NULL'}): CpuIndex >= gMmst->NumberOfCpus or Buffer NULL`);
  }
  const value = readLE(fw.m, buffer, width);
  const r = writeSaveStateNow(fw, width, register, Number(cpuIndex), value);
  out.event = r.event;
  return statusVal(r.status);
});

/**
 * SmmStartupThisAp (Procedure, CpuIndex, ProcArguments) -> InternalSmmStartupThisAp's checks
 * (MpService.c), with their DEBUG_ERROR lines. A call that passes them is not run: the model has
 * no way yet to run a procedure on another CPU from here, so it returns EFI_UNSUPPORTED where
 * upstream queues the procedure for the AP and returns EFI_SUCCESS.
 */
const SmmStartupThisAp = oneEventNative((fw, args, out) => {
  const { m } = fw;
  const procedure = addrOf(args[0]);
  const cpuIndex = u64Of(args[1]);
  const ctx = m.s.mp.entryContext;
  const own = ownFw(fw, MODULE);
  const numberOfCpus = u64Of(readUintn(m, ctx + ENTRY_CONTEXT.NumberOfCpus));
  const current = u64Of(readUintn(m, ctx + ENTRY_CONTEXT.CurrentlyExecutingCpu));
  const call = `gSmst->SmmStartupThisAp (${hex(procedure)}, CpuIndex=${cpuIndex}, ${hex(addrOf(args[2] ?? 0))})`;
  if (cpuIndex >= numberOfCpus) {
    DEBUG(own, DEBUG_ERROR, 'CpuIndex(%d) >= gSmmCpuPrivate->SmmCoreEntryContext.NumberOfCpus(%d)\n', cpuIndex, numberOfCpus);
    return invalid(fw, out, `${call}: CpuIndex >= NumberOfCpus`);
  }
  if (cpuIndex === current) {
    DEBUG(own, DEBUG_ERROR, 'CpuIndex(%d) == gSmmCpuPrivate->SmmCoreEntryContext.CurrentlyExecutingCpu\n', cpuIndex);
    return invalid(fw, out, `${call}: CpuIndex is the CPU running this code`);
  }
  const i = Number(cpuIndex);
  if (!m.s.mp.present[i]) {
    if (m.s.mp.syncMode === 'traditional') DEBUG(own, DEBUG_ERROR, '!mSmmMpSyncData->CpuData[%d].Present\n', cpuIndex);
    return invalid(fw, out, `${call}: CPU${i} is not Present in this SMI`);
  }
  out.event = tag(lazyEv('handler', fw.cpu, () =>
    `${fw.mod.name}: ${call} = EFI_UNSUPPORTED: SmiScope cannot yet run a procedure on another CPU (upstream, MpService.c InternalSmmStartupThisAp hands it to CPU${i}, waiting in APHandler, and returns EFI_SUCCESS)`), { status: 'EFI_UNSUPPORTED' });
  return statusVal('EFI_UNSUPPORTED');
});

export const SMM_CPU_NATIVES: Record<string, NativeImpl> = { SmmReadSaveState, SmmWriteSaveState, SmmStartupThisAp };
