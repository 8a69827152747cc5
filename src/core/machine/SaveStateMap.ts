/**
 * SMRAM save-state maps as field tables: encode a CPU's registers into SMRAM bytes on SMM entry,
 * decode them back on RSM, and describe the layout to the UI (which decodes the same bytes). The
 * field types and the map's place in SMRAM are in SaveStateField.ts; the index lists and loops
 * that do the copying are in SaveStateCopies.ts.
 *
 * Offsets count from SMBASE + 0x8000 as the SDM and edk2 headers do; the 0x400-byte map lives at
 * SMBASE + 0xFC00 (facts §7.1). The AMD64 layout is what QEMU TCG writes (facts §6.1, qemu
 * target/i386/tcg/system/smm_helper.c; edk2 MdePkg/Include/Register/Amd/SmramSaveStateMap.h).
 * With KVM the same map is written by the Linux kernel (arch/x86/kvm/smm.c, enter_smm), which
 * zeroes the whole 512-byte AMD64 area first and stores the control and debug registers as
 * 64-bit values (facts §12.10); that is a second layout with the same offsets. The third is the
 * Intel 64 map a real Intel processor writes (facts §7.2, §10; edk2
 * MdePkg/Include/Register/Intel/SmramSaveStateMap.h SMRAM_SAVE_STATE_MAP64).
 */

import { type MemoryState, PAGE_SIZE, pageView, writablePage } from './Memory';
import { REG, type RegFile, SEGMENTS, type RegName } from './Registers';
import { compileCopies, type FieldCopies, get, loadLoops, put, putIndexed, saveLoops, wordView } from './SaveStateCopies';
import {
  type FieldSource,
  KVM_SMRAM_IMAGE_OFFSET,
  KVM_SMRAM_IMAGE_SIZE,
  MAP_FIELD_BASE,
  SMM_HANDLER_OFFSET,
  SMRAM_SAVE_STATE_MAP_OFFSET,
  SMRAM_SAVE_STATE_MAP_SIZE,
  type SaveStateField,
  type SaveStateLayoutDesc,
  type SaveStateLayoutId,
} from './SaveStateField';

/** The accelerator that runs the vCPUs, and so writes the save state on SMM entry (`--accel`). */
export type Accel = 'tcg' | 'kvm';

export interface SaveStateLayout {
  id: SaveStateLayoutId;
  /** The QEMU accelerator that writes the map; null: the processor writes it (no QEMU involved). */
  accel: Accel | null;
  /** Who writes the map on SMM entry, with the upstream file and function. */
  writer: string;
  /** Who, in a few words, for "(not written by ...)" in the console. */
  writerShort: string;
  /** Bytes zeroed at SMBASE + KVM_SMRAM_IMAGE_OFFSET before the fields are written (0: none). */
  zeroOnEntry: number;
  /** RSM reloads SMBASE from the map: KVM and the Intel CPU always; QEMU TCG only when revision bit 17 is set in the map. */
  smbaseReloadAlways: boolean;
  /** The field table flattened for SMM entry and RSM, by width: see SaveStateCopies.ts compileCopies. */
  copies: FieldCopies;
  name: string;
  revision: number;
  smbaseOffset: number;
  revisionOffset: number;
  fields: SaveStateField[];
}

/** A layout a QEMU accelerator writes (the AMD64 maps). */
export type QemuSaveStateLayout = SaveStateLayout & { accel: Accel };

function f(name: string, offset: number, size: 1 | 2 | 4 | 8, source: FieldSource, written = true, restored = written, note?: string): SaveStateField {
  return { name, offset, size, source, written, restored, ...(note ? { note } : {}) };
}
const r = (n: RegName, half?: 'lo' | 'hi'): FieldSource => (half ? { reg: REG[n], half } : { reg: REG[n] });

