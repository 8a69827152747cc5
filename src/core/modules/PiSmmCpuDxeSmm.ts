/**
 * UefiCpuPkg/PiSmmCpuDxeSmm as OVMF builds it: SMBASE relocation (facts §5.3, §7.7), the first-SMI
 * InitializeSmm pass (§8.2.1), EFI_MM_CPU_PROTOCOL Read/WriteSaveState (§3.4, §5.1, §7.6), and
 * RegisterSmmEntry through EFI_SMM_CONFIGURATION_PROTOCOL (§8.5). The rendezvous is in pi/MpSync.ts.
 */

import type { EfiStatus } from '../pi/EfiStatus';
import { rsm, smmEnter } from '../machine/Cpu';
import { addRegion, type Machine } from '../pi/Platform';
import { readBytes, read32, writeBytes } from '../machine/Memory';
import { REG } from '../machine/Registers';
import { fieldByName, fieldAddress, readSaveStateField, SMM_DEFAULT_SMBASE, SMM_HANDLER_OFFSET, SMRAM_SAVE_STATE_MAP_OFFSET, writeSaveStateField } from '../machine/SaveStateMap';
import { DEBUG, DEBUG_INFO } from '../pi/Debug';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw } from '../pi/Platform';
import { GUIDS } from '../pi/Guid';
import { installUefiProtocol, SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import { smmAllocatePages } from '../pi/SmramAlloc';
import type { ModuleDef } from '../pi/Platform';
import { smmIplSmmConfigurationEventNotify } from './PiSmmIpl';

export const SMM_PSD_OFFSET = 0xfb00;
const TILE_SIZE = 0x2000; // SmmRelocationLib: TileSize = SIZE_8KB
/** Bytes of SMI entry code per tile in this model (real stubs must fit below 0x1B00 of the slot). */
const SMI_ENTRY_CODE_SIZE = 0x1000;

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

/** One SMI IPI during boot: enter at the CPU's SMBASE, run `body` in SMM, RSM. */
function* ipiSmi(fw: Fw, cpuIndex: number, what: string, body: () => string): Gen<void> {
  const { m } = fw;
  const cpu = m.s.cpus[cpuIndex];
  smmEnter(cpu, m.s.mem, m.layout);
  const text = body();
  rsm(cpu, m.s.mem, m.layout);
  yield ev('save-state', cpuIndex, `${what}: CPU${cpuIndex} entered SMM (MSR_SMI_COUNT=${cpu.smiCount}); ${text}; RSM`);
}

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const s = m.s;
  const n = s.cpus.length;
  // Relocation region: pages (32 KB + 8 KB * (n - 1)); SmBase[i] = Start + i * 0x2000 - 0x8000 (facts §5.3, §7.7).
  const size = 0x8000 + TILE_SIZE * (n - 1);
  const start = smmAllocatePages(m, size, null);
  if (start === null) return 'EFI_OUT_OF_RESOURCES';
  s.mp.smBase = s.cpus.map((_, i) => start + i * TILE_SIZE - SMM_HANDLER_OFFSET);
  for (let i = 0; i < n; i++) {
    const sb = s.mp.smBase[i];
    addRegion(m, { base: sb + SMM_HANDLER_OFFSET, size: SMI_ENTRY_CODE_SIZE, kind: 'smi-entry', label: `CPU${i} SMI entry (SMBASE+0x8000)`, cpu: i });
    addRegion(m, { base: sb + SMM_PSD_OFFSET, size: 0x100, kind: 'psd', label: `CPU${i} PSD (SMBASE+0xFB00)`, cpu: i });
    addRegion(m, { base: sb + SMRAM_SAVE_STATE_MAP_OFFSET, size: 0x400, kind: 'save-state', label: `CPU${i} save state (SMBASE+0xFC00)`, cpu: i });
  }

  // SmmRelocationLib: back up 0x38000, install the init stub, relocate APs first, BSP last.
  const stubAddr = SMM_DEFAULT_SMBASE + SMM_HANDLER_OFFSET;
  const backup = readBytes(s.mem, stubAddr, 0x100);
  const order = [...s.cpus.keys()].filter((i) => i !== 0).concat([0]);
  for (const i of order) {
    const cpu = s.cpus[i];
    if (cpu.smbase !== SMM_DEFAULT_SMBASE) continue;
    yield* ipiSmi(fw, i, 'SMBASE relocation', () => {
      // ConfigureSmBase: the 64-bit map (SMMRevId & 0xFFFF != 0) has SMBASE at 0x7F00.
      writeSaveStateField(s.mem, cpu.smbase, fieldByName(m.layout, 'SMBASE')!, BigInt(s.mp.smBase[i]));
      return `init stub at 0x38000 wrote SMBASE=${hex(s.mp.smBase[i])} into the map at 0x3FF00`;
    });
  }
  writeBytes(s.mem, stubAddr, backup);
  s.mp.relocated = true;
  for (let i = 0; i < n; i++) {
    DEBUG(fw, DEBUG_INFO, 'CPU[%03x]  APIC ID=%04x  SMBASE=%08x  SaveState=%08x  Size=%08x\n',
      i, s.cpus[i].apicId, s.mp.smBase[i], s.mp.smBase[i] + SMRAM_SAVE_STATE_MAP_OFFSET, 0x400);
  }

  // ExecuteFirstSmiInit: one SMI per CPU at its new SMBASE runs InitializeSmm() only.
  for (let i = 0; i < n; i++) {
    yield* ipiSmi(fw, i, 'First SMI', () => {
      s.mp.smmInitialized[i] = true;
      return '!mSmmInitialized -> InitializeSmm() only';
    });
  }

  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuProtocolGuid);
  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuServiceProtocolGuid);
  // EFI_SMM_CONFIGURATION_PROTOCOL goes to the UEFI database; PiSmmIpl's notify calls RegisterSmmEntry.
  installUefiProtocol(fw, GUIDS.gEfiSmmConfigurationProtocolGuid);
  yield* smmIplSmmConfigurationEventNotify(fw);
  void REG;
  return 'EFI_SUCCESS';
}

export const PiSmmCpuDxeSmm: ModuleDef = {
  name: 'PiSmmCpuDxeSmm',
  fileGuid: 'a3ff0ef5-0c28-42f5-b544-8c7de1e80014',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x2d000,
  entry,
  handlers: {},
  summary: 'UefiCpuPkg/PiSmmCpuDxeSmm: SMBASE relocation, SMI entry and rendezvous, EFI_MM_CPU_PROTOCOL',
};
