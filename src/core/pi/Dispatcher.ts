/**
 * The SMM driver dispatcher (facts §1.9; edk2 MdeModulePkg/Core/PiSmmCore/Dispatcher.c): drain the
 * scheduled queue (load, start), stop with EFI_NOT_READY when a driver just registered the SMM
 * entry point, re-evaluate every Dependent driver's depex, repeat. Drivers whose depex never
 * becomes TRUE stay Dependent forever; nothing reports it until SmmReadyToLock.
 */

import { addRegion, bumpTables, type Machine } from './Platform';
import { serialNote } from '../machine/Debugcon';
import { writeBytes } from '../machine/Memory';
import { ASSERT, DEBUG, DEBUG_DISPATCH, DEBUG_ERROR, DEBUG_INFO, DEBUG_LOAD } from './Debug';
import { DEPEX_OP, evaluateDepex } from './Depex';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex, tag } from './Fw';
import { type Fw } from './Platform';
import { guidFromBytes, guidName } from '../lib/Guid';
import type { ModuleRecord } from './ModuleRecord';
import { smmAllocatePages } from './SmramAlloc';

function p11(n: number): string {
  return n.toString(16).toUpperCase().padStart(11, '0');
}

function isInstalled(m: Machine, guid: string): boolean {
  return m.s.smm.protocols.some((p) => p.guid === guid) || m.s.uefiProtocols.some((p) => p.guid === guid);
}

/** BEFORE/AFTER as the first opcode: the GUID of the driver to order against. */
function orderingOf(rec: ModuleRecord): { op: 'BEFORE' | 'AFTER'; guid: string } | null {
  const d = rec.depex;
  if (!d || d.length < 17) return null;
  if (d[0] === DEPEX_OP.BEFORE) return { op: 'BEFORE', guid: guidFromBytes(d, 1) };
  if (d[0] === DEPEX_OP.AFTER) return { op: 'AFTER', guid: guidFromBytes(d, 1) };
  return null;
}

function evaluate(fw: Fw, rec: ModuleRecord): boolean {
  const { m } = fw;
  const r = evaluateDepex(rec.depex, rec.fileGuid, (g) => isInstalled(m, g));
  rec.depexTrace = r.trace;
  rec.missing = r.missing;
  for (const line of r.trace) DEBUG(fw, DEBUG_DISPATCH, '%a\n', line);
  // SmmIsSchedulable's ASSERT (FALSE) (NULL depex; BEFORE/AFTER not first): a DEBUG build dead-loops here.
  if (r.assertion) ASSERT(fw, false, r.assertion.expression, r.assertion.file, r.assertion.line);
  return r.result;
}

/** Image "load": pages in SMRAM with a tiny header naming the module (the model runs no x86 code). */
export function loadImage(m: Machine, rec: ModuleRecord): number | null {
  const base = smmAllocatePages(m, rec.imageSize, null);
  if (base === null) return null;
  rec.imageBase = base;
  addRegion(m, { base, size: rec.imageSize, kind: 'module', label: `${rec.name}.efi` });
  const text = `MZ SmiScope image: ${rec.name}.efi (module logic is modelled in TypeScript)`;
  const header = Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0x7f);
  writeBytes(m.s.mem, base, header);
  return base;
}

function* startImage(fw: Fw, rec: ModuleRecord): Gen<EfiStatus> {
  const { m } = fw;
  const def = m.defs.get(rec.name);
  if (!def) throw new Error(`internal: no code for module ${rec.name}`);
  if (loadImage(m, rec) === null) {
    rec.state = 'failed';
    rec.reason = 'EFI_OUT_OF_RESOURCES loading the image into SMRAM';
    return 'EFI_OUT_OF_RESOURCES';
  }
  const entryPoint = rec.imageBase + 0x1000;
  DEBUG(fw, DEBUG_INFO | DEBUG_LOAD, 'Loading SMM driver at 0x%a EntryPoint=0x%a %a.efi\n', p11(rec.imageBase), p11(entryPoint), rec.name);
  rec.dispatch = 'initialized';
  rec.state = 'dispatched';
  rec.reason = rec.depexText ? `depex ${rec.depexText} evaluated TRUE` : 'loaded';
  bumpTables(m);
  yield tag(ev('handler', fw.cpu, `SmmDispatcher: start ${rec.name} (entry point ${hex(entryPoint)})`), { module: rec.name, boot: 'driver' });
  const status = yield* def.entry({ m, mod: rec, cpu: fw.cpu });
  rec.entryStatus = status;
  yield tag(ev('handler', fw.cpu, `${rec.name}: entry point returned ${status}`), { status });
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, 'Error: SMM image at %a start failed: %r\n', p11(rec.imageBase), { status });
    rec.state = status === 'EFI_UNSUPPORTED' ? 'unloaded' : 'failed';
    rec.reason = `entry point returned ${status}; image unloaded`;
    bumpTables(m);
  }
  return status;
}

