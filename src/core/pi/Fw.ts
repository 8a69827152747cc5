/**
 * How firmware runs in the model: every firmware function (module entry points, MMI handlers,
 * SMST services, the SMI lifecycle) is a generator that yields a TraceEvent wherever a debugger
 * may stop. Live generator frames are not serializable; state lives in MachineState (plain data)
 * and a step inside an SMI is reached again by deterministic replay from the SMI's checkpoint.
 */

import type { Phase } from '../../protocol/messages';
import type { Machine } from '../machine/Machine';
import type { EfiStatus } from './EfiStatus';
import type { ModuleRecord } from './ModuleRecord';

export interface TraceEvent {
  phase: Phase;
  /** -1 when the event belongs to no single CPU. */
  cpu: number;
  level: 'phase' | 'event';
  text: string;
  /** Set on handler entry, for `break handler NAME`. */
  handler?: string;
  /** Set on the OUT to APM_CNT (0xB2), for `break apm VALUE`. */
  apm?: number;
}

export type Gen<T = void> = Generator<TraceEvent, T, void>;

/** CpuDeadLoop() after a failed ASSERT: the CPU spins in SMM forever (DEBUG build). */
export class CpuDeadLoop extends Error {
  constructor(readonly cpu: number, readonly module: string, message: string) {
    super(message);
  }
}

/** The context a firmware function runs in: the machine, its module, the CPU executing it. */
export interface Fw {
  m: Machine;
  mod: ModuleRecord;
  cpu: number;
}

/**
 * EFI_SMM_HANDLER_ENTRY_POINT2: (DispatchHandle, Context, CommBuffer, CommBufferSize).
 * CommBuffer is a physical address (0 = NULL); CommBufferSize is the UINTN the caller passes by
 * pointer (null = NULL), so a handler can change it as edk2 handlers do.
 */
export type MmiHandlerFn = (
  fw: Fw,
  dispatchHandle: number,
  context: number,
  commBuffer: number,
  commBufferSize: { value: number } | null,
) => Gen<EfiStatus>;

export type EntryPointFn = (fw: Fw) => Gen<EfiStatus>;

/**
 * EFI_MM_NOTIFY_FN: (Protocol, Interface, Handle), called by SmmInstallProtocolInterface for every
 * notification registered on the protocol with SmmRegisterProtocolNotify (PiSmmCore Notify.c).
 */
export type NotifyFn = (fw: Fw, protocol: string, iface: number) => Gen<EfiStatus>;

export function ev(phase: Phase, cpu: number, text: string, level: 'phase' | 'event' = 'event'): TraceEvent {
  return { phase, cpu, level, text };
}

/**
 * An event whose text is formatted only when someone reads it (the debugger records it at once;
 * a benchmark or `--run` never does), so the per-CPU hot path does no string work.
 */
export function lazyEv(phase: Phase, cpu: number, fmt: () => string, level: 'phase' | 'event' = 'event'): TraceEvent {
  return new LazyEvent(phase, cpu, level, fmt);
}

class LazyEvent implements TraceEvent {
  handler?: string;
  apm?: number;
  private cached: string | undefined;
  constructor(
    readonly phase: Phase,
    readonly cpu: number,
    readonly level: 'phase' | 'event',
    private readonly fmt: () => string,
  ) {}
  get text(): string {
    return (this.cached ??= this.fmt());
  }
}

export function hex(n: number | bigint, width = 0): string {
  return '0x' + n.toString(16).toUpperCase().padStart(width, '0');
}
