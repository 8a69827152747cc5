/**
 * One SMI from the OUT that raises it to the last RSM:
 * trigger (OUT 0xB3, OUT 0xB2) -> SMI# delivery (one CPU or broadcast, facts §4.4) -> each CPU
 * saves its state into SMRAM and enters at SMBASE+0x8000 (§6.3) -> rendezvous, BSP runs
 * SmmEntryPoint (§8, §1.1) -> release -> RSM on every CPU (§6.4).
 */

import { guidName } from '../lib/Guid';
import { rsm, smmEnter } from '../machine/Cpu';
import { ioWrite, type PortWrite } from '../machine/IoBus';
import { hex64w, REG } from '../machine/Registers';
import { describeIoMisc, SMM_IO_TYPE } from '../machine/IoMisc';
import { readIoMisc } from '../machine/SaveStateMap';
import { SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateField';
import { smiRendezvous } from '../modules/MpService';
import { ev, hex, lazyEv, tag, type Gen } from '../pi/Fw';
import type { ArrivalOrder, Machine, SmiRecord, SmiTrigger } from '../pi/Platform';

/**
 * The OS-side instruction: mov dx, PORT; mov eax, VALUE; out dx, al/ax/eax (RIP moves past it).
 * The CPU remembers the OUT as the I/O instruction it just retired (CpuState.lastIo): an SMI taken
 * right after it describes it in the Intel map's IOMisc (type 0, OUT DX; facts §7.5, §10.7).
 */
function executeOut(m: Machine, cpu: number, w: PortWrite): void {
  const c = m.s.cpus[cpu];
  c.halted = false;
  c.lastIo = { port: w.port & 0xffff, length: w.width, type: SMM_IO_TYPE.OUT_DX };
  const r = c.regs;
  const mask = w.width === 1 ? 0xff : w.width === 2 ? 0xffff : 0xffffffff;
  r[2 * REG.RAX] = ((r[2 * REG.RAX] & ~mask) | (w.value & mask)) >>> 0;
  r[2 * REG.RDX] = ((r[2 * REG.RDX] & ~0xffff) | w.port) >>> 0;
  const rip = r[2 * REG.RIP] + 1; // past the 1-byte OUT DX, AL/AX/EAX
  r[2 * REG.RIP] = rip >>> 0;
  if (rip > 0xffffffff) r[2 * REG.RIP + 1] = (r[2 * REG.RIP + 1] + 1) >>> 0;
}

function newRecord(m: Machine, t: SmiTrigger): SmiRecord {
  return {
    number: ++m.s.smiSeq,
    kind: t.communicate ? 'communicate' : 'apm',
    command: m.s.lpc.apmc,
    data: m.s.lpc.apms,
    cpu: t.cpu,
    bsp: null,
    communicate: t.communicate ? guidName(t.communicate.osIntent ?? t.communicate.guid) : null,
    phasesRun: [],
    handlersCalled: [],
    finished: false,
    raised: false,
    note: '',
    cpus: [],
  };
}

const WIDTH_NAME = ['', 'byte', 'word', '', 'dword'];

/**
 * The order in which the CPUs of a broadcast SMI enter SMM and reach SmiRendezvous (PlatformConfig.arrival,
 * a model choice: on hardware it is a race). With the first-to-check-in election it decides the monarch.
 */
export function arrivalOrder(order: ArrivalOrder, caller: number, count: number): number[] {
  const out: number[] = [];
  if (order === 'caller-first') {
    out.push(caller);
    for (let c = 0; c < count; c++) if (c !== caller) out.push(c);
  } else if (order === 'ascending') for (let c = 0; c < count; c++) out.push(c);
  else for (let c = count - 1; c >= 0; c--) out.push(c);
  return out;
}

/** The SMI lifecycle as an event stream (the debugger records phasesRun as it consumes it). */
export function smiLifecycle(m: Machine, t: SmiTrigger): Gen<void> {
  return lifecycle(m, t);
}

function* lifecycle(m: Machine, t: SmiTrigger): Gen<void> {
  const s = m.s;
  for (const c of s.cpus) c.activity = c.inSmm ? c.activity : 'os';
  const rec = newRecord(m, t);
  s.currentSmi = rec;
  const priv = s.smm.priv;

  if (t.communicate) {
    priv.commBuffer = t.communicate.address;
    priv.bufferSize = t.communicate.size;
    const c = t.communicate;
    yield ev(
      'trigger',
      t.cpu,
      `PiSmmIpl SmmCommunicationCommunicate on CPU${t.cpu}: gSmmCorePrivate->CommunicationBuffer=${hex(c.address)}, BufferSize=${hex(c.size)}; mSmmControl2->Trigger (NULL, NULL, FALSE, 0)` +
        (c.osIntent !== undefined && c.osIntent !== c.guid
          ? `. The OS asked for ${guidName(c.osIntent)}, but the buffer lies in SMRAM: its header writes were dropped, and the bytes there (GUID ${guidName(c.guid)}) are not what it meant to write`
          : ''),
    );
  }

  let outcome: ReturnType<typeof ioWrite>['apm'];
  for (let i = 0; i < t.writes.length; i++) {
    const w = t.writes[i];
    executeOut(m, t.cpu, w);
    const res = ioWrite(m, w.port, w.width, w.value);
    if (res.apm) {
      outcome = res.apm;
      rec.command = res.apmValue!;
    }
    const last = i === t.writes.length - 1;
    const apmc = s.lpc.apmc;
    const apms = s.lpc.apms;
    const e = lazyEv(
      'trigger',
      t.cpu,
      () => `CPU${t.cpu}: OUT ${hex(w.port, 2)}, ${hex(w.value, 2 * w.width)}${w.width > 1 ? ` (${WIDTH_NAME[w.width]})` : ''} (${w.by}) -> ${res.device}${res.apm ? `: ${res.apm.reason}` : ''}` +
        (w.width > 1 && res.apm?.smi ? `; SMI# is taken at the instruction boundary, so every byte of the OUT is written before the CPU enters SMM (command ${hex(apmc, 2)}, data ${hex(apms, 2)})` : ''),
      last ? 'phase' : 'event',
    );
    if (res.apmValue !== undefined) e.apm = res.apmValue;
    yield e;
  }
  rec.data = s.lpc.apms;
  if (!outcome || !outcome.smi) {
    s.cpus[t.cpu].lastIo = null; // no SMI: the OS runs on, so the OUT is no longer the last instruction
    rec.note = outcome ? outcome.reason : 'no write to APM_CNT (0xB2)';
    rec.finished = true;
    s.lastSmi = rec;
    s.currentSmi = null;
    s.smiSeq--; // no SMI happened
    rec.number = 0;
    return;
  }

  rec.raised = true;
  rec.note = outcome.reason;
  // Who takes SMI#: all CPUs (broadcast) or the CPU that executed the OUT, in the platform's arrival order.
  const arrival = outcome.broadcast ? arrivalOrder(s.config.arrival, t.cpu, s.cpus.length) : [t.cpu];
  rec.cpus = arrival;
  for (const c of arrival) {
    s.cpus[c].smiPending = true;
    s.cpus[c].activity = 'smi-pending';
  }
  const broadcast = outcome.broadcast;
  const latched = arrival.length;
  const pchOrder = s.lpc.variant === 'pch' ? arrival.slice() : null; // the lazy text may run after late CPUs joined
  const orderName = s.config.arrival;
  yield lazyEv(
    'smi-delivery',
    -1,
    () => broadcast
      ? pchOrder
        ? `SMI# latched on all ${latched} CPUs (the PCH signals every thread); arrival order (model choice, --arrival ${orderName}): ${pchOrder.map((c) => `CPU${c}`).join(', ')}`
        : `SMI# latched on all ${latched} CPUs (broadcast negotiated); CPU${t.cpu} takes it right after its OUT`
      : `SMI# latched on CPU${t.cpu} only (no broadcast: QEMU interrupts current_cpu)`,
    'phase',
  );

  for (const c of arrival) {
    const cpu = s.cpus[c];
    cpu.activity = 'saving-state';
    // The text is formatted later (when shown): it keeps the numbers of this moment. The map gets
    // RIP and RAX as the CPU holds them now (every layout saves both whole).
    const r = cpu.regs;
    const rip0 = r[2 * REG.RIP], rip1 = r[2 * REG.RIP + 1], rax0 = r[2 * REG.RAX], rax1 = r[2 * REG.RAX + 1];
    smmEnter(cpu, s.mem, m.layout);
    const n = cpu.smiCount;
    const base = cpu.smbase;
    const ioMisc = readIoMisc(s.mem, base, m.layout); // the Intel map only (facts §7.5)
    yield lazyEv(
      'save-state',
      c,
      () =>
        `CPU${c}: SMM entry #${n} (MSR_SMI_COUNT): state saved at SMBASE+0xFC00 = ${hex(base + SMRAM_SAVE_STATE_MAP_OFFSET)} ` +
        `(saved RIP ${hex64w(rip0, rip1)}, RAX ${hex64w(rax0, rax1)}${ioMisc === null ? '' : `, IOMisc ${hex(ioMisc, 8)} = ${describeIoMisc(ioMisc)}`}); now RIP=0x8000, CS.base=SMBASE=${hex(base)}, CR0.PE/PG=0`,
    );
  }
  for (const c of arrival) s.cpus[c].activity = 'rendezvous';
  const taken = arrival.length;
  yield lazyEv('save-state', -1, () => `${taken} CPU(s) in SMM, each at its own SMBASE+0x8000`, 'phase');

  if (!t.communicate && priv.commBuffer !== 0) {
    const pending = priv.commBuffer;
    yield lazyEv('smi-delivery', -1, () => `gSmmCorePrivate->CommunicationBuffer is still ${hex(pending)}: a Communicate left pending by an earlier SMI that reached no SmmEntryPoint. If this SMI gets a BSP, its SmmEntryPoint processes that request now`);
  }

  // Late CPUs (SMI IPIs from SmmWaitForApArrival) are appended to `arrival`.
  const bsp = yield* smiRendezvous(m, arrival);
  if (bsp === null) {
    rec.note = `${outcome.reason}. No SMM BSP took this SMI (OVMF's PlatformSmmBspElection makes CPU0 the BSP, and CPU0 did not get SMI#): ` +
      `APHandler gave up after PcdCpuSmmApSyncTimeout; no MMI handler ran`;
  }

  for (const c of arrival) {
    const cpu = s.cpus[c];
    rsm(cpu, s.mem, m.layout);
    cpu.activity = 'rsm';
    const r = cpu.regs;
    const rip0 = r[2 * REG.RIP], rip1 = r[2 * REG.RIP + 1], rax0 = r[2 * REG.RAX], rax1 = r[2 * REG.RAX + 1];
    const base = cpu.smbase;
    const halted = cpu.halted; // only the Intel map's AutoHALTRestart halts again (facts §10.5)
    yield lazyEv('rsm', c, () => `CPU${c}: SmiRendezvous returns to the stub -> RSM: registers reloaded from SMRAM bytes; RIP=${hex64w(rip0, rip1)}, RAX=${hex64w(rax0, rax1)}, SMBASE=${hex(base)}${halted ? '; AutoHALTRestart bit 0 is set, so the CPU is back in HLT' : ''}`);
  }
  rec.finished = true;
  if (t.communicate) {
    yield tag(ev(
      'rsm',
      t.cpu,
      bsp === null
        ? `SMI #${rec.number} done without SmmEntryPoint. Communicate returns gSmmCorePrivate->ReturnStatus as it was (${priv.returnStatus}, from an earlier request), *CommSize = ${hex(priv.bufferSize)}; the request was not processed and stays in CommunicationBuffer`
        : `SMI #${rec.number} done. Communicate returns ${priv.returnStatus}, *CommSize = ${hex(priv.bufferSize)}`,
      'phase',
    ), { status: priv.returnStatus });
  } else {
    yield lazyEv('rsm', -1, () => `SMI #${rec.number} done: all ${arrival.length} CPU(s) back in the OS${bsp === null ? '; no MMI handler ran' : ''}`, 'phase');
  }
  s.lastSmi = rec;
  s.currentSmi = null;
  for (const c of arrival) s.cpus[c].activity = 'os';
}
