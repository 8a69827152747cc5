/**
 * Laying console output out for the terminal's width (Session.columns): the page's xterm tells
 * the worker its column count, the CLI uses its TTY's. At LEGACY_COLUMNS or more every command
 * prints what it always printed (scripts match it); below, tables drop or fold columns and long
 * text wraps at word boundaries with a hanging indent, so the terminal never has to break a
 * line itself (which leaves lone characters on rows of their own).
 *
 * Pure string work on lines the commands already built; no line is ever longer than the width.
 */

/** At this width or more, commands print their wide layout (the CLI's default width). */
export const LEGACY_COLUMNS = 100;
/** The width a Session starts with (the CLI's when stdout is not a TTY). */
export const DEFAULT_COLUMNS = 100;
/** Narrower terminals are laid out as if they had this many columns. */
export const MIN_COLUMNS = 24;
const MAX_COLUMNS = 1000;

/** A column count from a host (xterm, a TTY): whole, at least MIN_COLUMNS; nonsense gives the default. */
export function clampColumns(n: unknown): number {
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) return DEFAULT_COLUMNS;
  return Math.min(MAX_COLUMNS, Math.max(MIN_COLUMNS, Math.floor(n)));
}

/** Whether commands lay out for `width` (below LEGACY_COLUMNS) instead of printing their wide form. */
export function isNarrow(width: number): boolean {
  return width < LEGACY_COLUMNS;
}

/**
 * Wraps one line into rows of at most `width` characters. Breaks at spaces (the spaces at a break
 * are dropped); rows after the first start with `indent` spaces (the hanging indent). A word
 * longer than a row is cut. A line that fits comes back as it is.
 */
export function wrap(text: string, width: number, indent = 2): string[] {
  if (text.length <= width) return [text];
  const pad = ' '.repeat(Math.max(0, Math.min(indent, width - 8)));
  const lead = /^ */.exec(text)![0];
  const rows: string[] = [];
  let row = lead.length < width - 8 ? lead : '';
  let empty = true;
  const flush = () => {
    rows.push(row.trimEnd());
    row = pad;
    empty = true;
  };
  for (const [, found, gap] of text.slice(lead.length).matchAll(/(\S+)( *)/g)) {
    let word = found;
    if (!empty && row.length + word.length > width) flush();
    while (row.length + word.length > width) {
      // A word longer than a row: cut it, after a '.', '_', '-', '/', ':' or ',' in its second half if it has one.
      const room = Math.max(1, width - row.length);
      const at = Math.max(...[...'._-/:,'].map((ch) => word.lastIndexOf(ch, room - 1)));
      const take = at >= room / 2 ? at + 1 : room;
      row += word.slice(0, take);
      word = word.slice(take);
      flush();
    }
    row += word + gap; // a run of spaces (table padding) stays unless a break falls there
    empty = false;
  }
  if (!empty) rows.push(row.trimEnd());
  return rows;
}

/**
 * Every line longer than `width` wrapped, with a hanging indent of its own leading spaces + 2.
 * A block of several lines in one string (`state --json`) is left whole: it is meant to be
 * copied as it is, and the terminal's own wrapping keeps a copy intact.
 */
export function wrapLines(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (l.length <= width || l.includes('\n')) out.push(l);
    else out.push(...wrap(l, width, /^ */.exec(l)![0].length + 2));
  }
  return out;
}

/**
 * `left` in a column of `at` characters, then `text` wrapped under itself from column `at`. When
 * `left` does not fit in the column, or the text would have less than `minText` characters per
 * row, `left` gets its own row(s) and the text follows, indented by `fallbackIndent`.
 */
export function hanging(left: string, at: number, text: string, width: number, minText = 16, fallbackIndent = 4): string[] {
  if (left.length < at && width - at >= minText) {
    const rows = wrap(text, width - at, 0);
    return rows.map((r, i) => (i === 0 ? left.padEnd(at) : ' '.repeat(at)) + r).map((r) => r.trimEnd());
  }
  const ind = Math.min(fallbackIndent, Math.max(0, width - minText));
  const head = wrap(left, width, ind);
  if (!text) return head;
  return [...head, ...wrap(' '.repeat(ind) + text, width, ind)];
}

