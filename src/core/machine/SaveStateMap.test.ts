import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemory, fill, read32, read64, read8, readBytes, write32 } from './Memory';
import { createRegFile, getReg, REG, REG_NAMES, setReg } from './Registers';
import { AMD64_QEMU_LAYOUT as L, decodeSaveState, describeLayout, encodeSaveState, fieldAddress, fieldByName, fieldForReg, readSaveStateField, writeSaveStateField } from './SaveStateMap';
import { MAP_FIELD_BASE, SMM_DEFAULT_SMBASE, SMM_HANDLER_OFFSET, SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from './SaveStateField';

/** facts §6.1: every field QEMU TCG (x86_64) writes, [name in the layout, offset from SMBASE+0x8000, size]. */
const QEMU_WRITES: [string, number, number][] = [
  ...['ES', 'CS', 'SS', 'DS', 'FS', 'GS'].flatMap((s, i): [string, number, number][] => [
    [`${s}.Selector`, 0x7e00 + 16 * i, 2],
    [`${s}.Attributes`, 0x7e02 + 16 * i, 2],
    [`${s}.Limit`, 0x7e04 + 16 * i, 4],
    [`${s}.Base`, 0x7e08 + 16 * i, 8],
  ]),
  ['GDTR.Limit', 0x7e64, 4], ['GDTR.Base', 0x7e68, 8],
  ['LDTR.Selector', 0x7e70, 2], ['LDTR.Attributes', 0x7e72, 2], ['LDTR.Limit', 0x7e74, 4], ['LDTR.Base', 0x7e78, 8],
  ['IDTR.Limit', 0x7e84, 4], ['IDTR.Base', 0x7e88, 8],
  ['TR.Selector', 0x7e90, 2], ['TR.Attributes', 0x7e92, 2], ['TR.Limit', 0x7e94, 4], ['TR.Base', 0x7e98, 8],
  ['EFER', 0x7ed0, 8],
  ['SMMRevId', 0x7efc, 4],
  ['SMBASE', 0x7f00, 4],
  ['CR4', 0x7f48, 4], ['CR3', 0x7f50, 8], ['CR0', 0x7f58, 4],
  ['DR7', 0x7f60, 4], ['DR6', 0x7f68, 4],
  ['RFLAGS', 0x7f70, 4], ['RIP', 0x7f78, 8],
  ['R15', 0x7f80, 8], ['R14', 0x7f88, 8], ['R13', 0x7f90, 8], ['R12', 0x7f98, 8],
  ['R11', 0x7fa0, 8], ['R10', 0x7fa8, 8], ['R9', 0x7fb0, 8], ['R8', 0x7fb8, 8],
  ['RDI', 0x7fc0, 8], ['RSI', 0x7fc8, 8], ['RBP', 0x7fd0, 8], ['RSP', 0x7fd8, 8],
  ['RBX', 0x7fe0, 8], ['RDX', 0x7fe8, 8], ['RCX', 0x7ff0, 8], ['RAX', 0x7ff8, 8],
];

const SENTINEL = 0xa5;
const smbaseArb = fc.integer({ min: 0x10, max: 0x7fff0 }).map((p) => p * 0x1000);
const regFileArb = fc.uint32Array({ minLength: REG_NAMES.length * 2, maxLength: REG_NAMES.length * 2 });

function maskFor(size: number): bigint {
  return (1n << BigInt(8 * size)) - 1n;
}

describe('SaveStateMap: constants', () => {
  it('§7.1 SMM_DEFAULT_SMBASE 0x30000, SMM_HANDLER_OFFSET 0x8000, map at SMBASE+0xFC00, 0x400 bytes', () => {
    expect(SMM_DEFAULT_SMBASE).toBe(0x30000);
    expect(SMM_HANDLER_OFFSET).toBe(0x8000);
    expect(SMRAM_SAVE_STATE_MAP_OFFSET).toBe(0xfc00);
    expect(SMRAM_SAVE_STATE_MAP_SIZE).toBe(0x400);
    expect(MAP_FIELD_BASE).toBe(0x7c00);
    const d = describeLayout(L);
    expect(d).toMatchObject({ mapOffset: 0xfc00, mapSize: 0x400, revision: 0x00020064 });
    expect(d.fields.length).toBe(L.fields.length);
    expect(d.fields.every((f) => !('source' in f))).toBe(true);
  });

  it('§11.1 the layout is labelled AMD64 (QEMU), not Intel: SMBASE 0x7F00 / RIP 0x7F78 / RAX 0x7FF8', () => {
    expect(L.id).toBe('amd64-qemu');
    expect(L.name).toMatch(/AMD64/);
    expect(L.smbaseOffset).toBe(0x7f00);
    expect(L.revisionOffset).toBe(0x7efc);
    // Intel 64 puts RIP at 0x7FD8; in the AMD64 map that offset is RSP.
    expect(L.fields.find((f) => f.offset === 0x7fd8)?.name).toBe('RSP');
    expect(L.fields.find((f) => f.offset === 0x7f5c)).toBeUndefined(); // Intel RAX: inside nothing QEMU writes
  });
});

describe('SaveStateMap: the AMD64 map QEMU writes (§6.1)', () => {
  it.each(QEMU_WRITES.map(([name, offset, size]) => ({ name, offset, size, at: '0x' + offset.toString(16).toUpperCase() })))(
    '§6.1 $name is at offset $at, $size bytes, and QEMU writes it',
    ({ name, offset, size }) => {
    const f = fieldByName(L, name);
    expect(f, name).toBeDefined();
    expect(f!.offset).toBe(offset);
    expect(f!.size).toBe(size);
    expect(f!.written).toBe(true);
    },
  );

  it('§6.1 the fields QEMU writes are exactly the facts table (no extra written field)', () => {
    const written = L.fields.filter((f) => f.written).map((f) => f.name).sort();
    expect(written).toEqual(QEMU_WRITES.map(([n]) => n).sort());
  });

  it('§6.1 R8..R15 sit at 0x7FF8 - n*8', () => {
    for (let n = 8; n <= 15; n++) expect(fieldByName(L, `R${n}`)!.offset).toBe(0x7ff8 - n * 8);
  });

  it.each([
    { name: 'IO_DWord', offset: 0x7ec0, size: 4, at: '0x7EC0' },
    { name: 'IORestart', offset: 0x7ec8, size: 1, at: '0x7EC8' },
    { name: 'AutoHALTRestart', offset: 0x7ec9, size: 1, at: '0x7EC9' },
    { name: 'IO_RIP', offset: 0x7ea0, size: 8, at: '0x7EA0' },
  ])('§6.1 $name ($at) is a field QEMU TCG does not write and RSM does not read', ({ name, offset, size }) => {
    const f = fieldByName(L, name)!;
    expect(f).toMatchObject({ offset, size, written: false, restored: false });
  });

  it('§6.1 encode leaves IO_DWord 0x7EC0, IORestart 0x7EC8, AutoHALTRestart 0x7EC9 and every unlisted byte untouched', () => {
    const mem = createMemory();
    const smbase = 0x7ff9c000;
    fill(mem, smbase + 0xf000, 0x2000, SENTINEL);
    const regs = createRegFile();
    for (let i = 0; i < regs.length; i++) regs[i] = 0x01010101 * ((i % 200) + 1);
    encodeSaveState(mem, smbase, regs, L);
    const mapBase = smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
    expect(read32(mem, smbase + 0x8000 + 0x7ec0)).toBe(0xa5a5a5a5);
    expect(read8(mem, smbase + 0x8000 + 0x7ec8)).toBe(SENTINEL);
    expect(read8(mem, smbase + 0x8000 + 0x7ec9)).toBe(SENTINEL);
    const covered = new Set<number>();
    for (const [, off, size] of QEMU_WRITES) for (let i = 0; i < size; i++) covered.add(off - MAP_FIELD_BASE + i);
    const bytes = readBytes(mem, mapBase, SMRAM_SAVE_STATE_MAP_SIZE);
    for (let i = 0; i < bytes.length; i++) if (!covered.has(i)) expect(bytes[i], `map byte 0x${i.toString(16)}`).toBe(SENTINEL);
    // and nothing outside SMBASE+0xFC00..+0xFFFF
    expect([...readBytes(mem, smbase + 0xf000, 0xc00)].every((b) => b === SENTINEL)).toBe(true);
    expect([...readBytes(mem, smbase + 0x10000, 0x1000)].every((b) => b === SENTINEL)).toBe(true);
  });

  it('§6.1 bytes land at SMBASE + 0x8000 + offset, little-endian, with the field widths of the table', () => {
    fc.assert(
      fc.property(smbaseArb, regFileArb, (smbase, raw) => {
        const mem = createMemory();
        fill(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE, SENTINEL);
        const regs = createRegFile();
        regs.set(raw);
        encodeSaveState(mem, smbase, regs, L);
        const at = (off: number) => smbase + 0x8000 + off;
        expect(read64(mem, at(0x7f78))).toBe(getReg(regs, REG.RIP));
        expect(read64(mem, at(0x7ff8))).toBe(getReg(regs, REG.RAX));
        expect(read64(mem, at(0x7ff0))).toBe(getReg(regs, REG.RCX));
        expect(read64(mem, at(0x7fd8))).toBe(getReg(regs, REG.RSP));
        for (let n = 8; n <= 15; n++) expect(read64(mem, at(0x7ff8 - n * 8))).toBe(getReg(regs, REG[`R${n}` as 'R8']));
        expect(read32(mem, at(0x7efc))).toBe(0x00020064);
        expect(read32(mem, at(0x7f00))).toBe(smbase);
        // CR0 is a 4-byte store (stl): the next 4 bytes are not written.
        expect(read32(mem, at(0x7f58))).toBe(regs[2 * REG.CR0]);
        expect(read32(mem, at(0x7f5c))).toBe(0xa5a5a5a5);
        expect(read32(mem, at(0x7f48))).toBe(regs[2 * REG.CR4]);
        expect(read64(mem, at(0x7f50))).toBe(getReg(regs, REG.CR3));
        expect(read64(mem, at(0x7ed0))).toBe(getReg(regs, REG.EFER));
        expect(read32(mem, at(0x7f70))).toBe(regs[2 * REG.RFLAGS]);
        // CS selector (2 bytes) at 0x7E10, CS base (8) at 0x7E18
        expect(read8(mem, at(0x7e10)) | (read8(mem, at(0x7e11)) << 8)).toBe(regs[2 * REG.CS_SEL] & 0xffff);
        expect(read64(mem, at(0x7e18))).toBe(getReg(regs, REG.CS_BASE));
        expect(fieldAddress(smbase, fieldByName(L, 'RAX')!)).toBe(smbase + 0xfff8);
      }),
      { numRuns: 60 },
    );
  });

  it('§6.1/§6.4 round trip: decode(encode(regs)) restores every register, truncated to its field width', () => {
    fc.assert(
      fc.property(smbaseArb, regFileArb, (smbase, raw) => {
        const mem = createMemory();
        const regs = createRegFile();
        regs.set(raw);
        encodeSaveState(mem, smbase, regs, L);
        const back = createRegFile();
        const newBase = decodeSaveState(mem, smbase, back, L);
        expect(newBase).toBe(smbase);
        for (const name of REG_NAMES) {
          const f = fieldForReg(L, REG[name]);
          expect(f, name).toBeDefined();
          expect(getReg(back, REG[name]), name).toBe(getReg(regs, REG[name]) & maskFor(f!.size));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('SaveStateMap: RSM reads the bytes (§6.4)', () => {
  it('§6.4 RSM loads a register from the map bytes, not from anywhere else', () => {
    const mem = createMemory();
    const smbase = 0x7ff9a000;
    const regs = createRegFile();
    setReg(regs, REG.RAX, 0x1111);
    encodeSaveState(mem, smbase, regs, L);
    writeSaveStateField(mem, smbase, fieldByName(L, 'RAX')!, 0xdeadbeefcafef00dn);
    const out = createRegFile();
    decodeSaveState(mem, smbase, out, L);
    expect(getReg(out, REG.RAX)).toBe(0xdeadbeefcafef00dn);
  });

  it('§6.4 SMBASE is reloaded from 0x7F00 only when revision bit 17 (0x20000) is set', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), smbaseArb, (rev, newBase) => {
        const mem = createMemory();
        const smbase = SMM_DEFAULT_SMBASE;
        encodeSaveState(mem, smbase, createRegFile(), L);
        write32(mem, smbase + 0x8000 + 0x7efc, rev);
        write32(mem, smbase + 0x8000 + 0x7f00, newBase);
        const got = decodeSaveState(mem, smbase, createRegFile(), L);
        expect(got).toBe(rev & 0x20000 ? newBase : smbase);
      }),
      { numRuns: 100 },
    );
    // the two values the facts name: QEMU's 0x00020064 relocates, bit 16 alone (I/O restart) does not
    const mem = createMemory();
    encodeSaveState(mem, 0x30000, createRegFile(), L);
    write32(mem, 0x3ff00, 0x7ff9a000);
    expect(decodeSaveState(mem, 0x30000, createRegFile(), L)).toBe(0x7ff9a000);
    write32(mem, 0x3fefc, 0x00010064);
    expect(decodeSaveState(mem, 0x30000, createRegFile(), L)).toBe(0x30000);
  });

  it('§6.1 field writes truncate to the field width (CR0 is 4 bytes) and read back through the bytes', () => {
    const mem = createMemory();
    const smbase = 0x40000;
    fill(mem, smbase + 0xfc00, 0x400, SENTINEL);
    const cr0 = fieldByName(L, 'CR0')!;
    writeSaveStateField(mem, smbase, cr0, 0x1_2345_6789n);
    expect(readSaveStateField(mem, smbase, cr0)).toBe(0x23456789n);
    expect(read8(mem, smbase + 0x8000 + 0x7f5c)).toBe(SENTINEL);
  });
});
