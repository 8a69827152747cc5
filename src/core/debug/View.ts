/**
 * ViewSnapshot builder: what the UI needs for one frame. Tables, the SMRAM picture and the
 * save-state layout are sent only when they changed; the timeline is appended; memory goes out
 * as the selected CPU's 1 KiB save-state map and the hex window on screen, never all of SMRAM.
 */

import { platformTitle, swDispatcherOf } from '../profiles/Platforms';
import { cView } from './CViewBuild';
import type { CpuView, ModuleRow, ViewCursor, ViewRequest, ViewSnapshot } from './ViewTypes';
import type { SmramDescriptorView } from '../pi/SmramMap';
import { isSmram, type Machine } from '../pi/Platform';
import { readBytes, sameBytes } from '../machine/Memory';
import type { MemoryState } from '../machine/Memory';
import { regHex, REG } from '../machine/Registers';
import { SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from '../machine/SaveStateField';
import { guidName } from '../lib/Guid';
import { disassembleDepex } from '../pi/Depex';
import { swRegistrations, swRegistrationsKey } from '../modules/SwRegistrations';
import { staleRecord } from '../pi/Dispatcher';
import { askerText, missingProtocols } from '../pi/MissingProtocols';
import type { ModuleRecord } from '../pi/ModuleRecord';
import { outCpuOf } from '../pi/SmiRecord';
import { hex } from '../pi/Fw';
import { regionStateText, smramHobDescriptors, smramNotFree } from '../pi/Smram';
import { describeBreakpoint } from './Breakpoints';
import type { Debugger } from './Debugger';
import { rangeWritten, writtenRegions } from './Written';
import { explainKey, explainStep } from './explain/Explain';
import type { CommBufferView } from './ViewTypes';


export const MAX_HEX_WINDOW = 4096;

/**
 * A snapshot carries the text of its newest TIMELINE_TEXTS timeline events only; the UI asks for
 * others when it shows them (hover). A run to the end of a 256-CPU SMI records about 1 000 events:
 * formatting and sending every text would cost more than running the SMI.
 */
export const TIMELINE_TEXTS = 16;

/**
 * A frame that replaces the timeline sends at most this many of its newest events: enough for a
 * whole SMI at 256 CPUs (~1 000 events), while the boot's timeline (thousands) stays in the worker.
 */
export const TIMELINE_RESET_MAX = 1500;

/** The last CpuView built for each CPU object, with the register words its hex strings came from. */
const LAST_VIEW = new WeakMap<object, { view: CpuView; rip0: number; rip1: number; rax0: number; rax1: number }>();

export function cpuViews(session: Debugger): CpuView[] {
  const s = session.m.s;
  const smi = s.currentSmi ?? s.lastSmi;
  const outCpu = outCpuOf(smi);
  const out: CpuView[] = new Array(s.cpus.length);
  for (let i = 0; i < s.cpus.length; i++) {
    const c = s.cpus[i];
    const r = c.regs;
    const rip0 = r[2 * REG.RIP], rip1 = r[2 * REG.RIP + 1], rax0 = r[2 * REG.RAX], rax1 = r[2 * REG.RAX + 1];
    const isOutCpu = outCpu === c.index;
    const isBsp = smi !== null && smi.bsp === c.index;
    const last = LAST_VIEW.get(c);
    const v = last?.view;
    // A CPU that did not change since the last view keeps its view (no hex formatting per frame).
    if (
      last && v &&
      last.rip0 === rip0 && last.rip1 === rip1 && last.rax0 === rax0 && last.rax1 === rax1 &&
      v.index === c.index && v.apicId === c.apicId && v.smbase === c.smbase && v.inSmm === c.inSmm && v.halted === c.halted &&
      v.smiPending === c.smiPending && v.activity === c.activity && v.smiCount === c.smiCount && v.apicBase === c.apicBase &&
      v.isOutCpu === isOutCpu && v.isBsp === isBsp
    ) {
      out[i] = v;
      continue;
    }
    const view: CpuView = {
      index: c.index,
      apicId: c.apicId,
      smbase: c.smbase,
      inSmm: c.inSmm,
      halted: c.halted,
      smiPending: c.smiPending,
      activity: c.activity,
      smiCount: c.smiCount,
      apicBase: c.apicBase,
      rip: regHex(r, REG.RIP),
      rax: regHex(r, REG.RAX),
      isOutCpu,
      isBsp,
    };
    LAST_VIEW.set(c, { view, rip0, rip1, rax0, rax1 });
    out[i] = view;
  }
  return out;
}

/**
 * The SMRAM descriptors SmmAccess2 GetCapabilities reports (the PEI HOB's), each with what it
 * holds on OVMF.
 */
export function smramDescriptorViews(m: Machine): SmramDescriptorView[] {
  const { tsegBase } = m.s.config;
  const entry0 = m.s.mp.relocated ? m.s.mp.smBase[0] + 0x8000 : m.s.cpus[0].smbase + 0x8000;
  return (smramHobDescriptors(m) ?? []).map((d) => {
    const end = d.cpuStart + d.physicalSize;
    const [short, label] = !smramNotFree(d)
      ? ['free: SMM core, drivers', "free SMRAM: the SMM IPL's window (PiSmmCore at its top, then drivers and data)"]
      : entry0 >= d.cpuStart && entry0 < end
        ? ['SMBASE relocation block', 'SMBASE relocation block (carved in PEI by SmmRelocationLib): SMI entry stubs, PSDs, save states']
        : d.cpuStart === tsegBase
          ? ['reserved page', 'reserved page (S3 data, gEfiAcpiVariableGuid)']
          : ['allocated', 'allocated'];
    return { cpuStart: d.cpuStart, physicalSize: d.physicalSize, regionState: d.regionState, stateText: regionStateText(d.regionState), label, short };
  });
}

/** A module's summary and edk2 path (its ModuleDef) and, when the dispatcher's record is stale, why. */
function moduleMeta(m: Machine, r: ModuleRecord): Pick<ModuleRow, 'summary' | 'path' | 'notEvaluated' | 'missingNow'> {
  const def = m.defs.get(r.name);
  const stale = staleRecord(m, r);
  return { summary: def?.summary ?? '', path: def?.path ?? null, notEvaluated: stale?.text ?? null, missingNow: stale?.missingNow ?? [] };
}

export function tables(session: Debugger): NonNullable<ViewSnapshot['tables']> {
  const s = session.m.s;
  const smm = s.smm;
  return {
    handlers: [
      ...smm.root.map((h) => ({ kind: 'root' as const, module: h.module, handler: h.handler, handle: h.handle, toRemove: h.toRemove })),
      ...smm.entries.flatMap((e) =>
        e.handlers.map((h) => ({ kind: 'guid' as const, guid: e.guid, guidName: guidName(e.guid), module: h.module, handler: h.handler, handle: h.handle, toRemove: h.toRemove })),
      ),
      ...swRegistrations(session.m).map((r) => ({ kind: 'sw' as const, swValue: r.value, module: r.module, handler: r.handler, handle: r.handle, toRemove: false })),
    ],
    protocols: [...smm.protocols, ...s.uefiProtocols].map((p) => ({ name: guidName(p.guid), guid: p.guid, module: p.module, database: p.database, interface: p.iface })),
    modules: s.modules.map((r) => ({
      name: r.name,
      guid: r.fileGuid,
      state: r.state,
      reason: r.reason,
      depex: r.depex ? `${r.depexText}  [${disassembleDepex(r.depex)}]` : r.kind === 'DXE_SMM_DRIVER' ? '(none)' : `(${r.kind})`,
      missing: r.missing.map(guidName),
      imageBase: r.imageBase,
      imageSize: r.imageSize,
      ...moduleMeta(session.m, r),
    })),
    missingProtocols: missingProtocols(session.m).map((p) => ({ name: p.name, guid: p.guid, askedBy: p.askedBy.map(askerText), producers: p.producers, note: p.note })),
  };
}

/** `len` bytes at `addr`: the last snapshot's array when memory still holds exactly those bytes, else a fresh copy. */
function bytesAt(mem: MemoryState, addr: number, len: number, last: { addr: number; bytes: Uint8Array } | undefined): { addr: number; bytes: Uint8Array } {
  if (last !== undefined && last.addr === addr && last.bytes.length === len && sameBytes(mem, addr, last.bytes)) return last;
  return { addr, bytes: readBytes(mem, addr, len) };
}

/**
 * The CPU the events since session event `since` are about: the CPU of the newest one that has
 * one (-1: none has). After `back` (the session is before `since`) it is the newest CPU event of
 * the timeline, the one the debugger now stands on or the last before it.
 */
export function stepCpu(session: Debugger, since: number, shown = -1): number {
  const tl = session.timelineEvents();
  const fresh = session.eventSeq > since ? Math.min(tl.length, session.eventSeq - since) : tl.length;
  const smi = session.m.s.currentSmi ?? session.m.s.lastSmi;
  let last = -1;
  let hasShown = false;
  for (let i = tl.length - 1; i >= tl.length - fresh; i--) {
    const c = tl[i].cpu;
    if (c < 0) continue;
    if (last < 0) last = c;
    if (c === shown) {
      hasShown = true;
      break;
    }
  }
  // A step that ends with the SMM BSP's work shows the BSP. A step about many CPUs (every save
  // state) that includes the one shown keeps it: the panel does not jump to the last of 64 CPUs.
  if (last >= 0 && smi !== null && last === smi.bsp) return last;
  return hasShown ? shown : last;
}

const COMM_BUFFER_LABEL = 'CommBuffer (gSmmCorePrivate->CommunicationBuffer)';

/**
 * The buffer of the Communicate the SMI in progress (or the last one) carries: PiSmmIpl's request
 * while gSmmCorePrivate->CommunicationBuffer holds it, and after SmmEntryPoint has set that back to
 * NULL, the request PiSmmIpl made for this SMI.
 */
export function commBufferView(m: Machine): CommBufferView | undefined {
  const s = m.s;
  const priv = s.smm.priv;
  const smi = s.currentSmi ?? s.lastSmi;
  const req = priv.lastRequest;
  let base: number;
  let size: number;
  if (priv.commBuffer !== 0) {
    base = priv.commBuffer;
    size = req !== undefined && req.address === base ? req.size : priv.bufferSize;
  } else if (smi !== null && smi.kind === 'communicate' && req !== undefined) {
    base = req.address;
    size = req.size;
  } else return undefined;
  const active = priv.commBuffer !== 0 || (s.currentSmi !== null && s.currentSmi.kind === 'communicate');
  return {
    base,
    size,
    label: COMM_BUFFER_LABEL,
    smi: smi?.number ?? 0,
    active,
    written: rangeWritten(s.mem, base, size),
    inSmram: isSmram(m, base, Math.max(1, size)),
  };
}

export function buildView(session: Debugger, req: ViewRequest, cur: ViewCursor): ViewSnapshot {
  const s = session.m.s;
  const chosen = Math.min(Math.max(0, req.selectedCpu | 0), s.cpus.length - 1);
  let cpuIndex = chosen;
  if (req.followCpu) {
    // Follow the step: the CPU shown is the latest of the user's choice (a new selectedCpu) and
    // the CPU of the newest events (a snapshot after new events, or after a `back`).
    if (cur.followReq !== chosen || cur.followCpu === undefined) cur.followCpu = chosen;
    if (cur.followSeq !== undefined && cur.followSeq !== session.eventSeq) {
      const c = stepCpu(session, cur.followSeq, cur.followCpu);
      if (c >= 0) cur.followCpu = c;
    }
    if (cur.followCpu < s.cpus.length) cpuIndex = cur.followCpu;
  }
  cur.followReq = chosen;
  cur.followSeq = session.eventSeq;
  const cpu = s.cpus[cpuIndex];
  const mapAddr = cpu.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
  const bytes = (cur.mapBytes = bytesAt(s.mem, mapAddr, SMRAM_SAVE_STATE_MAP_SIZE, cur.mapBytes)).bytes;
  const prev = session.mapBefore(cpuIndex);
  const changedOffsets: number[] = [];
  if (prev && ((bytes.byteOffset | prev.byteOffset | bytes.length) & 3) !== 0) {
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== prev[i]) changedOffsets.push(i);
  } else if (prev) {
    // Word by word; a word that differs is looked at byte by byte.
    const a = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
    const b = new Uint32Array(prev.buffer, prev.byteOffset, prev.length >> 2);
    for (let w = 0; w < a.length; w++) {
      if (a[w] === b[w]) continue;
      for (let i = 4 * w; i < 4 * w + 4; i++) if (bytes[i] !== prev[i]) changedOffsets.push(i);
    }
  }
  const hexLength = Math.min(Math.max(0, req.hexLength | 0), MAX_HEX_WINDOW);
  const hexAddress = Math.max(0, Math.floor(req.hexAddress));

  const snap: ViewSnapshot = {
    seq: ++cur.seq,
    platform: {
      name: platformTitle(s.config),
      id: s.config.profile,
      cpuCount: s.cpus.length,
      broadcast: s.lpc.variant === 'pch' || (s.lpc.smiFeatures & 1) !== 0,
      arrival: s.config.arrival,
      swDispatcher: swDispatcherOf(s.config),
      hotplugSmi: s.config.hotplugSmi,
      syncMode: s.mp.syncMode,
      accel: s.config.accel,
      bspElection: s.config.bspElection,
      tsegBase: s.config.tsegBase,
      tsegSize: s.config.tsegSize,
    },
    virtualTimeUs: s.clockUs,
    smisSincePowerOn: s.smiSeq,
    status: {
      mode: s.hung ? 'hung' : session.run ? 'paused' : 'idle',
      message: s.hung
        ? `${s.hung.message} -> CPU${s.hung.cpu} in CpuDeadLoop()${s.hung.inSmm ? ' inside SMM' : ' (DXE, outside SMM)'}`
        : session.run && session.lastEvent
          ? session.lastEvent.text
          : s.lastSmi
            ? s.lastSmi.raised
              ? `SMI #${s.lastSmi.number} (command ${hex(s.lastSmi.command, 2)}) finished${s.lastSmi.bsp === null ? ' without a BSP: no MMI handler ran' : ''}`
              : `last APM write raised no SMI: ${s.lastSmi.note}`
            : 'OS running, all CPUs idle',
      phase: session.currentPhase(),
      eventSeq: session.eventSeq,
      run: session.run ? (session.run.start.kind === 'boot' ? 'boot' : 'smi') : null,
      event: session.eventIndex(),
      runStart: session.runStart(),
      cause: session.hangCause,
      smiCount: session.smis.count,
    },
    cpus: cpuViews(session),
    saveState: { cpu: cpuIndex, address: mapAddr, bytes, changedOffsets, live: cpu.inSmm },
    smram: {
      hexAddress,
      hexBytes: (cur.hexBytes = bytesAt(s.mem, hexAddress, hexLength, cur.hexBytes)).bytes,
      written: writtenRegions(s.mem, s.smramRegions, s.regionsVersion),
    },
    timeline: { reset: false, events: [] },
    lastSmi: s.currentSmi ?? s.lastSmi,
    breakpoints: session.breakpoints.map((b) => ({ id: b.id, text: describeBreakpoint(b.spec), hits: b.hits })),
  };
  if (cur.layoutEpoch !== session.platformEpoch) {
    snap.layout = session.layoutDesc();
    cur.layoutEpoch = session.platformEpoch;
    cur.regionsVersion = -1;
    cur.tablesVersion = -1;
  }
  const comm = commBufferView(session.m);
  if (comm !== undefined) snap.smram.commBuffer = comm;
  if (cur.regionsVersion !== s.regionsVersion) {
    snap.smram.regions = s.smramRegions;
    snap.smram.descriptors = smramDescriptorViews(session.m);
    cur.regionsVersion = s.regionsVersion;
  }
  // The SW dispatcher's registrations are C data in SMRAM: a change there changes the tables too.
  const swKey = swRegistrationsKey(session.m);
  if (cur.tablesVersion !== s.tablesVersion || cur.swKey !== swKey) {
    snap.tables = tables(session);
    cur.tablesVersion = s.tablesVersion;
    cur.swKey = swKey;
  }
  if (cur.timelineEpoch !== session.timelineEpoch) {
    // A new timeline goes out with its newest TIMELINE_RESET_MAX events (the boot's holds thousands).
    snap.timeline = { reset: true, events: session.timelineAfter(Math.max(0, session.eventSeq - TIMELINE_RESET_MAX), TIMELINE_TEXTS) };
    cur.timelineEpoch = session.timelineEpoch;
  } else {
    snap.timeline = { reset: false, events: session.timelineAfter(cur.timelineSent, TIMELINE_TEXTS) };
  }
  cur.timelineSent = session.eventSeq;
  snap.c = cView(session, cur);
  // The Explain panel's text goes out only when the event the debugger stands on changed.
  const ek = explainKey(session, session.timelineEpoch);
  if (cur.explainKey !== ek) {
    const ex = explainStep(session);
    if (ex) snap.explain = ex;
    cur.explainKey = ek;
  }
  return snap;
}
