import { describe, expect, it } from 'vitest';
import type { CompareResult, CompareRow } from './CompareTypes';
import { foldRows } from './Fold';

/** A result of two steps: the boot (rows `boot`) and one script line (rows `line`), one phase each. */
function result(boot: CompareRow[], line: CompareRow[], scope: 'all' | 'commands' = 'all'): CompareResult {
  const rows = [...boot, ...line].map((r, i) => ({ ...r, phase: i < boot.length ? 0 : 1 }));
  return {
    a: { spec: 'a', events: 0, hung: null },
    b: { spec: 'b', events: 0, hung: null },
    steps: [
      { line: 'platform', skipped: false, errorA: false, errorB: false, firstPhase: 0, phaseCount: 1 },
      { line: 'smi 0x04', skipped: false, errorA: false, errorB: false, firstPhase: 1, phaseCount: 1 },
    ],
    phases: [
      { step: 0, title: 'boot', unit: 'boot', segment: '', first: 0, count: boot.length, same: false },
      { step: 1, title: 'smi', unit: 'smi', segment: '', first: boot.length, count: line.length, same: false },
    ],
    rows,
    scope,
    firstDifference: null,
    differences: [],
    counts: { rows: rows.length, differing: 0, onlyA: 0, onlyB: 0 },
  };
}

const same = (n: number): CompareRow[] => Array.from({ length: n }, (_, i) => ({ phase: 0, kind: 'event', a: `s${i}`, b: `s${i}`, same: true }));
const onlyB = (n: number): CompareRow[] => Array.from({ length: n }, (_, i) => ({ phase: 0, kind: 'event', b: `b${i}`, same: false }));
const changed: CompareRow = { phase: 0, kind: 'event', a: 'x = EFI_NOT_FOUND', b: 'x = EFI_SUCCESS', same: false };

describe('compare: what the view and the CLI fold (§12.2 a boot is ~21000 rows)', () => {
  it('§12.2 same rows far from a difference fold, three stay on each side of it; a click unfolds one', () => {
    const r = result([...same(50), changed, ...same(50)], same(2));
    const items = foldRows(r);
    expect(items.map((x) => x.kind)).toEqual(['step', 'fold', 'phase', 'row', 'row', 'row', 'row', 'row', 'row', 'row', 'fold', 'step', 'fold']);
    expect(items[1]).toEqual({ kind: 'fold', from: 0, to: 47, phases: 1, why: 'same' });
    expect(items.filter((x) => x.kind === 'row').map((x) => (x.kind === 'row' ? x.row : -1))).toEqual([47, 48, 49, 50, 51, 52, 53]);
    expect(foldRows(r, 3, new Set([0])).filter((x) => x.kind === 'row')).toHaveLength(47 + 7);
    expect(foldRows(r, -1).filter((x) => x.kind === 'fold')).toEqual([]);
  });

  it('§12.9 what one side goes on to do after the other hung shows its head, the rest folds as that side\'s', () => {
    const r = result([changed, ...onlyB(200)], []);
    const folds = foldRows(r).filter((x) => x.kind === 'fold');
    expect(folds).toEqual([{ kind: 'fold', from: 21, to: 201, phases: 1, why: 'b' }]);
  });

  it('§12.2 scope "commands": the boot folds whole, differences and all; the script\'s line does not', () => {
    const r = result([changed, ...same(10)], [changed], 'commands');
    const items = foldRows(r);
    expect(items[1]).toEqual({ kind: 'fold', from: 0, to: 11, phases: 1, why: 'boot' });
    expect(items.slice(2)).toEqual([{ kind: 'step', step: 1 }, { kind: 'phase', phase: 1 }, { kind: 'row', row: 11 }]);
  });
});
