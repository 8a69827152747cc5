/**
 * The boot as the debugger runs it: the run that starts every history (power-on to the OS,
 * system/OvmfBoot bootOvmf), the cache of finished boots, and what a hang prints, with the event
 * that explains it.
 */

import type { CpuDeadLoop, Gen, TraceEvent } from '../pi/Fw';
import type { Machine } from '../pi/Platform';
import { bootMachine } from '../system/Boot';
import { EFI_STATUS_TABLE, type EfiStatus, isError } from '../lib/EfiStatus';
import type { BootRecord } from './History';
import type { SmiList } from './SmiList';
import type { Timeline } from './Timeline';

/** How a run began, so it can be replayed from its checkpoint. */
export type RunStart =
  | { kind: 'lifecycle' | 'boot'; make: (m: Machine) => Gen<unknown>; describe: string; onDone: (m: Machine, result: unknown) => string[] };

/** The boot: power-on to the OS, the first run of every history. */
export const BOOT_RUN: RunStart = {
  kind: 'boot',
  describe: 'boot',
  make: (m) => bootMachine(m),
  onDone: (m) => [bootDoneLine(m)],
};

function bootDoneLine(m: Machine): string {
  return `boot done: ${m.s.smiSeq} SMIs since power-on (PEI's SMBASE relocation, PiSmmCpuDxeSmm's first-SMI init, then every Communicate of DXE and ExitBootServices): the next SMI is #${m.s.smiSeq + 1}. \`smis\` lists them all.`;
}

/** The event that explains a hang (the failing service call before the ASSERT), by session event number. */
export interface HangCause {
  seq: number;
  text: string;
}

/**
 * A finished boot (a boot is a pure function of its configuration): its history (checkpoints at
 * power-on and at its end, never written), its last timeline events, its SMI list and what it
 * printed. A second boot of the same configuration, with no breakpoint that could stop it,
 * starts from there instead of running its ~520 SMIs again; `back` into it replays.
 */
export interface CachedBoot {
  rec: BootRecord<RunStart>;
  tl: Timeline;
  smis: SmiList;
  eventSeq: number;
  out: string[];
  hangCause: HangCause | null;
}
export const BOOT_CACHE = new Map<string, CachedBoot>();
export const BOOT_CACHE_LIMIT = 8;

const failed = (e: TraceEvent) => e.tags?.status !== undefined && e.tags?.status in EFI_STATUS_TABLE && isError(e.tags?.status as EfiStatus);

/**
 * The event that explains a hang: the newest event before it (within the last 400) where a
 * service, handler or entry point returned an error status, preferring one of the hung module.
 */
export function findHangCause(tl: Timeline, eventSeq: number, module: string): HangCause | null {
  const seq = tl.findBack(eventSeq + 1, (e) => failed(e) && e.text.startsWith(module), 400) || tl.findBack(eventSeq + 1, failed, 400);
  return seq ? { seq, text: tl.at(seq)!.text } : null;
}

/** What a hang prints (the boot's hang says more: it is where the seed's module fails). */
export function hangLines(m: Machine, e: CpuDeadLoop, inSmm: boolean, boot: boolean, cause: HangCause | null): string[] {
  const why = cause ? [`the event that explains it: #${cause.seq} ${cause.text}`] : [];
  if (!boot) return [`HUNG: ${e.message}`, `CPU${e.cpu} spins in CpuDeadLoop()${inSmm ? ' inside SMM; the other CPUs wait for it forever' : ''}. \`platform ovmf\` resets.`, ...why];
  return [
    `boot HUNG: ${e.message}`,
    inSmm
      ? `CPU${e.cpu} spins in CpuDeadLoop() inside SMM (module ${e.module}). See the debugcon log and the Modules table; reset with \`platform ovmf\`.`
      : `CPU${e.cpu} spins in CpuDeadLoop() outside SMM (module ${e.module})${m.s.modules.find((x) => x.name === 'PiSmmIpl')?.state !== 'dispatched' ? ': the boot stops in DXE, before the SMM IPL (PiSmmIpl) ran' : ''}. See the debugcon log and the Modules table; reset with \`platform ovmf\`.`,
    ...why,
  ];
}
