/**
 * The children of the SW SMI dispatcher the machine has, decoded from SMRAM: GenericSwDispatcher's
 * (the seed thread's dispatcher, `--module GenericSwDispatcher` on ovmf) and PchSmiDispatcher's
 * (the `pch` platform's chipset dispatcher). What `handlers`, `state --json` `handlers.sw[]` and the
 * Handlers panel list.
 */

import type { Machine, SwRegistration } from '../pi/Platform';
import { genericSwRegistrations, genericSwRegistrationsKey, SW_DISPATCHER } from './GenericSwDispatcher';
import { PCH_SW_DISPATCHER, pchSwRegistrations, pchSwRegistrationsKey } from './PchSmiDispatcher';

export type { SwRegistration } from '../pi/Platform';

/** The SW dispatchers SmiScope decodes, by module name. */
export const SW_DISPATCHERS: readonly string[] = [SW_DISPATCHER, PCH_SW_DISPATCHER];

/** The SW dispatchers in the machine's firmware volume (loaded or not). */
export function swDispatchersOf(m: Machine): string[] {
  return SW_DISPATCHERS.filter((n) => m.defs.has(n));
}

/**
 * The children registered now with whichever SW dispatcher is loaded (both, if a machine has
 * both: GenericSwDispatcher's first): GenericSwDispatcher's by value, PchSmiDispatcher's in its
 * list order. Empty when none is loaded.
 */
export function swRegistrations(m: Machine): SwRegistration[] {
  return [...genericSwRegistrations(m), ...pchSwRegistrations(m)];
}

/** A short key of the registrations (the view resends its tables when it changes). */
export function swRegistrationsKey(m: Machine): string {
  const g = genericSwRegistrationsKey(m);
  const p = pchSwRegistrationsKey(m);
  return p === '' ? g : `${g}|${p}`;
}
