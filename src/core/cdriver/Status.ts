/** EFI_STATUS between C (a 64-bit value) and the model (a name from lib/EfiStatus). */

import { EFI_STATUS_TABLE, type EfiStatus } from '../lib/EfiStatus';
import type { Val } from '../smmc/Ast';
import { normU64 } from '../smmc/Values';

const BY_VALUE = new Map<bigint, EfiStatus>(Object.entries(EFI_STATUS_TABLE).map(([k, v]) => [v.value, k as EfiStatus]));

/** The C value of a status name. */
export function efiStatus(name: EfiStatus): Val {
  return normU64(EFI_STATUS_TABLE[name].value);
}

/** The name of a C status value, or null when the model has no name for it. */
export function efiStatusName(v: Val): EfiStatus | null {
  if (v === 0) return 'EFI_SUCCESS'; // the common answer, without a BigInt
  return BY_VALUE.get(typeof v === 'bigint' && v >= 0n ? v : BigInt.asUintN(64, BigInt(v))) ?? null;
}
