/**
 * Explanations of the boot's events (system/OvmfBoot.ts, system/PchBoot.ts, system/OvmfDxe.ts,
 * pi/Dispatcher.ts, the SMST services): PEI and SMBASE relocation, DXE drivers, the SMM core
 * loaded into SMRAM, SMM drivers and their depex, protocol lookups and registrations, the DXE
 * events PiSmmIpl forwards into SMM (EndOfDxe, ReadyToLock, ReadyToBoot, ExitBootServices), the
 * variable requests, and ASSERT. Also a hang as a whole and a stop at a C line.
 */

import type { HungInfo, Machine } from '../../pi/Platform';
import type { CStopInfo } from '../../pi/Fw';
import type { Explanation, LookHere } from '../ViewTypes';
import { type ExplainContext, type ExplainRule, look } from './ExplainTypes';

const DISPATCHER_SOURCE = 'MdeModulePkg/Core/PiSmmCore/Dispatcher.c SmmDispatcher, SmmIsSchedulable (depex)';
const IPL_SOURCE = 'MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c';

/** Modules whose depex was FALSE when the SMM dispatcher last looked (still Dependent). */
function dependentModules(x: ExplainContext): string[] {
  return x.m.s.modules.filter((r) => r.state === 'dependent').map((r) => r.name);
}

