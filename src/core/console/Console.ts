/**
 * The console language, shared by the page's terminal and the `smiscope` CLI. A public contract:
 * extend, don't rename. Numbers take 0x.. hex or decimal. A bad line says what is wrong and changes
 * nothing.
 */

import type { Debugger } from '../debug/Debugger';
import { hex } from '../pi/Fw';
import { MAX_CPUS, SAMPLE_MODULES } from '../profiles/ovmf';
import { isPlatformName, PLATFORM_NAMES, PLATFORM_SUMMARY } from '../profiles/Platforms';
import { DEFAULT_COLUMNS, isNarrow, wrap } from './Columns';
import { type CommandTable, RUN_SLICE } from './CommandShared';
import { checkFlags, checkPositional, ConsoleError, flag, parseLine, parseNumber } from './ConsoleArgs';
import { DEBUG_COMMANDS } from './DebugCommands';
import { narrowHelp } from './HelpLayout';
import { INSPECT_COMMANDS } from './InspectCommands';
import { RUN_COMMANDS } from './RunCommands';
import { SMI_COMMANDS } from './SmiCommands';
import { SOURCE_COMMANDS } from './SourceCommands';

export { ConsoleError, isReadOnlyLine, parseNumber, tokenize } from './ConsoleArgs';
export { RUN_SLICE };

