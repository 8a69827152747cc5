/**
 * EFI_MM_CPU_PROTOCOL.ReadSaveState / WriteSaveState: PiSmmCpuDxeSmm's SmmReadSaveState /
 * SmmWriteSaveState (UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuCommon.c) in front of a MmSaveStateLib,
 * which reads and writes the save-state bytes in SMRAM through its `mCpuWidthOffset` table. The
 * library is the one the machine's CPU calls for: the AMD lib (AmdMmSaveState.ts, mapped in
 * OvmfPkg/OvmfPkgX64.dsc) for the AMD64 map QEMU writes, the Intel lib (IntelMmSaveState.ts) for
 * the Intel 64 map. Facts §12.7 (write rules, Present quirk, LMA), §5.1 and §7.6 (IO), §3.4.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import type { Machine } from '../pi/Platform';
import { type Fw } from '../pi/Platform';
import { type Gen, hex, lazyEv, type TraceEvent } from '../pi/Fw';
import { outCpuOf } from '../pi/SmiRecord';
import { AMD_MM_SAVE_STATE_LIB } from './AmdMmSaveState';
import { INTEL_MM_SAVE_STATE_LIB } from './IntelMmSaveState';
import { EFI_MM_SAVE_STATE_REGISTER, type MmSaveStateLib, registerName, type SaveStateRead, type SaveStateWrite } from './MmSaveStateCommon';

export {
  EFI_MM_SAVE_STATE_IO_INFO_SIZE,
  EFI_MM_SAVE_STATE_REGISTER,
  EFI_MM_SAVE_STATE_REGISTER_LMA_64BIT,
  type IoInfo,
  registerName,
  type SaveStateLookupEntry,
  type SaveStateRead,
  type SaveStateWrite,
} from './MmSaveStateCommon';
export { lookupSaveStateRegister, MM_CPU_WIDTH_OFFSET } from './AmdMmSaveState';

const R = EFI_MM_SAVE_STATE_REGISTER;
const PI_SMM_CPU_COMMON = 'UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuCommon.c';

/** The MmSaveStateLib PiSmmCpuDxeSmm is linked with on this machine: Intel for the Intel 64 map, else AMD (OVMF). */
export function mmSaveStateLib(m: Machine): MmSaveStateLib {
  return m.layout.id === 'intel64' ? INTEL_MM_SAVE_STATE_LIB : AMD_MM_SAVE_STATE_LIB;
}

/** SmmReadSaveState (PiSmmCpuCommon.c) + MmSaveStateReadRegister (the machine's lib), a pure read of SMRAM bytes. */
export function readSaveState(m: Machine, width: number, register: number, cpuIndex: number): SaveStateRead {
  const s = m.s;
  if (cpuIndex < 0 || cpuIndex >= s.cpus.length) return { status: 'EFI_INVALID_PARAMETER', why: `CpuIndex ${cpuIndex} >= gMmst->NumberOfCpus ${s.cpus.length}` };
  const cpu = s.cpus[cpuIndex];
  // SmmReadSaveState dereferences the Present pointer here (unlike SmmWriteSaveState).
  const present = s.mp.present[cpuIndex];
  if (register === R.PROCESSOR_ID) {
    if (width !== 8) return { status: 'EFI_INVALID_PARAMETER', why: 'PROCESSOR_ID needs Width 8 (sizeof (UINT64))' };
    if (!present) return { status: 'EFI_NOT_FOUND', why: `*CpuData[${cpuIndex}].Present is FALSE: CPU${cpuIndex} is not in this SMI` };
    return { status: 'EFI_SUCCESS', value: BigInt(cpu.apicId) };
  }
  if (!present) return { status: 'EFI_INVALID_PARAMETER', why: `*CpuData[${cpuIndex}].Present is FALSE: CPU${cpuIndex} did not check in to this SMI` };
  return mmSaveStateLib(m).readRegister(m, cpu.smbase, register, width);
}

