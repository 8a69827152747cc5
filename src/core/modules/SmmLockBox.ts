/**
 * MdeModulePkg/Universal/LockBox/SmmLockBox with its library SmmLockBoxSmmLib
 * (MdeModulePkg/Library/SmmLockBoxLib/SmmLockBoxMmLib.c), as far as the OVMF boot shows it:
 * - SmmLockBoxMmConstructor installs the SMM configuration table gEfiSmmLockBoxCommunicationGuid
 *   (SMM_LOCK_BOX_CONTEXT {Signature "LOCKB_64", LockBoxDataAddress = &mLockBoxQueue}) and prints
 *   where its globals are;
 * - SmmMemLib's constructor prints the maximum support address;
 * - the entry point registers SmmLockBoxHandler on gEfiSmmLockBoxCommunicationGuid and installs a
 *   NULL gEfiLockBoxProtocolGuid in the UEFI database.
 * The handler checks the EFI_SMM_LOCK_BOX_PARAMETER_HEADER as upstream does. The model keeps no
 * lockbox contents: a well-formed SAVE/UPDATE/RESTORE/SET_ATTRIBUTES/RESTORE_ALL_IN_PLACE gets
 * EFI_UNSUPPORTED and the event says so (S3 is off on this machine; the real boot sends none).
 */

