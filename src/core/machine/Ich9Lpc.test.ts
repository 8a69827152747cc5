import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { apmCntWrite, broadcastNegotiated, configRead, configWrite, createIch9Lpc, ICH9_APM_ACPI_DISABLE, ICH9_APM_ACPI_ENABLE, ICH9_APM_CNT, ICH9_APM_CNT_CPU_HOTPLUG, ICH9_APM_STS, ICH9_CPU_HOTPLUG_BASE, ICH9_GEN_PMCON_1, ICH9_GEN_PMCON_1_SMI_LOCK, ICH9_LPC_SMI_F_BROADCAST, ICH9_LPC_SMI_F_CPU_HOT_UNPLUG, ICH9_LPC_SMI_F_CPU_HOTPLUG, ICH9_PMBASE, ICH9_PMBASE_MASK, ICH9_PMBASE_OFS_SMI_EN, ICH9_SMI_EN_APMC_EN, ICH9_SMI_EN_GBL_SMI_EN, pmBase, smiFeatureFilesPresent, smiFeaturesOkRead, smiHostFeatures, smiLocked, writeSmiEn } from './Ich9Lpc';

const notAcpi = fc.integer({ min: 0, max: 0xff }).filter((v) => v !== 2 && v !== 3);

describe('Ich9Lpc: constants (§4.1, §4.4)', () => {
  it('§4.1 Q35MchIch9.h values', () => {
    expect(ICH9_APM_CNT).toBe(0xb2);
    expect(ICH9_APM_STS).toBe(0xb3);
    expect(ICH9_APM_CNT_CPU_HOTPLUG).toBe(0x04);
    expect(ICH9_PMBASE).toBe(0x40);
    expect(ICH9_PMBASE_MASK).toBe(0xff80); // bits 15..7
    expect(ICH9_PMBASE_OFS_SMI_EN).toBe(0x30);
    expect(ICH9_SMI_EN_APMC_EN).toBe(0x20);
    expect(ICH9_SMI_EN_GBL_SMI_EN).toBe(0x01);
    expect(ICH9_GEN_PMCON_1).toBe(0xa0);
    expect(ICH9_GEN_PMCON_1_SMI_LOCK).toBe(0x10);
    expect(ICH9_CPU_HOTPLUG_BASE).toBe(0x0cd8);
  });

  it('§4.4 SMI feature bits: broadcast 0, CPU hotplug 1, CPU hot-unplug 2; ACPI enable/disable 0x02/0x03', () => {
    expect([ICH9_LPC_SMI_F_BROADCAST, ICH9_LPC_SMI_F_CPU_HOTPLUG, ICH9_LPC_SMI_F_CPU_HOT_UNPLUG]).toEqual([1, 2, 4]);
    expect([ICH9_APM_ACPI_ENABLE, ICH9_APM_ACPI_DISABLE]).toEqual([2, 3]);
  });

  it('§4.3 PMBASE is config 0x40 masked to bits 15..7', () => {
    const lpc = createIch9Lpc(smiHostFeatures(true, true));
    configWrite(lpc, ICH9_PMBASE, 4, 0x0000067f);
    expect(pmBase(lpc)).toBe(0x600);
  });
});

