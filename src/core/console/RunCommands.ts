/**
 * Console commands that make the OS act: OUT/IN on a port, a software SMI, a Communicate call.
 * Each SMI they raise is a run the debugger records (and replays by calling `make` again).
 */

import type { Debugger, RunStart } from '../debug/Debugger';
import { statusHex } from '../lib/EfiStatus';
import { type Guid, GUIDS, guidFromBytes, guidName, guidToBytes, parseGuid } from '../lib/Guid';
import { ICH9_APM_CNT, ICH9_APM_STS } from '../machine/Ich9Lpc';
import { IoError, ioRead, type IoWidth, ioWidthFor, ioWrite, type PortWrite } from '../machine/IoBus';
import { readBytes, write8 } from '../machine/Memory';
import { type CommunicateResult, MmCommunicationMmCommunicate3, SmmCommunicationCommunicate } from '../modules/PiSmmIpl';
import { decodeVariableMessage, MAX_VARIABLE_PAYLOAD, NV_BS_RT, variableMessage } from '../modules/VariableCommunicate';
import { SMM_VARIABLE_COMMUNICATE_HEADER_SIZE } from '../modules/VariableSmm';
import { hex } from '../pi/Fw';
import { isSmram, type Machine } from '../pi/Platform';
import type { SmiSummary } from '../pi/SmiRecord';
import { gEfiMmCommunicateHeaderV3Guid, MM_COMMUNICATE_HEADER_V3_SIZE, SMM_COMMUNICATE_HEADER_SIZE } from '../pi/SmmEntryPoint';
import { smiLifecycle } from '../system/SmiLifecycle';
import { type CommandTable, cpuFlag, hexDump, parseHexBytes, requireRunnable } from './CommandShared';
import { type Args, checkFlags, checkPositional, ConsoleError, flag, parseNumber } from './ConsoleArgs';


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

function parseGuidArg(text: string): Guid {
  const guid = parseGuid(text);
  if (!guid) throw new ConsoleError(`GUID: "${text}" is neither a known C name (e.g. gEfiSmmVariableProtocolGuid) nor 8-4-4-4-12 hex`);
  return guid;
}

interface CommunicateCall {
  guid: Guid;
  data: Uint8Array;
  /** --size: *CommSize (legacy) or BufferSize (V3); null = header + data. */
  size: number | null;
  /** Lines printed before the call (after the buffer line). */
  before?: string[];
  /** Lines printed after the call, from the message as the buffer holds it then. */
  after?: (message: Uint8Array) => string[];
  describe?: string;
}

/**
 * The OS side of a Communicate: build the buffer ({GUID, MessageLength} or the V3 header, then the
 * message) at --at (default 0x7EE02000, runtime data), write it (bytes that fall into SMRAM are
 * dropped, as Q35 drops non-SMM writes to locked SMRAM) and start the run.
 */
