/**
 * The SW MMI registrations of GenericSwDispatcher, the seed thread's "universal"
 * EFI_MM_SW_DISPATCH_PROTOCOL producer (an SMM-C module SmiScope ships:
 * src/core/cdriver/samples/GenericSwDispatcher), read from SMRAM. The dispatcher keeps its
 * children in its global `mSwChild[]`, one slot per command value, each NULL or the address of a
 * SW_MMI_CHILD record in SMM pool. This file decodes those bytes with the layout the compiler gave
 * the C types (SwDispatcherImage.ts). SwRegistrations.ts lists them with any other dispatcher's.
 */

import type { Machine, SwRegistration } from '../pi/Platform';
import { globalSymbol, loadedCImage, member, swRegistrationAt, u64 } from './SwDispatcherImage';

/** The module's name (its .inf BASE_NAME). */
export const SW_DISPATCHER = 'GenericSwDispatcher';
/** Its dictionary: `SW_MMI_CHILD *mSwChild[MAXIMUM_SWI_VALUE + 1]`. */
const TABLE = 'mSwChild';

/** Where the dispatcher's table and the record fields are: from the image's symbols and types. */
interface TableLayout {
  address: number;
  slots: number;
  dispatchFunction: number;
}

function tableLayout(m: Machine): TableLayout | null {
  const img = loadedCImage(m, SW_DISPATCHER);
  const sym = img && globalSymbol(img, TABLE);
  if (!sym || sym.obj.ty.kind !== 'array' || sym.obj.ty.base?.kind !== 'ptr') return null;
  const fn = member(sym.obj.ty.base.base, 'DispatchFunction');
  if (!fn) return null;
  return { address: sym.address, slots: sym.obj.ty.arrayLen, dispatchFunction: fn.offset };
}

/**
 * The children registered with GenericSwDispatcher now, by value (the dictionary's order): each
 * with its DispatchFunction's module and C name (its address when no function starts there) and
 * its DispatchHandle (the record's address). Empty when the dispatcher is not loaded.
 */
export function genericSwRegistrations(m: Machine): SwRegistration[] {
  const t = tableLayout(m);
  if (t === null) return [];
  const out: SwRegistration[] = [];
  for (let v = 0; v < t.slots; v++) {
    const child = u64(m, t.address + 8 * v);
    if (child === 0) continue;
    // The slot is the command value the root handler dispatches on.
    out.push(swRegistrationAt(m, v, u64(m, child + t.dispatchFunction), child));
  }
  return out;
}

/** A short key of the registrations (the view resends its tables when it changes). */
export function genericSwRegistrationsKey(m: Machine): string {
  const t = tableLayout(m);
  if (t === null) return '';
  let key = '';
  for (let v = 0; v < t.slots; v++) {
    const child = u64(m, t.address + 8 * v);
    if (child !== 0) key += `${v}:${child}:${u64(m, child + t.dispatchFunction)};`;
  }
  return key;
}
