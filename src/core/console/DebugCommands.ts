/** Console commands that drive the debugger: step, back, continue, breakpoints. */

import type { Debugger } from '../debug/Debugger';
import { hex } from '../pi/Fw';
import { type CommandTable, RUN_SLICE } from './CommandShared';
import { checkFlags, checkPositional, ConsoleError, flag, parseNumber } from './ConsoleArgs';

export const DEBUG_COMMANDS: CommandTable = {
  step: {
    usage: 'step [phase|event|smi] [COUNT]',
    help: 'Run the paused SMI to the end of the next phase (default), the next event, or the end of the SMI.',
    run: (s, a) => {
      checkPositional(a, 0, 2, DEBUG_COMMANDS.step.usage);
      let g: 'phase' | 'event' | 'smi' = 'phase';
      let countText: string | undefined;
      for (const p of a.pos) {
        if (p === 'phase' || p === 'event' || p === 'smi') g = p;
        else countText = p;
      }
      const count = countText !== undefined ? parseNumber(countText, 'COUNT', 1_000_000) : 1;
      if (count < 1) throw new ConsoleError('COUNT must be at least 1');
      if (!s.run) throw new ConsoleError(s.m.s.hung ? 'the machine is hung; `platform ovmf` resets' : 'no SMI in progress: raise one with `smi 0x04` (or `communicate ...`)');
      return s.advance(g, g === 'smi' ? 1 : count, RUN_SLICE);
    },
  },
  back: {
    usage: 'back [COUNT] | back --to EVENT',
    help:
      'Reverse-step COUNT events in the paused SMI (not before its first event). --to EVENT goes to any earlier event of the session (the number the timeline and the status show, counted from the end of the boot), across SMIs: ' +
      'the debugger restores the nearest checkpoint before it and replays deterministically; the event\'s SMI is then paused there, and what came after it is forgotten.',
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
      checkPositional(a, 0, 1, DEBUG_COMMANDS.back.usage);
      const count = a.pos[0] !== undefined ? parseNumber(a.pos[0], 'COUNT', 1_000_000) : 1;
      if (!s.run) throw new ConsoleError('no SMI in progress to step back in (`back --to EVENT` goes to an earlier SMI)');
      return s.back(count);
    },
  },
  continue: {
    usage: 'continue',
    help: 'Run the paused SMI to its end or to the next breakpoint.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'continue');
      if (!s.run) throw new ConsoleError('no SMI in progress');
      return s.advance('continue', 1, RUN_SLICE);
    },
  },
  break: {
    usage: 'break smi | break apm VALUE | break handler NAME',
    help: 'Stop when a CPU enters SMM, when VALUE is written to 0xB2, or when handler NAME (e.g. CpuHotplugMmi) is called. Without arguments: list.',
    run: (s, a) => {
      if (a.pos.length === 0) return s.breakpoints.length ? s.breakpoints.map((b) => `${b.id}: ${describeBp(b.spec)} (hits ${b.hits})`) : ['no breakpoints'];
      const kind = a.pos[0];
      if (kind === 'smi') {
        checkPositional(a, 1, 1, 'break smi');
        return [`breakpoint ${s.addBreakpoint({ kind: 'smi' }).id}: smi`];
      }
      if (kind === 'apm') {
        checkPositional(a, 2, 2, 'break apm VALUE');
        const value = parseNumber(a.pos[1], 'VALUE', 0xff);
        return [`breakpoint ${s.addBreakpoint({ kind: 'apm', value }).id}: apm ${hex(value, 2)}`];
      }
      if (kind === 'handler') {
        checkPositional(a, 2, 2, 'break handler NAME');
        const name = a.pos[1];
        const known = [...s.m.defs.values()].flatMap((d) => Object.keys(d.handlers));
        if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) throw new ConsoleError(`no handler "${name}" in this firmware (known: ${known.join(', ')})`);
        return [`breakpoint ${s.addBreakpoint({ kind: 'handler', name }).id}: handler ${name}`];
      }
      throw new ConsoleError(`usage: ${DEBUG_COMMANDS.break.usage}`);
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

function describeBp(b: Parameters<Debugger['addBreakpoint']>[0]): string {
  return b.kind === 'smi' ? 'smi' : b.kind === 'apm' ? `apm ${hex(b.value, 2)}` : `handler ${b.name}`;
}
