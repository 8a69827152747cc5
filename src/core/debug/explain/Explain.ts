/**
 * The Explain panel's text: for the event the debugger stands on (the paused event of a run, or
 * the last event of the last step; after `back`, the event it went back to), two to four plain
 * sentences of what happened and why, the upstream function it follows, and "look here" pointers
 * at the panels, rows and bytes involved. Built from the event (phase, CPU, tags, the structured
 * parts of its text) and the platform; an event no rule knows gets its phase's sentence, nothing
 * invented. A hung machine is explained as a whole; a stop at a C line as such.
 */

import type { TraceEvent } from '../../pi/Fw';
import type { Machine } from '../../pi/Platform';
import type { HangCause } from '../BootRun';
import type { Explanation, LookHere } from '../ViewTypes';
import { BOOT_RULES, explainBootDone, explainCStop, explainHang } from './ExplainBoot';
import { MMI_RULES } from './ExplainMmi';
import { PHASE_SENTENCES, SMI_RULES } from './ExplainSmi';
import { type ExplainContext, type ExplainRule, look } from './ExplainTypes';

/** What the explanation needs to know of the debugger (a Debugger has all of it). */
export interface ExplainSource {
  m: Machine;
  eventSeq: number;
  bootEvents: number;
  run: { start: { kind: string } } | null;
  lastEvent: TraceEvent | null;
  hangCause: HangCause | null;
  timelineEvents(): readonly TraceEvent[];
}

const RULES: ExplainRule[] = [...SMI_RULES, ...MMI_RULES, ...BOOT_RULES];

/** The event the debugger stands on: the paused one, else the newest of the timeline. */
function currentEvent(s: ExplainSource): TraceEvent | null {
  if (s.run && s.lastEvent) return s.lastEvent;
  const tl = s.timelineEvents();
  return tl.length > 0 ? tl[tl.length - 1] : null;
}

/** What the explanation is about: it changes when the event, the hang or the C stop changes. */
export function explainKey(s: ExplainSource, timelineEpoch: number): string {
  const e = currentEvent(s);
  const c = e?.cstop;
  return `${timelineEpoch}:${s.eventSeq}:${s.m.s.hung ? 'h' : ''}:${c ? `${c.file}:${c.line}:${c.cpu}` : ''}:${s.m.s.config.profile}`;
}

function contextOf(s: ExplainSource, e: TraceEvent): ExplainContext {
  const tl = s.timelineEvents();
  const boot = s.run ? s.run.start.kind === 'boot' : s.eventSeq <= s.bootEvents;
  return { m: s.m, event: e, seq: s.eventSeq, before: tl, boot, pch: s.m.s.config.profile === 'pch' };
}

/** Explains one event with the rules, or with its phase's sentence. */
export function explainEvent(x: ExplainContext): Omit<Explanation, 'seq'> {
  const e = x.event;
  const text = e.text;
  for (const r of RULES) {
    if (!r.phases.includes(e.phase)) continue;
    const mm = r.re.exec(text);
    if (mm) return r.say(x, mm);
  }
  return generic(x);
}

/** An event no rule knows: what its phase is, the event itself, and where to look. */
function generic(x: ExplainContext): Omit<Explanation, 'seq'> {
  const e = x.event;
  const first = e.text.split(/;|: | -> /)[0].trim();
  const sentences = [PHASE_SENTENCES[e.phase] ?? 'The machine ran one more step.'];
  if (x.boot) sentences.unshift('This happens during the boot, before the OS runs.');
  sentences.push(`The event itself: "${first.length > 140 ? first.slice(0, 137) + '...' : first}" (the timeline has it whole).`);
  const lk: LookHere[] = [];
  if (e.cpu >= 0) lk.push(look.cpu(e.cpu, `CPU ${e.cpu}`));
  if (e.tags?.module) lk.push(look.module(e.tags.module, `${e.tags.module} in Modules`));
  if (e.handler) lk.push(look.handler(e.handler, e.handler));
  lk.push(look.timeline('the event in the timeline'));
  return { title: titleOf(e, x.boot), sentences, look: lk };
}

const PHASE_TITLES: Record<string, string> = {
  trigger: 'Trigger',
  'smi-delivery': 'SMI# delivery',
  'save-state': 'Save state',
  rendezvous: 'Rendezvous',
  'smm-entry': 'SmmEntryPoint',
  communicate: 'Communicate',
  'mmi-manage': 'MmiManage',
  handler: 'Handlers',
  exit: 'Exit',
  rsm: 'RSM',
  done: 'Done',
};

function titleOf(e: TraceEvent, boot: boolean): string {
  const phase = PHASE_TITLES[e.phase] ?? e.phase;
  return boot ? `Boot: ${phase.toLowerCase()}` : phase;
}

/**
 * The explanation of the current step, or null before anything ran (no event yet). The session
 * event number says which event it explains (0 for a hang explained as a whole).
 */
export function explainStep(s: ExplainSource): Explanation | null {
  const hung = s.m.s.hung;
  const e = currentEvent(s);
  if (hung && !(s.run && e?.cstop)) {
    const boot = s.run ? s.run.start.kind === 'boot' : s.eventSeq <= s.bootEvents;
    return { seq: s.eventSeq, ...explainHang({ boot }, hung, s.hangCause) };
  }
  if (!e) return null;
  if (!s.run && s.bootEvents > 0 && s.eventSeq === s.bootEvents) return { seq: s.eventSeq, ...explainBootDone(s.m) };
  if (e.cstop) return { seq: s.eventSeq, ...explainCStop(e.cstop) };
  const x = contextOf(s, e);
  const out = explainEvent(x);
  return { seq: s.eventSeq, ...out, sentences: out.sentences.slice(0, 4) };
}