function amd64Fields(): SaveStateField[] {
  const out: SaveStateField[] = [];
  SEGMENTS.forEach((s, i) => {
    const o = 0x7e00 + 16 * i;
    out.push(
      f(`${s}.Selector`, o, 2, r(`${s}_SEL` as RegName)),
      f(`${s}.Attributes`, o + 2, 2, r(`${s}_ATTR` as RegName), true, true, 'QEMU stores (flags >> 8) & 0xF0FF'),
      f(`${s}.Limit`, o + 4, 4, r(`${s}_LIMIT` as RegName)),
      f(`${s}.Base`, o + 8, 8, r(`${s}_BASE` as RegName)),
    );
  });
  out.push(
    f('GDTR.Limit', 0x7e64, 4, r('GDTR_LIMIT')),
    f('GDTR.Base', 0x7e68, 8, r('GDTR_BASE')),
    f('LDTR.Selector', 0x7e70, 2, r('LDTR_SEL')),
    f('LDTR.Attributes', 0x7e72, 2, r('LDTR_ATTR')),
    f('LDTR.Limit', 0x7e74, 4, r('LDTR_LIMIT')),
    f('LDTR.Base', 0x7e78, 8, r('LDTR_BASE')),
    f('IDTR.Limit', 0x7e84, 4, r('IDTR_LIMIT')),
    f('IDTR.Base', 0x7e88, 8, r('IDTR_BASE')),
    f('TR.Selector', 0x7e90, 2, r('TR_SEL')),
    f('TR.Attributes', 0x7e92, 2, r('TR_ATTR')),
    f('TR.Limit', 0x7e94, 4, r('TR_LIMIT')),
    f('TR.Base', 0x7e98, 8, r('TR_BASE')),
    f('IO_RIP', 0x7ea0, 8, 'none', false, false, 'not written by QEMU TCG'),
    f('IO_DWord', 0x7ec0, 4, 'none', false, false, 'SMM I/O trap info: QEMU TCG never writes it (do_smm_enter, target/i386/tcg/system/smm_helper.c), so ReadSaveState(IO) finds bit 1 (valid) clear -> EFI_NOT_FOUND (MmSaveStateReadRegister, UefiCpuPkg/Library/MmSaveStateLib/AmdMmSaveState.c)'),
    f('IORestart', 0x7ec8, 1, 'none', false, false, 'I/O instruction restart: not written by QEMU TCG'),
    f('AutoHALTRestart', 0x7ec9, 1, 'none', false, false, 'auto-HALT restart: not written by QEMU TCG'),
    f('EFER', 0x7ed0, 8, r('EFER'), true, true, "QEMU's comment questions this offset vs Intel's reserved 7EA0-7ED7"),
    f('SMMRevId', 0x7efc, 4, 'revision', true, false, 'bit 17 = SMBASE relocation supported; bit 16 (I/O restart) clear'),
    f('SMBASE', 0x7f00, 4, 'smbase', true, false, 'RSM reloads SMBASE from here because revision bit 17 is set'),
    f('CR4', 0x7f48, 4, r('CR4'), true, true, 'QEMU stores 32 bits (stl)'),
    f('CR3', 0x7f50, 8, r('CR3')),
    f('CR0', 0x7f58, 4, r('CR0'), true, true, 'QEMU stores 32 bits (stl)'),
    f('DR7', 0x7f60, 4, r('DR7')),
    f('DR6', 0x7f68, 4, r('DR6')),
    f('RFLAGS', 0x7f70, 4, r('RFLAGS'), true, true, 'QEMU stores the computed EFLAGS, 32 bits'),
    f('RIP', 0x7f78, 8, r('RIP')),
  );
  for (let n = 15; n >= 8; n--) out.push(f(`R${n}`, 0x7ff8 - n * 8, 8, r(`R${n}` as RegName)));
  out.push(
    f('RDI', 0x7fc0, 8, r('RDI')),
    f('RSI', 0x7fc8, 8, r('RSI')),
    f('RBP', 0x7fd0, 8, r('RBP')),
    f('RSP', 0x7fd8, 8, r('RSP')),
    f('RBX', 0x7fe0, 8, r('RBX')),
    f('RDX', 0x7fe8, 8, r('RDX')),
    f('RCX', 0x7ff0, 8, r('RCX')),
    f('RAX', 0x7ff8, 8, r('RAX')),
  );
  return out.sort((a, b) => a.offset - b.offset);
}
const amd64 = amd64Fields();

