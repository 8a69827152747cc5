import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { CommBufferView, SmramDescriptorView, SmramRegion } from '../../protocol/messages';
import { setHexAddress } from '../actions/commands';
import { actionPending } from '../actions/latency';
import { addr, byteHex, hex, parseHexAddress, sizeText } from '../format';
import { useApp } from '../store/store';
import { useElementSize } from '../useElementSize';
import { REGION, REGION_ORDER } from './legend';
import { Panel } from './Panel';
import { BlockChunk, CHUNK_ROWS, FLASH_MAX, RegionLabel, describe, hasWritten, rowMarks, type Block } from './SmramRows';

/** One SMRAM descriptor (as SmmAccess2 reports it) and the map rows inside it. */
interface Group {
  desc: SmramDescriptorView | null;
  index: number;
  color: string;
  blocks: Block[];
}

/** Descriptor colours: the reserved page, the relocation block, free SMRAM. */
function descColor(d: SmramDescriptorView): string {
  if (d.label.startsWith('SMBASE relocation')) return '#f59e0b';
  if (d.label.startsWith('free')) return '#22d3ee';
  return '#94a3b8';
}

/** The Communicate buffer as the map and the hex view name it. */
function describeComm(c: CommBufferView): string {
  return (
    `${c.label}: the buffer PiSmmIpl's SmmCommunicationCommunicate handed to SMI #${c.smi}\n` +
    `${addr(c.base)}..${addr(c.base + c.size)}  (BufferSize ${hex(c.size)})\n` +
    (c.inSmram
      ? 'inside SMRAM: SmmEntryPoint rejects it (SmmIsBufferOutsideSmmValid, MdePkg/Library/SmmMemLib)'
      : 'outside SMRAM (runtime data the OS can write): SmmEntryPoint checks it with SmmIsBufferOutsideSmmValid, the handlers read the request and write the reply here') +
    (c.active ? '' : `\nSMI #${c.smi} is over: this was its buffer`) +
    '\nclick: show in the hex view'
  );
}

function describeDesc(d: SmramDescriptorView, i: number): string {
  return (
    `SMRAM descriptor ${i} (EFI_SMRAM_DESCRIPTOR from SmmAccess2 GetCapabilities: the gEfiSmmSmramMemoryGuid HOB PEI built)\n` +
    `CpuStart ${addr(d.cpuStart)}, PhysicalSize ${hex(d.physicalSize)} (${sizeText(d.physicalSize)})\n` +
    `RegionState ${hex(d.regionState)} = ${d.stateText}\n${d.label}\nclick: show in the hex view`
  );
}

/** The SMBASEs below TSEG (SmmRelocationLib: SMBASE = TsegBase + 0x1000 + i*0x2000 - 0x8000), lowest first. */
interface BelowTseg {
  cpus: number[];
  bases: number[];
}

function belowTsegText(b: BelowTseg): string {
  const [first, ...rest] = b.cpus;
  const head = `CPU ${first}'s SMBASE ${addr(b.bases[0])} lies below TSEG`;
  if (rest.length === 0) return head;
  const others = rest.length === 1 ? `CPU ${rest[0]}'s` : `CPU ${rest[0]}..${rest[rest.length - 1]}'s`;
  return `${head}, and so ${rest.length === 1 ? 'does' : 'do'} ${others}`;
}

/**
 * Lays the regions out top = highest address, as memory maps are drawn. Sizes span 256 B
 * (a PSD) to 15 MiB (unused TSEG), so heights grow with log2(size) on top of a minimum: every
 * region stays visible and a bigger one still looks bigger. Ranges no region describes become
 * hatched gaps.
 */
