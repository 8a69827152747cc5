/**
 * The PCH's EFI_SMM_CONTROL2_PROTOCOL producer, as edk2-platforms AlderlakeSiliconPkg
 * Pch/SmmControl/RuntimeDxe/SmmControlDriver.c builds it (facts §3.3, §9.2):
 * - the entry point reads ABASE from the PMC (PmcGetAcpiBase) and installs the protocol
 *   (EFI_DEVICE_ERROR when ABASE is 0);
 * - Trigger (Activate): Periodic -> EFI_INVALID_PARAMETER; a NULL CommandPort becomes 0xFF and a NULL
 *   DataPort 0x00 (OVMF's SmmControl2Dxe writes 0 for both: PiSmmIpl's Communicate SMIs carry
 *   command 0xFF here, 0x00 on OVMF); then SmmClear (clear SMI_STS.APM_STS, set SMI_EN.EOS) and
 *   SmmTrigger (SMI_EN |= APMC_EN | GBL_SMI_EN, data to 0xB3, command to 0xB2).
 * SmmClear also clears PM1_STS.PRBTNOR (power-button override, it gates EOS); the model has no power
 * button, so that write is left out.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import { GUIDS } from '../lib/Guid';
import { ICH9_APM_CNT, ICH9_APM_STS, ICH9_PMBASE_OFS_SMI_EN, ICH9_PMBASE_OFS_SMI_STS, ICH9_SMI_EN_APMC_EN, ICH9_SMI_EN_GBL_SMI_EN, pmBase } from '../machine/Ich9Lpc';
import type { PortWrite } from '../machine/IoBus';
import { PCH_SMI_EN_EOS, PCH_SMI_STS_APM } from '../machine/PchLpc';
import { ev, type Gen, hex } from '../pi/Fw';
import type { Fw, Machine, ModuleDef } from '../pi/Platform';
import { installUefiProtocol } from '../pi/ProtocolDb';

/** What Activate writes for Trigger (CommandPort, DataPort): SmmClear, then SmmTrigger; or its error. */
export function pchSmmControlTrigger(m: Machine, commandPort: number | null, dataPort: number | null, periodic = false): PortWrite[] | 'EFI_INVALID_PARAMETER' {
  if (periodic) return 'EFI_INVALID_PARAMETER';
  const abase = pmBase(m.s.lpc);
  const command = commandPort ?? 0xff;
  const data = dataPort ?? 0;
  const eos = (m.s.lpc.smiEn | PCH_SMI_EN_EOS) >>> 0;
  const enabled = (eos | ICH9_SMI_EN_APMC_EN | ICH9_SMI_EN_GBL_SMI_EN) >>> 0;
  return [
    { port: abase + ICH9_PMBASE_OFS_SMI_STS, value: PCH_SMI_STS_APM, width: 4, by: 'PCH SmmControl SmmClear: SMI_STS.APM_STS, write 1 to clear' },
    { port: abase + ICH9_PMBASE_OFS_SMI_EN, value: eos, width: 4, by: 'PCH SmmControl SmmClear: SMI_EN |= EOS' },
    { port: abase + ICH9_PMBASE_OFS_SMI_EN, value: enabled, width: 4, by: 'PCH SmmControl SmmTrigger: SMI_EN |= APMC_EN | GBL_SMI_EN' },
    { port: ICH9_APM_STS, value: data, width: 1, by: `PCH SmmControl SmmTrigger: data port${dataPort === null ? ' (DataPort NULL -> 0x00)' : ''}` },
    { port: ICH9_APM_CNT, value: command, width: 1, by: `PCH SmmControl SmmTrigger: command port${commandPort === null ? ' (CommandPort NULL -> 0xFF)' : ''}` },
  ];
}

function* entry(fw: Fw): Gen<EfiStatus> {
  const abase = pmBase(fw.m.s.lpc);
  if (abase === 0) return 'EFI_DEVICE_ERROR';
  installUefiProtocol(fw, GUIDS.gEfiSmmControl2ProtocolGuid);
  yield ev('trigger', fw.cpu, `PchSmmControl: mABase = PmcGetAcpiBase () = ${hex(abase)}; EFI_SMM_CONTROL2_PROTOCOL installed (Trigger writes SMI_STS, SMI_EN, then 0xB3 and 0xB2; a NULL CommandPort sends 0xFF)`);
  return 'EFI_SUCCESS';
}

export const PchSmmControl: ModuleDef = {
  name: 'PchSmmControl',
  fileGuid: 'a0bad9f7-ab78-491b-b583-c52b7f84b9e0',
  kind: 'DXE_DRIVER',
  depex: null,
  imageSize: 0x4000,
  entry,
  handlers: {},
  summary: 'Raises SMIs for the SMM IPL on the PCH: clears APM_STS, sets EOS, enables APMC_EN | GBL_SMI_EN, then writes 0xB3 and 0xB2 (0xFF when the caller passes no command)',
  path: 'Silicon/Intel/AlderlakeSiliconPkg/Pch/SmmControl/RuntimeDxe/SmmControl.inf',
  produces: [GUIDS.gEfiSmmControl2ProtocolGuid],
};
