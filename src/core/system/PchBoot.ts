/**
 * The `pch` machine booted, as far as SMM is concerned (profiles/pch.ts): PEI (PchPlatformPei:
 * SMRAM HOB, ABASE, CPU HOB; SmmRelocationLib relocates every SMBASE), the DXE drivers that bring
 * SMM up (SmmAccess2Dxe, the PCH's SmmControl, PiSmmIpl and the SMM core's first dispatch), then the
 * DXE events PiSmmIpl forwards into SMM - the DXE dispatcher's passes, EndOfDxe, ReadyToLock,
 * ReadyToBoot - and ExitBootServices. Unlike OVMF there is no variable stack in this firmware
 * volume, so no variable requests; silicon init sets SMI_LOCK at EndOfDxe.
 */

import { serialNote } from '../machine/Debugcon';
import { configRead, configWrite, ICH9_GEN_PMCON_1, ICH9_GEN_PMCON_1_SMI_LOCK } from '../machine/Ich9Lpc';
import { GUIDS } from '../lib/Guid';
import { CORE_GUIDS } from '../modules/PiSmmCore';
import { iplFw, smmIplDispatchDriver, smmIplEndOfDxeEventNotify, smmIplGuidedEventNotify, smmIplReadyToLockEventNotify } from '../modules/PiSmmIpl';
import { PchPlatformPei } from '../modules/PchPlatformPei';
import { ev, type Gen, hex, tag } from '../pi/Fw';
import type { Machine } from '../pi/Platform';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { installDxeArchProtocols } from './OvmfDxe';
import { bootDone, runPei, startDxeDriver } from './OvmfBoot';

/** PEI on the BSP: the board's PEI stand-in, then SMBASE relocation when MP Services2 is there. */
function pchPeiPhase(m: Machine): Gen<boolean> {
  return runPei(m, PchPlatformPei,
    "PEI: the PEI core built the HOB list and dispatches the board's PEI (PchPlatformPei, SmiScope's stand-in for MinPlatformPkg PlatformInit + silicon init)",
    'CpuMpPei: EFI_PEI_MP_SERVICES2_PPI installed -> SmmRelocationLib relocates every SMBASE',
    'PEIM: SMRAM HOB, ABASE, CPU HOB; relocated every SMBASE (SmmRelocationLib) and published them in gSmmBaseHobGuid');
}

const DXE_DISPATCH_PASSES = 3;

export function* bootPch(m: Machine): Gen<void> {
  const s = m.s;
  s.stage = 'boot';
  serialNote(m, `Intel PCH machine (pch), ${s.cpus.length} CPU(s), ${s.config.ramSize >>> 20} MiB RAM, TSEG ${hex(s.config.tsegBase)}+${hex(s.config.tsegSize)}; Intel save-state map; SMI# to every CPU`);
  if (!(yield* pchPeiPhase(m))) return;
  for (const name of ['SmmAccess2Dxe', 'PchSmmControl', 'PiSmmIpl']) {
    if (!(yield* startDxeDriver(m, name))) return;
  }
  installDxeArchProtocols(m);
  yield* smmIplDispatchDriver(m);
  for (let i = 0; i < DXE_DISPATCH_PASSES && !s.hung; i++) {
    yield tag(ev('trigger', 0, 'DXE: the DXE dispatcher finished a pass and signals gEfiEventDxeDispatchGuid -> PiSmmIpl SmmIplDxeDispatchEventNotify'), { boot: 'DXE' });
    yield* smmIplDispatchDriver(m);
  }
  if (s.hung) return;
  yield tag(ev('trigger', 0, 'DXE: BDS signals EndOfDxe -> PiSmmIpl SmmIplGuidedEventNotify (and SmmIplEndOfDxeEventNotify: mEndOfDxe = TRUE)'), { boot: 'DXE' });
  smmIplEndOfDxeEventNotify(m);
  yield* smmIplGuidedEventNotify(m, GUIDS.gEfiEndOfDxeEventGroupGuid);
  if (s.hung) return;
  const lpc = s.lpc;
  configWrite(lpc, ICH9_GEN_PMCON_1, 1, configRead(lpc, ICH9_GEN_PMCON_1, 1) | ICH9_GEN_PMCON_1_SMI_LOCK);
  yield ev('trigger', 0, 'Silicon init at EndOfDxe: PMC (B0:D31:F2) config 0xA0 bit 4 SMI_LOCK set - SMI_EN.GBL_SMI_EN is now read-only (on real boards FSP does this; its code is not public)');
  yield tag(ev('trigger', 0, 'DXE: BDS installs gEfiDxeSmmReadyToLockProtocolGuid -> PiSmmIpl SmmIplReadyToLockEventNotify'), { boot: 'DXE' });
  installUefiProtocol(iplFw(m), GUIDS.gEfiDxeSmmReadyToLockProtocolGuid, 0);
  yield* smmIplReadyToLockEventNotify(m);
  if (s.hung) return;
  yield tag(ev('trigger', 0, 'DXE: BDS signals ReadyToBoot -> PiSmmIpl SmmIplGuidedEventNotify'), { boot: 'DXE' });
  yield* smmIplGuidedEventNotify(m, CORE_GUIDS.gEfiEventReadyToBootGuid);
  if (s.hung) return;
  yield tag(ev('trigger', 0, 'OS loader: gBS->ExitBootServices - PiSmmIpl SmmIplGuidedEventNotify (TPL_CALLBACK); no variable driver in this firmware volume'), { boot: 'DXE' });
  yield* smmIplGuidedEventNotify(m, CORE_GUIDS.gEfiEventExitBootServicesGuid);
  if (s.hung) return;
  bootDone(m, 'smi 0x05 --cpu 2');
}