/** SmmWriteSaveState (PiSmmCpuCommon.c) + MmSaveStateWriteRegister (the machine's lib), on SMRAM bytes. */
export function writeSaveState(m: Machine, width: number, register: number, cpuIndex: number, value: bigint): SaveStateWrite {
  const s = m.s;
  if (cpuIndex < 0 || cpuIndex >= s.cpus.length) return { status: 'EFI_INVALID_PARAMETER', why: `CpuIndex ${cpuIndex} >= gMmst->NumberOfCpus ${s.cpus.length}`, written: false };
  if (register === R.PROCESSOR_ID) return { status: 'EFI_SUCCESS', why: 'writes to PROCESSOR_ID are ignored', written: false };
  // `if (!mSmmMpSyncData->CpuData[CpuIndex].Present)` tests the POINTER (never NULL), not the
  // BOOLEAN it points to, so a CPU that is not in this SMI is never rejected here.
  const cpu = s.cpus[cpuIndex];
  const quirk = s.mp.present[cpuIndex]
    ? undefined
    : cpu.inSmm
      ? `upstream quirk (${PI_SMM_CPU_COMMON} SmmWriteSaveState tests the Present pointer, not *Present): CPU${cpuIndex} has not checked in to this SMI but is in SMM, so the write lands and its RSM loads it`
      : `upstream quirk (${PI_SMM_CPU_COMMON} SmmWriteSaveState tests the Present pointer, not *Present): CPU${cpuIndex} is not in this SMI, yet the write goes ahead into its save state; nothing loads it, and CPU${cpuIndex}'s next SMM entry overwrites it`;
  const r = mmSaveStateLib(m).writeRegister(m, cpu.smbase, register, width, value);
  return quirk && r.status === 'EFI_SUCCESS' ? { ...r, quirk } : r;
}

/** " [file]" when a library other than OVMF's AMD one answered (the Intel lib names itself). */
function libTag(r: { lib?: string }): string {
  return r.lib ? ` [${r.lib}]` : '';
}

/** EFI_MM_CPU_PROTOCOL.ReadSaveState as a service call a handler makes. */
export function* MmCpuReadSaveState(fw: Fw, width: number, register: number, cpuIndex: number): Gen<SaveStateRead> {
  const r = readSaveState(fw.m, width, register, cpuIndex);
  yield readSaveStateEvent(fw, width, register, cpuIndex, r);
  return r;
}

/** The event of a ReadSaveState call that answered `r` (its text made only when read). */
export function readSaveStateEvent(fw: Fw, width: number, register: number, cpuIndex: number, r: SaveStateRead): TraceEvent {
  return lazyEv('handler', fw.cpu, () =>
    `${fw.mod.name}: mMmCpu->ReadSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}) = ${r.status}${r.status === 'EFI_SUCCESS' ? `, ${r.io && r.lib ? 'IoInfo' : hex(r.value)}${r.note ? ` (${r.note})` : ''}` : ` (${r.why})`}${libTag(r)}`);
}

/**
 * What the model knows and the handler cannot: an answer in RAX reaches the program that raised a
 * software SMI only if it goes to the CPU that executed the OUT to 0xB2 (SmiScope's note, not
 * firmware text).
 */
function callerNote(out: number | null, register: number, cpuIndex: number): string {
  if (register !== R.RAX || out === null || out === cpuIndex) return '';
  return `. The OUT to 0xB2 came from CPU${out}: its saved RAX is not written, so that caller gets nothing back (real drivers answer through a Communicate buffer instead)`;
}

/** EFI_MM_CPU_PROTOCOL.WriteSaveState; the event says whether RSM will load the value. */
export function* MmCpuWriteSaveState(fw: Fw, width: number, register: number, cpuIndex: number, value: bigint): Gen<EfiStatus> {
  const r = writeSaveStateNow(fw, width, register, cpuIndex, value);
  yield r.event;
  return r.status;
}

/** MmCpuWriteSaveState's work (the write) and the event it yields after it, for a caller that yields the event itself. */
export function writeSaveStateNow(fw: Fw, width: number, register: number, cpuIndex: number, value: bigint): { status: EfiStatus; event: TraceEvent } {
  const r = writeSaveState(fw.m, width, register, cpuIndex, value);
  const out = outCpuOf(fw.m.s.currentSmi); // now: the text is made later, when the SMI may be over
  const event = lazyEv('handler', fw.cpu, () => {
    const head = `${fw.mod.name}: mMmCpu->WriteSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}, ${hex(value)}) = ${r.status} (${r.why})${libTag(r)}`;
    if (r.quirk) return `${head}; ${r.quirk}`;
    return r.written ? `${head}; RSM will load it${callerNote(out, register, cpuIndex)}` : head;
  });
  return { status: r.status, event };
}