export const BOOT_RULES: ExplainRule[] = [
  {
    phases: ['trigger'],
    re: /^PEI: the PEI core built the HOB list and dispatches (\w+)/,
    say: (x, mm) => ({
      title: 'Power-on: PEI',
      sentences: [
        'The machine has just been switched on. The first firmware phase, PEI (Pre-EFI Initialization), finds the memory and describes the machine in a list of "hand-off blocks" (HOBs) for the next phase.',
        `${mm[1]} reserves TSEG, the top of RAM that will become SMRAM: memory that only code in System Management Mode may use.`,
        x.pch ? 'On this PCH machine the platform PEI module is SmiScope\'s stand-in for a board\'s own.' : 'On current OVMF, PEI also relocates every CPU\'s SMBASE into TSEG (SmmRelocationLib), one SMI IPI per CPU.',
      ],
      source: x.pch ? 'SmiScope\'s PchPlatformPei (stand-in)' : 'OvmfPkg/PlatformPei/Platform.c InitializePlatform, RelocateSmBase',
      look: [{ panel: 'smram', label: 'TSEG in the SMRAM map' }, look.terminal('the PEI log')],
    }),
  },
  {
    phases: ['trigger'],
    re: /^PlatformPei: SMRAM HOB/,
    say: () => ({
      title: 'PEI describes SMRAM',
      sentences: [
        'PlatformPei publishes the SMRAM ranges (TSEG) in a HOB and sets up the power-management I/O base (PMBASE), where the SMI enable register lives.',
        'Later, SmmAccess2 reports these ranges to the SMM core, and the core keeps its code and data there.',
      ],
      source: 'OvmfPkg/Library/PlatformInitLib/MemDetect.c CreateSmmSmramMemoryHob; OvmfPkg/PlatformPei',
      look: [{ panel: 'smram', label: 'the SMRAM descriptors' }],
    }),
  },
  {
    phases: ['trigger'],
    re: /RelocateSmBase's notification/,
    say: () => ({
      title: 'SMBASE relocation begins',
      sentences: [
        'After reset every CPU has SMBASE 0x30000, so all of them would save their state at the same place. PEI now gives each CPU its own SMBASE in TSEG.',
        'It sends one SMI IPI per CPU: in SMM, a small handler writes the new SMBASE into the CPU\'s save state, and RSM makes the CPU load it.',
      ],
      source: 'OvmfPkg/Library/SmmRelocationLib SmmRelocationInit (facts §12.2)',
      look: [look.timeline('the relocation SMIs'), { panel: 'smram', label: 'the SMBASE relocation block' }],
    }),
  },
  {
    phases: ['trigger'],
    re: /^DXE core: CoreStartImage \((\w+)\)/,
    say: (_x, mm) => ({
      title: `DXE starts ${mm[1]}`,
      sentences: [
        `The DXE phase (Driver Execution Environment) loads drivers one after the other; now the DXE core starts ${mm[1]}.`,
        /SmmAccess/.test(mm[1])
          ? 'SmmAccess2 is the driver that knows how to open, close and lock SMRAM, and reports where it is.'
          : /SmmControl/.test(mm[1])
            ? 'SmmControl2 is the driver that knows how to raise a software SMI (by writing the APM ports) and enables SMIs in the chipset.'
            : /SmmIpl/.test(mm[1])
              ? 'PiSmmIpl (the SMM "initial program loader") copies the SMM core into SMRAM and starts it.'
              : 'It is an ordinary DXE driver: it runs outside SMM, with the OS not yet started.',
      ],
      source: 'MdeModulePkg/Core/Dxe/Image/Image.c CoreStartImage',
      look: [look.module(mm[1], `${mm[1]} in Modules`)],
    }),
  },
  {
    phases: ['trigger'],
    re: /SMI_EN .*APMC_EN.*SMI_LOCK/,
    say: () => ({
      title: 'SMIs are enabled and locked',
      sentences: [
        'SmmControl2Dxe sets APMC_EN and GBL_SMI_EN in the chipset\'s SMI_EN register: from now on a write to port 0xB2 raises an SMI.',
        'It then sets SMI_LOCK, so the OS can never turn SMIs off again.',
      ],
      source: 'OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.c SmmControl2DxeEntryPoint',
      look: [look.terminal('the log')],
    }),
  },
  {
    phases: ['trigger'],
    re: /^PiSmmIpl: SMRAM open; .*?PiSmmCore at (0x[0-9A-F]+)/,
    say: (_x, mm) => ({
      title: 'The SMM core is loaded into SMRAM',
      sentences: [
        `PiSmmIpl opens SMRAM, copies the SMM core (PiSmmCore) to ${mm[1]} at the top of the largest free SMRAM range, and calls its entry point.`,
        'From here on, SMM drivers are loaded into SMRAM by the SMM core\'s own dispatcher, not by DXE.',
      ],
      source: IPL_SOURCE + ' ExecuteSmmCoreFromSmram',
      look: [{ panel: 'smram', address: Number.parseInt(mm[1].slice(2), 16), size: 1, label: 'PiSmmCore in SMRAM' }],
    }),
  },
  {
    phases: ['handler', 'trigger'],
    re: /^SmmDispatcher: start (\w+) \(entry point (0x[0-9A-F]+)\)/,
    say: (_x, mm) => ({
      title: `SMM driver ${mm[1]} starts`,
      sentences: [
        `The SMM core's dispatcher found ${mm[1]}'s dependency expression (depex) TRUE: every protocol it needs is installed. It loaded the driver into SMRAM and calls its entry point at ${mm[2]}.`,
        'A driver whose depex is FALSE stays "Dependent" and is not loaded; the dispatcher looks again after other drivers have installed their protocols.',
      ],
      source: DISPATCHER_SOURCE,
      look: [look.module(mm[1], `${mm[1]} in Modules`)],
    }),
  },
  {
    phases: ['handler', 'trigger', 'communicate'],
    re: /^(\w+): gSmst->SmmLocateProtocol\((\w+)\) = (EFI_\w+)/,
    say: (x, mm) => {
      const found = mm[3] === 'EFI_SUCCESS';
      return {
        title: `${mm[1]} looks up ${mm[2]}: ${mm[3]}`,
        sentences: [
          `${mm[1]} asks the SMM protocol database for ${mm[2]}, a service another SMM driver should have installed.`,
          found
            ? 'It is there: the driver gets a pointer to the service\'s interface in SMRAM.'
            : `Nobody installed it${/SwDispatch2/.test(mm[2]) && !x.pch ? ': stock OVMF has no SW SMI dispatcher, so gEfiSmmSwDispatch2ProtocolGuid never appears' : ''}. A driver that ASSERTs on this error hangs the boot.`,
        ],
        source: 'MdeModulePkg/Core/PiSmmCore/Locate.c SmmLocateProtocol',
        look: [look.module(mm[1], `${mm[1]} in Modules`), ...(found ? [] : [{ panel: 'handlers' as const, label: 'missing protocols (Protocols tab)' }])],
      };
    },
  },
  {
    phases: ['handler', 'trigger', 'communicate'],
    re: /^(\w+): gSmst->MmiHandlerRegister\((\w+), (\w+)\) = (EFI_\w+), DispatchHandle (0x[0-9A-F]+)/,
    say: (_x, mm) => {
      const root = mm[3] === 'NULL';
      return {
        title: `${mm[1]} registers ${mm[2]}`,
        sentences: [
          `${mm[1]} registers ${mm[2]} as ${root ? 'a root MMI handler (HandlerType NULL): it will run on every SMI' : `a handler for ${mm[3]}: it will run when a Communicate names that GUID`}.`,
          `The core keeps the registration as a record in SMRAM (at ${mm[5]}, the DispatchHandle).`,
        ],
        source: 'MdeModulePkg/Core/PiSmmCore/Smi.c SmiHandlerRegister',
        look: [look.handler(mm[2], `${mm[2]} in the handlers table`)],
      };
    },
  },
  {
    phases: ['handler', 'trigger', 'communicate'],
    re: /^(\w+): gSmst->SmmInstallProtocolInterface\((\w+), Interface (0x[0-9A-F]+)\)/,
    say: (_x, mm) => ({
      title: `${mm[1]} installs ${mm[2]}`,
      sentences: [
        `${mm[1]} publishes a service: ${mm[2]}, whose interface (a table of function pointers) lies at ${mm[3]} in SMRAM.`,
        'Other SMM drivers can now find it, and drivers whose depex waited for it may be dispatched.',
      ],
      source: 'MdeModulePkg/Core/PiSmmCore/Handle.c SmmInstallProtocolInterface',
      look: [{ panel: 'handlers', label: 'the Protocols tab' }],
    }),
  },
  {
    phases: ['handler', 'trigger'],
    re: /^(\w+): entry point returned (EFI_\w+)/,
    say: (_x, mm) => ({
      title: `${mm[1]}'s entry point returns ${mm[2]}`,
      sentences: [
        mm[2] === 'EFI_SUCCESS'
          ? `${mm[1]} finished its initialisation: it stays loaded, and the handlers and protocols it registered remain.`
          : `${mm[1]} returned an error (${mm[2]}): the core unloads it, and what it registered is gone.`,
      ],
      source: DISPATCHER_SOURCE,
      look: [look.module(mm[1], `${mm[1]} in Modules`)],
    }),
  },
  {
    phases: ['handler'],
    re: /^SmmDispatcher: SMM entry point registered/,
    say: () => ({
      title: 'The SMM core can now take SMIs',
      sentences: [
        'PiSmmCpuDxeSmm has registered the SMM core\'s entry point, so real SMIs can now reach the core.',
        'The dispatcher returns EFI_NOT_READY: PiSmmIpl closes SMRAM and dispatches the remaining SMM drivers through an SMI (a Communicate).',
      ],
      source: DISPATCHER_SOURCE,
      look: [look.timeline('the next SMIs')],
    }),
  },
  {
    phases: ['handler', 'trigger'],
    re: /^PiSmmIpl: EFI_SMM_BASE2, EFI_SMM_COMMUNICATION/,
    say: () => ({
      title: 'PiSmmIpl opens the door into SMM',
      sentences: [
        'PiSmmIpl installs the Communicate protocols (EFI_SMM_COMMUNICATION_PROTOCOL and its MM versions 2 and 3) for code outside SMM.',
        'From now on a DXE driver, and later the OS through the runtime services, can put a request in a buffer and call Communicate: PiSmmIpl raises an SMI to deliver it.',
      ],
      source: IPL_SOURCE + ' SmmIplEntry',
      look: [{ panel: 'handlers', label: 'the Protocols tab' }],
    }),
  },
  {
    phases: ['communicate'],
    re: /^PiSmmIpl SmmCommunicationCommunicate\((\w+)\): SMM entry point not registered yet/,
    say: (_x, mm) => ({
      title: `Communicate(${mm[1]}) without an SMI`,
      sentences: [
        'No SMI can reach the SMM core yet: PiSmmCpuDxeSmm, which connects SMIs to it, has not run.',
        `So PiSmmIpl, while SMRAM is still open, calls the handlers for ${mm[1]} directly (gSmst->SmiManage), as a plain function call.`,
      ],
      source: IPL_SOURCE + ' SmmCommunicationCommunicate',
      look: [look.timeline('the boot timeline')],
    }),
  },
  {
    phases: ['smm-entry'],
    re: /^PiSmmIpl: EFI_SMM_CONFIGURATION_PROTOCOL installed -> RegisterSmmEntry/,
    say: () => ({
      title: 'SMIs now reach the SMM core',
      sentences: [
        'PiSmmCpuDxeSmm installed EFI_SMM_CONFIGURATION_PROTOCOL; PiSmmIpl uses it to register SmmEntryPoint, the SMM core\'s entry.',
        'From now on, every SMI that reaches the SMM BSP ends up in SmmEntryPoint, which calls the handlers.',
      ],
      source: IPL_SOURCE + ' SmmIplSmmConfigurationEventNotify; UefiCpuPkg/PiSmmCpuDxeSmm RegisterSmmEntry',
      look: [look.timeline('the SMIs that follow')],
    }),
  },
  {
    phases: ['trigger'],
    re: /the DXE dispatcher finished a pass and signals gEfiEventDxeDispatchGuid/,
    say: () => ({
      title: 'DXE asks SMM to load more drivers',
      sentences: [
        'The DXE dispatcher finished a pass over its drivers. PiSmmIpl forwards that to SMM with a Communicate for gEfiEventDxeDispatchGuid.',
        "In SMM, the core's SmmDriverDispatchHandler runs the SMM dispatcher again: SMM drivers whose depex is now TRUE are loaded.",
      ],
      source: IPL_SOURCE + ' SmmIplDxeDispatchEventNotify; MdeModulePkg/Core/PiSmmCore/PiSmmCore.c SmmDriverDispatchHandler',
      look: [look.timeline('the Communicate SMI that follows')],
    }),
  },
  {
    phases: ['exit'],
    re: /^BSP CPU(\d+): PerformRemainingTasks: SmmReadyToLock came in this SMI/,
    say: (_x, mm) => ({
      title: 'SMM hardens its page tables',
      sentences: [
        `ReadyToLock arrived in this SMI, so before releasing the APs the BSP (CPU ${mm[1]}) runs PiSmmCpuDxeSmm's remaining tasks: memory outside SMRAM becomes no-execute for SMM code.`,
        'A handler can then no longer be tricked into running code the OS placed in ordinary memory.',
      ],
      source: 'UefiCpuPkg/PiSmmCpuDxeSmm PerformRemainingTasks, UpdateUefiMemMapAttributes',
      look: [{ panel: 'smram', label: 'SMRAM' }],
    }),
  },
  {
    phases: ['trigger'],
    re: /signals EndOfDxe/,
    say: () => ({
      title: 'EndOfDxe',
      sentences: [
        'The platform signals EndOfDxe: every DXE driver of the platform vendor has run; third-party code (option ROMs, the OS loader) may run from now on.',
        'PiSmmIpl forwards the event into SMM with a Communicate, so SMM drivers can tighten their rules (variable policies are locked).',
      ],
      source: IPL_SOURCE + ' SmmIplGuidedEventNotify',
      look: [look.timeline('the Communicate SMI that follows')],
    }),
  },
  {
    phases: ['trigger'],
    re: /installs gEfiDxeSmmReadyToLockProtocolGuid/,
    say: () => ({
      title: 'ReadyToLock',
      sentences: [
        'The platform announces that SMM is ready to lock: after this no new SMM driver may be loaded and SMRAM is closed for good.',
        'PiSmmIpl tells SMM with a Communicate, then locks SMRAM through SmmAccess2 until the next reset.',
      ],
      source: IPL_SOURCE + ' SmmIplReadyToLockEventNotify',
      look: [{ panel: 'smram', label: 'SMRAM (locked from now on)' }],
    }),
  },
  {
    phases: ['trigger'],
    re: /SmmIplReadyToLockEventNotify: mSmmAccess->Lock/,
    say: () => ({
      title: 'SMRAM is locked',
      sentences: [
        'SmmAccess2 locks SMRAM: the chipset now hides it from everything that does not run in SMM, and nothing can unlock it before a reset.',
        'From here on the OS, even with full kernel privilege, cannot read or write SMRAM.',
      ],
      source: IPL_SOURCE + ' SmmIplReadyToLockEventNotify; OvmfPkg/SmmAccess',
      look: [{ panel: 'smram', label: 'the SMRAM descriptors (LOCKED)' }],
    }),
  },
  {
    phases: ['communicate', 'handler'],
    re: /^SmmReadyToLockHandler/,
    say: (x) => {
      const dep = dependentModules(x);
      return {
        title: 'SMM locks itself down',
        sentences: [
          'Inside SMM, the core handles ReadyToLock: it forgets the UEFI boot services (gST = gBS = NULL), since code outside SMRAM can no longer be trusted.',
          dep.length
            ? `Drivers still waiting on their depex are now reported "discovered but not loaded" and will never run: ${dep.join(', ')}.`
            : 'No SMM driver is left waiting on its depex.',
        ],
        source: 'MdeModulePkg/Core/PiSmmCore/PiSmmCore.c SmmReadyToLockHandler; Dispatcher.c SmmDisplayDiscoveredNotDispatched',
        look: dep.length ? dep.slice(0, 3).map((d) => look.module(d, `${d}: Dependent`)) : [look.terminal('the log')],
      };
    },
  },
  {
    phases: ['trigger'],
    re: /signals ReadyToBoot/,
    say: () => ({
      title: 'ReadyToBoot',
      sentences: ['The boot manager is about to start an OS loader. PiSmmIpl forwards the event into SMM with a Communicate; the SMM core installs a protocol SMM drivers can wait for.'],
      source: IPL_SOURCE + ' SmmIplGuidedEventNotify',
      look: [look.timeline('the Communicate SMI that follows')],
    }),
  },
  {
    phases: ['trigger'],
    re: /gBS->ExitBootServices/,
    say: () => ({
      title: 'ExitBootServices: the OS takes over',
      sentences: [
        'The OS loader calls ExitBootServices: the firmware\'s boot-time services end and the OS owns the machine.',
        'SMM stays: its code in SMRAM keeps answering SMIs (variable requests, software SMIs) for as long as the machine runs.',
      ],
      source: 'MdeModulePkg/Core/Dxe/DxeMain/DxeMain.c CoreExitBootServices; ' + IPL_SOURCE,
      look: [look.timeline('the last boot SMI')],
    }),
  },
  {
    phases: ['trigger'],
    re: /^DXE (?:request )?#\d+: (gRT->\w+|VariableSmmRuntimeDxe|EDKII_VARIABLE_POLICY_PROTOCOL\.\w+)/,
    say: (_x, mm) => ({
      title: `A variable request: ${mm[1]}`,
      sentences: [
        `A DXE driver called ${mm[1]}. On OVMF the UEFI variable store lives in SMM, so VariableSmmRuntimeDxe packs the request into a Communicate buffer and raises an SMI.`,
        'That is why the boot makes hundreds of SMIs: most of them are variable reads and writes.',
      ],
      source: 'MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmmRuntimeDxe.c SendCommunicateBuffer',
      look: [look.timeline('the Communicate SMI')],
    }),
  },
  {
    phases: ['handler', 'communicate'],
    re: /^SmmVariableHandler (\w+)/,
    say: (_x, mm) => ({
      title: `VariableSmm serves ${mm[1]}`,
      sentences: [
        `VariableSmm's GUID handler reads the request (${mm[1]}) from the CommBuffer, works on the variable store (in SMRAM and in the flash), and writes the answer back into the CommBuffer.`,
        'Keeping the store in SMM means the OS cannot write the flash directly: every change goes through this checked path.',
      ],
      source: 'MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmm.c SmmVariableHandler',
      look: [look.handler('SmmVariableHandler', 'SmmVariableHandler')],
    }),
  },
  {
    phases: ['handler', 'communicate', 'trigger'],
    re: /^(\w+): ASSERT (\S+)\((\d+)\)/,
    say: (x, mm) => ({
      title: `${mm[1]}: ASSERT failed`,
      sentences: [
        `A check in ${mm[1]} failed at ${mm[2]} line ${mm[3]}. In a DEBUG build, ASSERT prints the file, the line and the expression to the debug port, then calls CpuDeadLoop().`,
        `CpuDeadLoop spins forever: CPU ${x.event.cpu >= 0 ? x.event.cpu : 0} never returns${x.boot ? ', so the boot stops here' : ''}.`,
      ],
      source: 'MdePkg/Library/BaseDebugLibSerialPort / OvmfPkg/Library/PlatformDebugLibIoPort DebugAssert; MdePkg CpuDeadLoop',
      look: [look.terminal('the ASSERT line'), look.module(mm[1], `${mm[1]} in Modules`)],
    }),
  },
  {
    phases: ['handler'],
    re: /^(\w+): _ModuleEntryPoint: library constructors/,
    say: (_x, mm) => ({
      title: `${mm[1]}: C code starts`,
      sentences: [
        `${mm[1]} is SMM-C code. Before its own entry function, the library constructors set the globals every edk2 driver uses: gSmst (the SMM System Table) and gImageHandle.`,
        'Then the driver\'s entry function runs, with full SMM privilege.',
      ],
      source: 'MdePkg/Library/UefiDriverEntryPoint / StandaloneMmDriverEntryPoint _ModuleEntryPoint',
      look: [{ panel: 'editor', label: `${mm[1]}'s source` }],
    }),
  },
];