function layoutBlocks(regions: SmramRegion[], lo: number, hi: number): Block[] {
  const sorted = [...regions].sort((a, b) => a.base - b.base || b.size - a.size);
  const out: { region: SmramRegion; gap: boolean }[] = [];
  let cursor = lo;
  for (const r of sorted) {
    if (r.base > cursor) {
      out.push({ region: { base: cursor, size: r.base - cursor, kind: 'free', label: 'unused' }, gap: true });
    }
    out.push({ region: r, gap: false });
    cursor = Math.max(cursor, r.base + r.size);
  }
  if (hi > cursor) out.push({ region: { base: cursor, size: hi - cursor, kind: 'free', label: 'unused' }, gap: true });
  const many = out.length > 96;
  const minH = many ? 5 : out.length > 40 ? 12 : 16;
  const perDoubling = many ? 0.5 : 1.5;
  return out
    .map((b) => ({ ...b, height: Math.round(minH + perDoubling * Math.max(0, Math.log2(b.region.size / 0x100))) }))
    .reverse();
}

/** TSEG split by SMRAM descriptor, highest first (one group for all of TSEG before PEI built any). */
function groupsOf(regions: SmramRegion[], descriptors: SmramDescriptorView[], tsegBase: number, end: number): Group[] {
  const inTseg = regions.filter((r) => r.kind !== 'tseg' && r.kind !== 'smbase' && r.base >= tsegBase && r.base < end);
  if (descriptors.length === 0) return [{ desc: null, index: -1, color: 'transparent', blocks: layoutBlocks(inTseg, tsegBase, end) }];
  return descriptors
    .map((d, index) => {
      const hi = d.cpuStart + d.physicalSize;
      const mine = inTseg.filter((r) => r.base >= d.cpuStart && r.base < hi);
      return { desc: d, index, color: descColor(d), blocks: layoutBlocks(mine, d.cpuStart, hi) };
    })
    .sort((a, b) => b.desc.cpuStart - a.desc.cpuStart);
}

/**
 * The SmmAccess2 descriptors at a glance, above the map (the map is long: TSEG is 16 MiB), and
 * the SMBASE that lies below TSEG. A click scrolls the map to the descriptor.
 */
const SmramSummary = memo(function SmramSummary(props: { descriptors: SmramDescriptorView[]; below: BelowTseg | null; tsegBase: number }) {
  const { descriptors, below, tsegBase } = props;
  const jump = (i: number, at: number) => {
    document.querySelector(`[data-testid="smram-descriptor"][data-index="${i}"]`)?.scrollIntoView({ block: 'start' });
    setHexAddress(at);
  };
  return (
    <div className="smram-summary" data-testid="smram-descriptors">
      {descriptors.map((d, i) => (
        <div key={i} className="smram-sum-row" title={describeDesc(d, i)} onClick={() => jump(i, d.cpuStart)}>
          <span className="swatch" style={{ background: descColor(d) }} />
          <span className="mono">D{i}</span> <span className="mono">{addr(d.cpuStart)}</span>{' '}
          <span className="mono dim">+{hex(d.physicalSize)}</span> <span className="smram-sum-label">{d.short}</span>
        </div>
      ))}
      {below !== null && (
        <div
          className="smram-sum-row smram-sum-note"
          title={`SMBASEs below TSEG base ${addr(tsegBase)}: ${below.cpus.map((c, i) => `CPU ${c} ${addr(below.bases[i])}`).join(', ')}.\nSmmRelocationLib gives CPU i SMBASE = TsegBase + 0x1000 + i*0x2000 - 0x8000, so every CPU with i*0x2000 < 0x7000 has its SMBASE below TSEG. Their entry points (SMBASE+0x8000, from ${addr(below.bases[0] + 0x8000)}: CPU 0's is the first byte of the relocation block) and save states (SMBASE+0xFC00, from ${addr(below.bases[0] + 0xfc00)}) are inside.\nclick: CPU 0's entry point in the hex view`}
          onClick={() => setHexAddress(below.bases[0] + 0x8000)}
        >
          {belowTsegText(below)}; their entries and save states are inside
        </div>
      )}
    </div>
  );
});

