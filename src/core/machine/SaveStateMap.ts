/**
 * SMRAM save-state maps as field tables: encode a CPU's registers into SMRAM bytes on SMM entry,
 * decode them back on RSM, and describe the layout to the UI (which decodes the same bytes).
 *
 * Offsets count from SMBASE + 0x8000 as the SDM and edk2 headers do; the 0x400-byte map lives at
 * SMBASE + 0xFC00 (facts §7.1). The AMD64 layout is what QEMU TCG writes (facts §6.1, qemu
 * target/i386/tcg/system/smm_helper.c; edk2 MdePkg/Include/Register/Amd/SmramSaveStateMap.h).
 * With KVM the same map is written by the Linux kernel (arch/x86/kvm/smm.c, enter_smm), which
 * zeroes the whole 512-byte AMD64 area first and stores the control and debug registers as
 * 64-bit values (facts §12.10); that is a second layout with the same offsets.
 */

import { type MemoryState, PAGE_SIZE, pageView, writablePage } from './Memory';
import { REG, type RegFile, SEGMENTS, type RegName } from './Registers';

/** One save-state map field, described as data so the UI can decode it from bytes. */
export interface SaveStateFieldDesc {
  name: string;
  /** Offset from SMBASE + 0x8000 (as the SDM and edk2 headers count). */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** Written on SMM entry (QEMU TCG writes only some fields of the AMD64 map; KVM zeroes the rest). */
  written: boolean;
  /** Restored by RSM. */
  restored: boolean;
  note?: string;
}

export interface SaveStateLayoutDesc {
  name: string; // e.g. "AMD64 (QEMU TCG, revision 0x00020064)"
  /** The accelerator whose SMM entry wrote the map (`platform ovmf --accel`). */
  accel: 'tcg' | 'kvm';
  /** Who writes the map, with the upstream file and function. */
  writer: string;
  /** What that accelerator means for the fields the CPU does not save. */
  accelNote: string;
  revision: number;
  /** Map begins at SMBASE + mapOffset (0xFC00) and is mapSize (0x400) bytes long. */
  mapOffset: number;
  mapSize: number;
  fields: SaveStateFieldDesc[];
}

export const SMM_DEFAULT_SMBASE = 0x30000;
export const SMM_HANDLER_OFFSET = 0x8000;
export const SMRAM_SAVE_STATE_MAP_OFFSET = 0xfc00;
export const SMRAM_SAVE_STATE_MAP_SIZE = 0x400;
/** Field offsets are relative to SMBASE + 0x8000; the map starts at offset 0x7C00 of that. */
export const MAP_FIELD_BASE = SMRAM_SAVE_STATE_MAP_OFFSET - SMM_HANDLER_OFFSET; // 0x7C00

/** Where a field's value comes from. */
export type FieldSource = { reg: number } | 'smbase' | 'revision' | 'none';

export interface SaveStateField extends SaveStateFieldDesc {
  source: FieldSource;
}

/** The accelerator that runs the vCPUs, and so writes the save state on SMM entry (`--accel`). */
export type Accel = 'tcg' | 'kvm';

/** KVM's enter_smm builds a 512-byte image of SMBASE + 0xFE00..0xFFFF, zeroed, and writes it whole. */
export const KVM_SMRAM_IMAGE_OFFSET = 0xfe00;
export const KVM_SMRAM_IMAGE_SIZE = 0x200;

export interface SaveStateLayout {
  id: 'amd64-qemu' | 'amd64-kvm';
  accel: Accel;
  /** Who writes the map on SMM entry, with the upstream file and function. */
  writer: string;
  /** Bytes zeroed at SMBASE + KVM_SMRAM_IMAGE_OFFSET before the fields are written (0: none). */
  zeroOnEntry: number;
  /** RSM reloads SMBASE from the map: KVM always; QEMU TCG only when revision bit 17 is set. */
  smbaseReloadAlways: boolean;
  /** The field table flattened for SMM entry and RSM, by width: see compileCopies. */
  copies: FieldCopies;
  name: string;
  revision: number;
  smbaseOffset: number;
  revisionOffset: number;
  fields: SaveStateField[];
}

function f(name: string, offset: number, size: 1 | 2 | 4 | 8, source: FieldSource, written = true, restored = written, note?: string): SaveStateField {
  return { name, offset, size, source, written, restored, ...(note ? { note } : {}) };
}
const r = (n: RegName): FieldSource => ({ reg: REG[n] });

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