describe('Ich9Lpc: APM_CNT writes (§4.4)', () => {
  function armed(broadcast: boolean) {
    const lpc = createIch9Lpc(smiHostFeatures(true, true));
    writeSmiEn(lpc, ICH9_SMI_EN_APMC_EN | ICH9_SMI_EN_GBL_SMI_EN);
    lpc.smiFeatures = broadcast ? ICH9_LPC_SMI_F_BROADCAST : 0;
    return lpc;
  }

  it('§4.4 0x02 to 0xB2 raises no SMI and sets PM1_CNT.SCI_EN; 0x03 raises no SMI and clears it (even with APMC_EN and broadcast)', () => {
    const lpc = armed(true);
    expect(apmCntWrite(lpc, 0x02).smi).toBe(false);
    expect(lpc.pm1Cnt & 1).toBe(1);
    expect(lpc.apmc).toBe(0x02);
    expect(apmCntWrite(lpc, 0x03).smi).toBe(false);
    expect(lpc.pm1Cnt & 1).toBe(0);
    expect(lpc.apmc).toBe(0x03);
  });

  it('§4.4 with APMC_EN set every other value raises an SMI', () => {
    fc.assert(fc.property(notAcpi, fc.boolean(), (v, b) => {
      const lpc = armed(b);
      const pm1 = lpc.pm1Cnt;
      const r = apmCntWrite(lpc, v);
      expect(r.smi).toBe(true);
      expect(lpc.pm1Cnt).toBe(pm1);
    }));
  });

  it('§4.4 APMC_EN clear -> no SMI for any value', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xff }), (v) => {
      const lpc = createIch9Lpc(smiHostFeatures(true, true));
      writeSmiEn(lpc, ICH9_SMI_EN_GBL_SMI_EN);
      lpc.smiFeatures = ICH9_LPC_SMI_F_BROADCAST;
      expect(apmCntWrite(lpc, v).smi).toBe(false);
    }));
  });

  it('§4.4 GBL_SMI_EN is not checked by QEMU: APMC_EN alone is enough', () => {
    const lpc = createIch9Lpc(smiHostFeatures(false, false));
    writeSmiEn(lpc, ICH9_SMI_EN_APMC_EN);
    expect(lpc.smiEn & ICH9_SMI_EN_GBL_SMI_EN).toBe(0);
    expect(apmCntWrite(lpc, 0x04)).toMatchObject({ smi: true, broadcast: false });
  });

  it('§4.4 broadcast only when bit 0 was negotiated (features-ok), not merely offered', () => {
    const lpc = createIch9Lpc(smiHostFeatures(true, true));
    writeSmiEn(lpc, ICH9_SMI_EN_APMC_EN);
    expect(lpc.smiFeaturesSupported & 1).toBe(1);
    expect(broadcastNegotiated(lpc)).toBe(false);
    expect(apmCntWrite(lpc, 0x04)).toMatchObject({ smi: true, broadcast: false });
    lpc.smiFeatures = ICH9_LPC_SMI_F_BROADCAST | ICH9_LPC_SMI_F_CPU_HOTPLUG;
    expect(apmCntWrite(lpc, 0x04)).toMatchObject({ smi: true, broadcast: true });
    lpc.smiFeatures = ICH9_LPC_SMI_F_CPU_HOTPLUG;
    expect(apmCntWrite(lpc, 0x04)).toMatchObject({ smi: true, broadcast: false });
  });
});

describe('Ich9Lpc: SMI feature negotiation as QEMU validates it (§12.4)', () => {
  it('§12.4 the etc/smi files exist only when QEMU offers some feature (x-smi-broadcast / x-smi-cpu-hotplug / x-smi-cpu-hot-unplug)', () => {
    expect(smiFeatureFilesPresent(createIch9Lpc(smiHostFeatures(false, false)))).toBe(false);
    expect(smiFeatureFilesPresent(createIch9Lpc(smiHostFeatures(false, true)))).toBe(true);
    expect(smiHostFeatures(true, true)).toBe(0x7);
    expect(smiHostFeatures(false, true)).toBe(0x6);
  });

  it('§12.4 smi_features_ok_callback: a subset of the host features, hot(un)plug only with broadcast, hot-unplug only with hotplug', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), (host, req) => {
      const lpc = createIch9Lpc(host);
      lpc.smiFeaturesRequested = req;
      const ok = (req & ~host) === 0 && !(!(req & 1) && (req & 6)) && (req & 6) !== 4;
      expect(smiFeaturesOkRead(lpc)).toBe(ok ? 1 : 0);
      expect(lpc.smiFeatures).toBe(ok ? req : 0);
      if (ok) {
        lpc.smiFeaturesRequested = 0; // locked down: a later read still says 1 and changes nothing
        expect(smiFeaturesOkRead(lpc)).toBe(1);
        expect(lpc.smiFeatures).toBe(req);
      }
    }));
  });

  it('§12.4 the measured failure: broadcast off, hotplug offered -> OVMF requests 0x6 and QEMU leaves features-ok at 0', () => {
    const lpc = createIch9Lpc(smiHostFeatures(false, true));
    lpc.smiFeaturesRequested = lpc.smiFeaturesSupported & 0x7;
    expect(lpc.smiFeaturesRequested).toBe(0x6);
    expect(smiFeaturesOkRead(lpc)).toBe(0);
  });
});

