/**
 * `smis`: every SMI of the session, the boot's included, grouped by kind (the real OVMF boot
 * makes ~530: SMBASE relocation IPIs in PEI, the first-SMI init, then DXE's Communicates, most of
 * them variable requests), filtered, and reopened one at a time (replayed to its first event).
 */

import { SMI_GROUP_TEXT, type SmiGroup, smiGroup, smiLabel, type SmiListEntry } from '../debug/SmiList';
import type { Debugger } from '../debug/Debugger';
import { type CommandTable } from './CommandShared';
import { checkFlags, checkPositional, ConsoleError, flag, parseNumber } from './ConsoleArgs';

const GROUPS = Object.keys(SMI_GROUP_TEXT) as SmiGroup[];

function line(s: Debugger, e: SmiListEntry): string {
  const r = e.rec;
  const inBoot = e.start <= s.bootEvents || s.bootEvents === 0;
  const calls = r.handlersCalled.length ? r.handlersCalled.map((h) => `${h.handler} -> ${h.returned}`).join(', ') : 'no handlers';
  return `#${String(r.number).padEnd(4)} ${inBoot ? 'boot' : 'you '} events ${e.start}..${e.end || '…'}  ${smiLabel(r)}; BSP ${r.bsp === null ? 'none' : `CPU${r.bsp}`}; ${calls}`;
}

export const SMI_COMMANDS: CommandTable = {
  smis: {
    usage: 'smis [--kind K] [--grep TEXT] [--all] | smis open N',
    help:
      `Every SMI since power-on, the boot's included: a count per kind, then the SMIs that match (--kind ${GROUPS.join('|')}; --grep matches the line's text; --all lists every one; else the last 10). ` +
      '`smis open N` reopens SMI #N in every panel: the debugger replays the session to its first event and pauses there (what came after it is forgotten, as with `back --to`).',
    run: (s, a) => {
      checkFlags(a, ['kind', 'grep', 'all']);
      if (a.pos[0] === 'open') {
        checkPositional(a, 2, 2, 'smis open N');
        const n = parseNumber(a.pos[1], 'N');
        const e = s.smis.byNumber(n);
        if (!e) throw new ConsoleError(`no SMI #${n} in this session (${s.smis.all().length} so far; \`smis\` lists them)`);
        if (s.run && s.eventSeq === e.start) return [`SMI #${n} is already open at its first event`];
        try {
          return [`reopening SMI #${n} (${smiLabel(e.rec)}) at its first event, session event ${e.start}`, ...s.goTo(e.start)];
        } catch (err) {
          if (err instanceof RangeError) throw new ConsoleError(err.message);
          throw err;
        }
      }
      checkPositional(a, 0, 0, SMI_COMMANDS.smis.usage);
      const kind = flag(a, 'kind');
      if (kind !== undefined && !GROUPS.includes(kind as SmiGroup)) throw new ConsoleError(`--kind ${kind}: choose ${GROUPS.join(', ')}`);
      const grep = flag(a, 'grep')?.toLowerCase();
      const all = s.smis.all();
      const boot = all.filter((e) => s.bootEvents === 0 || e.start <= s.bootEvents).length;
      const out = [
        `${all.length} SMI(s) since power-on: ${boot} in the boot, ${all.length - boot} since. That is why the first SMI you raise has a number in the hundreds: the boot's SMIs come first (MSR_SMI_COUNT counts them too).`,
      ];
      for (const g of GROUPS) {
        const n = all.filter((e) => smiGroup(e.rec) === g);
        if (n.length) out.push(`  ${String(n.length).padStart(4)}  ${g.padEnd(11)} ${SMI_GROUP_TEXT[g]}  (#${n[0].rec.number}${n.length > 1 ? `..#${n[n.length - 1].rec.number}` : ''})`);
      }
      let shown = all.filter((e) => (kind === undefined || smiGroup(e.rec) === kind) && (grep === undefined || line(s, e).toLowerCase().includes(grep)));
      const matched = shown.length;
      if (!a.flags.has('all') && shown.length > 10) shown = shown.slice(-10);
      out.push(matched === shown.length ? `${matched} shown:` : `the last ${shown.length} of ${matched} (--all lists them all):`);
      for (const e of shown) out.push('  ' + line(s, e));
      out.push('`smis open N` reopens one.');
      return out;
    },
  },
};