function communicateCall(s: Debugger, a: Args, c: CommunicateCall): string[] {
  const { guid, data, size } = c;
  const at = flag(a, 'at') !== undefined ? parseNumber(flag(a, 'at')!, '--at', 0xffffffff) : s.m.s.config.runtimeDataBase + 0x2000;
  const cpu = cpuFlag(s, a);
  const v3 = a.flags.has('v3');
  const m = s.m;
  const headerSize = v3 ? MM_COMMUNICATE_HEADER_V3_SIZE : SMM_COMMUNICATE_HEADER_SIZE;
  const total = headerSize + data.length;
  if (at + total > 0x100000000) throw new ConsoleError('--at: the buffer would run past 4 GiB');
  const inSmram = isSmram(m, at, total);
  const headerInSmram = isSmram(m, at, headerSize);
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
      (inSmram
        ? ` - inside SMRAM: the OS cannot write there (locked SMRAM drops non-SMM writes), and ${v3 && headerInSmram ? "PiSmmIpl's MmCommunicationMmCommunicate3 will refuse it (HeaderGuid is not gEfiMmCommunicateHeaderV3Guid)" : 'SmmEntryPoint will answer EFI_ACCESS_DENIED'}`
        : ''),
  ];
  if (headerInSmram) {
    const seen = guidFromBytes(readBytes(m.s.mem, at, 16));
    const seenMsg = v3 ? `, MessageGuid ${guidName(guidFromBytes(readBytes(m.s.mem, at + 32, 16)))}` : '';
    out.push(`  the header bytes at ${hex(at)} are SMRAM's, not what the OS meant to write: they read as HeaderGuid ${guidName(seen)}${seenMsg}; the GUID asked for is ${guidName(guid)}`);
  }
  if (c.before) out.push(...c.before);
  const intent = headerInSmram ? guid : undefined;
  out.push(
    ...s.startRun(
      {
        kind: 'lifecycle',
        describe: c.describe ?? (v3 ? `communicate --v3 ${guidName(guid)}` : `communicate ${guidName(guid)}`),
        make: (mm) => (v3 ? MmCommunicationMmCommunicate3(mm, cpu, at, intent) : SmmCommunicationCommunicate(mm, cpu, at, size ?? total, intent)),
        onDone: (mm, result) => {
          const r = result as CommunicateResult;
          const head = v3
            ? `Communicate3 returned ${r.status} (${statusHex(r.status)}), BufferSize = ${hex(r.commSize)} [${r.why}]`
            : `Communicate returned ${r.status} (${statusHex(r.status)}), *CommSize = ${hex(r.commSize)} [${r.why}]`;
          if (c.after) {
            const msg = readBytes(mm.s.mem, at + headerSize, data.length);
            return [head, `after the call${inSmram ? ' (read from SMRAM: the handler never saw this buffer)' : ''}:`, ...c.after(msg)];
          }
          const shown = Math.min(Math.max(0, r.commSize - headerSize), 64);
          return [head, ...(shown > 0 ? [`data after the call${inSmram ? ' (SMRAM bytes, not the OS\'s)' : ''}:`, ...hexDump(mm, at + headerSize, shown)] : [])];
        },
      },
      !a.flags.has('run'),
    ),
  );
  return out;
}

/** `communicate variable get|set NAME GUID ...`: a GetVariable / SetVariable message for SmmVariableHandler. */
function variableCommunicate(s: Debugger, a: Args): string[] {
  const op = a.pos[1];
  if (op !== 'get' && op !== 'set') throw new ConsoleError('usage: communicate variable get NAME GUID [--data-size N] | communicate variable set NAME GUID HEXDATA [--attributes A] (then --v3, --at ADDR, --cpu N, --run)');
  const set = op === 'set';
  checkFlags(a, set ? ['attributes', 'at', 'cpu', 'run', 'v3'] : ['data-size', 'at', 'cpu', 'run', 'v3']);
  checkPositional(a, set ? 5 : 4, set ? 5 : 4, set ? 'communicate variable set NAME GUID HEXDATA [--attributes A] [--v3] [--at ADDR] [--cpu N] [--run]' : 'communicate variable get NAME GUID [--data-size N] [--v3] [--at ADDR] [--cpu N] [--run]');
  requireRunnable(s);
  const name = a.pos[2];
  const vendor = parseGuidArg(a.pos[3]);
  const data = set ? parseHexBytes(a.pos[4]) : null;
  const attributes = flag(a, 'attributes') !== undefined ? parseNumber(flag(a, 'attributes')!, '--attributes', 0xffffffff) : NV_BS_RT;
  const dataSize = flag(a, 'data-size') !== undefined ? parseNumber(flag(a, 'data-size')!, '--data-size', MAX_VARIABLE_PAYLOAD) : 0x100;
  const message = variableMessage({ fn: op, name, guid: vendor, dataSize, attributes, data });
  if (message.length - SMM_VARIABLE_COMMUNICATE_HEADER_SIZE > MAX_VARIABLE_PAYLOAD) {
    throw new ConsoleError(`the request is ${hex(message.length - SMM_VARIABLE_COMMUNICATE_HEADER_SIZE)} bytes after the header; SmmVariableHandler takes at most mVariableBufferPayloadSize = ${hex(MAX_VARIABLE_PAYLOAD)}`);
  }
  return communicateCall(s, a, {
    guid: GUIDS.gEfiSmmVariableProtocolGuid,
    data: message,
    size: null,
    describe: `communicate variable ${op} ${name} ${guidName(vendor)}`,
    before: [`${set ? 'SetVariable' : 'GetVariable'} (L"${name}", ${guidName(vendor)}) for SmmVariableHandler, before the call:`, ...decodeVariableMessage(message, 'before')],
    after: (msg) => decodeVariableMessage(msg, 'after'),
  });
}

