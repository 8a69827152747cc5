/** Console commands that read the machine: CPUs, registers, save states, memory, tables, state --json. */

import { guidName } from '../lib/Guid';
import { getReg, hex64, REG, REG_NAMES } from '../machine/Registers';
import { fieldAddress, readSaveStateField } from '../machine/SaveStateMap';
import { SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from '../machine/SaveStateField';
import { variableStoreReport } from '../modules/VariableSmm';
import { swDispatchersOf, swRegistrations } from '../modules/SwRegistrations';
import { staleRecord } from '../pi/Dispatcher';
import { hex } from '../pi/Fw';
import { askerText, missingProtocols } from '../pi/MissingProtocols';
import { outCpuOf } from '../pi/SmiRecord';
import { isNarrow } from './Columns';
import { type CommandTable, hexDump, hexDumpPerRow } from './CommandShared';
import { checkFlags, checkPositional, ConsoleError, parseNumber } from './ConsoleArgs';
import { narrowCpus, narrowLines, narrowRegs, narrowSavestate } from './NarrowOutput';
import { stateJson } from './StateJson';

/** `lines` as they are, or wrapped at word boundaries when the terminal is narrow. */
function fitted(lines: string[], cols: number): string[] {
  return isNarrow(cols) ? narrowLines(lines, cols) : lines;
}

export const INSPECT_COMMANDS: CommandTable = {
  cpus: {
    usage: 'cpus',
    help: 'One line per CPU: SMBASE, in SMM, MSR_SMI_COUNT, activity, RIP, RAX.',
    run: (s, a, cols) => {
      checkPositional(a, 0, 0, 'cpus');
      if (isNarrow(cols)) return narrowCpus(s, cols);
      const smi = s.m.s.currentSmi ?? s.m.s.lastSmi;
      const outCpu = outCpuOf(smi);
      return s.m.s.cpus.map(
        (c) =>
          `CPU${String(c.index).padEnd(3)} SMBASE=${hex(c.smbase, 8)} ${c.inSmm ? 'in SMM ' : 'OS     '} SMI_COUNT=${String(c.smiCount).padEnd(4)} ${c.activity.padEnd(12)} RIP=${hex64(getReg(c.regs, REG.RIP))} RAX=${hex64(getReg(c.regs, REG.RAX))}` +
          (outCpu === c.index ? ' [OUT]' : '') +
          (smi?.bsp === c.index ? ' [BSP]' : ''),
      );
    },
  },
  regs: {
    usage: 'regs CPU',
    help: 'The CPU\'s live registers (in SMM: the SMM entry state; the interrupted state is in `savestate`).',
    run: (s, a, cols) => {
      checkPositional(a, 1, 1, 'regs CPU');
      const n = parseNumber(a.pos[0], 'CPU');
      const c = s.m.s.cpus[n];
      if (!c) throw new ConsoleError(`CPU ${n}: this machine has CPUs 0..${s.m.s.cpus.length - 1}`);
      const out = [`CPU${n} ${c.inSmm ? '(in SMM)' : '(OS)'} SMBASE=${hex(c.smbase, 8)} MSR_SMI_COUNT=${c.smiCount}${c.halted ? ' halted' : ''}`];
      if (isNarrow(cols)) return narrowRegs(s, n, out[0], cols);
      for (let i = 0; i < REG_NAMES.length; i += 4) {
        out.push(REG_NAMES.slice(i, i + 4).map((r) => `${r.padEnd(10)}=${hex64(getReg(c.regs, REG[r]))}`).join('  '));
      }
      return out;
    },
  },
  savestate: {
    usage: 'savestate CPU [--raw]',
    help: 'Decode the CPU\'s save-state map from SMRAM bytes (offsets from SMBASE+0x8000); --raw dumps the 0x400 bytes.',
    run: (s, a, cols) => {
      checkFlags(a, ['raw']);
      checkPositional(a, 1, 1, 'savestate CPU [--raw]');
      const n = parseNumber(a.pos[0], 'CPU');
      const c = s.m.s.cpus[n];
      if (!c) throw new ConsoleError(`CPU ${n}: this machine has CPUs 0..${s.m.s.cpus.length - 1}`);
      const base = c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
      const head = `CPU${n} save state at ${hex(base, 8)}..${hex(base + SMRAM_SAVE_STATE_MAP_SIZE - 1, 8)}, layout ${s.m.layout.name}${c.inSmm ? '' : ' (not in SMM: what the last entry left)'}`;
      if (a.flags.has('raw')) return [...(isNarrow(cols) ? narrowLines([head], cols) : [head]), ...hexDump(s.m, base, SMRAM_SAVE_STATE_MAP_SIZE, hexDumpPerRow(cols))];
      if (isNarrow(cols)) return narrowSavestate(s, n, head, cols);
      return [
        head,
        ...s.m.layout.fields.map((f) => {
          const v = readSaveStateField(s.m.s.mem, c.smbase, f);
          return `  ${hex(f.offset, 4)} ${hex(fieldAddress(c.smbase, f), 8)} ${f.name.padEnd(16)} ${hex(v, 2 * f.size).padEnd(18)}${f.written ? '' : ` (not written by ${s.m.layout.writerShort})`}`;
        }),
      ];
    },
  },
  x: {
    usage: 'x ADDR [LEN]',
    help: 'Hex dump of physical memory (SMRAM included: the debugger sees through the lock).',
    run: (s, a, cols) => {
      checkPositional(a, 1, 2, 'x ADDR [LEN]');
      const addr = parseNumber(a.pos[0], 'ADDR', 0xffffffff);
      const len = a.pos[1] !== undefined ? parseNumber(a.pos[1], 'LEN', 0x10000) : 0x80;
      if (len === 0) throw new ConsoleError('LEN must be at least 1');
      return hexDump(s.m, addr, len, hexDumpPerRow(cols));
    },
  },
  handlers: {
    usage: 'handlers',
    help: 'Root MMI handlers in dispatch order, GUID handlers, SW registrations.',
    run: (s, a, cols) => {
      checkPositional(a, 0, 0, 'handlers');
      const smm = s.m.s.smm;
      const out = ['root MMI handlers (MmiManage (NULL) walks all of them, in this order, on every SMI):'];
      smm.root.forEach((h, i) => out.push(`  ${i + 1}. ${h.module}.${h.handler}  DispatchHandle=${hex(h.handle)}${h.toRemove ? ' ToRemove' : ''}`));
      if (!smm.root.length) out.push('  (none)');
      out.push('GUID handlers (Communicate targets):');
      for (const e of smm.entries) for (const h of e.handlers) out.push(`  ${guidName(e.guid)}: ${h.module}.${h.handler}  DispatchHandle=${hex(h.handle)}${h.toRemove ? ' ToRemove' : ''}`);
      const sw = swRegistrations(s.m);
      const dispatchers = swDispatchersOf(s.m);
      if (sw.length === 0) {
        out.push(`SW MMI registrations (EFI_MM_SW_DISPATCH_PROTOCOL): none${dispatchers.length ? '' : ' - stock OVMF has no SW dispatcher (try --module GenericSwDispatcher)'}`);
      } else {
        out.push(`SW MMI registrations (${dispatchers.join(', ')}, called from its root handler):`);
        for (const r of sw) out.push(`  ${hex(r.value, 2)}: ${r.module}.${r.handler}  DispatchHandle=${hex(r.handle)}`);
      }
      return fitted(out, cols);
    },
  },
  variables: {
    usage: 'variables',
    help: 'The UEFI variable stores VariableSmm keeps (the volatile one in SMRAM, the NV one in the OVMF_VARS flash), decoded from their bytes.',
    run: (s, a, cols) => {
      checkPositional(a, 0, 0, 'variables');
      return fitted(variableStoreReport(s.m), cols);
    },
  },
  protocols: {
    usage: 'protocols',
    help: 'The SMM protocol database, the UEFI protocols SMM depexes can see, and the GUIDs modules looked up (SmmLocateProtocol / gBS->LocateProtocol) or need in their depex but nobody installed: who asked, what they got, and whether any module of this firmware produces it.',
    run: (s, a, cols) => {
      checkPositional(a, 0, 0, 'protocols');
      const list = (title: string, entries: readonly { guid: string; module: string }[]) => [title, ...entries.map((p) => `  ${guidName(p.guid).padEnd(36)} ${p.guid}  ${p.module}`)];
      const out = [...list('SMM protocol database (gSmst->SmmLocateProtocol):', s.m.s.smm.protocols), ...list('UEFI boot-services protocols (depex PUSH falls back to these):', s.m.s.uefiProtocols)];
      const missing = missingProtocols(s.m);
      out.push(`Looked up or depended on, but not installed (${missing.length}):`);
      for (const p of missing) {
        out.push(`  ${p.name} ${p.guid}`);
        for (const a of p.askedBy) out.push(`    ${askerText(a)}`);
        out.push(`    ${p.note}`);
      }
      return fitted(out, cols);
    },
  },
  modules: {
    usage: 'modules',
    help: 'Modules with dispatch state, image base and why (a module the dispatcher never re-evaluated because the boot hung says so), each with its edk2 .inf path and what it does.',
    run: (s, a, cols) => {
      checkPositional(a, 0, 0, 'modules');
      const w = Math.max(...s.m.s.modules.map((r) => r.name.length));
      const out = s.m.s.modules.flatMap((r) => {
        const def = s.m.defs.get(r.name);
        const stale = staleRecord(s.m, r);
        return [
          `${r.name.padEnd(w)} ${r.state.padEnd(10)} ${r.imageBase ? hex(r.imageBase, 8) : '-'.padEnd(10)} ${stale ? stale.text : r.reason}`,
          `${''.padEnd(w)}   ${def?.path ?? "(SmiScope's own, not in edk2)"}: ${def?.summary ?? ''}`,
        ];
      });
      return fitted(out, cols);
    },
  },
  state: {
    usage: 'state --json',
    help: 'The whole machine state as one JSON object (the public contract, see README).',
    run: (s, a) => {
      checkFlags(a, ['json']);
      checkPositional(a, 0, 0, 'state --json');
      if (!a.flags.has('json')) throw new ConsoleError('usage: state --json');
      return [JSON.stringify(stateJson(s), null, 2)];
    },
  },
};
