import { useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { setTerminalColumns } from '../actions/bridge';
import { sendCommand, sendTyped } from '../actions/commands';
import { actionForKey } from '../actions/debugActions';
import { cycleTermSize, setKeysOpen } from '../actions/layout';
import { setTerminalReader } from '../actions/testHooks';
import { wrap } from '../../protocol/text';
import type { TermSize } from '../store/layoutSlice';
import { appStore, useApp } from '../store/store';
import type { TermEntry } from '../store/terminalSlice';
import { terminalWriteStarted } from '../store/terminalWrites';
import { Panel } from './Panel';
import { Glossed } from '../teach/Glossed';

/** The terminal's font size in presentation mode (the other panels are zoomed 1.4x: 12.5 px -> 17.5 px). */
const PRESENT_FONT_SIZE = 17.5;

const PROMPT_TEXT = 'smiscope> ';
const PROMPT = `\x1b[1;36msmiscope>\x1b[0m `;
const DIM = '\x1b[90m';
const RED = '\x1b[31m';
const CYAN = '\x1b[36m';
const RESET = '\x1b[0m';
const HISTORY_MAX = 200;

/** Where the grey lines come from (the core's pi/Debug.ts models exactly this DebugLib and edk2). */
const DEBUG_LOG_SOURCE =
  "OVMF DEBUG output as QEMU's debugcon (I/O port 0x402) receives it: DebugLib = OvmfPkg/Library/PlatformDebugLibIoPort, text as edk2 c5aa7e7d (2026-08, after edk2-stable202411) prints it. Lines starting [smiscope] are SmiScope's own notes.";

/** The welcome text: [colour, text] parts per line, wrapped to the terminal's width when written. */
const WELCOME: [string, string][] = [
  [CYAN, 'SmiScope · QEMU Q35 + OVMF SMM, emulated in your browser.'],
  [DIM, "Grey: OVMF's DEBUG output as QEMU's debugcon (port 0x402) gets it (OvmfPkg PlatformDebugLibIoPort). White: console replies. Red: errors."],
  [DIM, "Try smi 0x04 --cpu 1, then F10 or Ctrl+' (step phase), F11 or Ctrl+; (step event), F5 or F8 (continue), F9 or Alt+← (back). ? lists every key, help every command."],
];

/** Rows of `text` no wider than the terminal (the console's rule: word boundaries, hanging indent). */
function fitRows(text: string, cols: number): string[] {
  return text.length <= cols ? [text] : wrap(text, cols, 2);
}

function entryText(e: TermEntry, cols: number): string {
  switch (e.kind) {
    case 'log':
      return e.lines.map((l) => `${DIM}${l}${RESET}\r\n`).join('');
    case 'output':
      return e.lines.map((l) => `${l}\r\n`).join('');
    case 'error':
      return e.lines.flatMap((l) => fitRows(l, cols)).map((l) => `${RED}${l}${RESET}\r\n`).join('');
    case 'info':
      return e.lines.flatMap((l) => fitRows(l, cols)).map((l) => `${CYAN}${l}${RESET}\r\n`).join('');
    case 'echo':
      return e.lines.map((l) => `${PROMPT}\x1b[1m${l}${RESET}${e.note ? `${DIM}   # ${e.note}${RESET}` : ''}\r\n`).join('');
    default: {
      const never: never = e.kind;
      return String(never);
    }
  }
}

/**
 * A small line editor on top of xterm: the input line is redrawn after each burst of output
 * so asynchronous firmware log lines never mix with what the user is typing.
 */
class LineEditor {
  private input = '';
  private cursor = 0;
  private history: string[] = [];
  private histIndex = 0;
  private draft = '';
  /** Row of the cursor within the rendered prompt+input, counted from the prompt's row. */
  private cursorRow = 0;

  constructor(
    private readonly term: Terminal,
    /** Sends a line; true when it was queued to be echoed later (the prompt then drops it). */
    private readonly submit: (line: string) => boolean,
    /** "?" on an empty line: the key list. */
    private readonly onHelp: () => void,
  ) {}

  /** Text that erases the current prompt line(s) and puts the cursor at its start. */
  private erase(): string {
    return (this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : '') + '\r\x1b[0J';
  }

  private render(): string {
    const cols = Math.max(1, this.term.cols);
    const start = PROMPT_TEXT.length;
    const end = start + this.input.length;
    // After exactly filling a row xterm keeps the cursor on it (wrap pending).
    const endRow = end > 0 && end % cols === 0 ? end / cols - 1 : Math.floor(end / cols);
    let s = PROMPT + this.input;
    if (this.cursor < this.input.length) {
      const pos = start + this.cursor;
      this.cursorRow = Math.floor(pos / cols);
      const up = endRow - this.cursorRow;
      const col = pos % cols;
      s += (up > 0 ? `\x1b[${up}A` : '') + '\r' + (col > 0 ? `\x1b[${col}C` : '');
    } else {
      this.cursorRow = endRow;
    }
    return s;
  }

  redraw(): void {
    this.term.write(this.erase() + this.render());
  }

  /** Prints output above the input line, then restores the input line; `parsed` runs once xterm has parsed it. */
  print(text: string, parsed?: () => void): void {
    this.term.write(this.erase() + text + this.render(), parsed);
  }

  start(): void {
    this.term.write(this.render());
  }

  private setInput(text: string, cursor = text.length): void {
    const erase = this.erase();
    this.input = text;
    this.cursor = cursor;
    this.term.write(erase + this.render());
  }

  private enter(): void {
    const line = this.input;
    const trimmed = line.trim();
    this.cursor = this.input.length;
    // A line queued behind unanswered ones is printed later, next to its own output.
    const queued = trimmed !== '' && trimmed !== 'clear' && this.submit(trimmed);
    this.term.write(queued ? this.erase() : this.erase() + this.render() + '\r\n');
    this.input = '';
    this.cursor = 0;
    this.cursorRow = 0;
    if (trimmed) {
      if (this.history[this.history.length - 1] !== trimmed) this.history.push(trimmed);
      if (this.history.length > HISTORY_MAX) this.history.shift();
    }
    this.histIndex = this.history.length;
    this.draft = '';
    if (trimmed === 'clear') this.term.clear();
    this.term.write(this.render());
  }

  private historyMove(delta: number): void {
    if (this.history.length === 0) return;
    if (this.histIndex === this.history.length) this.draft = this.input;
    const next = Math.max(0, Math.min(this.history.length, this.histIndex + delta));
    if (next === this.histIndex) return;
    this.histIndex = next;
    this.setInput(next === this.history.length ? this.draft : this.history[next]);
  }

  onData(data: string): void {
    let i = 0;
    while (i < data.length) {
      const ch = data[i];
      if (ch === '\x1b') {
        const m = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z])/.exec(data.slice(i));
        const seq = m ? m[0] : ch;
        i += seq.length;
        this.escape(seq);
        continue;
      }
      i++;
      if (ch === '\r' || ch === '\n') {
        if (ch === '\n' && data[i - 2] === '\r') continue;
        this.enter();
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.cursor > 0) this.setInput(this.input.slice(0, this.cursor - 1) + this.input.slice(this.cursor), this.cursor - 1);
      } else if (ch === '\x03') {
        // Ctrl+C: abandon the line, as a shell does.
        this.cursor = this.input.length;
        this.term.write(this.erase() + this.render() + `${DIM}^C${RESET}\r\n`);
        this.input = '';
        this.cursor = 0;
        this.cursorRow = 0;
        this.histIndex = this.history.length;
        this.term.write(this.render());
      } else if (ch === '\x0c') {
        this.term.clear();
        this.redraw();
      } else if (ch === '\x15') {
        this.setInput('', 0);
      } else if (ch === '\x01') {
        this.setInput(this.input, 0);
      } else if (ch === '\x05') {
        this.setInput(this.input);
      } else if (ch === '?' && this.input === '') {
        this.onHelp();
      } else if (ch >= ' ') {
        this.setInput(this.input.slice(0, this.cursor) + ch + this.input.slice(this.cursor), this.cursor + 1);
      }
    }
  }

  private escape(seq: string): void {
    switch (seq) {
      case '\x1b[A':
      case '\x1bOA':
        this.historyMove(-1);
        break;
      case '\x1b[B':
      case '\x1bOB':
        this.historyMove(1);
        break;
      case '\x1b[C':
      case '\x1bOC':
        if (this.cursor < this.input.length) this.setInput(this.input, this.cursor + 1);
        break;
      case '\x1b[D':
      case '\x1bOD':
        if (this.cursor > 0) this.setInput(this.input, this.cursor - 1);
        break;
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
        this.setInput(this.input, 0);
        break;
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
        this.setInput(this.input);
        break;
      case '\x1b[3~':
        if (this.cursor < this.input.length) this.setInput(this.input.slice(0, this.cursor) + this.input.slice(this.cursor + 1), this.cursor);
        break;
      default:
        break;
    }
  }
}

