import { GLOSSARY, type GlossaryTerm } from './glossary';

/**
 * Finding glossary terms in a text. One regular expression for every name and alias, built once
 * (longest first, so "SMI#" wins over "SMI" and "SMBASE relocation" over "SMBASE"), and the
 * segments of a text remembered (the timeline repeats the same texts).
 */

export type Segment = string | { text: string; id: string };

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A lower-case word also matches with a capital first letter ("Save state"); other words match as written. */
function pattern(name: string): string {
  return name
    .split(/(\s+)/)
    .map((w) => {
      if (/^\s+$/.test(w)) return '\\s+';
      if (/^[a-z]/.test(w)) return `[${w[0]}${w[0].toUpperCase()}]${escape(w.slice(1))}`;
      return escape(w);
    })
    .join('');
}

interface Matcher {
  re: RegExp;
  byName: Map<string, string>;
}

let matcher: Matcher | null = null;

function build(terms: readonly GlossaryTerm[]): Matcher {
  const byName = new Map<string, string>();
  const names: string[] = [];
  for (const t of terms) {
    for (const n of [t.term, ...t.aliases]) {
      byName.set(n.toLowerCase(), t.id);
      names.push(n);
    }
  }
  names.sort((a, b) => b.length - a.length);
  // Whole words: no letter, digit or _ on either side (so SMI is not found in SMI_EN or SMIs_x,
  // BSP not in BSPHandler, QUIESCED not in EFI_WARN_..._QUIESCED unless that alias matches).
  const alt = names.map(pattern).join('|');
  return { re: new RegExp(`(?<![A-Za-z0-9_])(?:${alt})s?(?![A-Za-z0-9_])`, 'g'), byName };
}

function getMatcher(): Matcher {
  if (!matcher) matcher = build(GLOSSARY);
  return matcher;
}

/** The term id a matched text stands for (a plural "s" dropped when needed). */
export function termIdOf(found: string): string | undefined {
  const { byName } = getMatcher();
  const k = found.toLowerCase().replace(/\s+/g, ' ');
  return byName.get(k) ?? (k.endsWith('s') ? byName.get(k.slice(0, -1)) : undefined);
}

const cache = new Map<string, Segment[]>();
const CACHE_MAX = 2000;

/**
 * The text cut into plain strings and terms. With `once`, only the first mention of each term is
 * a term (a paragraph that says "SMI" five times underlines it once).
 */
export function segmentText(text: string, once = true): Segment[] {
  const key = (once ? '1' : '0') + text;
  const hit = cache.get(key);
  if (hit) return hit;
  const { re } = getMatcher();
  const out: Segment[] = [];
  const seen = new Set<string>();
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const id = termIdOf(m[0]);
    if (!id || (once && seen.has(id))) continue;
    seen.add(id);
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ text: m[0], id });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, out);
  return out;
}
