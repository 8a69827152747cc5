/**
 * The register subset an x86-64 SMM save-state map holds, as 32-bit halves in a Uint32Array
 * (plain data, fast to copy into save-state bytes without BigInt in the hot path).
 */

export const REG_NAMES = [
  'RAX', 'RCX', 'RDX', 'RBX', 'RSP', 'RBP', 'RSI', 'RDI',
  'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15',
  'RIP', 'RFLAGS', 'CR0', 'CR3', 'CR4', 'EFER', 'DR6', 'DR7',
  'ES_SEL', 'ES_ATTR', 'ES_LIMIT', 'ES_BASE',
  'CS_SEL', 'CS_ATTR', 'CS_LIMIT', 'CS_BASE',
  'SS_SEL', 'SS_ATTR', 'SS_LIMIT', 'SS_BASE',
  'DS_SEL', 'DS_ATTR', 'DS_LIMIT', 'DS_BASE',
  'FS_SEL', 'FS_ATTR', 'FS_LIMIT', 'FS_BASE',
  'GS_SEL', 'GS_ATTR', 'GS_LIMIT', 'GS_BASE',
  'GDTR_LIMIT', 'GDTR_BASE', 'IDTR_LIMIT', 'IDTR_BASE',
  'LDTR_SEL', 'LDTR_ATTR', 'LDTR_LIMIT', 'LDTR_BASE',
  'TR_SEL', 'TR_ATTR', 'TR_LIMIT', 'TR_BASE',
] as const;

export type RegName = (typeof REG_NAMES)[number];

export const REG = {
  RAX: 0,
  RCX: 1,
  RDX: 2,
  RBX: 3,
  RSP: 4,
  RBP: 5,
  RSI: 6,
  RDI: 7,
  R8: 8,
  R9: 9,
  R10: 10,
  R11: 11,
  R12: 12,
  R13: 13,
  R14: 14,
  R15: 15,
  RIP: 16,
  RFLAGS: 17,
  CR0: 18,
  CR3: 19,
  CR4: 20,
  EFER: 21,
  DR6: 22,
  DR7: 23,
  ES_SEL: 24,
  ES_ATTR: 25,
  ES_LIMIT: 26,
  ES_BASE: 27,
  CS_SEL: 28,
  CS_ATTR: 29,
  CS_LIMIT: 30,
  CS_BASE: 31,
  SS_SEL: 32,
  SS_ATTR: 33,
  SS_LIMIT: 34,
  SS_BASE: 35,
  DS_SEL: 36,
  DS_ATTR: 37,
  DS_LIMIT: 38,
  DS_BASE: 39,
  FS_SEL: 40,
  FS_ATTR: 41,
  FS_LIMIT: 42,
  FS_BASE: 43,
  GS_SEL: 44,
  GS_ATTR: 45,
  GS_LIMIT: 46,
  GS_BASE: 47,
  GDTR_LIMIT: 48,
  GDTR_BASE: 49,
  IDTR_LIMIT: 50,
  IDTR_BASE: 51,
  LDTR_SEL: 52,
  LDTR_ATTR: 53,
  LDTR_LIMIT: 54,
  LDTR_BASE: 55,
  TR_SEL: 56,
  TR_ATTR: 57,
  TR_LIMIT: 58,
  TR_BASE: 59,
} as const satisfies { readonly [K in RegName]: number };

export const SEGMENTS = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'] as const;

export type RegFile = Uint32Array;

export function createRegFile(): RegFile {
  return new Uint32Array(REG_NAMES.length * 2);
}

export function getReg(r: RegFile, id: number): bigint {
  return (BigInt(r[2 * id + 1]) << 32n) | BigInt(r[2 * id]);
}

export function setReg(r: RegFile, id: number, v: bigint | number): void {
  const b = BigInt.asUintN(64, BigInt(v));
  r[2 * id] = Number(b & 0xffffffffn);
  r[2 * id + 1] = Number(b >> 32n);
}

export function getReg32(r: RegFile, id: number): number {
  return r[2 * id];
}

export function hex64(v: bigint): string {
  return '0x' + v.toString(16).toUpperCase().padStart(16, '0');
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** A 64-bit value given as 32-bit halves, as hex64 writes it (no BigInt, a byte table). */
export function hex64w(lo: number, hi: number): string {
  return (
    '0x' + HEX_BYTE[hi >>> 24] + HEX_BYTE[(hi >>> 16) & 0xff] + HEX_BYTE[(hi >>> 8) & 0xff] + HEX_BYTE[hi & 0xff] +
    HEX_BYTE[lo >>> 24] + HEX_BYTE[(lo >>> 16) & 0xff] + HEX_BYTE[(lo >>> 8) & 0xff] + HEX_BYTE[lo & 0xff]
  );
}

export function regHex(r: RegFile, id: number): string {
  return hex64w(r[2 * id], r[2 * id + 1]);
}
