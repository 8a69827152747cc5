import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCpu, osRegs, rsm, SMM_ENTRY_SEGMENT_ATTRIBUTES, smmEnter } from './Cpu';
import { createMemory, read32, read64, write32 } from './Memory';
import { getReg, REG, setReg } from './Registers';
import { AMD64_KVM_LAYOUT as K, AMD64_QEMU_LAYOUT as L, fieldByName, writeSaveStateField } from './SaveStateMap';
import { SMM_DEFAULT_SMBASE } from './SaveStateField';

const CR0_PE = 1, CR0_EM = 4, CR0_TS = 8, CR0_PG = 0x80000000;

function osCpu(index: number, smbase: number, halted = false) {
  const cpu = createCpu(index);
  osRegs(cpu.regs, index, halted);
  cpu.halted = halted;
  cpu.smbase = smbase;
  return cpu;
}

describe('Cpu: SMM entry state (§6.3, §10.8)', () => {
  it('§6.3 entry: RIP 0x8000, CS.base = SMBASE, CS sel = (SMBASE>>4) & 0xFFFF, CR4 = 0, EFER = 0, DR7 = 0x400, RFLAGS = 0x2', () => {
    const mem = createMemory();
    const cpu = osCpu(1, 0x7ff9c000);
    setReg(cpu.regs, REG.DR7, 0x000f0455); // a debugger had breakpoints armed
    smmEnter(cpu, mem, L);
    expect(read32(mem, 0x7ff9c000 + 0xff60)).toBe(0x000f0455); // saved first (§6.1 DR7 @ 0x7F60)
    const r = cpu.regs;
    expect(getReg(r, REG.RIP)).toBe(0x8000n);
    expect(getReg(r, REG.CS_BASE)).toBe(0x7ff9c000n);
    expect(getReg(r, REG.CS_SEL)).toBe(0x9c00n); // (0x7FF9C000 >> 4) & 0xFFFF
    expect(getReg(r, REG.CS_LIMIT)).toBe(0xffffffffn);
    expect(getReg(r, REG.CR4)).toBe(0n);
    expect(getReg(r, REG.EFER)).toBe(0n);
    expect(getReg(r, REG.DR7)).toBe(0x400n);
    expect(getReg(r, REG.RFLAGS)).toBe(0x2n);
    for (const s of ['DS', 'ES', 'SS', 'FS', 'GS'] as const) {
      expect(getReg(r, REG[`${s}_SEL`]), s).toBe(0n);
      expect(getReg(r, REG[`${s}_BASE`]), s).toBe(0n);
      expect(getReg(r, REG[`${s}_LIMIT`]), s).toBe(0xffffffffn);
    }
    expect(cpu.inSmm).toBe(true);
    expect(cpu.nmiBlocked).toBe(true);
  });

  it('§10.8 at the default SMBASE 0x30000 the entry CS selector is 0x3000 (entry 0x38000)', () => {
    const cpu = osCpu(0, SMM_DEFAULT_SMBASE);
    smmEnter(cpu, createMemory(), L);
    expect(getReg(cpu.regs, REG.CS_SEL)).toBe(0x3000n);
    expect(getReg(cpu.regs, REG.CS_BASE) + getReg(cpu.regs, REG.RIP)).toBe(0x38000n);
  });

  it('§6.3 CR0 keeps its other bits but loses PE, EM, TS and PG; CS sel = (SMBASE >> 4) & 0xFFFF for any SMBASE', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0x3, max: 0xffff0 }).map((p) => p * 0x1000), (cr0, smbase) => {
        const cpu = osCpu(2, smbase);
        setReg(cpu.regs, REG.CR0, cr0);
        smmEnter(cpu, createMemory(), L);
        const want = (cr0 & ~(CR0_PE | CR0_EM | CR0_TS | CR0_PG)) >>> 0;
        expect(getReg(cpu.regs, REG.CR0)).toBe(BigInt(want));
        expect(getReg(cpu.regs, REG.CS_SEL)).toBe(BigInt((smbase >>> 4) & 0xffff));
        expect(getReg(cpu.regs, REG.CS_BASE)).toBe(BigInt(smbase));
      }),
      { numRuns: 100 },
    );
  });

  it('§6.3 the state is saved before the entry state is loaded: the map holds the OS RIP/EFER/CR4/CR0', () => {
    const mem = createMemory();
    const cpu = osCpu(3, 0x7ffa0000);
    const rip = getReg(cpu.regs, REG.RIP);
    smmEnter(cpu, mem, L);
    const at = (off: number) => 0x7ffa0000 + 0x8000 + off;
    expect(read64(mem, at(0x7f78))).toBe(rip);
    expect(read64(mem, at(0x7ed0))).toBe(0xd01n); // EFER: SCE | LME | LMA | NXE
    expect(read32(mem, at(0x7f48))).toBe(0x3606f0);
    expect(read32(mem, at(0x7f58))).toBe(0x80050033);
    expect(read32(mem, at(0x7f00))).toBe(0x7ffa0000);
  });

  it('§6.3 MSR_SMI_COUNT increments once per SMM entry', () => {
    const mem = createMemory();
    const cpu = osCpu(0, 0x7ff9a000);
    expect(cpu.smiCount).toBe(0);
    for (let i = 1; i <= 3; i++) {
      smmEnter(cpu, mem, L);
      expect(cpu.smiCount).toBe(i);
      rsm(cpu, mem, L);
      expect(cpu.smiCount).toBe(i);
    }
  });
});

