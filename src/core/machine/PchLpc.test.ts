import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apmCntWrite, createIch9Lpc, ICH9_SMI_EN_APMC_EN, ICH9_SMI_EN_GBL_SMI_EN, writeSmiEn } from './Ich9Lpc';
import { ioRead, ioWrite } from './IoBus';
import { createHardware } from './Hardware';
import { PCH_ACPI_BASE_ADDRESS, PCH_SMI_EN_EOS, PCH_SMI_STS_APM, pchApmCntWrite } from './PchLpc';

const armed = () => {
  const lpc = createIch9Lpc(0, 'pch');
  writeSmiEn(lpc, ICH9_SMI_EN_APMC_EN | ICH9_SMI_EN_GBL_SMI_EN | PCH_SMI_EN_EOS);
  return lpc;
};

describe('PchLpc: the PCH SMI logic (§9.2, edk2-platforms AlderlakeSiliconPkg PmcRegs.h)', () => {
  it('§9.2 register bits: ABASE 0x1800, SMI_EN.EOS bit 1, SMI_STS.APM_STS bit 5', () => {
    expect(PCH_ACPI_BASE_ADDRESS).toBe(0x1800);
    expect(PCH_SMI_EN_EOS).toBe(0x2);
    expect(PCH_SMI_STS_APM).toBe(0x20);
  });

  it('§9.2 every APM_CNT value raises SMI# to every CPU (0x02/0x03 are not swallowed as on QEMU, §11.5), sets APM_STS and clears EOS', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), (v) => {
      const lpc = armed();
      const r = pchApmCntWrite(lpc, v);
      expect(r).toMatchObject({ smi: true, broadcast: true });
      expect(lpc.apmc).toBe(v);
      expect(lpc.smiSts & PCH_SMI_STS_APM).toBe(PCH_SMI_STS_APM);
      expect(lpc.smiEn & PCH_SMI_EN_EOS).toBe(0);
    }));
    // QEMU's ICH9, for contrast: 0x02 is ACPI enable, no SMI, and APM_STS is never set.
    const ich9 = createIch9Lpc(1);
    writeSmiEn(ich9, ICH9_SMI_EN_APMC_EN | ICH9_SMI_EN_GBL_SMI_EN);
    expect(apmCntWrite(ich9, 2).smi).toBe(false);
    expect(ich9.smiSts).toBe(0);
  });

  it('§9.2 with EOS clear (the last SMI never set End of SMI) the PCH asserts no SMI#, but APM_STS stays pending', () => {
    const lpc = armed();
    expect(pchApmCntWrite(lpc, 0x05).smi).toBe(true);
    const second = pchApmCntWrite(lpc, 0x06);
    expect(second.smi).toBe(false);
    expect(second.reason).toMatch(/EOS/);
    expect(lpc.smiSts & PCH_SMI_STS_APM).toBe(PCH_SMI_STS_APM);
  });

  it('§9.2 no SMI# without APMC_EN or without GBL_SMI_EN (QEMU checks APMC_EN only)', () => {
    const a = createIch9Lpc(0, 'pch');
    writeSmiEn(a, ICH9_SMI_EN_GBL_SMI_EN | PCH_SMI_EN_EOS);
    expect(pchApmCntWrite(a, 5)).toMatchObject({ smi: false });
    const b = createIch9Lpc(0, 'pch');
    writeSmiEn(b, ICH9_SMI_EN_APMC_EN | PCH_SMI_EN_EOS);
    expect(pchApmCntWrite(b, 5).reason).toMatch(/GBL_SMI_EN/);
  });

  it('§9.2 the I/O bus: SMI_STS is write-one-to-clear at ABASE+0x34, SMI_EN at ABASE+0x30; PCI config reaches the PMC (B0:D31:F2), not function 0', () => {
    const hw = createHardware(2, 0, 'pch');
    const m = { s: hw };
    ioWrite(m, 0xcf8, 4, 0x8000fa40); // B0:D31:F2 offset 0x40: ABASE
    ioWrite(m, 0xcfc, 4, PCH_ACPI_BASE_ADDRESS | 1);
    ioWrite(m, 0xcf8, 4, 0x8000f840); // B0:D31:F0 is not the PMC: its config is not decoded here
    expect(ioRead(m, 0xcfc, 4).value).toBe(0xffffffff);
    ioWrite(m, PCH_ACPI_BASE_ADDRESS + 0x30, 4, ICH9_SMI_EN_APMC_EN | ICH9_SMI_EN_GBL_SMI_EN | PCH_SMI_EN_EOS);
    expect(ioWrite(m, 0xb2, 1, 0x05).apm).toMatchObject({ smi: true });
    expect(ioRead(m, PCH_ACPI_BASE_ADDRESS + 0x34, 4).value & PCH_SMI_STS_APM).toBe(PCH_SMI_STS_APM);
    ioWrite(m, PCH_ACPI_BASE_ADDRESS + 0x34, 4, PCH_SMI_STS_APM);
    expect(ioRead(m, PCH_ACPI_BASE_ADDRESS + 0x34, 4).value & PCH_SMI_STS_APM).toBe(0);
  });
});
