import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { read64, read8, readBytes } from '../machine/Memory';
import { statusFromValue } from '../lib/EfiStatus';
import { guidToBytes } from '../lib/Guid';
import { VARIABLE_BUFFER_PAYLOAD_SIZE } from './VariableSmm';
import { OVMF_VARS_FLASH_BASE, ucs2, variables, VAR_ADDED } from './VariableStore';

const GLOBAL = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
const TEST_GUID = '5a5a5a5a-1111-4222-8333-444455556666';
const PCRTC = '378d7b65-8da9-4773-b6e4-a47826a833e1';
const AT = 0x7ee02000;
const V3 = 56; // sizeof (EFI_MM_COMMUNICATE_HEADER_V3)

const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function u64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}
function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** SMM_VARIABLE_COMMUNICATE_HEADER {Function, ReturnStatus} + SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE + data. */
function access(fn: number, guid: string, name: string, dataSize: number, attributes = 0, data?: Uint8Array): Uint8Array {
  const n = ucs2(name);
  const d = new Uint8Array(dataSize);
  if (data) d.set(data);
  return cat(u64(fn), u64(0), guidToBytes(guid), u64(dataSize), u64(n.length), u32(attributes), n, d);
}

/** Sends `msg` through `communicate --v3` (or the legacy header) and returns the variable ReturnStatus and the message after the call. */
function send(s: Session, msg: Uint8Array, v3 = true): { communicate: string; status: string; after: Uint8Array; lines: string[] } {
  const r = s.exec(`communicate gEfiSmmVariableProtocolGuid ${hexOf(msg)}${v3 ? ' --v3' : ''} --run`);
  expect(r.error, r.lines.join('\n')).toBe(false);
  const header = v3 ? V3 : 24;
  const m = /returned (\w+)/.exec(r.lines.find((l) => / returned /.test(l))!)!;
  const after = readBytes(s.m.s.mem, AT + header, msg.length);
  const status = statusFromValue(read64(s.m.s.mem, AT + header + 8)) ?? 'unknown';
  return { communicate: m[1], status, after, lines: r.lines };
}

function nvRecords(s: Session, name: string) {
  const st = { base: OVMF_VARS_FLASH_BASE + 0x48, size: 0x3ffb8, volatile: false };
  const want = ucs2(name);
  return [...variables(s.m.s.mem, st)].filter((v) => v.nameSize === want.length && v.name.every((b, i) => b === want[i]));
}

