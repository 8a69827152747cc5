import { memo, useEffect, useMemo, useState, type MouseEvent } from 'react';
import type { CpuView, SmiSummary, TimelineEvent } from '../../protocol/messages';
import { hex } from '../format';
import { useApp } from '../store/store';
import { useElementSize } from '../useElementSize';
import { ACTIVITY, PHASE_COLOR, PHASE_LABEL, PHASE_ORDER } from './legend';
import { Panel } from './Panel';

const LABEL_W = 134;
const RULER_H = 18;

/** Lanes share the visible height (up to 34 px each); with many CPUs they get thin and scroll. */
function laneHeight(lanes: number, height: number): number {
  const fit = Math.floor((height - RULER_H - 14) / lanes);
  const min = lanes <= 9 ? 20 : lanes <= 33 ? 14 : 9;
  return Math.max(min, Math.min(34, fit));
}

function cpuName(cpu: number): string {
  return cpu < 0 ? 'platform' : `CPU ${cpu}`;
}

function eventLine(e: TimelineEvent): string {
  return `#${e.seq} · ${cpuName(e.cpu)} · ${PHASE_LABEL[e.phase]} · ${e.text}`;
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

const Lanes = memo(function Lanes(props: { events: TimelineEvent[]; cpus: CpuView[]; colW: number; laneH: number }) {
  const { events, cpus, colW, laneH } = props;
  const roomy = laneH >= 14;
  const laneOf = (cpu: number) => (cpu < 0 ? 0 : cpu + 1);
  const lanes = cpus.length + 1;
  const width = Math.max(1, events.length) * colW;
  const runs = phaseRuns(events);
  const last = events.length - 1;
  return (
    <div className="tl-inner" style={{ width: LABEL_W + width }}>
      <div className="tl-labels" style={{ width: LABEL_W }}>
        <div className="tl-label tl-ruler-label" style={{ height: RULER_H }}>
          phase
        </div>
        <div className="tl-label" style={{ height: laneH }} title="platform: events that belong to no single CPU (chipset, SMM core)">
          {roomy && <span className="tl-lane-name">platform</span>}
        </div>
        {cpus.map((c) => (
          <div
            key={c.index}
            className={`tl-label${roomy ? '' : ' thin'}`}
            style={{ height: laneH }}
            title={`CPU ${c.index}: ${ACTIVITY[c.activity].label}${c.isBsp ? ' · BSP' : ''}${c.isOutCpu ? ' · did the OUT' : ''}`}
          >
            <span className="swatch" style={{ background: ACTIVITY[c.activity].color, height: Math.min(10, laneH - 2) }} />
            {/* Thin lanes: label every 8th CPU (and the BSP / OUT CPU) so the text does not overlap. */}
            {(roomy || c.index % 8 === 0 || c.isBsp || c.isOutCpu) && <span className="tl-lane-name">{roomy ? `CPU ${c.index}` : c.index}</span>}
            {(roomy || c.isBsp) && c.isBsp && <span className="badge badge-bsp">BSP</span>}
            {(roomy || c.isOutCpu) && c.isOutCpu && <span className="badge badge-out">OUT</span>}
          </div>
        ))}
      </div>
      <div className="tl-canvas" style={{ width, height: RULER_H + lanes * laneH }}>
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
        {Array.from({ length: lanes }, (_, i) => (
          <div key={i} className={`tl-stripe${i % 2 ? ' odd' : ''}`} style={{ top: RULER_H + i * laneH, height: laneH }} />
        ))}
        {events.map((e, i) => {
          const inset = e.level === 'event' ? Math.max(1, Math.floor(laneH / 5)) : 1;
          return (
            <div
              key={e.seq}
              data-i={i}
              className={`tl-ev${i === last ? ' current' : ''}${e.level === 'phase' ? ' phase' : ''}`}
              style={{
                left: i * colW + (colW > 6 ? 1 : 0),
                width: colW > 6 ? colW - 2 : colW,
                top: RULER_H + laneOf(e.cpu) * laneH + inset,
                height: laneH - 2 * inset,
                background: PHASE_COLOR[e.phase],
              }}
            />
          );
        })}
        {last >= 0 && <div className="tl-now" style={{ left: last * colW + colW / 2 - 1, height: RULER_H + lanes * laneH }} />}
      </div>
    </div>
  );
});

function Summary({ smi }: { smi: SmiSummary | null }) {
  if (!smi) return <div className="tl-summary muted">No SMI yet. Try the “SMI 0x04 (CPU hotplug)” button, or type smi 0x04 --cpu 1</div>;
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
          <span>OUT by</span> <b>CPU {smi.cpu}</b>
        </span>
        <span className="kv">
          <span>BSP</span> <b>{smi.bsp === null ? 'not elected yet' : `CPU ${smi.bsp}`}</b>
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
        {smi.handlersCalled.length === 0 && <span className="muted">none yet</span>}
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
}

export function TimelinePanel() {
  const events = useApp((s) => s.timeline);
  const cpus = useApp((s) => s.snapshot?.cpus);
  const lastSmi = useApp((s) => s.snapshot?.lastSmi ?? null);
  const breakpoints = useApp((s) => s.snapshot?.breakpoints);
  const [setScrollEl, { width, height }, scrollEl] = useElementSize<HTMLDivElement>();
  const [hover, setHover] = useState<number>(-1);
  const cpuList = useMemo(() => cpus ?? [], [cpus]);
  const laneH = laneHeight(cpuList.length + 1, height);
  const minColW = events.length > 400 ? 3 : events.length > 150 ? 5 : 8;
  const colW = Math.max(minColW, Math.min(64, Math.floor((Math.max(200, width) - LABEL_W - 4) / Math.max(1, events.length))));

  useEffect(() => {
    if (scrollEl) scrollEl.scrollLeft = scrollEl.scrollWidth;
  }, [events.length, colW, scrollEl]);
  useEffect(() => setHover(-1), [events]);

  const onOver = (e: MouseEvent) => {
    const i = (e.target as HTMLElement).dataset.i;
    if (i !== undefined) setHover(Number(i));
  };
  const current = events[events.length - 1];
  const shown = hover >= 0 && hover < events.length ? events[hover] : current;
  return (
    <Panel
      area="timeline"
      testId="timeline-panel"
      title="Timeline · current SMI"
      extra={<span className="muted">{events.length} events</span>}
    >
      <div className="tl-event-line" data-testid="timeline-current">
        {shown ? (
          <>
            <span className="swatch" style={{ background: PHASE_COLOR[shown.phase] }} />
            <span className="tl-event-tag">{shown === current ? 'now' : 'hover'}</span>
            <span className="mono">{eventLine(shown)}</span>
          </>
        ) : (
          <span className="muted">no events: the timeline fills as you step through an SMI</span>
        )}
      </div>
      <div className="tl-scroll scroll" ref={setScrollEl} onMouseOver={onOver} onMouseLeave={() => setHover(-1)}>
        <Lanes events={events} cpus={cpuList} colW={colW} laneH={laneH} />
      </div>
      <ul className="legend" aria-label="phase legend">
        {PHASE_ORDER.map((p) => (
          <li key={p}>
            <span className="swatch" style={{ background: PHASE_COLOR[p] }} />
            {PHASE_LABEL[p]}
          </li>
        ))}
      </ul>
      <Summary smi={lastSmi} />
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