/** A table column: how it aligns, and whether it may be left out when the table is too wide. */
export interface Col {
  align?: 'left' | 'right';
  /** Columns with a drop rank are left out, lowest rank first, until the table fits. */
  drop?: number;
}

/** Below this many characters beside the other columns, a table's last column is not wrapped under itself. */
const MIN_LAST_COLUMN = 24;

/**
 * Lays rows of cells out in columns `gap` apart, each as wide as its widest cell. Too wide for
 * `width`: droppable columns go first (lowest rank first). If it is still too wide, the last
 * column (free text) wraps under itself when MIN_LAST_COLUMN characters (and its longest word)
 * fit beside the others; otherwise each row is laid out on its own, unaligned, and wraps with a hanging indent.
 * `dropped` lists the indices of the columns left out.
 */
export function table(rows: readonly (readonly string[])[], cols: readonly Col[], width: number, opts: { gap?: number; indent?: number } = {}): { lines: string[]; dropped: number[] } {
  const gap = opts.gap ?? 2;
  const lead = ' '.repeat(opts.indent ?? 0);
  const sep = ' '.repeat(gap);
  const widths = cols.map((_, j) => Math.max(0, ...rows.map((r) => (r[j] ?? '').length)));
  let keep = cols.map((_, j) => j);
  const total = (ks: number[]) => lead.length + ks.reduce((a, j) => a + widths[j], 0) + gap * Math.max(0, ks.length - 1);
  const droppable = cols
    .map((c, j) => ({ j, rank: c.drop }))
    .filter((c): c is { j: number; rank: number } => c.rank !== undefined)
    .sort((a, b) => a.rank - b.rank || b.j - a.j);
  const dropped: number[] = [];
  for (const { j } of droppable) {
    if (total(keep) <= width) break;
    keep = keep.filter((k) => k !== j);
    dropped.push(j);
  }
  const last = keep[keep.length - 1];
  const cell = (r: readonly string[], j: number) => {
    const c = r[j] ?? '';
    return cols[j].align === 'right' ? c.padStart(widths[j]) : c.padEnd(widths[j]);
  };
  const lines: string[] = [];
  if (total(keep) <= width) {
    for (const r of rows) lines.push((lead + keep.map((j) => cell(r, j)).join(sep)).trimEnd());
  } else if (width - (total(keep) - widths[last]) >= Math.max(MIN_LAST_COLUMN, longestWord(rows, last))) {
    const at = total(keep) - widths[last];
    for (const r of rows) lines.push(...hanging((lead + keep.slice(0, -1).map((j) => cell(r, j)).join(sep)).trimEnd(), at, r[last] ?? '', width));
  } else {
    for (const r of rows) lines.push(...wrap(lead + keep.map((j) => r[j] ?? '').filter(Boolean).join(sep), width, lead.length + 4));
  }
  return { lines, dropped };
}

function longestWord(rows: readonly (readonly string[])[], j: number): number {
  let n = 0;
  for (const r of rows) for (const w of (r[j] ?? '').split(' ')) n = Math.max(n, w.length);
  return n;
}

/**
 * Cells laid out as many per row as fit in `width` (at most `max`), `gap` apart; each column as
 * wide as its widest cell. For register dumps and the like.
 */
export function grid(cells: readonly string[], width: number, max: number, gap = 2): string[] {
  let per = Math.max(1, Math.min(max, cells.length));
  for (; per > 1; per--) {
    const w = columnWidths(cells, per);
    if (w.reduce((a, b) => a + b, 0) + gap * (per - 1) <= width) break;
  }
  const w = columnWidths(cells, per);
  const out: string[] = [];
  for (let i = 0; i < cells.length; i += per) {
    out.push(cells.slice(i, i + per).map((c, k) => c.padEnd(w[k])).join(' '.repeat(gap)).trimEnd());
  }
  return out;
}

function columnWidths(cells: readonly string[], per: number): number[] {
  const w = new Array<number>(per).fill(0);
  cells.forEach((c, i) => {
    w[i % per] = Math.max(w[i % per], c.length);
  });
  return w;
}