describe('VariableSmm: SmmVariableHandler over MM Communicate v3 (§1.1, §13)', () => {
  it('§1.1/§13 GET_PAYLOAD_SIZE answers mVariableBufferPayloadSize 0x83F4, through the V3 header and through the legacy one', () => {
    const s = Session.create({ cpus: 2 });
    for (const v3 of [true, false]) {
      const r = send(s, cat(u64(11), u64(0), u64(0)), v3);
      expect(r.communicate).toBe('EFI_SUCCESS');
      expect(r.status).toBe('EFI_SUCCESS');
      expect(Number(new DataView(r.after.buffer).getBigUint64(16, true))).toBe(0x83f4);
    }
    expect(VARIABLE_BUFFER_PAYLOAD_SIZE).toBe(0x8400 + 0x30 - 0x3c);
  });

  it('§13 GetVariable of a missing variable: Communicate EFI_SUCCESS, ReturnStatus EFI_NOT_FOUND (the handler always returns EFI_SUCCESS)', () => {
    const s = Session.create({ cpus: 2 });
    const r = send(s, access(1, TEST_GUID, 'Nope', 8));
    expect(r.communicate).toBe('EFI_SUCCESS');
    expect(r.status).toBe('EFI_NOT_FOUND');
    expect(s.m.s.lastSmi!.handlersCalled.map((c) => `${c.handler}:${c.returned}`)).toEqual(['SmmVariableHandler:EFI_SUCCESS', 'CpuHotplugMmi:EFI_WARN_INTERRUPT_SOURCE_QUIESCED']);
  });

  it('§13 SetVariable writes a record into the flash bytes (StartId 0x55AA, State VAR_ADDED, name, data); GetVariable answers EFI_BUFFER_TOO_SMALL then the data', () => {
    const s = Session.create({ cpus: 2 });
    const data = Uint8Array.from([1, 2, 3, 4, 5]);
    expect(send(s, access(3, TEST_GUID, 'SmiScopeTest', 5, 7, data)).status).toBe('EFI_SUCCESS');
    const [rec] = nvRecords(s, 'SmiScopeTest');
    expect(rec).toBeDefined();
    expect(rec.addr).toBeGreaterThan(OVMF_VARS_FLASH_BASE);
    expect(hexOf(readBytes(s.m.s.mem, rec.addr, 4))).toBe('aa553f00'); // StartId 0x55AA, State 0x3F (VAR_ADDED), Reserved
    expect(rec).toMatchObject({ attributes: 7, dataSize: 5, state: VAR_ADDED });
    expect(Array.from(readBytes(s.m.s.mem, rec.dataAddr, 5))).toEqual([1, 2, 3, 4, 5]);

    const small = send(s, access(1, TEST_GUID, 'SmiScopeTest', 2));
    expect(small.status).toBe('EFI_BUFFER_TOO_SMALL');
    expect(Number(new DataView(small.after.buffer).getBigUint64(32, true))).toBe(5); // DataSize written back
    const ok = send(s, access(1, TEST_GUID, 'SmiScopeTest', 5));
    expect(ok.status).toBe('EFI_SUCCESS');
    expect(Array.from(ok.after.slice(16 + 36 + 26, 16 + 36 + 26 + 5))).toEqual([1, 2, 3, 4, 5]);
    expect(new DataView(ok.after.buffer).getUint32(16 + 32, true)).toBe(7); // Attributes
  });

  it('§13 an update appends a new copy and marks the old one deleted (State 0x3F & IN_DELETED_TRANSITION & DELETED = 0x3C); a delete leaves 0x3D; different attributes are EFI_INVALID_PARAMETER', () => {
    const s = Session.create({ cpus: 2 });
    send(s, access(3, TEST_GUID, 'Upd', 1, 7, Uint8Array.from([0xaa])));
    expect(send(s, access(3, TEST_GUID, 'Upd', 2, 7, Uint8Array.from([0xbb, 0xcc]))).status).toBe('EFI_SUCCESS');
    let recs = nvRecords(s, 'Upd');
    expect(recs.map((r) => r.state)).toEqual([0x3c, 0x3f]);
    expect(send(s, access(3, TEST_GUID, 'Upd', 2, 7, Uint8Array.from([0xbb, 0xcc]))).lines.join('\n')).toContain('Communicate3 returned EFI_SUCCESS');
    expect(nvRecords(s, 'Upd')).toHaveLength(2); // same data: nothing written
    expect(send(s, access(3, TEST_GUID, 'Upd', 1, 7, Uint8Array.from([1]))).status).toBe('EFI_SUCCESS'); // same attributes: a normal update
    const wrongAttr = send(s, access(3, TEST_GUID, 'Upd', 1, 6, Uint8Array.from([1])));
    expect(wrongAttr.status).toBe('EFI_INVALID_PARAMETER');
    expect(send(s, access(3, TEST_GUID, 'Upd', 0, 7)).status).toBe('EFI_SUCCESS'); // DataSize 0: delete
    recs = nvRecords(s, 'Upd');
    expect(recs.at(-1)!.state).toBe(0x3d);
    expect(send(s, access(1, TEST_GUID, 'Upd', 8)).status).toBe('EFI_NOT_FOUND');
  });

  it('§13 after ExitBootServices (mAtRuntime): volatile variables are read-only, new ones need NV + RT', () => {
    const s = Session.create({ cpus: 2 });
    expect(send(s, access(3, GLOBAL, 'ConInDev', 4, 6, Uint8Array.from([1, 2, 3, 4]))).status).toBe('EFI_WRITE_PROTECTED');
    expect(send(s, access(3, TEST_GUID, 'VolatileNew', 1, 6, Uint8Array.from([1]))).status).toBe('EFI_INVALID_PARAMETER');
    expect(send(s, access(3, TEST_GUID, 'BsOnly', 1, 3, Uint8Array.from([1]))).status).toBe('EFI_INVALID_PARAMETER');
  });

  it('§13 VarCheckPolicy after End of DXE: PcRtc\'s RTC policy (exactly 4 bytes) refuses 8 bytes; the LOCK_NOW policies BDS registered refuse any write', () => {
    const s = Session.create({ cpus: 2 });
    const rtc = send(s, access(3, PCRTC, 'RTC', 8, 7, new Uint8Array(8)));
    expect(rtc.status).toBe('EFI_INVALID_PARAMETER');
    expect(s.timeline.some((e) => /ValidateSetVariable: policy NO_LOCK on L"RTC": size 8 outside 4\.\.4/.test(e.text))).toBe(true);
    expect(send(s, access(3, PCRTC, 'RTC', 4, 7, new Uint8Array(4))).status).toBe('EFI_SUCCESS');
    const lang = send(s, access(3, GLOBAL, 'LangCodes', 4, 6, new Uint8Array(4)));
    expect(lang.status).toBe('EFI_WRITE_PROTECTED');
    expect(s.timeline.some((e) => /ValidateSetVariable: policy LOCK_NOW on L"LangCodes"/.test(e.text))).toBe(true);
  });

  it('§13 GetNextVariableName: L"" with a 2-byte buffer is EFI_BUFFER_TOO_SMALL with the size needed; then the volatile store first, then NV', () => {
    const s = Session.create({ cpus: 2 });
    const next = (name: string, guid: string, bufferSize: number) => {
      const n = new Uint8Array(Math.max(bufferSize, ucs2(name).length));
      n.set(ucs2(name));
      return send(s, cat(u64(2), u64(0), guidToBytes(guid), u64(bufferSize), n));
    };
    const first = next('', '00000000-0000-0000-0000-000000000000', 2);
    expect(first.status).toBe('EFI_BUFFER_TOO_SMALL');
    expect(Number(new DataView(first.after.buffer).getBigUint64(32, true))).toBe(2 * ('OsIndicationsSupported'.length + 1));
    const ok = next('', '00000000-0000-0000-0000-000000000000', 46);
    expect(ok.status).toBe('EFI_SUCCESS');
    expect(new TextDecoder('utf-16le').decode(ok.after.slice(40, 40 + 44))).toBe('OsIndicationsSupported');
    expect(next('NoSuchVariable', GLOBAL, 46).status).toBe('EFI_INVALID_PARAMETER');
  });

  it('§13 a payload larger than mVariableBufferPayloadSize is refused before anything is read ("payload size invalid"), ReturnStatus untouched', () => {
    const s = Session.create({ cpus: 2 });
    const before = s.m.s.serial.lines.length;
    const big = new Uint8Array(16 + 0x83f4 + 8);
    big.set(u64(1), 0);
    big.set(u64(0x1234), 8);
    const r = send(s, big);
    expect(r.communicate).toBe('EFI_SUCCESS');
    expect(Number(read64(s.m.s.mem, AT + V3 + 8))).toBe(0x1234);
    expect(s.m.s.serial.lines.slice(before)).toContain('SmmVariableHandler: SMM communication buffer payload size invalid!');
  });
});

