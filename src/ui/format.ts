/** Number formatting shared by the panels: hex is upper-case with a 0x prefix. */

export function hex(n: number | bigint, digits = 0): string {
  const s = n.toString(16).toUpperCase();
  return '0x' + (digits > 0 ? s.padStart(digits, '0') : s);
}

/** 32-bit physical address, always 8 digits (0x7F0FFC00). */
export function addr(n: number): string {
  return hex(n >>> 0, 8);
}

/** Two hex digits, no prefix (hex dumps). */
export function byteHex(b: number): string {
  return (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
}

/** Normalises a "0x.." string from the core to upper-case digits. */
export function hexStr(s: string): string {
  return s.startsWith('0x') || s.startsWith('0X') ? '0x' + s.slice(2).toUpperCase() : s.toUpperCase();
}

export function sizeText(bytes: number): string {
  if (bytes >= 0x100000 && bytes % 0x100000 === 0) return `${bytes / 0x100000} MiB`;
  if (bytes >= 0x400 && bytes % 0x400 === 0) return `${bytes / 0x400} KiB`;
  return `${bytes} B`;
}

/** Little-endian unsigned value of `size` bytes at `offset`; 8-byte values as BigInt. */
export function readLE(bytes: Uint8Array, offset: number, size: 1 | 2 | 4 | 8): number | bigint {
  if (offset < 0 || offset + size > bytes.length) return 0;
  if (size === 8) {
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[offset + i]);
    return v;
  }
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[offset + i];
  return v;
}

/** Parses "7F000000", "0x7F000000" or "0x7F00_0000"; null when it is not a 32-bit hex address. */
export function parseHexAddress(text: string): number | null {
  const t = text.trim().replace(/_/g, '').replace(/^0x/i, '');
  if (!/^[0-9a-f]{1,8}$/i.test(t)) return null;
  return parseInt(t, 16);
}

/** GUIDs print upper-case, as edk2's %g does. */
export function guidText(g: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(g) ? g.toUpperCase() : g;
}
