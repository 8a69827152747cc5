/** Breakpoints: stop when an SMI enters SMM, when APM_CNT gets a value, or when a handler is entered. */

import type { TraceEvent } from '../pi/Fw';

export type BreakpointSpec = { kind: 'smi' } | { kind: 'apm'; value: number } | { kind: 'handler'; name: string };

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
      return `apm 0x${b.value.toString(16).toUpperCase().padStart(2, '0')} (OUT to 0xB2 with this value)`;
    case 'handler':
      return `handler ${b.name}`;
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
  }
}
