import { memo, useEffect, useMemo, useState } from 'react';
import type { SmramRegion } from '../../protocol/messages';
import { setHexAddress } from '../actions/commands';
import { addr, byteHex, hex, parseHexAddress, sizeText } from '../format';
import { useApp } from '../store/store';
import { useElementSize } from '../useElementSize';
import { REGION, REGION_ORDER } from './legend';
import { Panel } from './Panel';

interface Block {
  region: SmramRegion;
  /** Synthetic filler for an address range no region describes. */
  gap: boolean;
  height: number;
}

function describe(r: SmramRegion): string {
  return `${r.label}\n${REGION[r.kind].label}${r.cpu !== undefined ? ` · CPU ${r.cpu}` : ''}\n${addr(r.base)}..${addr(
    r.base + r.size,
  )}  (${hex(r.size)} = ${sizeText(r.size)})\nclick: show in the hex view`;
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
  const perDoubling = many ? 0.5 : 2.5;
  return out
    .map((b) => ({ ...b, height: Math.round(minH + perDoubling * Math.max(0, Math.log2(b.region.size / 0x100))) }))
    .reverse();
}

const SmramMap = memo(function SmramMap(props: {
  regions: SmramRegion[];
  tsegBase: number;
  tsegSize: number;
  hexAddress: number;
  selectedCpu: number;
}) {
  const { regions, tsegBase, tsegSize, hexAddress, selectedCpu } = props;
  const { inside, outside } = useMemo(() => {
    const end = tsegBase + tsegSize;
    const tseg = regions.filter((r) => r.kind !== 'tseg' && r.base >= tsegBase && r.base < end);
    const rest = regions.filter((r) => r.kind !== 'tseg' && (r.base < tsegBase || r.base >= end));
    return {
      inside: layoutBlocks(tseg, tsegBase, end),
      outside: rest.sort((a, b) => b.base - a.base).map((r) => ({ region: r, gap: false, height: 18 })),
    };
  }, [regions, tsegBase, tsegSize]);

  const renderBlock = (b: Block, i: number) => {
    const r = b.region;
    const current = hexAddress >= r.base && hexAddress < r.base + r.size;
    const mine = r.cpu !== undefined && r.cpu === selectedCpu;
    const showText = b.height >= 15;
    return (
      <div
        key={`${r.base}-${i}`}
        className={`smram-row${b.gap ? ' gap' : ''}${current ? ' current' : ''}${mine ? ' mine' : ''}`}
        style={{ height: b.height }}
        data-kind={r.kind}
        title={describe(r)}
        onClick={() => setHexAddress(r.base)}
      >
        <span className="smram-addr mono">{showText ? addr(r.base) : ''}</span>
        <span className="smram-block" style={{ background: REGION[r.kind].color }}>
          {showText && (
            <span className="smram-label">{r.label}</span>
          )}
        </span>
      </div>
    );
  };

  return (
    <div className="smram-map scroll" aria-label="SMRAM map">
      <div className="smram-top mono muted">{addr(tsegBase + tsegSize)} TSEG top</div>
      {inside.map(renderBlock)}
      <div className="smram-top mono muted">{addr(tsegBase)} TSEG base</div>
      {outside.length > 0 && (
        <>
          <div className="smram-sep">outside TSEG</div>
          {outside.map(renderBlock)}
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
}

function sameHexLine(a: HexLineProps, b: HexLineProps): boolean {
  if (a.start !== b.start || a.perRow !== b.perRow || a.address !== b.address || a.ascii !== b.ascii) return false;
  const end = Math.min(b.start + b.perRow, b.bytes.length);
  if (Math.min(a.start + a.perRow, a.bytes.length) !== end) return false;
  for (let i = b.start; i < end; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/** One line of the dump; re-renders only when its bytes (or the row shape) change. */
const HexLine = memo(function HexLine({ bytes, start, perRow, address, ascii: showAscii }: HexLineProps) {
  const cells = [];
  let ascii = '';
  for (let i = start; i < Math.min(start + perRow, bytes.length); i++) {
    const b = bytes[i];
    cells.push(
      <span key={i} className={b === 0 ? 'hb zero' : 'hb'}>
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

function HexView({ address, bytes, pageSize }: { address: number; bytes: Uint8Array; pageSize: number }) {
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
  for (let off = 0; off < bytes.length; off += perRow) {
    rows.push(<HexLine key={off} bytes={bytes} start={off} perRow={perRow} address={address} ascii={showAscii} />);
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

export function SmramPanel() {
  const regions = useApp((s) => s.regions);
  const platform = useApp((s) => s.snapshot?.platform);
  const smram = useApp((s) => s.snapshot?.smram);
  const selectedCpu = useApp((s) => s.selectedCpu);
  const pageSize = useApp((s) => s.hexLength);
  const at = smram?.hexAddress ?? 0;
  const where = regions.find((r) => r.kind !== 'tseg' && at >= r.base && at < r.base + r.size);
  return (
    <Panel
      area="smram"
      testId="smram-panel"
      title="SMRAM"
      extra={platform && <span className="mono muted">TSEG {sizeText(platform.tsegSize)}</span>}
      className="smram-panel"
    >
      {platform && smram ? (
        <>
          <div className="smram-body">
            <div className="smram-left">
              <SmramMap
                regions={regions}
                tsegBase={platform.tsegBase}
                tsegSize={platform.tsegSize}
                hexAddress={at}
                selectedCpu={selectedCpu}
              />
            </div>
            <div className="smram-right">
              <div className="hex-where muted">{where ? `in ${where.label}` : 'outside the described regions'}</div>
              <HexView address={at} bytes={smram.hexBytes} pageSize={pageSize} />
            </div>
          </div>
          <ul className="legend smram-legend">
            {REGION_ORDER.map((k) => (
              <li key={k}>
                <span className="swatch" style={{ background: REGION[k].color }} />
                {REGION[k].label}
              </li>
            ))}
            <li className="muted">· click a block to view it</li>
          </ul>
        </>
      ) : (
        <div className="empty">waiting for the first snapshot…</div>
      )}
    </Panel>
  );
}