/** A hung machine, as a whole: where the CPU spins and the event that explains it. */
export function explainHang(x: { boot: boolean }, hung: HungInfo, cause: { seq: number; text: string } | null): Omit<Explanation, 'seq'> {
  const lk: LookHere[] = [look.cpu(hung.cpu, `CPU ${hung.cpu}: hung`), look.terminal('the ASSERT in the log'), look.module(hung.module, `${hung.module} in Modules`)];
  if (hung.where) lk.push(look.editor(hung.where.file, hung.where.line, `${hung.where.file}:${hung.where.line}`));
  return {
    title: `Hung: CPU ${hung.cpu} spins in CpuDeadLoop()`,
    sentences: [
      `CPU ${hung.cpu} is stuck in an endless loop ${hung.inSmm ? 'inside SMM' : 'outside SMM (in DXE)'}, in ${hung.module}: a failed ASSERT called CpuDeadLoop().`,
      cause ? `The event that explains it is #${cause.seq}: ${cause.text.replace(/ \([^()]*\)$/, '')}.` : 'The ASSERT line in the log names the file, the line and the failed check.',
      hung.inSmm
        ? `A CPU that never leaves SMM never runs the OS again${x.boot ? ', so the boot cannot finish' : ''}. Only a reset (\`platform\` or \`reset\`) recovers.`
        : 'Only a reset (`platform` or `reset`) recovers.',
    ],
    source: 'MdePkg/Library/BaseLib CpuDeadLoop; DebugLib DebugAssert',
    look: lk,
  };
}

