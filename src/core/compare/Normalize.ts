/**
 * The normalised text the compare aligns on. Two platforms put the same thing at other places:
 * SMRAM is carved differently, image bases, pool records, stacks and OS RIPs move, and one boot
 * may make more SMIs than the other, so SMI numbers and MSR_SMI_COUNT drift. Those are masked:
 *   - addresses: a hex number with five or more significant digits ("0x7FFE6000",
 *     "0x0007FFE5000"), and bare 8..16-digit hex words as DEBUG prints %p and %08X ("7FFE8020");
 *   - counters: "#N" (SMI #530, SMM entry #526, DXE #459).
 * What must never be masked stays: EFI_STATUS names, CPU indices ("CPU2", "CpuIndex=2"), command
 * and data values (two hex digits: "OUT 0xB2, 0xFF"), small sizes and offsets, GUIDs (8-4-4-4-12,
 * kept whole) and the values of general-purpose registers ("RAX 0x000000005A5A0042": what a
 * handler answered is behaviour, not placement).
 */

/** What masked text reads as. */
export const MASK_HEX = '0x…';
export const MASK_WORD = '…';
export const MASK_COUNT = '#…';

const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
/** GUID | 0x-hex | bare hex word of 8..16 digits | #decimal. */
const TOKEN = new RegExp(`(${GUID})|\\b(0x[0-9A-Fa-f]+)\\b|\\b([0-9A-Fa-f]{8,16})\\b|#(\\d+)\\b`, 'g');
/** A register whose value follows ("RAX 0x..", "RAX=0x..", "R8: 0x.."): its value is data, not an address. */
const REGISTER_BEFORE = /\b(?:[RE]?[ABCD]X|[RE]?[SD]I|R(?:[89]|1[0-5])[DWB]?)\s*[=:]?\s*$/;

function significantDigits(hexDigits: string): number {
  let i = 0;
  while (i < hexDigits.length - 1 && hexDigits[i] === '0') i++;
  return hexDigits.length - i;
}

/** The text with addresses and counters masked (see the file comment). */
export function normalise(text: string): string {
  if (!/[0-9]/.test(text)) return text;
  return text.replace(TOKEN, (whole, guid: string | undefined, hx: string | undefined, word: string | undefined, count: string | undefined, at: number, all: string) => {
    if (guid !== undefined) return whole;
    if (count !== undefined) return MASK_COUNT;
    const digits = hx !== undefined ? hx.slice(2) : word!;
    if (word !== undefined && !/[0-9]/.test(word)) return whole; // a word like "DEADBEEF" or "ACCEDED" is text
    if (significantDigits(digits) < 5) return whole;
    if (REGISTER_BEFORE.test(all.slice(Math.max(0, at - 8), at))) return whole;
    return hx !== undefined ? MASK_HEX : MASK_WORD;
  });
}

/**
 * A coarser key for pairing the lines of a changed stretch: every number and every EFI_STATUS
 * masked, cut before the first result (" = ", " -> ") so that "X = EFI_NOT_FOUND" pairs with
 * "X = EFI_SUCCESS, Interface 0x..".
 */
export function skeleton(text: string): string {
  const t = text
    .replace(/\b(?:EFI|RETURN)_[A-Z_]+\b/g, 'S')
    .replace(/\b0x[0-9A-Fa-f]+\b|\b[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*\b/g, 'N');
  const cut = [t.indexOf(' = '), t.indexOf(' -> ')].filter((i) => i > 0);
  const end = cut.length ? Math.min(...cut) : t.length;
  return t.slice(0, Math.min(end, 72));
}
