/**
 * OvmfPkg/SmmControl2Dxe (facts §4.2-§4.4): enables APM SMIs in SMI_EN, locks GBL_SMI_EN with
 * SMI_LOCK, negotiates the SMI features with QEMU over fw_cfg (SmiFeatures.ts), and produces EFI_SMM_CONTROL2_PROTOCOL
 * whose Trigger writes the data port (0xB3) first, then the command port (0xB2).
 */

import type { EfiStatus } from '../lib/EfiStatus';
import { GUIDS } from '../lib/Guid';
import { configRead, configWrite, ICH9_APM_CNT, ICH9_APM_STS, ICH9_GEN_PMCON_1, ICH9_GEN_PMCON_1_SMI_LOCK, ICH9_PMBASE_OFS_SMI_EN, ICH9_SMI_EN_APMC_EN, ICH9_SMI_EN_GBL_SMI_EN, pmBase, writeSmiEn } from '../machine/Ich9Lpc';
import type { PortWrite } from '../machine/IoBus';
import { ASSERT, DEBUG, DEBUG_ERROR } from '../pi/Debug';
import { ev, type Gen } from '../pi/Fw';
import type { ModuleDef } from '../pi/Platform';
import { type Fw } from '../pi/Platform';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { ASSERT_FALSE_TEXT, negotiateSmiFeatures } from './SmiFeatures';

const FILE = 'OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.c';
/** The `ASSERT (FALSE);` under FatalError: in SmmControl2DxeEntryPoint (edk2 commit the model follows). */
const FATAL_LINE = 325;

/** SmmControl2DxeTrigger: the port writes it performs, or EFI_DEVICE_ERROR for periodic requests. */
export function smmControl2Trigger(commandPort: number | null, dataPort: number | null, periodic = false, activationInterval = 0): PortWrite[] | 'EFI_DEVICE_ERROR' {
  if (periodic || activationInterval > 0) return 'EFI_DEVICE_ERROR';
  return [
    { port: ICH9_APM_STS, value: dataPort ?? 0, width: 1, by: 'SmmControl2 Trigger: data port first, "won\'t trigger the SMI just yet"' },
    { port: ICH9_APM_CNT, value: commandPort ?? 0, width: 1, by: `SmmControl2 Trigger: command port${commandPort === null ? ' (CommandPort NULL -> 0)' : ''}` },
  ];
}

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const lpc = m.s.lpc;
  // PlatformPei programmed PMBASE (ICH9_PMBASE_VALUE) and enabled the ACPI I/O space; read it back.
  const pm = pmBase(lpc);
  if (lpc.smiEn & ICH9_SMI_EN_APMC_EN) {
    DEBUG(fw, DEBUG_ERROR, '%a: this Q35 implementation lacks SMI\n', 'SmmControl2DxeEntryPoint');
    ASSERT(fw, false, ASSERT_FALSE_TEXT, FILE, FATAL_LINE);
  }
  writeSmiEn(lpc, lpc.smiEn | ICH9_SMI_EN_APMC_EN | ICH9_SMI_EN_GBL_SMI_EN);
  configWrite(lpc, ICH9_GEN_PMCON_1, 1, configRead(lpc, ICH9_GEN_PMCON_1, 1) | ICH9_GEN_PMCON_1_SMI_LOCK);
  // Self-test: GBL_SMI_EN must now be read-only.
  writeSmiEn(lpc, lpc.smiEn & ~ICH9_SMI_EN_GBL_SMI_EN);
  if (!(lpc.smiEn & ICH9_SMI_EN_GBL_SMI_EN)) {
    DEBUG(fw, DEBUG_ERROR, '%a: failed to lock down GBL_SMI_EN\n', 'SmmControl2DxeEntryPoint');
    ASSERT(fw, false, ASSERT_FALSE_TEXT, FILE, FATAL_LINE);
  }
  yield ev('trigger', fw.cpu, `SmmControl2Dxe: SMI_EN (PMBASE ${'0x' + pm.toString(16).toUpperCase()} + 0x${ICH9_PMBASE_OFS_SMI_EN.toString(16).toUpperCase()}) |= APMC_EN | GBL_SMI_EN; GEN_PMCON_1.SMI_LOCK set`);

  // NegotiateSmiFeatures (SmiFeatures.c). Without it (or without broadcast) the PCDs keep OVMF's DSC
  // values: PcdCpuSmmSyncMode 0x01 (relaxed), both sync timeouts 100000 µs.
  const mp = m.s.mp;
  mp.syncMode = 'relaxed';
  mp.apSyncTimeout = 100000;
  mp.apSyncTimeout2 = 100000;
  negotiateSmiFeatures(fw);
  if (m.s.config.syncMode) m.s.mp.syncMode = m.s.config.syncMode;
  installUefiProtocol(fw, GUIDS.gEfiSmmControl2ProtocolGuid);
  return 'EFI_SUCCESS';
}

export const SmmControl2Dxe: ModuleDef = {
  name: 'SmmControl2Dxe',
  fileGuid: '1206f7ca-a475-4624-a83e-e6fc9bb38e49',
  kind: 'DXE_DRIVER',
  depex: null,
  imageSize: 0x6000,
  entry,
  handlers: {},
  summary: 'Raises SMIs for the SMM IPL by writing the ICH9 APM ports; enables APM SMIs, sets SMI_LOCK and negotiates broadcast SMI with QEMU',
  path: 'OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.inf',
  produces: [GUIDS.gEfiSmmControl2ProtocolGuid],
};
