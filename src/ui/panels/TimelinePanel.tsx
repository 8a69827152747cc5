import { cpuTitleOnHover } from './hoverTitle';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useState, type MouseEvent, type SyntheticEvent, type UIEvent } from 'react';
import type { CpuView, SmiSummary, TimelineEvent } from '../../protocol/messages';
import { hex } from '../format';
import { appStore, useApp } from '../store/store';
import { post } from '../actions/bridge';
import { useElementSize } from '../useElementSize';
import { ACTIVITY, PHASE_COLOR, PHASE_LABEL, PHASE_ORDER } from './legend';
import { Panel } from './Panel';
import { Glossed } from '../teach/Glossed';
import { StepEvents } from './StepEvents';
import { blockAt, TimelineBlocks } from './TimelineBlocks';
import { cpuRanges, foldedLanes, plainLanes, type Lane, type LaneModel } from './timelineLanes';

const LABEL_W = 134;
/** Events on either side of a hovered one whose texts are asked for with it. */
const TEXT_AROUND = 32;
const RULER_H = 18;

/**
 * Lanes share the visible height (up to 34 px each); with many CPUs they get thin and scroll.
 * "Fit all" puts every lane in the visible height, however thin (down to 2 px).
 */
function laneHeight(lanes: number, height: number, fitAll: boolean): number {
  if (fitAll) {
    // Below 2 px a lane is a fraction of a pixel (257 lanes in a laptop's timeline): its events still draw 1 px high.
    const f = (height - RULER_H - 14) / lanes;
    return f >= 2 ? Math.min(34, Math.floor(f)) : Math.max(0.25, f);
  }
  const fit = Math.floor((height - RULER_H - 14) / lanes);
  const min = lanes <= 9 ? 16 : lanes <= 33 ? 14 : 9;
  return Math.max(min, Math.min(34, fit));
}

/** Folding identical AP lanes is on by default from this many CPUs. */
const GROUP_FROM_CPUS = 17;
const NO_KEYS: ReadonlySet<number> = new Set();

function cpuName(cpu: number): string {
  return cpu < 0 ? 'platform' : `CPU ${cpu}`;
}

/**
 * "#12 · rendezvous · CPU0: PlatformSmmBspElection ...": events are numbered within their run
 * (the SMI, or the boot: `runStart` is the session event number before its first event); the CPU
 * is named once (most texts start with it).
 */
function eventLine(e: TimelineEvent, text: string | undefined, runStart = 0): string {
  const body = e.textLater ? (text ?? '…') : e.text;
  const who = e.cpu >= 0 && body.startsWith(`CPU${e.cpu}`) ? '' : `${cpuName(e.cpu)} · `;
  return `#${e.seq - runStart} · ${who}${PHASE_LABEL[e.phase]} · ${body}`;
}

/** Runs of consecutive events in the same phase, for the ruler above the lanes. */
function phaseRuns(events: TimelineEvent[]) {
  const runs: { phase: TimelineEvent['phase']; start: number; count: number }[] = [];
  events.forEach((e, i) => {
    const last = runs[runs.length - 1];
    if (last && last.phase === e.phase) last.count++;
    else runs.push({ phase: e.phase, start: i, count: 1 });
  });
  return runs;
}

function laneTitle(c: CpuView): string {
  return `CPU ${c.index}: ${ACTIVITY[c.activity].label}${c.isBsp ? ' · BSP' : ''}${c.isOutCpu ? ' · did the OUT' : ''}`;
}

function showLaneTitle(e: SyntheticEvent<HTMLElement>, index: number): void {
  cpuTitleOnHover(e, index, laneTitle);
}

interface LaneLabelProps {
  c: CpuView;
  lane: number;
  laneH: number;
  roomy: boolean;
}

function sameLane(a: LaneLabelProps, b: LaneLabelProps): boolean {
  return (
    a.laneH === b.laneH &&
    a.lane === b.lane &&
    a.roomy === b.roomy &&
    (a.c === b.c || (a.c.index === b.c.index && a.c.activity === b.c.activity && a.c.isBsp === b.c.isBsp && a.c.isOutCpu === b.c.isOutCpu))
  );
}

/** Lanes thinner than this (fit all) are labelled only for the BSP and the OUT CPU. */
const LABEL_MIN_LANE = 9;

