import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { osRegs } from './Cpu';
import { createMemory, fill, read32, read64, readBytes, write32 } from './Memory';
import { createRegFile, getReg, REG, REG_NAMES, setReg } from './Registers';
import {
  AMD64_KVM_LAYOUT,
  AMD64_QEMU_LAYOUT,
  autoHaltRestart,
  decodeSaveState,
  describeLayout,
  encodeSaveState,
  fieldByName,
  INTEL64_LAYOUT as I,
  layoutById,
  readIoMisc,
} from './SaveStateMap';
import { MAP_FIELD_BASE, SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from './SaveStateField';

/** facts §7.2: SMRAM_SAVE_STATE_MAP64, [name in the layout, offset from SMBASE+0x8000, size]. */
const INTEL_MAP: [string, number, number][] = [
  ['GdtBaseHiDword', 0x7dd0, 4], ['LdtBaseHiDword', 0x7dd4, 4], ['IdtBaseHiDword', 0x7dd8, 4],
  ['IO_EIP', 0x7de8, 8],
  ['CR4', 0x7e40, 4],
  ['GdtBaseLoDword', 0x7e8c, 4], ['IdtBaseLoDword', 0x7e94, 4], ['LdtBaseLoDword', 0x7e9c, 4],
  ['EptVmxControl', 0x7ed8, 8], ['EnEptVmxControl', 0x7ee0, 4],
  ['SMBASE', 0x7ef8, 4], ['SMMRevId', 0x7efc, 4],
  ['IORestart', 0x7f00, 2], ['AutoHALTRestart', 0x7f02, 2],
  ['R15', 0x7f1c, 8], ['R14', 0x7f24, 8], ['R13', 0x7f2c, 8], ['R12', 0x7f34, 8],
  ['R11', 0x7f3c, 8], ['R10', 0x7f44, 8], ['R9', 0x7f4c, 8], ['R8', 0x7f54, 8],
  ['RAX', 0x7f5c, 8], ['RCX', 0x7f64, 8], ['RDX', 0x7f6c, 8], ['RBX', 0x7f74, 8],
  ['RSP', 0x7f7c, 8], ['RBP', 0x7f84, 8], ['RSI', 0x7f8c, 8], ['RDI', 0x7f94, 8],
  ['IOMemAddr', 0x7f9c, 8], ['IOMisc', 0x7fa4, 4],
  ['ES.Selector', 0x7fa8, 4], ['CS.Selector', 0x7fac, 4], ['SS.Selector', 0x7fb0, 4],
  ['DS.Selector', 0x7fb4, 4], ['FS.Selector', 0x7fb8, 4], ['GS.Selector', 0x7fbc, 4],
  ['LDTR.Selector', 0x7fc0, 4], ['TR.Selector', 0x7fc4, 4],
  ['DR7', 0x7fc8, 8], ['DR6', 0x7fd0, 8], ['RIP', 0x7fd8, 8], ['IA32_EFER', 0x7fe0, 8],
  ['RFLAGS', 0x7fe8, 8], ['CR3', 0x7ff0, 8], ['CR0', 0x7ff8, 8],
];

const SENTINEL = 0xa5;
const smbaseArb = fc.integer({ min: 0x10, max: 0x7fff0 }).map((p) => p * 0x1000);
const regFileArb = fc.uint32Array({ minLength: REG_NAMES.length * 2, maxLength: REG_NAMES.length * 2 });

/** The bits of register `id` the layout keeps: whole fields by their size, halves by their half. */
function keptBits(id: number): bigint {
  let m = 0n;
  for (const f of I.fields) {
    if (typeof f.source !== 'object' || f.source.reg !== id || !f.restored) continue;
    if (f.source.half === 'hi') m |= 0xffffffffn << 32n;
    else if (f.source.half === 'lo') m |= 0xffffffffn;
    else m |= (1n << BigInt(8 * f.size)) - 1n;
  }
  return m;
}

describe('SaveStateMap: the Intel 64 map (§7.2, §7.1, §10)', () => {
  it.each(INTEL_MAP.map(([name, offset, size]) => ({ name, offset, size, at: '0x' + offset.toString(16).toUpperCase() })))(
    '§7.2 $name is at offset $at, $size bytes',
    ({ name, offset, size }) => {
      const f = fieldByName(I, name);
      expect(f, name).toBeDefined();
      expect(f!.offset).toBe(offset);
      expect(f!.size).toBe(size);
    },
  );

  it('§7.2 every documented field is in the table and every other field sits in the reserved area below 0x7DD0 with the hidden-cache label', () => {
    const documented = new Set(INTEL_MAP.map(([n]) => n));
    for (const f of I.fields) {
      if (documented.has(f.name)) continue;
      expect(f.offset + f.size, f.name).toBeLessThanOrEqual(0x7dd0);
      expect(f.offset, f.name).toBeGreaterThanOrEqual(MAP_FIELD_BASE);
      expect(f.note, f.name).toContain('reserved area: where SmiScope keeps the hidden descriptor cache; the SDM does not document it');
    }
    // The hidden parts: base, limit and attributes of the six segments, LDTR's limit and attributes, TR's base, limit and attributes, the GDTR and IDTR limits.
    expect(I.fields.length - documented.size).toBe(6 * 3 + 2 + 3 + 2);
  });

  it('§7.2 fields do not overlap and stay inside the 0x400-byte map', () => {
    const owner = new Map<number, string>();
    for (const f of I.fields) {
      for (let b = f.offset; b < f.offset + f.size; b++) {
        expect(owner.get(b), `${f.name} overlaps ${owner.get(b)}`).toBeUndefined();
        owner.set(b, f.name);
      }
      expect(f.offset + f.size).toBeLessThanOrEqual(MAP_FIELD_BASE + SMRAM_SAVE_STATE_MAP_SIZE);
    }
  });

  it('§7.1/§10.4 SMMRevId 0x00030064: revision level 0x0064, bit 16 (I/O restart) and bit 17 (SMBASE relocation), >= 0x30004', () => {
    expect(I.revision).toBe(0x00030064);
    expect(I.revision & 0xffff).toBe(0x0064);
    expect(I.revision & 0x10000).toBe(0x10000);
    expect(I.revision & 0x20000).toBe(0x20000);
    expect(I.revision).toBeGreaterThanOrEqual(0x30004);
    expect(I.revisionOffset).toBe(0x7efc);
    expect(I.smbaseOffset).toBe(0x7ef8);
    expect(layoutById('intel64')).toBe(I);
  });

  it('§7.4 the offsets that differ from the AMD64 (QEMU) map', () => {
    const at = (l: typeof I, n: string) => fieldByName(l, n)!.offset;
    expect([at(I, 'SMBASE'), at(AMD64_QEMU_LAYOUT, 'SMBASE')]).toEqual([0x7ef8, 0x7f00]);
    expect([at(I, 'RIP'), at(AMD64_QEMU_LAYOUT, 'RIP')]).toEqual([0x7fd8, 0x7f78]);
    expect([at(I, 'RFLAGS'), at(AMD64_QEMU_LAYOUT, 'RFLAGS')]).toEqual([0x7fe8, 0x7f70]);
    expect([at(I, 'RAX'), at(AMD64_QEMU_LAYOUT, 'RAX')]).toEqual([0x7f5c, 0x7ff8]);
    expect([at(I, 'IA32_EFER'), at(AMD64_QEMU_LAYOUT, 'EFER')]).toEqual([0x7fe0, 0x7ed0]);
    expect([at(I, 'IORestart'), at(AMD64_QEMU_LAYOUT, 'IORestart')]).toEqual([0x7f00, 0x7ec8]);
    expect(fieldByName(I, 'IO_DWord')).toBeUndefined();
  });

  it('§7.2 who writes it: the processor, no QEMU accelerator; the AMD64 layouts keep their accelerator text', () => {
    const d = describeLayout(I);
    expect(d.accel).toBeNull();
    expect(d.writer).toBe("the processor (Intel SDM Vol. 3C 'SMRAM State Save Map')");
    expect(d.accelNote).toMatch(/^The processor wrote this map/);
    expect(describeLayout(AMD64_QEMU_LAYOUT)).toMatchObject({ accel: 'tcg', writer: expect.stringContaining('smm_helper.c') });
    expect(describeLayout(AMD64_KVM_LAYOUT)).toMatchObject({ accel: 'kvm', writer: expect.stringContaining('arch/x86/kvm/smm.c') });
  });
});

describe('SaveStateMap: SMM entry and RSM through the Intel map (§7.2, §7.5, §10)', () => {
  it('§7.2 encode: registers at their Intel offsets, little-endian, descriptor bases split into Lo/Hi dwords, SMBASE and SMMRevId', () => {
    fc.assert(
      fc.property(smbaseArb, regFileArb, (smbase, raw) => {
        const mem = createMemory();
        const regs = createRegFile();
        regs.set(raw);
        encodeSaveState(mem, smbase, regs, I);
        const at = (off: number) => smbase + 0x8000 + off;
        expect(read64(mem, at(0x7f5c))).toBe(getReg(regs, REG.RAX));
        expect(read64(mem, at(0x7fd8))).toBe(getReg(regs, REG.RIP));
        expect(read64(mem, at(0x7fe8))).toBe(getReg(regs, REG.RFLAGS));
        for (let n = 8; n <= 15; n++) expect(read64(mem, at(0x7f1c + (15 - n) * 8))).toBe(getReg(regs, REG[`R${n}` as 'R8']));
        expect(read64(mem, at(0x7ff8))).toBe(getReg(regs, REG.CR0));
        expect(read32(mem, at(0x7e40))).toBe(regs[2 * REG.CR4]);
        expect(read32(mem, at(0x7e8c))).toBe(regs[2 * REG.GDTR_BASE]);
        expect(read32(mem, at(0x7dd0))).toBe(regs[2 * REG.GDTR_BASE + 1]);
        expect(read32(mem, at(0x7e94))).toBe(regs[2 * REG.IDTR_BASE]);
        expect(read32(mem, at(0x7dd8))).toBe(regs[2 * REG.IDTR_BASE + 1]);
        expect(read32(mem, at(0x7e9c))).toBe(regs[2 * REG.LDTR_BASE]);
        expect(read32(mem, at(0x7dd4))).toBe(regs[2 * REG.LDTR_BASE + 1]);
        expect(read32(mem, at(0x7fac))).toBe(regs[2 * REG.CS_SEL]);
        expect(read32(mem, at(0x7ef8))).toBe(smbase);
        expect(read32(mem, at(0x7efc))).toBe(0x00030064);
      }),
      { numRuns: 60 },
    );
  });

  it('§7.2/§10 round trip: decode(encode(regs)) restores every register, the hidden segment parts included (4-byte fields keep their low 32 bits)', () => {
    fc.assert(
      fc.property(smbaseArb, regFileArb, (smbase, raw) => {
        const mem = createMemory();
        fill(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, SENTINEL);
        const regs = createRegFile();
        regs.set(raw);
        encodeSaveState(mem, smbase, regs, I);
        const back = createRegFile();
        expect(decodeSaveState(mem, smbase, back, I)).toBe(smbase);
        for (const name of REG_NAMES) {
          const kept = keptBits(REG[name]);
          expect(kept, `${name} has a restored field`).not.toBe(0n);
          expect(getReg(back, REG[name]), name).toBe(getReg(regs, REG[name]) & kept);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('§10 round trip of a real OS context is exact: every value fits its field (selectors, limits, attributes, 64-bit bases)', () => {
    for (let cpu = 0; cpu < 4; cpu++) {
      const mem = createMemory();
      const regs = createRegFile();
      osRegs(regs, cpu, cpu !== 0);
      setReg(regs, REG.FS_BASE, 0x7f12_3456_7000n);
      setReg(regs, REG.LDTR_BASE, 0xffff_8880_1234_5000n);
      setReg(regs, REG.LDTR_LIMIT, 0xffff);
      setReg(regs, REG.LDTR_ATTR, 0x0082);
      encodeSaveState(mem, 0x7eff9000 + cpu * 0x2000, regs, I);
      const back = createRegFile();
      decodeSaveState(mem, 0x7eff9000 + cpu * 0x2000, back, I);
      expect([...back]).toEqual([...regs]);
    }
  });

  it('§7.5/§10.5 entry writes IOMisc and AutoHALTRestart from the CPU, 0 into IORestart, IOMemAddr, IO_EIP, EnEptVmxControl; EptVmxControl keeps what SMRAM held', () => {
    const mem = createMemory();
    const smbase = 0x7eff9000;
    fill(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, SENTINEL);
    encodeSaveState(mem, smbase, createRegFile(), I, 0x00b20003, 1);
    const at = (off: number) => smbase + 0x8000 + off;
    expect(read32(mem, at(0x7fa4))).toBe(0x00b20003);
    expect(readIoMisc(mem, smbase, I)).toBe(0x00b20003);
    expect(read32(mem, at(0x7f00))).toBe(0x00010000); // IORestart (word) 0, AutoHALTRestart (word) 1
    expect(autoHaltRestart(mem, smbase, I)).toBe(true);
    expect(read64(mem, at(0x7f9c))).toBe(0n);
    expect(read64(mem, at(0x7de8))).toBe(0n);
    expect(read32(mem, at(0x7ee0))).toBe(0);
    expect(read64(mem, at(0x7ed8))).toBe(0xa5a5a5a5a5a5a5a5n);
    expect(fieldByName(I, 'EptVmxControl')!.written).toBe(false);
    expect(I.fields.filter((f) => !f.written).map((f) => f.name)).toEqual(['EptVmxControl']);
    encodeSaveState(mem, smbase, createRegFile(), I);
    expect(read32(mem, at(0x7fa4))).toBe(0); // no I/O instruction: SmiFlag 0
    expect(autoHaltRestart(mem, smbase, I)).toBe(false);
  });

  it('§10.4 RSM reloads SMBASE from 0x7EF8: the CPU knows its revision has bit 17, whatever the revision bytes say', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), smbaseArb, (rev, newBase) => {
        const mem = createMemory();
        encodeSaveState(mem, 0x30000, createRegFile(), I);
        write32(mem, 0x30000 + 0x8000 + 0x7efc, rev);
        write32(mem, 0x30000 + 0x8000 + 0x7ef8, newBase);
        expect(decodeSaveState(mem, 0x30000, createRegFile(), I)).toBe(newBase);
      }),
      { numRuns: 50 },
    );
  });

  it('§5.1/§11.3 the AMD64 maps do not change: QEMU and KVM never write I/O info, so IOMisc/AutoHALT values leave their bytes as they were', () => {
    for (const l of [AMD64_QEMU_LAYOUT, AMD64_KVM_LAYOUT]) {
      const a = createMemory();
      const b = createMemory();
      const regs = createRegFile();
      for (let i = 0; i < regs.length; i++) regs[i] = 0x01010101 * ((i % 200) + 1);
      for (const mem of [a, b]) fill(mem, 0x7ff9c000 + 0xf000, 0x1000, SENTINEL);
      encodeSaveState(a, 0x7ff9c000, regs, l);
      encodeSaveState(b, 0x7ff9c000, regs, l, 0x00b20003, 1);
      expect(readBytes(b, 0x7ff9c000 + 0xf000, 0x1000), l.id).toEqual(readBytes(a, 0x7ff9c000 + 0xf000, 0x1000));
      expect(readIoMisc(a, 0x7ff9c000, l)).toBeNull();
      expect(autoHaltRestart(b, 0x7ff9c000, l)).toBe(false);
    }
  });
});