/**
 * The same map as KVM writes it (Linux arch/x86/kvm/smm.c enter_smm_save_state_64): every field
 * is in the zeroed 512-byte image, so the ones QEMU TCG leaves alone read 0; CR0, CR4, DR6 and
 * DR7 are stored as 64-bit values; RSM (rsm_load_state_64) reloads SMBASE unconditionally.
 */
function kvmFields(): SaveStateField[] {
  const wide = new Set(['CR0', 'CR4', 'DR6', 'DR7']);
  return amd64.map((fld) => {
    if (fld.source === 'none') {
      return { ...fld, written: true, note: `KVM zeroes it: enter_smm fills the 512-byte image at SMBASE+0xFE00 with 0 before writing the map, so it reads 0${fld.name === 'IO_DWord' ? ' (bit 1, valid, clear: ReadSaveState(IO) -> EFI_NOT_FOUND)' : ''}` };
    }
    if (wide.has(fld.name)) return { ...fld, size: 8 as const, note: 'KVM stores 64 bits' };
    if (fld.name === 'SMBASE') return { ...fld, note: 'RSM always reloads SMBASE from here with KVM (rsm_load_state_64), whatever the revision says' };
    return fld;
  });
}
const kvm = kvmFields();

/** QEMU x86_64 TCG: revision 0x00020064, SMBASE at 0x7F00 (facts §6.1, §5.2). */
export const AMD64_QEMU_LAYOUT: QemuSaveStateLayout = {
  id: 'amd64-qemu',
  accel: 'tcg',
  writer: 'QEMU TCG: do_smm_enter (qemu target/i386/tcg/system/smm_helper.c)',
  writerShort: 'QEMU',
  zeroOnEntry: 0,
  smbaseReloadAlways: false,
  copies: compileCopies('amd64-qemu', amd64),
  name: 'AMD64 (QEMU TCG, SMMRevId 0x00020064)',
  revision: 0x00020064,
  smbaseOffset: 0x7f00,
  revisionOffset: 0x7efc,
  fields: amd64,
};

/** QEMU + KVM: the kernel writes the map; same revision and offsets (facts §12.10). */
export const AMD64_KVM_LAYOUT: QemuSaveStateLayout = {
  id: 'amd64-kvm',
  accel: 'kvm',
  writer: 'KVM: enter_smm (Linux arch/x86/kvm/smm.c)',
  writerShort: 'QEMU',
  zeroOnEntry: KVM_SMRAM_IMAGE_SIZE,
  smbaseReloadAlways: true,
  copies: compileCopies('amd64-kvm', kvm),
  name: 'AMD64 (QEMU + KVM, SMMRevId 0x00020064)',
  revision: 0x00020064,
  smbaseOffset: 0x7f00,
  revisionOffset: 0x7efc,
  fields: kvm,
};

const HIDDEN = 'reserved area: where SmiScope keeps the hidden descriptor cache; the SDM does not document it';

/**
 * SMRAM_SAVE_STATE_MAP64 (facts §7.2; Intel SDM Vol. 3C Table 34-3; edk2
 * MdePkg/Include/Register/Intel/SmramSaveStateMap.h). The documented fields are at their real
 * offsets and sizes. The SDM says CR4 and the hidden parts of the segment registers are saved but
 * not readable; a real CPU keeps the hidden parts somewhere in the reserved bytes, so SmiScope puts
 * them in the reserved area 0x7C00..0x7DCF (its own offsets, each labelled) so that RSM gives the
 * OS its segments back exactly.
 */
