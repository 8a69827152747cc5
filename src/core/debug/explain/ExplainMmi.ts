/**
 * Explanations of what the SMM core does inside an SMI (pi/SmmEntryPoint.ts, pi/Mmi.ts and the
 * services handlers call): SmmEntryPoint, a Communicate and its CommBuffer checks, MmiManage and
 * each handler with what its status means, a handler reading APM_CNT or a save state, and
 * WriteSaveState. The rules work as in ExplainSmi.ts.
 */

import type { LookHere } from '../ViewTypes';
import { type ExplainRule, look, num } from './ExplainTypes';

const ENTRY_POINT_SOURCE = 'MdeModulePkg/Core/PiSmmCore/PiSmmCore.c SmmEntryPoint';
const MANAGE_SOURCE = 'MdeModulePkg/Core/PiSmmCore/Smi.c SmiManage (MmiManage)';

export const MMI_RULES: ExplainRule[] = [
  // ---- SmmEntryPoint ----
  {
    phases: ['smm-entry'],
    re: /^SmmEntryPoint on CPU(\d+):.*?CpuSaveState\[0\]=(0x[0-9A-F]+).*?CommunicationBuffer=(NULL|0x[0-9A-F]+)/,
    say: (_x, mm) => {
      const cpu = num(mm[1]);
      const comm = mm[3] !== 'NULL';
      return {
        title: 'The SMM core takes over',
        sentences: [
          `The BSP (CPU ${cpu}) calls the SMM core's SmmEntryPoint. It gets an EFI_SMM_ENTRY_CONTEXT: which CPU is running, how many CPUs there are, and where each one's save state lies.`,
          'The core copies that into gSmst (the SMM System Table), the table every SMM driver uses to reach the core\'s services.',
          comm ? `A Communicate request is waiting (CommunicationBuffer = ${mm[3]}): the core handles it first.` : 'No Communicate request is waiting (CommunicationBuffer = NULL): the core goes straight to the root MMI handlers.',
        ],
        source: ENTRY_POINT_SOURCE,
        look: [look.cpu(cpu, `CPU ${cpu}: runs the core`), look.timeline('the SmmEntryPoint event')],
      };
    },
  },
  // ---- Communicate ----
  {
    phases: ['communicate'],
    re: /^Communicate: HeaderGuid=(\S+?), MessageLength=(\S+?),/,
    say: (x, mm) => {
      const comm = x.m.s.smm.priv.lastRequest;
      const lk: LookHere[] = [look.timeline('the Communicate event')];
      if (comm) lk.unshift(look.smram(comm.address, Math.max(1, comm.size), 'the CommBuffer'));
      return {
        title: `Communicate for ${mm[1]}`,
        sentences: [
          `The CommBuffer starts with a header: the GUID ${mm[1]} and the message length ${mm[2]}.`,
          'Before any handler may touch the buffer, the core checks that it lies entirely outside SMRAM (SmmIsBufferOutsideSmmValid): otherwise the OS could make SMM code overwrite SMRAM for it.',
          `Then it calls MmiManage with that GUID: only handlers registered for ${mm[1]} run, with a pointer to the message.`,
        ],
        source: ENTRY_POINT_SOURCE + ', MdePkg/Library/SmmMemLib SmmIsBufferOutsideSmmValid',
        look: lk,
      };
    },
  },
  {
    phases: ['communicate'],
    re: /^Communicate rejected: (.*?) -> ReturnStatus = (EFI_\w+)/,
    say: (x, mm) => {
      const req = x.m.s.smm.priv.lastRequest;
      const inSmram = /SMRAM|Overlap|overlaps/i.test(mm[1]);
      return {
        title: 'The Communicate request is refused',
        sentences: [
          `SmmEntryPoint refused the Communicate buffer (${mm[1]}): no handler sees it, and the caller gets ${mm[2]}.`,
          inSmram
            ? 'The buffer touches SMRAM. If SMM accepted it, the OS could hand over a "buffer" that is really SMRAM and have a handler overwrite SMM\'s own memory for it.'
            : 'The buffer is not a valid Communicate buffer, so the core does not pass it to any handler.',
          'The root MMI handlers still run afterwards, as on every SMI.',
        ],
        source: ENTRY_POINT_SOURCE + ', MdePkg/Library/SmmMemLib SmmIsBufferOutsideSmmValid',
        look: [...(req ? [look.smram(req.address, Math.max(1, req.size), 'the CommBuffer')] : []), look.terminal('the refusal in the log')],
      };
    },
  },
  {
    phases: ['communicate'],
    re: /^Communicate \(EFI_MM_COMMUNICATE_HEADER_V3\): MessageGuid=(\S+?), MessageSize=(\S+?),/,
    say: (x, mm) => {
      const req = x.m.s.smm.priv.lastRequest;
      return {
        title: `Communicate (V3) for ${mm[1]}`,
        sentences: [
          `The CommBuffer starts with a version 3 header; the message inside is for ${mm[1]} (${mm[2]} bytes).`,
          'The buffer passed the check that it lies entirely outside SMRAM (SmmIsBufferOutsideSmmValid), so handlers may read and write it.',
          `MmiManage now calls only the handlers registered for ${mm[1]}.`,
        ],
        source: ENTRY_POINT_SOURCE,
        look: [...(req ? [look.smram(req.address, Math.max(1, req.size), 'the CommBuffer')] : []), look.timeline('the Communicate event')],
      };
    },
  },
  {
    phases: ['communicate'],
    re: /^Communicate done: GUID handlers returned (EFI_\w+) -> ReturnStatus = (EFI_\w+)/,
    say: (x, mm) => {
      const req = x.m.s.smm.priv.lastRequest;
      return {
        title: `Communicate done: ${mm[2]}`,
        sentences: [
          `The GUID handlers returned ${mm[1]}; SmmEntryPoint stores ${mm[2]} for the caller${mm[2] === 'EFI_NOT_FOUND' ? ' (no handler took the message)' : ''}.`,
          "Any answer a handler wrote is in the CommBuffer, outside SMRAM, where the caller reads it after the SMI.",
          'The root MMI handlers still run next, as on every SMI.',
        ],
        source: ENTRY_POINT_SOURCE,
        look: req ? [look.smram(req.address, Math.max(1, req.size), 'the CommBuffer (the reply)')] : [look.timeline('the Communicate events')],
      };
    },
  },
  // ---- MmiManage and handlers ----
  {
    phases: ['mmi-manage', 'communicate'],
    re: /^MmiManage\((NULL|\S+?)(?: \(root MMI handlers\))?\): (\d+) handler\(s\) to walk/,
    say: (_x, mm) => {
      const root = mm[1] === 'NULL';
      return {
        title: root ? 'MmiManage walks the root handlers' : `MmiManage(${mm[1]})`,
        sentences: [
          root
            ? `MmiManage(NULL) calls every root MMI handler, in the order they registered: ${mm[2]} this time. A root handler must find out for itself whether the SMI is for it.`
            : `MmiManage looks up the handlers registered for ${mm[1]} and calls them: ${mm[2]} this time.`,
          'Each handler answers with a status: EFI_SUCCESS (handled), EFI_WARN_INTERRUPT_SOURCE_QUIESCED (not mine, but quiet now), ..._PENDING, or EFI_INTERRUPT_PENDING.',
        ],
        source: MANAGE_SOURCE,
        look: [{ panel: 'handlers', label: 'the MMI handlers table' }],
      };
    },
  },
  {
    phases: ['mmi-manage', 'communicate'],
    re: /^MmiManage\((NULL|\S+?)(?: \(root MMI handlers\))?\) returns (EFI_\w+)/,
    say: (_x, mm) => ({
      title: `MmiManage returns ${mm[2]}`,
      sentences: [
        `MmiManage combined the handlers' answers into ${mm[2]}.`,
        mm[1] === 'NULL'
          ? 'SmmEntryPoint ignores what the root handlers return: the SMI is over either way.'
          : 'For a Communicate, SmmEntryPoint turns it into the status the caller gets back (EFI_SUCCESS, or EFI_NOT_FOUND when no handler took the message).',
      ],
      source: MANAGE_SOURCE,
      look: [{ panel: 'handlers', label: 'what each handler returned' }],
    }),
  },
  {
    phases: ['handler'],
    re: /^(root|guid|sw) handler (\w+)\.(\w+)\(DispatchHandle=(0x[0-9A-F]+)/,
    say: (_x, mm) => ({
      title: `${mm[3]} runs`,
      sentences: [
        `The SMM core calls ${mm[1] === 'root' ? 'root' : mm[1] === 'guid' ? 'GUID' : 'SW'} handler ${mm[3]} of module ${mm[2]} (its registration record is at ${mm[4]}, in SMRAM).`,
        mm[1] === 'root'
          ? 'A root handler runs on every SMI: it must check the hardware (here usually port 0xB2) to see whether this SMI is its business.'
          : mm[1] === 'guid'
            ? 'A GUID handler runs only for a Communicate whose header names its GUID; it gets a pointer to the message.'
            : 'A SW handler runs when the SW dispatcher sees the command value it registered for.',
        'It runs with full privilege: in SMM the CPU can read and write all memory, SMRAM included.',
      ],
      source: MANAGE_SOURCE,
      look: [look.handler(mm[3], `${mm[3]} in the handlers table`)],
    }),
  },
  {
    phases: ['handler'],
    re: /^(\w+)\.(\w+) returned (EFI_\w+)/,
    say: (x, mm) => {
      const st = mm[3];
      // The GUID a Communicate asked for: a GUID walk (MmiManage(&Guid)) stops on EFI_SUCCESS, the root walk never does.
      const guidWalk = [...x.before].reverse().find((e) => /^MmiManage\(/.test(e.text) && /handler\(s\) to walk/.test(e.text));
      const root = guidWalk === undefined || /^MmiManage\(NULL/.test(guidWalk.text);
      const meaning: Record<string, string> = {
        EFI_SUCCESS: root ? 'it handled the SMI (MmiManage still calls the other root handlers: the root walk never stops early)' : 'it handled the message, so MmiManage calls no other handler for this GUID',
        EFI_WARN_INTERRUPT_SOURCE_QUIESCED: 'the SMI was not for it, or it quieted its source without more work: "not mine", and the other handlers still run',
        EFI_WARN_INTERRUPT_SOURCE_PENDING: 'its source is still asserted; the other handlers still run',
        EFI_INTERRUPT_PENDING: root ? 'it could not quiet its source; the root walk goes on' : 'it could not quiet its source, and MmiManage stops this walk',
      };
      return {
        title: `${mm[2]} returns ${st}`,
        sentences: [`${mm[2]} (module ${mm[1]}) returned ${st}: ${meaning[st] ?? 'a status MmiManage does not expect (a DEBUG build ASSERTs on it)'}.`, 'The handlers panel shows the status next to the handler, from the same record the SMI summary uses.'],
        source: MANAGE_SOURCE,
        look: [look.handler(mm[2], `${mm[2]}: returned ${st.replace(/^EFI_/, '')}`)],
      };
    },
  },
  {
    phases: ['handler'],
    re: /^(\w+): \S*Io\.Read \(MM_IO_UINT8, 0xB2, 1\) = EFI_SUCCESS, value (0x[0-9A-F]+)/,
    say: (_x, mm) => ({
      title: `${mm[1]} reads APM_CNT: ${mm[2]}`,
      sentences: [
        `${mm[1]} reads port 0xB2 through the SMM CPU I/O protocol and gets ${mm[2]}, the value the OS wrote to raise the SMI.`,
        'That is how a handler learns which "software SMI" was asked for. Which CPU asked, it cannot tell from the port.',
      ],
      source: 'UefiCpuPkg/CpuIo2Smm CpuIoServiceRead',
      look: [look.terminal('the read in the log')],
    }),
  },
  {
    phases: ['handler'],
    re: /(\w+): \S*ReadSaveState \(Width=(\d+), IO, CpuIndex=(\d+)\) = (EFI_\w+)/,
    say: (_x, mm) => {
      const cpu = num(mm[3]);
      const ok = mm[4] === 'EFI_SUCCESS';
      return {
        title: `${mm[1]} asks CPU ${cpu}'s save state about I/O`,
        sentences: [
          `${mm[1]} calls ReadSaveState(IO) for CPU ${cpu}: did the SMI come right after an I/O instruction of this CPU?`,
          ok ? `Yes: CPU ${cpu}'s IOMisc says it executed the OUT to port 0xB2. So the dispatcher knows which CPU raised the SW SMI (its SwMmiCpuIndex).` : `No (${mm[4]}): CPU ${cpu}'s IOMisc has SmiFlag clear.`,
        ],
        source: 'UefiCpuPkg/Library/MmSaveStateLib/IntelMmSaveState.c MmSaveStateReadRegister',
        look: [look.field(cpu, 'IOMisc', `IOMisc of CPU ${cpu}`)],
      };
    },
  },
  {
    phases: ['handler'],
    re: /(\w+): \S*WriteSaveState \((?:Width=)?\d+, (\w+), (?:CpuIndex=)?(\d+)[^)]*\) = (EFI_\w+)/,
    say: (_x, mm) => {
      const cpu = num(mm[3]);
      return {
        title: `${mm[1]} writes CPU ${cpu}'s saved ${mm[2]}`,
        sentences: [
          `${mm[1]} wrote a new value into the ${mm[2]} field of CPU ${cpu}'s save state (${mm[4]}).`,
          `When CPU ${cpu} executes RSM, it reloads ${mm[2]} from there: the OS on CPU ${cpu} will see the new value, as if its own instruction had produced it. That is how SMM hands a result back to the caller.`,
        ],
        source: 'UefiCpuPkg/PiSmmCpuDxeSmm SmmWriteSaveState, MmSaveStateLib MmSaveStateWriteRegister',
        look: [look.field(cpu, mm[2], `${mm[2]} of CPU ${cpu}`)],
      };
    },
  },
];