describe('VarCheckPolicyLib MMI handler (§13)', () => {
  /** VAR_CHECK_POLICY_COMM_HEADER {'VCPC', 1, Command, Result} + a VARIABLE_POLICY_ENTRY for L"X". */
  function register(sig = 0x43504356): Uint8Array {
    const name = ucs2('X');
    const entry = cat(u32(0x10000), Uint8Array.from([44 + name.length, 0, 44, 0]), guidToBytes(TEST_GUID), u32(0), u32(0), u32(0), u32(0), Uint8Array.from([1, 0, 0, 0]), name);
    return cat(u32(sig), u32(1), u32(3), u64(0), entry);
  }

  it('§13 after End of DXE the policy interface is locked: REGISTER answers Result EFI_WRITE_PROTECTED; a bad signature EFI_INVALID_PARAMETER', () => {
    const s = Session.create({ cpus: 2 });
    for (const [sig, want] of [[0x43504356, 'EFI_WRITE_PROTECTED'], [0x12345678, 'EFI_INVALID_PARAMETER']] as const) {
      const r = s.exec(`communicate gVarCheckPolicyLibMmiHandlerGuid ${hexOf(register(sig))} --run`);
      expect(r.lines.join('\n')).toContain('Communicate returned EFI_SUCCESS');
      expect(statusFromValue(read64(s.m.s.mem, AT + 24 + 12))).toBe(want);
      expect(read8(s.m.s.mem, AT + 24)).toBe(sig & 0xff);
    }
  });
});

describe('the `variables` command (§13)', () => {
  it('§13 lists both stores from their bytes: the volatile one in SMRAM, the NV one in the flash after the 0x48-byte FV header, deleted copies included', () => {
    const s = Session.create({ cpus: 2 });
    const r = s.exec('variables');
    expect(r.error).toBe(false);
    const text = r.lines.join('\n');
    expect(text).toMatch(/NV store .*header at 0xFFC00048, Size 0x3FFB8/);
    expect(text).toMatch(/0xFFC00064 {2}ADDED {5} attr 0x07 {2}L"MTC"/); // the first NV variable of the boot sits right after the store header
    expect(text).toMatch(/ADDED {5} attr 0x07 {2}L"VarErrorFlag" +gEdkiiVarErrorFlagGuid +1 bytes/);
    expect(text).toMatch(/ADDED {5} attr 0x06 {2}L"OsIndicationsSupported" +gEfiGlobalVariableGuid/);
    expect(text).toMatch(/DELETED {3} attr 0x07 {2}L"BootOrder"/);
    expect(text).toContain('mEndOfDxe=TRUE mAtRuntime=TRUE');
    // read-only: not part of the session history
    expect(s.exportSession().commands).toEqual([]);
  });
});