/**
 * The register fields of a layout as flat [index, register slot] pairs per width, the index in
 * units of the width from the map's start (fields are naturally aligned), the slot 2 * REG id in
 * the register file: SMM entry and RSM copy each list in one tight loop, no switch per field.
 */
interface FieldCopies {
  save8: Int32Array;
  save4: Int32Array;
  save2: Int32Array;
  save1: Int32Array;
  load8: Int32Array;
  load4: Int32Array;
  load2: Int32Array;
  load1: Int32Array;
  /** [index, width] of SMBASE and of the revision (-1: not written). */
  smbase: [number, number];
  revision: [number, number];
}

function compileCopies(fields: SaveStateField[]): FieldCopies {
  const lists: Record<string, number[]> = {};
  const add = (k: string, ...v: number[]) => (lists[k] ??= []).push(...v);
  let smbase: [number, number] = [-1, 0];
  let revision: [number, number] = [-1, 0];
  for (const fld of fields) {
    const at = fld.offset - MAP_FIELD_BASE;
    if (at % fld.size !== 0) throw new Error(`save-state field ${fld.name} is not naturally aligned`);
    const idx = at / fld.size;
    const src = fld.source;
    if (typeof src === 'object') {
      if (fld.written) add(`save${fld.size}`, idx, 2 * src.reg);
      if (fld.restored) add(`load${fld.size}`, idx, 2 * src.reg);
    } else if (fld.written && src === 'smbase') smbase = [idx, fld.size];
    else if (fld.written && src === 'revision') revision = [idx, fld.size];
  }
  const l = (k: string) => Int32Array.from(lists[k] ?? []);
  return { save8: l('save8'), save4: l('save4'), save2: l('save2'), save1: l('save1'), load8: l('load8'), load4: l('load4'), load2: l('load2'), load1: l('load1'), smbase, revision };
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
export const AMD64_QEMU_LAYOUT: SaveStateLayout = {
  id: 'amd64-qemu',
  accel: 'tcg',
  writer: 'QEMU TCG: do_smm_enter (qemu target/i386/tcg/system/smm_helper.c)',
  zeroOnEntry: 0,
  smbaseReloadAlways: false,
  copies: compileCopies(amd64),
  name: 'AMD64 (QEMU TCG, SMMRevId 0x00020064)',
  revision: 0x00020064,
  smbaseOffset: 0x7f00,
  revisionOffset: 0x7efc,
  fields: amd64,
};

/** QEMU + KVM: the kernel writes the map; same revision and offsets (facts §12.10). */
export const AMD64_KVM_LAYOUT: SaveStateLayout = {
  id: 'amd64-kvm',
  accel: 'kvm',
  writer: 'KVM: enter_smm (Linux arch/x86/kvm/smm.c)',
  zeroOnEntry: KVM_SMRAM_IMAGE_SIZE,
  smbaseReloadAlways: true,
  copies: compileCopies(kvm),
  name: 'AMD64 (QEMU + KVM, SMMRevId 0x00020064)',
  revision: 0x00020064,
  smbaseOffset: 0x7f00,
  revisionOffset: 0x7efc,
  fields: kvm,
};

export function layoutById(id: SaveStateLayout['id']): SaveStateLayout {
  switch (id) {
    case 'amd64-qemu':
      return AMD64_QEMU_LAYOUT;
    case 'amd64-kvm':
      return AMD64_KVM_LAYOUT;
  }
}

export function layoutForAccel(accel: Accel): SaveStateLayout {
  return accel === 'kvm' ? AMD64_KVM_LAYOUT : AMD64_QEMU_LAYOUT;
}

/** What the accelerator means for the fields the CPU does not save (for the UI and `savestate`). */
export function accelNote(l: SaveStateLayout): string {
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
 * Word views over memory pages: derived (never part of MachineState), rebuilt on demand. The map's
 * fields are naturally aligned, so 2/4/8-byte fields are copied as 16/32-bit words. Typed arrays
 * use the host's byte order; every host SmiScope runs on (x86-64, ARM64) is little-endian like x86.
 */
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('SmiScope needs a little-endian host');
const words = new WeakMap<ArrayBufferLike, { u8: Uint8Array; w32: Uint32Array; w16: Uint16Array }>();
/** Byte and word views over the whole buffer a page lives in (pages share slabs: see Memory); index them with page.byteOffset added. */
function wordView(bytes: Uint8Array): { u8: Uint8Array; w32: Uint32Array; w16: Uint16Array } {
  const buf = bytes.buffer;
  let v = words.get(buf);
  if (!v) {
    v = { u8: new Uint8Array(buf), w32: new Uint32Array(buf, 0, buf.byteLength >> 2), w16: new Uint16Array(buf, 0, buf.byteLength >> 1) };
    words.set(buf, v);
  }
  return v;
}

function put(bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, at: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 8:
      w32[at >> 2] = lo;
      w32[(at >> 2) + 1] = hi;
      break;
    case 4:
      w32[at >> 2] = lo;
      break;
    case 2:
      w16[at >> 1] = lo;
      break;
    default:
      bytes[at] = lo;
  }
}

function get(bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, at: number, size: number): [number, number] {
  switch (size) {
    case 8:
      return [w32[at >> 2], w32[(at >> 2) + 1]];
    case 4:
      return [w32[at >> 2], 0];
    case 2:
      return [w16[at >> 1], 0];
    default:
      return [bytes[at], 0];
  }
}

/**
 * SMM entry: the CPU writes its state into the map at SMBASE + 0xFC00 (only the fields it writes;
 * with KVM the 512-byte image at SMBASE + 0xFE00 is zeroed first).
 */
export function encodeSaveState(mem: MemoryState, smbase: number, regs: RegFile, l: SaveStateLayout): void {
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
  const b4 = base >> 2, b2 = base >> 1;
  const s8 = c.save8;
  for (let i = 0; i < s8.length; i += 2) {
    const w = b4 + 2 * s8[i];
    const r = s8[i + 1];
    w32[w] = regs[r];
    w32[w + 1] = regs[r + 1];
  }
  const s4 = c.save4;
  for (let i = 0; i < s4.length; i += 2) w32[b4 + s4[i]] = regs[s4[i + 1]];
  const s2 = c.save2;
  for (let i = 0; i < s2.length; i += 2) w16[b2 + s2[i]] = regs[s2[i + 1]];
  const s1 = c.save1;
  for (let i = 0; i < s1.length; i += 2) bytes[base + s1[i]] = regs[s1[i + 1]];
  if (c.smbase[0] >= 0) putIndexed(bytes, w32, w16, base, c.smbase[0], c.smbase[1], smbase >>> 0);
  if (c.revision[0] >= 0) putIndexed(bytes, w32, w16, base, c.revision[0], c.revision[1], l.revision);
}

/** A value into the field at `idx` (in units of `size`) of the map at `base`. */
function putIndexed(bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, base: number, idx: number, size: number, v: number): void {
  if (size === 8) {
    w32[(base >> 2) + 2 * idx] = v;
    w32[(base >> 2) + 2 * idx + 1] = 0;
  } else if (size === 4) w32[(base >> 2) + idx] = v;
  else if (size === 2) w16[(base >> 1) + idx] = v;
  else bytes[base + idx] = v;
}

/** RSM: reload the restored fields from SMRAM bytes; returns the SMBASE the CPU uses afterwards. */
export function decodeSaveState(mem: MemoryState, smbase: number, regs: RegFile, l: SaveStateLayout): number {
  const v = pageView(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, false);
  const base = v.base + v.bytes.byteOffset;
  const { u8: bytes, w32, w16 } = wordView(v.bytes);
  const c = l.copies;
  const b4 = base >> 2, b2 = base >> 1;
  const l8 = c.load8;
  for (let i = 0; i < l8.length; i += 2) {
    const w = b4 + 2 * l8[i];
    const r = l8[i + 1];
    regs[r] = w32[w];
    regs[r + 1] = w32[w + 1];
  }
  const l4 = c.load4;
  for (let i = 0; i < l4.length; i += 2) {
    const r = l4[i + 1];
    regs[r] = w32[b4 + l4[i]];
    regs[r + 1] = 0;
  }
  const l2 = c.load2;
  for (let i = 0; i < l2.length; i += 2) {
    const r = l2[i + 1];
    regs[r] = w16[b2 + l2[i]];
    regs[r + 1] = 0;
  }
  const l1 = c.load1;
  for (let i = 0; i < l1.length; i += 2) {
    const r = l1[i + 1];
    regs[r] = bytes[base + l1[i]];
    regs[r + 1] = 0;
  }
  const rev = w32[(base + l.revisionOffset - MAP_FIELD_BASE) >> 2];
  // helper_rsm: SMBASE is reloaded only when revision bit 17 (SMBASE relocation) is set (facts §6.4);
  // KVM's rsm_load_state_64 reloads it unconditionally (facts §12.10).
  if (l.smbaseReloadAlways || rev & 0x20000) return w32[(base + l.smbaseOffset - MAP_FIELD_BASE) >> 2];
  return smbase;
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
