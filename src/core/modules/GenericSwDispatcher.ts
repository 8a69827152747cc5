/**
 * The SW MMI registrations of GenericSwDispatcher, the seed thread's "universal"
 * EFI_MM_SW_DISPATCH_PROTOCOL producer (an SMM-C module SmiScope ships:
 * src/core/cdriver/samples/GenericSwDispatcher), read from SMRAM. The dispatcher keeps its
 * children in its global `mSwChild[]`, one slot per command value, each NULL or the address of a
 * SW_MMI_CHILD record in SMM pool. This file decodes those bytes with the layout the compiler gave
 * the C types (member offsets from the linked image's symbol table), so what `handlers`,
 * `state --json` and the Handlers panel list is what the C code wrote - and changes when it does.
 */

import { cModuleOf } from '../cdriver/CRun';
import { read32 } from '../machine/Memory';
import { hex } from '../pi/Fw';
import { functionAt, moduleAt } from '../pi/Native';
import type { Machine, SwRegistration } from '../pi/Platform';
import type { CType, Member } from '../smmc/Ast';

export type { SwRegistration } from '../pi/Platform';

/** The module's name (its .inf BASE_NAME). */
export const SW_DISPATCHER = 'GenericSwDispatcher';
/** Its dictionary: `SW_MMI_CHILD *mSwChild[MAXIMUM_SWI_VALUE + 1]`. */
const TABLE = 'mSwChild';

/** A struct's members, through the typedef / qualified copies that point at the complete type. */
function membersOf(ty: CType | null): Member[] | null {
  for (let t = ty; t !== null; t = t.origin) if (t.members !== null) return t.members;
  return null;
}

function member(ty: CType | null, name: string): Member | null {
  return membersOf(ty)?.find((x) => x.name === name) ?? null;
}

/** Where the dispatcher's table and the record fields are: from the image's symbols and types. */
interface TableLayout {
  address: number;
  slots: number;
  dispatchFunction: number;
}

function tableLayout(m: Machine): TableLayout | null {
  const rec = m.s.modules.find((r) => r.name === SW_DISPATCHER);
  if (!rec || rec.imageBase === 0 || rec.state === 'failed' || rec.state === 'unloaded' || rec.state === 'dependent') return null;
  const code = cModuleOf(m.defs.get(SW_DISPATCHER));
  const sym = code?.image(rec.imageBase).symbols.get(TABLE);
  if (!sym || sym.obj.ty.kind !== 'array' || sym.obj.ty.base?.kind !== 'ptr') return null;
  const child = sym.obj.ty.base.base;
  const fn = member(child, 'DispatchFunction');
  if (!fn) return null;
  return { address: sym.address, slots: sym.obj.ty.arrayLen, dispatchFunction: fn.offset };
}

const u64 = (m: Machine, addr: number): number => {
  const lo = read32(m.s.mem, addr);
  const hi = read32(m.s.mem, addr + 4);
  return hi * 0x100000000 + lo;
};

/**
 * The children registered with GenericSwDispatcher now, by value (the dictionary's order): each
 * with its DispatchFunction's module and C name (its address when no function starts there) and
 * its DispatchHandle (the record's address). Empty when the dispatcher is not loaded.
 */
export function swRegistrations(m: Machine): SwRegistration[] {
  const t = tableLayout(m);
  if (t === null) return [];
  const out: SwRegistration[] = [];
  for (let v = 0; v < t.slots; v++) {
    const child = u64(m, t.address + 8 * v);
    if (child === 0) continue;
    const fnAddr = u64(m, child + t.dispatchFunction);
    const f = functionAt(m, fnAddr);
    const value = v; // the slot is the command value the root handler dispatches on
    const reg: SwRegistration = f !== null
      ? { value, module: f.module, handler: f.name, handle: child }
      : { value, module: moduleAt(m, fnAddr)?.name ?? '(no module)', handler: hex(fnAddr), handle: child, address: fnAddr };
    out.push(reg);
  }
  return out;
}

/** A short key of the registrations (the view resends its tables when it changes). */
export function swRegistrationsKey(m: Machine): string {
  const t = tableLayout(m);
  if (t === null) return '';
  let key = '';
  for (let v = 0; v < t.slots; v++) {
    const child = u64(m, t.address + 8 * v);
    if (child !== 0) key += `${v}:${child}:${u64(m, child + t.dispatchFunction)};`;
  }
  return key;
}