function intel64Fields(): SaveStateField[] {
  const out: SaveStateField[] = [];
  SEGMENTS.forEach((s, i) => {
    const o = 0x7c00 + 16 * i;
    out.push(
      f(`${s}.Base`, o, 8, r(`${s}_BASE` as RegName), true, true, HIDDEN),
      f(`${s}.Limit`, o + 8, 4, r(`${s}_LIMIT` as RegName), true, true, HIDDEN),
      f(`${s}.Attributes`, o + 12, 4, r(`${s}_ATTR` as RegName), true, true, `${HIDDEN} (attributes packed as (flags >> 8) & 0xF0FF)`),
    );
  });
  out.push(
    f('LDTR.Limit', 0x7c60, 4, r('LDTR_LIMIT'), true, true, HIDDEN),
    f('LDTR.Attributes', 0x7c64, 4, r('LDTR_ATTR'), true, true, HIDDEN),
    f('TR.Base', 0x7c68, 8, r('TR_BASE'), true, true, HIDDEN),
    f('TR.Limit', 0x7c70, 4, r('TR_LIMIT'), true, true, HIDDEN),
    f('TR.Attributes', 0x7c74, 4, r('TR_ATTR'), true, true, HIDDEN),
    f('GDTR.Limit', 0x7c78, 4, r('GDTR_LIMIT'), true, true, HIDDEN),
    f('IDTR.Limit', 0x7c7c, 4, r('IDTR_LIMIT'), true, true, HIDDEN),
    f('GdtBaseHiDword', 0x7dd0, 4, r('GDTR_BASE', 'hi'), true, true, 'GDTR base, upper 32 bits (the lower half is GdtBaseLoDword at 0x7E8C)'),
    f('LdtBaseHiDword', 0x7dd4, 4, r('LDTR_BASE', 'hi'), true, true, 'LDTR base, upper 32 bits (the lower half is LdtBaseLoDword at 0x7E9C)'),
    f('IdtBaseHiDword', 0x7dd8, 4, r('IDTR_BASE', 'hi'), true, true, 'IDTR base, upper 32 bits (the lower half is IdtBaseLoDword at 0x7E94)'),
    f('IO_EIP', 0x7de8, 8, 'zero', true, false, "edk2's name; Intel's BIOS writer's guides (as coreboot's em64t101_save_state.h copies them) call it io_rip, among the registers an I/O instruction restart needs. Neither source says what the CPU writes here, and SmiScope does not model the restart, so it writes 0"),
    f('CR4', 0x7e40, 4, r('CR4'), true, true, 'the SDM counts CR4 among the registers saved but not readable; the edk2 map has it here, 32 bits'),
    f('GdtBaseLoDword', 0x7e8c, 4, r('GDTR_BASE', 'lo'), true, true, 'GDTR base, lower 32 bits'),
    f('IdtBaseLoDword', 0x7e94, 4, r('IDTR_BASE', 'lo'), true, true, 'IDTR base, lower 32 bits'),
    f('LdtBaseLoDword', 0x7e9c, 4, r('LDTR_BASE', 'lo'), true, true, 'LDTR base, lower 32 bits'),
    f('EptVmxControl', 0x7ed8, 8, 'none', false, false, 'EPTP: saved only when the SMI arrives in VMX non-root operation with "enable EPT" set (SDM, SMI delivery under VMX); SmiScope runs no VMX guest, so the bytes keep what SMRAM held'),
    f('EnEptVmxControl', 0x7ee0, 4, 'zero', true, false, '"enable EPT" VM-execution control: the CPU saves 0 in bit 0 when the SMI did not arrive in VMX non-root operation (SmiScope writes the whole dword as 0)'),
    f('SMBASE', 0x7ef8, 4, 'smbase', true, false, 'writable: RSM reloads SMBASE from here (revision bit 17, SMBASE relocation, is set)'),
    f('SMMRevId', 0x7efc, 4, 'revision', true, false, '0x00030064: revision level 0x0064, bit 16 = I/O instruction restart, bit 17 = SMBASE relocation; >= 0x30004 (SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC), so IOMisc is there'),
    f('IORestart', 0x7f00, 2, 'zero', true, false, 'I/O instruction restart: the CPU writes 0 on entry; 0xFF here at RSM would re-execute the I/O instruction (SmiScope does not model that: nothing writes 0xFF)'),
    f('AutoHALTRestart', 0x7f02, 2, 'autoHalt', true, false, 'bit 0 = 1 when the SMI interrupted HLT; RSM reads it: bit 0 still set puts the CPU back into the HALT state, cleared lets it run on after the HLT'),
  );
  for (let n = 15; n >= 8; n--) out.push(f(`R${n}`, 0x7f1c + (15 - n) * 8, 8, r(`R${n}` as RegName)));
  (['RAX', 'RCX', 'RDX', 'RBX', 'RSP', 'RBP', 'RSI', 'RDI'] as const).forEach((n, i) => out.push(f(n, 0x7f5c + 8 * i, 8, r(n))));
  out.push(
    f('IOMemAddr', 0x7f9c, 8, 'zero', true, false, 'I/O memory address field (valid only with SmiFlag set); the modelled OUT DX, AL|AX|EAX has no memory operand, so SmiScope writes 0'),
    f('IOMisc', 0x7fa4, 4, 'ioMisc', true, false, 'I/O state: SmiFlag (bit 0), Length (3:1), Type (7:4), Port (31:16). Set only on the CPU whose I/O instruction the SMI came right after; 0 on the others'),
  );
  SEGMENTS.forEach((s, i) => out.push(f(`${s}.Selector`, 0x7fa8 + 4 * i, 4, r(`${s}_SEL` as RegName))));
  out.push(
    f('LDTR.Selector', 0x7fc0, 4, r('LDTR_SEL')),
    f('TR.Selector', 0x7fc4, 4, r('TR_SEL')),
    f('DR7', 0x7fc8, 8, r('DR7')),
    f('DR6', 0x7fd0, 8, r('DR6')),
    f('RIP', 0x7fd8, 8, r('RIP')),
    f('IA32_EFER', 0x7fe0, 8, r('EFER')),
    f('RFLAGS', 0x7fe8, 8, r('RFLAGS')),
    f('CR3', 0x7ff0, 8, r('CR3')),
    f('CR0', 0x7ff8, 8, r('CR0')),
  );
  return out.sort((a, b) => a.offset - b.offset);
}
const intel64 = intel64Fields();