/** The Communicate buffer as a block of its own (usually outside SMRAM, in runtime data). */
function CommBlock({ c, current, flashKey }: { c: CommBufferView; current: boolean; flashKey: number }) {
  return (
    <div
      className={`smram-row smram-comm${current ? ' current' : ''}${c.written ? ' written' : ''}${c.active ? ' active' : ''}`}
      style={{ height: 18 }}
      data-testid="smram-commbuffer"
      data-written={c.written || undefined}
      data-active={c.active || undefined}
      title={describeComm(c)}
      onClick={() => setHexAddress(c.base)}
    >
      <span className="smram-addr mono">{addr(c.base)}</span>
      <span className="smram-dstrip" />
      <span className="smram-block">
        <RegionLabel label={`${c.label}: SMI #${c.smi}${c.active ? '' : ' (done)'}`} />
        {c.written && flashKey !== 0 && <span key={flashKey} className="smram-flash" aria-hidden="true" />}
      </span>
    </div>
  );
}

const NO_WRITES: ReadonlySet<SmramRegion> = new Set();

/**
 * The written blocks flash this long after the step's answer is on screen, unless the next step
 * was asked for by then. While an animation runs Chromium draws a frame on every vsync, and it
 * holds the worker's answer to a key until the frame pending at the key press is drawn: a flash
 * still fading cost the next step ~8 ms at 64 CPUs (the 7th F10 of an SMI 0x04: median 16.4 ms,
 * 8.0 with the delay). Someone stepping by hand sees the fade; keys pressed faster skip it.
 */
const FLASH_DELAY_MS = 80;

/** The step (`flashKey`) whose written blocks flash now, or 0. */
function useFlash(flashKey: number): number {
  const [shown, setShown] = useState(0);
  useEffect(() => {
    if (flashKey === 0) return;
    const t = setTimeout(() => {
      if (!actionPending()) setShown(flashKey);
    }, FLASH_DELAY_MS);
    return () => clearTimeout(t);
  }, [flashKey]);
  return shown === flashKey ? flashKey : 0;
}

