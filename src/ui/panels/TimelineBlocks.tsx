/**
 * The timeline's event blocks, drawn on one <canvas> instead of one element per event. A heavy
 * step at 64 CPUs (save state, rendezvous, RSM: 65-131 events) used to add and remove about 70
 * block elements, each styled and laid out by the browser (issue 10: about 1.4 ms of style and
 * layout and 1 ms of React per such step); a canvas redraw of the same blocks is a fraction of
 * that. Only the drawn window (the visible lanes and columns plus some overscan) is painted.
 *
 * Geometry and looks are those the CSS blocks had: a block fills its column (1 px gap when the
 * column is wider than 6 px) and its lane (an inset of a fifth of the lane, 1 px for phase-level
 * events, none in hair-thin lanes, at least 1 px high), phase colour at 85% (full for phase-level
 * events, the hovered and the current one), the current one outlined with a white glow.
 *
 * The hit test (`blockAt`) uses the same geometry, so what the mouse finds is what is drawn. For
 * tests, the canvas element carries the blocks it drew (`DrawnBlock`, canvas coordinates).
 */

import { useLayoutEffect, useRef } from 'react';
import type { TimelineEvent } from '../../protocol/messages';
import { PHASE_COLOR } from './legend';

/** One drawn block, in the coordinates of the lanes' full-size area (.tl-canvas). */
export interface DrawnBlock {
  /** The event's index in the timeline. */
  i: number;
  lane: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The canvas element with what it drew (read by e2e tests to hover a block). */
export interface BlocksCanvas extends HTMLCanvasElement {
  blocks?: DrawnBlock[];
}

export interface BlockGeometry {
  colW: number;
  laneH: number;
  ruler: number;
}

/** The event's lane: 0 for events of no single CPU (the platform lane). */
export function laneOfEvent(e: TimelineEvent, laneOf: ArrayLike<number>): number {
  return e.cpu < 0 || e.cpu >= laneOf.length ? 0 : laneOf[e.cpu];
}

/** Where block `i` (in lane `lane`) is drawn. */
export function blockRect(g: BlockGeometry, i: number, lane: number, phaseLevel: boolean): Omit<DrawnBlock, 'i' | 'lane'> {
  const { colW, laneH, ruler } = g;
  const hair = laneH < 5;
  const inset = hair ? 0 : phaseLevel ? 1 : Math.max(1, Math.floor(laneH / 5));
  const x = i * colW + (colW > 6 ? 1 : 0);
  const w = colW > 6 ? colW - 2 : colW;
  const y = ruler + lane * laneH + inset;
  const h = Math.max(1, laneH - 2 * inset);
  return { x, y, w, h };
}

/**
 * The event under the point (x, y) of the lanes' area, or -1: the block of the column's event,
 * if the point is inside it (a point between lanes or beside the block finds nothing).
 */
export function blockAt(g: BlockGeometry, events: readonly TimelineEvent[], laneOf: ArrayLike<number>, x: number, y: number): number {
  const i = Math.floor(x / g.colW);
  if (i < 0 || i >= events.length) return -1;
  const e = events[i];
  const r = blockRect(g, i, laneOfEvent(e, laneOf), e.level === 'phase');
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h ? i : -1;
}

/** Room around the drawn window for the current block's glow. */
const GLOW = 8;

interface Props extends BlockGeometry {
  events: TimelineEvent[];
  laneOf: ArrayLike<number>;
  lane0: number;
  lane1: number;
  col0: number;
  col1: number;
  hover: number;
  /** How many lanes there are (the area's height). */
  lanes: number;
}

function roundedRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  if (r <= 0 || w < 2 * r || h < 2 * r) {
    ctx.rect(x, y, w, h);
    return;
  }
  ctx.roundRect(x, y, w, h, r);
}

export function TimelineBlocks({ events, laneOf, colW, laneH, ruler, lane0, lane1, col0, col1, hover, lanes }: Props) {
  const ref = useRef<BlocksCanvas>(null);
  const last = events.length - 1;
  const c0 = Math.max(0, col0);
  const c1 = Math.max(c0, Math.min(col1, Math.max(0, last)));
  // Inside the lanes' area (a canvas reaching past it would make the timeline scroll).
  const fullW = Math.max(1, events.length) * colW;
  const fullH = ruler + lanes * laneH;
  const left = Math.max(0, c0 * colW - GLOW);
  const top = Math.max(0, ruler + lane0 * laneH - GLOW);
  const width = Math.max(1, Math.floor(Math.min(fullW, (c1 + 1) * colW + GLOW) - left));
  const height = Math.max(1, Math.floor(Math.min(fullH, ruler + (lane1 + 1) * laneH + GLOW) - top));

  useLayoutEffect(() => {
    const cv = ref.current;
    if (!cv) return;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(width * dpr);
    const ph = Math.round(height * dpr);
    // Setting the size clears the canvas (and reallocates it): only when it changed.
    if (cv.width !== pw || cv.height !== ph) {
      cv.width = pw;
      cv.height = ph;
    }
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, -left * dpr, -top * dpr);
    ctx.clearRect(left, top, width, height);
    const g = { colW, laneH, ruler };
    const radius = laneH < 5 ? 0 : 2;
    const drawn: DrawnBlock[] = [];
    let cur: DrawnBlock | null = null;
    let hov: DrawnBlock | null = null;
    for (let i = c0; i <= c1 && i <= last; i++) {
      const e = events[i];
      const lane = laneOfEvent(e, laneOf);
      if (lane < lane0 || lane > lane1) continue;
      const phaseLevel = e.level === 'phase';
      const r = { i, lane, ...blockRect(g, i, lane, phaseLevel) };
      drawn.push(r);
      if (i === last) cur = r;
      if (i === hover) hov = r;
      ctx.globalAlpha = phaseLevel || i === last || i === hover ? 1 : 0.85;
      ctx.fillStyle = PHASE_COLOR[e.phase];
      ctx.beginPath();
      roundedRect(ctx, r.x, r.y, r.w, r.h, radius);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = '#fff';
    if (hov !== null && hov !== cur) {
      ctx.lineWidth = 1;
      ctx.strokeRect(hov.x - 0.5, hov.y - 0.5, hov.w + 1, hov.h + 1);
    }
    if (cur !== null) {
      // The current event: a white outline with a soft glow (as the CSS block's outline + box-shadow).
      ctx.save();
      ctx.shadowColor = 'rgba(255, 255, 255, 0.55)';
      ctx.shadowBlur = 8;
      ctx.lineWidth = 2;
      ctx.strokeRect(cur.x - 1, cur.y - 1, cur.w + 2, cur.h + 2);
      ctx.restore();
    }
    cv.blocks = drawn;
  });

  return <canvas ref={ref} className="tl-blocks" data-testid="timeline-blocks" aria-hidden="true" style={{ left, top, width, height }} />;
}
