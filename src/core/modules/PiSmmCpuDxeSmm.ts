/**
 * UefiCpuPkg/PiSmmCpuDxeSmm as OVMF builds it: EFI_MM_CPU_PROTOCOL Read/WriteSaveState (§3.4,
 * §5.1, §7.6). Its entry point (SMBASEs from PEI's HOB, the first-SMI InitializeSmm pass,
 * RegisterSmmEntry through EFI_SMM_CONFIGURATION_PROTOCOL) is in PiSmmCpuEntry.ts; SMBASE
 * relocation itself runs in PEI (SmmRelocationLib.ts). The rendezvous is in pi/MpSync.ts.
 */

import type { EfiStatus } from '../pi/EfiStatus';
import type { Machine } from '../machine/Machine';
import { readBytes, read32, writeBytes } from '../machine/Memory';
import { fieldByName, fieldAddress, readSaveStateField } from '../machine/SaveStateMap';
import { ev, type Fw, type Gen, hex } from '../pi/Fw';
import type { ModuleDef } from './ModuleDef';
import { piCpuSmmEntry } from './PiSmmCpuEntry';

export { SMM_PSD_OFFSET } from './PiSmmCpuEntry';

/** EFI_MM_SAVE_STATE_REGISTER numbers (MdePkg/Include/Protocol/MmCpu.h, facts §3.4). */
export const EFI_MM_SAVE_STATE_REGISTER: Record<string, number> = {
  GDTBASE: 4, IDTBASE: 5, LDTBASE: 6, GDTLIMIT: 7, IDTLIMIT: 8, LDTLIMIT: 9, LDTINFO: 10,
  ES: 20, CS: 21, SS: 22, DS: 23, FS: 24, GS: 25, LDTR_SEL: 26, TR_SEL: 27, DR7: 28, DR6: 29,
  R8: 30, R9: 31, R10: 32, R11: 33, R12: 34, R13: 35, R14: 36, R15: 37,
  RAX: 38, RBX: 39, RCX: 40, RDX: 41, RSP: 42, RBP: 43, RSI: 44, RDI: 45, RIP: 46,
  RFLAGS: 51, CR0: 52, CR3: 53, CR4: 54, IO: 512, LMA: 513, PROCESSOR_ID: 514,
};

/** Save-state field (AMD64 map) behind each architectural register number. */
const REGISTER_FIELD: Record<number, string> = {
  4: 'GDTR.Base', 5: 'IDTR.Base', 6: 'LDTR.Base', 7: 'GDTR.Limit', 8: 'IDTR.Limit', 9: 'LDTR.Limit',
  20: 'ES.Selector', 21: 'CS.Selector', 22: 'SS.Selector', 23: 'DS.Selector', 24: 'FS.Selector', 25: 'GS.Selector',
  26: 'LDTR.Selector', 27: 'TR.Selector', 28: 'DR7', 29: 'DR6',
  30: 'R8', 31: 'R9', 32: 'R10', 33: 'R11', 34: 'R12', 35: 'R13', 36: 'R14', 37: 'R15',
  38: 'RAX', 39: 'RBX', 40: 'RCX', 41: 'RDX', 42: 'RSP', 43: 'RBP', 44: 'RSI', 45: 'RDI', 46: 'RIP',
  51: 'RFLAGS', 52: 'CR0', 53: 'CR3', 54: 'CR4',
};

export function registerName(n: number): string {
  return Object.entries(EFI_MM_SAVE_STATE_REGISTER).find(([, v]) => v === n)?.[0] ?? String(n);
}

/** sizeof (EFI_MM_SAVE_STATE_IO_INFO) on X64: UINT64 IoData, UINT16 IoPort, two enums (padded). */
export const EFI_MM_SAVE_STATE_IO_INFO_SIZE = 24;

export type SaveStateRead =
  | { status: 'EFI_SUCCESS'; value: bigint; io?: { ioData: bigint; ioPort: number; ioWidth: number; ioType: number } }
  | { status: Exclude<EfiStatus, 'EFI_SUCCESS'>; why: string };