/** SmmDispatcher: returns EFI_SUCCESS, EFI_ALREADY_STARTED, or EFI_NOT_READY (entry point just registered). */
export function* SmmDispatcher(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const smm = m.s.smm;
  if (smm.dispatcherRunning) return 'EFI_ALREADY_STARTED';
  smm.dispatcherRunning = true;
  try {
    const scheduled: ModuleRecord[] = smm.scheduledQueue
      .map((name) => m.s.modules.find((r) => r.name === name))
      .filter((r): r is ModuleRecord => r !== undefined && r.dispatch === 'scheduled');
    smm.scheduledQueue = [];
    for (;;) {
      while (scheduled.length > 0) {
        const rec = scheduled.shift()!;
        const before = smm.priv.smmEntryPointRegistered;
        yield* startImage(fw, rec);
        if (!before && smm.priv.smmEntryPointRegistered) {
          serialNote(m, 'SmmDispatcher: the SMM entry point was just registered: SmmDispatcher returns EFI_NOT_READY');
          yield ev('handler', fw.cpu, 'SmmDispatcher: SMM entry point registered by the driver just started -> return EFI_NOT_READY (the IPL dispatches again, now through an SMI)');
          for (const r of scheduled) r.dispatch = 'scheduled';
          smm.scheduledQueue = scheduled.map((r) => r.name);
          return 'EFI_NOT_READY';
        }
      }
      let readyToLoad = false;
      const dependent = m.s.modules.filter((r) => r.kind === 'DXE_SMM_DRIVER' && (r.dispatch === 'dependent' || r.dispatch === 'discovered'));
      for (const rec of dependent) {
        if (orderingOf(rec)) continue; // BEFORE/AFTER drivers are scheduled around their anchor below
        rec.dispatch = 'dependent';
        if (evaluate(fw, rec)) {
          const anchored = (op: 'BEFORE' | 'AFTER') =>
            dependent.filter((x) => (x.dispatch === 'dependent' || x.dispatch === 'discovered') && orderingOf(x)?.op === op && orderingOf(x)?.guid === rec.fileGuid);
          for (const b of anchored('BEFORE')) (b.dispatch = 'scheduled'), scheduled.push(b);
          rec.dispatch = 'scheduled';
          scheduled.push(rec);
          for (const a of anchored('AFTER')) (a.dispatch = 'scheduled'), scheduled.push(a);
          readyToLoad = true;
        } else {
          rec.state = 'dependent';
          rec.reason = rec.depex === null
            ? 'no [Depex] section: SmmIsSchedulable ASSERTs "All SMM drivers must have a valid depex expression" and returns FALSE'
            : `depex ${rec.depexText} was FALSE at its last evaluation` + (rec.missing.length ? `: not installed then: ${rec.missing.map(guidName).join(', ')}` : '');
          bumpTables(m);
        }
      }
      if (!readyToLoad) break;
    }
    smm.requestDispatch = m.s.modules.some((r) => r.kind === 'DXE_SMM_DRIVER' && r.dispatch !== 'initialized');
    return 'EFI_SUCCESS';
  } finally {
    smm.dispatcherRunning = false;
  }
}

