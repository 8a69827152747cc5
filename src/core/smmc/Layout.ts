/**
 * Struct and union layout exactly as gcc lays them out on X64 (the System V psABI): members at
 * their natural alignment, bit fields packed into storage units of their declared type without
 * straddling a unit, `: 0` moving to the next unit, unnamed bit fields not raising the struct's
 * alignment. Under `#pragma pack(N)` a member's alignment is min(N, natural) and bit fields are
 * packed bit after bit (gcc skips its no-straddle rule when a maximum field alignment is set:
 * gcc/stor-layout.cc place_field). Numbers checked with gcc 12 -fshort-wchar (Layout.test.ts).
 */

import type { CType, Member } from './Ast';
import { errorAt, type Loc } from './Source';

export interface FieldDecl {
  /** '' for an anonymous struct/union member or an unnamed bit field. */
  name: string;
  ty: CType;
  bitWidth: number | null;
  loc: Loc;
}

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;

/** Lays out `t` (a struct or union type, completed in place) with `pack` (0 = natural alignment). */
export function layout(t: CType, fields: FieldDecl[], pack: number): void {
  const members: Member[] = [];
  const packed = pack > 0;
  let align = 1;
  if (t.kind === 'union') {
    let size = 0;
    for (const f of fields) {
      const a = packed ? Math.min(pack, f.ty.align) : f.ty.align;
      if (f.bitWidth === null || f.name) align = Math.max(align, a);
      const bytes = f.bitWidth === null ? f.ty.size : Math.ceil(f.bitWidth / 8);
      size = Math.max(size, bytes);
      members.push({ name: f.name, ty: f.ty, offset: 0, bitWidth: f.bitWidth, bitOffset: 0, loc: f.loc });
    }
    finish(t, members, alignUp(size, align), align, packed);
    return;
  }
  let bits = 0; // the next free bit
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const natural = f.ty.align;
    if (f.bitWidth === null) {
      const a = packed ? Math.min(pack, natural) : natural;
      const offset = alignUp(Math.ceil(bits / 8), a);
      // A flexible array member (`UINT8 Data[];`, last) takes no room.
      const size = f.ty.kind === 'array' && f.ty.arrayLen < 0 ? 0 : f.ty.size;
      members.push({ name: f.name, ty: f.ty, offset, bitWidth: null, bitOffset: 0, loc: f.loc });
      bits = (offset + size) * 8;
      align = Math.max(align, a);
      continue;
    }
    const w = f.bitWidth;
    const unit = f.ty.size * 8;
    if (w === 0) {
      bits = alignUp(bits, natural * 8); // even under #pragma pack, gcc moves to the type's boundary
      continue;
    }
    if (!packed && Math.floor(bits / unit) !== Math.floor((bits + w - 1) / unit)) bits = alignUp(bits, natural * 8);
    let offset = Math.floor(bits / unit) * f.ty.size;
    let bitOffset = bits - offset * 8;
    if (bitOffset + w > unit) {
      // Packed: the field starts inside a byte; read it from the byte it starts in.
      offset = Math.floor(bits / 8);
      bitOffset = bits % 8;
      if (bitOffset + w > unit) {
        errorAt(f.loc, `bit-field '${f.name}' straddles more than one ${f.ty.size}-byte unit in a packed struct: not supported in SMM-C`);
      }
    }
    members.push({ name: f.name, ty: f.ty, offset, bitWidth: w, bitOffset, loc: f.loc });
    if (f.name) align = Math.max(align, packed ? Math.min(pack, natural) : natural);
    bits += w;
  }
  finish(t, members, alignUp(Math.ceil(bits / 8), align), align, packed);
}

function finish(t: CType, members: Member[], size: number, align: number, packed: boolean): void {
  t.members = members;
  t.size = size;
  t.align = align;
  t.packed = packed;
}
