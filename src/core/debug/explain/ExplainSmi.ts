/**
 * Explanations of an SMI's events, phase by phase: the OUT to the APM ports, SMI# delivery, the
 * CPU saving its state into SMRAM, the rendezvous and the monarch, the exit and RSM (what the SMM
 * core does in between is ExplainMmi.ts). Each rule recognises an event the model makes
 * (system/SmiLifecycle.ts, modules/MpService.ts, pi/SmmEntryPoint.ts, pi/Mmi.ts) by its phase and
 * text, and says in plain words what happened, naming the upstream function it follows.
 */

import { SMRAM_SAVE_STATE_MAP_SIZE } from '../../machine/SaveStateField';
import type { LookHere } from '../ViewTypes';
import { type ExplainContext, type ExplainRule, look, num } from './ExplainTypes';

const APM_SOURCE = 'QEMU hw/isa/apm.c apm_ioport_writeb, hw/isa/lpc_ich9.c ich9_apm_ctrl_changed';
const PCH_APM_SOURCE = 'edk2-platforms AlderlakeSiliconPkg Pch/SmmControl/RuntimeDxe/SmmControlDriver.c (APM_CNT, SMI_EN.EOS); the PCH itself';
const ENTRY_SOURCE_TCG = 'QEMU target/i386/tcg/system/smm_helper.c do_smm_enter';
const RSM_SOURCE_TCG = 'QEMU target/i386/tcg/system/smm_helper.c helper_rsm';
const RENDEZVOUS_SOURCE = 'UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c SmiRendezvous';
const ELECTION_OVMF = 'OvmfPkg/Library/SmmCpuPlatformHookLibQemu PlatformSmmBspElection; UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c SmiRendezvous';
const ELECTION_PCH = 'UefiCpuPkg/Library/SmmCpuPlatformHookLibNull PlatformSmmBspElection; UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c SmiRendezvous (InterlockedCompareExchange32 on BspIndex)';

function smiOf(x: ExplainContext) {
  return x.m.s.currentSmi ?? x.m.s.lastSmi;
}

function monarchWord(x: ExplainContext): string {
  return x.pch
    ? 'on this PCH machine the first CPU to check in becomes the SMM BSP (the "monarch")'
    : 'on OVMF the SMM BSP (the "monarch") is always CPU 0, whichever CPU wrote 0xB2';
}

/** Where the save-state map of `cpu` lies (SMBASE + 0xFC00). */
function mapAt(x: ExplainContext, cpu: number): number {
  return x.m.s.cpus[cpu].smbase + 0xfc00;
}

function accelSource(x: ExplainContext, tcg: string): string {
  if (x.pch) return 'the processor (Intel SDM vol. 3, "SMRAM State Save Map"); edk2 MdePkg/Include/Register/Intel/SmramSaveStateMap.h';
  return x.m.s.config.accel === 'kvm' ? 'Linux arch/x86/kvm/smm.c ' + (tcg === RSM_SOURCE_TCG ? 'emulator_leave_smm / rsm_load_state_64' : 'enter_smm') : tcg;
}

/** Who executed an OUT: the OS, or SmmControl2's Trigger for a Communicate (during the boot, DXE firmware). */
function who(x: ExplainContext, cpu: number): string {
  if (/Trigger/.test(x.event.text)) return `SmmControl2's Trigger (called by PiSmmIpl for a Communicate) on CPU ${cpu}`;
  return `The ${x.boot ? 'firmware' : 'operating system'} on CPU ${cpu}`;
}