/** SmmReadSaveState + OVMF's MmSaveStateLib (AmdMmSaveStateLib), as a pure read of SMRAM bytes. */
export function readSaveState(m: Machine, width: number, register: number, cpuIndex: number): SaveStateRead {
  const s = m.s;
  if (cpuIndex < 0 || cpuIndex >= s.cpus.length) return { status: 'EFI_INVALID_PARAMETER', why: `CpuIndex ${cpuIndex} >= NumberOfCpus ${s.cpus.length}` };
  const cpu = s.cpus[cpuIndex];
  const present = s.mp.present[cpuIndex];
  if (register === EFI_MM_SAVE_STATE_REGISTER.PROCESSOR_ID) {
    if (width !== 8) return { status: 'EFI_INVALID_PARAMETER', why: 'PROCESSOR_ID needs Width 8' };
    if (!present) return { status: 'EFI_NOT_FOUND', why: `CPU${cpuIndex} is not present in this SMI` };
    return { status: 'EFI_SUCCESS', value: BigInt(cpu.apicId) };
  }
  if (!present) return { status: 'EFI_INVALID_PARAMETER', why: `CPU${cpuIndex} did not check in to this SMI (not Present)` };
  const smbase = cpu.smbase;
  const rev = Number(readSaveStateField(s.mem, smbase, fieldByName(m.layout, 'SMMRevId')!));
  if (register === EFI_MM_SAVE_STATE_REGISTER.LMA) {
    if (width !== 1) return { status: 'EFI_INVALID_PARAMETER', why: 'LMA needs Width 1' };
    return { status: 'EFI_SUCCESS', value: (rev & 0xffff) === 0 ? 32n : 64n };
  }
  if (register === EFI_MM_SAVE_STATE_REGISTER.IO) {
    // AmdMmSaveState.c: IO_DWord (0x7EC0) bit 1 = valid. QEMU TCG never writes it (facts §5.1, §11.3).
    const ioDword = read32(s.mem, fieldAddress(smbase, fieldByName(m.layout, 'IO_DWord')!));
    if (!(ioDword & 0x2)) return { status: 'EFI_NOT_FOUND', why: `IO_DWord (SMBASE+0xFEC0) = ${hex(ioDword, 8)}: bit 1 (valid) clear - QEMU does not describe the trapped OUT in the save state` };
    if (width < EFI_MM_SAVE_STATE_IO_INFO_SIZE) return { status: 'EFI_INVALID_PARAMETER', why: 'Width < sizeof (EFI_MM_SAVE_STATE_IO_INFO)' };
    const ioWidth = ioDword & 0x10 ? 0 : ioDword & 0x20 ? 1 : 2;
    const bytes = [1, 2, 4][ioWidth];
    const rax = readSaveStateField(s.mem, smbase, fieldByName(m.layout, 'RAX')!);
    return {
      status: 'EFI_SUCCESS',
      value: 0n,
      io: { ioData: rax & ((1n << BigInt(8 * bytes)) - 1n), ioPort: ioDword >>> 16, ioWidth, ioType: ioDword & 1 ? 1 : 2 },
    };
  }
  const name = REGISTER_FIELD[register];
  if (!name) return { status: register < 512 ? 'EFI_NOT_FOUND' : 'EFI_UNSUPPORTED', why: `register ${register} is not in the AMD64 save-state map` };
  if (![1, 2, 4, 8].includes(width)) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width}` };
  const fld = fieldByName(m.layout, name)!;
  const raw = readBytes(s.mem, fieldAddress(smbase, fld), width);
  let v = 0n;
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
  return { status: 'EFI_SUCCESS', value: v };
}

export function writeSaveState(m: Machine, width: number, register: number, cpuIndex: number, value: bigint): { status: EfiStatus; why: string } {
  const s = m.s;
  if (cpuIndex < 0 || cpuIndex >= s.cpus.length) return { status: 'EFI_INVALID_PARAMETER', why: `CpuIndex ${cpuIndex} >= NumberOfCpus` };
  if (!s.mp.present[cpuIndex]) return { status: 'EFI_INVALID_PARAMETER', why: `CPU${cpuIndex} did not check in to this SMI (not Present)` };
  if (register >= 512) return { status: 'EFI_INVALID_PARAMETER', why: 'pseudo-registers (IO, LMA, PROCESSOR_ID) cannot be written' };
  const name = REGISTER_FIELD[register];
  if (!name) return { status: 'EFI_NOT_FOUND', why: `register ${register} is not in the AMD64 save-state map` };
  if (![1, 2, 4, 8].includes(width)) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width}` };
  const fld = fieldByName(m.layout, name)!;
  const bytes = new Uint8Array(width);
  for (let i = 0; i < width; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  writeBytes(s.mem, fieldAddress(s.cpus[cpuIndex].smbase, fld), bytes);
  return { status: 'EFI_SUCCESS', why: `${name} @ ${hex(fieldAddress(s.cpus[cpuIndex].smbase, fld))}` };
}

/** EFI_MM_CPU_PROTOCOL.ReadSaveState as a service call a handler makes. */
export function* MmCpuReadSaveState(fw: Fw, width: number, register: number, cpuIndex: number): Gen<SaveStateRead> {
  const r = readSaveState(fw.m, width, register, cpuIndex);
  yield ev('handler', fw.cpu, `${fw.mod.name}: mMmCpu->ReadSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}) = ${r.status}${r.status === 'EFI_SUCCESS' ? `, ${hex(r.value)}` : ` (${r.why})`}`);
  return r;
}

export function* MmCpuWriteSaveState(fw: Fw, width: number, register: number, cpuIndex: number, value: bigint): Gen<EfiStatus> {
  const r = writeSaveState(fw.m, width, register, cpuIndex, value);
  yield ev('handler', fw.cpu, `${fw.mod.name}: mMmCpu->WriteSaveState (Width=${width}, ${registerName(register)}, CpuIndex=${cpuIndex}, ${hex(value)}) = ${r.status} (${r.why}); RSM will load it`);
  return r.status;
}

export const PiSmmCpuDxeSmm: ModuleDef = {
  name: 'PiSmmCpuDxeSmm',
  fileGuid: 'a3ff0ef5-0c28-42f5-b544-8c7de1e80014',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x23000,
  entry: piCpuSmmEntry,
  handlers: {},
  summary: 'UefiCpuPkg/PiSmmCpuDxeSmm: SMBASEs from the PEI HOB, first-SMI init, SMI entry and rendezvous, EFI_MM_CPU_PROTOCOL',
};
