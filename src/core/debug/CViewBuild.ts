/** The SMM-C part of the view (ViewSnapshot.c): where C is paused, its stack and locals, the loaded sources. */

import { cBacktrace, cEval, cFrameAt, cLocals } from '../cdriver/CDebug';
import { SHIPPED_PLATFORM_MODULES, type ShippedModule } from '../cdriver/Shipped';
import { SAMPLE_MODULES } from '../profiles/ovmf';
import { parseInf } from '../smmc/Inf';
import type { Debugger } from './Debugger';
import type { CView, ViewCursor } from './ViewTypes';

/** One empty list, so that a platform without loaded modules compares equal from snapshot to snapshot. */
const NO_MODULES: NonNullable<Debugger['platform']['cModules']> = [];

export function cView(session: Debugger, cur: ViewCursor): CView {
  const m = session.m;
  const frames = cBacktrace(m);
  const f0 = cFrameAt(m, 0);
  const hung = m.s.hung?.where ? { cpu: m.s.hung.cpu, ...m.s.hung.where } : null;
  const view: CView = {
    stop: session.c.at?.info ?? null,
    frames,
    locals: f0 ? cLocals(m, f0) : [],
    diagnostic: session.cDiagnostic,
    hung,
    lineBreakpoints: session.breakpoints.flatMap((b) => (b.spec.kind === 'line' ? [{ id: b.id, file: b.spec.file, line: b.spec.line }] : [])),
    watches: session.watches.map((w) => {
      if (!f0) return { id: w.id, expr: w.expr, type: null, value: 'not paused in C', error: true };
      const r = cEval(m, 0, w.expr);
      return 'error' in r ? { id: w.id, expr: w.expr, type: null, value: r.error, error: true } : { id: w.id, expr: w.expr, type: r.type, value: r.value, error: false };
    }),
  };
  const mods = session.platform.cModules ?? NO_MODULES;
  const shipped = shippedOnPlatform(session);
  const shippedKey = shipped.map((x) => x.name).join(',');
  if (cur.cModules !== mods || cur.cShipped !== shippedKey) {
    view.modules = mods.map((src) => {
      let name = src.inf.name.replace(/\.inf$/i, '');
      try {
        name = parseInf({ name: src.inf.name, text: src.inf.text, shipped: false }).baseName;
      } catch {
        /* a loaded module's .inf parsed when it was loaded */
      }
      return { name, inf: src.inf, files: src.files };
    });
    for (const x of shipped) view.modules.push({ name: x.name, inf: x.source.inf, files: x.source.files, shipped: true });
    cur.cModules = mods;
    cur.cShipped = shippedKey;
  }
  return view;
}

/**
 * The SMM-C modules SmiScope ships that this platform's firmware volume holds: the samples
 * `--module` added, and those the platform carries itself (GenericSwDispatcher on ovmf-swdispatch,
 * PchSmiDispatcher on pch: the module in the volume is the shipped one, not a loaded namesake).
 */
function shippedOnPlatform(session: Debugger): ShippedModule[] {
  const modules = session.platform.modules;
  const defs = session.m.defs;
  // The answer depends on the platform's module list and its module definitions, both made anew
  // (never changed in place) when the platform changes: asked again on every view, it is kept.
  if (lastShipped !== null && lastShipped.modules === modules && lastShipped.defs === defs) return lastShipped.shipped;
  const names = modules.map((n) => n.toLowerCase());
  const shipped = [...SAMPLE_MODULES, ...SHIPPED_PLATFORM_MODULES].filter((x) => names.includes(x.name.toLowerCase()) || (defs.has(x.name) && defs.get(x.name) === x.def()));
  lastShipped = { modules, defs, shipped };
  return shipped;
}
let lastShipped: { modules: readonly string[]; defs: ReadonlyMap<string, unknown>; shipped: ShippedModule[] } | null = null;
