import { memo, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { TimelineEvent } from '../../protocol/messages';
import { post } from '../actions/bridge';
import { appStore, useApp } from '../store/store';
import { PHASE_COLOR, PHASE_LABEL } from './legend';
import { Glossed } from '../teach/Glossed';

/** A step over a whole phase at 256 CPUs adds ~260 events; the list shows the newest of them. */
const MAX_ROWS = 300;
/**
 * Rows drawn until the reader asks for more ("show all"): the box shows a few at a time, and
 * drawing (and laying out) hundreds on every F10 at 64+ CPUs costs more than the step itself.
 */
const FIRST_ROWS = 12;

function who(e: TimelineEvent, text: string): string {
  return e.cpu < 0 ? 'platform' : text.startsWith(`CPU${e.cpu}`) ? '' : `CPU${e.cpu}`;
}

/** An earlier event of the step (the newest one is the "now" line below them). */
const Row = memo(function Row({ e, text, runStart }: { e: TimelineEvent; text: string | undefined; runStart: number }) {
  const body = e.textLater ? (text ?? '…') : e.text;
  const w = who(e, body);
  // Numbered within the run (the SMI or the boot), as the status bar and the timeline number them.
  return (
    <li className={`tl-step-row${e.level === 'phase' ? ' phase' : ''}`} data-seq={e.seq} title={`#${e.seq - runStart} · ${PHASE_LABEL[e.phase]} · ${body}`}>
      <span className="swatch" style={{ background: PHASE_COLOR[e.phase] }} />
      <span className="tl-step-seq">#{e.seq - runStart}</span>
      <span className="tl-step-text">
        {w && <span className="tl-step-who">{w} · </span>}
        <Glossed text={body} />
      </span>
    </li>
  );
});

/** The events after the one the debugger stood on when the last command or key was sent (none after `back`). */
export function stepStart(events: readonly TimelineEvent[], stepFrom: number): number {
  let first = events.length;
  while (first > 0 && events[first - 1].seq > stepFrom) first--;
  return first;
}

/**
 * "Events of this step", in the timeline's event box: everything the last command or key added
 * (a phase step, a continue), so a phase step does not hide what explains it ("Io.Read 0xB2 =
 * 0x05 -> not for us -> QUIESCED"), with the newest event (`now`) last. Collapsible (then only
 * `now` shows); the texts the worker did not send are asked for when shown.
 */
export function StepEvents({ events, texts, now }: { events: TimelineEvent[]; texts: ReadonlyMap<number, string>; now: ReactNode }) {
  const stepFrom = useApp((s) => s.stepFrom);
  const open = useApp((s) => s.stepListOpen);
  const first = stepStart(events, stepFrom);
  const all = events.length - first;
  const [showAllOf, setShowAllOf] = useState(-1);
  const showAll = showAllOf === stepFrom;
  // The rows above `now`: the step's earlier events.
  const shownFrom = Math.max(first, events.length - (showAll ? MAX_ROWS : FIRST_ROWS));
  const earlier = open ? events.slice(shownFrom, events.length - 1) : [];
  const listRef = useRef<HTMLOListElement>(null);
  const asked = useRef(new Set<number>());
  useEffect(() => {
    const seqs = earlier.filter((e) => e.textLater && !texts.has(e.seq) && !asked.current.has(e.seq)).map((e) => e.seq);
    if (seqs.length === 0) return;
    for (const q of seqs) asked.current.add(q);
    post({ type: 'timeline-text', seqs });
  });
  // A new timeline (a new SMI, `back`) numbers events anew: forget what was asked.
  const firstSeq = events[0]?.seq ?? 0;
  const runStart = useApp((st) => st.snapshot?.status.runStart ?? 0);
  useEffect(() => {
    asked.current.clear();
  }, [firstSeq]);
  // The newest event at the bottom, in view (also when texts arrive and rows grow), unless the
  // user scrolled up to read; a new step scrolls down again.
  const last = events[events.length - 1]?.seq ?? 0;
  const stick = useRef(true);
  useLayoutEffect(() => {
    stick.current = true;
  }, [last]);
  useLayoutEffect(() => {
    const el = listRef.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [last, open, all, texts]);
  const onScroll = () => {
    const el = listRef.current;
    if (el) stick.current = el.scrollTop >= el.scrollHeight - el.clientHeight - 4;
  };
  const range = all > 1 ? `#${events[first].seq - runStart}–#${last - runStart}` : all === 1 ? `#${last - runStart}` : '';
  return (
    <div className={`tl-step${open ? ' open' : ''}`} data-testid="step-events" data-count={all}>
      <button
        type="button"
        className="tl-step-head"
        aria-expanded={open}
        data-testid="step-events-toggle"
        title="the events the last command or key added (a phase step runs several, F11 one); click to show or hide the earlier ones"
        onClick={() => appStore.setState({ stepListOpen: !open })}
      >
        <span className="tl-step-caret">{open ? '▾' : '▸'}</span> this step:{' '}
        {all === 0 ? <span className="muted">no new events</span> : <b>{all === 1 ? '1 event' : `${all} events`}</b>} <span className="muted mono-ish">{range}</span>
      </button>
      <ol className="tl-step-list scroll" ref={listRef} data-testid={open && all > 1 ? 'step-events-list' : undefined} onScroll={onScroll}>
        {open && shownFrom > first && (
          <li className="tl-step-more muted">
            {showAll ? (
              `… ${shownFrom - first} earlier events of this step (hover the timeline)`
            ) : (
              <button type="button" className="link-button" data-testid="step-events-more" onClick={() => setShowAllOf(stepFrom)}>
                … {shownFrom - first} earlier events of this step: show them
              </button>
            )}
          </li>
        )}
        {earlier.map((e) => (
          <Row key={e.seq} e={e} text={texts.get(e.seq)} runStart={runStart} />
        ))}
        <li className="tl-step-now">{now}</li>
      </ol>
    </div>
  );
}