describe('Cpu: RSM (§6.4)', () => {
  it('§6.4 enter + RSM with untouched bytes gives back exactly the interrupted register file', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), (index, halted) => {
        const mem = createMemory();
        const cpu = osCpu(index, 0x7f000000 + index * 0x2000);
        const before = cpu.regs.slice();
        smmEnter(cpu, mem, L);
        expect(cpu.regs).not.toEqual(before);
        rsm(cpu, mem, L);
        expect(cpu.regs).toEqual(before);
        expect(cpu.inSmm).toBe(false);
        expect(cpu.nmiBlocked).toBe(false);
        expect(cpu.smbase).toBe(0x7f000000 + index * 0x2000);
      }),
      { numRuns: 40 },
    );
  });

  it('§6.4 RSM reloads RAX from the map bytes: a value written into SMRAM is what the CPU has afterwards', () => {
    const mem = createMemory();
    const cpu = osCpu(2, 0x7ff9e000);
    smmEnter(cpu, mem, L);
    setReg(cpu.regs, REG.RAX, 0x1234n); // the live SMM value does not matter
    writeSaveStateField(mem, cpu.smbase, fieldByName(L, 'RAX')!, 0x5a5a0007n);
    rsm(cpu, mem, L);
    expect(getReg(cpu.regs, REG.RAX)).toBe(0x5a5a0007n);
  });

  it('§6.4 RSM restores RIP, EFER, CR4, CS from the bytes (the interrupted long-mode context)', () => {
    const mem = createMemory();
    const cpu = osCpu(1, 0x7ff9c000);
    smmEnter(cpu, mem, L);
    writeSaveStateField(mem, cpu.smbase, fieldByName(L, 'RIP')!, 0xffffffff81000123n);
    rsm(cpu, mem, L);
    expect(getReg(cpu.regs, REG.RIP)).toBe(0xffffffff81000123n);
    expect(getReg(cpu.regs, REG.EFER)).toBe(0xd01n);
    expect(getReg(cpu.regs, REG.CR4)).toBe(0x3606f0n);
    expect(getReg(cpu.regs, REG.CS_SEL)).toBe(0x10n);
    expect(getReg(cpu.regs, REG.CS_BASE)).toBe(0n);
  });

  it('§6.4 SMBASE relocation: a new SMBASE written at 0x7F00 takes effect at RSM (revision bit 17 set); the next entry saves there', () => {
    const mem = createMemory();
    const cpu = osCpu(0, SMM_DEFAULT_SMBASE);
    smmEnter(cpu, mem, L);
    write32(mem, 0x3ff00, 0x7ff9a000);
    rsm(cpu, mem, L);
    expect(cpu.smbase).toBe(0x7ff9a000);
    smmEnter(cpu, mem, L);
    expect(read32(mem, 0x7ff9a000 + 0xff00)).toBe(0x7ff9a000);
    expect(getReg(cpu.regs, REG.CS_BASE)).toBe(0x7ff9a000n);
  });

  it('§6.4 without revision bit 17 the SMBASE written at 0x7F00 is ignored', () => {
    const mem = createMemory();
    const cpu = osCpu(0, SMM_DEFAULT_SMBASE);
    smmEnter(cpu, mem, L);
    write32(mem, 0x3fefc, 0x00010064); // bit 16 (I/O restart) only
    write32(mem, 0x3ff00, 0x7ff9a000);
    rsm(cpu, mem, L);
    expect(cpu.smbase).toBe(SMM_DEFAULT_SMBASE);
  });
});

