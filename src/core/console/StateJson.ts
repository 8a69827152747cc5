/**
 * `state --json`: the machine as one JSON object. A public contract (README "state --json"):
 * fields are only ever added. Numbers that are addresses or register values are "0x.." strings.
 */

import { platformTitle, swDispatcherOf } from '../profiles/Platforms';
import type { Debugger } from '../debug/Debugger';
import { cBacktrace, cEval } from '../cdriver/CDebug';
import { getReg, REG } from '../machine/Registers';
import { hex } from '../pi/Fw';
import { guidName } from '../lib/Guid';
import { swRegistrations } from '../modules/SwRegistrations';
import { staleRecord } from '../pi/Dispatcher';
import { missingProtocols } from '../pi/MissingProtocols';
import { outCpuOf } from '../pi/SmiRecord';
import { regionStateText, smramHobDescriptors } from '../pi/Smram';
import { type SmramDescriptor } from '../pi/SmramMap';

const h = (n: number | bigint) => '0x' + n.toString(16).toUpperCase();

const descriptor = (d: SmramDescriptor) => ({
  cpuStart: h(d.cpuStart),
  physicalStart: h(d.physicalStart),
  physicalSize: h(d.physicalSize),
  regionState: h(d.regionState),
  state: regionStateText(d.regionState),
});

export function stateJson(s: Debugger) {
  const st = s.m.s;
  const smm = st.smm;
  const smi = st.currentSmi ?? st.lastSmi;
  return {
    platform: st.config.profile,
    platformInfo: {
      name: platformTitle(st.config),
      cpuCount: st.cpus.length,
      broadcastSmi: st.lpc.variant === 'pch' || (st.lpc.smiFeatures & 1) !== 0,
      chipset: st.config.chipset,
      arrival: st.config.arrival,
      swDispatcher: swDispatcherOf(st.config),
      hotplugSmi: st.config.hotplugSmi,
      syncMode: st.mp.syncMode,
      accel: st.config.accel,
      apSyncTimeoutUs: st.mp.apSyncTimeout,
      apSyncTimeout2Us: st.mp.apSyncTimeout2,
      bspElection: st.config.bspElection,
      virtualTimeUs: st.clockUs,
      saveStateLayout: s.m.layout.name,
      saveStateLayoutId: s.m.layout.id,
      tseg: { base: h(st.config.tsegBase), size: h(st.config.tsegSize) },
      stage: st.stage,
    },
    debugger: {
      mode: st.hung ? 'hung' : s.run ? 'paused' : 'idle',
      phase: s.currentPhase(),
      hung: st.hung,
      breakpoints: s.breakpoints.map((b) => ({ id: b.id, ...b.spec, hits: b.hits })),
      /** What is paused: the boot or an SMI run (null when nothing is). */
      run: s.run ? (s.run.start.kind === 'boot' ? 'boot' : 'smi') : null,
      /** The paused event, 1-based within its run (the boot, or one SMI), and how far the run went before a `back`. */
      event: s.eventIndex(),
      /** The session event number (counted from power-on; `back --to`). */
      sessionEvent: s.eventSeq,
      /** Session events that belong to the boot. */
      bootEvents: s.bootEvents,
      /** SMIs since power-on (`smis`), and how many of them the boot made. */
      smis: { total: s.smis.all().length, boot: s.smis.all().filter((e) => s.bootEvents === 0 || e.start <= s.bootEvents).length },
      /** After a hang: the event that explains it. */
      hangCause: s.hangCause,
      /** SMM-C: where the debugger is paused in C (null: not in C), and the call stack there. */
      cStop: s.c.at?.info ?? null,
      cFrames: cBacktrace(s.m).map((f) => ({ kind: f.kind, fn: f.fn, module: f.module, file: f.file, line: f.line })),
      watches: s.watches.map((w) => {
        const r = s.c.at ? cEval(s.m, 0, w.expr) : { error: 'not paused in C' };
        return 'error' in r ? { id: w.id, expr: w.expr, error: r.error } : { id: w.id, expr: w.expr, type: r.type, value: r.value };
      }),
    },
    /** SMM-C modules `load` put into the firmware volume: their names and files (the sources are in a session file). */
    cModules: (s.platform.cModules ?? []).map((src) => ({ inf: src.inf.name, files: src.files.map((f) => f.name) })),
    cpus: st.cpus.map((c) => ({
      index: c.index,
      apicId: c.apicId,
      smbase: h(c.smbase),
      inSmm: c.inSmm,
      halted: c.halted,
      activity: c.activity,
      smiCount: c.smiCount,
      rax: h(getReg(c.regs, REG.RAX)),
      rip: h(getReg(c.regs, REG.RIP)),
    })),
    smram: {
      open: smm.smramOpen,
      locked: smm.smramLocked,
      descriptors: (smramHobDescriptors(s.m) ?? []).map(descriptor),
      ranges: smm.smramRanges.map(descriptor),
    },
    chipset: {
      apmCnt: h(st.lpc.apmc),
      apmSts: h(st.lpc.apms),
      smiEn: h(st.lpc.smiEn),
      smiLock: (st.lpc.config[0xa0] & 0x10) !== 0,
      smiFeatures: h(st.lpc.smiFeatures),
    },
    handlers: {
      root: smm.root.map((x) => ({ module: x.module, handler: x.handler, handle: h(x.handle), toRemove: x.toRemove })),
      guid: smm.entries.flatMap((e) => e.handlers.map((x) => ({ guid: e.guid, guidName: guidName(e.guid), module: x.module, handler: x.handler, handle: h(x.handle), toRemove: x.toRemove }))),
      sw: swRegistrations(s.m).map((r) => ({ value: hex(r.value, 2), module: r.module, handler: r.handler, handle: h(r.handle) })),
    },
    protocols: [...smm.protocols, ...st.uefiProtocols].map((p) => ({ name: guidName(p.guid), guid: p.guid, module: p.module, database: p.database })),
    modules: st.modules.map((r) => ({
      name: r.name,
      guid: r.fileGuid,
      state: r.state === 'unloaded' ? 'failed' : r.state,
      detail: r.state,
      reason: r.reason,
      depex: r.depexText,
      missing: r.missing.map(guidName),
      imageBase: r.imageBase ? h(r.imageBase) : null,
      summary: s.m.defs.get(r.name)?.summary ?? '',
      path: s.m.defs.get(r.name)?.path ?? null,
      notEvaluated: staleRecord(s.m, r)?.text ?? null,
    })),
    protocolLookups: st.protocolLookups.map((l) => ({ module: l.module, service: l.service, guid: l.guid, guidName: guidName(l.guid), status: l.status, count: l.count, smi: l.smi })),
    missingProtocols: missingProtocols(s.m).map((p) => ({
      guid: p.guid,
      name: p.name,
      askedBy: p.askedBy.map((a) => ({ module: a.module, how: a.how, result: a.result, smi: a.smi, count: a.count })),
      producers: p.producers,
      note: p.note,
    })),
    lastSmi: smi
      ? {
          number: smi.number,
          kind: smi.kind,
          command: hex(smi.command, 2),
          data: hex(smi.data, 2),
          cpu: smi.cpu,
          outCpu: outCpuOf(smi),
          bsp: smi.bsp,
          raised: smi.raised,
          note: smi.note,
          communicate: smi.communicate,
          cpus: smi.cpus,
          finished: smi.finished,
          phasesRun: smi.phasesRun,
          handlersCalled: smi.handlersCalled.map((c) => ({ handler: c.handler, module: c.module, kind: c.kind, returned: c.returned })),
        }
      : null,
  };
}