export const RUN_COMMANDS: CommandTable = {
  out: {
    usage: 'out PORT VALUE [--cpu N] [--width 1|2|4] [--run]',
    help: 'The OS on CPU N executes OUT. Writing 0xB2 can raise an SMI (then the debugger pauses in it unless --run). A 2- or 4-byte OUT that touches 0xB2/0xB3 is split into byte writes at ascending ports, as QEMU does: out 0xB2 0x3405 --width 2 writes 0x05 to 0xB2 and 0x34 to 0xB3.',
    run: (s, a) => {
      checkFlags(a, ['cpu', 'width', 'run']);
      checkPositional(a, 2, 2, RUN_COMMANDS.out.usage);
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
      checkPositional(a, 1, 1, RUN_COMMANDS.in.usage);
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
      checkPositional(a, 1, 2, RUN_COMMANDS.smi.usage);
      requireRunnable(s);
      const cmd = parseNumber(a.pos[0], 'CMD', 0xff);
      const data = a.pos[1] !== undefined ? parseNumber(a.pos[1], 'DATA', 0xff) : 0;
      const cpu = cpuFlag(s, a);
      return startRun(s, smiRun(cpu, cmd, data), a.flags.has('run'));
    },
  },
  communicate: {
    usage: 'communicate GUID [HEXBYTES] [--at ADDR] [--size N] [--v3] [--cpu N] [--run] | communicate variable get|set NAME GUID [HEXDATA] ...',
    help:
      'EFI_SMM_COMMUNICATION_PROTOCOL.Communicate from the OS: writes EFI_SMM_COMMUNICATE_HEADER {GUID, MessageLength} + data at ADDR, then PiSmmIpl triggers an SMI (0 to 0xB3, 0 to 0xB2). *CommSize = header + data unless --size N. ' +
      'With --v3: EFI_MM_COMMUNICATION3_PROTOCOL.Communicate with an EFI_MM_COMMUNICATE_HEADER_V3 {gEfiMmCommunicateHeaderV3Guid, BufferSize, Reserved, MessageGuid = GUID, MessageSize} (56 bytes) + data; BufferSize = header + data unless --size N.\n' +
      '  communicate variable get NAME GUID [--data-size N] / communicate variable set NAME GUID HEXDATA [--attributes A]: a GetVariable / SetVariable for VariableSmm\'s SmmVariableHandler (gEfiSmmVariableProtocolGuid), built as VariableSmmRuntimeDxe.c builds it: ' +
      'SMM_VARIABLE_COMMUNICATE_HEADER {Function, ReturnStatus} + SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE {Guid, DataSize, NameSize, Attributes, Name} + data (SmmVariableCommon.h), printed decoded before and after the call. ' +
      'GUID: a C name (gEfiGlobalVariableGuid) or 8-4-4-4-12. get: --data-size N is the room for the answer (default 0x100; too little gives EFI_BUFFER_TOO_SMALL with the size needed written back into DataSize). ' +
      'set: HEXDATA is the data (0x for none: deletes the variable); --attributes A (default 0x7 = NV|BS|RT). Both also take --v3 (the header VariableSmmRuntimeDxe uses), --at ADDR, --cpu N, --run.\n' +
      '  Worked example. After the boot the OS runs, so only RT variables are visible; the boot wrote L"Lang" = "eng" (see `variables`):\n' +
      '    communicate variable get Lang gEfiGlobalVariableGuid --run                 -> ReturnStatus EFI_SUCCESS, DataSize 0x4, data "eng"\n' +
      '    communicate variable get Lang gEfiGlobalVariableGuid --data-size 1 --run   -> EFI_BUFFER_TOO_SMALL, DataSize 0x4 written back\n' +
      '    communicate variable set MyVar 01234567-89ab-cdef-0123-456789abcdef 486900 --run\n' +
      '    communicate variable get MyVar 01234567-89ab-cdef-0123-456789abcdef --run  -> data "Hi", Attributes 0x7 (NV|BS|RT)',
    run: (s, a) => {
      if (a.pos[0] === 'variable') return variableCommunicate(s, a);
      checkFlags(a, ['at', 'size', 'cpu', 'run', 'v3']);
      checkPositional(a, 1, 2, RUN_COMMANDS.communicate.usage);
      requireRunnable(s);
      const guid = parseGuidArg(a.pos[0]);
      const data = a.pos[1] !== undefined ? parseHexBytes(a.pos[1]) : new Uint8Array(0);
      return communicateCall(s, a, { guid, data, size: flag(a, 'size') !== undefined ? parseNumber(flag(a, 'size')!, '--size', 0xffffffff) : null });
    },
  },
};