export const SMI_RULES: ExplainRule[] = [
  // ---- trigger ----
  {
    phases: ['trigger'],
    re: /^CPU(\d+): OUT 0xB3, (0x[0-9A-F]+)/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: `CPU ${cpu} writes the data byte to port 0xB3`,
        sentences: [
          `${who(x, cpu)} executed an OUT instruction: it wrote ${mm[2]} to I/O port 0xB3 (APM_STS).`,
          'That port is only a scratch register: writing it raises no interrupt. It holds a parameter a handler may read later.',
          'The write to 0xB2, next, is the one that raises the SMI.',
        ],
        source: x.pch ? PCH_APM_SOURCE : APM_SOURCE,
        look: [look.cpu(cpu, `CPU ${cpu}: the OUT`)],
      };
    },
  },
  {
    phases: ['trigger'],
    re: /^CPU(\d+): OUT 0xB2, (0x[0-9A-F]+).*?-> APM_CNT: (.*)$/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      const value = mm[2];
      const rest = mm[3];
      const raised = !/no SMI|not raised|ignored|swallow/i.test(rest);
      const sentences = [`${who(x, cpu)} wrote ${value} to I/O port 0xB2 (APM_CNT), the chipset's "software SMI" command port.`];
      if (!raised) {
        sentences.push(`The chipset raised no SMI this time: ${rest.replace(/^APM_CNT \S+: /, '')}.`);
      } else if (x.pch) {
        sentences.push('The PCH answers by asserting SMI#, a System Management Interrupt, to every CPU thread, and clears SMI_EN.EOS (End of SMI): no new SMI# until firmware sets EOS again.');
      } else if (/every CPU|broadcast/.test(rest)) {
        sentences.push("QEMU's ICH9 chipset model answers by raising SMI#, a System Management Interrupt, on every CPU (OVMF negotiated broadcast SMI with QEMU at boot).");
      } else {
        sentences.push(`QEMU's ICH9 chipset model answers by raising SMI#, a System Management Interrupt, on CPU ${cpu} only (broadcast SMI is off).`);
      }
      if (raised) sentences.push('Unlike an ordinary interrupt, the OS cannot mask or intercept an SMI: the CPU leaves whatever it runs, at any privilege level, and enters System Management Mode.');
      return {
        title: raised ? `CPU ${cpu} writes ${value} to 0xB2: an SMI is raised` : `CPU ${cpu} writes ${value} to 0xB2: no SMI`,
        sentences,
        source: x.pch ? PCH_APM_SOURCE : APM_SOURCE,
        look: [look.cpu(cpu, `CPU ${cpu}: wrote 0xB2`), look.terminal('the OUT in the log')],
      };
    },
  },
  {
    phases: ['trigger'],
    re: /SmmCommunicationCommunicate on CPU(\d+): gSmmCorePrivate->CommunicationBuffer=(0x[0-9A-F]+), BufferSize=(0x[0-9A-F]+|\d+)/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      const base = num(mm[2]);
      const size = num(mm[3]);
      return {
        title: 'Communicate: a call into SMM',
        sentences: [
          `${x.boot ? 'A DXE driver' : 'The OS'} on CPU ${cpu} called EFI_SMM_COMMUNICATION_PROTOCOL.Communicate: a request for SMM code, written in a buffer at ${mm[2]} outside SMRAM.`,
          "PiSmmIpl records the buffer's address in gSmmCorePrivate->CommunicationBuffer, then asks SmmControl2 to trigger a software SMI (an OUT to 0xB3, then to 0xB2).",
          'Inside SMM the core will read the GUID at the start of the buffer and call only the handlers registered for it.',
        ],
        source: 'MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c SmmCommunicationCommunicate',
        look: [look.cpu(cpu, `CPU ${cpu}: the caller`), look.smram(base, Math.max(1, size), 'the CommBuffer')],
      };
    },
  },
  // ---- delivery ----
  {
    phases: ['smi-delivery'],
    re: /^SMI# latched on (?:all )?(\d+ CPUs?|CPU\d+)/,
    say: (x, mm) => {
      const smi = smiOf(x);
      const out = smi?.kind === 'smi-ipi' ? null : smi?.cpu ?? null;
      const all = /^\d/.test(mm[1]);
      return {
        title: all ? `SMI# is pending on ${mm[1]}` : `SMI# is pending on ${mm[1].replace('CPU', 'CPU ')}`,
        sentences: [
          all ? `The SMI is now pending on every CPU (${mm[1]}).` : `The SMI is pending on ${mm[1].replace('CPU', 'CPU ')} only: the other CPUs keep running the OS for now.`,
          'Each CPU takes it at its next instruction boundary, before it runs another instruction of the OS.',
          out !== null ? `CPU ${out}, which executed the OUT, takes it right after that instruction.` : 'No OUT raised it: it came as an SMI IPI through the local APIC.',
        ],
        source: x.pch ? 'the PCH signals SMI# to every thread (facts §9.2)' : 'QEMU hw/isa/lpc_ich9.c ich9_apm_ctrl_changed (cpu_interrupt CPU_INTERRUPT_SMI)',
        look: out !== null ? [look.cpu(out, `CPU ${out}: the OUT`), look.timeline('the SMI# lane')] : [look.timeline('the SMI# lane')],
      };
    },
  },
  {
    phases: ['smi-delivery'],
    re: /SendSmiIpi.*?CPU(\d+) sends an SMI IPI.*? to CPU(\d+)/,
    say: (_x, mm) => {
      const from = num(mm[1]);
      const to = num(mm[2]);
      return {
        title: `CPU ${from} sends an SMI IPI to CPU ${to}`,
        sentences: [
          `Firmware on CPU ${from} wrote its local APIC's command register to send an inter-processor interrupt with delivery mode SMI to CPU ${to}.`,
          'That is how firmware raises an SMI on one chosen CPU without the chipset: no OUT to 0xB2 is involved.',
          'The boot uses it to relocate each CPU\'s SMBASE and for PiSmmCpuDxeSmm\'s first-SMI initialisation.',
        ],
        source: 'UefiCpuPkg/Library/BaseXApicX2ApicLib SendSmiIpi; OvmfPkg/Library/SmmRelocationLib, UefiCpuPkg/PiSmmCpuDxeSmm ExecuteFirstSmiInit',
        look: [look.cpu(from, `CPU ${from}: sends the IPI`), look.cpu(to, `CPU ${to}: receives it`)],
      };
    },
  },
  // ---- save state ----
  {
    phases: ['save-state'],
    re: /^CPU(\d+): SMM entry #(\d+) \(MSR_SMI_COUNT\): state saved at SMBASE\+0xFC00 = (0x[0-9A-F]+) \(saved RIP (0x[0-9A-F]+), RAX (0x[0-9A-F]+)(, IOMisc (0x[0-9A-F]+) = SmiFlag (\d))?/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      const at = num(mm[3]);
      const sentences = [
        `CPU ${cpu} entered System Management Mode. Before running any firmware, the CPU itself saved its registers (the OS's RIP ${mm[4]}, RAX ${mm[5]}, ...) into its save-state map at ${mm[3]}, inside SMRAM.`,
        "SMRAM is memory the OS cannot read or write, so the OS's state is safe there and can be restored exactly.",
        'The CPU then starts at SMBASE+0x8000 in a simple, real-mode-like state (no paging), running code that only the firmware put there.',
      ];
      const lk: LookHere[] = [look.cpu(cpu, `CPU ${cpu}`), look.field(cpu, 'RIP', `saved RIP of CPU ${cpu}`), look.field(cpu, 'RAX', `saved RAX of CPU ${cpu}`), look.smram(at, SMRAM_SAVE_STATE_MAP_SIZE, `CPU ${cpu}'s save state in SMRAM`, cpu)];
      if (mm[6] !== undefined) {
        sentences.push(
          mm[8] === '1'
            ? `This Intel layout also records IOMisc (${mm[7]}): this CPU's last instruction was the OUT to 0xB2, so a dispatcher can tell that this CPU raised the SMI.`
            : `This Intel layout also records IOMisc: 0 here, because the SMI did not come right after an I/O instruction of this CPU.`,
        );
        lk.push(look.field(cpu, 'IOMisc', `IOMisc of CPU ${cpu}`));
      } else if (x.m.s.config.accel === 'kvm') {
        sentences.push('With KVM the kernel writes the map and zeroes the fields it does not save.');
      }
      return { title: `CPU ${cpu} saves its state and enters SMM`, sentences, source: accelSource(x, ENTRY_SOURCE_TCG), look: lk };
    },
  },
  {
    phases: ['save-state'],
    re: /^CPU(\d+): SMM entry #(\d+) \(MSR_SMI_COUNT\) at SMBASE (0x[0-9A-F]+): state saved at (0x[0-9A-F]+)/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      const base = num(mm[3]);
      return {
        title: `CPU ${cpu} enters SMM at SMBASE ${mm[3]}`,
        sentences: [
          `CPU ${cpu} took an SMI and saved its registers at ${mm[4]}, in the save-state map of SMBASE ${mm[3]}${base === 0x30000 ? ', the default SMBASE every CPU starts with after reset' : ''}.`,
          "At the default SMBASE all CPUs would share one save area, so the boot moves each CPU's SMBASE to a place of its own in TSEG: that is SMBASE relocation.",
        ],
        source: 'OvmfPkg/Library/SmmRelocationLib SmmRelocationInit (facts §12.2)',
        look: [look.cpu(cpu, `CPU ${cpu}`), look.field(cpu, 'SMBASE', `SMBASE of CPU ${cpu}`)],
      };
    },
  },
  {
    phases: ['save-state'],
    re: /^(\d+) CPU\(s\) in SMM/,
    say: (x, mm) => ({
      title: mm[1] === '1' ? 'The CPU is in SMM' : `${mm[1]} CPUs are in SMM`,
      sentences: [
        mm[1] === '1'
          ? 'The CPU that took the SMI has saved its state and runs from its SMBASE+0x8000.'
          : `All ${mm[1]} CPUs that took the SMI have saved their state; each runs from its own SMBASE+0x8000.`,
        'Every CPU has its own SMBASE and so its own save-state map: a handler that changes one CPU\'s saved registers changes what that CPU, and only that CPU, gets back.',
        `Next they meet in PiSmmCpuDxeSmm's SmiRendezvous; ${monarchWord(x)}.`,
      ],
      source: RENDEZVOUS_SOURCE,
      look: [look.timeline('the save-state events, one per CPU')],
    }),
  },
  // ---- rendezvous ----
  {
    phases: ['rendezvous'],
    re: /^CPU(\d+): SmiRendezvous: ValidSmi/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: `CPU ${cpu} checks in`,
        sentences: [
          `CPU ${cpu} runs SmiRendezvous, the C code PiSmmCpuDxeSmm installed for every CPU's SMI entry.`,
          'It counts itself in: one CPU will run the handlers (the SMM BSP), the others wait, so that no CPU runs OS code while SMM changes shared state.',
          `Who is BSP: ${monarchWord(x)}.`,
        ],
        source: RENDEZVOUS_SOURCE,
        look: [look.cpu(cpu, `CPU ${cpu}`), look.lane(cpu, `CPU ${cpu}'s lane`)],
      };
    },
  },
  {
    phases: ['rendezvous'],
    re: /^CPU(\d+): PlatformSmmBspElection: IA32_APIC_BASE\.BSP=(\d) -> IsBsp=(TRUE|FALSE)/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      const bsp = mm[3] === 'TRUE';
      const smi = smiOf(x);
      const out = smi?.kind === 'smi-ipi' ? null : smi?.cpu;
      return {
        title: bsp ? `CPU ${cpu} becomes the SMM BSP` : `CPU ${cpu} is an AP`,
        sentences: [
          `OVMF's PlatformSmmBspElection reads CPU ${cpu}'s IA32_APIC_BASE MSR: its BSP bit is ${mm[2]}, so CPU ${cpu} ${bsp ? 'is elected SMM BSP (the monarch) and will run the handlers' : 'is an AP: it waits while the BSP works'}.`,
          'Only CPU 0 has that bit (QEMU makes CPU 0 the boot processor), so on OVMF the monarch is CPU 0 on every SMI.',
          out !== undefined && out !== null && out !== 0 ? `Note that CPU ${out} raised this SMI, yet CPU 0 will handle it: a handler that answers in "the current CPU's" RAX answers CPU 0, not the caller.` : 'The CPU that raised the SMI plays no part in the election.',
        ],
        source: ELECTION_OVMF,
        look: [look.cpu(cpu, bsp ? `CPU ${cpu}: BSP` : `CPU ${cpu}: AP`)],
      };
    },
  },
  {
    phases: ['rendezvous'],
    re: /^CPU(\d+): PlatformSmmBspElection = EFI_NOT_READY.*?(wins: first to check in|BspIndex already set \(CPU(\d+) checked in first\))/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      const wins = mm[2].startsWith('wins');
      return {
        title: wins ? `CPU ${cpu} wins the election` : `CPU ${cpu} is an AP`,
        sentences: [
          'This platform has no election hook (SmmCpuPlatformHookLibNull answers EFI_NOT_READY), so SmiRendezvous holds a race: each CPU tries to write its number into BspIndex with an atomic compare-exchange.',
          wins ? `CPU ${cpu} checked in first, its exchange succeeded: it is the SMM BSP (the monarch) and will run the handlers.` : `CPU ${mm[3]} got there first; CPU ${cpu}'s exchange fails and it becomes an AP that waits.`,
          'Who arrives first is a model choice here (--arrival); on real hardware it varies from SMI to SMI.',
        ],
        source: ELECTION_PCH,
        look: [look.cpu(cpu, wins ? `CPU ${cpu}: BSP` : `CPU ${cpu}: AP`)],
      };
    },
  },
  {
    phases: ['rendezvous'],
    re: /^BSP CPU(\d+): BSPHandler/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: `CPU ${cpu} runs BSPHandler`,
        sentences: [
          `As SMM BSP, CPU ${cpu} runs BSPHandler: it sets InsideSmm so that the APs know a BSP is working, and clears the chipset's top-level SMI status.`,
          'It will wait until every CPU has checked in before it calls the SMM core.',
        ],
        source: 'UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c BSPHandler',
        look: [look.cpu(cpu, `CPU ${cpu}: BSP`)],
      };
    },
  },
  {
    phases: ['rendezvous'],
    re: /\(APHandler\): InsideSmm=TRUE/,
    say: (x) => ({
      title: 'The APs wait for the BSP',
      sentences: [
        'The other CPUs (APs) run APHandler: they saw InsideSmm set within the timeout, mark themselves present and wait in a loop until the BSP releases them.',
        'While they wait, they run no OS code: that is the point of the rendezvous.',
      ],
      source: 'UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c APHandler',
      look: [look.timeline('the AP lanes')],
    }),
  },
  {
    phases: ['rendezvous'],
    re: /^BSP CPU(\d+) \((traditional|relaxed) sync\)/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: `Rendezvous complete (${mm[2]} sync)`,
        sentences: [
          mm[2] === 'traditional'
            ? `In traditional sync mode the BSP (CPU ${cpu}) waited until every CPU had checked in, then locked the door so no late CPU can join this SMI.`
            : `In relaxed sync mode the BSP (CPU ${cpu}) does not wait for every AP before it calls the handlers.`,
          'Now only the BSP runs firmware code; the APs wait to be released or to be given work (SmmStartupThisAp).',
        ],
        source: 'UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c BSPHandler, SmmWaitForApArrival (PcdCpuSmmSyncMode)',
        look: [look.cpu(cpu, `CPU ${cpu}: BSP`)],
      };
    },
  },
  // ---- exit and RSM ----
  {
    phases: ['exit'],
    re: /^BSP CPU(\d+): SmmEntryPoint returned/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: 'The handlers are done',
        sentences: [
          `SmmEntryPoint returned to BSPHandler on CPU ${cpu}. The BSP clears InsideSmm and releases the APs from their wait loop.`,
          'Each CPU now goes back to its SMI entry code and leaves SMM with RSM.',
        ],
        source: 'UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c BSPHandler, ReleaseAllAPs',
        look: [look.cpu(cpu, `CPU ${cpu}: BSP`)],
      };
    },
  },
  {
    phases: ['rsm'],
    re: /^CPU(\d+): SmiRendezvous returns to the stub -> RSM: .*?RIP=(0x[0-9A-F]+), RAX=(0x[0-9A-F]+)(.*AutoHALTRestart)?/,
    say: (x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: `CPU ${cpu} executes RSM`,
        sentences: [
          `CPU ${cpu} executed RSM (Resume from System Management Mode): it reloaded its registers from its save-state map in SMRAM and went back to the OS.`,
          `The OS continues at RIP ${mm[2]} with RAX ${mm[3]}: whatever the map held, including any value a handler wrote there.`,
          mm[4] ? 'The CPU was halted when the SMI came (AutoHALTRestart bit 0 set), so it goes back to HLT.' : 'The OS never sees that it was interrupted, except for the time that passed.',
        ],
        source: accelSource(x, RSM_SOURCE_TCG),
        look: [look.cpu(cpu, `CPU ${cpu}`), look.field(cpu, 'RAX', `RAX of CPU ${cpu} (what the OS gets)`), look.field(cpu, 'RIP', `RIP of CPU ${cpu}`)],
      };
    },
  },
  {
    phases: ['rsm'],
    re: /^CPU(\d+): RSM \(SMBASE now (0x[0-9A-F]+)\)/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      return {
        title: `CPU ${cpu} leaves SMM with its new SMBASE`,
        sentences: [
          `CPU ${cpu} executed RSM. The relocation handler had written ${mm[2]} into the SMBASE field of its save state; RSM loaded it into the CPU.`,
          `From now on CPU ${cpu}'s SMIs enter at ${mm[2]}+0x8000 and save its state at ${mm[2]}+0xFC00, in TSEG.`,
        ],
        source: 'OvmfPkg/Library/SmmRelocationLib; QEMU helper_rsm (SMBASE reload, revision bit 17)',
        look: [look.cpu(cpu, `CPU ${cpu}`)],
      };
    },
  },
  {
    phases: ['rsm'],
    re: /^SMI #(\d+) done/,
    say: (x, mm) => {
      const smi = smiOf(x);
      const calls = smi?.handlersCalled ?? [];
      return {
        title: `SMI #${mm[1]} is over`,
        sentences: [
          `Every CPU is back in the OS. SMI #${mm[1]} ${calls.length ? `ran ${calls.map((c) => `${c.handler} (${c.returned})`).join(', ')}` : 'ran no MMI handler'}.`,
          `SMIs are counted from power-on, the boot's own included (SMBASE relocation, variable requests through SMM): that is why this one is #${mm[1]}.`,
        ],
        source: RSM_SOURCE_TCG,
        look: [look.timeline('the SMI summary'), { panel: 'handlers', label: 'what each handler returned' }],
      };
    },
  },
];

