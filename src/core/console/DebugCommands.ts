/** Console commands that drive the debugger: step, back, continue, breakpoints. */

import { breakLine, type BreakpointSpec } from '../debug/Breakpoints';
import type { CStepMode } from '../debug/CStepper';
import { cSourceLine } from './SourceBreak';
import { EFI_STATUS_TABLE } from '../lib/EfiStatus';
import { parseGuid } from '../lib/Guid';
import { SAMPLE_MODULES } from '../profiles/ovmf';
import { type CommandTable, RUN_SLICE } from './CommandShared';
import { checkFlags, checkPositional, ConsoleError, flag, parseNumber } from './ConsoleArgs';

export const DEBUG_COMMANDS: CommandTable = {
  step: {
    usage: 'step [phase|event|smi] [COUNT] | step line|over|into|out [COUNT]',
    help:
      'Run the paused SMI to the end of the next phase (default), the next event, or the end of the SMI. In a paused boot, a phase is PEI, a driver\'s entry point, a DXE event (dispatch pass, EndOfDxe, ReadyToLock, ReadyToBoot, ExitBootServices) or the start of an SMI, and `step smi` runs to the end of the SMI in progress (or of the next one).\n' +
      'In SMM-C code: `step over` (or `step line`) runs to the next line of this function (calls run through), `step into` also stops in the functions it calls, `step out` runs until this function has returned. When C returns to the firmware first, the step ends at the firmware\'s next event. From an event, `step into` stops at the first C line that runs (or at the next event).',
    run: (s, a) => {
      checkPositional(a, 0, 2, DEBUG_COMMANDS.step.usage);
      let g: 'phase' | 'event' | 'smi' | 'c' = 'phase';
      let mode: CStepMode | null = null;
      let countText: string | undefined;
      for (const p of a.pos) {
        if (p === 'phase' || p === 'event' || p === 'smi') g = p;
        else if (p === 'line' || p === 'over' || p === 'into' || p === 'out') {
          g = 'c';
          mode = p === 'line' ? 'over' : p;
        } else countText = p;
      }
      const count = countText !== undefined ? parseNumber(countText, 'COUNT', 1_000_000) : 1;
      if (count < 1) throw new ConsoleError('COUNT must be at least 1');
      if (!s.run) throw new ConsoleError(s.m.s.hung ? 'the machine is hung; `platform ovmf` resets' : 'no SMI in progress: raise one with `smi 0x04` (or `communicate ...`)');
      const boot = s.run.start.kind === 'boot';
      if (mode !== null) {
        const out: string[] = [];
        for (let i = 0; i < count && s.run; i++) {
          s.c.begin(mode);
          const lines = s.advance('c', 1, RUN_SLICE);
          out.push(...lines);
          if (lines.some((l) => l.startsWith('breakpoint '))) break;
        }
        return out;
      }
      return s.advance(g, g === 'smi' && !boot ? 1 : count, RUN_SLICE);
    },
  },
  back: {
    usage: 'back [COUNT] | back phase [COUNT] | back --to EVENT',
    help:
      'Reverse-step COUNT events in the paused run (an SMI, or the boot; not before its first event); `back phase` goes back to the start of the previous phase (in the boot: the previous driver entry, DXE event or SMI start). --to EVENT goes to any earlier event of the session (the number the timeline shows, counted from power-on: the boot\'s events come first), across runs: ' +
      'the debugger restores the nearest checkpoint before it and replays deterministically; that run is then paused there, and what came after it is forgotten.',
    run: (s, a) => {
      checkFlags(a, ['to']);
      const to = flag(a, 'to');
      if (to !== undefined) {
        checkPositional(a, 0, 0, DEBUG_COMMANDS.back.usage);
        const pos = parseNumber(to, '--to');
        if (pos < 1) throw new ConsoleError('--to: events are numbered from 1');
        if (pos > s.eventSeq) throw new ConsoleError(`--to ${pos}: the session is at event ${s.eventSeq}; back goes only backwards`);
        try {
          return s.goTo(pos);
        } catch (e) {
          if (e instanceof RangeError) throw new ConsoleError(`--to: ${e.message}`);
          throw e;
        }
      }
      checkPositional(a, 0, 2, DEBUG_COMMANDS.back.usage);
      const phase = a.pos[0] === 'phase';
      const countText = phase ? a.pos[1] : a.pos[0];
      if (!phase && a.pos.length > 1) throw new ConsoleError(`usage: ${DEBUG_COMMANDS.back.usage}`);
      const count = countText !== undefined ? parseNumber(countText, 'COUNT', 1_000_000) : 1;
      if (count < 1) throw new ConsoleError('COUNT must be at least 1');
      if (!s.run) throw new ConsoleError('nothing is paused to step back in (`back --to EVENT` goes to an earlier SMI or into the boot; `smis` lists them)');
      return phase ? s.backPhase(count) : s.back(count);
    },
  },
  continue: {
    usage: 'continue',
    help: 'Run the paused SMI (or the paused boot) to its end or to the next breakpoint.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'continue');
      if (!s.run) throw new ConsoleError('no SMI in progress');
      return s.advance('continue', 1, RUN_SLICE);
    },
  },
  break: {
    usage: 'break smi | apm VALUE | handler NAME | locate GUID | module NAME | status NAME|ERROR | FILE.c:LINE',
    help:
      'Stop (in the boot as in an SMI) when a CPU enters SMM, when VALUE is written to 0xB2, when handler NAME (e.g. CpuHotplugMmi) is called, when a module looks up protocol GUID (gSmst->SmmLocateProtocol; a C name like gEfiSmmSwDispatch2ProtocolGuid or 8-4-4-4-12), ' +
      'when module NAME\'s entry point is called, when a firmware service, handler or entry point returns status NAME (EFI_NOT_FOUND) or any error (ERROR), or when SMM-C code reaches LINE of FILE.c (a line without a statement moves to the next one that has one). Breakpoints set before `platform` / `reset` stop the boot. Without arguments: list.',
    run: (s, a) => {
      if (a.pos.length === 0) return s.breakpoints.length ? s.breakpoints.map((b) => `${b.id}: ${breakLine(b.spec).slice(6)} (hits ${b.hits})`) : ['no breakpoints'];
      const kind = a.pos[0];
      const add = (spec: BreakpointSpec) => {
        const b = s.addBreakpoint(spec);
        return [`breakpoint ${b.id}: ${breakLine(spec).slice(6)}`];
      };
      if (kind === 'smi') {
        checkPositional(a, 1, 1, 'break smi');
        return add({ kind: 'smi' });
      }
      if (kind === 'apm') {
        checkPositional(a, 2, 2, 'break apm VALUE');
        return add({ kind: 'apm', value: parseNumber(a.pos[1], 'VALUE', 0xff) });
      }
      if (kind === 'handler') {
        checkPositional(a, 2, 2, 'break handler NAME');
        const name = a.pos[1];
        const known = [...new Set([...s.m.defs.values(), ...SAMPLE_MODULES.map((d) => d.def())].flatMap((d) => Object.keys(d.handlers)))];
        if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) throw new ConsoleError(`no handler "${name}" in this firmware (known: ${known.join(', ')})`);
        return add({ kind: 'handler', name });
      }
      if (kind === 'locate') {
        checkPositional(a, 2, 2, 'break locate GUID');
        const guid = parseGuid(a.pos[1]);
        if (!guid) throw new ConsoleError(`GUID: "${a.pos[1]}" is neither a known C name (e.g. gEfiSmmSwDispatch2ProtocolGuid) nor 8-4-4-4-12 hex`);
        return add({ kind: 'locate', guid });
      }
      if (kind === 'module') {
        checkPositional(a, 2, 2, 'break module NAME');
        const known = [...new Set([...s.m.s.modules.map((r) => r.name), ...SAMPLE_MODULES.map((d) => d.name), 'PiSmmCore'])];
        const name = known.find((k) => k.toLowerCase() === a.pos[1].toLowerCase());
        if (!name) throw new ConsoleError(`no module "${a.pos[1]}" (known: ${known.join(', ')})`);
        return add({ kind: 'module', name });
      }
      if (kind === 'status') {
        checkPositional(a, 2, 2, 'break status NAME|ERROR');
        const t = a.pos[1].toUpperCase();
        if (t === 'ERROR') return add({ kind: 'status', status: 'ERROR' });
        const name = t.startsWith('EFI_') ? t : `EFI_${t}`;
        if (!(name in EFI_STATUS_TABLE)) throw new ConsoleError(`status "${a.pos[1]}": not an EFI_STATUS name (e.g. EFI_NOT_FOUND, EFI_ACCESS_DENIED) nor ERROR`);
        return add({ kind: 'status', status: name });
      }
      const fileLine = /^(.+\.[ch]):(\d+)$/i.exec(kind);
      if (fileLine) {
        checkPositional(a, 1, 1, 'break FILE.c:LINE');
        return add(cSourceLine(s, fileLine[1], Number(fileLine[2])));
      }
      throw new ConsoleError(`usage: break ${DEBUG_COMMANDS.break.usage.slice(6)}`);
    },
  },
  delete: {
    usage: 'delete N',
    help: 'Delete breakpoint N.',
    run: (s, a) => {
      checkPositional(a, 1, 1, 'delete N');
      const id = parseNumber(a.pos[0], 'N');
      const i = s.breakpoints.findIndex((b) => b.id === id);
      if (i < 0) throw new ConsoleError(`no breakpoint ${id}`);
      s.breakpoints.splice(i, 1);
      return [`deleted breakpoint ${id}`];
    },
  },
};
