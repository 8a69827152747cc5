/**
 * The SMI logic of an Intel PCH (the `pch` platform), beside QEMU's ICH9 model (Ich9Lpc.ts). Both
 * decode APM_CNT (0xB2) and APM_STS (0xB3) and keep SMI_EN / SMI_STS at ACPI base + 0x30 / + 0x34 with
 * GBL_SMI_EN (bit 0) and APMC_EN (bit 5); the PCH differs from QEMU's ICH9 in four ways a firmware
 * engineer meets (facts §9.2, edk2-platforms AlderlakeSiliconPkg Include/Register/PmcRegs.h,
 * PchRegsLpc.h; Pch/SmmControl/RuntimeDxe/SmmControlDriver.c; Pch/PchSmiDispatcher/Smm/PchSmmCore.c):
 *  1. A write to APM_CNT sets SMI_STS.APM_STS (bit 5), which firmware clears by writing 1; the
 *     dispatcher reads it to know the SW source is active. QEMU's ICH9 never sets it (facts §4.4).
 *  2. SMI_EN.EOS (End of SMI, bit 1): the PCH clears it when it asserts SMI# and asserts no new SMI#
 *     until firmware sets it again (PchSmmSetAndCheckEos at the end of PchSmmCoreDispatcher;
 *     SmmControl's SmmClear before every Trigger). QEMU does not model EOS.
 *  3. Every value written to APM_CNT raises SMI#: 0x02/0x03 are not swallowed as ACPI enable/disable
 *     (QEMU's ICH9 does that, facts §11.5); on real boards an SMI handler performs ACPI enable.
 *  4. SMI# reaches every CPU thread (the PCH signals it as a broadcast message); there is no fw_cfg
 *     negotiation as on QEMU (facts §4.4, §12.4).
 * SMI_LOCK: ICH9 keeps it in the LPC bridge (B0:D31:F0 GEN_PMCON_1 0xA0 bit 4); the PCH in the PMC
 * (B0:D31:F2, config offset 0xA0 bit 4, as AlderlakeSiliconPkg's Spi.c comments name it) - same offset,
 * same bit, same effect (GBL_SMI_EN becomes read-only), a different PCI function. The model keeps the
 * function's 256 config bytes in the same array.
 */

import { type ApmOutcome, ICH9_SMI_EN_APMC_EN as APMC_EN, ICH9_SMI_EN_GBL_SMI_EN as GBL_SMI_EN, type Ich9LpcState } from './Ich9Lpc';

/** PcdAcpiBaseAddress on AlderlakeSiliconPkg (SiPkg.dec): the PCH's ACPI I/O base ("ABASE"). */
export const PCH_ACPI_BASE_ADDRESS = 0x1800;
/** SMI_EN.EOS (B_ACPI_IO_SMI_EN_EOS). */
export const PCH_SMI_EN_EOS = 1 << 1;
/** SMI_STS.APM_STS (B_ACPI_IO_SMI_STS_APM). */
export const PCH_SMI_STS_APM = 1 << 5;
/** The PCI function that holds ABASE and SMI_LOCK: ICH9's LPC bridge is B0:D31:F0, the PCH's PMC B0:D31:F2. */
export const PCH_PMC_FUNCTION = 2;

const h2 = (v: number) => '0x' + v.toString(16).toUpperCase().padStart(2, '0');

/** What an OUT to APM_CNT does on the PCH. */
export function pchApmCntWrite(lpc: Ich9LpcState, value: number): ApmOutcome {
  lpc.apmc = value & 0xff;
  lpc.smiSts = (lpc.smiSts | PCH_SMI_STS_APM) >>> 0;
  const v = h2(lpc.apmc);
  if (!(lpc.smiEn & APMC_EN)) return { smi: false, reason: `APM_CNT ${v}: SMI_STS.APM_STS set, but SMI_EN.APMC_EN (bit 5) is clear: no SMI#` };
  if (!(lpc.smiEn & GBL_SMI_EN)) return { smi: false, reason: `APM_CNT ${v}: SMI_STS.APM_STS set, but SMI_EN.GBL_SMI_EN (bit 0) is clear: no SMI#` };
  if (!(lpc.smiEn & PCH_SMI_EN_EOS)) {
    return { smi: false, reason: `APM_CNT ${v}: SMI_STS.APM_STS set, but SMI_EN.EOS (bit 1) is clear: the last SMI's handler never set End of SMI, so the PCH asserts no SMI# (the status stays pending until firmware sets EOS)` };
  }
  lpc.smiEn = (lpc.smiEn & ~PCH_SMI_EN_EOS) >>> 0;
  return { smi: true, broadcast: true, reason: `APM_CNT ${v}: APMC_EN and GBL_SMI_EN set, EOS set: the PCH asserts SMI# to every CPU and clears SMI_EN.EOS` };
}
