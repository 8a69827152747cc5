import { cpuTitleOnHover } from './hoverTitle';
import { memo, useLayoutEffect, useState, type CSSProperties, type SyntheticEvent } from 'react';
import type { CpuView } from '../../protocol/messages';
import { selectCpu } from '../actions/commands';
import { addr, hex, hexStr } from '../format';
import { appStore, useApp } from '../store/store';
import { ACTIVITY, ACTIVITY_ORDER } from './legend';
import { Panel } from './Panel';
import { Glossed } from '../teach/Glossed';
import { useElementSize } from '../useElementSize';

type Density = 'large' | 'medium' | 'small';

function density(n: number): Density {
  if (n <= 8) return 'large';
  if (n <= 32) return 'medium';
  return 'small';
}

function tileTitle(c: CpuView): string {
  return [
    `CPU ${c.index} (APIC ID ${c.apicId})`,
    `${ACTIVITY[c.activity].label}: ${ACTIVITY[c.activity].help}`,
    `SMBASE ${addr(c.smbase)}  (entry ${addr(c.smbase + 0x8000)}, save state ${addr(c.smbase + 0xfc00)})`,
    `MSR_SMI_COUNT ${c.smiCount}`,
    `RIP ${hexStr(c.rip)}   RAX ${hexStr(c.rax)}`,
    c.inSmm ? 'in SMM' : 'not in SMM',
    c.halted ? 'halted' : '',
    c.smiPending ? 'SMI pending' : '',
    `IA32_APIC_BASE ${addr(c.apicBase)} (BSP bit ${c.apicBase & 0x100 ? '1' : '0'})`,
    c.isBsp ? 'SMM BSP (monarch) of this SMI: PlatformSmmBspElection elected it' : '',
    c.isOutCpu ? 'executed the OUT to 0xB2 that raised this SMI' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function showTileTitle(e: SyntheticEvent<HTMLElement>, index: number): void {
  cpuTitleOnHover(e, index, tileTitle);
}

interface TileProps {
  cpu: CpuView;
  selected: boolean;
  size: Density;
}

/** Re-render only for what the tile shows (RIP, RAX, SMI count are in the tooltip and the detail). */
function sameTile(a: TileProps, b: TileProps): boolean {
  if (a.selected !== b.selected || a.size !== b.size) return false;
  const x = a.cpu;
  const y = b.cpu;
  if (x === y) return true;
  return (
    x.index === y.index &&
    x.activity === y.activity &&
    x.inSmm === y.inSmm &&
    x.isBsp === y.isBsp &&
    x.isOutCpu === y.isOutCpu &&
    (b.size !== 'large' || (x.smbase === y.smbase && x.smiCount === y.smiCount))
  );
}

const Tile = memo(function Tile({ cpu, selected, size }: TileProps) {
  const act = ACTIVITY[cpu.activity];
  const index = cpu.index;
  return (
    <button
      type="button"
      className={`cpu-tile cpu-${size}${selected ? ' selected' : ''}${cpu.inSmm ? ' in-smm' : ''}${cpu.isOutCpu ? ' is-out' : ''}${cpu.isBsp ? ' is-bsp' : ''}`}
      data-testid={`cpu-tile-${index}`}
      data-activity={cpu.activity}
      data-selected={selected || undefined}
      aria-pressed={selected}
      aria-label={size === 'small' ? `CPU ${index}: ${act.label}${cpu.isBsp ? ', BSP' : ''}${cpu.isOutCpu ? ', did the OUT' : ''}` : undefined}
      onMouseEnter={(e) => showTileTitle(e, index)}
      onFocus={(e) => showTileTitle(e, index)}
      onClick={() => selectCpu(index)}
    >
      {size === 'small' ? (
        <span className="cpu-num">{cpu.index}</span>
      ) : size === 'large' ? (
        // Two lines, so a tile keeps its height whatever badges it carries (BSP, OUT, SMM).
        <>
          <span className="cpu-row">
            <span className="cpu-name">CPU {cpu.index}</span>
            {cpu.isBsp && <span className="badge badge-bsp">BSP</span>}
            {cpu.isOutCpu && <span className="badge badge-out">OUT</span>}
            {cpu.inSmm && (
              <span className="badge badge-smm" title="in SMM">
                SMM
              </span>
            )}
            <span className="cpu-activity">{act.label}</span>
          </span>
          <span className="cpu-row cpu-kvs">
            <span className="cpu-kv">
              <span>SMBASE</span>
              <span className="mono">{addr(cpu.smbase)}</span>
            </span>
            <span className="cpu-kv" title="MSR_SMI_COUNT (0x34): SMM entries so far">
              <span>SMI count</span>
              <span className="mono">{cpu.smiCount}</span>
            </span>
          </span>
        </>
      ) : (
        <>
          <span className="cpu-row">
            <span className="cpu-name">{cpu.index}</span>
            {cpu.isBsp && <span className="badge badge-bsp">BSP</span>}
            {cpu.isOutCpu && <span className="badge badge-out">OUT</span>}
          </span>
          <span className="cpu-activity">{act.label}</span>
        </>
      )}
      {size === 'medium' && cpu.inSmm && <span className="smm-dot" aria-label="in SMM" />}
    </button>
  );
}, sameTile);

function SelectedCpu({ cpu }: { cpu: CpuView }) {
  const act = ACTIVITY[cpu.activity];
  return (
    <dl className="cpu-detail" data-testid="cpu-detail">
      <h3>
        CPU {cpu.index} <span className="muted">(selected)</span>
      </h3>
      <dt>activity</dt>
      <dd style={{ color: act.color, fontFamily: 'var(--sans)', fontWeight: 700 }} title={act.help}>
        <Glossed text={act.label} />:{' '}
        <span className="muted" style={{ fontWeight: 400 }}>
          <Glossed text={act.help} />
        </span>
      </dd>
      <dt>IA32_APIC_BASE</dt>
      <dd title="MSR 0x1B; bit 8 (BSP) is what OVMF's PlatformSmmBspElection (SmmCpuPlatformHookLibQemu) reads to elect the SMM BSP">
        {addr(cpu.apicBase)} <span className="dim">BSP={cpu.apicBase & 0x100 ? 1 : 0}</span>
      </dd>
      <dt>SMBASE</dt>
      <dd>
        {addr(cpu.smbase)} <span className="dim">entry {addr(cpu.smbase + 0x8000)}</span>
      </dd>
      <dt>APIC ID</dt>
      <dd>{hex(cpu.apicId)}</dd>
      <dt>RIP</dt>
      <dd>{hexStr(cpu.rip)}</dd>
      <dt>RAX</dt>
      <dd>{hexStr(cpu.rax)}</dd>
      <dt>state</dt>
      <dd style={{ fontFamily: 'var(--sans)' }}>
        {[cpu.inSmm ? 'in SMM' : 'outside SMM', cpu.halted ? 'halted' : 'running', cpu.smiPending ? 'SMI pending' : '']
          .filter(Boolean)
          .join(' · ')}
      </dd>
    </dl>
  );
}

/** At or below this height (the panel's content box) large tiles show no legend. */
const SHORT_LARGE_PX = 440;

/** Static: built once, so React skips it on every snapshot. */
const LEGEND = (
  <ul className="legend cpu-legend" aria-label="CPU activity legend">
    {ACTIVITY_ORDER.map((a) => (
      <li key={a} title={ACTIVITY[a].help}>
        <span className="swatch" style={{ background: ACTIVITY[a].color }} />
        <Glossed text={ACTIVITY[a].label} />
      </li>
    ))}
    <li title="this CPU executed the OUT to APM_CNT (0xB2)">
      <span className="badge badge-out">OUT</span>
    </li>
    <li title="the SMM BSP (monarch) of the SMI, elected in SmiRendezvous">
      <span className="badge badge-bsp">BSP</span>
    </li>
    <li title="the CPU is in SMM (between SMI entry and RSM)">
      <span className="badge badge-smm">SMM</span>
    </li>
  </ul>
);

/** Who becomes the SMM BSP: on OVMF the platform hook, on a platform without it the first to check in. */
function Election() {
  const election = useApp((s) => s.snapshot?.platform.bspElection);
  if (!election) return null;
  return election === 'apic-bsp-hook' ? (
    <span
      className="election"
      data-testid="bsp-election"
      title="OvmfPkg/Library/SmmCpuPlatformHookLibQemu: PlatformSmmBspElection sets IsBsp = IA32_APIC_BASE.BSP and returns EFI_SUCCESS, so CPU0 is the SMM BSP of every SMI, whichever CPU executed the OUT (UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c, SmiRendezvous)"
    >
      <Glossed text="SMM BSP = CPU 0" />
    </span>
  ) : (
    <span className="election" data-testid="bsp-election" title="PlatformSmmBspElection returns EFI_NOT_READY: the first CPU to win InterlockedCompareExchange32 (&BspIndex) is BSP">
      <Glossed text="SMM BSP = first in" />
    </span>
  );
}

/** Gap between small tiles, and the range of their pitch (tile + gap) when they are sized to fit. */
const SMALL_GAP = 2;
const PITCH_MAX = 22;
const PITCH_MIN = 9;

/** Small tiles sized so that every CPU fits the room the panel has; numbers are shown when they fit in a tile. */
interface Fit {
  cols: number;
  tile: number;
  /** Every row fits (else the grid scrolls and follows the OUT CPU and the BSP). */
  all: boolean;
  /** The selected CPU's detail fits below the grid (else it is left out: the tile's tooltip has it). */
  detail: boolean;
}

/** Tiles at least this big keep the selected CPU's detail below the grid (it gives way to smaller ones). */
const DETAIL_MIN_TILE = 17;

function fitTiles(n: number, width: number, height: number, detailH: number): Fit | null {
  if (width <= 0 || height <= 0) return null;
  const fits = (p: number, h: number) => Math.ceil(n / Math.max(1, Math.floor((width + SMALL_GAP) / p))) * p - SMALL_GAP <= h;
  const at = (p: number, all: boolean, detail: boolean): Fit => ({ cols: Math.max(1, Math.floor((width + SMALL_GAP) / p)), tile: p - SMALL_GAP, all, detail });
  for (let p = PITCH_MAX; p >= DETAIL_MIN_TILE + SMALL_GAP; p--) if (fits(p, height - detailH)) return at(p, true, true);
  for (let p = PITCH_MAX; p >= PITCH_MIN; p--) if (fits(p, height)) return at(p, true, false);
  return at(PITCH_MIN, false, false);
}

/** The detail's height when it is not on screen to be measured (8 lines and a heading). */
const DETAIL_H_GUESS = 150;

/**
 * The room for small tiles: the panel body less the legend (the selected CPU's detail gives way
 * first). Measured from the panel, not the grid, whose size follows its tiles.
 */
function useSmallFit(n: number, small: boolean): [(el: HTMLElement | null) => void, Fit | null, number] {
  const [setPanel, size, panel] = useElementSize<HTMLElement>();
  const [fit, setFit] = useState<Fit | null>(null);
  const [detailH, setDetailH] = useState(DETAIL_H_GUESS);
  useLayoutEffect(() => {
    if (!small || !panel) return;
    const body = panel.querySelector<HTMLElement>('.panel-body');
    const legend = panel.querySelector<HTMLElement>('.cpu-legend');
    const detail = panel.querySelector<HTMLElement>('.cpu-detail');
    if (!body) return;
    const st = getComputedStyle(body);
    const padY = parseFloat(st.paddingTop) + parseFloat(st.paddingBottom);
    const padX = parseFloat(st.paddingLeft) + parseFloat(st.paddingRight);
    const gap = parseFloat(st.rowGap) || 0;
    const legendH = legend ? legend.getBoundingClientRect().height + gap : 0;
    const dh = detail ? detail.scrollHeight + gap : detailH;
    if (detail && dh !== detailH) setDetailH(dh);
    // The grid's own padding (3px each side).
    const next = fitTiles(n, body.clientWidth - padX - 6, body.clientHeight - padY - legendH - 6, dh);
    setFit((f) => (f && next && f.cols === next.cols && f.tile === next.tile && f.all === next.all && f.detail === next.detail ? f : next));
  }, [small, panel, n, size.width, size.height, detailH]);
  return [setPanel, small ? fit : null, size.height];
}

/**
 * With many CPUs the grid scrolls when its tiles cannot all fit: keep the OUT CPU and the BSP in
 * view (both when they fit between the grid's top and bottom, else the OUT CPU).
 */
function useFollowTiles(grid: HTMLDivElement | null, out: number, bsp: number, smi: number, fit: Fit | null): void {
  useLayoutEffect(() => {
    // Every tile fits (fitTiles said so): nothing to follow, and no need to read the grid's size,
    // which would lay the page out in the middle of React's commit.
    if (!grid || fit?.all || grid.scrollHeight <= grid.clientHeight + 1) return;
    const tileOf = (i: number) => (i >= 0 ? grid.querySelector<HTMLElement>(`[data-testid="cpu-tile-${i}"]`) : null);
    const a = tileOf(out);
    const b = tileOf(bsp);
    const g = grid.getBoundingClientRect();
    const span = (el: HTMLElement) => {
      const r = el.getBoundingClientRect();
      return [r.top - g.top + grid.scrollTop, r.bottom - g.top + grid.scrollTop];
    };
    const parts = [a, b].filter((x): x is HTMLElement => x !== null).map(span);
    if (parts.length === 0) return;
    const top = Math.min(...parts.map((p) => p[0]));
    const bottom = Math.max(...parts.map((p) => p[1]));
    const view = grid.clientHeight;
    const [t, bt] = bottom - top <= view ? [top, bottom] : parts[0];
    if (t >= grid.scrollTop && bt <= grid.scrollTop + view) return;
    grid.scrollTop = Math.max(0, t - Math.max(0, (view - (bt - t)) / 2));
  }, [grid, out, bsp, smi, fit]);
}

export function CpusPanel() {
  const cpus = useApp((s) => s.snapshot?.cpus);
  const selected = useApp((s) => s.selectedCpu);
  const smi = useApp((s) => s.snapshot?.lastSmi ?? null);
  const list = cpus ?? [];
  const size = density(list.length);
  const inSmm = list.filter((c) => c.inSmm).length;
  const [setPanel, fit, panelH] = useSmallFit(list.length, size === 'small');
  // A short panel (laptop screens): large tiles name their activity in words and every badge has
  // a tooltip, so the colour legend gives way to the tiles and the selected CPU's detail.
  // Measured (the panel's content box), not a CSS size container: Chromium re-attaches the
  // legends of a size container on each step's layout (about 50 layout objects a step).
  const legend = !(size === 'large' && panelH > 0 && panelH <= SHORT_LARGE_PX);
  const [grid, setGrid] = useState<HTMLDivElement | null>(null);
  useFollowTiles(grid, smi?.cpu ?? -1, smi?.bsp ?? -1, smi?.number ?? 0, fit);
  // When every tile fits, the grid's height is set (its rows and its 3 px padding each side) and
  // the grid is size-contained (.cpu-grid.all): a change in the detail below it (RIP, RAX each
  // step) then leaves the 64-256 tiles out of the relayout.
  const rows = fit ? Math.ceil(list.length / fit.cols) : 0;
  const gridStyle: CSSProperties | undefined = fit
    ? ({
        gridTemplateColumns: `repeat(${fit.cols}, ${fit.tile}px)`,
        gridAutoRows: `${fit.tile}px`,
        gap: SMALL_GAP,
        ['--tile' as string]: `${fit.tile}px`,
        height: fit.all ? rows * fit.tile + (rows - 1) * SMALL_GAP + 6 : undefined,
      } as CSSProperties)
    : undefined;
  return (
    <Panel
      rootRef={setPanel}
      area="cpus"
      testId="cpus-panel"
      title="CPUs"
      extra={
        list.length > 0 && (
          <span className="muted">
            <Election /> · {inSmm}/{list.length} in <Glossed text="SMM" />
          </span>
        )
      }
    >
      <div
        ref={setGrid}
        className={`cpu-grid cpu-grid-${size}${fit ? ' fitted' : ''}${fit?.all ? ' all' : ''}${fit && fit.tile < 16 ? ' tiny' : ''}`}
        data-density={size}
        data-fit={fit ? (fit.all ? 'all' : 'scroll') : undefined}
        style={gridStyle}
      >
        {list.map((c) => (
          <Tile key={c.index} cpu={c} selected={c.index === selected} size={size} />
        ))}
      </div>
      {list[selected] && (!fit || fit.detail) && <SelectedCpu cpu={list[selected]} />}
      {legend && LEGEND}
    </Panel>
  );
}
