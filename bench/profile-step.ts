/**
 * Where a step's time goes in Chromium (issue 10): steps an SMI with F10 at N CPUs in a served
 * build while a Chromium trace (devtools.timeline) and, optionally, a CPU profile run, then prints
 * the main thread's time per step by kind (script, style recalc, layout, paint, ...) and the
 * functions with the most self time. A tool for tuning, not part of `npm run bench`.
 *
 *   npx vite build --minify false --outDir /tmp/smiscope-prof && \
 *   npx vite preview --outDir /tmp/smiscope-prof --port 4208 --strictPort &
 *   node --import tsx bench/profile-step.ts http://127.0.0.1:4208/ 64 [--cpu-profile]
 */

import type { CDPSession } from '@playwright/test';
import { launchChromium, openApp, setCpus } from './chromium';


interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Self and inclusive milliseconds per function of Chromium CPU profiles: a sample counts for its own
 * frame (self) and once for every distinct function on its stack (inclusive); `skipIdle` leaves the
 * idle samples out of both and of the total.
 */
function sampleTimes(profiles: CpuProfile[], skipIdle: boolean): { self: Map<string, number>; incl: Map<string, number>; total: number } {
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  const keyOf = (f: CpuProfile['nodes'][number]['callFrame']) => `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const dt = profile.timeDeltas ?? [];
    (profile.samples ?? []).forEach((id, i) => {
      const ms = (dt[i] ?? 0) / 1000;
      const f0 = byId.get(id)!.callFrame;
      if (skipIdle && f0.functionName === '(idle)') return;
      total += ms;
      const k0 = keyOf(f0);
      self.set(k0, (self.get(k0) ?? 0) + ms);
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const f = byId.get(cur)!.callFrame;
        if (!f.url) continue;
        const key = keyOf(f);
        if (seen.has(key)) continue;
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + ms);
      }
    });
  }
  return { self, incl, total };
}

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: Record<string, unknown>;
}

const url = process.argv[2] ?? 'http://127.0.0.1:4208/';
const cpus = Number(process.argv[3] ?? 64);
const wantCpuProfile = process.argv.includes('--cpu-profile');
const smis = Number(process.env.SMIS ?? 4);

type W = { __smiscope: { send(l: string): void }; __smiscopeLatency: number[] };

async function readStream(cdp: CDPSession, handle: string): Promise<string> {
  let out = '';
  for (;;) {
    const r = await cdp.send('IO.read', { handle });
    out += r.base64Encoded ? Buffer.from(r.data, 'base64').toString('utf8') : r.data;
    if (r.eof) break;
  }
  await cdp.send('IO.close', { handle });
  return out;
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await openApp(browser, url);
    // An experiment: extra CSS for the page (INJECT_CSS).
    if (process.env.INJECT_CSS) await page.addStyleTag({ content: process.env.INJECT_CSS });
    await setCpus(page, cpus);
    // HEAVY=2,3,7: CPU-profile only those steps of each SMI (their index from the SMI's first F10).
    const heavy = new Set((process.env.HEAVY ?? '').split(',').filter(Boolean).map(Number));
    let heavyCdp: CDPSession | null = null;
    const heavyProfiles: Awaited<ReturnType<CDPSession['send']>>[] = [];
    // One SMI stepped once unprofiled (warms the JIT and the caches).
    const stepSmi = async (): Promise<void> => {
      await page.evaluate(() => (window as unknown as W).__smiscope.send('smi 0x04 --cpu 1'));
      await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-mode') === 'paused');
      for (let k = 0; ; k++) {
        const before = await page.evaluate(() => (window as unknown as W).__smiscopeLatency.length);
        const profileThis = heavy.has(k) && heavyCdp !== null;
        if (profileThis) await heavyCdp!.send('Profiler.start');
        await page.keyboard.press('F10');
        await page.waitForFunction((b) => (window as unknown as W).__smiscopeLatency.length > b, before, process.env.POLL ? { polling: Number(process.env.POLL) } : {});
        if (profileThis) heavyProfiles.push((await heavyCdp!.send('Profiler.stop')).profile);
        const mode = await page.evaluate(() => document.querySelector('[data-testid="status"]')?.getAttribute('data-mode'));
        if (mode !== 'paused') break;
      }
    };
    await stepSmi();
    const cdp = await page.context().newCDPSession(page);
    if (heavy.size > 0) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
      heavyCdp = cdp;
      for (let i = 0; i < smis; i++) await stepSmi();
      const { self, incl, total } = sampleTimes(heavyProfiles as CpuProfile[], true);
      const n = heavyProfiles.length;
      console.log(`${n} heavy steps profiled, ${(total / n).toFixed(2)} ms/step busy`);
      console.log('self:');
      for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(ms / n).toFixed(3).padStart(8)} ms/step  ${k}`);
      console.log('inclusive:');
      for (const [k, ms] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.INCL ?? 70))) console.log(`${(ms / n).toFixed(3).padStart(8)} ms/step  ${k}`);
      return;
    }
    // Each latency sample also leaves a user-timing mark in the trace (the step's end).
    await page.evaluate(() => {
      const a: number[] = [];
      a.push = (...xs: number[]) => {
        performance.mark('smiscope-committed');
        return Array.prototype.push.apply(a, xs);
      };
      (window as unknown as W).__smiscopeLatency = a;
    });
    if (process.env.NOTRACE) {
      for (let i = 0; i < smis; i++) await stepSmi();
      const raw = await page.evaluate(() => (window as unknown as W).__smiscopeLatency);
      const per = raw.length / smis;
      for (let i = 0; i < smis; i++) console.log('   ' + raw.slice(i * per, (i + 1) * per).map((x) => x.toFixed(1).padStart(5)).join(' '));
      const xs = [...raw].sort((a, b) => a - b);
      console.log(`${cpus} CPUs, ${xs.length} steps, no trace: p50 ${xs[xs.length >> 1].toFixed(1)} ms, p95 ${xs[Math.floor(xs.length * 0.95)].toFixed(1)} ms`);
      return;
    }
    if (wantCpuProfile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    } else {
      await cdp.send('Tracing.start', {
        transferMode: 'ReturnAsStream',
        traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute', ...(process.env.INVAL ? ['disabled-by-default-devtools.timeline.invalidationTracking'] : [])] },
      });
    }
    for (let i = 0; i < smis; i++) await stepSmi();
    const lat = await page.evaluate(() => (window as unknown as W).__smiscopeLatency);
    const steps = lat.length;
    const s = [...lat].sort((a, b) => a - b);
    console.log(`${cpus} CPUs, ${steps} steps: p50 ${s[Math.floor(steps / 2)].toFixed(1)} ms, p95 ${s[Math.floor(steps * 0.95)].toFixed(1)} ms (profiled: slower than the bench)`);
    if (wantCpuProfile) {
      const { profile } = await cdp.send('Profiler.stop');
      const { self, incl } = sampleTimes([profile as CpuProfile], false);
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
      console.log('self time:');
      for (const [k, ms] of top) console.log(`${(ms / steps).toFixed(3).padStart(8)} ms/step  ${k}`);
      console.log('inclusive time:');
      for (const [k, ms] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.INCL ?? 70))) console.log(`${(ms / steps).toFixed(3).padStart(8)} ms/step  ${k}`);
      return;
    }
    const done = new Promise<string>((res) => cdp.once('Tracing.tracingComplete', (e) => res(e.stream!)));
    await cdp.send('Tracing.end');
    const text = await readStream(cdp, await done);
    const events = (JSON.parse(text) as { traceEvents: TraceEvent[] }).traceEvents;
    const main = events.find((e) => e.name === 'thread_name' && (e.args as { name: string }).name === 'CrRendererMain');
    const totals = new Map<string, { ms: number; n: number }>();
    const top = events.filter((e) => e.ph === 'X' && main && e.tid === main.tid && e.pid === main.pid && e.dur);
    // Self-exclusive by name: nested events of the same thread are subtracted from their parent.
    top.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const stack: { e: TraceEvent; child: number }[] = [];
    const close = (upTo: number) => {
      while (stack.length && stack[stack.length - 1].e.ts + stack[stack.length - 1].e.dur! <= upTo) {
        const { e, child } = stack.pop()!;
        const t = totals.get(e.name) ?? { ms: 0, n: 0 };
        t.ms += (e.dur! - child) / 1000;
        t.n++;
        totals.set(e.name, t);
        if (stack.length) stack[stack.length - 1].child += e.dur!;
      }
    };
    for (const e of top) {
      close(e.ts);
      stack.push({ e, child: 0 });
    }
    close(Number.MAX_SAFE_INTEGER);
    // Per step: from the keydown to the committed mark, self time by event name.
    const marks = events.filter((e) => e.name === 'smiscope-committed').map((e) => e.ts).sort((a, b) => a - b);
    const keys = top.filter((e) => e.name === 'EventDispatch' && (e.args as { data?: { type?: string } })?.data?.type === 'keydown').map((e) => e.ts);
    const perStep: { total: number; by: Map<string, number>; seq: string[] }[] = [];
    for (const k of keys) {
      const m = marks.find((t) => t > k);
      if (m === undefined) continue;
      const by = new Map<string, number>();
      const st: { e: TraceEvent; child: number }[] = [];
      const fin = (upTo: number) => {
        while (st.length && st[st.length - 1].e.ts + st[st.length - 1].e.dur! <= upTo) {
          const { e, child } = st.pop()!;
          const a = Math.max(e.ts, k);
          const b = Math.min(e.ts + e.dur!, m);
          if (b > a) by.set(e.name, (by.get(e.name) ?? 0) + Math.max(0, (b - a - child) / 1000));
          if (st.length) st[st.length - 1].child += Math.max(0, b - a);
        }
      };
      for (const e of top) {
        if (e.ts + e.dur! < k || e.ts > m) continue;
        fin(e.ts);
        st.push({ e, child: 0 });
      }
      fin(Number.MAX_SAFE_INTEGER);
      // The sequence: top-level tasks (depth 0) inside the window, with their biggest child kinds.
      const seq: string[] = [];
      for (const e of top) {
        if (e.name !== 'RunTask' || e.ts + e.dur! < k || e.ts > m) continue;
        const kids = new Map<string, number>();
        for (const c of top) {
          if (c === e || c.ts < e.ts || c.ts + c.dur! > e.ts + e.dur! || c.name === 'RunTask') continue;
          if (['FunctionCall', 'Layout', 'Paint', 'UpdateLayoutTree', 'Commit', 'PrePaint', 'Layerize', 'EventDispatch', 'HandlePostMessage', 'FireAnimationFrame', 'TimerFire', 'V8.GC_MC_MARK_FULL_CLOSURE_PARALLEL', 'MinorGC', 'MajorGC'].includes(c.name)) kids.set(c.name, (kids.get(c.name) ?? 0) + c.dur! / 1000);
        }
        const d = [...kids].filter(([, v]) => v >= 0.2).map(([n, v]) => `${n}:${v.toFixed(1)}`).join(' ');
        if (e.dur! >= 200) seq.push(`@${((e.ts - k) / 1000).toFixed(1)} ${(e.dur! / 1000).toFixed(1)}ms[${d}]`);
      }
      perStep.push({ total: (m - k) / 1000, by, seq });
    }
    // Keydown -> the worker's answer (HandlePostMessage of a snapshot) -> committed.
    const msgs = top.filter((e) => e.name === 'HandlePostMessage').map((e) => e.ts);
    const split = keys.map((k) => {
      const m = marks.find((t) => t > k);
      const msgList = msgs.filter((t) => t > k && m !== undefined && t < m);
      const a = msgList.length ? msgList[msgList.length - 1] : undefined;
      return m === undefined || a === undefined ? null : [(a - k) / 1000, (m - a) / 1000];
    }).filter((x): x is number[] => x !== null);
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)];
    console.log(`keydown -> answer arrives: p50 ${q(split.map((x) => x[0]), 0.5).toFixed(1)} p95 ${q(split.map((x) => x[0]), 0.95).toFixed(1)} ms; answer -> committed+laid out: p50 ${q(split.map((x) => x[1]), 0.5).toFixed(1)} p95 ${q(split.map((x) => x[1]), 0.95).toFixed(1)} ms`);
    console.log('steps of the first SMI in order:');
    for (const p of perStep.slice(0, perStep.length / smis)) {
      const parts = [...p.by].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.3).map(([n, v]) => `${n} ${v.toFixed(1)}`);
      console.log(`  ${p.total.toFixed(1)} ms: ${parts.join(', ')}`);
    }
    if (process.env.TREE) {
      // The slowest steps' events as a tree (>= 0.4 ms), with the JS function each FunctionCall ran.
      const all = perStep.map((p, i) => ({ i, total: p.total, k: keys[i] })).sort((a, b) => b.total - a.total);
      const spans = process.env.TREEPICK === 'median' ? all.slice(all.length >> 1, (all.length >> 1) + Number(process.env.TREE)) : all.slice(0, Number(process.env.TREE));
      const minDur = Number(process.env.TREEMIN ?? 400);
      for (const sp of spans) {
        const m = marks.find((t) => t > sp.k)!;
        console.log(`step ${sp.i}: ${sp.total.toFixed(1)} ms`);
        const st: TraceEvent[] = [];
        for (const e of top) {
          if (e.ts + e.dur! < sp.k || e.ts > m) continue;
          while (st.length && st[st.length - 1].ts + st[st.length - 1].dur! <= e.ts) st.pop();
          st.push(e);
          if (e.dur! < minDur || st.length > 6) continue;
          const d = (e.args as { data?: { functionName?: string; url?: string; lineNumber?: number; type?: string } })?.data;
          const what = d?.functionName !== undefined ? ` ${d.functionName || '(anon)'}:${d.lineNumber}` : d?.type ? ` ${d.type}` : '';
          console.log(`  ${'  '.repeat(st.length - 1)}@${((e.ts - sp.k) / 1000).toFixed(1)} ${(e.dur! / 1000).toFixed(1)} ${e.name}${what}`);
        }
      }
    }
    perStep.sort((a, b) => b.total - a.total);
    console.log('slowest steps (keydown -> committed+laid out), main-thread self time inside:');
    for (const p of perStep.slice(0, 8)) {
      const parts = [...p.by].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.3).map(([n, v]) => `${n} ${v.toFixed(1)}`);
      console.log(`  ${p.total.toFixed(1)} ms: ${parts.join(', ')}`);
      console.log(`      ${p.seq.join('  ')}`);
    }
    const med = perStep[Math.floor(perStep.length / 2)];
    for (const q of [perStep.length >> 1, (perStep.length >> 1) + 3, perStep.length - 3]) if (perStep[q]) console.log(`  #${q} ${perStep[q].total.toFixed(1)} ms: ${perStep[q].seq.join('  ')}`);
    if (med) console.log(`  median ${med.total.toFixed(1)} ms: ${[...med.by].sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.2).map(([n, v]) => `${n} ${v.toFixed(1)}`).join(', ')}`);
    if (process.env.INVAL) {
      const inv = new Map<string, number>();
      for (const e of events) {
        if (e.name !== 'LayoutInvalidationTracking' && e.name !== 'StyleRecalcInvalidationTracking' && e.name !== 'ScheduleStyleInvalidationTracking') continue;
        const d = (e.args as { data?: { nodeName?: string; reason?: string; invalidatedSelectorId?: string; changedClass?: string; changedAttribute?: string } }).data ?? {};
        const k = `${e.name.replace('InvalidationTracking', '')} ${d.reason ?? ''} ${d.nodeName ?? ''} ${d.changedClass ?? d.changedAttribute ?? d.invalidatedSelectorId ?? ''}`;
        inv.set(k, (inv.get(k) ?? 0) + 1);
      }
      console.log('invalidations per step:');
      for (const [k, n] of [...inv].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${(n / steps).toFixed(1).padStart(7)}  ${k}`);
    }
    const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    console.log('main thread, self time per step by trace event:');
    for (const [name, t] of rows) console.log(`${(t.ms / steps).toFixed(2).padStart(8)} ms/step  ${String(t.n).padStart(5)}x  ${name}`);
    // Style recalcs: how many elements each touched.
    const styles = top.filter((e) => e.name === 'UpdateLayoutTree' || e.name === 'ScheduleStyleRecalculation');
    const counts = styles
      .map((e) => (e.args as { elementCount?: number; beginData?: { elementCount?: number } } | undefined)?.elementCount ?? 0)
      .filter((x) => x > 0);
    if (counts.length) console.log(`style recalc elements: ${counts.slice(0, 40).join(' ')}`);
    if (process.env.ROOTS) {
      // Layout roots of the costly layouts, resolved to elements (they still exist at the end).
      await cdp.send('DOM.enable');
      await cdp.send('DOM.getDocument', { depth: -1 });
      const roots = new Map<number, { n: number; ms: number }>();
      for (const e of top.filter((x) => x.name === 'Layout')) {
        const lr = (e.args as { endData?: { layoutRoots?: { nodeId: number }[] } })?.endData?.layoutRoots ?? [];
        for (const r of lr) {
          const t = roots.get(r.nodeId) ?? { n: 0, ms: 0 };
          t.n++;
          t.ms += e.dur! / 1000 / lr.length;
          roots.set(r.nodeId, t);
        }
      }
      for (const [id, t] of [...roots].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
        let desc = `backend ${id}`;
        try {
          const { node } = await cdp.send('DOM.describeNode', { backendNodeId: id });
          const attrs = node.attributes ?? [];
          const cls = attrs[attrs.indexOf('class') + 1];
          const tid = attrs.indexOf('data-testid') >= 0 ? attrs[attrs.indexOf('data-testid') + 1] : '';
          desc = `${node.nodeName}${attrs.includes('class') ? '.' + cls : ''}${tid ? ' [' + tid + ']' : ''}`;
        } catch {
          /* gone */
        }
        console.log(`  layout root ${desc}: ${t.n} layouts, ${(t.ms / steps).toFixed(2)} ms/step`);
      }
    }
    const layouts = top.filter((e) => e.name === 'Layout').map((e) => `${(e.dur! / 1000).toFixed(1)}ms/${(e.args as { beginData?: { dirtyObjects?: number; totalObjects?: number } })?.beginData?.dirtyObjects ?? '?'}of${(e.args as { beginData?: { totalObjects?: number } })?.beginData?.totalObjects ?? '?'}`);
    console.log(`layouts (ms/dirty of total): ${layouts.slice(0, 40).join(' ')}`);
    const recalcs = top.filter((e) => e.name === 'UpdateLayoutTree').map((e) => `${(e.dur! / 1000).toFixed(1)}ms/${(e.args as { elementCount?: number })?.elementCount ?? '?'}`);
    console.log(`style recalcs (ms/elements): ${recalcs.slice(0, 40).join(' ')}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
