/**
 * SecurityPkg/Tcg/MemoryOverwriteRequestControlLock/TcgMorLockSmm.inf (OvmfPkg/Include/Fdf/
 * MorLock.fdf.inc puts it in the FV after the variable stack). Its depex needs a TPM protocol
 * (gEfiTcgProtocolGuid OR gEfiTcg2ProtocolGuid); this machine has no TPM, so the driver stays
 * Dependent and SmmReadyToLockHandler reports it "discovered but not loaded", as the real boot does.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import type { Fw } from '../pi/Platform';
import type { Gen } from '../pi/Fw';
import { registerGuidName } from '../lib/Guid';
import type { ModuleDef } from '../pi/Platform';

/** SecurityPkg/SecurityPkg.dec. */
registerGuidName('f541796d-a62e-4954-a775-9584f61b9cdd', 'gEfiTcgProtocolGuid');
registerGuidName('607f766c-7455-42be-930b-e4d76db2720f', 'gEfiTcg2ProtocolGuid');

// eslint-disable-next-line require-yield
function* entry(_fw: Fw): Gen<EfiStatus> {
  return 'EFI_SUCCESS';
}

export const TcgMorLockSmm: ModuleDef = {
  name: 'TcgMorLockSmm',
  fileGuid: 'e2ea6f47-e678-47fa-8c1b-02a03e825c6e',
  kind: 'DXE_SMM_DRIVER',
  depex: 'gEfiSmmVariableProtocolGuid AND gSmmVariableWriteGuid AND (gEfiTcgProtocolGuid OR gEfiTcg2ProtocolGuid)',
  imageSize: 0x6000,
  entry,
  handlers: {},
  summary: 'Guards the TCG memory-overwrite-request lock variable; its depex needs a TPM protocol, so it never loads on this machine (no TPM)',
  path: 'SecurityPkg/Tcg/MemoryOverwriteRequestControlLock/TcgMorLockSmm.inf',
};
