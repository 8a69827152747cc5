import type { Explanation } from '../../protocol/messages';
import type { CommandEntry, ExplainEntry } from '../store/explainSlice';
import type { TermEntry } from '../store/terminalSlice';

/**
 * The session as a Markdown handout: each console line the page sent (typed, a button, a key),
 * what the console answered, the firmware log lines it printed (a few, then how many more), and
 * the explanation of the step it led to. Built from the terminal's history and the explanations
 * captured per step; pure (the page adds the date).
 */
export interface TranscriptInput {
  platform: string;
  cpuCount: number;
  entries: readonly TermEntry[];
  commands: readonly CommandEntry[];
  explanations: readonly ExplainEntry[];
  /** A line under the title (the page puts the date there). */
  dateLine?: string;
}

/** Firmware log lines kept per step (the rest are counted). */
export const LOG_LINES_PER_STEP = 12;

/** Sorted by [terminal id, 0 before the entry of that id, arrival]. */
type Key = [number, number, number];
type Item = { key: Key; kind: 'command'; c: CommandEntry } | { key: Key; kind: 'entry'; e: TermEntry } | { key: Key; kind: 'explain'; x: Explanation };

function fence(lines: string[]): string[] {
  const body = lines.join('\n');
  const ticks = body.includes('```') ? '~~~~' : '```';
  return [ticks + 'text', body, ticks];
}

export function explanationMarkdown(x: Explanation): string[] {
  const out = [`**What happened: ${x.title}.** ${x.sentences.join(' ')}`];
  if (x.source) out.push('', `*Upstream:* ${x.source}`);
  if (x.look.length) out.push('', `*Look at:* ${x.look.map((l) => `${l.label} (${l.panel})`).join('; ')}`);
  return out;
}

export function buildTranscript(t: TranscriptInput): string {
  const items: Item[] = [];
  for (const c of t.commands) items.push({ key: [c.termId, 0, c.at], kind: 'command', c });
  for (const e of t.entries) {
    // A button's or key's echo duplicates its command; replayed lines (a link, an import) have no command of their own.
    if (e.kind === 'echo' && e.note !== 'replayed') continue;
    items.push({ key: [e.id, 1, 0], kind: 'entry', e });
  }
  for (const x of t.explanations) items.push({ key: [x.termId, 0, x.at], kind: 'explain', x: x.explanation });
  items.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);

  const out: string[] = ['# SmiScope session transcript', ''];
  if (t.dateLine) out.push(t.dateLine, '');
  out.push(`Platform: ${t.platform}, ${t.cpuCount} CPU(s).`, '');
  out.push('Each step: the console line, what the console printed, and what happened, in plain words.', '');

  let n = 0;
  let output: string[] = [];
  let log: string[] = [];
  let logMore = 0;
  let explained: Explanation | null = null;
  let open = false;
  const flush = () => {
    if (output.length) out.push(...fence(output), '');
    if (log.length) out.push('Firmware log:', '', ...fence(logMore ? [...log, `... ${logMore} more line(s)`] : log), '');
    if (explained) out.push(...explanationMarkdown(explained), '');
    output = [];
    log = [];
    logMore = 0;
    explained = null;
  };
  const heading = (title: string) => {
    flush();
    out.push(title, '');
    open = true;
  };
  for (const it of items) {
    if (it.kind === 'command') {
      n++;
      heading(`## ${n}. \`${it.c.line}\`${it.c.note ? ` (${it.c.note})` : ''}`);
    } else if (it.kind === 'entry') {
      const e = it.e;
      if (e.kind === 'echo') {
        n++;
        heading(`## ${n}. \`${e.lines.join(' ')}\` (replayed)`);
        continue;
      }
      if (!open) heading('## Before the first command');
      if (e.kind === 'log') {
        for (const l of e.lines) {
          if (log.length < LOG_LINES_PER_STEP) log.push(l);
          else logMore++;
        }
      } else {
        output.push(...e.lines.map((l) => (e.kind === 'error' ? `error: ${l}` : l)));
      }
    } else {
      if (!open) heading('## Before the first command');
      explained = it.x;
    }
  }
  flush();
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
