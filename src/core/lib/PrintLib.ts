/**
 * edk2 BasePrintLib, ASCII output, X64 (facts §2 "How edk2 DEBUG/PrintLib prints them").
 *
 * A port of BasePrintLibSPrintMarker (edk2 MdePkg/Library/BasePrintLib/PrintLibInternal.c) with the
 * C varargs replaced by a typed argument list. Behaviours kept from the C code on purpose:
 * - `%d %u %x %X` without `l`/`L` read a C `int`: only the low 32 bits of the argument count
 *   (`%d` sign-extends them, `%u %x %X` print them unsigned).
 * - Hex digits come from mHexStr and are upper-case for `%x` too; `%g` therefore prints an
 *   upper-case GUID (it is printed with "%08x-%04x-...").
 * - `%X` sets PREFIX_ZERO, which only matters when a width is given: "%X" of 0xE is "E",
 *   "%8X" is "0000000E" ("%8x" is "       E").
 * - `%p` is `%lX` on X64: "%p" prints only the needed digits, "%11p" zero-pads to 11.
 * - `%r` looks the status up in mErrorString/mWarningString; anything else prints "%08X" of the
 *   status, i.e. the low 32 bits.
 * - "\n" in the format is emitted as "\r\n" (and "\n\r" as "\r\n"), as AsciiSPrint does.
 *   `edk2SprintLf` is the same formatter without that translation.
 * Not supported (throw): `%t` (EFI_TIME).
 */

import { statusValue, type EfiStatus } from './EfiStatus';
import { parseGuid, type Guid } from './Guid';

/** A %a/%s argument of null prints "<null string>", a %g of { guid: null } "<null guid>" (BasePrintLib's NULL pointer checks). */
export type PrintArg = number | bigint | string | null | { guid: Guid | null } | { status: EfiStatus };

/** DebugLib's buffer (MdePkg/Library/BaseDebugLibSerialPort/DebugLib.c): messages are cut at 255 chars. */
export const MAX_DEBUG_MESSAGE_LENGTH = 0x100;

// PrintLibInternal.c mWarningString[] (index = status) and mErrorString[] (index = status & ~MAX_BIT, minus 1).
const WARNING_STRINGS = [
  'Success', 'Warning Unknown Glyph', 'Warning Delete Failure', 'Warning Write Failure',
  'Warning Buffer Too Small', 'Warning Stale Data', 'Warning File System', 'Warning Reset Required',
];
const ERROR_STRINGS = [
  'Load Error', 'Invalid Parameter', 'Unsupported', 'Bad Buffer Size', 'Buffer Too Small', 'Not Ready',
  'Device Error', 'Write Protected', 'Out of Resources', 'Volume Corrupt', 'Volume Full', 'No Media',
  'Media changed', 'Not Found', 'Access Denied', 'No Response', 'No mapping', 'Time out', 'Not started',
  'Already started', 'Aborted', 'ICMP Error', 'TFTP Error', 'Protocol Error', 'Incompatible Version',
  'Security Violation', 'CRC Error', 'End of Media', 'Reserved (29)', 'Reserved (30)', 'End of File',
  'Invalid Language', 'Compromised Data', 'IP Address Conflict', 'HTTP Error',
];

const MAX_BIT = 0x8000000000000000n;

// Flag bits (PrintLibInternal.h); only their distinctness matters here.
const LEFT_JUSTIFY = 0x01;
const PREFIX_SIGN = 0x02;
const PREFIX_BLANK = 0x04;
const COMMA_TYPE = 0x08;
const LONG_TYPE = 0x10;
const PREFIX_ZERO = 0x20;
const RADIX_HEX = 0x80;
const UNSIGNED_TYPE = 0x100;
const PAD_TO_WIDTH = 0x200;
const ARGUMENT_REVERSED = 0x400;
const PRECISION = 0x800;

class ArgReader {
  private i = 0;
  constructor(private readonly args: readonly PrintArg[]) {}

