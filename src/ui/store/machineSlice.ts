import type { CView, HandlerRow, MissingProtocolRow, ModuleRow, ProtocolRow, SaveStateLayoutDesc, SmiListRow, SmramDescriptorView, SmramRegion, TimelineEvent, ViewSnapshot } from '../../protocol/messages';
import { share } from './share';

export interface Tables {
  handlers: HandlerRow[];
  protocols: ProtocolRow[];
  modules: ModuleRow[];
  /** GUIDs modules looked up or depend on that nobody installed (a worker before issue 6 sends none). */
  missingProtocols?: MissingProtocolRow[];
}

/**
 * The machine as the worker last described it. Snapshots carry some parts only when they
 * change (layout, SMRAM regions, tables) and the timeline as a delta, so the slice keeps
 * the last full copy of each.
 */
export interface MachineSlice {
  /** The worker answered the hello. */
  ready: boolean;
  /** The worker is running a long command (continue) and accepts pause. */
  busy: boolean;
  snapshot: ViewSnapshot | null;
  layout: SaveStateLayoutDesc | null;
  regions: SmramRegion[];
  /** SmmAccess2's SMRAM descriptors (sent with the regions). */
  smramDescriptors: SmramDescriptorView[];
  tables: Tables;
  /** Events of the current SMI, in seq order. */
  timeline: TimelineEvent[];
  /** Texts of timeline events sent without theirs (`textLater`), by seq, as the worker answered them. */
  timelineTexts: ReadonlyMap<number, string>;
  /** The last session file the worker sent (answer to session-export). */
  sessionFile: { id: number; text: string } | null;
  /** The session's SMIs, as the worker last listed them (asked for while the SMI list is open). */
  smiRows: SmiListRow[];
  /** The SMI list dialog is open. */
  smiListOpen: boolean;
}

/** The slice's initial state (the store composes the slices). */
export const createMachineSlice = (): MachineSlice => ({
  ready: false,
  busy: false,
  snapshot: null,
  layout: null,
  regions: [],
  smramDescriptors: [],
  tables: { handlers: [], protocols: [], modules: [] },
  timeline: [],
  timelineTexts: new Map(),
  sessionFile: null,
  smiRows: [],
  smiListOpen: false,
});

function withoutModules(c: CView): CView {
  if (!c.modules) return c;
  const { modules: _sent, ...rest } = c;
  return rest;
}

/** The worker's answer to 'timeline-text' folded into the texts (pure). */
export function mergeTimelineTexts(state: MachineSlice, texts: [number, string][]): Partial<MachineSlice> {
  if (texts.length === 0) return {};
  const m = new Map(state.timelineTexts);
  for (const [seq, text] of texts) m.set(seq, text);
  return { timelineTexts: m };
}

/**
 * The next machine state after a snapshot message (pure). Parts equal to what the store already
 * holds keep their old identity (structural sharing), so a panel whose data did not change this
 * step is not re-rendered; the timeline grows by the fresh events only.
 */
export function mergeSnapshot(state: MachineSlice, snap: ViewSnapshot): Partial<MachineSlice> {
  let timeline = state.timeline;
  let timelineTexts = state.timelineTexts;
  if (snap.timeline.reset) {
    timeline = snap.timeline.events;
    // A new timeline may number other events with the same seqs (after `back`, a new SMI).
    if (timelineTexts.size > 0) timelineTexts = new Map();
  } else if (snap.timeline.events.length > 0) {
    const lastSeq = timeline.length > 0 ? timeline[timeline.length - 1].seq : -Infinity;
    const fresh = snap.timeline.events.filter((e) => e.seq > lastSeq);
    if (fresh.length > 0) timeline = timeline.concat(fresh);
  }
  const prev = state.snapshot;
  const snapshot: ViewSnapshot = {
    seq: snap.seq,
    platform: share(prev?.platform, snap.platform),
    virtualTimeUs: snap.virtualTimeUs,
    smisSincePowerOn: snap.smisSincePowerOn,
    status: share(prev?.status, snap.status),
    cpus: share(prev?.cpus, snap.cpus),
    // The one-shot parts (layout, regions, tables) live in their own fields below.
    saveState: share(prev?.saveState, snap.saveState),
    smram: share(prev?.smram, { hexAddress: snap.smram.hexAddress, hexBytes: snap.smram.hexBytes, written: snap.smram.written, commBuffer: snap.smram.commBuffer }),
    timeline: snap.timeline,
    lastSmi: share(prev?.lastSmi, snap.lastSmi),
    breakpoints: share(prev?.breakpoints, snap.breakpoints),
    // SMM-C: the loaded sources (sent only when they change) live in the source slice (cModules).
    c: snap.c ? share(prev?.c, withoutModules(snap.c)) : undefined,
  };
  return {
    snapshot,
    layout: snap.layout ? share(state.layout, snap.layout) : state.layout,
    regions: snap.smram.regions ? share(state.regions, snap.smram.regions) : state.regions,
    smramDescriptors: snap.smram.descriptors ? share(state.smramDescriptors, snap.smram.descriptors) : state.smramDescriptors,
    tables: snap.tables ? share(state.tables, snap.tables) : state.tables,
    timeline,
    timelineTexts,
  };
}
