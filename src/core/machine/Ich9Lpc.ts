/**
 * ICH9 LPC bridge (B0:D31:F0) as QEMU models it: APM ports 0xB2/0xB3, SMI_EN/SMI_STS in the
 * PMBASE I/O block, GEN_PMCON_1.SMI_LOCK, and the SMI feature negotiation that decides whether an
 * APM write raises SMI# on every CPU (facts §4.1-§4.4; qemu hw/isa/apm.c, hw/isa/lpc_ich9.c).
 */

export const ICH9_APM_CNT = 0xb2;
export const ICH9_APM_STS = 0xb3;
export const ICH9_APM_CNT_CPU_HOTPLUG = 0x04;
export const ICH9_APM_ACPI_ENABLE = 0x02;
export const ICH9_APM_ACPI_DISABLE = 0x03;
export const ICH9_PMBASE = 0x40;
export const ICH9_PMBASE_MASK = 0xff80; // bits 15..7
export const ICH9_ACPI_CNTL = 0x44;
export const ICH9_PMBASE_OFS_PM1_CNT = 0x04;
export const ICH9_PMBASE_OFS_SMI_EN = 0x30;
export const ICH9_PMBASE_OFS_SMI_STS = 0x34;
export const ICH9_SMI_EN_APMC_EN = 1 << 5;
export const ICH9_SMI_EN_GBL_SMI_EN = 1 << 0;
export const ICH9_SMI_STS_APM = 1 << 5;
export const ICH9_GEN_PMCON_1 = 0xa0;
export const ICH9_GEN_PMCON_1_SMI_LOCK = 1 << 4;
export const ICH9_CPU_HOTPLUG_BASE = 0x0cd8;
export const ICH9_LPC_SMI_F_BROADCAST = 1 << 0;
export const ICH9_LPC_SMI_F_CPU_HOTPLUG = 1 << 1;
export const ICH9_LPC_SMI_F_CPU_HOT_UNPLUG = 1 << 2;
/**
 * ICH9_PMBASE_VALUE (edk2 OvmfPkg/Include/OvmfPlatforms.h): the PMBASE OVMF programs into the LPC
 * bridge, in PlatformInitLib's PlatformMiscInitialization (OvmfPkg/Library/PlatformInitLib/Platform.c,
 * run by PlatformPei) on a Q35 host bridge. A fact of OVMF, not a choice of this model (facts §12.10).
 */
export const ICH9_PMBASE_VALUE = 0x600;

/**
 * Which chipset decodes the APM ports and the ACPI PM block: QEMU's ICH9 model (the `ovmf` platforms)
 * or an Intel PCH (the `pch` platform, machine/PchLpc.ts), whose SMI logic differs (EOS, APM_STS,
 * no ACPI enable/disable swallowing, SMI# always to every CPU).
 */
export type ChipsetVariant = 'ich9-qemu' | 'pch';

export interface Ich9LpcState {
  variant: ChipsetVariant;
  apmc: number;
  apms: number;
  /** LPC PCI config space (256 bytes): PMBASE at 0x40, ACPI_CNTL at 0x44, GEN_PMCON_1 at 0xA0. */
  config: Uint8Array;
  smiEn: number;
  /** Writable bits of SMI_EN; SMI_LOCK clears bit 0 (GBL_SMI_EN becomes read-only). */
  smiEnWmask: number;
  smiSts: number;
  pm1Cnt: number;
  /**
   * fw_cfg etc/smi/supported-features (QEMU's smi_host_features: the x-smi-broadcast,
   * x-smi-cpu-hotplug and x-smi-cpu-hot-unplug properties) and requested-features (guest).
   */
  smiFeaturesSupported: number;
  smiFeaturesRequested: number;
  /** etc/smi/features-ok: 1 once smi_features_ok_callback accepted the request. */
  smiFeaturesOk: number;
  /** Features accepted by reading etc/smi/features-ok (QEMU's smi_negotiated_features). */
  smiFeatures: number;
}

/** The host feature bitmap QEMU offers for the given -global ICH9-LPC.x-smi-* settings. */
export function smiHostFeatures(broadcast: boolean, cpuHotplug: boolean): number {
  return (broadcast ? ICH9_LPC_SMI_F_BROADCAST : 0) | (cpuHotplug ? ICH9_LPC_SMI_F_CPU_HOTPLUG | ICH9_LPC_SMI_F_CPU_HOT_UNPLUG : 0);
}

export function createIch9Lpc(hostFeatures: number, variant: ChipsetVariant = 'ich9-qemu'): Ich9LpcState {
  return {
    variant,
    apmc: 0,
    apms: 0,
    config: new Uint8Array(256),
    smiEn: 0,
    smiEnWmask: 0xffffffff,
    smiSts: 0,
    pm1Cnt: 0,
    smiFeaturesSupported: hostFeatures,
    smiFeaturesRequested: 0,
    smiFeaturesOk: 0,
    smiFeatures: 0,
  };
}

export function pmBase(lpc: Ich9LpcState): number {
  return (lpc.config[ICH9_PMBASE] | (lpc.config[ICH9_PMBASE + 1] << 8)) & ICH9_PMBASE_MASK;
}

export function configRead(lpc: Ich9LpcState, off: number, width: 1 | 2 | 4): number {
  let v = 0;
  for (let i = 0; i < width; i++) v |= lpc.config[(off + i) & 0xff] << (8 * i);
  return v >>> 0;
}

