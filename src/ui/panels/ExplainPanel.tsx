import { useEffect, useRef } from 'react';
import type { Explanation, LookHere } from '../../protocol/messages';
import { Panel } from './Panel';
import { appStore, termAppend, useApp } from '../store/store';
import { saveExplainOpen } from '../store/explainSlice';
import { goToLook, showLook } from '../explain/lookHere';
import { buildTranscript } from '../explain/transcript';
import { useMediaQuery } from '../useMediaQuery';
import { downloadText } from '../download';
import { Glossed } from '../teach/Glossed';

/**
 * Below this width a lesson's column and the Explain column do not both fit beside the panels:
 * while a lesson is open there, the lesson's text is the explanation and this panel starts as its
 * strip (a click opens it for the rest of the lesson, without changing the remembered choice).
 */
const SHARED_WIDTH = '(max-width: 1700px)';

/**
 * The Explain panel (issue 9 §1): what the current step did, in two to four plain sentences,
 * the upstream function it follows, and "look here" chips that highlight the panel, row, field
 * or CPU involved (hover) and go there (click). Beside the debugger, collapsible (remembered;
 * open for a first-time visitor). Its header has the transcript export (a Markdown handout).
 */

/** A sentence with its `console text` in code type; the words between have their glossary terms marked (teach/Glossed). */
function Words({ text }: { text: string }) {
  const parts = text.split('`');
  return <>{parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : p === '' ? null : <Glossed key={i} text={p} />))}</>;
}

/**
 * The explanation's words, in one place: the glossary can wrap this component's text (terms
 * with their definitions) without touching the panel around it.
 */
export function ExplainText({ x }: { x: Explanation }) {
  return (
    <div className="explain-text">
      <h3 className="explain-title" data-testid="explain-title">
        {x.title}
      </h3>
      <div data-testid="explain-sentences">
        {x.sentences.map((s, i) => (
          <p key={i} className="explain-sentence" data-testid="explain-sentence">
            <Words text={s} />
          </p>
        ))}
      </div>
      {x.source && (
        <p className="explain-source" data-testid="explain-source" title="the upstream file and function this step follows">
          <span className="explain-source-label">Upstream:</span> {x.source}
        </p>
      )}
    </div>
  );
}

const PANEL_NAMES: Record<LookHere['panel'], string> = {
  cpus: 'CPUs',
  savestate: 'Save state',
  smram: 'SMRAM',
  handlers: 'Handlers',
  timeline: 'Timeline',
  terminal: 'Terminal',
  editor: 'Source',
};

function LookChip({ l }: { l: LookHere }) {
  const clearTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const enter = () => {
    if (clearTimer.current) clearTimeout(clearTimer.current);
    appStore.setState({ lookActive: l });
    showLook(l);
  };
  const leave = () => {
    if (clearTimer.current) clearTimeout(clearTimer.current);
    if (appStore.getState().lookActive === l) appStore.setState({ lookActive: null });
    showLook(null);
  };
  const click = () => {
    if (clearTimer.current) clearTimeout(clearTimer.current);
    goToLook(l);
    // The mark stays a moment after a click, then goes (unless the mouse is still on the chip).
    clearTimer.current = setTimeout(() => {
      if (appStore.getState().lookActive === l && !document.querySelector('.look-chip:hover')) leave();
    }, 2500);
  };
  useEffect(() => () => void (clearTimer.current && clearTimeout(clearTimer.current)), []);
  const active = useApp((s) => s.lookActive === l);
  return (
    <button
      type="button"
      className={`look-chip look-${l.panel}${active ? ' active' : ''}`}
      data-testid="look-chip"
      data-panel={l.panel}
      data-cpu={l.cpu}
      data-field={l.field}
      title={`${PANEL_NAMES[l.panel]} panel: hover to highlight, click to go there`}
      onMouseEnter={enter}
      onMouseLeave={leave}
      onFocus={enter}
      onBlur={leave}
      onClick={click}
    >
      <span className="look-panel">{PANEL_NAMES[l.panel]}</span> {l.label}
    </button>
  );
}

/** Downloads the session's commands, output and explanations as Markdown (a handout). */
export function exportTranscript(): void {
  const s = appStore.getState();
  const now = new Date();
  const md = buildTranscript({
    platform: s.snapshot?.platform.name ?? 'not booted',
    cpuCount: s.snapshot?.platform.cpuCount ?? 0,
    entries: s.termEntries,
    commands: s.commandLog,
    explanations: s.explainLog,
    dateLine: `Exported ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  });
  downloadText('smiscope-transcript.md', md, 'text/markdown');
  termAppend('info', ['transcript downloaded: smiscope-transcript.md (commands, output and explanations, as Markdown)']);
}

function setOpen(open: boolean, inLesson: boolean): void {
  if (inLesson) {
    appStore.setState({ explainOpenInLesson: open });
    return;
  }
  saveExplainOpen(open);
  appStore.setState({ explainOpen: open });
}

export function ExplainPanel() {
  const lessonsOpen = useApp((s) => s.lessonsOpen);
  const shared = useMediaQuery(SHARED_WIDTH);
  const inLesson = lessonsOpen && shared;
  const open = useApp((s) => (inLesson ? s.explainOpenInLesson : s.explainOpen));
  const x = useApp((s) => s.explain);
  const body = useRef<HTMLDivElement | null>(null);
  // A new step: the old pointer no longer applies, and its text starts at the top.
  useEffect(() => {
    showLook(null);
    appStore.setState({ lookActive: null });
    if (body.current) body.current.scrollTop = 0;
  }, [x]);
  const toggle = (
    <button
      type="button"
      className="btn btn-small explain-toggle"
      data-testid="explain-toggle"
      aria-expanded={open}
      title={
        open
          ? `Collapse the Explain panel${inLesson ? ' (for this lesson)' : ' (remembered)'}`
          : `Open the Explain panel: what each step did, in plain words${inLesson ? ' (collapsed beside a lesson on this screen width)' : ''}`
      }
      onClick={() => setOpen(!open, inLesson)}
    >
      {open ? '»' : '«'}
    </button>
  );
  return (
    <Panel
      area="explain"
      testId="explain-panel"
      className={open ? 'open' : 'collapsed'}
      title={
        <>
          {toggle}
          <span className="explain-heading">Explain</span>
        </>
      }
      extra={
        open && (
          <button type="button" className="btn btn-small" data-testid="explain-export" title="Download the session as a Markdown handout: each command, its output and the explanation of each step" onClick={exportTranscript}>
            ⇩ Handout
          </button>
        )
      }
    >
      {open && (
        <div className="explain-body scroll" data-testid="explain-body" ref={body}>
          {x ? (
            <>
              {x.seq > 0 && (
                <div className="explain-step muted" data-testid="explain-step" title="the session event this explains (back --to takes it)">
                  this step: event #{x.seq}
                </div>
              )}
              <ExplainText x={x} />
              {x.look.length > 0 && (
                <div className="look-here" data-testid="look-here">
                  <div className="look-head">Look here</div>
                  <div className="look-chips">
                    {x.look.map((l, i) => (
                      <LookChip key={`${x.seq}-${i}`} l={l} />
                    ))}
                  </div>
                </div>
              )}
            </>
          ) : (
            <p className="muted">Raise an SMI (the SMI 0x04 button, or type <code>smi 0x04 --cpu 1</code>) and step it with F10 or F11: this panel says what each step did and why.</p>
          )}
        </div>
      )}
    </Panel>
  );
}
