import { describe, expect, it } from 'vitest';
import { EFI_STATUS_TABLE, efiStatusName, efiStatusValue, type EfiStatus, isError, statusFromValue, statusHex, statusValue } from './EfiStatus';

/** facts §2: name, n, X64 value. */
const TABLE: [EfiStatus, bigint][] = [
  ['EFI_SUCCESS', 0x0n],
  ['EFI_LOAD_ERROR', 0x8000000000000001n],
  ['EFI_INVALID_PARAMETER', 0x8000000000000002n],
  ['EFI_UNSUPPORTED', 0x8000000000000003n],
  ['EFI_BAD_BUFFER_SIZE', 0x8000000000000004n],
  ['EFI_BUFFER_TOO_SMALL', 0x8000000000000005n],
  ['EFI_NOT_READY', 0x8000000000000006n],
  ['EFI_DEVICE_ERROR', 0x8000000000000007n],
  ['EFI_OUT_OF_RESOURCES', 0x8000000000000009n],
  ['EFI_NOT_FOUND', 0x800000000000000en],
  ['EFI_ACCESS_DENIED', 0x800000000000000fn],
  ['EFI_TIMEOUT', 0x8000000000000012n],
  ['EFI_ALREADY_STARTED', 0x8000000000000014n],
  ['EFI_ABORTED', 0x8000000000000015n],
  ['EFI_PROTOCOL_ERROR', 0x8000000000000018n],
  ['EFI_SECURITY_VIOLATION', 0x800000000000001an],
  ['EFI_WARN_BUFFER_TOO_SMALL', 0x4n],
  ['EFI_WARN_INTERRUPT_SOURCE_PENDING', 0x2000000000000000n],
  ['EFI_WARN_INTERRUPT_SOURCE_QUIESCED', 0x2000000000000001n],
  ['EFI_INTERRUPT_PENDING', 0xa000000000000000n],
];

/**
 * Two more the variable stack answers with (§13: the boot's variable requests), same encodings:
 * RETURN_WRITE_PROTECTED = ENCODE_ERROR (8) (MdePkg/Include/Base.h) and EFI_NOT_AVAILABLE_YET =
 * DXE_ERROR (2) (MdePkg/Include/Pi/PiMultiPhase.h).
 */
const VARIABLE_STACK: [EfiStatus, bigint][] = [
  ['EFI_WRITE_PROTECTED', 0x8000000000000008n],
  ['EFI_NOT_AVAILABLE_YET', 0xa000000000000002n],
];

describe('EfiStatus (§2)', () => {
  it.each([...TABLE, ...VARIABLE_STACK].map(([name, value]) => ({ name, value, hex: '0x' + value.toString(16).toUpperCase() })))('§2 $name = $hex on X64', ({ name, value, hex }) => {
    expect(statusValue(name)).toBe(value);
    expect(statusHex(name)).toBe(hex);
    expect(statusFromValue(value)).toBe(name);
    expect(isError(name)).toBe((value & 0x8000000000000000n) !== 0n);
  });

  it('§2/§13 the table covers exactly the facts list plus the variable stack\'s two; PI warnings are not errors, EFI_INTERRUPT_PENDING is', () => {
    expect(Object.keys(EFI_STATUS_TABLE).sort()).toEqual([...TABLE, ...VARIABLE_STACK].map(([n]) => n).sort());
    expect(isError('EFI_WARN_INTERRUPT_SOURCE_QUIESCED')).toBe(false);
    expect(isError('EFI_WARN_INTERRUPT_SOURCE_PENDING')).toBe(false);
    expect(isError('EFI_INTERRUPT_PENDING')).toBe(true);
    expect(statusFromValue(-1n)).toBeUndefined();
    expect(statusFromValue(-0x7ffffffffffffff2n)).toBe('EFI_NOT_FOUND'); // read as UINTN: 0x800000000000000E
    expect(statusFromValue(0x8000000en)).toBeUndefined(); // the IA32 encoding is not an X64 status
  });
});

describe('EFI_STATUS as C holds it (facts §2)', () => {
  it('§2 efiStatusValue and efiStatusName turn every status into its C value and back, in any order, twice in a row too', () => {
    const names = Object.keys(EFI_STATUS_TABLE) as EfiStatus[];
    for (const n of [...names, ...names.flatMap((x) => [x, x]), ...[...names].reverse()]) {
      const v = efiStatusValue(n);
      expect(BigInt(v)).toBe(statusValue(n));
      expect(typeof v).toBe(statusValue(n) <= BigInt(Number.MAX_SAFE_INTEGER) ? 'number' : 'bigint');
      expect(efiStatusName(v)).toBe(n);
      expect(efiStatusName(BigInt.asIntN(64, statusValue(n)))).toBe(n); // as an INTN
    }
    expect(efiStatusName(3)).toBeUndefined();
    expect(efiStatusName(0x800000000000000dn)).toBeUndefined();
    expect(efiStatusName(0x800000000000000en)).toBe('EFI_NOT_FOUND');
    expect(efiStatusName(2 ** 60)).toBeUndefined(); // not a safe integer
  });
});