/**
 * An Intel 64 processor's own map (facts §7, §10): SMMRevId 0x00030064. The CPU knows its revision,
 * so its RSM reloads SMBASE (bit 17 set) without re-reading the revision from SMRAM.
 */
export const INTEL64_LAYOUT: SaveStateLayout = {
  id: 'intel64',
  accel: null,
  writer: "the processor (Intel SDM Vol. 3C 'SMRAM State Save Map')",
  writerShort: 'the processor',
  zeroOnEntry: 0,
  smbaseReloadAlways: true,
  copies: compileCopies('intel64', intel64),
  name: 'Intel 64 (SMMRevId 0x00030064)',
  revision: 0x00030064,
  smbaseOffset: 0x7ef8,
  revisionOffset: 0x7efc,
  fields: intel64,
};

export function layoutById(id: SaveStateLayout['id']): SaveStateLayout {
  switch (id) {
    case 'amd64-qemu':
      return AMD64_QEMU_LAYOUT;
    case 'amd64-kvm':
      return AMD64_KVM_LAYOUT;
    case 'intel64':
      return INTEL64_LAYOUT;
  }
}

export function layoutForAccel(accel: Accel): QemuSaveStateLayout {
  return accel === 'kvm' ? AMD64_KVM_LAYOUT : AMD64_QEMU_LAYOUT;
}

