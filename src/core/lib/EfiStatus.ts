/**
 * EFI_STATUS as a closed set of names (facts §2). Values are X64 (UINTN = 64 bits):
 * error = MAX_BIT | n, warning = n, PI warning = (MAX_BIT >> 2) | n, PI error = MAX_BIT | (MAX_BIT >> 2) | n.
 * Source: edk2 MdePkg/Include/Base.h, MdePkg/Include/Pi/PiMultiPhase.h.
 */

const MAX_BIT = 0x8000000000000000n;
const PI_BIT = MAX_BIT >> 2n;

interface StatusInfo {
  value: bigint;
  /** Text printed by PrintLib's %r; undefined for codes not in mStatusString (hex fallback). */
  text?: string;
}

export const EFI_STATUS_TABLE = {
  EFI_SUCCESS: { value: 0n, text: 'Success' },
  EFI_LOAD_ERROR: { value: MAX_BIT | 1n, text: 'Load Error' },
  EFI_INVALID_PARAMETER: { value: MAX_BIT | 2n, text: 'Invalid Parameter' },
  EFI_UNSUPPORTED: { value: MAX_BIT | 3n, text: 'Unsupported' },
  EFI_BAD_BUFFER_SIZE: { value: MAX_BIT | 4n, text: 'Bad Buffer Size' },
  EFI_BUFFER_TOO_SMALL: { value: MAX_BIT | 5n, text: 'Buffer Too Small' },
  EFI_NOT_READY: { value: MAX_BIT | 6n, text: 'Not Ready' },
  EFI_DEVICE_ERROR: { value: MAX_BIT | 7n, text: 'Device Error' },
  EFI_WRITE_PROTECTED: { value: MAX_BIT | 8n, text: 'Write Protected' },
  EFI_OUT_OF_RESOURCES: { value: MAX_BIT | 9n, text: 'Out of Resources' },
  EFI_NOT_FOUND: { value: MAX_BIT | 14n, text: 'Not Found' },
  EFI_ACCESS_DENIED: { value: MAX_BIT | 15n, text: 'Access Denied' },
  EFI_TIMEOUT: { value: MAX_BIT | 18n, text: 'Time out' },
  EFI_ALREADY_STARTED: { value: MAX_BIT | 20n, text: 'Already started' },
  EFI_ABORTED: { value: MAX_BIT | 21n, text: 'Aborted' },
  EFI_PROTOCOL_ERROR: { value: MAX_BIT | 24n, text: 'Protocol Error' },
  EFI_SECURITY_VIOLATION: { value: MAX_BIT | 26n, text: 'Security Violation' },
  EFI_WARN_BUFFER_TOO_SMALL: { value: 4n, text: 'Warning Buffer Too Small' },
  EFI_WARN_INTERRUPT_SOURCE_PENDING: { value: PI_BIT | 0n },
  EFI_WARN_INTERRUPT_SOURCE_QUIESCED: { value: PI_BIT | 1n },
  EFI_INTERRUPT_PENDING: { value: MAX_BIT | PI_BIT | 0n },
  /** DXE_ERROR (2), MdePkg/Include/Pi/PiMultiPhase.h; not in PrintLib's mStatusString, so %r prints it in hex. */
  EFI_NOT_AVAILABLE_YET: { value: MAX_BIT | PI_BIT | 2n },
} as const satisfies Record<string, StatusInfo>;

export type EfiStatus = keyof typeof EFI_STATUS_TABLE;

export function statusValue(s: EfiStatus): bigint {
  return EFI_STATUS_TABLE[s].value;
}

/** EFI_ERROR(): the high bit is set. */
export function isError(s: EfiStatus): boolean {
  return (EFI_STATUS_TABLE[s].value & MAX_BIT) !== 0n;
}

const BY_VALUE = new Map<bigint, EfiStatus>(
  (Object.keys(EFI_STATUS_TABLE) as EfiStatus[]).map((k) => [EFI_STATUS_TABLE[k].value, k]),
);

export function statusFromValue(v: bigint): EfiStatus | undefined {
  return BY_VALUE.get(BigInt.asUintN(64, v));
}

/** "0x800000000000000E" style, as the console and state --json print statuses. */
export function statusHex(s: EfiStatus): string {
  return '0x' + EFI_STATUS_TABLE[s].value.toString(16).toUpperCase();
}

/**
 * An EFI_STATUS as C code holds it (a UINTN): a JS number when the value is a safe integer
 * (EFI_SUCCESS, the warnings), else a bigint (every error: the high bit is set). The same form as
 * SMM-C's `Val` (smmc/Ast), which this floor does not import.
 */
export function efiStatusValue(s: EfiStatus): number | bigint {
  return C_VALUES[s];
}

/** efiStatusValue's answers, made once (natives return a status on every call). */
const C_VALUES = Object.fromEntries(
  (Object.keys(EFI_STATUS_TABLE) as EfiStatus[]).map((k) => {
    const v = EFI_STATUS_TABLE[k].value;
    return [k, v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v];
  }),
) as Record<EfiStatus, number | bigint>;

/** The name of a C EFI_STATUS value (number or bigint, taken modulo 2^64); undefined when it has none. */
export function efiStatusName(v: number | bigint): EfiStatus | undefined {
  if (v === 0) return 'EFI_SUCCESS'; // the common answer, without a BigInt
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return undefined;
    // The warnings (a root handler's QUIESCED) are numbers: found without a BigInt.
    if (v >= 0) return BY_NUMBER.get(v);
    v = BigInt(v);
  }
  // The last BigInt named (a root handler returns the same QUIESCED on every SMI): BigInts are values.
  if (v === lastBig) return lastName;
  const name = statusFromValue(v);
  lastBig = v;
  lastName = name;
  return name;
}

let lastBig: bigint | null = null;
let lastName: EfiStatus | undefined = undefined;

/** The statuses whose value is a safe integer (success and the warnings), by that number. */
const BY_NUMBER = new Map<number, EfiStatus>(
  (Object.keys(EFI_STATUS_TABLE) as EfiStatus[]).filter((k) => EFI_STATUS_TABLE[k].value <= BigInt(Number.MAX_SAFE_INTEGER)).map((k) => [Number(EFI_STATUS_TABLE[k].value), k]),
);
