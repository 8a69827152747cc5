/**
 * The console language, shared by the page's terminal and the `smiscope` CLI. A public contract:
 * extend, don't rename. Numbers take 0x.. hex or decimal. A bad line says what is wrong and changes
 * nothing.
 */

import type { Debugger, RunStart } from '../debug/Debugger';
import { ICH9_APM_CNT, ICH9_APM_STS } from '../machine/Ich9Lpc';
import { IoError, ioRead, ioWidthFor, ioWrite, type IoWidth } from '../machine/IoBus';
import { isSmram, type Machine } from '../pi/Platform';
import type { SmiSummary } from '../pi/SmiRecord';
import { readBytes, write8 } from '../machine/Memory';
import { getReg, hex64, REG, REG_NAMES } from '../machine/Registers';
import { fieldAddress, readSaveStateField, SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from '../machine/SaveStateMap';
import { smiLifecycle } from '../system/SmiLifecycle';
import { type PortWrite } from '../machine/IoBus';
import { type CommunicateResult, MmCommunicationMmCommunicate3, SmmCommunicationCommunicate } from '../modules/PiSmmIpl';
import { variableStoreReport } from '../modules/VariableSmm';
import { statusHex } from '../lib/EfiStatus';
import { hex } from '../pi/Fw';
import { guidName, guidToBytes, parseGuid, GUIDS } from '../lib/Guid';
import { gEfiMmCommunicateHeaderV3Guid, MM_COMMUNICATE_HEADER_V3_SIZE, SMM_COMMUNICATE_HEADER_SIZE } from '../pi/SmmEntryPoint';
import { MAX_CPUS, SAMPLE_MODULES } from '../profiles/ovmf';
import { stateJson } from './StateJson';
import { type Args, checkFlags, checkPositional, ConsoleError, flag, parseLine, parseNumber } from './ConsoleArgs';

export { ConsoleError, isReadOnlyLine, parseNumber, tokenize } from './ConsoleArgs';

/**
 * Events a stepping command runs before it yields to its host (Session.busy / runSlice): the
 * worker stays responsive to `pause`, the CLI simply keeps going.
 */
export const RUN_SLICE = 50_000;

interface Command {
  usage: string;
  help: string;
  run(s: Debugger, args: Args): string[];
}

function cpuFlag(s: Debugger, a: Args, dflt = 0): number {
  const v = flag(a, 'cpu');
  if (v === undefined) return dflt;
  const n = parseNumber(v, '--cpu');
  if (n >= s.m.s.cpus.length) throw new ConsoleError(`--cpu ${n}: this machine has CPUs 0..${s.m.s.cpus.length - 1}`);
  return n;
}

function requireRunnable(s: Debugger): void {
  if (s.m.s.hung) throw new ConsoleError(`the machine is hung (${s.m.s.hung.message}); reset with \`platform ovmf\``);
  if (s.run) throw new ConsoleError(`an SMI is in progress (paused at ${s.currentPhase()}): \`continue\` or \`step smi\` finishes it first`);
  if (s.m.s.stage !== 'os') throw new ConsoleError('the machine has not finished booting');
}

function hexDump(m: Machine, addr: number, len: number): string[] {
  const bytes = readBytes(m.s.mem, addr, len);
  const out: string[] = [];
  for (let i = 0; i < len; i += 16) {
    const row = bytes.subarray(i, Math.min(i + 16, len));
    const hx = Array.from(row, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
    const asc = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    out.push(`${hex(addr + i, 8)}  ${hx.padEnd(47)}  ${asc}`);
  }
  return out;
}

/**
 * An SMI raised by OUTs from the OS, as the history keeps it: one small object per run (no
 * closures), replayed by calling `make` again.
 */
class ApmRun implements RunStart {
  readonly kind = 'lifecycle' as const;
  constructor(
    readonly cpu: number,
    readonly writes: PortWrite[],
    readonly describe: string,
  ) {}
  make(m: Machine) {
    return smiLifecycle(m, { cpu: this.cpu, writes: this.writes });
  }
  onDone(m: Machine): string[] {
    const r = m.s.lastSmi;
    if (!r) return [];
    if (!r.raised) return [`no SMI: ${r.note}`];
    if (r.bsp === null) return [`SMI #${r.number} finished: command ${hex(r.command, 2)}, data ${hex(r.data, 2)}, taken by ${r.cpus.map((c) => `CPU${c}`).join(', ')} only: no BSP (CPU0 is OVMF's SMM BSP), the AP gave up after PcdCpuSmmApSyncTimeout; no MMI handler ran`];
    return [`SMI #${r.number} finished: ${finishedTail(r)}`];
  }
}

/**
 * The part of "SMI #N finished: ..." after the number. The same SMI line repeated (a script, a
 * replay, the benchmark) gives the same text every time: it is formatted again only when the
 * command, data, CPUs or the handlers called (and what they returned) differ from the last SMI.
 */
const lastTail = { command: -1, data: -1, cpu: -1, bsp: -1, calls: [] as string[], text: '' };
function finishedTail(r: SmiSummary): string {
  const hc = r.handlersCalled;
  const t = lastTail;
  let same = t.command === r.command && t.data === r.data && t.cpu === r.cpu && t.bsp === r.bsp && t.calls.length === 3 * hc.length;
  for (let i = 0; same && i < hc.length; i++) {
    const h = hc[i];
    same = t.calls[3 * i] === h.module && t.calls[3 * i + 1] === h.handler && t.calls[3 * i + 2] === h.returned;
  }
  if (same) return t.text;
  const calls = hc.map((h) => `${h.module}.${h.handler} -> ${h.returned}`).join(', ') || 'no handlers';
  t.command = r.command;
  t.data = r.data;
  t.cpu = r.cpu;
  t.bsp = r.bsp ?? -1;
  t.calls = hc.flatMap((h) => [h.module, h.handler, h.returned]);
  t.text = `command ${hex(r.command, 2)}, data ${hex(r.data, 2)}, raised by CPU${r.cpu}, BSP CPU${r.bsp}; ${calls}`;
  return t.text;
}

function startLifecycle(s: Debugger, cpu: number, writes: PortWrite[], describe: string, runThrough: boolean): string[] {
  return startRun(s, new ApmRun(cpu, writes, describe), runThrough);
}

function startRun(s: Debugger, run: ApmRun, runThrough: boolean): string[] {
  const out = [run.describe];
  const more = s.startRun(run, !runThrough);
  for (const line of more) out.push(line);
  if (s.run && !runThrough) out.push('paused. `step` (F10) goes phase by phase, `step event` (F11) event by event, `continue` (F5) runs to the end.');
  return out;
}

/**
 * `smi CMD DATA --cpu N` as a run: the same object for every run with the same values (it is never
 * changed), so a long session's history holds one per distinct line, not one per SMI.
 */
const SMI_RUNS = new Map<number, ApmRun>();
function smiRun(cpu: number, cmd: number, data: number): ApmRun {
  const key = cpu * 0x10000 + (cmd << 8) + data;
  let r = SMI_RUNS.get(key);
  if (!r) {
    const writes: PortWrite[] = [
      { port: ICH9_APM_STS, value: data, width: 1, by: 'smi: data port first' },
      { port: ICH9_APM_CNT, value: cmd, width: 1, by: 'smi: command port' },
    ];
    r = new ApmRun(cpu, writes, `smi ${hex(cmd, 2)} data ${hex(data, 2)} from CPU${cpu}`);
    if (SMI_RUNS.size >= 4096) SMI_RUNS.clear();
    SMI_RUNS.set(key, r);
  }
  return r;
}

function parseHexBytes(text: string): Uint8Array {
  const t = text.replace(/^0x/i, '').replace(/[\s:,-]/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(t)) throw new ConsoleError(`HEXBYTES: "${text}" is not an even number of hex digits`);
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const COMMANDS: Record<string, Command> = {
  help: {
    usage: 'help [cmd]',
    help: 'List the commands, or explain one.',
    run: (_s, a) => {
      checkPositional(a, 0, 1, 'help [cmd]');
      if (a.pos[0]) {
        const c = COMMANDS[a.pos[0]];
        if (!c) throw new ConsoleError(`no command "${a.pos[0]}"`);
        return [c.usage, `  ${c.help}`];
      }
      return Object.values(COMMANDS).map((c) => `${c.usage.padEnd(52)} ${c.help.split('\n')[0]}`);
    },
  },
  platform: {
    usage: 'platform ovmf [--cpus N] [--broadcast on|off] [--hotplug-smi on|off] [--sync traditional|relaxed] [--accel tcg|kvm] [--module NAME]...',
    help: `Power on a QEMU Q35 + OVMF machine and boot it (reset). --cpus 1..${MAX_CPUS} (default 4); --broadcast: whether QEMU offers broadcast SMI (x-smi-broadcast, default on); --hotplug-smi: whether QEMU offers CPU hotplug and hot-unplug with SMI (x-smi-cpu-hotplug, x-smi-cpu-hot-unplug; default: the --broadcast value; --broadcast off --hotplug-smi on makes OVMF's negotiation fail and the boot hang); --sync overrides PcdCpuSmmSyncMode; --accel: QEMU TCG (default) or KVM writes the save state on SMM entry (KVM zeroes the unsaved fields and always reloads SMBASE on RSM); --module adds a sample SMM module: ${SAMPLE_MODULES.map((d) => d.name).join(', ')}.`,
    run: (s, a) => {
      checkFlags(a, ['cpus', 'broadcast', 'hotplug-smi', 'sync', 'accel', 'module']);
      checkPositional(a, 1, 1, COMMANDS.platform.usage);
      if (a.pos[0] !== 'ovmf') throw new ConsoleError(`unknown platform "${a.pos[0]}" (available: ovmf)`);
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
      const modules = a.flags.get('module') ?? [];
      for (const n of modules) if (!SAMPLE_MODULES.some((d) => d.name.toLowerCase() === n.toLowerCase())) throw new ConsoleError(`unknown module "${n}" (known: ${SAMPLE_MODULES.map((d) => d.name).join(', ')})`);
      const out = s.reset({ cpus, broadcast: b === 'on', hotplugSmi: hp === 'on', syncMode: sync, modules, accel });
      const st = s.m.s;
      const lpc = st.lpc;
      const smi = lpc.smiFeaturesSupported === 0
        ? 'no SMI features offered (negotiation unavailable: unicast SMI)'
        : !lpc.smiFeaturesOk
          ? `SMI feature negotiation failed (0x${lpc.smiFeaturesRequested.toString(16).toUpperCase()} rejected)`
          : `SMI features 0x${lpc.smiFeatures.toString(16).toUpperCase()} negotiated (broadcast ${lpc.smiFeatures & 1 ? 'on' : 'off'}, CPU hotplug with SMI ${lpc.smiFeatures & 2 ? 'on' : 'off'})`;
      return [
        `platform ovmf: ${cpus} CPU(s), ${smi}, ${st.mp.syncMode} sync mode, SMM BSP = CPU0 (PlatformSmmBspElection), TSEG ${hex(st.config.tsegBase)}..${hex(st.config.tsegBase + st.config.tsegSize - 1)}, accel ${accel === 'kvm' ? 'KVM' : 'TCG'}`,
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
  out: {
    usage: 'out PORT VALUE [--cpu N] [--width 1|2|4] [--run]',
    help: 'The OS on CPU N executes OUT. Writing 0xB2 can raise an SMI (then the debugger pauses in it unless --run). A 2- or 4-byte OUT that touches 0xB2/0xB3 is split into byte writes at ascending ports, as QEMU does: out 0xB2 0x3405 --width 2 writes 0x05 to 0xB2 and 0x34 to 0xB3.',
    run: (s, a) => {
      checkFlags(a, ['cpu', 'width', 'run']);
      checkPositional(a, 2, 2, COMMANDS.out.usage);
      requireRunnable(s);
      const port = parseNumber(a.pos[0], 'PORT', 0xffff);
      const width = (flag(a, 'width') !== undefined ? parseNumber(flag(a, 'width')!, '--width') : ioWidthFor(port, s.m)) as IoWidth;
      if (![1, 2, 4].includes(width)) throw new ConsoleError('--width takes 1, 2 or 4');
      const value = parseNumber(a.pos[1], 'VALUE', width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff);
      const cpu = cpuFlag(s, a);
      if (port <= ICH9_APM_CNT && port + width - 1 >= ICH9_APM_CNT) {
        return startLifecycle(s, cpu, [{ port, value, width, by: 'out' }], `CPU${cpu}: OUT ${hex(port, 2)}, ${hex(value, 2 * width)}`, a.flags.has('run'));
      }
      try {
        const r = s.poke((m) => ioWrite(m, port, width, value));
        return [`CPU${cpu}: OUT ${hex(port, 2)}, ${hex(value, 2 * width)} -> ${r.device}`];
      } catch (e) {
        if (e instanceof IoError) throw new ConsoleError(e.message);
        throw e;
      }
    },
  },
  in: {
    usage: 'in PORT [--width 1|2|4]',
    help: 'Read an I/O port (APM ports read back as written; a 2- or 4-byte IN that touches 0xB2/0xB3 is split into byte reads, and 0xB4/0xB5 read 0xFF).',
    run: (s, a) => {
      checkFlags(a, ['width', 'cpu']);
      checkPositional(a, 1, 1, COMMANDS.in.usage);
      const port = parseNumber(a.pos[0], 'PORT', 0xffff);
      const width = (flag(a, 'width') !== undefined ? parseNumber(flag(a, 'width')!, '--width') : ioWidthFor(port, s.m)) as IoWidth;
      if (![1, 2, 4].includes(width)) throw new ConsoleError('--width takes 1, 2 or 4');
      try {
        const r = ioRead(s.m, port, width);
        return [`IN ${hex(port, 2)} = ${hex(r.value, 2 * width)} (${r.device})`];
      } catch (e) {
        if (e instanceof IoError) throw new ConsoleError(e.message);
        throw e;
      }
    },
  },
  smi: {
    usage: 'smi CMD [DATA] [--cpu N] [--run]',
    help: 'Software SMI like chipsec\'s `smi send`: the OS on CPU N writes DATA to 0xB3, then CMD to 0xB2. Pauses at the first event unless --run.',
    run: (s, a) => {
      checkFlags(a, ['cpu', 'run']);
      checkPositional(a, 1, 2, COMMANDS.smi.usage);
      requireRunnable(s);
      const cmd = parseNumber(a.pos[0], 'CMD', 0xff);
      const data = a.pos[1] !== undefined ? parseNumber(a.pos[1], 'DATA', 0xff) : 0;
      const cpu = cpuFlag(s, a);
      return startRun(s, smiRun(cpu, cmd, data), a.flags.has('run'));
    },
  },
  communicate: {
    usage: 'communicate GUID [HEXBYTES] [--at ADDR] [--size N] [--v3] [--cpu N] [--run]',
    help:
      'EFI_SMM_COMMUNICATION_PROTOCOL.Communicate from the OS: writes EFI_SMM_COMMUNICATE_HEADER {GUID, MessageLength} + data at ADDR, then PiSmmIpl triggers an SMI (0 to 0xB3, 0 to 0xB2). *CommSize = header + data unless --size N. ' +
      'With --v3: EFI_MM_COMMUNICATION3_PROTOCOL.Communicate with an EFI_MM_COMMUNICATE_HEADER_V3 {gEfiMmCommunicateHeaderV3Guid, BufferSize, Reserved, MessageGuid = GUID, MessageSize} (56 bytes) + data; BufferSize = header + data unless --size N.',
    run: (s, a) => {
      checkFlags(a, ['at', 'size', 'cpu', 'run', 'v3']);
      checkPositional(a, 1, 2, COMMANDS.communicate.usage);
      requireRunnable(s);
      const guid = parseGuid(a.pos[0]);
      if (!guid) throw new ConsoleError(`GUID: "${a.pos[0]}" is neither a known C name (e.g. gEfiSmmVariableProtocolGuid) nor 8-4-4-4-12 hex`);
      const data = a.pos[1] !== undefined ? parseHexBytes(a.pos[1]) : new Uint8Array(0);
      const at = flag(a, 'at') !== undefined ? parseNumber(flag(a, 'at')!, '--at', 0xffffffff) : s.m.s.config.runtimeDataBase + 0x2000;
      const size = flag(a, 'size') !== undefined ? parseNumber(flag(a, 'size')!, '--size', 0xffffffff) : null;
      const cpu = cpuFlag(s, a);
      const v3 = a.flags.has('v3');
      const m = s.m;
      const headerSize = v3 ? MM_COMMUNICATE_HEADER_V3_SIZE : SMM_COMMUNICATE_HEADER_SIZE;
      const total = headerSize + data.length;
      if (at + total > 0x100000000) throw new ConsoleError('--at: the buffer would run past 4 GiB');
      const inSmram = isSmram(m, at, total);
      // The OS builds the buffer; bytes that fall into (locked) SMRAM are dropped, as Q35 drops
      // non-SMM writes to TSEG.
      const buf = new Uint8Array(total);
      const dv = new DataView(buf.buffer);
      if (v3) {
        buf.set(guidToBytes(gEfiMmCommunicateHeaderV3Guid), 0);
        dv.setBigUint64(16, BigInt(size ?? total), true); // BufferSize: the whole buffer, header included
        buf.set(guidToBytes(guid), 32); // MessageGuid
        dv.setBigUint64(48, BigInt(data.length), true); // MessageSize
      } else {
        buf.set(guidToBytes(guid), 0);
        dv.setBigUint64(16, BigInt(data.length), true);
      }
      buf.set(data, headerSize);
      s.poke((mm) =>
        buf.forEach((b, i) => {
          if (!isSmram(mm, at + i)) write8(mm.s.mem, at + i, b);
        }),
      );
      const what = v3 ? `Communicate3 (EFI_MM_COMMUNICATE_HEADER_V3, MessageGuid ${guidName(guid)})` : `Communicate ${guidName(guid)}`;
      const out = [
        `${what}: ${total} bytes at ${hex(at)}` +
          (inSmram ? ' - inside SMRAM: the OS cannot write there (locked SMRAM drops non-SMM writes), and SmmEntryPoint will answer EFI_ACCESS_DENIED' : ''),
      ];
      out.push(
        ...s.startRun(
          {
            kind: 'lifecycle',
            describe: v3 ? `communicate --v3 ${guidName(guid)}` : `communicate ${guidName(guid)}`,
            make: (mm) => (v3 ? MmCommunicationMmCommunicate3(mm, cpu, at) : SmmCommunicationCommunicate(mm, cpu, at, size ?? total)),
            onDone: (mm, result) => {
              const r = result as CommunicateResult;
              const shown = Math.min(Math.max(0, r.commSize - headerSize), 64);
              return [
                v3
                  ? `Communicate3 returned ${r.status} (${statusHex(r.status)}), BufferSize = ${hex(r.commSize)} [${r.why}]`
                  : `Communicate returned ${r.status} (${statusHex(r.status)}), *CommSize = ${hex(r.commSize)} [${r.why}]`,
                ...(shown > 0 ? ['data after the call:', ...hexDump(mm, at + headerSize, shown)] : []),
              ];
            },
          },
          !a.flags.has('run'),
        ),
      );
      return out;
    },
  },
  step: {
    usage: 'step [phase|event|smi] [COUNT]',
    help: 'Run the paused SMI to the end of the next phase (default), the next event, or the end of the SMI.',
    run: (s, a) => {
      checkPositional(a, 0, 2, COMMANDS.step.usage);
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
        checkPositional(a, 0, 0, COMMANDS.back.usage);
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
      checkPositional(a, 0, 1, COMMANDS.back.usage);
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
      throw new ConsoleError(`usage: ${COMMANDS.break.usage}`);
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
  cpus: {
    usage: 'cpus',
    help: 'One line per CPU: SMBASE, in SMM, MSR_SMI_COUNT, activity, RIP, RAX.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'cpus');
      const smi = s.m.s.currentSmi ?? s.m.s.lastSmi;
      return s.m.s.cpus.map(
        (c) =>
          `CPU${String(c.index).padEnd(3)} SMBASE=${hex(c.smbase, 8)} ${c.inSmm ? 'in SMM ' : 'OS     '} SMI_COUNT=${String(c.smiCount).padEnd(4)} ${c.activity.padEnd(12)} RIP=${hex64(getReg(c.regs, REG.RIP))} RAX=${hex64(getReg(c.regs, REG.RAX))}` +
          (smi?.cpu === c.index ? ' [OUT]' : '') +
          (smi?.bsp === c.index ? ' [BSP]' : ''),
      );
    },
  },
  regs: {
    usage: 'regs CPU',
    help: 'The CPU\'s live registers (in SMM: the SMM entry state; the interrupted state is in `savestate`).',
    run: (s, a) => {
      checkPositional(a, 1, 1, 'regs CPU');
      const n = parseNumber(a.pos[0], 'CPU');
      const c = s.m.s.cpus[n];
      if (!c) throw new ConsoleError(`CPU ${n}: this machine has CPUs 0..${s.m.s.cpus.length - 1}`);
      const out = [`CPU${n} ${c.inSmm ? '(in SMM)' : '(OS)'} SMBASE=${hex(c.smbase, 8)} MSR_SMI_COUNT=${c.smiCount}${c.halted ? ' halted' : ''}`];
      for (let i = 0; i < REG_NAMES.length; i += 4) {
        out.push(REG_NAMES.slice(i, i + 4).map((r) => `${r.padEnd(10)}=${hex64(getReg(c.regs, REG[r]))}`).join('  '));
      }
      return out;
    },
  },
  savestate: {
    usage: 'savestate CPU [--raw]',
    help: 'Decode the CPU\'s save-state map from SMRAM bytes (offsets from SMBASE+0x8000); --raw dumps the 0x400 bytes.',
    run: (s, a) => {
      checkFlags(a, ['raw']);
      checkPositional(a, 1, 1, 'savestate CPU [--raw]');
      const n = parseNumber(a.pos[0], 'CPU');
      const c = s.m.s.cpus[n];
      if (!c) throw new ConsoleError(`CPU ${n}: this machine has CPUs 0..${s.m.s.cpus.length - 1}`);
      const base = c.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
      const head = `CPU${n} save state at ${hex(base, 8)}..${hex(base + SMRAM_SAVE_STATE_MAP_SIZE - 1, 8)}, layout ${s.m.layout.name}${c.inSmm ? '' : ' (not in SMM: what the last entry left)'}`;
      if (a.flags.has('raw')) return [head, ...hexDump(s.m, base, SMRAM_SAVE_STATE_MAP_SIZE)];
      return [
        head,
        ...s.m.layout.fields.map((f) => {
          const v = readSaveStateField(s.m.s.mem, c.smbase, f);
          return `  ${hex(f.offset, 4)} ${hex(fieldAddress(c.smbase, f), 8)} ${f.name.padEnd(16)} ${('0x' + v.toString(16).toUpperCase().padStart(2 * f.size, '0')).padEnd(18)}${f.written ? '' : ' (not written by QEMU)'}`;
        }),
      ];
    },
  },
  x: {
    usage: 'x ADDR [LEN]',
    help: 'Hex dump of physical memory (SMRAM included: the debugger sees through the lock).',
    run: (s, a) => {
      checkPositional(a, 1, 2, 'x ADDR [LEN]');
      const addr = parseNumber(a.pos[0], 'ADDR', 0xffffffff);
      const len = a.pos[1] !== undefined ? parseNumber(a.pos[1], 'LEN', 0x10000) : 0x80;
      if (len === 0) throw new ConsoleError('LEN must be at least 1');
      return hexDump(s.m, addr, len);
    },
  },
  handlers: {
    usage: 'handlers',
    help: 'Root MMI handlers in dispatch order, GUID handlers, SW registrations.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'handlers');
      const smm = s.m.s.smm;
      const out = ['root MMI handlers (MmiManage (NULL) walks all of them, in this order, on every SMI):'];
      smm.root.forEach((h, i) => out.push(`  ${i + 1}. ${h.module}.${h.handler}  DispatchHandle=${hex(h.handle)}${h.toRemove ? ' ToRemove' : ''}`));
      if (!smm.root.length) out.push('  (none)');
      out.push('GUID handlers (Communicate targets):');
      for (const e of smm.entries) for (const h of e.handlers) out.push(`  ${guidName(e.guid)}: ${h.module}.${h.handler}  DispatchHandle=${hex(h.handle)}${h.toRemove ? ' ToRemove' : ''}`);
      if (s.m.s.sw.length === 0) {
        out.push(`SW MMI registrations (EFI_MM_SW_DISPATCH_PROTOCOL): none${s.m.defs.has('GenericSwDispatcher') ? '' : ' - stock OVMF has no SW dispatcher (try --module GenericSwDispatcher)'}`);
      } else {
        out.push('SW MMI registrations (GenericSwDispatcher, called from its root handler):');
        for (const r of s.m.s.sw) out.push(`  ${hex(r.value, 2)}: ${r.module}.${r.handler}  DispatchHandle=${hex(r.handle)}`);
      }
      return out;
    },
  },
  variables: {
    usage: 'variables',
    help: 'The UEFI variable stores VariableSmm keeps (the volatile one in SMRAM, the NV one in the OVMF_VARS flash), decoded from their bytes.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'variables');
      return variableStoreReport(s.m);
    },
  },
  protocols: {
    usage: 'protocols',
    help: 'The SMM protocol database (and the UEFI protocols SMM depexes can see).',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'protocols');
      const out = ['SMM protocol database (gSmst->SmmLocateProtocol):'];
      for (const p of s.m.s.smm.protocols) out.push(`  ${guidName(p.guid).padEnd(36)} ${p.guid}  ${p.module}`);
      out.push('UEFI boot-services protocols (depex PUSH falls back to these):');
      for (const p of s.m.s.uefiProtocols) out.push(`  ${guidName(p.guid).padEnd(36)} ${p.guid}  ${p.module}`);
      if (!s.m.s.smm.protocols.some((p) => p.guid === GUIDS.gEfiSmmSwDispatch2ProtocolGuid)) {
        out.push('note: no module produces gEfiSmmSwDispatch2ProtocolGuid (EFI_MM_SW_DISPATCH_PROTOCOL) on OVMF');
      }
      return out;
    },
  },
  modules: {
    usage: 'modules',
    help: 'Modules with dispatch state, depex and why.',
    run: (s, a) => {
      checkPositional(a, 0, 0, 'modules');
      return s.m.s.modules.map((r) => `${r.name.padEnd(18)} ${r.state.padEnd(10)} ${r.imageBase ? hex(r.imageBase, 8) : '-'.padEnd(10)} ${r.reason}`);
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

function describeBp(b: Parameters<Debugger['addBreakpoint']>[0]): string {
  return b.kind === 'smi' ? 'smi' : b.kind === 'apm' ? `apm ${hex(b.value, 2)}` : `handler ${b.name}`;
}

export const COMMAND_NAMES = Object.keys(COMMANDS);

export function runConsoleLine(s: Debugger, line: string): { lines: string[]; error: boolean } {
  const parsed = parseLine(line);
  if (parsed === null) return { lines: [], error: false };
  const { name, key, args } = parsed;
  const cmd = Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined;
  if (!cmd) return { lines: [`unknown command "${name}": type \`help\``], error: true };
  try {
    if (args instanceof ConsoleError) throw args;
    return { lines: cmd.run(s, args), error: false };
  } catch (e) {
    if (e instanceof ConsoleError) return { lines: [`${name}: ${e.message}`], error: true };
    throw e;
  }
}