const LaneLabel = memo(function LaneLabel({ c, lane, laneH, roomy }: LaneLabelProps) {
  const hair = laneH < LABEL_MIN_LANE;
  if (hair && !c.isBsp && !c.isOutCpu) return null;
  return (
    <div
      className={`tl-label${roomy ? '' : ' thin'}`}
      style={hair ? { top: Math.max(RULER_H, RULER_H + lane * laneH + laneH / 2 - 7), height: 14 } : { top: RULER_H + lane * laneH, height: laneH }}
      data-testid={`tl-lane-${c.index}`}
      onMouseEnter={(e) => showLaneTitle(e, c.index)}
    >
      <span className="swatch" style={{ background: ACTIVITY[c.activity].color, height: Math.min(10, laneH - 2) }} />
      {/* Thin lanes: label every 8th CPU (and the BSP / OUT CPU) so the text does not overlap. */}
      {(roomy || c.index % 8 === 0 || c.isBsp || c.isOutCpu) && <span className="tl-lane-name">{roomy ? `CPU ${c.index}` : c.index}</span>}
      {(roomy || c.isBsp) && c.isBsp && <span className="badge badge-bsp">BSP</span>}
      {(roomy || c.isOutCpu) && c.isOutCpu && <span className="badge badge-out">OUT</span>}
    </div>
  );
}, sameLane);

/** A folded lane: "254 APs waiting"; a click shows its CPUs lane by lane. */
function GroupLabel({ lane, index, laneH, roomy, onExpand }: { lane: Extract<Lane, { kind: 'group' }>; index: number; laneH: number; roomy: boolean; onExpand: (key: number) => void }) {
  return (
    <div
      className={`tl-label tl-group${roomy ? '' : ' thin'}`}
      style={laneH < LABEL_MIN_LANE ? { top: Math.max(RULER_H, RULER_H + index * laneH + laneH / 2 - 7), height: 14 } : { top: RULER_H + index * laneH, height: laneH }}
      data-testid="tl-group"
      data-count={lane.cpus.length}
      title={`${lane.label}: ${cpuRanges(lane.cpus)}. Their events in this SMI are the same phases at the same times, so they share one lane (the blocks are all of theirs).\nclick: one lane per CPU`}
      onClick={() => onExpand(lane.key)}
    >
      <span className="tl-group-caret">▸</span>
      <span className="tl-lane-name">{lane.label}</span>
    </div>
  );
}

/** A small on/off button of the timeline's header. */
function Toggle({ on, testId, title, onClick, label }: { on: boolean; testId: string; title: string; onClick: () => void; label: string }) {
  return (
    <button type="button" className={`btn btn-small tl-toggle${on ? ' on' : ''}`} data-testid={testId} aria-pressed={on} title={title} onClick={onClick}>
      {label}
    </button>
  );
}

/** Lanes and columns drawn beyond the visible part of the timeline, so a scroll rarely shows a gap. */
const OVERSCAN_LANES = 6;
const OVERSCAN_COLS = 24;

/** The part of the timeline that is drawn: lanes [lane0, lane1] and event columns [col0, col1]. */
interface TimelineWindow {
  lane0: number;
  lane1: number;
  col0: number;
  col1: number;
}

/**
 * The lane labels. Only the lanes in the window are in the DOM (256 CPUs make 257 lanes, of
 * which a dozen or two are visible); each sits at its lane's offset in a column of full height.
 */
const LaneLabels = memo(function LaneLabels({ model, laneH, lane0, lane1, onExpand }: { model: LaneModel; laneH: number; lane0: number; lane1: number; onExpand: (key: number) => void }) {
  const roomy = laneH >= 14;
  const { lanes } = model;
  const shown = [];
  for (let lane = Math.max(1, lane0); lane <= lane1 && lane < lanes.length; lane++) {
    const l = lanes[lane];
    if (l.kind === 'cpu') shown.push(<LaneLabel key={l.cpu.index} c={l.cpu} lane={lane} laneH={laneH} roomy={roomy} />);
    else if (l.kind === 'group') shown.push(<GroupLabel key={`g${l.key}`} lane={l} index={lane} laneH={laneH} roomy={roomy} onExpand={onExpand} />);
  }
  return (
    <div className="tl-labels" style={{ width: LABEL_W, height: RULER_H + lanes.length * laneH }}>
      <div className="tl-label tl-ruler-label" style={{ top: 0, height: RULER_H }}>
        phase
      </div>
      {lane0 === 0 && (
        <div className="tl-label" style={{ top: RULER_H, height: laneH }} title="platform: events that belong to no single CPU (chipset, SMM core)">
          {roomy && <span className="tl-lane-name">platform</span>}
        </div>
      )}
      {shown}
    </div>
  );
});

