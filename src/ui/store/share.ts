/**
 * Structural sharing for worker snapshots: every snapshot arrives as fresh objects (structured
 * clone), but most of it equals the previous one. `share(prev, next)` returns `prev` where the
 * two are deeply equal and otherwise a copy of `next` whose unchanged parts are the old
 * objects, so `===` in selectors and React.memo means "this did not change".
 * Handles the data the protocol carries: primitives, arrays, plain objects and typed arrays.
 */

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength || a.constructor !== b.constructor) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export function share<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next)) return next;
  if (typeof prev !== 'object' || typeof next !== 'object' || prev === null || next === null) return next;
  if (ArrayBuffer.isView(next) || ArrayBuffer.isView(prev)) {
    return ArrayBuffer.isView(next) && ArrayBuffer.isView(prev) && sameBytes(prev, next) ? (prev as T) : next;
  }
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    const out = new Array<unknown>(next.length);
    for (let i = 0; i < next.length; i++) {
      const v = share(prev[i], next[i]);
      out[i] = v;
      if (same && v !== prev[i]) same = false;
    }
    return (same ? prev : out) as T;
  }
  if (Array.isArray(prev)) return next;
  const p = prev as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const keys = Object.keys(n);
  let same = keys.length === Object.keys(p).length;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = share(p[k], n[k]);
    out[k] = v;
    if (same && (v !== p[k] || !(k in p))) same = false;
  }
  return (same ? prev : out) as T;
}
