import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { createMemory, readBytes, sameBytes, write8 } from '../machine/Memory';

describe('snapshot byte arrays (issue 10: cheaper ViewSnapshots)', () => {
  it('sameBytes compares memory with an array, aligned or not, across pages and unwritten pages', () => {
    const mem = createMemory();
    for (let i = 0; i < 64; i++) write8(mem, 0x1fe0 + i, i + 1);
    const at = (a: number, n: number) => readBytes(mem, a, n);
    expect(sameBytes(mem, 0x1fe0, at(0x1fe0, 64))).toBe(true); // crosses a page
    expect(sameBytes(mem, 0x1fe0, at(0x1fe0, 32))).toBe(true); // aligned, one page
    expect(sameBytes(mem, 0x1fe1, at(0x1fe1, 7))).toBe(true);
    expect(sameBytes(mem, 0x5000, new Uint8Array(16))).toBe(true); // never written: zeros
    expect(sameBytes(mem, 0x5000, Uint8Array.of(0, 0, 0, 1))).toBe(false);
    const old = at(0x1fe0, 32);
    write8(mem, 0x1fe0 + 31, 0xee);
    expect(sameBytes(mem, 0x1fe0, old)).toBe(false);
    write8(mem, 0x1fe0 + 31, 32);
    write8(mem, 0x2001, 0xee);
    expect(sameBytes(mem, 0x2000, at(0x2000, 4))).toBe(true);
    expect(sameBytes(mem, 0x2000, Uint8Array.of(33, 34, 35, 36))).toBe(false);
  });

  it('a snapshot reuses the last byte arrays only while memory holds the same bytes, and never changes an array it handed out', () => {
    const s = Session.create({ cpus: 2 });
    const req = { selectedCpu: 1, hexAddress: s.m.s.config.tsegBase, hexLength: 256 };
    const a = s.view(req);
    const b = s.view(req);
    expect(b.saveState.bytes).toBe(a.saveState.bytes);
    expect(b.smram.hexBytes).toBe(a.smram.hexBytes);
    const keep = a.saveState.bytes.slice();
    s.exec('smi 0x05 --run');
    const c = s.view(req);
    expect(c.saveState.bytes).toEqual(readBytes(s.m.s.mem, c.saveState.address, c.saveState.bytes.length));
    expect(a.saveState.bytes).toEqual(keep);
    if (!c.saveState.bytes.every((v, i) => v === keep[i])) expect(c.saveState.bytes).not.toBe(a.saveState.bytes);
    const e = s.view(req);
    expect(e.smram.hexBytes).toBe(c.smram.hexBytes);
    const before = e.smram.hexBytes.slice();
    write8(s.m.s.mem, req.hexAddress + 3, before[3] ^ 0x5a);
    const d = s.view(req);
    expect(d.smram.hexBytes).not.toBe(e.smram.hexBytes);
    expect(e.smram.hexBytes).toEqual(before);
    expect(d.smram.hexBytes[3]).toBe(before[3] ^ 0x5a);
    expect(d.smram.hexBytes).toEqual(readBytes(s.m.s.mem, req.hexAddress, 256));
  });
});
