/**
 * The copies SMM entry and RSM run over a save-state map: a layout's field table flattened into
 * index lists by width (compileCopies), the loops that walk them (saveLoops, loadLoops), and the
 * word views and single-field helpers over the SMRAM page. When scripts/gen-savestate.ts has
 * generated straight-line code from the same lists (SaveStateUnrolled.ts, stamped with
 * copiesSignature), compileCopies attaches it and SMM entry and RSM run that instead
 * (SaveStateMap.ts encodeSaveState, decodeSaveState).
 */

import type { RegFile } from './Registers';
import { MAP_FIELD_BASE, type SaveStateField, type SaveStateLayoutId } from './SaveStateField';
import { type UnrolledCopies, UNROLLED_COPIES } from './SaveStateUnrolled';

/**
 * The register fields of a layout as flat [index, register slot] pairs per width, the slot 2 * REG
 * id (+1 for a high half) in the register file: SMM entry and RSM copy each list in one tight loop,
 * no switch per field. 1/2/4-byte fields are naturally aligned and indexed in units of their width
 * from the map's start; 8-byte fields are indexed in dwords (the Intel map has them 4-aligned:
 * R15 at 0x7F1C, RAX at 0x7F5C).
 */
export interface FieldCopies {
  save8: Int32Array;
  save4: Int32Array;
  save2: Int32Array;
  save1: Int32Array;
  load8: Int32Array;
  load4: Int32Array;
  load2: Int32Array;
  load1: Int32Array;
  /** 4-byte fields holding one half of a register: [dword index, slot]; RSM leaves the other half alone. */
  loadHalf: Int32Array;
  /** Fields the CPU writes as 0: [byte index, size]. */
  zeros: Int32Array;
  /** [index, width] of SMBASE, the revision, IOMisc and AutoHALTRestart (-1: not written). */
  smbase: [number, number];
  revision: [number, number];
  ioMisc: [number, number];
  autoHalt: [number, number];
  /** The same copies as straight-line code (SaveStateUnrolled.ts), when it was generated from these lists; null: the loops run. */
  unrolled: UnrolledCopies | null;
}

/** The index lists that decide what SMM entry and RSM copy, as one string (scripts/gen-savestate.ts stamps it on the code it writes). */
export function copiesSignature(c: FieldCopies): string {
  const lists = [c.save8, c.save4, c.save2, c.save1, c.load8, c.load4, c.load2, c.load1, c.loadHalf];
  return lists.map((a) => a.join(',')).join('/');
}

/** Flatten a layout's field table into its copies, and attach the generated code for `id` when it was made from the same lists. */
export function compileCopies(id: SaveStateLayoutId, fields: SaveStateField[]): FieldCopies {
  const lists: Record<string, number[]> = {};
  const add = (k: string, ...v: number[]) => (lists[k] ??= []).push(...v);
  const at: Record<'smbase' | 'revision' | 'ioMisc' | 'autoHalt', [number, number]> = { smbase: [-1, 0], revision: [-1, 0], ioMisc: [-1, 0], autoHalt: [-1, 0] };
  for (const fld of fields) {
    const byte = fld.offset - MAP_FIELD_BASE;
    if (byte % Math.min(fld.size, 4) !== 0) throw new Error(`save-state field ${fld.name} is not aligned`);
    const idx = fld.size === 8 ? byte / 4 : byte / fld.size;
    const src = fld.source;
    if (typeof src === 'object') {
      if (src.half && fld.size !== 4) throw new Error(`save-state field ${fld.name}: a register half is 4 bytes`);
      const slot = 2 * src.reg + (src.half === 'hi' ? 1 : 0);
      if (fld.written) add(`save${fld.size}`, idx, slot);
      if (fld.restored) add(src.half ? 'loadHalf' : `load${fld.size}`, idx, slot);
    } else if (!fld.written || src === 'none') continue;
    else if (src === 'zero') add('zeros', byte, fld.size);
    else at[src] = [idx, fld.size];
  }
  const l = (k: string) => Int32Array.from(lists[k] ?? []);
  const c: FieldCopies = {
    save8: l('save8'), save4: l('save4'), save2: l('save2'), save1: l('save1'),
    load8: l('load8'), load4: l('load4'), load2: l('load2'), load1: l('load1'),
    loadHalf: l('loadHalf'), zeros: l('zeros'), ...at, unrolled: null,
  };
  const u = UNROLLED_COPIES[id];
  if (u !== undefined && u.sig === copiesSignature(c)) c.unrolled = u; // a stale generated file is never used
  return c;
}

/**
 * Word views over memory pages: derived (never part of MachineState), rebuilt on demand. The map's
 * fields are naturally aligned, so 2/4/8-byte fields are copied as 16/32-bit words. Typed arrays
 * use the host's byte order; every host SmiScope runs on (x86-64, ARM64) is little-endian like x86.
 */
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('SmiScope needs a little-endian host');
const words = new WeakMap<ArrayBufferLike, { u8: Uint8Array; w32: Uint32Array; w16: Uint16Array }>();
/** Byte and word views over the whole buffer a page lives in (pages share slabs: see Memory); index them with page.byteOffset added. */
export function wordView(bytes: Uint8Array): { u8: Uint8Array; w32: Uint32Array; w16: Uint16Array } {
  const buf = bytes.buffer;
  let v = words.get(buf);
  if (!v) {
    v = { u8: new Uint8Array(buf), w32: new Uint32Array(buf, 0, buf.byteLength >> 2), w16: new Uint16Array(buf, 0, buf.byteLength >> 1) };
    words.set(buf, v);
  }
  return v;
}

/** Write one field (`size` bytes at byte index `at` of the views; `hi` only for 8-byte fields). */
export function put(bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, at: number, size: number, lo: number, hi: number): void {
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

/** Read one field as [low dword, high dword] (the high dword 0 unless it is 8 bytes). */
export function get(bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, at: number, size: number): [number, number] {
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

/** SMM entry's copies by walking the index lists (the reference the generated code is checked against). */
export function saveLoops(c: FieldCopies, bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, regs: RegFile, base: number): void {
  const b4 = base >> 2, b2 = base >> 1;
  const s8 = c.save8;
  for (let i = 0; i < s8.length; i += 2) {
    const w = b4 + s8[i];
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
}

/** A value into the field at `idx` (in units of `size`; dwords for 8-byte fields) of the map at `base`. */
export function putIndexed(bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, base: number, idx: number, size: number, v: number): void {
  if (size === 8) {
    w32[(base >> 2) + idx] = v;
    w32[(base >> 2) + idx + 1] = 0;
  } else if (size === 4) w32[(base >> 2) + idx] = v;
  else if (size === 2) w16[(base >> 1) + idx] = v;
  else bytes[base + idx] = v;
}

/** RSM's copies by walking the index lists (the reference the generated code is checked against). */
export function loadLoops(c: FieldCopies, bytes: Uint8Array, w32: Uint32Array, w16: Uint16Array, regs: RegFile, base: number): void {
  const b4 = base >> 2, b2 = base >> 1;
  const l8 = c.load8;
  for (let i = 0; i < l8.length; i += 2) {
    const w = b4 + l8[i];
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
  const lh = c.loadHalf;
  for (let i = 0; i < lh.length; i += 2) regs[lh[i + 1]] = w32[b4 + lh[i]];
}