  private next(conv: string): PrintArg {
    if (this.i >= this.args.length) {
      throw new TypeError(`edk2Sprint: missing argument ${this.i + 1} for %${conv}`);
    }
    return this.args[this.i++];
  }

  /** UINTN / INT64 / int / EFI_STATUS argument as a bigint (not yet truncated). */
  integer(conv: string): bigint {
    const a = this.next(conv);
    if (typeof a === 'bigint') return a;
    if (typeof a === 'number') {
      if (!Number.isInteger(a)) throw new TypeError(`edk2Sprint: %${conv} needs an integer, got ${a}`);
      return BigInt(a);
    }
    if (typeof a === 'object' && a !== null && 'status' in a) return statusValue(a.status);
    throw new TypeError(`edk2Sprint: %${conv} needs a number, bigint or {status}`);
  }

  string(conv: string): string {
    const a = this.next(conv);
    if (a === null) return '<null string>';
    if (typeof a !== 'string') throw new TypeError(`edk2Sprint: %${conv} needs a string`);
    const nul = a.indexOf('\0');
    return nul < 0 ? a : a.slice(0, nul);
  }

  char(conv: string): number {
    const a = this.args[this.i];
    if (typeof a === 'string') {
      this.i++;
      return a.length > 0 ? a.charCodeAt(0) & 0xffff : 0;
    }
    return Number(BigInt.asUintN(16, this.integer(conv)));
  }

  guid(conv: string): Guid | null {
    const a = this.next(conv);
    if (typeof a === 'object' && a !== null && 'guid' in a && a.guid === null) return null;
    const g = typeof a === 'string' ? parseGuid(a) : typeof a === 'object' && a !== null && 'guid' in a && a.guid !== null ? parseGuid(a.guid) : null;
    if (g === null) throw new TypeError(`edk2Sprint: %${conv} needs {guid} (or a GUID string)`);
    return g;
  }

  status(conv: string): bigint {
    return BigInt.asUintN(64, this.integer(conv));
  }
}

/** %r text: the mStatusString tables, else "%08X" of the status (low 32 bits). */
function statusText(status: bigint): string {
  if ((status & MAX_BIT) !== 0n) {
    const index = status & ~MAX_BIT;
    if (index > 0n && index <= BigInt(ERROR_STRINGS.length)) return ERROR_STRINGS[Number(index) - 1];
  } else if (status < BigInt(WARNING_STRINGS.length)) {
    return WARNING_STRINGS[Number(status)];
  }
  return format('%08X', [status], true);
}

function guidText(g: Guid): string {
  const h = g.replace(/-/g, '');
  const n = (from: number, to: number) => BigInt('0x' + h.slice(from, to));
  const data4: bigint[] = [];
  for (let i = 0; i < 8; i++) data4.push(n(16 + 2 * i, 18 + 2 * i));
  return format('%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x', [n(0, 8), n(8, 12), n(12, 16), ...data4], true);
}