/** The debugger stopped at an SMM-C statement. */
export function explainCStop(stop: CStopInfo): Omit<Explanation, 'seq'> {
  return {
    title: `Paused in C: ${stop.fn}, ${stop.file}:${stop.line}`,
    sentences: [
      `CPU ${stop.cpu} is running the C code of ${stop.module} inside SMM and is paused before the statement at ${stop.file} line ${stop.line}, in ${stop.fn}.`,
      'The call stack shows which firmware code called it (SmiManage, SmmEntryPoint ...); the locals are read from the SMM stack in SMRAM.',
      'Step over (F10), into (F11) or out (Shift+F11) walks the C code; continue (F5) runs on to the next event.',
    ],
    source: `${stop.module}: ${stop.file} ${stop.fn}`,
    look: [look.editor(stop.file, stop.line, `${stop.file}:${stop.line}`), look.cpu(stop.cpu, `CPU ${stop.cpu}`)],
  };
}

/** Idle right after the boot: what the boot did, and what to try. */
export function explainBootDone(m: Machine): Omit<Explanation, 'seq'> {
  const smm = m.s.modules.filter((r) => r.kind === 'DXE_SMM_DRIVER' && r.state === 'dispatched').length;
  const dependent = m.s.modules.filter((r) => r.state === 'dependent').map((r) => r.name);
  const pch = m.s.config.profile === 'pch';
  return {
    title: 'The boot is done: the OS runs',
    sentences: [
      `The firmware booted the machine: PEI gave every CPU its own SMBASE, DXE loaded the SMM core and ${smm} SMM driver${smm === 1 ? '' : 's'} into SMRAM, then SMRAM was locked.`,
      `The boot itself made ${m.s.smiSeq} SMI${m.s.smiSeq === 1 ? '' : 's'}${pch ? '' : ', most of them UEFI variable requests: on OVMF the variable store lives in SMM'}.`,
      dependent.length ? `Not loaded (their depex stayed FALSE): ${dependent.join(', ')}.` : 'Every SMM driver in the firmware volume was loaded.',
      'Now raise an SMI yourself (the SMI 0x04 button, or `smi 0x04 --cpu 1`) and step it with F10 (phase) or F11 (event).',
    ],
    source: pch
      ? "SmiScope's PchPlatformPei (stand-in); MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c, Dispatcher.c"
      : 'OvmfPkg/PlatformPei; MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c, Dispatcher.c; OvmfPkg/SmmAccess',
    look: [{ panel: 'cpus', label: 'the CPUs, all running the OS' }, { panel: 'smram', label: 'SMRAM: the SMM core and drivers' }, ...dependent.slice(0, 2).map((d) => look.module(d, `${d}: Dependent`))],
  };
}