/** SmmDisplayDiscoveredNotDispatched, called from SmmReadyToLockHandler. */
export function displayDiscoveredNotDispatched(fw: Fw): void {
  for (const rec of fw.m.s.modules) {
    if (rec.kind !== 'DXE_SMM_DRIVER' || rec.dispatch === 'initialized') continue;
    DEBUG(fw, DEBUG_LOAD, 'SMM Driver %g was discovered but not loaded!!\n', { guid: rec.fileGuid });
    rec.reason += ' -> at SmmReadyToLock: "discovered but not loaded"';
  }
  bumpTables(fw.m);
}

/**
 * Whether a module's dispatcher record is out of date, and why, read from the dispatcher's state;
 * null when the record is current. SmmDispatcher re-evaluates every Dependent driver after each
 * pass, so a driver's "missing" list is only as new as the last pass: a protocol it waited for may
 * have been installed since (by a driver started later in the same pass) while the dispatcher
 * never ran again, because the boot hung or because SMM dispatch ended at SmmReadyToLock.
 */
export interface StaleRecord {
  /** The honest text ("not evaluated: boot hung in SwDispatch2Locate ..."). */
  text: string;
  /** Why the dispatcher did not get to it, short ("boot hung in SwDispatch2Locate"). */
  why: string;
  /** GUIDs the last evaluation missed that are installed now. */
  installedSince: string[];
  /** GUIDs the depex still misses against the protocols installed now. */
  missingNow: string[];
  /** The depex evaluated now (on a copy: the record is not touched); null when not re-evaluated. */
  wouldBeTrue: boolean | null;
}

export function staleRecord(m: Machine, rec: ModuleRecord): StaleRecord | null {
  const hung = m.s.hung;
  if (hung?.module === rec.name) return null;
  const why = hung
    ? `boot hung in ${hung.module}`
    : m.s.smm.readyToLock
      ? 'PiSmmCore stops dispatching at SmmReadyToLock (SmmReadyToLockHandler unregisters SmmDriverDispatchHandler)'
      : null;
  if (rec.kind !== 'DXE_SMM_DRIVER') {
    // A DXE driver (or PEIM) the boot never reached.
    if (!hung || rec.entryStatus !== null || rec.state === 'dispatched') return null;
    const text = rec.kind === 'SMM_CORE'
      ? `not loaded: boot hung in ${hung.module} before PiSmmIpl loaded the SMM core`
      : `not started: boot hung in ${hung.module} before the ${rec.kind === 'PEIM' ? 'PEI' : 'DXE'} core reached it`;
    return { text, why: `boot hung in ${hung.module}`, installedSince: [], missingNow: [], wouldBeTrue: null };
  }
  if (rec.dispatch === 'initialized' || rec.state === 'failed') return null;
  if (rec.dispatch === 'discovered') {
    if (!hung) return null;
    return { text: `not evaluated: boot hung in ${hung.module} before the SMM dispatcher evaluated this driver's depex`, why: `boot hung in ${hung.module}`, installedSince: [], missingNow: [], wouldBeTrue: null };
  }
  if (rec.dispatch === 'scheduled') {
    if (!hung) return null;
    return { text: `not started: its depex was TRUE and the dispatcher queued it, but the boot hung in ${hung.module} first`, why: `boot hung in ${hung.module}`, installedSince: [], missingNow: [], wouldBeTrue: null };
  }
  const installedSince = rec.missing.filter((g) => isInstalled(m, g));
  if (installedSince.length === 0 || why === null) return null;
  const now = rec.depex ? evaluateDepex(rec.depex.slice(), rec.fileGuid, (g) => isInstalled(m, g)) : null;
  const missingNow = now ? now.missing.map(guidName) : [];
  const names = installedSince.map(guidName);
  const verdict = now === null
    ? ''
    : now.result
      ? ' Evaluated now, it would be TRUE.'
      : ` Evaluated now, it would still be FALSE (missing ${missingNow.join(', ')}).`;
  const head = hung ? `not evaluated: ${why}` : `not re-evaluated: ${why}`;
  return {
    text: `${head}. Its depex was last evaluated (FALSE) before ${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} installed; the dispatcher did not run again.${verdict}`,
    why,
    installedSince: names,
    missingNow,
    wouldBeTrue: now ? now.result : null,
  };
}