/** What the accelerator means for the fields the CPU does not save (for the UI and `savestate`). */
export function accelNote(l: SaveStateLayout): string {
  if (l.accel === null) {
    return 'The processor wrote this map (Intel SDM Vol. 3C, SMRAM State Save Map for Intel 64): IOMisc describes the I/O instruction the SMI came right after (SmiFlag set on that CPU only); the hidden segment parts sit in the reserved area from 0x7C00 (SmiScope\'s offsets); RSM reloads SMBASE (revision bit 17) and halts the CPU again while AutoHALTRestart bit 0 is set.';
  }
  return l.accel === 'kvm'
    ? 'KVM wrote this map (Linux arch/x86/kvm/smm.c enter_smm): it zeroes the 512 bytes at SMBASE+0xFE00 first, so IO_DWord, IORestart and AutoHALTRestart read 0; RSM always reloads SMBASE.'
    : 'QEMU TCG wrote this map (target/i386/tcg/system/smm_helper.c do_smm_enter): fields it does not save (IO_DWord, IORestart, AutoHALTRestart) keep whatever SMRAM held before; RSM reloads SMBASE only when revision bit 17 is set.';
}

export function describeLayout(l: SaveStateLayout): SaveStateLayoutDesc {
  return {
    name: l.name,
    accel: l.accel,
    writer: l.writer,
    accelNote: accelNote(l),
    revision: l.revision,
    mapOffset: SMRAM_SAVE_STATE_MAP_OFFSET,
    mapSize: SMRAM_SAVE_STATE_MAP_SIZE,
    fields: l.fields.map(({ name, offset, size, written, restored, note }) => ({ name, offset, size, written, restored, ...(note ? { note } : {}) })),
  };
}

export function fieldByName(l: SaveStateLayout, name: string): SaveStateField | undefined {
  const n = name.toUpperCase();
  return l.fields.find((x) => x.name.toUpperCase() === n);
}

/** Physical address of a field: SMBASE + 0x8000 + offset. */
export function fieldAddress(smbase: number, field: { offset: number }): number {
  return smbase + SMM_HANDLER_OFFSET + field.offset;
}

/**
 * SMM entry: the CPU writes its state into the map at SMBASE + 0xFC00 (only the fields it writes;
 * with KVM the 512-byte image at SMBASE + 0xFE00 is zeroed first). `ioMisc` and `autoHalt` are the
 * values for the layout's IOMisc and AutoHALTRestart fields, where it has them (the Intel map).
 */
export function encodeSaveState(mem: MemoryState, smbase: number, regs: RegFile, l: SaveStateLayout, ioMisc = 0, autoHalt = 0): void {
  const addr = smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
  if ((addr & (PAGE_SIZE - 1)) + SMRAM_SAVE_STATE_MAP_SIZE > PAGE_SIZE) throw new Error(`save-state map at 0x${addr.toString(16)} crosses a page`);
  const page = writablePage(mem, Math.floor(addr / PAGE_SIZE));
  const base = (addr & (PAGE_SIZE - 1)) + page.byteOffset;
  const { u8: bytes, w32, w16 } = wordView(page);
  if (l.zeroOnEntry) {
    const at = base + KVM_SMRAM_IMAGE_OFFSET - SMRAM_SAVE_STATE_MAP_OFFSET;
    bytes.fill(0, at, at + l.zeroOnEntry);
  }
  const c = l.copies;
  if (c.unrolled !== null) c.unrolled.save(bytes, w32, w16, regs, base);
  else saveLoops(c, bytes, w32, w16, regs, base);
  if (c.smbase[0] >= 0) putIndexed(bytes, w32, w16, base, c.smbase[0], c.smbase[1], smbase >>> 0);
  if (c.revision[0] >= 0) putIndexed(bytes, w32, w16, base, c.revision[0], c.revision[1], l.revision);
  if (c.ioMisc[0] >= 0) putIndexed(bytes, w32, w16, base, c.ioMisc[0], c.ioMisc[1], ioMisc >>> 0);
  if (c.autoHalt[0] >= 0) putIndexed(bytes, w32, w16, base, c.autoHalt[0], c.autoHalt[1], autoHalt);
  const z = c.zeros;
  for (let i = 0; i < z.length; i += 2) bytes.fill(0, base + z[i], base + z[i] + z[i + 1]);
}

