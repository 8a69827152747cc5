/**
 * The Markdown subset of lesson text (README "Lessons: the file format"), parsed to plain data the
 * page renders as React elements (never as HTML): paragraphs, `-`/`*` and `1.` lists, `###`
 * headings, `>` quotes, and inline **bold**, *italic*, `code` and [links](https://...). A link that
 * is not http(s), mailto or a `#lesson=` anchor is kept as its text.
 */

export type MdInline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'bold'; children: MdInline[] }
  | { kind: 'em'; children: MdInline[] }
  | { kind: 'link'; href: string; children: MdInline[] };

export type MdBlock =
  | { kind: 'p'; inline: MdInline[] }
  | { kind: 'h'; level: number; inline: MdInline[] }
  | { kind: 'quote'; inline: MdInline[] }
  | { kind: 'ul' | 'ol'; items: MdInline[][] };

/** Whether a link target is safe to follow from a lesson. */
export function safeHref(href: string): boolean {
  return /^(https?:\/\/|mailto:|#lesson=)/i.test(href.trim());
}

function pushText(out: MdInline[], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.kind === 'text') last.text += text;
  else out.push({ kind: 'text', text });
}

/** Inline Markdown: `code` first (nothing inside it is markup), then links, bold, italic. */
export function parseInline(src: string): MdInline[] {
  const out: MdInline[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length && /[\\`*_[\]()#>-]/.test(src[i + 1])) {
      pushText(out, src[i + 1]);
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end > i) {
        out.push({ kind: 'code', text: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[') {
      const m = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(src.slice(i));
      if (m) {
        const children = parseInline(m[1]);
        if (safeHref(m[2])) out.push({ kind: 'link', href: m[2], children });
        else out.push(...children);
        i += m[0].length;
        continue;
      }
    }
    if ((c === '*' || c === '_') && src[i + 1] === c) {
      const end = src.indexOf(c + c, i + 2);
      if (end > i + 2) {
        out.push({ kind: 'bold', children: parseInline(src.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((c === '*' || c === '_') && src[i + 1] !== ' ' && src[i + 1] !== c) {
      // _ inside a word (SMM_BASE, APM_CNT) is no markup.
      const wordBefore = i > 0 && /\w/.test(src[i - 1]);
      const end = src.indexOf(c, i + 1);
      if (!(c === '_' && wordBefore) && end > i + 1 && src[end - 1] !== ' ' && !(c === '_' && /\w/.test(src[end + 1] ?? ''))) {
        out.push({ kind: 'em', children: parseInline(src.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    pushText(out, c);
    i++;
  }
  return out;
}

/** Block Markdown: blank lines separate paragraphs; list items may continue on indented lines. */
export function parseMarkdown(src: string): MdBlock[] {
  const blocks: MdBlock[] = [];
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  let list: { kind: 'ul' | 'ol'; items: string[] } | null = null;
  let quote: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: 'p', inline: parseInline(para.join(' ')) });
    if (list) blocks.push({ kind: list.kind, items: list.items.map(parseInline) });
    if (quote.length) blocks.push({ kind: 'quote', inline: parseInline(quote.join(' ')) });
    para = [];
    list = null;
    quote = [];
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '') {
      flush();
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const ul = /^\s{0,3}[-*+]\s+(.*)$/.exec(line);
    const ol = /^\s{0,3}\d+[.)]\s+(.*)$/.exec(line);
    const q = /^>\s?(.*)$/.exec(line);
    if (h) {
      flush();
      blocks.push({ kind: 'h', level: h[1].length, inline: parseInline(h[2].replace(/\s+#+$/, '')) });
    } else if (ul || ol) {
      const kind = ul ? 'ul' : 'ol';
      if (para.length || quote.length || (list && list.kind !== kind)) flush();
      if (!list) list = { kind, items: [] };
      list.items.push((ul ?? ol)![1]);
    } else if (q) {
      if (para.length || list) flush();
      quote.push(q[1]);
    } else if (list && /^\s+/.test(raw)) {
      list.items[list.items.length - 1] += ' ' + line.trim();
    } else {
      if (list || quote.length) flush();
      para.push(line.trim());
    }
  }
  flush();
  return blocks;
}
