import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { SaveStateFieldDesc, SaveStateLayoutDesc, SaveStateView } from '../../protocol/messages';
import { addr, byteHex, hex, readLE } from '../format';
import { setPinCpu } from '../actions/commands';
import { useApp } from '../store/store';
import { useElementSize } from '../useElementSize';
import { Panel } from './Panel';
import { Glossed } from '../teach/Glossed';

/** Field offsets count from SMBASE + 0x8000 (SDM / edk2 convention). */
const SMM_HANDLER_OFFSET = 0x8000;

interface Decoded {
  field: SaveStateFieldDesc;
  /** Index of the first byte within the map bytes. */
  index: number;
  value: number | bigint;
  changed: boolean;
}

/** Upper-case hex of `size` bytes with leading zeros dimmed, which makes long values easy to read. */
function Value({ value, size }: { value: number | bigint; size: number }) {
  const digits = value.toString(16).toUpperCase().padStart(size * 2, '0');
  const nz = digits.search(/[^0]/);
  const lead = nz < 0 ? digits.slice(0, -1) : digits.slice(0, nz);
  return (
    <span className="mono">
      0x<span className="lz">{lead}</span>
      {digits.slice(lead.length)}
    </span>
  );
}

function decode(layout: SaveStateLayoutDesc, ss: SaveStateView) {
  const changed = new Set(ss.changedOffsets);
  const byteField = new Int32Array(ss.bytes.length).fill(-1);
  const base = SMM_HANDLER_OFFSET - layout.mapOffset;
  // Highest offset first, as the SDM tables list the map (GPRs, RIP, control registers, SMBASE, ...).
  const fields = [...layout.fields].sort((a, b) => b.offset - a.offset);
  const rows: Decoded[] = fields.map((field, i) => {
    const index = base + field.offset;
    let isChanged = false;
    for (let b = index; b < index + field.size; b++) {
      if (b >= 0 && b < byteField.length) byteField[b] = i;
      if (changed.has(b)) isChanged = true;
    }
    return { field, index, value: readLE(ss.bytes, index, field.size), changed: isChanged };
  });
  return { rows, byteField, changed };
}

function fieldTitle(f: SaveStateFieldDesc, physical: number, layout: SaveStateLayoutDesc): string {
  return `${f.name} at SMBASE+${hex(0x8000 + f.offset, 4)} = ${addr(physical)}${f.note ? `\n${f.note}` : ''}${
    f.written ? '' : `\nnot written by the CPU on SMM entry (${layout.accel === null ? 'the processor' : 'QEMU TCG'}): holds whatever was there before`
  }${f.restored ? '\nrestored by RSM' : '\nnot restored by RSM'}`;
}

/** Which accelerator (or the processor itself) wrote the map, and what that means for the fields the CPU does not save. */
function AccelLine({ layout }: { layout: SaveStateLayoutDesc }) {
  if (layout.accel === null) {
    return (
      <div className="ss-accel" data-testid="ss-accel" data-accel="cpu" title={layout.accelNote}>
        <span className="chip chip-tcg">CPU</span>
        <span className="muted">{layout.writer}: IOMisc names the I/O instruction the SMI followed · RSM reloads SMBASE, re-halts on AutoHALT</span>
      </div>
    );
  }
  const kvm = layout.accel === 'kvm';
  return (
    <div className="ss-accel" data-testid="ss-accel" data-accel={layout.accel} title={layout.accelNote}>
      <span className={`chip ${kvm ? 'chip-kvm' : 'chip-tcg'}`}>{kvm ? 'KVM' : 'TCG'}</span>
      <span className="muted">
        {kvm
          ? 'enter_smm zeroed SMBASE+0xFE00..0xFFFF first: unsaved fields read 0 · RSM always reloads SMBASE'
          : 'do_smm_enter skips IO_DWord, IORestart, AutoHALT: old bytes stay · RSM reloads SMBASE if rev bit 17'}
      </span>
    </div>
  );
}

/** One field row; re-renders only when its value, highlight or geometry changes. */
const FieldRow = memo(function FieldRow(props: {
  field: SaveStateFieldDesc;
  i: number;
  value: number | bigint;
  changed: boolean;
  hover: boolean;
  compact: boolean;
  /** The row's tooltip (its physical address is the CPU's): set when the pointer reaches the row. */
  titleOf: (f: SaveStateFieldDesc) => string;
  setHover: (i: number) => void;
}) {
  const { field: f, i, changed, hover, compact, setHover, titleOf } = props;
  const cls = [changed ? 'changed' : '', f.written ? '' : 'unwritten', hover ? 'hover' : ''].filter(Boolean).join(' ');
  return (
    <tr
      className={cls}
      data-testid={`ss-field-${f.name}`}
      data-changed={changed || undefined}
      onMouseEnter={(e) => {
        e.currentTarget.title = titleOf(f);
        setHover(i);
      }}
    >
      <td className="mono dim">{hex(f.offset, 4)}</td>
      <td className="ss-name">
        {f.name}
        {!f.written && <span className="chip chip-unwritten">not written</span>}
      </td>
      {!compact && <td className="mono dim num">{f.size}</td>}
      <td>
        <Value value={props.value} size={f.size} />
      </td>
    </tr>
  );
});