const COMMANDS: CommandTable = {
  help: {
    usage: 'help [cmd]',
    help: 'List the commands, or explain one.',
    run: (_s, a, cols) => {
      checkPositional(a, 0, 1, 'help [cmd]');
      if (a.pos[0]) {
        const c = COMMANDS[a.pos[0]];
        if (!c) throw new ConsoleError(`no command "${a.pos[0]}"`);
        if (isNarrow(cols)) return [...wrap(c.usage, cols, 2), ...c.help.split('\n').flatMap((p) => wrap(`  ${p}`, cols, 2))];
        return [c.usage, `  ${c.help}`];
      }
      if (isNarrow(cols)) return narrowHelp(COMMANDS, cols);
      return Object.values(COMMANDS).map((c) => `${c.usage.padEnd(52)} ${c.help.split('\n')[0]}`);
    },
  },
  platform: {
    usage: 'platform ovmf|ovmf-swdispatch|pch [--cpus N] [--broadcast on|off] [--hotplug-smi on|off] [--sync traditional|relaxed] [--accel tcg|kvm] [--arrival caller-first|ascending|descending] [--module NAME]...',
    help: `Power on a QEMU Q35 + OVMF machine and boot it (reset), or another platform: ${PLATFORM_NAMES.map((n) => `${n} = ${PLATFORM_SUMMARY[n]}`).join('; ')}. --cpus 1..${MAX_CPUS} (default 4); --broadcast: whether QEMU offers broadcast SMI (x-smi-broadcast, default on); --hotplug-smi: whether QEMU offers CPU hotplug and hot-unplug with SMI (x-smi-cpu-hotplug, x-smi-cpu-hot-unplug; default: the --broadcast value; --broadcast off --hotplug-smi on makes OVMF's negotiation fail and the boot hang); --sync overrides PcdCpuSmmSyncMode; --accel: QEMU TCG (default) or KVM writes the save state on SMM entry (KVM zeroes the unsaved fields and always reloads SMBASE on RSM); --broadcast, --hotplug-smi and --accel are QEMU's and apply to the ovmf platforms only; --arrival: the order in which the CPUs of a broadcast SMI reach SmiRendezvous (a model choice: hardware races; default caller-first, the CPU that wrote 0xB2 first); on pch the first to arrive is the monarch; --module adds a sample SMM module: ${SAMPLE_MODULES.map((d) => d.name).join(', ')}.`,
    run: (s, a) => {
      checkFlags(a, ['cpus', 'broadcast', 'hotplug-smi', 'sync', 'accel', 'module', 'arrival']);
      checkPositional(a, 1, 1, COMMANDS.platform.usage);
      const name = a.pos[0];
      if (!isPlatformName(name)) throw new ConsoleError(`unknown platform "${name}" (available: ${PLATFORM_NAMES.join(', ')})`);
      const silicon = name === 'pch';
      if (silicon) {
        for (const f of ['broadcast', 'hotplug-smi', 'accel']) {
          if (flag(a, f) !== undefined) throw new ConsoleError(`--${f} is a QEMU option: the pch platform has no QEMU (its PCH always sends SMI# to every CPU, and the processor writes the save state)`);
        }
      }
      const cpus = flag(a, 'cpus') !== undefined ? parseNumber(flag(a, 'cpus')!, '--cpus') : 4;
      if (cpus < 1 || cpus > MAX_CPUS) throw new ConsoleError(`--cpus ${cpus}: choose 1..${MAX_CPUS}`);
      const b = flag(a, 'broadcast') ?? 'on';
      if (b !== 'on' && b !== 'off') throw new ConsoleError('--broadcast takes on or off');
      const hp = flag(a, 'hotplug-smi') ?? b;
      if (hp !== 'on' && hp !== 'off') throw new ConsoleError('--hotplug-smi takes on or off');
      const sync = flag(a, 'sync') ?? null;
      if (sync !== null && sync !== 'traditional' && sync !== 'relaxed') throw new ConsoleError('--sync takes traditional or relaxed');
      const accel = flag(a, 'accel') ?? 'tcg';
      if (accel !== 'tcg' && accel !== 'kvm') throw new ConsoleError('--accel takes tcg or kvm');
      const arrival = flag(a, 'arrival') ?? 'caller-first';
      if (arrival !== 'caller-first' && arrival !== 'ascending' && arrival !== 'descending') throw new ConsoleError('--arrival takes caller-first, ascending or descending');
      const modules = a.flags.get('module') ?? [];
      for (const n of modules) if (!SAMPLE_MODULES.some((d) => d.name.toLowerCase() === n.toLowerCase())) throw new ConsoleError(`unknown module "${n}" (known: ${SAMPLE_MODULES.map((d) => d.name).join(', ')})`);
      if (name === 'ovmf-swdispatch' && modules.some((n) => n.toLowerCase() === 'genericswdispatcher')) throw new ConsoleError('GenericSwDispatcher is already in the ovmf-swdispatch firmware volume');
      const out = s.reset({
        ...(name !== 'ovmf' ? { platform: name } : {}),
        ...(arrival !== 'caller-first' ? { arrival } : {}),
        cpus, broadcast: silicon || b === 'on', hotplugSmi: !silicon && hp === 'on', syncMode: sync, modules, accel, cModules: s.platform.cModules,
      });
      const st = s.m.s;
      const tseg = `TSEG ${hex(st.config.tsegBase)}..${hex(st.config.tsegBase + st.config.tsegSize - 1)}`;
      if (silicon) {
        return [
          `platform pch: ${cpus} CPU(s), SMI# to every CPU (PCH), ${st.mp.syncMode} sync mode, SMM BSP = the first CPU to check in (SmmCpuPlatformHookLibNull; arrival ${arrival}), ${tseg}, save state ${s.m.layout.name}`,
          ...out,
        ];
      }
      const lpc = st.lpc;
      const smi = lpc.smiFeaturesSupported === 0
        ? 'no SMI features offered (negotiation unavailable: unicast SMI)'
        : !lpc.smiFeaturesOk
          ? `SMI feature negotiation failed (0x${lpc.smiFeaturesRequested.toString(16).toUpperCase()} rejected)`
          : `SMI features 0x${lpc.smiFeatures.toString(16).toUpperCase()} negotiated (broadcast ${lpc.smiFeatures & 1 ? 'on' : 'off'}, CPU hotplug with SMI ${lpc.smiFeatures & 2 ? 'on' : 'off'})`;
      return [
        `platform ${name}: ${cpus} CPU(s), ${smi}, ${st.mp.syncMode} sync mode, SMM BSP = CPU0 (PlatformSmmBspElection), ${tseg}, accel ${accel === 'kvm' ? 'KVM' : 'TCG'}`,
        ...out,
      ];
    },
  },
  reset: {
    usage: 'reset',
    help: 'Reboot with the same platform options.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'reset');
      return ['reset', ...s.reset(s.platform)];
    },
  },
  ...RUN_COMMANDS,
  ...DEBUG_COMMANDS,
  ...SMI_COMMANDS,
  ...INSPECT_COMMANDS,
  ...SOURCE_COMMANDS,
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

/** Runs one console line; `cols` is the terminal's width the output is laid out for (console/Columns.ts). */
export function runConsoleLine(s: Debugger, line: string, cols = DEFAULT_COLUMNS): { lines: string[]; error: boolean } {
  const parsed = parseLine(line);
  if (parsed === null) return { lines: [], error: false };
  const { name, key, args } = parsed;
  const cmd = Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined;
  if (!cmd) return { lines: [`unknown command "${name}": type \`help\``], error: true };
  try {
    if (args instanceof ConsoleError) throw args;
    return { lines: cmd.run(s, args, cols), error: false };
  } catch (e) {
    if (e instanceof ConsoleError) return { lines: `${name}: ${e.message}`.split('\n'), error: true };
    throw e;
  }
}
