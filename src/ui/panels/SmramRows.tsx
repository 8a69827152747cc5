/**
 * The rows of the SMRAM map (SmramPanel): one block a region, drawn in chunks that re-render only
 * when the marks of their rows change (the map has ~280 rows at 64 CPUs, ~800 at 256).
 */
import { memo } from 'react';
import type { SmramRegion } from '../../protocol/messages';
import { selectCpu, setHexAddress } from '../actions/commands';
import { addr, hex, sizeText } from '../format';
import { REGION } from './legend';

export interface Block {
  region: SmramRegion;
  /** Synthetic filler for an address range no region describes. */
  gap: boolean;
  height: number;
}

export function describe(r: SmramRegion): string {
  const model = r.kind === 'module' ? '\nthe model\'s image layout (not the real PE file): its address differs from a real boot' : '';
  const click = r.kind === 'save-state' && r.cpu !== undefined ? `click: show in the hex view and select CPU ${r.cpu}` : 'click: show in the hex view';
  return `${r.label}\n${REGION[r.kind].label}${r.cpu !== undefined ? ` · CPU ${r.cpu}` : ''}\n${addr(r.base)}..${addr(
    r.base + r.size,
  )}  (${hex(r.size)} = ${sizeText(r.size)})${model}\n${click}`;
}

/**
 * A region label as a name the block always shows and a detail that gives way when the block is
 * narrow: "CPU3 save state" + " (SMBASE+0xFC00)", "first page of TSEG" + ": its own ...".
 */
function splitLabel(label: string): [string, string] {
  const paren = label.indexOf(' (');
  const colon = label.indexOf(': ');
  if (paren > 0 && (colon < 0 || paren < colon)) return [label.slice(0, paren), label.slice(paren + 1)];
  if (colon > 0) return [label.slice(0, colon + 1), label.slice(colon + 2)];
  return [label, ''];
}

export function RegionLabel({ label }: { label: string }) {
  const [name, detail] = splitLabel(label);
  return (
    <span className="smram-label">
      <span className="smram-label-name">{name}</span>
      {detail && <span className="smram-label-detail">{detail}</span>}
    </span>
  );
}

interface BlockRowProps {
  b: Block;
  color: string;
  current: boolean;
  mine: boolean;
  /** Written by the last step: the row flashes while `flashKey` is not 0 (it changes with every step, restarting it). */
  written: boolean;
  flashKey: number;
}

/**
 * At most this many written blocks flash at once: a step at 64+ CPUs writes every save state, and
 * starting hundreds of animations costs a frame; beyond it the written blocks keep their edge only.
 */
export const FLASH_MAX = 16;

/** One block of the map; re-renders only when its own marks change (the map has ~800 rows at 256 CPUs). */
const BlockRow = memo(function BlockRow({ b, color, current, mine, written, flashKey }: BlockRowProps) {
  const r = b.region;
  const showText = b.height >= 15;
  const onClick = () => {
    // CPU first: each posts a view request, and the last one carries both the CPU and the address.
    if (r.kind === 'save-state' && r.cpu !== undefined) selectCpu(r.cpu);
    setHexAddress(r.base);
  };
  return (
    <div
      className={`smram-row${b.gap ? ' gap' : ''}${current ? ' current' : ''}${mine ? ' mine' : ''}${written ? ' written' : ''}`}
      style={{ height: b.height }}
      data-kind={r.kind}
      data-cpu={r.cpu}
      data-written={written || undefined}
      title={describe(r)}
      onClick={onClick}
    >
      <span className="smram-addr mono">{showText ? addr(r.base) : ''}</span>
      <span className="smram-dstrip" style={{ background: color }} />
      <span className="smram-block" style={{ background: REGION[r.kind].color }}>
        {showText && <RegionLabel label={r.label} />}
        {written && flashKey !== 0 && <span key={flashKey} className="smram-flash" aria-hidden="true" />}
      </span>
    </div>
  );
});

/** Rows a chunk of the map holds: React re-checks a chunk's rows only when their marks change. */
export const CHUNK_ROWS = 16;

const MARK_CURRENT = 1;
const MARK_MINE = 2;
const MARK_WRITTEN = 4;

/** A row's marks (the hex view is in it, the selected CPU's, written by the last step) as one character. */
export function rowMarks(b: Block, hexAddress: number, selectedCpu: number, written: ReadonlySet<SmramRegion>): string {
  const r = b.region;
  const bits =
    (hexAddress >= r.base && hexAddress < r.base + r.size ? MARK_CURRENT : 0) |
    (r.cpu !== undefined && r.cpu === selectedCpu ? MARK_MINE : 0) |
    (!b.gap && written.has(r) ? MARK_WRITTEN : 0);
  return String.fromCharCode(48 + bits);
}

export function hasWritten(marks: string): boolean {
  for (let i = 0; i < marks.length; i++) if ((marks.charCodeAt(i) - 48) & MARK_WRITTEN) return true;
  return false;
}

interface ChunkProps {
  /** All the rows of the group; the chunk draws [at, at + CHUNK_ROWS). */
  blocks: Block[];
  at: number;
  color: string;
  /** One character a row (rowMarks). */
  marks: string;
  /** The step whose writes flash now, when a row of the chunk was written and few were; else 0. */
  flashing: number;
}

/**
 * Up to CHUNK_ROWS rows of the map, as a fragment (no element of its own). A step changes the
 * marks of a few rows: the other chunks keep their rows without React visiting them.
 */
export const BlockChunk = memo(function BlockChunk({ blocks, at, color, marks, flashing }: ChunkProps) {
  const rows = [];
  for (let j = 0; j < marks.length; j++) {
    const i = at + j;
    const b = blocks[i];
    const m = marks.charCodeAt(j) - 48;
    const r = b.region;
    rows.push(
      <BlockRow
        key={`${r.base}-${r.kind}-${i}`}
        b={b}
        color={color}
        current={(m & MARK_CURRENT) !== 0}
        mine={(m & MARK_MINE) !== 0}
        written={(m & MARK_WRITTEN) !== 0}
        flashKey={m & MARK_WRITTEN ? flashing : 0}
      />,
    );
  }
  return <>{rows}</>;
});
