import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EFI_STATUS_TABLE, type EfiStatus } from './EfiStatus';
import { edk2DebugMessage, edk2Sprint, edk2SprintLf, MAX_DEBUG_MESSAGE_LENGTH } from './PrintLib';

const st = (status: EfiStatus) => ({ status });

describe('PrintLib: EFI_STATUS printing', () => {
  it('§2 "%x" of EFI_NOT_FOUND prints "E" (int = low 32 bits on X64)', () => {
    expect(edk2Sprint('%x', st('EFI_NOT_FOUND'))).toBe('E');
  });

  it('§2 "%x" of EFI_INVALID_PARAMETER / EFI_INTERRUPT_PENDING / EFI_WARN_INTERRUPT_SOURCE_QUIESCED prints 2 / 0 / 1', () => {
    expect(edk2Sprint('%x', st('EFI_INVALID_PARAMETER'))).toBe('2');
    expect(edk2Sprint('%x', st('EFI_INTERRUPT_PENDING'))).toBe('0');
    expect(edk2Sprint('%x', st('EFI_WARN_INTERRUPT_SOURCE_QUIESCED'))).toBe('1');
  });

  it('§2 "%lx" of EFI_NOT_FOUND prints the full 64-bit value "800000000000000E"', () => {
    expect(edk2Sprint('%lx', st('EFI_NOT_FOUND'))).toBe('800000000000000E');
    expect(edk2Sprint('%Lx', st('EFI_NOT_FOUND'))).toBe('800000000000000E');
  });

  it('§2 "%r" of EFI_NOT_FOUND prints "Not Found"', () => {
    expect(edk2Sprint('%r', st('EFI_NOT_FOUND'))).toBe('Not Found');
  });

  it('§2 "%r" of EFI_WARN_INTERRUPT_SOURCE_QUIESCED prints "00000001" (hex fallback, low 32 bits)', () => {
    expect(edk2Sprint('%r', st('EFI_WARN_INTERRUPT_SOURCE_QUIESCED'))).toBe('00000001');
  });

  it('§2 "%r" of EFI_INTERRUPT_PENDING and EFI_WARN_INTERRUPT_SOURCE_PENDING print "00000000"', () => {
    expect(edk2Sprint('%r', st('EFI_INTERRUPT_PENDING'))).toBe('00000000');
    expect(edk2Sprint('%r', st('EFI_WARN_INTERRUPT_SOURCE_PENDING'))).toBe('00000000');
  });

  it('§2 "%r" prints the table text for every status that has one, and hex for the PI codes', () => {
    for (const [name, info] of Object.entries(EFI_STATUS_TABLE)) {
      const text = 'text' in info ? info.text : (info.value & 0xffffffffn).toString(16).toUpperCase().padStart(8, '0');
      expect(edk2Sprint('%r', st(name as EfiStatus)), name).toBe(text);
    }
  });

  it('§2 "%r" of raw values outside EfiStatus uses the full mErrorString/mWarningString tables', () => {
    expect(edk2Sprint('%r', 0x8000000000000008n)).toBe('Write Protected');
    expect(edk2Sprint('%r', 0x8000000000000023n)).toBe('HTTP Error'); // 35, the last entry
    expect(edk2Sprint('%r', 0x8000000000000024n)).toBe('00000024');
    expect(edk2Sprint('%r', 7n)).toBe('Warning Reset Required');
    expect(edk2Sprint('%r', 8n)).toBe('00000008');
    expect(edk2Sprint('%r', 0xa000000000000000n)).toBe('00000000');
  });

  it('§2 "%d" / "%u" of an EFI_STATUS read the low 32 bits as int', () => {
    expect(edk2Sprint('%d', st('EFI_NOT_FOUND'))).toBe('14');
    expect(edk2Sprint('%d', st('EFI_SUCCESS'))).toBe('0');
  });
});

