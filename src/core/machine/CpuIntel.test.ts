import { describe, expect, it } from 'vitest';
import { createCpu, osRegs, rsm, smmEnter } from './Cpu';
import { SMM_IO_TYPE } from './IoMisc';
import { createMemory, read32, write32 } from './Memory';
import { getReg, REG } from './Registers';
import { AMD64_KVM_LAYOUT, AMD64_QEMU_LAYOUT, INTEL64_LAYOUT as I } from './SaveStateMap';

function osCpu(index: number, smbase: number, halted = false) {
  const cpu = createCpu(index);
  osRegs(cpu.regs, index, halted);
  cpu.halted = halted;
  cpu.smbase = smbase;
  return cpu;
}

const IOMISC = 0x8000 + 0x7fa4;
const AUTOHALT = 0x8000 + 0x7f02;

describe('Cpu: the Intel CPU\'s SMM entry and RSM (§7.5, §10.5, §10.7, §10.8)', () => {
  it('§10.7 the CPU whose OUT DX, AL to 0xB2 the SMI followed writes IOMisc 0x00B20003; the record is consumed on entry', () => {
    const mem = createMemory();
    const cpu = osCpu(2, 0x7effd000);
    cpu.lastIo = { port: 0xb2, length: 1, type: SMM_IO_TYPE.OUT_DX };
    smmEnter(cpu, mem, I);
    expect(read32(mem, 0x7effd000 + IOMISC)).toBe(0x00b20003);
    expect(cpu.lastIo).toBeNull();
    rsm(cpu, mem, I);
    smmEnter(cpu, mem, I); // the next SMI (say an SMI IPI) does not follow an I/O instruction
    expect(read32(mem, 0x7effd000 + IOMISC)).toBe(0);
  });

  it('§10.7 a CPU with no I/O instruction just before the SMI writes IOMisc 0 (SmiFlag 0), whatever SMRAM held', () => {
    const mem = createMemory();
    write32(mem, 0x7eff9000 + IOMISC, 0x00b20003); // stale: a previous SMI's
    const cpu = osCpu(0, 0x7eff9000);
    smmEnter(cpu, mem, I);
    expect(read32(mem, 0x7eff9000 + IOMISC)).toBe(0);
  });

  it('§7.5 RSM clears the record (the CPU leaves SMM and runs other code)', () => {
    const mem = createMemory();
    const cpu = osCpu(1, 0x7effb000);
    smmEnter(cpu, mem, I);
    cpu.lastIo = { port: 0x80, length: 1, type: SMM_IO_TYPE.OUT_DX }; // e.g. a POST code written in SMM
    rsm(cpu, mem, I);
    expect(cpu.lastIo).toBeNull();
  });

  it('§10.5 AutoHALTRestart: a halted CPU sets bit 0; RSM with bit 0 set halts it again; cleared, it runs on after the HLT', () => {
    const mem = createMemory();
    const cpu = osCpu(3, 0x7efff000, true);
    smmEnter(cpu, mem, I);
    expect(read32(mem, 0x7efff000 + AUTOHALT) & 0xffff).toBe(1);
    expect(cpu.halted).toBe(false); // it runs the SMI handler
    rsm(cpu, mem, I);
    expect(cpu.halted).toBe(true);
    smmEnter(cpu, mem, I);
    write32(mem, 0x7efff000 + 0x8000 + 0x7f00, 0); // the handler clears AutoHALTRestart (and IORestart)
    rsm(cpu, mem, I);
    expect(cpu.halted).toBe(false);
    const running = osCpu(0, 0x7eff9000, false);
    smmEnter(running, mem, I);
    expect(read32(mem, 0x7eff9000 + AUTOHALT) & 0xffff).toBe(0);
    rsm(running, mem, I);
    expect(running.halted).toBe(false);
  });

  it('§10.8 the entry state is the SDM\'s (RIP 0x8000, CS.base = SMBASE, CR4 0, DR7 0x400); the IDTR is left alone; RSM gives the OS context back exactly', () => {
    const mem = createMemory();
    const cpu = osCpu(1, 0x7effb000);
    const before = Uint32Array.from(cpu.regs);
    smmEnter(cpu, mem, I);
    expect(getReg(cpu.regs, REG.RIP)).toBe(0x8000n);
    expect(getReg(cpu.regs, REG.CS_BASE)).toBe(0x7effb000n);
    expect(getReg(cpu.regs, REG.CR4)).toBe(0n);
    expect(getReg(cpu.regs, REG.DR7)).toBe(0x400n);
    expect(getReg(cpu.regs, REG.IDTR_BASE)).toBe(getReg(before, REG.IDTR_BASE));
    rsm(cpu, mem, I);
    expect([...cpu.regs]).toEqual([...before]);
    expect(cpu.smbase).toBe(0x7effb000);
  });

  it('§5.1/§11.3 on the AMD64 layouts the record is consumed too, but nothing of it reaches SMRAM, and RSM does not re-halt', () => {
    for (const l of [AMD64_QEMU_LAYOUT, AMD64_KVM_LAYOUT]) {
      const a = createMemory();
      const b = createMemory();
      const x = osCpu(2, 0x7ff9c000, true);
      const y = osCpu(2, 0x7ff9c000, true);
      y.lastIo = { port: 0xb2, length: 1, type: SMM_IO_TYPE.OUT_DX };
      smmEnter(x, a, l);
      smmEnter(y, b, l);
      expect(y.lastIo).toBeNull();
      for (let off = 0xfc00; off < 0x10000; off += 4) expect(read32(b, 0x7ff9c000 + off), `${l.id} +0x${off.toString(16)}`).toBe(read32(a, 0x7ff9c000 + off));
      rsm(y, b, l);
      expect(y.halted, l.id).toBe(false);
    }
  });

  it('§7.5 the record is plain data: a CPU with one survives structuredClone', () => {
    const cpu = osCpu(0, 0x7eff9000);
    cpu.lastIo = { port: 0xb2, length: 4, type: SMM_IO_TYPE.OUT_DX };
    expect(structuredClone(cpu)).toEqual(cpu);
  });
});