/** A sentence for each phase, for events no rule knows (never invented: it says only what the phase is). */
export const PHASE_SENTENCES: Record<string, string> = {
  trigger: 'Something outside SMM is about to raise (or has just raised) an SMI: an OUT to the APM ports, an SMI IPI, or the boot asking SMM for a service.',
  'smi-delivery': 'SMI# is being delivered: each CPU that gets it will enter System Management Mode at its next instruction boundary.',
  'save-state': 'A CPU is entering SMM: it saves its registers into its save-state map in SMRAM and starts at SMBASE+0x8000.',
  rendezvous: "The CPUs meet in PiSmmCpuDxeSmm's SmiRendezvous: one becomes the SMM BSP, the others wait.",
  'smm-entry': "The SMM BSP has called the SMM core's SmmEntryPoint.",
  communicate: 'The SMM core is handling a Communicate request: a message from outside SMM, sent to the handlers of one GUID.',
  'mmi-manage': 'MmiManage is calling MMI handlers and collecting their statuses.',
  handler: 'A handler, a driver entry point or an SMM service is running inside SMM.',
  exit: 'The SMM core has returned: the BSP releases the APs.',
  rsm: 'CPUs leave SMM with RSM: each reloads its registers from its save-state map.',
  done: 'The SMI is over.',
};

