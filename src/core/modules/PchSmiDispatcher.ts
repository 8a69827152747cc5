/**
 * The SW SMI registrations of PchSmiDispatcher, the `pch` platform's chipset dispatcher (an SMM-C
 * module SmiScope ships: src/core/cdriver/samples/PchSmiDispatcher, after Alder Lake's
 * PchSmmSw.c), read from SMRAM. The dispatcher keeps its children on the LIST_ENTRY
 * `mSwSmiCallbackDataBase` (a static of PchSmmSw.c), oldest first; each node is the Link of a
 * SW_SMI_RECORD in SMM pool { Signature, Link, Context.SwSmiInputValue, Callback }, and the Link's
 * address is the child's DispatchHandle. This file follows the ForwardLinks from the head with the
 * layout the compiler gave SW_SMI_RECORD (SwDispatcherImage.ts), as PchSwSmiDispatcher does: it
 * does not check Signature, so a record with a bad one is listed as the dispatcher would call it.
 */

import type { Machine, SwRegistration } from '../pi/Platform';
import { globalSymbol, loadedCImage, member, swRegistrationAt, typedefOf, u64 } from './SwDispatcherImage';

/** The module's name (its .inf BASE_NAME). */
export const PCH_SW_DISPATCHER = 'PchSmiDispatcher';
/** The list head: `STATIC LIST_ENTRY mSwSmiCallbackDataBase` in PchSmmSw.c. */
const LIST_HEAD = 'mSwSmiCallbackDataBase';
/** The record type. */
const RECORD = 'SW_SMI_RECORD';
/**
 * How many nodes a walk follows at most: a list made circular elsewhere by a stray write would
 * never come back to its head (the C walk would not end either).
 */
const MAX_NODES = 0x400;

interface ListLayout {
  head: number;
  /** Offsets in SW_SMI_RECORD. */
  link: number;
  value: number;
  callback: number;
}

function listLayout(m: Machine): ListLayout | null {
  const img = loadedCImage(m, PCH_SW_DISPATCHER);
  if (img === null) return null;
  const head = globalSymbol(img, LIST_HEAD);
  const rec = typedefOf(img, RECORD);
  const link = member(rec, 'Link');
  const context = member(rec, 'Context');
  const value = context && member(context.ty, 'SwSmiInputValue');
  const callback = member(rec, 'Callback');
  if (!head || !link || !context || !value || !callback) return null;
  return { head: head.address, link: link.offset, value: context.offset + value.offset, callback: callback.offset };
}

/** The list's nodes (Link addresses) from the head's ForwardLink on, until the head comes back (or NULL, or a node seen before). */
function nodes(m: Machine, l: ListLayout): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (let n = u64(m, l.head); n !== l.head && n !== 0 && !seen.has(n) && out.length < MAX_NODES; n = u64(m, n)) {
    seen.add(n);
    out.push(n);
  }
  return out;
}

/**
 * The children registered with PchSmiDispatcher now, in list order (the order it calls them):
 * each with its Callback's module and C name (its address when no function starts there) and its
 * DispatchHandle (the record's Link). Empty when the dispatcher is not loaded.
 */
export function pchSwRegistrations(m: Machine): SwRegistration[] {
  const l = listLayout(m);
  if (l === null) return [];
  return nodes(m, l).map((link) => {
    const record = link - l.link;
    return swRegistrationAt(m, u64(m, record + l.value), u64(m, record + l.callback), link);
  });
}

/** A short key of the registrations (the view resends its tables when it changes). */
export function pchSwRegistrationsKey(m: Machine): string {
  const l = listLayout(m);
  if (l === null) return '';
  let key = '';
  for (const link of nodes(m, l)) {
    const record = link - l.link;
    key += `${link}:${u64(m, record + l.value)}:${u64(m, record + l.callback)};`;
  }
  return key;
}