const FieldTable = memo(function FieldTable(props: {
  rows: Decoded[];
  hover: number;
  setHover: (i: number) => void;
  address: number;
  /** Narrow panel: no size column (the digits of the value show it). */
  compact: boolean;
  layout: SaveStateLayoutDesc;
}) {
  // Tooltips are made on hover from the map shown then: a step that shows another CPU changes
  // every field's address, and rewriting ~60 title attributes is work for nothing until one is read.
  const shown = useRef({ address: props.address, layout: props.layout });
  useLayoutEffect(() => {
    shown.current = { address: props.address, layout: props.layout };
  });
  const titleOf = useCallback((f: SaveStateFieldDesc) => {
    const { address, layout } = shown.current;
    return fieldTitle(f, address + SMM_HANDLER_OFFSET - layout.mapOffset + f.offset, layout);
  }, []);
  return (
    <div className="ss-table-wrap scroll">
      <table className="grid-table ss-table">
        <thead>
          <tr>
            <th title="offset from SMBASE + 0x8000">Offset</th>
            <th>Field</th>
            {!props.compact && <th title="bytes">Sz</th>}
            <th>Value</th>
          </tr>
        </thead>
        <tbody onMouseLeave={() => props.setHover(-1)}>
          {props.rows.map((r, i) => (
            <FieldRow
              key={r.field.name}
              field={r.field}
              i={i}
              value={r.value}
              changed={r.changed}
              hover={i === props.hover}
              compact={props.compact}
              titleOf={titleOf}
              setHover={props.setHover}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
});

interface HexRowProps {
  bytes: Uint8Array;
  /** Index of the row's first byte in `bytes`. */
  start: number;
  perRow: number;
  address: number;
  byteField: Int32Array;
  changed: Set<number>;
  hover: number;
}

/** A row is unchanged when its bytes, their change marks, fields and hover state are. */
function sameHexRow(a: HexRowProps, b: HexRowProps): boolean {
  if (a.start !== b.start || a.perRow !== b.perRow || a.address !== b.address) return false;
  const end = Math.min(b.start + b.perRow, b.bytes.length);
  if (Math.min(a.start + a.perRow, a.bytes.length) !== end) return false;
  for (let i = b.start; i < end; i++) {
    if (a.bytes[i] !== b.bytes[i] || a.byteField[i] !== b.byteField[i] || a.changed.has(i) !== b.changed.has(i)) return false;
    if ((a.byteField[i] >= 0 && a.byteField[i] === a.hover) !== (b.byteField[i] >= 0 && b.byteField[i] === b.hover)) return false;
  }
  return true;
}

const HexRow = memo(function HexRow({ bytes, start, perRow, address, byteField, changed, hover }: HexRowProps) {
  const cells = [];
  for (let i = start; i < Math.min(start + perRow, bytes.length); i++) {
    const f = byteField[i];
    const cls = ['hb', changed.has(i) ? 'changed' : '', f < 0 ? 'nofield' : '', f >= 0 && f === hover ? 'hover' : '', bytes[i] === 0 ? 'zero' : '']
      .filter(Boolean)
      .join(' ');
    cells.push(
      <span key={i} className={cls} data-i={i}>
        {byteHex(bytes[i])}
      </span>,
    );
  }
  return (
    <div className="hex-line">
      <span className="hex-addr">{addr(address + start)}</span>
      {cells}
    </div>
  );
}, sameHexRow);

/** One line of a hex dump (.hex-dump: 17 px line height). */
const HEX_ROW_PX = 17;
/** Lines drawn above and below the ones in view, so a scroll rarely shows a gap. */
const HEX_OVERSCAN = 6;

/** The lines of the dump that are drawn: [first, end). */
interface HexWindow {
  first: number;
  end: number;
}

function hexWindow(total: number, scrollTop: number, viewH: number): HexWindow {
  const first = Math.max(0, Math.floor(scrollTop / HEX_ROW_PX) - HEX_OVERSCAN);
  const end = Math.min(total, Math.ceil((scrollTop + viewH) / HEX_ROW_PX) + HEX_OVERSCAN);
  return { first, end };
}

/**
 * The bytes of the map, one line per `perRow` bytes. Only the lines in view (and a few around
 * them) are in the DOM: the map is 64 lines of 16 bytes, of which about 7 show, and a step that
 * shows another CPU rewrites every byte (about 1 000 spans at 64 CPUs). Spacers above and below
 * keep the scroll height, so every line can be scrolled to.
 */
const HexDump = memo(function HexDump(props: {
  ss: SaveStateView;
  byteField: Int32Array;
  changed: Set<number>;
  hover: number;
  hoverFrom: 'table' | 'hex';
  setHover: (i: number) => void;
  rows: Decoded[];
  perRow: number;
}) {
  const { ss, byteField, changed, hover, perRow } = props;
  const total = Math.ceil(ss.bytes.length / perRow);
  const dumpRef = useRef<HTMLDivElement>(null);
  // A new CPU, map or row width starts the dump at its end (the effect below scrolls there), so
  // the lines drawn for it are the last ones already, in the same commit.
  const endKey = `${ss.cpu}:${ss.address}:${perRow}`;
  const [view, setView] = useState<{ key: string; top: number; height: number }>({ key: '', top: 0, height: 0 });
  /** The lines drawn for `v`: all until the box is measured; from the end for another CPU, map or row width. */
  const windowOf = (v: { key: string; top: number; height: number }): HexWindow =>
    v.height === 0 ? { first: 0, end: total } : hexWindow(total, v.key === endKey ? v.top : Math.max(0, total * HEX_ROW_PX - v.height), v.height);
  const win = windowOf(view);
  // A scroll re-renders only when it changes the lines drawn.
  const onScroll = () => {
    const el = dumpRef.current;
    if (!el) return;
    const next = { key: endKey, top: el.scrollTop, height: el.clientHeight };
    setView((v) => {
      const a = windowOf(v);
      const b = windowOf(next);
      return a.first === b.first && a.end === b.end && v.height === next.height ? v : next;
    });
  };
  const keyRef = useRef(endKey);
  useLayoutEffect(() => {
    keyRef.current = endKey;
  });
  // The box's height (the panel's layout): measured, and again whenever it changes.
  useLayoutEffect(() => {
    const el = dumpRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView((v) => (v.height === el.clientHeight ? v : { key: keyRef.current, top: el.scrollTop, height: el.clientHeight })));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const lines = [];
  for (let row = win.first; row < win.end; row++) {
    const start = row * perRow;
    lines.push(<HexRow key={start} bytes={ss.bytes} start={start} perRow={perRow} address={ss.address} byteField={byteField} changed={changed} hover={hover} />);
  }
  const onOver = (e: MouseEvent) => {
    const t = e.target as HTMLElement;
    const i = t.dataset.i;
    if (i !== undefined) props.setHover(byteField[Number(i)]);
  };
  // A field hovered in the table is brought into view in the dump (its first byte's line, as near as it gets).
  useEffect(() => {
    const el = dumpRef.current;
    if (hover < 0 || props.hoverFrom !== 'table' || !el) return;
    const row = props.rows[hover];
    if (!row) return;
    const top = Math.floor(row.index / perRow) * HEX_ROW_PX;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + HEX_ROW_PX > el.scrollTop + el.clientHeight) el.scrollTop = top + HEX_ROW_PX - el.clientHeight;
  }, [hover, props.hoverFrom, props.rows, perRow]);
  // The table starts at the top of the map (RAX at SMBASE+0xFFF8 in the AMD64 map, CR0 in the Intel one): start the dump at its end too.
  useLayoutEffect(() => {
    const el = dumpRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [ss.cpu, ss.address, perRow]);
  return (
    <div className="ss-hex hex-dump scroll" ref={dumpRef} onScroll={onScroll} onMouseOver={onOver} onMouseLeave={() => props.setHover(-1)}>
      {win.first > 0 && <div className="hex-spacer" style={{ height: win.first * HEX_ROW_PX }} />}
      {lines}
      {win.end < total && <div className="hex-spacer" style={{ height: (total - win.end) * HEX_ROW_PX }} />}
    </div>
  );
});

function HoverLine({ row, address }: { row: Decoded | undefined; address: number }) {
  return (
    <div className="hex-hover">
      {row ? (
        <>
          <b className="mono">{row.field.name}</b>
          <span className="mono">
            {' '}
            @ SMBASE+{hex(0x8000 + row.field.offset, 4)} = {addr(address + row.index)}, {row.field.size} byte{row.field.size === 1 ? '' : 's'} ={' '}
          </span>
          <Value value={row.value} size={row.field.size} />
          {!row.field.written && <span className="chip chip-unwritten">not written on entry</span>}
          <span className="muted">{row.field.restored ? ' · restored by RSM' : ' · not restored by RSM'}</span>
          {row.field.note && <span className="ss-note"> · {row.field.note}</span>}
        </>
      ) : (
        <span className="muted">hover a field or a byte: the field and its bytes light up together</span>
      )}
    </div>
  );
}

/**
 * Pin: the panel keeps showing the selected CPU. Unpinned (the default) it follows the step: after
 * each step it shows the CPU of the step's last event that has one (the worker picks it).
 */
function PinToggle({ cpu }: { cpu: number }) {
  const pinned = useApp((s) => s.pinCpu);
  return (
    <button
      type="button"
      className={`btn btn-small ss-pin${pinned ? ' pinned' : ''}`}
      data-testid="ss-pin"
      aria-pressed={pinned}
      title={
        pinned
          ? `pinned to CPU ${cpu}: steps do not change the CPU shown (choosing a CPU in the CPU grid or a save-state block in the SMRAM map pins it). Click: follow the step again`
          : 'follows the step: after each step the panel shows the CPU of the step\'s last event (the OUT CPU, a CPU saving its state, the BSP in SmmEntryPoint...). Click, or choose a CPU: pin the CPU shown'
      }
      onClick={() => setPinCpu(!pinned)}
    >
      {pinned ? 'pinned' : 'follow'}
    </button>
  );
}

export function SaveStatePanel() {
  const ss = useApp((s) => s.snapshot?.saveState);
  const layout = useApp((s) => s.layout);
  const [hoverState, setHoverState] = useState<{ i: number; from: 'table' | 'hex' }>({ i: -1, from: 'table' });
  const hover = hoverState.i;
  const setTableHover = useCallback((i: number) => setHoverState({ i, from: 'table' }), []);
  const setHexHover = useCallback((i: number) => setHoverState({ i, from: 'hex' }), []);
  const [containerRef, { width }] = useElementSize<HTMLDivElement>(true);
  // Side by side when the table (~400 px) fits next to a 16- or 8-byte dump; else stacked.
  const wide = width === 0 || width >= 780;
  const stacked = !wide && width < 596;
  const perRow = wide || stacked ? 16 : 8;
  const decoded = useMemo(() => (ss && layout ? decode(layout, ss) : null), [ss, layout]);

  if (!ss || !layout || !decoded) {
    return (
      <Panel area="save" testId="savestate-panel" title="Save state">
        <div className="empty">waiting for the first snapshot…</div>
      </Panel>
    );
  }
  const smbase = ss.address - layout.mapOffset;
  const changedFields = decoded.rows.filter((r) => r.changed).length;
  return (
    <Panel
      area="save"
      testId="savestate-panel"
      title={
        <>
          <span>
            <Glossed text="Save state" /> · CPU {ss.cpu}
          </span>
          <PinToggle cpu={ss.cpu} />
          <span className="head-sub">{layout.name}</span>
        </>
      }
      extra={
        <span
          className="mono muted"
          title={`the map: ${addr(ss.address)}..${addr(ss.address + layout.mapSize)} = SMBASE+${hex(layout.mapOffset, 4)}..+${hex(layout.mapOffset + layout.mapSize)}, SMBASE ${addr(smbase)}`}
        >
          SMBASE+{hex(layout.mapOffset, 4)} = {addr(ss.address)}
        </span>
      }
    >
      <div className="ss-status">
        {ss.live ? (
          <span className="live">
            live: saved on this SMM entry
            {changedFields > 0 && (
              <>
                {' '}
                · <span className="changed-text">{changedFields} field{changedFields === 1 ? '' : 's'} changed</span> this step
              </>
            )}
          </span>
        ) : (
          <span className="hint">
            no SMI in progress for this CPU: the bytes are what the last SMM entry left in SMRAM
          </span>
        )}
        <span className="muted">SMBASE {addr(smbase)}</span>
      </div>
      <AccelLine layout={layout} />
      <div className="ss-container" ref={containerRef}>
        <div className={`ss-body${stacked ? ' stacked' : ''}`}>
          <FieldTable rows={decoded.rows} hover={hover} setHover={setTableHover} address={ss.address} compact={!wide && !stacked} layout={layout} />
          <HexDump
            ss={ss}
            byteField={decoded.byteField}
            changed={decoded.changed}
            hover={hover}
            hoverFrom={hoverState.from}
            setHover={setHexHover}
            rows={decoded.rows}
            perRow={perRow}
          />
        </div>
      </div>
      <HoverLine row={hover >= 0 ? decoded.rows[hover] : undefined} address={ss.address} />
    </Panel>
  );
}