const SIZE_BUTTON: Record<TermSize, { label: string; title: string }> = {
  panel: { label: '⤢ Enlarge', title: 'Give the terminal the whole lower row (Alt+Enter)' },
  row: { label: '⤢ Full height', title: 'Give the terminal everything under the top bar (Alt+Enter)' },
  page: { label: '⤡ Restore', title: 'Put the terminal back in its panel (Alt+Enter)' },
};

/** The terminal's own keys that the page handles: Alt+Enter (enlarge) never reaches the line editor. */
export function isTerminalSizeKey(e: KeyboardEvent): boolean {
  return e.key === 'Enter' && e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey;
}

export function TerminalPanel() {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const busy = useApp((s) => s.busy);
  const termSize = useApp((s) => s.termSize);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      convertEol: true,
      cursorBlink: false,
      fontFamily: "'DejaVu Sans Mono', 'Liberation Mono', ui-monospace, monospace",
      fontSize: 12.5,
      lineHeight: 1.15,
      scrollback: 5000,
      allowProposedApi: false,
      theme: {
        background: '#0a0f1a',
        foreground: '#d5dde9',
        cursor: '#7dd3fc',
        selectionBackground: '#334155',
        brightBlack: '#7c8799',
        red: '#f87171',
        cyan: '#67e8f9',
      },
    });
    termRef.current = term;
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    const safeFit = () => {
      if (host.clientWidth > 0 && host.clientHeight > 0) {
        try {
          fit.fit();
        } catch {
          // not laid out yet
        }
      }
      // The worker lays console output and log lines out for this width.
      setTerminalColumns(term.cols);
    };
    safeFit();
    // Presentation mode: xterm draws its own glyphs, so large type is its font size (CSS zoom
    // would leave xterm's cell size and its container's size in different pixels).
    // The terminal comes back from display:none at the bottom, where the prompt is.
    const presentFont = (on: boolean) => {
      term.options.fontSize = on ? PRESENT_FONT_SIZE : 12.5;
      requestAnimationFrame(() => {
        safeFit();
        term.scrollToBottom();
      });
    };
    if (appStore.getState().presentation) presentFont(true);
    const unsubPresent = appStore.subscribe((s, prev) => {
      if (s.presentation !== prev.presentation || s.presentAreas !== prev.presentAreas) presentFont(s.presentation);
    });

    // Debugger keys belong to the page (handled on window); Ctrl+C with a selection copies.
    term.attachCustomKeyEventHandler((e) => {
      if (actionForKey(e, false, true) || isTerminalSizeKey(e)) return false;
      if (e.type === 'keydown' && e.ctrlKey && e.key === 'c' && term.hasSelection()) return false;
      return true;
    });

    const editor = new LineEditor(term, sendTyped, () => setKeysOpen(true));
    term.write(WELCOME.flatMap(([colour, text]) => fitRows(text, term.cols).map((l) => `${colour}${l}${RESET}`)).join('\r\n') + '\r\n');

    let lastId = 0;
    /** Parse callbacks of writes xterm has not parsed yet (released if the terminal goes away). */
    const unparsed = new Set<() => void>();
    const writeNew = (entries: TermEntry[]) => {
      let text = '';
      for (const e of entries) {
        if (e.id <= lastId) continue;
        text += entryText(e, term.cols);
        lastId = e.id;
      }
      if (!text) return;
      const done = terminalWriteStarted();
      unparsed.add(done);
      editor.print(text, () => {
        unparsed.delete(done);
        done();
      });
    };
    writeNew(appStore.getState().termEntries);
    editor.start();
    // Typing works at once: the prompt has the keyboard when the page opens.
    term.focus();
    const unsub = appStore.subscribe((s, prev) => {
      if (s.termEntries !== prev.termEntries) writeNew(s.termEntries);
    });
    const dataSub = term.onData((d) => editor.onData(d));
    // After a hang, the ASSERT line (and the "the event that explains it" line) link to the event
    // that explains the hang: a click goes back to it (console: back --to SEQ).
    const links = term.registerLinkProvider({
      provideLinks(y, callback) {
        const cause = appStore.getState().snapshot?.status.cause;
        const line = term.buffer.active.getLine(y - 1)?.translateToString(true) ?? '';
        const m = cause ? /ASSERT [^\s(]+\(\d+\)|the event that explains it: #\d+/.exec(line) : null;
        if (!cause || !m) return callback(undefined);
        callback([
          {
            range: { start: { x: m.index + 1, y }, end: { x: m.index + m[0].length, y } },
            text: m[0],
            decorations: { underline: true, pointerCursor: true },
            activate: () => sendCommand(`back --to ${cause.seq}`, { note: 'why? (link)' }),
          },
        ]);
      },
    });
    setTerminalReader(() => {
      const b = term.buffer.active;
      const rows = [];
      for (let i = 0; i < b.length; i++) {
        const line = b.getLine(i);
        if (line) rows.push({ text: line.translateToString(true), wrapped: line.isWrapped });
      }
      return rows;
    });
    const ro = new ResizeObserver(() => safeFit());
    ro.observe(host);
    return () => {
      ro.disconnect();
      unsubPresent();
      dataSub.dispose();
      links.dispose();
      unsub();
      for (const done of unparsed) done();
      unparsed.clear();
      term.dispose();
      termRef.current = null;
    };
  }, []);

  const size = SIZE_BUTTON[termSize];
  return (
    <Panel
      area="term"
      testId="terminal-panel"
      title={
        <>
          <span title={DEBUG_LOG_SOURCE}>Terminal</span>
          <span className="head-sub" title={DEBUG_LOG_SOURCE}>
            <Glossed text="debugcon log (port 0x402) + console" />
          </span>
        </>
      }
      extra={
        <span className="term-extra">
          {busy ? <span className="chip chip-live">running… F6 or F8 pauses</span> : null}
          <button type="button" className="btn btn-small" data-testid="terminal-size" data-size={termSize} title={size.title} onClick={() => cycleTermSize()}>
            {size.label}
          </button>
        </span>
      }
      className="terminal-panel"
    >
      <div
        className="terminal-host"
        data-testid="terminal"
        ref={hostRef}
        onMouseDown={() => {
          // Clicks on the padding around the xterm screen should focus it too.
          setTimeout(() => termRef.current?.focus(), 0);
        }}
      />
    </Panel>
  );
}
