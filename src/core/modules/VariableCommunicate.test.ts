/**
 * Issue 6 §2: `communicate variable get|set`, the Communicate payload helper for the shipped
 * variable handler (VariableSmm's SmmVariableHandler). The message is laid out as
 * MdeModulePkg/Include/Guid/SmmVariableCommon.h and VariableSmmRuntimeDxe.c lay it out.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { GUIDS } from '../lib/Guid';
import { read32, read64, readBytes } from '../machine/Memory';
import { EFI_GLOBAL_VARIABLE_GUID } from './VariableServices';
import { attributesText, decodeVariableMessage, printable, variableMessage } from './VariableCommunicate';
import { ucs2 } from './VariableStore';

const VENDOR = '01234567-89ab-cdef-0123-456789abcdef';
/** Default buffer (runtime data) + EFI_SMM_COMMUNICATE_HEADER: where the message starts. */
const MSG = 0x7ee02000 + 0x18;

function run(s: Session, line: string): string[] {
  const r = s.exec(line);
  expect(r.error, r.lines.join('\n')).toBe(false);
  return r.lines;
}

describe('issue 6 §2: the SMM_VARIABLE_COMMUNICATE message, byte by byte', () => {
  it('issue 6 §2: GetVariable = {Function 1, ReturnStatus 0} + {Guid, DataSize, NameSize, Attributes 0, Name} + DataSize bytes of room', () => {
    const b = variableMessage({ fn: 'get', name: 'Lang', guid: EFI_GLOBAL_VARIABLE_GUID, dataSize: 0x10, attributes: 7, data: null });
    const dv = new DataView(b.buffer);
    expect(b.length).toBe(16 + 36 + 10 + 0x10);
    expect(dv.getBigUint64(0, true)).toBe(1n); // SMM_VARIABLE_FUNCTION_GET_VARIABLE
    expect(dv.getBigUint64(8, true)).toBe(0n);
    expect(Array.from(b.subarray(16, 20))).toEqual([0x61, 0xdf, 0xe4, 0x8b]); // Data1 0x8BE4DF61, little-endian
    expect(dv.getBigUint64(32, true)).toBe(0x10n); // DataSize
    expect(dv.getBigUint64(40, true)).toBe(10n); // NameSize = StrSize (L"Lang")
    expect(dv.getUint32(48, true)).toBe(0); // GetVariable sends no attributes
    expect(b.subarray(52, 62)).toEqual(ucs2('Lang'));
  });

  it('issue 6 §2: SetVariable = {Function 3} + {.., DataSize = the data, .., Attributes} + Name + data', () => {
    const b = variableMessage({ fn: 'set', name: 'X', guid: VENDOR, dataSize: 0, attributes: 6, data: Uint8Array.of(1, 2, 3) });
    const dv = new DataView(b.buffer);
    expect(dv.getBigUint64(0, true)).toBe(3n);
    expect(dv.getBigUint64(32, true)).toBe(3n);
    expect(dv.getUint32(48, true)).toBe(6);
    expect(Array.from(b.subarray(52 + 4))).toEqual([1, 2, 3]);
  });

  it('issue 6 §2: attributes and data are decoded for people: NV|BS|RT, L"..." or "..." when printable, hex otherwise', () => {
    expect(attributesText(7)).toBe('NV|BS|RT');
    expect(attributesText(0x46)).toBe('BS|RT|AP');
    expect(printable(Uint8Array.of(0x65, 0x6e, 0x67, 0))).toBe('"eng"');
    expect(printable(ucs2('Boot'))).toBe('L"Boot"');
    expect(printable(Uint8Array.of(1, 2))).toBeNull();
    const lines = decodeVariableMessage(variableMessage({ fn: 'set', name: 'X', guid: VENDOR, dataSize: 0, attributes: 7, data: Uint8Array.of(0xde, 0xad) }), 'before');
    expect(lines[0]).toMatch(/Function 3 \(SMM_VARIABLE_FUNCTION_SET_VARIABLE\)/);
    expect(lines[1]).toMatch(/Guid 01234567-89ab-cdef-0123-456789abcdef, DataSize 0x2, NameSize 0x4, Attributes 0x7 \(NV\|BS\|RT\), Name L"X"/);
    expect(lines.at(-1)).toBe('    DE AD');
  });
});