import { readBytes, read32, write32, write64, writeBytes } from '../machine/Memory';
import { serialWrite } from '../machine/Debugcon';
import { DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import { type EfiStatus, statusValue } from '../lib/EfiStatus';
import { ev, type Gen, hex } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { registerGuidName } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { smmIsBufferOutsideSmmValid, smmMemLibConstructor } from '../pi/SmmMemLib';
import type { ModuleDef } from '../pi/Platform';
import { smmAccess2GetCapabilities } from './SmmAccess2Dxe';

export const LOCKBOX_GUIDS = {
  gEfiSmmLockBoxCommunicationGuid: '2a3cfebd-27e8-4d0a-8b79-d688c2a3e1c0',
  gEfiLockBoxProtocolGuid: 'bd445d79-b7ad-4f04-9ad8-29bd2040eb3c',
} as const;
for (const [n, g] of Object.entries(LOCKBOX_GUIDS)) registerGuidName(g, n);

/**
 * Where mSmmLockBoxContext and mLockBoxQueue sit in the image: the offsets of the pinned commit's
 * DEBUG build (image at 0x7FFD9000, context 0x7FFDF160, queue 0x7FFDF060).
 */
const SMM_LOCK_BOX_CONTEXT_OFFSET = 0x6160;
const LOCK_BOX_QUEUE_OFFSET = 0x6060;

/** EFI_SMM_LOCK_BOX_COMMAND_* and the size of each command's parameter block (Guid/SmmLockBox.h). */
const COMMANDS: Record<number, { name: string; size: number; locks: boolean }> = {
  1: { name: 'SAVE', size: 48, locks: true },
  2: { name: 'UPDATE', size: 56, locks: true },
  3: { name: 'RESTORE', size: 48, locks: false },
  4: { name: 'SET_ATTRIBUTES', size: 40, locks: true },
  5: { name: 'RESTORE_ALL_IN_PLACE', size: 16, locks: false },
};
/** sizeof (EFI_SMM_LOCK_BOX_PARAMETER_HEADER): UINT32 Command, UINT32 DataLength, UINT64 ReturnStatus. */
const HEADER_SIZE = 16;

const SmmLockBoxHandler: MmiHandlerFn = function* (fw, _handle, _ctx, commBuffer, commBufferSize) {
  const m = fw.m;
  DEBUG(fw, DEBUG_INFO, 'SmmLockBox SmmLockBoxHandler Enter\n');
  if (!commBuffer || !commBufferSize) return 'EFI_SUCCESS';
  const size = commBufferSize.value;
  if (size < HEADER_SIZE) {
    DEBUG(fw, DEBUG_ERROR, 'SmmLockBox Command Buffer Size invalid!\n');
    return 'EFI_SUCCESS';
  }
  const invalid = smmIsBufferOutsideSmmValid(m, commBuffer, size);
  if (invalid) {
    serialWrite(m, invalid);
    DEBUG(fw, DEBUG_ERROR, 'SmmLockBox Command Buffer in SMRAM or overflow!\n');
    return 'EFI_SUCCESS';
  }
  const setReturn = (st: EfiStatus | -1) => write64(m.s.mem, commBuffer + 8, st === -1 ? 0xffffffffffffffffn : statusValue(st));
  setReturn(-1);
  const command = read32(m.s.mem, commBuffer);
  DEBUG(fw, DEBUG_INFO, 'SmmLockBox LockBoxParameterHeader - %x\n', commBuffer);
  DEBUG(fw, DEBUG_INFO, 'SmmLockBox Command - %x\n', command);
  const c = COMMANDS[command];
  if (!c) {
    DEBUG(fw, DEBUG_ERROR, 'SmmLockBox Command invalid!\n');
  } else if (size < c.size) {
    DEBUG(fw, DEBUG_ERROR, 'SmmLockBox Command Buffer Size for %a invalid!\n', c.name);
  } else if (c.locks && m.s.smm.readyToLock) {
    // mLocked: set by SmmReadyToLockEventNotify.
    DEBUG(fw, DEBUG_ERROR, 'SmmLockBox Locked!\n');
    setReturn('EFI_ACCESS_DENIED');
  } else {
    setReturn('EFI_UNSUPPORTED');
    yield ev('handler', fw.cpu, `SmmLockBoxHandler: ${c.name}: the model keeps no lockbox contents, ReturnStatus = EFI_UNSUPPORTED (upstream would save/restore the buffer)`);
  }
  write32(m.s.mem, commBuffer, 0xffffffff); // Command = (UINT32)-1
  DEBUG(fw, DEBUG_INFO, 'SmmLockBox SmmLockBoxHandler Exit\n');
  return 'EFI_SUCCESS';
};

/** SmmLockBoxMmConstructor: the first instance installs the context as an SMM configuration table. */
function smmLockBoxMmConstructor(fw: Fw): void {
  const m = fw.m;
  DEBUG(fw, DEBUG_INFO, 'SmmLockBoxSmmLib SmmLockBoxMmConstructor - Enter\n');
  const context = fw.mod.imageBase + SMM_LOCK_BOX_CONTEXT_OFFSET;
  const queue = fw.mod.imageBase + LOCK_BOX_QUEUE_OFFSET;
  write64(m.s.mem, queue, BigInt(queue)); // mLockBoxQueue = INITIALIZE_LIST_HEAD_VARIABLE
  write64(m.s.mem, queue + 8, BigInt(queue));
  writeBytes(m.s.mem, context, Uint8Array.from('LOCKB_64', (ch) => ch.charCodeAt(0))); // SMM_LOCK_BOX_SIGNATURE_64
  write64(m.s.mem, context + 8, BigInt(queue));
  fw.mod.globals.smmConfigurationTable = context;
  DEBUG(fw, DEBUG_INFO, 'SmmLockBoxSmmLib SmmLockBoxContext - %x\n', context);
  DEBUG(fw, DEBUG_INFO, 'SmmLockBoxSmmLib LockBoxDataAddress - %x\n', queue);
  DEBUG(fw, DEBUG_INFO, 'SmmLockBoxSmmLib SmmLockBoxMmConstructor - Exit\n');
}

/** The library constructors, then SmmLockBoxEntryPoint. */
function* entry(fw: Fw): Gen<EfiStatus> {
  smmLockBoxMmConstructor(fw);
  smmMemLibConstructor(fw, smmAccess2GetCapabilities(fw.m));
  const [status, handle] = yield* MmiHandlerRegister(fw, 'SmmLockBoxHandler', LOCKBOX_GUIDS.gEfiSmmLockBoxCommunicationGuid);
  if (status !== 'EFI_SUCCESS') return status;
  fw.mod.globals.DispatchHandle = handle;
  installUefiProtocol(fw, LOCKBOX_GUIDS.gEfiLockBoxProtocolGuid);
  yield ev('handler', fw.cpu, `SmmLockBox: SMM configuration table gEfiSmmLockBoxCommunicationGuid -> SMM_LOCK_BOX_CONTEXT at ${hex(Number(fw.mod.globals.smmConfigurationTable))} ("${String.fromCharCode(...readBytes(fw.m.s.mem, Number(fw.mod.globals.smmConfigurationTable), 8))}"); gEfiLockBoxProtocolGuid (NULL) installed in gBS`);
  return 'EFI_SUCCESS';
}

export const SmmLockBox: ModuleDef = {
  name: 'SmmLockBox',
  fileGuid: '33fb3535-f15e-4c17-b303-5eb94595ecb6',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x8000,
  entry,
  handlers: { SmmLockBoxHandler },
  summary: 'Keeps S3 resume data in SMRAM, out of the OS\'s reach, behind a Communicate GUID handler (the model keeps no contents)',
  path: 'MdeModulePkg/Universal/LockBox/SmmLockBox/SmmLockBox.inf',
  produces: [LOCKBOX_GUIDS.gEfiLockBoxProtocolGuid],
};