/**
 * The lanes: phase ruler, stripes, event blocks and the "now" line. The canvas has the full
 * size (it is what scrolls) but only the events inside the window are in the DOM.
 */
const Lanes = memo(function Lanes(props: { events: TimelineEvent[]; model: LaneModel; colW: number; laneH: number; hover: number; onExpand: (key: number) => void } & TimelineWindow) {
  const { events, model, colW, laneH, hover, lane0, lane1, col0, col1, onExpand } = props;
  const lanes = model.lanes.length;
  const width = Math.max(1, events.length) * colW;
  const runs = useMemo(() => phaseRuns(events), [events]);
  const last = events.length - 1;
  return (
    <div className="tl-inner" style={{ width: LABEL_W + width }}>
      <LaneLabels model={model} laneH={laneH} lane0={lane0} lane1={lane1} onExpand={onExpand} />
      <div className="tl-canvas" style={{ width, height: RULER_H + lanes * laneH, ['--lh' as string]: `${laneH}px`, ['--ruler' as string]: `${RULER_H}px` }}>
        {runs.map((r) => (
          <div
            key={r.start}
            className="tl-run"
            style={{ left: r.start * colW, width: r.count * colW, height: RULER_H, borderColor: PHASE_COLOR[r.phase] }}
            title={PHASE_LABEL[r.phase]}
          >
            {r.count * colW >= 44 ? PHASE_LABEL[r.phase] : ''}
          </div>
        ))}
        <div className="tl-stripes" style={{ height: lanes * laneH }} />
        {/* A containing block whose size never changes: the canvas widens with every step,
            which would otherwise lay out what is in it again. */}
        <div className="tl-events">
          {last >= 0 && <TimelineBlocks events={events} laneOf={model.laneOf} colW={colW} laneH={laneH} ruler={RULER_H} lane0={lane0} lane1={lane1} col0={col0} col1={col1} hover={hover} lanes={lanes} />}
          {last >= 0 && <div className="tl-now" style={{ left: last * colW + colW / 2 - 1, height: RULER_H + lanes * laneH }} />}
        </div>
      </div>
    </div>
  );
});

/**
 * After the boot there is no "last SMI" (the boot's are not the user's), but the boot made
 * hundreds: say how many, so "none" does not read as "SMM never ran".
 */
function NoSmi({ total }: { total: number }) {
  return (
    <div className="tl-summary muted" data-testid="last-smi" data-none="true">
      {total > 0 ? (
        <span title="PlatformPei relocates SMBASE and PiSmmCpuDxeSmm runs its first SMI by SMI IPI; then PiSmmIpl's Communicate SMIs (mostly variable requests through VariableSmmRuntimeDxe). The debugcon log shows them.">
          No SMI since the boot, which made <b className="tl-boot-count">{total} SMIs</b> (SMI IPIs in PEI, then Communicate SMIs, mostly variable
          requests). The next is #{total + 1}: try “SMI 0x04” or smi 0x04 --cpu 1
        </span>
      ) : (
        <span>No SMI since power-on. Try the “SMI 0x04 (CPU hotplug)” button, or type smi 0x04 --cpu 1</span>
      )}
    </div>
  );
}

const Summary = memo(function Summary({ smi, total }: { smi: SmiSummary | null; total: number }) {
  if (!smi) return <NoSmi total={total} />;
  return (
    <div className="tl-summary" data-testid="last-smi">
      <div className="kv-line">
        <span className="kv">
          <span>SMI</span> <b>#{smi.number}</b>
        </span>
        <span className="kv">
          <span>APM_CNT</span> <b className="mono">{hex(smi.command, 2)}</b>
        </span>
        <span className="kv">
          <span>APM_STS</span> <b className="mono">{hex(smi.data, 2)}</b>
        </span>
        <span className="kv">
          <span>{smi.kind === 'communicate' ? 'Communicate on' : smi.kind === 'smi-ipi' ? 'SMI IPI from' : 'OUT by'}</span> <b>CPU {smi.cpu}</b>
        </span>
        <span className="kv">
          <span>BSP</span>{' '}
          <b title={smi.bsp === null && smi.finished ? 'no CPU became SMM BSP: the CPUs that took this SMI were APs, they gave up after PcdCpuSmmApSyncTimeout (MpService.c APHandler)' : undefined}>
            {smi.bsp === null ? (smi.finished ? (smi.raised ? 'none (APs gave up)' : 'none (no SMI)') : 'not elected yet') : `CPU ${smi.bsp}`}
          </b>
        </span>
        {smi.communicate && (
          <span className="kv">
            <span>Communicate</span> <b>{smi.communicate}</b>
          </span>
        )}
        <span className={`chip ${smi.finished ? 'chip-done' : 'chip-live'}`}>{smi.finished ? 'finished' : 'in progress'}</span>
      </div>
      <div className="handlers-called">
        <span className="label">handlers called</span>
        {smi.handlersCalled.length === 0 && <span className="muted">{smi.finished ? 'none' : 'none yet'}</span>}
        {smi.handlersCalled.map((h, i) => (
          <span key={i} className="call" title={`${h.kind} handler in ${h.module}`}>
            <span className="fn">{h.handler}</span>
            <span className="dim"> ({h.module}, {h.kind})</span> →{' '}
            <span className={h.returned.includes('SUCCESS') && !h.returned.includes('WARN') ? 'ok' : 'warn'}>{h.returned}</span>
          </span>
        ))}
      </div>
    </div>
  );
});

