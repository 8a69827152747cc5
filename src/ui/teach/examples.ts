/**
 * The Examples menu: README's scenarios, one click each. Each runs its console lines as typed at
 * the prompt (the terminal echoes them, so the student sees what to type next time), from a
 * freshly booted platform, so an example always shows the same thing.
 */
export interface Example {
  id: string;
  title: string;
  /** One line: what it shows. */
  shows: string;
  lines: string[];
}

export const EXAMPLES: Example[] = [
  {
    id: 'first-smi',
    title: 'Your first SMI',
    shows: 'CPU 1 writes 0x05 to APM_CNT (port 0xB2); the debugger stops at the trigger: step with F10 to RSM.',
    lines: ['platform ovmf', 'smi 0x05 --cpu 1'],
  },
  {
    id: 'quiesced',
    title: 'Value 5 is quiesced',
    shows: "The whole SMI: CpuHotplugSmm's root MMI handler reads 0xB2, sees no hotplug command (0x04) and answers QUIESCED.",
    lines: ['platform ovmf', 'smi 0x05 --cpu 1 --run'],
  },
  {
    id: 'communicate',
    title: 'Communicate to a GUID handler',
    shows: 'A GetVariable from the OS: the CommBuffer goes to VariableSmm\'s GUID MMI handler, which writes "eng" back into it.',
    lines: ['platform ovmf', 'communicate variable get Lang gEfiGlobalVariableGuid --run'],
  },
  {
    id: 'commbuffer-smram',
    title: 'A CommBuffer in SMRAM',
    shows: 'The OS points Communicate into TSEG: its writes are dropped and SmmEntryPoint refuses the buffer (EFI_ACCESS_DENIED).',
    lines: ['platform ovmf', 'communicate gEfiSmmVariableProtocolGuid 0102 --at 0x7F100000 --run'],
  },
  {
    id: 'seed-locate',
    title: 'Seed 1: SwDispatch2Locate hangs',
    shows: 'SmmLocateProtocol(EFI_MM_SW_DISPATCH_PROTOCOL) = EFI_NOT_FOUND on OVMF, then ASSERT_EFI_ERROR: the boot hangs (why? in the status line).',
    lines: ['platform ovmf --module SwDispatch2Locate'],
  },
  {
    id: 'seed-depex',
    title: 'Seed 2: the depex trap',
    shows: 'SwDispatch2Depex waits for a protocol nobody produces on OVMF: "discovered but not loaded" (Handlers › Modules).',
    lines: ['platform ovmf --module SwDispatch2Depex'],
  },
  {
    id: 'seed-fix',
    title: 'Seed 3: the fix, a root MMI handler',
    shows: 'RootMmiSample reads 0xB2 itself and writes 0x5A5A0007 into the monarch\'s saved RAX: CPU 2 gets nothing back, CPU 0 gets it.',
    lines: ['platform ovmf --module RootMmiSample', 'smi 0x42 0x07 --cpu 2 --run', 'smi 0x42 0x07 --cpu 0 --run'],
  },
  {
    id: 'rendezvous-64',
    title: '64-CPU rendezvous',
    shows: 'A broadcast SMI from CPU 5 on 64 CPUs, stepped to the rendezvous: 63 APs wait while CPU 0, the monarch, runs.',
    lines: ['platform ovmf --cpus 64', 'smi 0x04 --cpu 5', 'step phase', 'step phase', 'step phase', 'step phase'],
  },
  {
    id: 'broadcast-off',
    title: 'Broadcast off: relaxed sync',
    shows: 'A unicast SMI reaches CPU 2 only; with no monarch it gives up after PcdCpuSmmApSyncTimeout and no handler runs.',
    lines: ['platform ovmf --broadcast off', 'smi 0x04 --cpu 2 --run'],
  },
  {
    id: 'broadcast-off-traditional',
    title: 'Broadcast off, traditional sync',
    shows: 'The monarch waits for the APs, then pulls them in with SMI IPIs: they enter SMM late (see virtual time).',
    lines: ['platform ovmf --broadcast off --sync traditional', 'smi 0x04 --cpu 0 --run'],
  },
  {
    id: 'pch-cpu2',
    title: 'pch: a SW SMI from CPU 2',
    shows: "On an Intel PCH the dispatcher finds CPU 2 from its save state's IOMisc: SwSmiCpuIndex 2, and CPU 2 gets the answer in RAX.",
    lines: ['platform pch --module SwDispatch2Depex', 'smi 0x01 0x07 --cpu 2 --run', 'savestate 2'],
  },
];
