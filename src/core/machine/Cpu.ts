/**
 * One logical CPU: the registers a save-state map holds, SMBASE, SMM/halt flags, MSR_SMI_COUNT.
 * SMM entry and RSM follow QEMU TCG (facts §6.3, §6.4), KVM (facts §12.10) or an Intel 64
 * processor (facts §7, §10), as the layout says: the state goes through SMRAM bytes.
 */

import type { MemoryState } from './Memory';
import { createRegFile, REG, type RegFile, setReg } from './Registers';
import { ioMiscValue, type RetiredIo } from './IoMisc';
import { autoHaltRestart, decodeSaveState, encodeSaveState, type SaveStateLayout } from './SaveStateMap';
import { SMM_DEFAULT_SMBASE, SMM_HANDLER_OFFSET } from './SaveStateField';

/** What a CPU is doing at this point of the SMI (tile colour and label). */
export type CpuActivity =
  | 'os' // outside SMM, running the OS
  | 'smi-pending' // SMI# latched, not yet taken
  | 'saving-state' // writing the save-state map on SMM entry
  | 'rendezvous' // checked in, waiting for the BSP to be elected / APs to arrive
  | 'bsp' // elected BSP, running SmmEntryPoint
  | 'ap-wait' // AP in APHandler, waiting for the BSP's release
  | 'released' // released by the BSP, about to RSM
  | 'rsm' // executed RSM this step
  | 'hung'; // CpuDeadLoop (ASSERT) inside SMM

export interface CpuState {
  index: number;
  apicId: number;
  regs: RegFile;
  smbase: number;
  inSmm: boolean;
  halted: boolean;
  smiPending: boolean;
  nmiBlocked: boolean;
  /** MSR_SMI_COUNT (0x34): QEMU increments msr_smi_count on every SMM entry. */
  smiCount: number;
  /** MSR IA32_APIC_BASE (0x1B): base 0xFEE00000, bit 11 EN, bit 8 BSP (QEMU sets BSP on CPU#0 only). */
  apicBase: number;
  activity: CpuActivity;
  /**
   * The I/O instruction this CPU retired last, while nothing else has run since (null otherwise):
   * the OS-side OUT sets it (SmiLifecycle executeOut), SMM entry consumes it into the Intel map's
   * IOMisc (facts §7.5, §10.7), RSM and any other instruction clear it. Plain data, replaced whole.
   */
  lastIo: RetiredIo | null;
}

export const APIC_DEFAULT_BASE = 0xfee00000;
export const MSR_IA32_APICBASE_BSP = 1 << 8;
export const MSR_IA32_APICBASE_EN = 1 << 11;

export function createCpu(index: number): CpuState {
  const cpu: CpuState = {
    index,
    apicId: index,
    regs: createRegFile(),
    smbase: SMM_DEFAULT_SMBASE,
    inSmm: false,
    halted: false,
    smiPending: false,
    nmiBlocked: false,
    smiCount: 0,
    apicBase: (APIC_DEFAULT_BASE | MSR_IA32_APICBASE_EN | (index === 0 ? MSR_IA32_APICBASE_BSP : 0)) >>> 0,
    activity: 'os',
    lastIo: null,
  };
  resetRegs(cpu.regs);
  return cpu;
}

/** Power-on state (SDM Vol. 3A §9.1.1): real mode at F000:FFF0, CR0 = 0x60000010. */
export function resetRegs(r: RegFile): void {
  r.fill(0);
  setReg(r, REG.RIP, 0xfff0);
  setReg(r, REG.RFLAGS, 0x2);
  setReg(r, REG.CR0, 0x60000010);
  setReg(r, REG.DR7, 0x400);
  setReg(r, REG.DR6, 0xffff0ff0);
  setReg(r, REG.CS_SEL, 0xf000);
  setReg(r, REG.CS_BASE, 0xffff0000);
  for (const s of ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'] as const) {
    setReg(r, REG[`${s}_LIMIT`], 0xffff);
    setReg(r, REG[`${s}_ATTR`], 0x0093);
  }
  setReg(r, REG.GDTR_LIMIT, 0xffff);
  setReg(r, REG.IDTR_LIMIT, 0xffff);
}

/**
 * A 64-bit OS context (a Linux-like guest): long mode, flat segments, kernel stack per CPU.
 * Deterministic in the CPU index, so traces are reproducible.
 */