const SmramMap = memo(function SmramMap(props: {
  regions: SmramRegion[];
  descriptors: SmramDescriptorView[];
  tsegBase: number;
  tsegSize: number;
  hexAddress: number;
  selectedCpu: number;
  below: BelowTseg | null;
  written: ReadonlySet<SmramRegion>;
  /** Changes with every step (the written rows follow it into view). */
  flashKey: number;
  /** The step whose writes flash now, or 0 (see useFlash). */
  flashing: number;
  comm: CommBufferView | undefined;
}) {
  const { regions, descriptors, tsegBase, tsegSize, hexAddress, selectedCpu, below, written, flashKey, flashing, comm } = props;
  const { groups, outside } = useMemo(() => {
    const end = tsegBase + tsegSize;
    const rest = regions.filter((r) => r.kind !== 'tseg' && (r.base < tsegBase || r.base >= end));
    return {
      groups: groupsOf(regions, descriptors, tsegBase, end),
      outside: rest.sort((a, b) => b.base - a.base || a.size - b.size).map((r) => ({ region: r, gap: false, height: 18 })),
    };
  }, [regions, descriptors, tsegBase, tsegSize]);

  // Each row's marks as one character (see rowMarks): a chunk of rows re-renders only when one
  // of its characters (or the flash) changes, so a step touches a few chunks, not ~300 rows.
  const marksOf = (blocks: Block[], at: number) => {
    let m = '';
    for (let i = at; i < Math.min(at + CHUNK_ROWS, blocks.length); i++) m += rowMarks(blocks[i], hexAddress, selectedCpu, written);
    return m;
  };
  const flashOk = written.size <= FLASH_MAX;
  const renderChunks = (blocks: Block[], color: string, keyBase: string) => {
    const out = [];
    for (let at = 0; at < blocks.length; at += CHUNK_ROWS) {
      const marks = marksOf(blocks, at);
      out.push(
        <BlockChunk
          key={`${keyBase}-${at}`}
          blocks={blocks}
          at={at}
          color={color}
          marks={marks}
          flashing={flashOk && hasWritten(marks) ? flashing : 0}
        />,
      );
    }
    return out;
  };
  const commInside = comm !== undefined && comm.base >= tsegBase && comm.base < tsegBase + tsegSize;
  // Follow the writes: when none of the blocks this step wrote is in view, bring the first into view.
  const mapRef = useRef<HTMLDivElement>(null);
  const commWritten = comm?.written ?? false;
  useLayoutEffect(() => {
    const map = mapRef.current;
    if (!map || (written.size === 0 && !commWritten)) return;
    const rows = map.querySelectorAll<HTMLElement>('.smram-row.written');
    if (rows.length === 0) return;
    const top = map.scrollTop;
    const bottom = top + map.clientHeight;
    const base = map.getBoundingClientRect().top - top;
    const at = (el: HTMLElement) => {
      const r = el.getBoundingClientRect();
      return [r.top - base, r.bottom - base];
    };
    for (const el of rows) {
      const [a, b] = at(el);
      if (b > top && a < bottom) return;
    }
    const [a, b] = at(rows[0]);
    map.scrollTop = Math.max(0, a - Math.max(0, (map.clientHeight - (b - a)) / 3));
  }, [written, flashKey, commWritten]);
  const commBlock = comm && <CommBlock c={comm} current={hexAddress >= comm.base && hexAddress < comm.base + comm.size} flashKey={comm.written ? flashing : 0} />;

  return (
    <div className="smram-map scroll" aria-label="SMRAM map" ref={mapRef}>
      <div className="smram-top mono muted">{addr(tsegBase + tsegSize)} TSEG top</div>
      {commInside && commBlock}
      {groups.map((g) => (
        <div key={g.index} className="smram-group" data-testid="smram-descriptor" data-index={g.index}>
          {g.desc && (
            <div
              className="smram-desc"
              style={{ borderLeftColor: g.color }}
              title={describeDesc(g.desc, g.index)}
              onClick={() => setHexAddress(g.desc!.cpuStart)}
            >
              <div className="smram-desc-head">
                <span className="mono">D{g.index}</span> <span className="mono">{addr(g.desc.cpuStart)}</span>{' '}
                <span className="mono dim">+{hex(g.desc.physicalSize)}</span> <span className="smram-desc-short">{g.desc.short}</span>
              </div>
            </div>
          )}
          {renderChunks(g.blocks, g.color, `g${g.index}`)}
        </div>
      ))}
      <div className="smram-top mono muted">{addr(tsegBase)} TSEG base</div>
      {below !== null && (
        <div className="smram-note" data-testid="smram-straddle">
          {belowTsegText(below)}: each 64 KiB SMBASE window straddles TSEG base. The entry points (SMBASE+0x8000, from {addr(below.bases[0] + 0x8000)}) and save states
          (from {addr(below.bases[0] + 0xfc00)}) are inside, in the relocation block.
        </div>
      )}
      {(outside.length > 0 || (comm && !commInside)) && (
        <>
          <div className="smram-sep">outside TSEG</div>
          {comm && !commInside && commBlock}
          {renderChunks(outside, 'transparent', 'out')}
        </>
      )}
    </div>
  );
});

/** Widest row that fits: address ~78 px, 17.5 px a byte, 7.3 px an ASCII character. */
function rowShape(width: number): { perRow: number; ascii: boolean } {
  const need = (n: number, ascii: boolean) => 78 + n * 17.5 + (ascii ? 10 + n * 7.3 : 0) + 12;
  if (width === 0 || width >= need(16, true)) return { perRow: 16, ascii: true };
  if (width >= need(16, false)) return { perRow: 16, ascii: false };
  if (width >= need(8, true)) return { perRow: 8, ascii: true };
  if (width >= need(8, false)) return { perRow: 8, ascii: false };
  return { perRow: 4, ascii: false };
}

interface HexLineProps {
  bytes: Uint8Array;
  start: number;
  perRow: number;
  address: number;
  ascii: boolean;
  /** Bytes [markLo, markHi) of `bytes` belong to the Communicate buffer. */
  markLo: number;
  markHi: number;
}

