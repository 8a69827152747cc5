/**
 * The seed thread's modules (edk2-devel, "SmmSwDispatch2Protocol - Registering an SMI - Can't find
 * protocol with OVMF"), as a user would build them into OVMF. Add with `platform ovmf --module NAME`.
 */

import { ICH9_APM_CNT, ICH9_APM_STS } from '../machine/Ich9Lpc';
import { ASSERT_EFI_ERROR, DEBUG, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { GUIDS, registerGuidName } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { SmmLocateProtocol } from '../pi/ProtocolDb';
import { MmCpuIoRead } from './CpuIo2Smm';
import { readSwContext, SW_SMI_INPUT_VALUE_ANY, SwDispatchRegister } from './GenericSwDispatcher';
import type { ModuleDef } from '../pi/Platform';
import { EFI_MM_SAVE_STATE_REGISTER, EFI_MM_SAVE_STATE_IO_INFO_SIZE, MmCpuReadSaveState, MmCpuWriteSaveState } from './SmmCpuSaveState';

/**
 * The seed thread's module: locate EFI_SMM_SW_DISPATCH2_PROTOCOL, ASSERT_EFI_ERROR, then register
 * a SW MMI handler for a value the dispatcher picks ((UINTN)-1). On stock OVMF the locate fails.
 */
function* swDispatch2LocateEntry(fw: Fw): Gen<EfiStatus> {
  const [status] = yield* SmmLocateProtocol(fw, GUIDS.gEfiSmmSwDispatch2ProtocolGuid);
  DEBUG(fw, DEBUG_INFO, 'SmmSwDispatch2Protocol Status: 0x%x\n', { status });
  ASSERT_EFI_ERROR(fw, status, `${fw.mod.name}/${fw.mod.name}.c`, 42);
  const [rs, value, handle] = yield* SwDispatchRegister(fw, 'SwMmiSampleHandler', SW_SMI_INPUT_VALUE_ANY);
  DEBUG(fw, DEBUG_INFO, 'SwDispatch->Register: %r, SwSmiInputValue = 0x%x\n', { status: rs }, value);
  ASSERT_EFI_ERROR(fw, rs, `${fw.mod.name}/${fw.mod.name}.c`, 51);
  fw.mod.globals.mSwHandle = handle;
  return 'EFI_SUCCESS';
}

/** The child: answers in the saved RAX of the CPU the dispatcher names (0x5A5A00dd, dd = DataPort). */
const SwMmiSampleHandler: MmiHandlerFn = function* (fw, _handle, _context, commBuffer) {
  const ctx = readSwContext(fw.m, commBuffer);
  yield ev('handler', fw.cpu, `${fw.mod.name}.SwMmiSampleHandler: EFI_MM_SW_CONTEXT at ${hex(commBuffer)}: SwMmiCpuIndex=${ctx.cpu}, CommandPort=${hex(ctx.command, 2)}, DataPort=${hex(ctx.data, 2)}`);
  yield* MmCpuWriteSaveState(fw, 8, EFI_MM_SAVE_STATE_REGISTER.RAX, ctx.cpu, 0x5a5a0000n | BigInt(ctx.data));
  return 'EFI_SUCCESS';
};

export const SwDispatch2Locate: ModuleDef = {
  name: 'SwDispatch2Locate',
  fileGuid: 'c0ffee01-5a5a-4e1d-8b2a-0123456789ab',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x3000,
  entry: swDispatch2LocateEntry,
  handlers: { SwMmiSampleHandler },
  summary: 'The seed thread\'s first try: its entry calls SmmLocateProtocol (gEfiSmmSwDispatch2ProtocolGuid), gets EFI_NOT_FOUND on OVMF and hangs in ASSERT_EFI_ERROR',
  path: null,
};

/** The seed thread's second try: the GUID in [Depex] - the driver is never dispatched. */
export const SwDispatch2Depex: ModuleDef = {
  name: 'SwDispatch2Depex',
  fileGuid: 'c0ffee02-5a5a-4e1d-8b2a-0123456789ab',
  kind: 'DXE_SMM_DRIVER',
  depex: 'gEfiSmmSwDispatch2ProtocolGuid',
  imageSize: 0x3000,
  entry: swDispatch2LocateEntry,
  handlers: { SwMmiSampleHandler },
  summary: 'The seed thread\'s second try: gEfiSmmSwDispatch2ProtocolGuid in its [Depex]; nothing on OVMF installs it, so it is never loaded',
  path: null,
};

export const ROOT_MMI_SAMPLE_COMMAND = 0x42;

/**
 * Laszlo Ersek's advice in the thread: a root MMI handler (like CpuHotplugSmm) that filters a
 * command value greater than ICH9_APM_CNT_CPU_HOTPLUG (4), which also filters out the 0 that
 * SmmControl2's Trigger writes for Communicate. It answers in RAX: 0x5A5A00dd (dd = 0xB3 data),
 * written into the save state of gSmst->CurrentlyExecutingCpu. On OVMF that is always CPU0 (the
 * SMM BSP PlatformSmmBspElection picks), so a caller on another CPU gets nothing back.
 */
const RootMmiSampleHandler: MmiHandlerFn = function* (fw) {
  const [, apmControl] = yield* MmCpuIoRead(fw, 0, ICH9_APM_CNT);
  if (apmControl !== ROOT_MMI_SAMPLE_COMMAND) { // 0x42 > ICH9_APM_CNT_CPU_HOTPLUG, and never the 0 of Communicate
    return 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
  }
  const [, data] = yield* MmCpuIoRead(fw, 0, ICH9_APM_STS);
  // Which CPU executed the OUT? The IO pseudo-register is what a SW dispatcher would use...
  const io = yield* MmCpuReadSaveState(fw, EFI_MM_SAVE_STATE_IO_INFO_SIZE, EFI_MM_SAVE_STATE_REGISTER.IO, fw.m.s.smm.currentlyExecutingCpu);
  // ...but QEMU leaves it empty (EFI_NOT_FOUND), so answer CurrentlyExecutingCpu: the SMM BSP.
  const target = fw.m.s.smm.currentlyExecutingCpu;
  const caller = fw.m.s.currentSmi?.cpu ?? target; // what the model knows; the handler cannot
  yield ev(
    'handler',
    fw.cpu,
    `RootMmiSample: command ${hex(apmControl, 2)}, data ${hex(data, 2)}; ReadSaveState(IO) = ${io.status}, so it cannot tell which CPU executed the OUT -> ` +
      `answers in the saved RAX of gSmst->CurrentlyExecutingCpu = CPU${target} (the SMM BSP: OVMF's PlatformSmmBspElection always elects CPU0, the CPU with IA32_APIC_BASE.BSP)` +
      (caller !== target
        ? `. The OUT came from CPU${caller}: its RAX is not written, so that caller gets nothing back. Real drivers answer through a buffer instead ` +
          `(EFI_SMM_COMMUNICATION_PROTOCOL.Communicate: the OS passes the buffer, the handler writes its reply there), or find the calling CPU in the save states ` +
          `(on Intel, IO_MISC shows the OUT to 0xB2; QEMU's save-state map does not describe it)`
        : ' - here the caller itself, so the answer arrives'),
  );
  yield* MmCpuWriteSaveState(fw, 8, EFI_MM_SAVE_STATE_REGISTER.RAX, target, 0x5a5a0000n | BigInt(data));
  return 'EFI_SUCCESS';
};

function* rootMmiSampleEntry(fw: Fw): Gen<EfiStatus> {
  const [status, handle] = yield* MmiHandlerRegister(fw, 'RootMmiSampleHandler', null);
  fw.mod.globals.mDispatchHandle = handle;
  return status;
}

export const RootMmiSample: ModuleDef = {
  name: 'RootMmiSample',
  fileGuid: 'c0ffee03-5a5a-4e1d-8b2a-0123456789ab',
  kind: 'DXE_SMM_DRIVER',
  depex: 'gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuProtocolGuid',
  imageSize: 0x3000,
  entry: rootMmiSampleEntry,
  handlers: { RootMmiSampleHandler },
  summary: `The seed thread's fix (Laszlo Ersek's advice): a root MMI handler for APM command ${hex(ROOT_MMI_SAMPLE_COMMAND, 2)} (> 4); writes 0x5A5A00dd into the SMM BSP's (CPU0's) saved RAX, not the caller's`,
  path: null,
};

for (const d of [SwDispatch2Locate, SwDispatch2Depex, RootMmiSample]) registerGuidName(d.fileGuid, d.name);