function format(fmt: string, args: readonly PrintArg[], translateNewlines: boolean): string {
  const reader = new ArgReader(args);
  let out = '';
  const put = (code: number) => {
    out += String.fromCharCode(code & 0xff); // BasePrintLibFillBuffer stores (CHAR8)Character
  };
  const fill = (count: number, ch: string) => {
    for (let k = 0; k < count; k++) put(ch.charCodeAt(0));
  };
  const at = (i: number) => (i < fmt.length ? fmt[i] : '\0');

  let pos = 0;
  while (pos < fmt.length && fmt[pos] !== '\0') {
    let flags = 0;
    let width = 0;
    let precision = 1;
    let prefix = '';
    let comma = false;
    let zeroPad = false;
    let count = 0;
    let digits = 0;
    /** Characters to copy, in output order (reversed digits already un-reversed). */
    let argument = '';
    let c = fmt[pos];

    if (c === '%') {
      // Parse flags, width and precision.
      for (let done = false; !done; ) {
        pos++;
        c = at(pos);
        switch (c) {
          case '.': flags |= PRECISION; break;
          case '-': flags |= LEFT_JUSTIFY; break;
          case '+': flags |= PREFIX_SIGN; break;
          case ' ': flags |= PREFIX_BLANK; break;
          case ',': flags |= COMMA_TYPE; break;
          case 'L': case 'l': flags |= LONG_TYPE; break;
          case '*': {
            const v = Number(BigInt.asUintN(64, reader.integer('*')));
            if ((flags & PRECISION) === 0) {
              flags |= PAD_TO_WIDTH;
              width = v;
            } else {
              precision = v;
            }
            break;
          }
          case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
            if (c === '0' && (flags & PRECISION) === 0) flags |= PREFIX_ZERO;
            let n = 0;
            while (at(pos) >= '0' && at(pos) <= '9') {
              n = n * 10 + (at(pos).charCodeAt(0) - 48);
              pos++;
            }
            pos--;
            if ((flags & PRECISION) === 0) {
              flags |= PAD_TO_WIDTH;
              width = n;
            } else {
              precision = n;
            }
            break;
          }
          case '\0':
            // Format ended inside a conversion: print nothing.
            pos--;
            precision = 0;
            done = true;
            break;
          default:
            done = true;
        }
      }

      // FormatCharacter: the conversion character ('\0' when the format ended inside a conversion).
      const conv = c;
      switch (conv) {
        case 'p':
        case 'X':
        case 'x':
        case 'u':
        case 'd': {
          if (conv === 'p') {
            flags &= ~(PREFIX_BLANK | PREFIX_SIGN | PREFIX_ZERO | LONG_TYPE);
            flags |= LONG_TYPE; // sizeof (VOID *) > 4 on X64
          }
          if (conv === 'p' || conv === 'X') flags |= PREFIX_ZERO;
          if (conv === 'p' || conv === 'X' || conv === 'x') flags |= RADIX_HEX;
          if ((flags & RADIX_HEX) === 0 && conv !== 'd') {
            flags &= ~PREFIX_SIGN;
            flags |= UNSIGNED_TYPE;
          }
          const raw = reader.integer(conv);
          // VA_ARG (Marker, int) vs VA_ARG (Marker, INT64): both land in an INT64.
          let value = (flags & LONG_TYPE) === 0 ? BigInt.asIntN(32, raw) : BigInt.asIntN(64, raw);
          if ((flags & PREFIX_BLANK) !== 0) prefix = ' ';
          if ((flags & PREFIX_SIGN) !== 0) prefix = '+';
          if ((flags & COMMA_TYPE) !== 0) comma = true;
          let radix: number;
          if ((flags & RADIX_HEX) === 0) {
            radix = 10;
            if (comma) {
              flags &= ~PREFIX_ZERO;
              precision = 1;
            }
            if (value < 0n && (flags & UNSIGNED_TYPE) === 0) {
              flags |= PREFIX_SIGN;
              prefix = '-';
              value = -value;
            } else if ((flags & UNSIGNED_TYPE) !== 0 && (flags & LONG_TYPE) === 0) {
              value = BigInt.asUintN(32, value); // (unsigned int)Value
            }
          } else {
            radix = 16;
            comma = false;
            if ((flags & LONG_TYPE) === 0 && value < 0n) value = BigInt.asUintN(32, value);
          }
          // BasePrintLibValueToString divides (UINT64)Value.
          let text = BigInt.asUintN(64, value).toString(radix).toUpperCase();
          count = text.length;
          if (value === 0n && precision === 0) {
            count = 0;
            text = '';
          }
          argument = text;
          digits = count % 3;
          if (digits !== 0) digits = 3 - digits;
          if (comma && count !== 0) count += Math.floor((count - 1) / 3);
          if (prefix !== '') {
            count++;
            precision++;
          }
          flags |= ARGUMENT_REVERSED;
          zeroPad = true;
          if ((flags & PREFIX_ZERO) !== 0 && (flags & LEFT_JUSTIFY) === 0 && (flags & PAD_TO_WIDTH) !== 0 &&
              (flags & PRECISION) === 0) {
            precision = width;
          }
          break;
        }
        case 's':
        case 'S':
        case 'a':
          argument = reader.string(conv);
          if ((flags & PRECISION) === 0) precision = 0;
          break;
        case 'c': {
          const ch = reader.char(conv);
          argument = ch === 0 ? '' : String.fromCharCode(ch);
          break;
        }
        case 'g': {
          const g = reader.guid(conv);
          argument = g === null ? '<null guid>' : guidText(g);
          break;
        }
        case 'r':
          argument = statusText(reader.status(conv));
          break;
        case 't':
          throw new TypeError('edk2Sprint: %t (EFI_TIME) is not supported');
        case '\r':
          if (at(pos + 1) === '\n') {
            argument = '\r\n';
            pos++;
          } else {
            argument = '\r';
          }
          break;
        case '\n':
          if (translateNewlines) {
            argument = '\r\n';
            if (at(pos + 1) === '\r') pos++;
          } else {
            argument = '\n';
          }
          break;
        case '\0':
          argument = '';
          break;
        default:
          // '%' or an unknown conversion character: print it.
          argument = conv;
      }
    } else if (c === '\r') {
      if (at(pos + 1) === '\n') {
        argument = '\r\n';
        pos++;
      } else {
        argument = '\r';
      }
    } else if (c === '\n') {
      if (translateNewlines) {
        argument = '\r\n';
        if (at(pos + 1) === '\r') pos++;
      } else {
        argument = '\n';
      }
    } else {
      argument = c;
    }

    // Retrieve the ArgumentString attributes (CountCharacters for non-reversed arguments).
    if ((flags & ARGUMENT_REVERSED) === 0) {
      count = (flags & PRECISION) !== 0 ? Math.min(argument.length, precision) : argument.length;
    }
    if (precision < count) precision = count;

    // Pad before the string.
    if ((flags & (PAD_TO_WIDTH | LEFT_JUSTIFY)) === PAD_TO_WIDTH) fill(width - precision, ' ');
    if (zeroPad) {
      if (prefix !== '') put(prefix.charCodeAt(0));
      fill(precision - count, '0');
    } else {
      fill(precision - count, ' ');
      if (prefix !== '') put(prefix.charCodeAt(0));
    }

    // Copy the string, inserting commas every third digit.
    let index = prefix !== '' ? 1 : 0;
    let k = 0;
    while (index < count) {
      if (k >= argument.length) break; // ArgumentCharacter == 0
      put(argument.charCodeAt(k++));
      index++;
      if (comma) {
        digits++;
        if (digits === 3) {
          digits = 0;
          index++;
          if (index < count) put(0x2c);
        }
      }
    }

    // Pad after the string.
    if ((flags & (PAD_TO_WIDTH | LEFT_JUSTIFY)) === (PAD_TO_WIDTH | LEFT_JUSTIFY)) fill(width - precision, ' ');

    pos++;
  }
  return out;
}

/** Formats like edk2 AsciiSPrint on X64 (see the module comment for the exact rules). */
export function edk2Sprint(fmt: string, ...args: PrintArg[]): string {
  return format(fmt, args, true);
}

/** edk2Sprint without the "\n" → "\r\n" translation (for callers that split lines themselves). */
export function edk2SprintLf(fmt: string, ...args: PrintArg[]): string {
  return format(fmt, args, false);
}

/**
 * What DebugPrint (BaseDebugLibSerialPort) writes to the serial port for one DEBUG() call:
 * AsciiVSPrint into a MAX_DEBUG_MESSAGE_LENGTH buffer, i.e. at most 255 characters.
 */
export function edk2DebugMessage(fmt: string, ...args: PrintArg[]): string {
  return format(fmt, args, true).slice(0, MAX_DEBUG_MESSAGE_LENGTH - 1);
}