function sameHexLine(a: HexLineProps, b: HexLineProps): boolean {
  if (a.start !== b.start || a.perRow !== b.perRow || a.address !== b.address || a.ascii !== b.ascii) return false;
  const lo = b.start, hi = b.start + b.perRow;
  const inA = Math.max(lo, a.markLo) < Math.min(hi, a.markHi), inB = Math.max(lo, b.markLo) < Math.min(hi, b.markHi);
  if (inA || inB) {
    if (Math.max(lo, a.markLo) !== Math.max(lo, b.markLo) || Math.min(hi, a.markHi) !== Math.min(hi, b.markHi)) return false;
  }
  const end = Math.min(b.start + b.perRow, b.bytes.length);
  if (Math.min(a.start + a.perRow, a.bytes.length) !== end) return false;
  for (let i = b.start; i < end; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** One line of the dump; re-renders only when its bytes (or the row shape) change. */
const HexLine = memo(function HexLine({ bytes, start, perRow, address, ascii: showAscii, markLo, markHi }: HexLineProps) {
  const cells = [];
  let ascii = '';
  for (let i = start; i < Math.min(start + perRow, bytes.length); i++) {
    const b = bytes[i];
    const comm = i >= markLo && i < markHi;
    cells.push(
      <span key={i} className={`${b === 0 ? 'hb zero' : 'hb'}${comm ? ' comm' : ''}`}>
        {byteHex(b)}
      </span>,
    );
    ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  }
  return (
    <div className="hex-line">
      <span className="hex-addr">{addr(address + start)}</span>
      {cells}
      {showAscii && <span className="hex-ascii">{ascii}</span>}
    </div>
  );
}, sameHexLine);

function HexView({ address, bytes, pageSize, comm }: { address: number; bytes: Uint8Array; pageSize: number; comm: CommBufferView | undefined }) {
  const [ref, { width }] = useElementSize<HTMLDivElement>(true);
  const { perRow, ascii: showAscii } = rowShape(width);
  const [text, setText] = useState(addr(address));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(addr(address));
    setError(null);
  }, [address]);

  const go = () => {
    const a = parseHexAddress(text);
    if (a === null) {
      setError(`"${text}" is not a hex address (e.g. 0x7F000000)`);
      return;
    }
    setError(null);
    setHexAddress(a);
  };
  const rows = [];
  const markLo = comm ? Math.max(0, comm.base - address) : 0;
  const markHi = comm ? Math.max(0, Math.min(bytes.length, comm.base + comm.size - address)) : 0;
  for (let off = 0; off < bytes.length; off += perRow) {
    rows.push(<HexLine key={off} bytes={bytes} start={off} perRow={perRow} address={address} ascii={showAscii} markLo={markLo} markHi={markHi} />);
  }
  return (
    <div className="hexview" ref={ref}>
      <form
        className="hex-nav"
        onSubmit={(e) => {
          e.preventDefault();
          go();
        }}
      >
        <button type="button" className="btn btn-small" title={`previous ${hex(pageSize)} bytes`} onClick={() => setHexAddress(Math.max(0, address - pageSize))}>
          ◀
        </button>
        <input
          className={`mono${error ? ' invalid' : ''}`}
          aria-label="Hex view address"
          data-testid="hex-address-input"
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError(null);
          }}
        />
        <button type="submit" className="btn btn-small">
          go
        </button>
        <button type="button" className="btn btn-small" title={`next ${hex(pageSize)} bytes`} onClick={() => setHexAddress(address + pageSize)}>
          ▶
        </button>
      </form>
      {error && (
        <div className="inline-error" role="alert" data-testid="hex-address-error">
          {error}
        </div>
      )}
      <div className="hex-dump scroll" data-testid="smram-hex">
        {rows}
      </div>
    </div>
  );
}

/** Below this height (the panel's content box) the legend is left out. */
const SHORT_PANEL_PX = 380;

