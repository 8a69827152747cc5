/**
 * OvmfPkg/SmmAccess/SmmAccess2Dxe (with SmramInternal.c): EFI_SMM_ACCESS2_PROTOCOL on Q35.
 * Open / Close clear / set ESMRAMC.T_EN, Lock sets SMRAM.D_LCK; GetCapabilities reports the
 * descriptors of the gEfiSmmSmramMemoryGuid HOB that PEI built (PlatformInitLib
 * CreateSmmSmramMemoryHob, then SmmRelocationLib SplitSmramHobForSmmRelocation). The model keeps
 * the two MCH bits as SmmCoreState's smramOpen / smramLocked.
 */

import type { Machine } from '../pi/Platform';
import type { EfiStatus } from '../lib/EfiStatus';
import { type Fw } from '../pi/Platform';
import { type Gen } from '../pi/Fw';
import { GUIDS } from '../lib/Guid';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { type SmramDescriptor } from '../pi/SmramMap';
import { smramHobDescriptors } from '../pi/Smram';
import type { ModuleDef } from '../pi/Platform';

/** SmramAccessGetCapabilities: the HOB's descriptors, in HOB order (empty if PEI built none). */
export function smmAccess2GetCapabilities(m: Machine): SmramDescriptor[] {
  return smramHobDescriptors(m) ?? [];
}

/** SmramAccessOpen: clear T_EN. Q35 ignores it once D_LCK is set, so Open fails after Lock. */
export function smmAccess2Open(m: Machine): EfiStatus {
  if (m.s.smm.smramLocked) return 'EFI_DEVICE_ERROR';
  m.s.smm.smramOpen = true;
  return 'EFI_SUCCESS';
}

/** SmramAccessClose: set T_EN. */
export function smmAccess2Close(m: Machine): EfiStatus {
  m.s.smm.smramOpen = false;
  return 'EFI_SUCCESS';
}

/** SmramAccessLock: refused while open; sets T_EN and D_LCK (and locks the SMRAM at the default SMBASE). */
export function smmAccess2Lock(m: Machine): EfiStatus {
  if (m.s.smm.smramOpen) return 'EFI_DEVICE_ERROR';
  m.s.smm.smramLocked = true;
  return 'EFI_SUCCESS';
}

function* entry(fw: Fw): Gen<EfiStatus> {
  installUefiProtocol(fw, GUIDS.gEfiSmmAccess2ProtocolGuid);
  return 'EFI_SUCCESS';
}

export const SmmAccess2Dxe: ModuleDef = {
  name: 'SmmAccess2Dxe',
  fileGuid: 'ac95ad3d-4366-44bf-9a62-e4b29d7a2206',
  kind: 'DXE_DRIVER',
  depex: null,
  imageSize: 0x7000,
  entry,
  handlers: {},
  summary: 'Opens, closes and locks TSEG for the SMM IPL; GetCapabilities reports the SMRAM descriptors PEI put in the HOB',
  path: 'OvmfPkg/SmmAccess/SmmAccess2Dxe.inf',
  produces: [GUIDS.gEfiSmmAccess2ProtocolGuid],
};