describe('PrintLib: integers', () => {
  it('§2 "0x%x" of 0xE prints "0xE" (no automatic prefix, upper-case mHexStr digits)', () => {
    expect(edk2Sprint('0x%x', 0xe)).toBe('0xE');
    expect(edk2Sprint('%x', 0xabcdef)).toBe('ABCDEF');
  });

  it('§2 "%08x" zero-pads to 8; "%8x" pads with spaces', () => {
    expect(edk2Sprint('%08x', 0xabc)).toBe('00000ABC');
    expect(edk2Sprint('%8x', 0xabc)).toBe('     ABC');
  });

  it('§2 "%X" sets PREFIX_ZERO: zero padding only when a width is given', () => {
    expect(edk2Sprint('%X', 0xe)).toBe('E');
    expect(edk2Sprint('%8X', 0xe)).toBe('0000000E');
    expect(edk2Sprint('%-8X|', 0xe)).toBe('E       |');
  });

  it('§2 "%d" of -1 prints "-1"; width, zero pad and left justify place the sign like C', () => {
    expect(edk2Sprint('%d', -1)).toBe('-1');
    expect(edk2Sprint('%5d|%-5d|%05d', -1, -1, -1)).toBe('   -1|-1   |-0001');
    expect(edk2Sprint('%d', 0xffffffff)).toBe('-1');
    expect(edk2Sprint('%d', 0x1_0000_0005)).toBe('5');
  });

  it('§2 "%u" is the low 32 bits unsigned; "%lu" / "%ld" are 64-bit', () => {
    expect(edk2Sprint('%u', -1)).toBe('4294967295');
    expect(edk2Sprint('%lu', -1n)).toBe('18446744073709551615');
    expect(edk2Sprint('%ld', -5n)).toBe('-5');
    expect(edk2Sprint('%ld', 1n << 63n)).toBe('-9223372036854775808');
    expect(edk2Sprint('%lX', 0x7ffe_f000n)).toBe('7FFEF000');
  });

  it('§2 "%p" is %lX on X64: minimal digits, zero-padded only with a width ("%11p" as in Dispatcher.c)', () => {
    expect(edk2Sprint('%p', 0x7f8a1000)).toBe('7F8A1000');
    expect(edk2Sprint('0x%11p', 0x7ffa0000)).toBe('0x0007FFA0000');
    expect(edk2Sprint('%p', 0xffff_8000_0000_0000n)).toBe('FFFF800000000000');
  });

  it('§2 flags: "," groups decimal digits, "*" takes the width from the arguments, "+" and " " prefix', () => {
    expect(edk2Sprint('%,d', 1234567)).toBe('1,234,567');
    expect(edk2Sprint('%,d', -1234567)).toBe('-1,234,567');
    expect(edk2Sprint('%,d', 123)).toBe('123');
    expect(edk2Sprint('%*d|%-*d|', 5, 42, 5, 42)).toBe('   42|42   |');
    expect(edk2Sprint('%+d|% d', 5, 5)).toBe('+5| 5');
    expect(edk2Sprint('%.5d|%.0d|', 42, 0)).toBe('00042||');
  });

  it('§2 property: "%d" is the int32 view, "%x" the uint32 view, "%lx" the uint64 view', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), (v) => {
        expect(edk2Sprint('%d', v)).toBe(BigInt.asIntN(32, v).toString());
        expect(edk2Sprint('%x', v)).toBe(BigInt.asUintN(32, v).toString(16).toUpperCase());
        expect(edk2Sprint('%lx', v)).toBe(BigInt.asUintN(64, v).toString(16).toUpperCase());
        expect(edk2Sprint('%016lx', v)).toBe(BigInt.asUintN(64, v).toString(16).toUpperCase().padStart(16, '0'));
      }),
    );
  });
});

describe('PrintLib: strings, GUIDs, characters', () => {
  it('§2 "%a" and "%s" print the string; width, "-" and precision apply', () => {
    expect(edk2Sprint('[%a]', 'CpuHotplugEntry')).toBe('[CpuHotplugEntry]');
    expect(edk2Sprint('%s', 'PiSmmCpuDxeSmm')).toBe('PiSmmCpuDxeSmm');
    expect(edk2Sprint('%-6a|%6a|%.3a', 'ab', 'ab', 'hello')).toBe('ab    |    ab|hel');
    expect(edk2Sprint('%a', 'stop\0here')).toBe('stop');
  });

  it('§2 "%g" prints the GUID 8-4-4-4-12 with mHexStr, i.e. upper-case', () => {
    expect(edk2Sprint('%g', { guid: 'eb346b97-975f-4a9f-8b22-f8e92bb3d569' })).toBe('EB346B97-975F-4A9F-8B22-F8E92BB3D569');
    expect(edk2Sprint('SMM Driver %g was discovered but not loaded!!', { guid: '02ce967a-dd7e-4ffc-9ee7-810cf0470880' }))
      .toBe('SMM Driver 02CE967A-DD7E-4FFC-9EE7-810CF0470880 was discovered but not loaded!!');
  });

  it('§2 "%c" prints one character; "%%" prints "%"; an unknown conversion prints itself; a trailing "%" prints nothing', () => {
    expect(edk2Sprint('%c%c', 0x41, 'B')).toBe('AB');
    expect(edk2Sprint('100%%')).toBe('100%');
    expect(edk2Sprint('%q')).toBe('q');
    expect(edk2Sprint('end%')).toBe('end');
  });

  it('§2 "\\n" is emitted as "\\r\\n" like AsciiSPrint; edk2SprintLf keeps "\\n"', () => {
    expect(edk2Sprint('a\nb\n\rc\r\nd')).toBe('a\r\nb\r\nc\r\nd');
    expect(edk2Sprint('\nASSERT_EFI_ERROR (Status = %r)\n', st('EFI_NOT_FOUND'))).toBe('\r\nASSERT_EFI_ERROR (Status = Not Found)\r\n');
    expect(edk2SprintLf('x=%x\n', 0xe)).toBe('x=E\n');
  });

  it('§2 edk2DebugMessage cuts at MAX_DEBUG_MESSAGE_LENGTH - 1 = 255 characters like DebugPrint', () => {
    expect(edk2DebugMessage('%a', 'x'.repeat(300))).toHaveLength(MAX_DEBUG_MESSAGE_LENGTH - 1);
    expect(edk2DebugMessage('short')).toBe('short');
  });

  it('§2 a missing or mistyped argument throws instead of reading garbage', () => {
    expect(() => edk2Sprint('%x')).toThrow(TypeError);
    expect(() => edk2Sprint('%a', 5)).toThrow(TypeError);
    expect(() => edk2Sprint('%g', 'not-a-guid')).toThrow(TypeError);
    expect(() => edk2Sprint('%d', 1.5)).toThrow(TypeError);
  });
});
