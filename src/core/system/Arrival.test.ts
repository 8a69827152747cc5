import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrivalOrder } from './SmiLifecycle';

describe('arrival order of a broadcast SMI (a model choice; §8.2 step 7 makes it the monarch on pch)', () => {
  it('caller-first, ascending and descending each list every CPU once', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 64 }), fc.nat(), (n, c0) => {
      const caller = c0 % n;
      const a = arrivalOrder('caller-first', caller, n);
      expect(a[0]).toBe(caller);
      for (const o of ['caller-first', 'ascending', 'descending'] as const) expect([...arrivalOrder(o, caller, n)].sort((x, y) => x - y)).toEqual([...Array(n).keys()]);
      expect(arrivalOrder('ascending', caller, n)[0]).toBe(0);
      expect(arrivalOrder('descending', caller, n)[0]).toBe(n - 1);
    }));
  });
});
