/**
 * The GUID table the module loader fills `extern EFI_GUID gEfi...Guid` from: it names exactly the
 * GUIDs the shipped headers declare, with the values of the headers' own *_GUID initializers and
 * of smm-c-facts §1.3-§1.11.
 */
import { describe, expect, it } from 'vitest';
import { SHIPPED_GUIDS, shippedGuid, shippedGuidBytes } from './GuidTable';
import { SHIPPED_HEADERS } from './ShippedHeaders';

/** Every `extern EFI_GUID gX;` of the shipped headers. */
function declaredGuids(): string[] {
  const out: string[] = [];
  for (const text of Object.values(SHIPPED_HEADERS)) for (const m of text.matchAll(/^extern\s+EFI_GUID\s+(\w+)\s*;/gm)) out.push(m[1]);
  return out;
}

/** `{ 0x..., 0x..., 0x..., { 8 bytes } }` as 8-4-4-4-12. */
function braceGuid(text: string): string {
  const n = [...text.matchAll(/0x([0-9a-fA-F]+)|\b(\d+)\b/g)].map((m) => (m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2])));
  expect(n).toHaveLength(11);
  const h = (v: number, w: number) => v.toString(16).padStart(w, '0');
  return `${h(n[0], 8)}-${h(n[1], 4)}-${h(n[2], 4)}-${h(n[3], 2)}${h(n[4], 2)}-${n.slice(5).map((v) => h(v, 2)).join('')}`;
}