export function osRegs(r: RegFile, index: number, halted: boolean): void {
  r.fill(0);
  const k = 0xffffffff81000000n;
  setReg(r, REG.RIP, halted ? k + 0xe0a1b2n : k + 0x7c3d41n); // after HLT in the idle loop / after an OUT
  setReg(r, REG.RFLAGS, halted ? 0x246 : 0x206);
  setReg(r, REG.CR0, 0x80050033);
  setReg(r, REG.CR3, 0x10a8000 + index * 0x1000);
  setReg(r, REG.CR4, 0x3606f0);
  setReg(r, REG.EFER, 0xd01); // SCE | LME | LMA | NXE
  setReg(r, REG.DR7, 0x400);
  setReg(r, REG.DR6, 0xffff0ff0);
  setReg(r, REG.RSP, 0xffffc90000083e80n + BigInt(index) * 0x4000n);
  setReg(r, REG.RBP, 0xffffc90000083eb8n + BigInt(index) * 0x4000n);
  setReg(r, REG.RCX, index);
  setReg(r, REG.RDI, 0xffff888000000000n + BigInt(index) * 0x100n);
  setReg(r, REG.CS_SEL, 0x10);
  setReg(r, REG.CS_ATTR, 0xa09b);
  setReg(r, REG.CS_LIMIT, 0xffffffff);
  for (const s of ['ES', 'SS', 'DS', 'FS', 'GS'] as const) {
    setReg(r, REG[`${s}_SEL`], s === 'SS' ? 0x18 : 0);
    setReg(r, REG[`${s}_ATTR`], s === 'SS' ? 0xc093 : 0);
    setReg(r, REG[`${s}_LIMIT`], s === 'SS' ? 0xffffffff : 0);
  }
  setReg(r, REG.GS_BASE, 0xffff88807dc00000n + BigInt(index) * 0x40000n);
  setReg(r, REG.GDTR_LIMIT, 0x7f);
  setReg(r, REG.GDTR_BASE, 0xfffffe0000001000n + BigInt(index) * 0x10000n);
  setReg(r, REG.IDTR_LIMIT, 0xfff);
  setReg(r, REG.IDTR_BASE, 0xfffffe0000000000n);
  setReg(r, REG.TR_SEL, 0x40);
  setReg(r, REG.TR_ATTR, 0x008b);
  setReg(r, REG.TR_LIMIT, 0x4087);
  setReg(r, REG.TR_BASE, 0xfffffe0000003000n + BigInt(index) * 0x10000n);
}

/**
 * DXE-phase context (OVMF X64 before the OS): identity-mapped long mode, OVMF's GDT code selector
 * 0x38, the BSP in the DXE core, APs parked in the MP services' wait loop.
 */
export function dxeRegs(r: RegFile, index: number, halted: boolean): void {
  osRegs(r, index, halted);
  setReg(r, REG.RIP, halted ? 0x7fea4c5e : 0x7feb3d21);
  setReg(r, REG.RSP, 0x7ff9e7a8 - index * 0x8000);
  setReg(r, REG.RBP, 0);
  setReg(r, REG.RDI, 0);
  setReg(r, REG.CR3, 0x7fc01000);
  setReg(r, REG.CR4, 0x668);
  setReg(r, REG.EFER, 0x500); // LME | LMA
  setReg(r, REG.CS_SEL, 0x38);
  setReg(r, REG.CS_ATTR, 0xa09b);
  for (const s of ['SS', 'DS', 'ES', 'FS', 'GS'] as const) {
    setReg(r, REG[`${s}_SEL`], 0x30);
    setReg(r, REG[`${s}_ATTR`], 0xc093);
    setReg(r, REG[`${s}_LIMIT`], 0xffffffff);
    setReg(r, REG[`${s}_BASE`], 0);
  }
  setReg(r, REG.GDTR_LIMIT, 0x47);
  setReg(r, REG.GDTR_BASE, 0x7f9de000);
  setReg(r, REG.IDTR_LIMIT, 0xfff);
  setReg(r, REG.IDTR_BASE, 0x7f4e7018);
  setReg(r, REG.TR_SEL, 0);
  setReg(r, REG.TR_ATTR, 0);
  setReg(r, REG.TR_LIMIT, 0xffff);
  setReg(r, REG.TR_BASE, 0);
}

const CR0_PE = 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_PG = 0x80000000;