/** RSM: reload the restored fields from SMRAM bytes; returns the SMBASE the CPU uses afterwards. */
export function decodeSaveState(mem: MemoryState, smbase: number, regs: RegFile, l: SaveStateLayout): number {
  const v = pageView(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, false);
  const base = v.base + v.bytes.byteOffset;
  const { u8: bytes, w32, w16 } = wordView(v.bytes);
  const c = l.copies;
  if (c.unrolled !== null) c.unrolled.load(bytes, w32, w16, regs, base);
  else loadLoops(c, bytes, w32, w16, regs, base);
  const rev = w32[(base + l.revisionOffset - MAP_FIELD_BASE) >> 2];
  // helper_rsm: SMBASE is reloaded only when revision bit 17 (SMBASE relocation) is set (facts §6.4);
  // KVM's rsm_load_state_64 reloads it unconditionally (facts §12.10); an Intel CPU knows its own
  // revision (bit 17 set) and reloads it too (facts §10.4).
  if (l.smbaseReloadAlways || rev & 0x20000) return w32[(base + l.smbaseOffset - MAP_FIELD_BASE) >> 2];
  return smbase;
}

/**
 * RSM on a layout with AutoHALTRestart written by the CPU (the Intel map): bit 0 still set means
 * the CPU goes back into the HALT state (facts §10.5). False for the AMD64 layouts, whose RSM
 * (QEMU helper_rsm, KVM) does not look at it.
 */
export function autoHaltRestart(mem: MemoryState, smbase: number, l: SaveStateLayout): boolean {
  const [idx, size] = l.copies.autoHalt;
  if (idx < 0) return false;
  const v = pageView(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, false);
  return (v.bytes[v.base + idx * size] & 1) === 1;
}

/** The IOMisc dword of the map at `smbase`, or null when the layout has none (the AMD64 maps). */
export function readIoMisc(mem: MemoryState, smbase: number, l: SaveStateLayout): number | null {
  const [idx] = l.copies.ioMisc;
  if (idx < 0) return null;
  const v = pageView(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, false);
  const at = v.base + 4 * idx;
  return (v.bytes[at] | (v.bytes[at + 1] << 8) | (v.bytes[at + 2] << 16) | (v.bytes[at + 3] << 24)) >>> 0;
}

/** Read one field as a bigint from SMRAM bytes. */
export function readSaveStateField(mem: MemoryState, smbase: number, fld: SaveStateField): bigint {
  const v = pageView(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, false);
  const base = v.base + v.bytes.byteOffset;
  const { u8: bytes, w32, w16 } = wordView(v.bytes);
  const [lo, hi] = get(bytes, w32, w16, base + fld.offset - MAP_FIELD_BASE, fld.size);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function writeSaveStateField(mem: MemoryState, smbase: number, fld: SaveStateField, v: bigint): void {
  const pv = pageView(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE);
  const base = pv.base + pv.bytes.byteOffset;
  const b = BigInt.asUintN(64, v);
  const { u8: bytes, w32, w16 } = wordView(pv.bytes);
  put(bytes, w32, w16, base + fld.offset - MAP_FIELD_BASE, fld.size, Number(b & 0xffffffffn), Number(b >> 32n));
}

/** Register field of this layout that holds `reg` (for EFI_MM_CPU_PROTOCOL Read/WriteSaveState). */
export function fieldForReg(l: SaveStateLayout, reg: number): SaveStateField | undefined {
  return l.fields.find((x) => typeof x.source === 'object' && x.source.reg === reg);
}
