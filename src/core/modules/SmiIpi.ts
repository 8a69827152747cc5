/**
 * SMI IPIs the boot sends through the local APIC (edk2 UefiCpuPkg/Library/BaseXApicX2ApicLib
 * SendSmiIpi / SendSmiIpiAllExcludingSelf): PEI's SmmRelocationLib relocates each CPU with one,
 * PiSmmCpuDxeSmm's ExecuteFirstSmiInit runs the first-SMI init with two. Each IPI is an SMI in
 * the machine's sequence (m.s.smiSeq) with kind 'smi-ipi'. Only the target CPUs enter SMM: each
 * saves its state at its own SMBASE (QEMU do_smm_enter), runs `body`, and leaves with RSM (which
 * reloads SMBASE from the map). No rendezvous and no SmmEntryPoint: these SMIs never reach the
 * SMM core.
 */

import { rsm, smmEnter } from '../machine/Cpu';
import type { Machine, SmiRecord } from '../pi/Platform';
import type { SmiIpiPurpose } from '../pi/SmiRecord';
import { SMM_HANDLER_OFFSET, SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateField';
import { ev, type Gen, hex } from '../pi/Fw';

/**
 * One SMI IPI from CPU `from` to `targets` (one ICR write; an "all excluding self" shorthand
 * reaches several CPUs). `body(cpu)` is what that CPU runs in SMM; it returns the event text.
 */
export function* sendSmiIpi(m: Machine, from: number, targets: number[], what: string, purpose: SmiIpiPurpose, body: (cpu: number) => Gen<string>): Gen<void> {
  const s = m.s;
  const rec: SmiRecord = {
    number: ++s.smiSeq,
    kind: 'smi-ipi',
    command: s.lpc.apmc,
    data: s.lpc.apms,
    cpu: from,
    bsp: null,
    communicate: null,
    phasesRun: [],
    handlersCalled: [],
    finished: false,
    raised: true,
    note: what,
    ipiPurpose: purpose,
    cpus: [...targets],
  };
  s.currentSmi = rec;
  // The ICR write is a memory access, not an I/O instruction: the sender's last retired
  // instruction is no longer an OUT (CpuState.lastIo; the Intel map's IOMisc, facts §7.5).
  s.cpus[from].lastIo = null;
  yield ev('smi-delivery', from, `SMI #${rec.number}: ${what}: CPU${from} sends an SMI IPI (local APIC ICR, delivery mode SMI) to ${targets.map((c) => `CPU${c}`).join(', ')}; only ${targets.length === 1 ? 'that CPU enters' : 'those CPUs enter'} SMM`, 'phase');
  for (const c of targets) {
    const cpu = s.cpus[c];
    cpu.smiPending = true;
    cpu.activity = 'saving-state';
    const smbase = cpu.smbase;
    smmEnter(cpu, s.mem, m.layout);
    yield ev('save-state', c, `CPU${c}: SMM entry #${cpu.smiCount} (MSR_SMI_COUNT) at SMBASE ${hex(smbase)}: state saved at ${hex(smbase + SMRAM_SAVE_STATE_MAP_OFFSET)}, RIP = ${hex(smbase + SMM_HANDLER_OFFSET)}`);
    cpu.activity = 'bsp';
    const text = yield* body(c);
    yield ev('handler', c, text);
    rsm(cpu, s.mem, m.layout);
    cpu.activity = 'rsm';
    // The last CPU's RSM ends the SMI: the record says so at that event (the debugger's `step smi` stops there).
    if (c === targets[targets.length - 1]) rec.finished = true;
    yield ev('rsm', c, `CPU${c}: RSM (SMBASE now ${hex(cpu.smbase)})`);
    cpu.activity = 'os';
  }
  rec.finished = true;
  s.lastSmi = rec;
  s.currentSmi = null;
}