export function configWrite(lpc: Ich9LpcState, off: number, width: 1 | 2 | 4, value: number): void {
  for (let i = 0; i < width; i++) {
    const o = (off + i) & 0xff;
    let b = (value >>> (8 * i)) & 0xff;
    if (o === ICH9_GEN_PMCON_1) {
      // ich9_lpc_pmcon_update: SMI_LOCK is sticky and, once set, locks GBL_SMI_EN.
      if (lpc.config[o] & ICH9_GEN_PMCON_1_SMI_LOCK) b |= ICH9_GEN_PMCON_1_SMI_LOCK;
      if (b & ICH9_GEN_PMCON_1_SMI_LOCK) lpc.smiEnWmask &= ~ICH9_SMI_EN_GBL_SMI_EN;
    }
    lpc.config[o] = b;
  }
}

/**
 * Program the ACPI I/O base (config 0x40, bit 0 = I/O space indicator) and turn its decoding on
 * (config 0x44 bit 7: ICH9's ACPI_CNTL.ACPI_EN, the PCH PMC's ACTL.EN at the same place).
 */
export function enableAcpiIoBase(lpc: Ich9LpcState, base: number): void {
  configWrite(lpc, ICH9_PMBASE, 4, base | 1);
  configWrite(lpc, ICH9_ACPI_CNTL, 1, configRead(lpc, ICH9_ACPI_CNTL, 1) | 0x80);
}

export function smiLocked(lpc: Ich9LpcState): boolean {
  return (lpc.config[ICH9_GEN_PMCON_1] & ICH9_GEN_PMCON_1_SMI_LOCK) !== 0;
}

export function writeSmiEn(lpc: Ich9LpcState, value: number): void {
  lpc.smiEn = ((lpc.smiEn & ~lpc.smiEnWmask) | (value & lpc.smiEnWmask)) >>> 0;
}

/**
 * QEMU creates the three etc/smi/* fw_cfg files only when it offers at least one feature
 * (hw/isa/lpc_ich9.c, ich9_lpc_pm_init: `if (lpc->smi_host_features && fw_cfg)`).
 */
export function smiFeatureFilesPresent(lpc: Ich9LpcState): boolean {
  return lpc.smiFeaturesSupported !== 0;
}

/**
 * Reading etc/smi/features-ok runs QEMU's smi_features_ok_callback (hw/isa/lpc_ich9.c): the
 * request must be a subset of the host features, CPU hot(un)plug with SMI needs broadcast, and
 * hot-unplug needs hotplug. Otherwise features-ok stays 0 and nothing is negotiated.
 */
export function smiFeaturesOkRead(lpc: Ich9LpcState): number {
  if (lpc.smiFeaturesOk) return 1; // negotiation already complete, features locked
  const req = lpc.smiFeaturesRequested;
  const hotplug = req & (ICH9_LPC_SMI_F_CPU_HOTPLUG | ICH9_LPC_SMI_F_CPU_HOT_UNPLUG);
  if (req & ~lpc.smiFeaturesSupported) return 0;
  if (!(req & ICH9_LPC_SMI_F_BROADCAST) && hotplug) return 0;
  if (hotplug === ICH9_LPC_SMI_F_CPU_HOT_UNPLUG) return 0;
  lpc.smiFeatures = req;
  lpc.smiFeaturesOk = 1;
  return 1;
}

export function broadcastNegotiated(lpc: Ich9LpcState): boolean {
  return (lpc.smiFeatures & ICH9_LPC_SMI_F_BROADCAST) !== 0;
}

/** What an OUT to APM_CNT does (ich9_apm_ctrl_changed). */
export type ApmOutcome =
  | { smi: false; reason: string }
  | { smi: true; broadcast: boolean; reason: string };

export function apmCntWrite(lpc: Ich9LpcState, value: number): ApmOutcome {
  lpc.apmc = value & 0xff;
  if (value === ICH9_APM_ACPI_ENABLE || value === ICH9_APM_ACPI_DISABLE) {
    // QEMU (commit cf83f140): toggles PM1_CNT.SCI_EN and returns without raising SMI (facts §4.4, §11.5).
    if (value === ICH9_APM_ACPI_ENABLE) lpc.pm1Cnt |= 1;
    else lpc.pm1Cnt &= ~1;
    return { smi: false, reason: `APM_CNT 0x${value.toString(16).padStart(2, '0').toUpperCase()} is ICH9_APM_ACPI_${value === 2 ? 'ENABLE' : 'DISABLE'}: QEMU toggles PM1_CNT.SCI_EN and raises no SMI` };
  }
  if (!(lpc.smiEn & ICH9_SMI_EN_APMC_EN)) {
    return { smi: false, reason: 'SMI_EN.APMC_EN (bit 5) is clear: the chipset raises no SMI for the APM write' };
  }
  // SMI_STS.APM (bit 5) is not set here: that was a 2023 qemu-devel patch not confirmed merged (facts §4.4.4).
  const broadcast = broadcastNegotiated(lpc);
  return {
    smi: true,
    broadcast,
    reason: broadcast
      ? 'APMC_EN set, broadcast SMI negotiated: SMI# to every CPU (CPU_FOREACH cpu_interrupt)'
      : 'APMC_EN set, no broadcast negotiated: SMI# only to the CPU that executed the OUT (current_cpu)',
  };
}