describe('Cpu: entry segment attributes and the accelerator (§12.10)', () => {
  const SEGS = ['CS', 'DS', 'ES', 'SS', 'FS', 'GS'] as const;

  it('§12.10 do_smm_enter loads CS, DS, ES, SS, FS, GS with P|S|W|G|A = 0x8093 (16-bit, not the OS 64-bit code 0xA09B), TCG and KVM alike', () => {
    expect(SMM_ENTRY_SEGMENT_ATTRIBUTES).toBe(0x80 | 0x10 | 0x02 | 0x8000 | 0x01);
    expect(SMM_ENTRY_SEGMENT_ATTRIBUTES).toBe(0x8093);
    for (const layout of [L, K]) {
      const mem = createMemory();
      const cpu = osCpu(1, 0x7ff9c000);
      expect(getReg(cpu.regs, REG.CS_ATTR)).toBe(0xa09bn);
      smmEnter(cpu, mem, layout);
      for (const s of SEGS) expect(getReg(cpu.regs, REG[`${s}_ATTR`]), `${layout.accel} ${s}`).toBe(0x8093n);
      expect(read32(mem, 0x7ff9c000 + 0xfe12) & 0xffff).toBe(0xa09b); // the OS CS attributes were saved first
      rsm(cpu, mem, layout);
      expect(getReg(cpu.regs, REG.CS_ATTR)).toBe(0xa09bn);
    }
  });

  it('§12.10 KVM sets the IDT base and limit to 0 on entry; QEMU TCG leaves the IDTR as it was', () => {
    const tcg = osCpu(0, 0x7ff9a000);
    const idtBase = getReg(tcg.regs, REG.IDTR_BASE);
    smmEnter(tcg, createMemory(), L);
    expect(getReg(tcg.regs, REG.IDTR_LIMIT)).toBe(0xfffn);
    expect(getReg(tcg.regs, REG.IDTR_BASE)).toBe(idtBase);
    const kvm = osCpu(0, 0x7ff9a000);
    const mem = createMemory();
    smmEnter(kvm, mem, K);
    expect(getReg(kvm.regs, REG.IDTR_LIMIT)).toBe(0n);
    expect(getReg(kvm.regs, REG.IDTR_BASE)).toBe(0n);
    expect(read64(mem, 0x7ff9a000 + 0xfe88)).toBe(idtBase); // saved before it was cleared
    rsm(kvm, mem, K);
    expect(getReg(kvm.regs, REG.IDTR_BASE)).toBe(idtBase);
  });

  it('§12.10 KVM zeroes the 512-byte image at SMBASE+0xFE00 on entry (IO_DWord, AutoHALT read 0); TCG leaves unwritten fields as they were', () => {
    for (const [layout, want] of [[L, 0xdeadbeef], [K, 0]] as const) {
      const mem = createMemory();
      const smbase = 0x7ff9e000;
      write32(mem, smbase + 0xfec0, 0xdeadbeef); // IO_DWord: stale
      write32(mem, smbase + 0xfec8, 0x01010101); // IORestart, AutoHALTRestart: stale
      write32(mem, smbase + 0xfdfc, 0x11223344); // just below the AMD64 area: nobody writes it
      const cpu = osCpu(2, smbase);
      smmEnter(cpu, mem, layout);
      expect(read32(mem, smbase + 0xfec0), layout.accel).toBe(want);
      expect(read32(mem, smbase + 0xfec8), layout.accel).toBe(want === 0 ? 0 : 0x01010101);
      expect(read32(mem, smbase + 0xfdfc), layout.accel).toBe(0x11223344);
      expect(read32(mem, smbase + 0xfefc)).toBe(0x00020064);
    }
    expect(K.fields.filter((f) => !f.written)).toEqual([]);
    expect(fieldByName(K, 'IO_DWord')!.note).toMatch(/KVM zeroes it/);
    expect(fieldByName(K, 'CR0')!.size).toBe(8); // KVM stores CR0, CR4, DR6, DR7 as 64 bits
    expect(fieldByName(L, 'CR0')!.size).toBe(4);
  });

  it('§12.10 KVM reloads SMBASE on RSM whatever the revision says; TCG only with revision bit 17', () => {
    for (const [layout, want] of [[L, SMM_DEFAULT_SMBASE], [K, 0x7ff9a000]] as const) {
      const mem = createMemory();
      const cpu = osCpu(0, SMM_DEFAULT_SMBASE);
      smmEnter(cpu, mem, layout);
      write32(mem, 0x3fefc, 0x00000064); // revision without bit 17
      write32(mem, 0x3ff00, 0x7ff9a000);
      rsm(cpu, mem, layout);
      expect(cpu.smbase, layout.accel).toBe(want);
    }
    expect(K.smbaseReloadAlways).toBe(true);
    expect(L.smbaseReloadAlways).toBe(false);
  });

  it('§12.10 KVM: enter + RSM with untouched bytes gives back exactly the interrupted register file', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.boolean(), (index, halted) => {
        const mem = createMemory();
        const cpu = osCpu(index, 0x7f000000 + index * 0x2000, halted);
        const before = cpu.regs.slice();
        smmEnter(cpu, mem, K);
        rsm(cpu, mem, K);
        expect(cpu.regs).toEqual(before);
        expect(cpu.smbase).toBe(0x7f000000 + index * 0x2000);
      }),
      { numRuns: 30 },
    );
  });
});