export function SmramPanel() {
  const regions = useApp((s) => s.regions);
  const descriptors = useApp((s) => s.smramDescriptors);
  const tsegBase = useApp((s) => s.snapshot?.platform.tsegBase ?? 0);
  const below = useMemo<BelowTseg | null>(() => {
    const rs = regions.filter((r) => r.kind === 'smbase' && r.cpu !== undefined && r.base < tsegBase).sort((a, b) => a.base - b.base);
    return rs.length ? { cpus: rs.map((r) => r.cpu!), bases: rs.map((r) => r.base) } : null;
  }, [regions, tsegBase]);
  const platform = useApp((s) => s.snapshot?.platform);
  const smram = useApp((s) => s.snapshot?.smram);
  const selectedCpu = useApp((s) => s.selectedCpu);
  const pageSize = useApp((s) => s.hexLength);
  const at = smram?.hexAddress ?? 0;
  const where = regions.find((r) => r.kind !== 'tseg' && at >= r.base && at < r.base + r.size);
  const comm = smram?.commBuffer;
  const inComm = comm !== undefined && at >= comm.base && at < comm.base + comm.size;
  const writtenIdx = smram?.written;
  // The region objects the last step wrote (indexes into the regions the worker sent with them).
  const written = useMemo<ReadonlySet<SmramRegion>>(
    () => (writtenIdx && writtenIdx.length > 0 ? new Set(writtenIdx.map((i) => regions[i]).filter((r) => r !== undefined)) : NO_WRITES),
    [writtenIdx, regions],
  );
  const flashKey = useApp((s) => s.snapshot?.status.eventSeq ?? 0);
  const flashing = useFlash(flashKey);
  // A short panel (e.g. at 1280x720) gives the map and the descriptors the room: rows explain
  // their colour on hover. Measured with a ResizeObserver, not a CSS container query: a size
  // container makes Chromium re-attach the legends of every panel on each step's layout.
  const [panelRef, panelSize] = useElementSize<HTMLElement>();
  const legend = panelSize.height === 0 || panelSize.height > SHORT_PANEL_PX;
  return (
    <Panel
      rootRef={panelRef}
      area="smram"
      testId="smram-panel"
      title="SMRAM"
      extra={
        platform && (
          <span className="mono muted">
            {(written.size > 0 || comm?.written) && (
              <span
                className="chip chip-written"
                data-testid="smram-written"
                data-count={written.size + (comm?.written ? 1 : 0)}
                title={`written by the last step (they flash in the map):\n${[...(comm?.written ? [comm.label] : []), ...[...written].slice(0, 24).map((r) => r.label)].join('\n')}${written.size > 24 ? `\n… ${written.size - 24} more` : ''}`}
              >
                {written.size + (comm?.written ? 1 : 0)} written
              </span>
            )}{' '}
            TSEG {sizeText(platform.tsegSize)}
            {descriptors.length > 0 && ` · ${descriptors.length} SMRAM descriptors`}
          </span>
        )
      }
      className="smram-panel"
    >
      {platform && smram ? (
        <>
          {descriptors.length > 0 && <SmramSummary descriptors={descriptors} below={below} tsegBase={platform.tsegBase} />}
          <div className="smram-body">
            <div className="smram-left">
              <SmramMap
                regions={regions}
                descriptors={descriptors}
                tsegBase={platform.tsegBase}
                tsegSize={platform.tsegSize}
                hexAddress={at}
                selectedCpu={selectedCpu}
                below={below}
                written={written}
                flashKey={flashKey}
                flashing={flashing}
                comm={comm}
              />
            </div>
            <div className="smram-right">
              <div className={`hex-where muted${inComm ? ' hex-where-comm' : ''}`} data-testid="hex-where" title={inComm ? describeComm(comm) : where ? describe(where) : undefined}>
                {inComm ? `in ${comm.label}` : where ? `in ${where.label}` : 'outside the described regions'}
              </div>
              <HexView address={at} bytes={smram.hexBytes} pageSize={pageSize} comm={comm} />
            </div>
          </div>
          {legend && (
            <ul className="legend smram-legend">
              {REGION_ORDER.map((k) => (
                <li key={k} title={k === 'module' ? "The model's module images are not the real PE files: image, entry-point and stack addresses differ from a real boot's" : undefined}>
                  <span className="swatch" style={{ background: REGION[k].color }} />
                  {REGION[k].label}
                </li>
              ))}
              <li className="muted">· click a block to view it · image addresses are the model's</li>
            </ul>
          )}
        </>
      ) : (
        <div className="empty">waiting for the first snapshot…</div>
      )}
    </Panel>
  );
}
