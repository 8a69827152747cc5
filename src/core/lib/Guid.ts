/**
 * GUIDs by C name (facts §3.1 for the protocol GUIDs). The PI 1.2 "SMM" and PI 1.5 "MM" names
 * share one value each; both names resolve here.
 */

export type Guid = string; // lower-case registry format: 8-4-4-4-12

export const GUIDS = {
  gEfiMmSwDispatchProtocolGuid: '18a3c6dc-5eea-48c8-a1c1-b53389f98999',
  gEfiMmCommunicationProtocolGuid: 'c68ed8e2-9dc6-4cbd-9d94-db65acc5c332',
  gEfiMmControlProtocolGuid: '843dc720-ab1e-42cb-9357-8a0078f3561b',
  gEfiMmCpuProtocolGuid: 'eb346b97-975f-4a9f-8b22-f8e92bb3d569',
  // Values below are from edk2 MdePkg/MdeModulePkg/UefiCpuPkg .dec files (not in the facts file).
  gEfiMmCpuIoProtocolGuid: '3242a9d8-ce70-4aa0-955d-5e7b140de4d2',
  gEfiSmmCpuServiceProtocolGuid: '1d202cab-c8ab-4d5c-94f7-3cfcc0d3d335',
  gEfiSmmConfigurationProtocolGuid: '26eeb3de-b689-492e-80f0-be8bd7da4ba7',
  gEfiMpServiceProtocolGuid: '3fdda605-a76e-4f46-ad29-12f4531b3d08',
  gEfiSmmBase2ProtocolGuid: 'f4ccbfb7-f6e0-47fd-9dd4-10a8f150c191',
  gEfiSmmAccess2ProtocolGuid: 'c2702b74-800c-4131-8746-8fb5b89ce4ac',
  gEfiEventDxeDispatchGuid: '7081e22f-cac6-4053-9468-675782cf88e5',
  gEfiDxeSmmReadyToLockProtocolGuid: '60ff8964-e906-41d0-afed-f241e974e08e',
  gEfiEndOfDxeEventGroupGuid: '02ce967a-dd7e-4ffc-9ee7-810cf0470880',
  gEfiSmmVariableProtocolGuid: 'ed32d533-99e6-4209-9cc0-2d72cdd998a7',
  gEfiSmmSwDispatch2ProtocolGuid: '18a3c6dc-5eea-48c8-a1c1-b53389f98999',
  gEfiSmmCommunicationProtocolGuid: 'c68ed8e2-9dc6-4cbd-9d94-db65acc5c332',
  gEfiSmmControl2ProtocolGuid: '843dc720-ab1e-42cb-9357-8a0078f3561b',
  gEfiSmmCpuProtocolGuid: 'eb346b97-975f-4a9f-8b22-f8e92bb3d569',
  gEfiSmmCpuIo2ProtocolGuid: '3242a9d8-ce70-4aa0-955d-5e7b140de4d2',
} as const;

export type GuidName = keyof typeof GUIDS;

/** Preferred display name for a GUID value: the PI 1.2 SMM name edk2's PiSmmCore uses. */
const PREFERRED: Record<string, GuidName> = {};
for (const [name, value] of Object.entries(GUIDS) as [GuidName, Guid][]) {
  if (!PREFERRED[value] || name.startsWith('gEfiSmm')) PREFERRED[value] = name;
}

const extraNames = new Map<Guid, string>();

/** Names module FILE_GUIDs and handler GUIDs that are not protocol GUIDs. */
export function registerGuidName(guid: Guid, name: string): void {
  extraNames.set(guid.toLowerCase(), name);
}

export function guidName(guid: Guid): string {
  const g = guid.toLowerCase();
  return PREFERRED[g] ?? extraNames.get(g) ?? g;
}

/** Accepts a C name (either alias) or the 8-4-4-4-12 registry form. */
export function parseGuid(text: string): Guid | null {
  const t = text.trim();
  if (t in GUIDS) return GUIDS[t as GuidName];
  for (const [g, n] of extraNames) if (n === t) return g;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t) ? t.toLowerCase() : null;
}

const TO_BYTES = new Map<string, Uint8Array>();

/** EFI_GUID in memory: Data1 (LE u32), Data2 (LE u16), Data3 (LE u16), Data4 (8 bytes as written). */
export function guidToBytes(guid: Guid): Uint8Array {
  let b = TO_BYTES.get(guid);
  if (!b) {
    b = parseGuidBytes(guid);
    if (TO_BYTES.size < 4096) TO_BYTES.set(guid, b);
  }
  return b.slice();
}

function parseGuidBytes(guid: Guid): Uint8Array {
  const hex = guid.replace(/-/g, '');
  const out = new Uint8Array(16);
  const d1 = parseInt(hex.slice(0, 8), 16);
  const d2 = parseInt(hex.slice(8, 12), 16);
  const d3 = parseInt(hex.slice(12, 16), 16);
  out[0] = d1 & 0xff; out[1] = (d1 >>> 8) & 0xff; out[2] = (d1 >>> 16) & 0xff; out[3] = d1 >>> 24;
  out[4] = d2 & 0xff; out[5] = d2 >>> 8;
  out[6] = d3 & 0xff; out[7] = d3 >>> 8;
  for (let i = 0; i < 8; i++) out[8 + i] = parseInt(hex.slice(16 + 2 * i, 18 + 2 * i), 16);
  return out;
}

const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function guidFromBytes(b: Uint8Array, off = 0): Guid {
  const x = (i: number) => HEX2[b[off + i]];
  return x(3) + x(2) + x(1) + x(0) + '-' + x(5) + x(4) + '-' + x(7) + x(6) + '-' + x(8) + x(9) + '-' + x(10) + x(11) + x(12) + x(13) + x(14) + x(15);
}