describe('Ich9Lpc: SMI_LOCK (§4.3)', () => {
  it('§4.3 before SMI_LOCK GBL_SMI_EN can be set and cleared', () => {
    const lpc = createIch9Lpc(smiHostFeatures(true, true));
    writeSmiEn(lpc, 0x21);
    expect(lpc.smiEn).toBe(0x21);
    writeSmiEn(lpc, 0x20);
    expect(lpc.smiEn).toBe(0x20);
  });

  it('§4.3 SMI_LOCK makes GBL_SMI_EN read-only (both directions); other SMI_EN bits stay writable', () => {
    fc.assert(fc.property(fc.boolean(), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 8 }), (gbl, writes) => {
      const lpc = createIch9Lpc(smiHostFeatures(true, true));
      writeSmiEn(lpc, gbl ? 0x21 : 0x20);
      configWrite(lpc, ICH9_GEN_PMCON_1, 1, ICH9_GEN_PMCON_1_SMI_LOCK);
      for (const w of writes) {
        writeSmiEn(lpc, w);
        expect(lpc.smiEn & 1).toBe(gbl ? 1 : 0);
        expect((lpc.smiEn & ~1) >>> 0).toBe((w & ~1) >>> 0);
      }
    }));
  });

  it('§4.3 SMI_LOCK is sticky: writing 0 to GEN_PMCON_1 (byte or dword) does not clear it', () => {
    const lpc = createIch9Lpc(smiHostFeatures(true, true));
    configWrite(lpc, ICH9_GEN_PMCON_1, 1, ICH9_GEN_PMCON_1_SMI_LOCK | 0x01);
    expect(smiLocked(lpc)).toBe(true);
    configWrite(lpc, ICH9_GEN_PMCON_1, 1, 0);
    expect(smiLocked(lpc)).toBe(true);
    configWrite(lpc, ICH9_GEN_PMCON_1, 4, 0);
    expect(smiLocked(lpc)).toBe(true);
    expect(configRead(lpc, ICH9_GEN_PMCON_1, 1) & ICH9_GEN_PMCON_1_SMI_LOCK).toBe(ICH9_GEN_PMCON_1_SMI_LOCK);
  });
});

describe('Ich9Lpc: through the console on a booted OVMF machine (§4.3, §4.4)', () => {
  it('§4.3 after boot SMI_EN = APMC_EN|GBL_SMI_EN and locked: clearing SMI_EN leaves only GBL_SMI_EN; then no SMI (§4.4 APMC_EN clear)', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.exec('in 0x630').lines[0]).toBe('IN 0x630 = 0x00000021 (SMI_EN)');
    const counts = s.m.s.cpus.map((c) => c.smiCount);
    expect(s.exec('out 0x630 0 --width 4').error).toBe(false);
    expect(s.exec('in 0x630').lines[0]).toBe('IN 0x630 = 0x00000001 (SMI_EN)');
    const r = s.exec('smi 0x04 --run');
    expect(r.error).toBe(false);
    expect(r.lines.at(-1)).toBe('no SMI: SMI_EN.APMC_EN (bit 5) is clear: the chipset raises no SMI for the APM write');
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(counts);
    expect(s.m.s.lastSmi).toMatchObject({ raised: false, handlersCalled: [] });
    // APMC_EN back on: SMIs again
    s.exec('out 0x630 0x20 --width 4');
    s.exec('smi 0x04 --run');
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(counts.map((c) => c + 1));
  });

  it('§4.4 "out 0xb2 2" from the OS raises no SMI, sets SCI_EN, and 0xB2 reads back 0x02', () => {
    const s = Session.create({ cpus: 2 });
    const counts = s.m.s.cpus.map((c) => c.smiCount);
    const r = s.exec('out 0xb2 0x02 --run');
    expect(r.lines.at(-1)).toMatch(/^no SMI: APM_CNT 0x02 is ICH9_APM_ACPI_ENABLE/);
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(counts);
    expect(s.exec('in 0x604').lines[0]).toBe('IN 0x604 = 0x0001 (PM1_CNT)');
    expect(s.exec('in 0xb2').lines[0]).toBe('IN 0xB2 = 0x02 (APM_CNT)');
    s.exec('out 0xb2 0x03 --run');
    expect(s.exec('in 0x604').lines[0]).toBe('IN 0x604 = 0x0000 (PM1_CNT)');
    expect(s.m.s.cpus.map((c) => c.smiCount)).toEqual(counts);
  });
});