/** Every `#define X_GUID` of the shipped headers, aliases resolved. */
function guidMacros(): Map<string, string> {
  const raw = new Map<string, string>();
  for (const text of Object.values(SHIPPED_HEADERS)) {
    for (const m of text.matchAll(/^#define\s+(\w+_GUID)\s+((?:\\\n|[^\n])*)/gm)) raw.set(m[1], m[2].replace(/\\\n/g, ' ').trim());
  }
  const out = new Map<string, string>();
  const resolve = (name: string): string => {
    const body = raw.get(name)!;
    return body.startsWith('{') ? braceGuid(body) : resolve(body);
  };
  for (const name of raw.keys()) out.set(name, resolve(name));
  return out;
}

/** gEfiSmmCpuIo2ProtocolGuid -> EFI_SMM_CPU_IO2_PROTOCOL_GUID (edk2's naming), with its two exceptions. */
function macroOf(name: string): string {
  const special: Record<string, string> = {
    gEfiMmCommunicateHeaderV3Guid: 'COMMUNICATE_HEADER_V3_GUID',
    gEfiEventDxeDispatchGuid: 'EFI_EVENT_GROUP_DXE_DISPATCH_GUID',
  };
  return special[name] ?? 'EFI_' + name.slice(4, -4).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase() + '_GUID';
}

describe('GuidTable', () => {
  it('names exactly the GUIDs the shipped headers declare extern, each once', () => {
    const declared = declaredGuids();
    expect(new Set(declared).size).toBe(declared.length);
    expect(Object.keys(SHIPPED_GUIDS).sort()).toEqual([...declared].sort());
  });

  it("gives each name the value of its header's *_GUID initializer", () => {
    const macros = guidMacros();
    for (const name of Object.keys(SHIPPED_GUIDS)) {
      expect(macros.has(macroOf(name)), `${name} -> ${macroOf(name)}`).toBe(true);
      expect(SHIPPED_GUIDS[name], name).toBe(macros.get(macroOf(name)));
    }
  });

  it('smm-c-facts §1.3-§1.11: the values of the facts file (the SMM and MM names of a protocol share one)', () => {
    const facts: [string[], string][] = [
      [['gEfiSmmCpuIo2ProtocolGuid', 'gEfiMmCpuIoProtocolGuid'], '{0x3242A9D8,0xCE70,0x4AA0,{0x95,0x5D,0x5E,0x7B,0x14,0x0D,0xE4,0xD2}}'], // §1.3
      [['gEfiSmmSwDispatch2ProtocolGuid', 'gEfiMmSwDispatchProtocolGuid'], '{0x18a3c6dc,0x5eea,0x48c8,{0xa1,0xc1,0xb5,0x33,0x89,0xf9,0x89,0x99}}'], // §1.4
      [['gEfiSmmCpuProtocolGuid', 'gEfiMmCpuProtocolGuid'], '{0xeb346b97,0x975f,0x4a9f,{0x8b,0x22,0xf8,0xe9,0x2b,0xb3,0xd5,0x69}}'], // §1.5
      [['gEfiSmmCommunicationProtocolGuid', 'gEfiMmCommunicationProtocolGuid'], '{0xc68ed8e2,0x9dc6,0x4cbd,{0x9d,0x94,0xdb,0x65,0xac,0xc5,0xc3,0x32}}'], // §1.6
      [['gEfiMmCommunicateHeaderV3Guid'], '{0x68e8c853,0x2ba9,0x4dd7,{0x9a,0xc0,0x91,0xe1,0x61,0x55,0xc9,0x35}}'], // §1.6
      [['gEfiSmmPeriodicTimerDispatch2ProtocolGuid', 'gEfiMmPeriodicTimerDispatchProtocolGuid'], '{0x4cec368e,0x8e8e,0x4d71,{0x8b,0xe1,0x95,0x8c,0x45,0xfc,0x8a,0x53}}'], // §1.8
      [['gEfiSmmSxDispatch2ProtocolGuid', 'gEfiMmSxDispatchProtocolGuid'], '{0x456d2859,0xa84b,0x4e47,{0xa2,0xee,0x32,0x76,0xd8,0x86,0x99,0x7d}}'], // §1.8
      [['gEfiSmmControl2ProtocolGuid', 'gEfiMmControlProtocolGuid'], '{0x843dc720,0xab1e,0x42cb,{0x93,0x57,0x8a,0x00,0x78,0xf3,0x56,0x1b}}'], // §1.9
      [['gEfiSmmAccess2ProtocolGuid', 'gEfiMmAccessProtocolGuid'], '{0xc2702b74,0x800c,0x4131,{0x87,0x46,0x8f,0xb5,0xb8,0x9c,0xe4,0xac}}'], // §1.9
      [['gEfiSmmBase2ProtocolGuid', 'gEfiMmBaseProtocolGuid'], '{0xf4ccbfb7,0xf6e0,0x47fd,{0x9d,0xd4,0x10,0xa8,0xf1,0x50,0xc1,0x91}}'], // §1.11
      [['gEfiSmmReadyToLockProtocolGuid', 'gEfiMmReadyToLockProtocolGuid'], '{0x47b7fa8c,0xf4bd,0x4af6,{0x82,0x00,0x33,0x30,0x86,0xf0,0xd2,0xc8}}'],
      [['gEfiDxeSmmReadyToLockProtocolGuid', 'gEfiDxeMmReadyToLockProtocolGuid'], '{0x60ff8964,0xe906,0x41d0,{0xaf,0xed,0xf2,0x41,0xe9,0x74,0xe0,0x8e}}'],
      [['gEfiSmmEndOfDxeProtocolGuid', 'gEfiMmEndOfDxeProtocolGuid'], '{0x24e70042,0xd5c5,0x4260,{0x8c,0x39,0x0a,0xd3,0xaa,0x32,0xe9,0x3d}}'],
      [['gEfiLoadedImageProtocolGuid'], '{0x5B1B31A1,0x9562,0x11D2,{0x8E,0x3F,0x00,0xA0,0xC9,0x69,0x72,0x3B}}'],
      [['gEfiMmCommunication2ProtocolGuid'], '{0x378daedc,0xf06b,0x4446,{0x83,0x14,0x40,0xab,0x93,0x3c,0x87,0xa3}}'],
      [['gEfiEventDxeDispatchGuid'], '{0x7081E22F,0xCAC6,0x4053,{0x94,0x68,0x67,0x57,0x82,0xCF,0x88,0xE5}}'],
    ];
    for (const [names, value] of facts) for (const n of names) expect(shippedGuid(n), n).toBe(braceGuid(value).toLowerCase());
  });

  it('§1.1: gives the 16 bytes in EFI_GUID memory order (Data1, Data2, Data3 little-endian, then Data4)', () => {
    expect([...shippedGuidBytes('gEfiSmmCpuProtocolGuid')!]).toEqual(
      [0x97, 0x6b, 0x34, 0xeb, 0x5f, 0x97, 0x9f, 0x4a, 0x8b, 0x22, 0xf8, 0xe9, 0x2b, 0xb3, 0xd5, 0x69],
    );
    // a fresh copy each time: the loader may write it into an image
    const a = shippedGuidBytes('gEfiLoadedImageProtocolGuid')!;
    a[0] = 0;
    expect(shippedGuidBytes('gEfiLoadedImageProtocolGuid')![0]).toBe(0xa1);
    expect(shippedGuidBytes('gEfiNoSuchGuid')).toBeNull();
    expect(shippedGuid('toString')).toBeNull();
  });
});
