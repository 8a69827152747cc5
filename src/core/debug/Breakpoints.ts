/**
 * Breakpoints: stop when an SMI enters SMM, when APM_CNT gets a value, when a handler is entered,
 * when a protocol GUID is looked up, when a module's entry point is called, or when a firmware
 * service / handler / entry point returns a status. They match events, so they stop the boot
 * (platform / reset) exactly as they stop an SMI.
 */

import { hex, type TraceEvent } from '../pi/Fw';
import { guidName } from '../lib/Guid';
import { EFI_STATUS_TABLE, type EfiStatus, isError } from '../lib/EfiStatus';

export type BreakpointSpec =
  | { kind: 'smi' }
  | { kind: 'apm'; value: number }
  | { kind: 'handler'; name: string }
  /** SmmLocateProtocol / LocateProtocol of this GUID (lower-case 8-4-4-4-12). */
  | { kind: 'locate'; guid: string }
  /** The entry point of this module is called. */
  | { kind: 'module'; name: string }
  /** A firmware service, handler or entry point returns this status (an EFI_STATUS name). */
  | { kind: 'status'; status: string }
  /** A line of SMM-C source (debug/CStepper checks it at each C statement; no event matches it). */
  | { kind: 'line'; file: string; line: number };

export interface Breakpoint {
  id: number;
  spec: BreakpointSpec;
  hits: number;
}

export function describeBreakpoint(b: BreakpointSpec): string {
  switch (b.kind) {
    case 'smi':
      return 'smi (any CPU enters SMM)';
    case 'apm':
      return `apm ${hex(b.value, 2)} (OUT to 0xB2 with this value)`;
    case 'handler':
      return `handler ${b.name}`;
    case 'locate':
      return `locate ${guidName(b.guid)} (SmmLocateProtocol / LocateProtocol of it)`;
    case 'module':
      return `module ${b.name} (its entry point is called)`;
    case 'status':
      return b.status === 'ERROR' ? 'status ERROR (a service, handler or entry point returns an error status)' : `status ${b.status} (a service, handler or entry point returns it)`;
    case 'line':
      return `${b.file}:${b.line} (SMM-C source line)`;
  }
}

/** The console line that sets `b` (a session file replays it before the boot). */
export function breakLine(b: BreakpointSpec): string {
  switch (b.kind) {
    case 'smi':
      return 'break smi';
    case 'apm':
      return `break apm ${hex(b.value, 2)}`;
    case 'handler':
      return `break handler ${b.name}`;
    case 'locate':
      return `break locate ${b.guid}`;
    case 'module':
      return `break module ${b.name}`;
    case 'status':
      return `break status ${b.status}`;
    case 'line':
      return `break ${b.file}:${b.line}`;
  }
}

export function matches(b: BreakpointSpec, e: TraceEvent, firstSaveOfSmi: boolean): boolean {
  switch (b.kind) {
    case 'smi':
      return e.phase === 'save-state' && firstSaveOfSmi;
    case 'apm':
      return e.apm === b.value;
    case 'handler':
      return e.handler !== undefined && e.handler.toLowerCase() === b.name.toLowerCase();
    case 'locate':
      return e.tags?.locate === b.guid;
    case 'module':
      return e.tags?.module !== undefined && e.tags.module.toLowerCase() === b.name.toLowerCase();
    case 'status':
      return e.tags?.status !== undefined && (b.status === 'ERROR' ? e.tags?.status in EFI_STATUS_TABLE && isError(e.tags?.status as EfiStatus) : e.tags?.status === b.status);
    case 'line':
      return false;
  }
}