describe('issue 6 §2: communicate variable get|set against the booted machine', () => {
  const s = Session.create();

  it('issue 6 §2: get finds L"Lang" (the boot wrote "eng", NV|BS|RT): header decoded before and after', () => {
    const out = run(s, 'communicate variable get Lang gEfiGlobalVariableGuid --run');
    const after = out.indexOf('after the call:');
    expect(out.slice(0, after).join('\n')).toMatch(/ReturnStatus 0x0 \(the caller's; SmmVariableHandler writes its answer here\)/);
    expect(out[after + 1]).toMatch(/Function 1 \(SMM_VARIABLE_FUNCTION_GET_VARIABLE\), ReturnStatus 0x0 \(EFI_SUCCESS\)/);
    expect(out[after + 2]).toMatch(/Guid gEfiGlobalVariableGuid .*DataSize 0x4, NameSize 0xA, Attributes 0x7 \(NV\|BS\|RT\), Name L"Lang"/);
    expect(out[after + 3]).toBe('  data (4 bytes): "eng"');
    expect(s.m.s.lastSmi?.handlersCalled[0]).toMatchObject({ handler: 'SmmVariableHandler', returned: 'EFI_SUCCESS' });
  });

  it('issue 6 §2: get of a name nobody set -> ReturnStatus EFI_NOT_FOUND', () => {
    const out = run(s, 'communicate variable get NoSuchVariable gEfiGlobalVariableGuid --run');
    expect(out[out.indexOf('after the call:') + 1]).toMatch(/ReturnStatus 0x800000000000000E \(EFI_NOT_FOUND\)/);
    expect(read64(s.m.s.mem, MSG + 8)).toBe(0x800000000000000en);
  });

  it('issue 6 §2: get with too little room -> EFI_BUFFER_TOO_SMALL and the size the variable needs written back into DataSize', () => {
    const out = run(s, 'communicate variable get Lang gEfiGlobalVariableGuid --data-size 1 --run');
    const after = out.indexOf('after the call:');
    expect(out[after + 1]).toMatch(/EFI_BUFFER_TOO_SMALL/);
    expect(out[after + 2]).toMatch(/DataSize 0x4,/);
    expect(out[after + 3]).toMatch(/DataSize 0x4 is the size the variable needs/);
    expect(read64(s.m.s.mem, MSG + 16 + 16)).toBe(4n); // ACCESS_VARIABLE.DataSize in the OS's buffer
  });

  it('issue 6 §2: set then get: the variable lands in the NV store (attributes NV|BS|RT by default) and reads back', () => {
    const set = run(s, `communicate variable set MyVar ${VENDOR} 486900 --run`);
    expect(set[set.indexOf('after the call:') + 1]).toMatch(/ReturnStatus 0x0 \(EFI_SUCCESS\)/);
    expect(s.exec('variables').lines.some((l) => /attr 0x07 +L"MyVar" +01234567-89ab-cdef-0123-456789abcdef +3 bytes/.test(l))).toBe(true);
    const get = run(s, `communicate variable get MyVar ${VENDOR} --run`);
    const after = get.indexOf('after the call:');
    expect(get[after + 2]).toMatch(/DataSize 0x3, NameSize 0xC, Attributes 0x7 \(NV\|BS\|RT\), Name L"MyVar"/);
    expect(get[after + 3]).toBe('  data (3 bytes): "Hi"');
    expect(Array.from(readBytes(s.m.s.mem, MSG + 16 + 36 + 12, 3))).toEqual([0x48, 0x69, 0]);
  });

  it('issue 6 §2: --attributes changes the Attributes field; --v3 sends the EFI_MM_COMMUNICATE_HEADER_V3 VariableSmmRuntimeDxe uses (at runtime a new BS|RT variable is refused)', () => {
    const out = run(s, `communicate variable set Vol ${VENDOR} 01 --attributes 0x6 --v3 --run`);
    expect(read32(s.m.s.mem, 0x7ee02000 + 0x38 + 16 + 32)).toBe(6); // after the 56-byte V3 header and the 16-byte function header
    expect(s.m.s.lastSmi?.communicate).toBe('gEfiSmmVariableProtocolGuid');
    // VariableServiceSetVariable after ExitBootServices: only NV|RT variables may be created.
    expect(out[out.indexOf('after the call:') + 1]).toMatch(/EFI_INVALID_PARAMETER/);
    expect(s.exec('variables').lines.some((l) => l.includes('L"Vol"'))).toBe(false);
  });

  it('issue 6 §2: bad lines say what is wrong and change nothing', () => {
    expect(s.exec('communicate variable fetch Lang gEfiGlobalVariableGuid').lines[0]).toMatch(/usage: communicate variable get/);
    expect(s.exec('communicate variable get Lang gNoSuchGuid').lines[0]).toMatch(/neither a known C name/);
    expect(s.exec('communicate variable set Lang gEfiGlobalVariableGuid').error).toBe(true);
    expect(s.exec('communicate variable get Lang gEfiGlobalVariableGuid --attributes 7').error).toBe(true);
    expect(s.exec(`communicate variable get Lang gEfiGlobalVariableGuid --data-size 0x9000`).lines[0]).toMatch(/--data-size: 0x9000 is out of range \(max 0x83F4\)/);
    expect(s.exec(`communicate variable set Big ${VENDOR} ${'00'.repeat(0x83f4)}`).lines[0]).toMatch(/SmmVariableHandler takes at most mVariableBufferPayloadSize = 0x83F4/);
  });

  it('issue 6 §2: `help communicate` carries the worked example, on a variable the boot really wrote', () => {
    const help = s.exec('help communicate').lines.join('\n');
    expect(help).toMatch(/communicate variable get Lang gEfiGlobalVariableGuid --run/);
    expect(s.exec('variables').lines.some((l) => /ADDED +attr 0x07 +L"Lang" +gEfiGlobalVariableGuid +4 bytes/.test(l))).toBe(true);
  });
});

describe('issue 6 §2: a Communicate header the OS could not write (SMRAM) names the GUID asked for', () => {
  it('issue 6 §2: legacy header in TSEG: the record, the event and the console say gEfiSmmVariableProtocolGuid, and that SMRAM\'s bytes are not the OS\'s', () => {
    const s = Session.create();
    const out = run(s, 'communicate gEfiSmmVariableProtocolGuid 0102 --at 0x7F100000');
    expect(out[1]).toMatch(/the header bytes at 0x7F100000 are SMRAM's, not what the OS meant to write: they read as HeaderGuid 00000000-0000-0000-0000-000000000000; the GUID asked for is gEfiSmmVariableProtocolGuid/);
    expect(s.m.s.currentSmi?.communicate).toBe('gEfiSmmVariableProtocolGuid');
    expect(s.lastEvent?.text).toMatch(/The OS asked for gEfiSmmVariableProtocolGuid, but the buffer lies in SMRAM: its header writes were dropped, and the bytes there \(GUID 00000000-0000-0000-0000-000000000000\) are not what it meant to write/);
    const end = run(s, 'continue');
    expect(end.join('\n')).toMatch(/Communicate returned EFI_ACCESS_DENIED/);
    expect(s.m.s.lastSmi?.communicate).toBe('gEfiSmmVariableProtocolGuid');
  });

  it('issue 6 §2: V3 header in TSEG: PiSmmIpl refuses it, and its reason names the MessageGuid the OS meant', () => {
    const s = Session.create();
    const out = run(s, 'communicate gEfiSmmVariableProtocolGuid 0102 --at 0x7F100000 --v3 --run');
    expect(out.join('\n')).toMatch(/EFI_INVALID_PARAMETER .*these are SMRAM's bytes; it meant MessageGuid gEfiSmmVariableProtocolGuid/);
  });

  it('issue 6 §2: a buffer outside SMRAM reads its GUID from memory as before', () => {
    const s = Session.create();
    run(s, `communicate ${GUIDS.gEfiSmmVariableProtocolGuid} 00 --run`);
    expect(s.m.s.lastSmi?.communicate).toBe('gEfiSmmVariableProtocolGuid');
  });
});