/**
 * Segment attributes on SMM entry, packed as the save-state map stores them ((flags >> 8) & 0xF0FF):
 * QEMU's do_smm_enter loads CS, DS, ES, SS, FS and GS with DESC_P | DESC_S | DESC_W | DESC_G |
 * DESC_A = 0x80 | 0x10 | 0x02 | 0x8000 | 0x01 (a 16-bit, 4 GiB, accessed read/write segment, not
 * 64-bit code); KVM's enter_smm builds the same (type 3, S, P, G) (facts §12.10).
 */
export const SMM_ENTRY_SEGMENT_ATTRIBUTES = 0x8093;

/**
 * do_smm_enter (QEMU TCG) / enter_smm (KVM) / an Intel CPU's SMI delivery: save state into SMRAM,
 * then load the SMM entry state (facts §6.3, §12.10, §10.8). KVM also sets the IDT base and limit
 * to 0 ("Undocumented: IDT limit is set to zero on entry to SMM"); TCG leaves the IDTR alone, and
 * so does the model of the Intel CPU (the SDM's entry state does not name the IDTR).
 */
export function smmEnter(cpu: CpuState, mem: MemoryState, layout: SaveStateLayout): void {
  cpu.smiCount++;
  cpu.inSmm = true;
  cpu.smiPending = false;
  cpu.nmiBlocked = true;
  // QEMU leaves HLT to take the SMI; RIP already points after the HLT and the AMD64 map's
  // auto-HALT restart byte is not written, so after RSM the CPU continues past the HLT. The Intel
  // map records the HLT in AutoHALTRestart bit 0 (RSM halts again while it is set, facts §10.5),
  // and the I/O instruction the SMI came right after in IOMisc (facts §7.5): consumed here.
  const autoHalt = cpu.halted ? 1 : 0;
  cpu.halted = false;
  const ioMisc = ioMiscValue(cpu.lastIo);
  cpu.lastIo = null;
  encodeSaveState(mem, cpu.smbase, cpu.regs, layout, ioMisc, autoHalt);
  const r = cpu.regs;
  set32(r, REG.EFER, 0);
  set32(r, REG.RFLAGS, 0x2);
  set32(r, REG.RIP, SMM_HANDLER_OFFSET);
  r[2 * REG.CR0] = (r[2 * REG.CR0] & ~(CR0_PE | CR0_EM | CR0_TS | CR0_PG)) >>> 0;
  set32(r, REG.CR4, 0);
  set32(r, REG.DR7, 0x400);
  set32(r, REG.CS_SEL, (cpu.smbase >>> 4) & 0xffff);
  set32(r, REG.CS_BASE, cpu.smbase);
  set32(r, REG.CS_LIMIT, 0xffffffff);
  set32(r, REG.CS_ATTR, SMM_ENTRY_SEGMENT_ATTRIBUTES);
  for (let i = 0; i < FLAT_SEGMENTS.length; i++) {
    const id = FLAT_SEGMENTS[i];
    set32(r, id, 0);
    set32(r, id + 1, SMM_ENTRY_SEGMENT_ATTRIBUTES); // _ATTR
    set32(r, id + 3, 0); // _BASE
    set32(r, id + 2, 0xffffffff); // _LIMIT
  }
  if (layout.accel === 'kvm') {
    set32(r, REG.IDTR_BASE, 0);
    set32(r, REG.IDTR_LIMIT, 0);
  }
}

/** A register loaded with a 32-bit value (upper half 0). */
function set32(r: Uint32Array, id: number, v: number): void {
  r[2 * id] = v >>> 0;
  r[2 * id + 1] = 0;
}

/** DS, ES, SS, FS, GS selector slots (SEL, ATTR, LIMIT, BASE are consecutive). */
const FLAT_SEGMENTS = [REG.DS_SEL, REG.ES_SEL, REG.SS_SEL, REG.FS_SEL, REG.GS_SEL];

/**
 * helper_rsm (QEMU TCG) / rsm_load_state_64 (KVM) / an Intel CPU's RSM: reload the state from
 * SMRAM bytes. SMBASE comes from the map when revision bit 17 is set (TCG, facts §6.4) or always
 * (KVM, facts §12.10; Intel, whose revision has bit 17). On the Intel map AutoHALTRestart bit 0
 * still set sends the CPU back into HLT (facts §10.5).
 */
export function rsm(cpu: CpuState, mem: MemoryState, layout: SaveStateLayout): void {
  const halt = autoHaltRestart(mem, cpu.smbase, layout);
  cpu.smbase = decodeSaveState(mem, cpu.smbase, cpu.regs, layout);
  cpu.inSmm = false;
  cpu.nmiBlocked = false;
  cpu.lastIo = null;
  if (halt) cpu.halted = true;
}