/** Static: built once, so React skips it on every snapshot. */
const PHASE_LEGEND = (
  <ul className="legend tl-legend" aria-label="phase legend">
    {PHASE_ORDER.map((p) => (
      <li key={p}>
        <span className="swatch" style={{ background: PHASE_COLOR[p] }} />
        {PHASE_LABEL[p]}
      </li>
    ))}
  </ul>
);

/** The panel's content box: narrow at most this wide, tall at least this high, short (no legend) at most this high. */
const NARROW_PX = 520;
const TALL_PX = 400;
const SHORT_PX = 330;

export function TimelinePanel() {
  // Measured, not a CSS size container (see app.css, tl-narrow).
  const [setPanelEl, panelSize] = useElementSize<HTMLElement>();
  const measured = panelSize.width > 0 && panelSize.height > 0;
  const sizeClass = measured ? `${panelSize.width <= NARROW_PX ? ' tl-narrow' : ''}${panelSize.height >= TALL_PX ? ' tl-tall' : ''}` : '';
  const legend = !measured || panelSize.height > SHORT_PX;
  const events = useApp((s) => s.timeline);
  const texts = useApp((s) => s.timelineTexts);
  const cpus = useApp((s) => s.snapshot?.cpus);
  const lastSmi = useApp((s) => s.snapshot?.lastSmi ?? null);
  const smiTotal = useApp((s) => s.snapshot?.smisSincePowerOn ?? 0);
  const breakpoints = useApp((s) => s.snapshot?.breakpoints);
  const [setScrollEl, { width, height }, scrollEl] = useElementSize<HTMLDivElement>();
  /**
   * Scroll position as of the last scroll event that moved the view away from the newest event
   * (or vertically), with the number of events then. Scrolled to the end, only `top` matters.
   */
  const [scroll, setScroll] = useState({ left: 0, top: 0, atEnd: true, events: -1 });
  // Hover is tied to the event list it was made on: a new step drops it without an effect.
  const [hoverState, setHoverState] = useState<{ events: TimelineEvent[]; i: number }>({ events, i: -1 });
  const hover = hoverState.events === events ? hoverState.i : -1;
  const setHover = (i: number) => setHoverState((h) => (h.events === events && h.i === i ? h : { events, i }));
  const cpuList = useMemo(() => cpus ?? [], [cpus]);
  const fitAll = useApp((s) => s.tlFit);
  const groupPref = useApp((s) => s.tlGroup);
  const group = groupPref ?? cpuList.length >= GROUP_FROM_CPUS;
  // Folded lanes a click opened, by group key (its first CPU); a new SMI folds them again.
  const [expanded, setExpanded] = useState<{ smi: number; keys: ReadonlySet<number> }>({ smi: -1, keys: new Set() });
  const smiNo = lastSmi?.number ?? -1;
  const openKeys = expanded.smi === smiNo ? expanded.keys : NO_KEYS;
  const onExpand = useCallback((key: number) => setExpanded((x) => ({ smi: smiNo, keys: new Set([...(x.smi === smiNo ? x.keys : []), key]) })), [smiNo]);
  const model = useMemo(() => (group ? foldedLanes(cpuList, events, openKeys) : plainLanes(cpuList)), [group, cpuList, events, openKeys]);
  const laneH = laneHeight(model.lanes.length, height, fitAll);
  const minColW = events.length > 400 ? 3 : events.length > 150 ? 5 : 8;
  const colW = Math.max(minColW, Math.min(64, Math.floor((Math.max(200, width) - LABEL_W - 4) / Math.max(1, events.length))));

  useEffect(() => {
    if (scrollEl) scrollEl.scrollLeft = scrollEl.scrollWidth;
  }, [events.length, colW, scrollEl]);

  // The drawn window. After a step the effect above scrolls to the newest event, so the window
  // is placed there already: the commit that shows the step needs no second render.
  const lanes = model.lanes.length;
  const viewW = Math.max(0, (width || 800) - LABEL_W);
  const viewH = height || 600;
  const fullW = Math.max(1, events.length) * colW;
  const left = scroll.atEnd || scroll.events !== events.length ? Math.max(0, fullW - viewW) : scroll.left;
  const top = Math.min(scroll.top, Math.max(0, RULER_H + lanes * laneH - viewH));
  const win: TimelineWindow = {
    lane0: Math.max(0, Math.floor((top - RULER_H) / laneH) - OVERSCAN_LANES),
    lane1: Math.min(lanes - 1, Math.ceil((top + viewH - RULER_H) / laneH) + OVERSCAN_LANES),
    col0: Math.max(0, Math.floor(left / colW) - OVERSCAN_COLS),
    col1: Math.ceil((left + viewW) / colW) + OVERSCAN_COLS,
  };
  // The scroll to the newest event after each step changes nothing here (no re-render).
  const onScroll = (e: UIEvent<HTMLDivElement>) => {
    const el = e.currentTarget;
    const n = events.length;
    const atEnd = el.scrollLeft >= el.scrollWidth - el.clientWidth - 2;
    setScroll((s) =>
      s.top === el.scrollTop && s.atEnd === atEnd && (atEnd || (s.left === el.scrollLeft && s.events === n))
        ? s
        : { left: el.scrollLeft, top: el.scrollTop, atEnd, events: n },
    );
  };

  // Follow the action vertically: a new SMI (or a new lane layout) shows the OUT CPU's and the
  // BSP's lanes; each step keeps the newest event's lane in view.
  const outLane = lastSmi && lastSmi.cpu < model.laneOf.length ? model.laneOf[lastSmi.cpu] : -1;
  const bspLane = lastSmi && lastSmi.bsp !== null && lastSmi.bsp < model.laneOf.length ? model.laneOf[lastSmi.bsp] : -1;
  const nowCpu = events.length > 0 ? events[events.length - 1].cpu : -1;
  const nowLane = nowCpu >= 0 && nowCpu < model.laneOf.length ? model.laneOf[nowCpu] : -1;
  useLayoutEffect(() => {
    if (!scrollEl || RULER_H + lanes * laneH <= scrollEl.clientHeight) return;
    const view = scrollEl.clientHeight - RULER_H;
    const at = scrollEl.scrollTop;
    const span = (l: number): [number, number] => [l * laneH, (l + 1) * laneH];
    const visible = ([a, b]: [number, number]) => a >= at && b <= at + view;
    const want = [outLane, bspLane].filter((l) => l >= 0).map(span);
    if (want.length === 0) return;
    const lo = Math.min(...want.map((w) => w[0]));
    const hi = Math.max(...want.map((w) => w[1]));
    const target: [number, number] = hi - lo <= view ? [lo, hi] : want[0];
    if (!visible(target)) scrollEl.scrollTop = Math.max(0, target[0] - Math.max(0, (view - (target[1] - target[0])) / 2));
    // Only when the SMI or the lane layout changes, not on every step.
  }, [scrollEl, smiNo, outLane, bspLane, lanes, laneH]);
  useLayoutEffect(() => {
    if (!scrollEl || nowLane < 0 || RULER_H + lanes * laneH <= scrollEl.clientHeight) return;
    const view = scrollEl.clientHeight - RULER_H;
    const a = nowLane * laneH;
    if (a < scrollEl.scrollTop || a + laneH > scrollEl.scrollTop + view) scrollEl.scrollTop = Math.max(0, a - view / 2);
  }, [events.length]);

  // The blocks are drawn on a canvas: the event under the mouse comes from the same geometry.
  const onMove = (e: MouseEvent) => {
    const area = scrollEl?.querySelector('.tl-canvas');
    if (!area) return;
    const r = area.getBoundingClientRect();
    const i = blockAt({ colW, laneH, ruler: RULER_H }, events, model.laneOf, e.clientX - r.left, e.clientY - r.top);
    if (i >= 0) setHover(i);
  };
  const current = events[events.length - 1];
  const shown = hover >= 0 && hover < events.length ? events[hover] : current;
  const shownText = shown?.textLater ? texts.get(shown.seq) : undefined;
  const runStart = useApp((st) => st.snapshot?.status.runStart ?? 0);
  // The boot is a run too: paused in it, or its events still on the timeline (nothing ran since).
  const runKind = useApp((st) => st.snapshot?.status.run ?? (st.snapshot && (st.snapshot.status.runStart ?? 0) === 0 && st.timeline.length > 0 ? 'boot' : null));
  const shownIndex = shown === current ? events.length - 1 : hover;
  // The worker sent this event without its text (only a snapshot's newest events carry theirs):
  // ask for the texts around it, once.
  useEffect(() => {
    if (!shown?.textLater || texts.has(shown.seq)) return;
    const seqs: number[] = [];
    for (let k = Math.max(0, shownIndex - TEXT_AROUND); k <= Math.min(events.length - 1, shownIndex + TEXT_AROUND); k++) {
      if (events[k].textLater && !texts.has(events[k].seq)) seqs.push(events[k].seq);
    }
    post({ type: 'timeline-text', seqs });
  }, [shown, shownIndex, texts, events]);
  return (
    <Panel
      rootRef={setPanelEl}
      className={sizeClass}
      area="timeline"
      testId="timeline-panel"
      title={runKind === 'boot' ? 'Timeline · the boot' : 'Timeline · current SMI'}
      extra={
        <span className="muted tl-extra">
          {cpuList.length > 1 && (
            <Toggle
              on={group}
              testId="tl-group-toggle"
              title={group ? 'identical AP lanes are folded into one ("62 APs waiting"; click a folded lane to open it). Click: one lane per CPU' : 'one lane per CPU. Click: fold the lanes of CPUs whose events are the same phases at the same times'}
              onClick={() => appStore.setState({ tlGroup: !group })}
              label="group"
            />
          )}
          <Toggle
            on={fitAll}
            testId="tl-fit-toggle"
            title={fitAll ? 'all lanes fit the visible height. Click: lanes keep a readable height and scroll' : 'click: fit all lanes in the visible height (thin lanes at 256 CPUs)'}
            onClick={() => appStore.setState({ tlFit: !fitAll })}
            label="fit all"
          />{' '}
          {events.length} events
        </span>
      }
    >
      {/* One box of fixed height (stepping or hovering must not move the lanes): the events of this
          step ending with the current one, or the hovered event. */}
      <div className={`tl-event-line${current ? ' with-list' : ''}`} data-testid="timeline-current" title={shown ? `${eventLine(shown, shownText, runStart)} (session event #${shown.seq})` : undefined}>
        {shown ? (
          shown === current ? (
            <StepEvents
              events={events}
              texts={texts}
              now={
                <>
                  <span className="swatch" style={{ background: PHASE_COLOR[shown.phase] }} />
                  <span className="tl-event-tag">now</span>
                  <span className="mono">
                    <Glossed text={eventLine(shown, shownText, runStart)} />
                  </span>
                </>
              }
            />
          ) : (
            <>
              <span className="swatch" style={{ background: PHASE_COLOR[shown.phase] }} />
              <span className="tl-event-tag">hover</span>
              <span className="mono">
                    <Glossed text={eventLine(shown, shownText, runStart)} />
                  </span>
            </>
          )
        ) : (
          <span className="muted">no events: the timeline fills as you step through an SMI</span>
        )}
      </div>
      <div className="tl-scroll scroll" ref={setScrollEl} onScroll={onScroll} onMouseMove={onMove} onMouseLeave={() => setHover(-1)}>
        <Lanes events={events} model={model} colW={colW} laneH={laneH} hover={hover} onExpand={onExpand} {...win} />
      </div>
      {legend && PHASE_LEGEND}
      <Summary smi={lastSmi} total={smiTotal} />
      {breakpoints && breakpoints.length > 0 && (
        <div className="breakpoints">
          <span className="label">breakpoints</span>
          {breakpoints.map((b) => (
            <span key={b.id} className="chip chip-bp" title="delete with: delete N">
              #{b.id} {b.text} · {b.hits} hit{b.hits === 1 ? '' : 's'}
            </span>
          ))}
        </div>
      )}
    </Panel>
  );
}
