import { describe, expect, it } from 'vitest';
import { baseCheckpoint, type Checkpoint, dropCheckpoint, nextCheckpoint, restoreCheckpoint } from './Checkpoint';
import { readBytes, write32, write8, PAGE_SIZE } from '../machine/Memory';
import type { MachineState } from '../pi/Platform';
import { serialWrite } from '../machine/Debugcon';
import { Session } from '../console/Session';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { smiLifecycle } from '../system/SmiLifecycle';

/** Everything but the memory pages and the copy-on-write bookkeeping, as plain data. */
function rest(s: MachineState): unknown {
  const { mem: _m, ...r } = s;
  return structuredClone(r);
}

/** Every page as bytes (a copy), by page number. */
function pages(s: MachineState): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const [n, p] of s.mem.pages) out.set(n, p.slice());
  return out;
}

function expectSamePages(a: Map<number, Uint8Array>, b: Map<number, Uint8Array>): void {
  expect([...b.keys()].sort((x, y) => x - y)).toEqual([...a.keys()].sort((x, y) => x - y));
  for (const [n, p] of a) if (!Buffer.from(p).equals(Buffer.from(b.get(n)!))) expect.fail(`page 0x${(n * PAGE_SIZE).toString(16)} differs`);
}

describe('checkpoints that cost what changed', () => {
  it('§6/§8 restoring any checkpoint gives byte-identical memory and equal tables, CPUs, log and SMI records', () => {
    // This test keeps its own chain of checkpoints beside the session's history (which takes none this early).
    const s = Session.create({ cpus: 4 });
    const chain: Checkpoint[] = [baseCheckpoint(s.m.s)];
    const refs = [{ pages: pages(s.m.s), rest: rest(s.m.s) }];
    const cmds = ['smi 0x04 --cpu 1 --run', 'smi 0x05 --cpu 2 --run', `communicate gEfiSmmVariableProtocolGuid ${'00'.repeat(16)} --cpu 3 --run`, 'out 0xb3 0x42', 'smi 0x04 --run'];
    for (const c of cmds) {
      const r = s.exec(c);
      expect(r.error, c).toBe(false);
      chain.push(nextCheckpoint(s.m.s, chain[chain.length - 1]));
      refs.push({ pages: pages(s.m.s), rest: rest(s.m.s) });
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const st = restoreCheckpoint(chain, i, s.m.s);
      s.m.s = st;
      expectSamePages(refs[i].pages, pages(st));
      expect(rest(st)).toEqual(refs[i].rest);
    }
  });

  it('§8 a checkpoint keeps the pages written since the previous one by reference; the live memory copies a page on its first write after it', () => {
    const s = Session.create({ cpus: 4 });
    const st = s.m.s;
    const base = baseCheckpoint(st);
    const addr = Math.max(...[...st.mem.pages.keys()].filter((n) => n * PAGE_SIZE >= st.config.tsegBase)) * PAGE_SIZE + 0x100; // a page SMRAM has
    const before = readBytes(st.mem, addr, 4);
    const shared = st.mem.pages.get(Math.floor(addr / PAGE_SIZE))!;
    write32(st.mem, addr, 0xdeadbeef);
    expect(st.mem.pages.get(Math.floor(addr / PAGE_SIZE))).not.toBe(shared); // copied, not written in place
    expect(shared.subarray(0x100, 0x104)).toEqual(before); // the checkpoint's page is untouched
    const next = nextCheckpoint(st, base);
    expect([...next.delta.keys()]).toEqual([Math.floor(addr / PAGE_SIZE)]);
    const p = st.mem.pages.get(Math.floor(addr / PAGE_SIZE))!;
    write8(st.mem, addr, 1);
    expect(next.delta.get(Math.floor(addr / PAGE_SIZE))![0x100]).toBe(0xef); // frozen again after the checkpoint
    expect(st.mem.pages.get(Math.floor(addr / PAGE_SIZE))).not.toBe(p);
  });

  it('§8 the checkpoint after one SMI holds only the pages that SMI wrote and the objects it changed, not the machine', () => {
    for (const cpus of [4, 64]) {
      const s = Session.create({ cpus });
      s.exec('smi 0x05 --run');
      s.checkpointNow();
      s.exec('smi 0x05 --run');
      const total = s.m.s.mem.pages.size;
      const bytes = s.checkpointNow();
      // Each CPU's save-state map page, the SMM core's and CpuHotplugSmm's data: a few pages beyond one per CPU.
      expect(bytes, `${cpus} CPUs`).toBeLessThan((cpus + 24) * PAGE_SIZE + 64 * 1024);
      expect(bytes).toBeLessThan((total * PAGE_SIZE) / 2);
    }
  });

  it('§8 dropping a middle checkpoint folds its pages into the next one: every remaining checkpoint still restores exactly', () => {
    const s = Session.create({ cpus: 2 });
    const chain: Checkpoint[] = [baseCheckpoint(s.m.s)];
    const refs = [pages(s.m.s)];
    for (const c of ['smi 0x04 --run', 'out 0x80 0x12', 'smi 0x05 --cpu 1 --run', 'smi 0x04 --run']) {
      s.exec(c);
      chain.push(nextCheckpoint(s.m.s, chain[chain.length - 1]));
      refs.push(pages(s.m.s));
    }
    dropCheckpoint(chain, 2);
    refs.splice(2, 1);
    dropCheckpoint(chain, 1);
    refs.splice(1, 1);
    for (let i = chain.length - 1; i >= 0; i--) {
      s.m.s = restoreCheckpoint(chain, i, s.m.s);
      expectSamePages(refs[i], pages(s.m.s));
    }
  });

  it('§13 the log: lines appended after a checkpoint are gone after restoring it, and chunks are shared between checkpoints', () => {
    const s = Session.create({ cpus: 1 });
    const st = s.m.s;
    const a = baseCheckpoint(st);
    const lines = [...st.serial.lines];
    for (let i = 0; i < 3000; i++) serialWrite(s.m, `line ${i}\n`);
    const b = nextCheckpoint(st, a);
    serialWrite(s.m, 'one more\n');
    const c = nextCheckpoint(st, b);
    expect(c.bytes).toBeLessThan(16 * 1024); // the full chunks of b are shared
    const chain = [a, b, c];
    const back = restoreCheckpoint(chain, 0, st);
    expect(back.serial.lines).toEqual(lines);
    expect(back.serial.firstSeq).toBe(0);
  });

  it('§6/§8 copy-on-write changes no result: SMIs under a checkpoint before every one leave the bytes a machine without checkpoints has', () => {
    const s = new Session();
    s.historyLimits = { interval: 1, maxCheckpoints: 4, maxOps: 1000 };
    s.reset({ cpus: 3, broadcast: true, syncMode: null, modules: [], accel: 'tcg' });
    const plain = createOvmfMachine(ovmfConfig({ cpus: 3 }));
    for (const g = bootOvmf(plain); !g.next().done; );
    expect(plain.s.mem.cow).toBeNull();
    const smis: [number, number][] = [[0x04, 1], [0x05, 2], [0x04, 0], [0x07, 1], [0x05, 0]];
    for (const [cmd, cpu] of smis) {
      expect(s.exec(`smi 0x${cmd.toString(16)} --cpu ${cpu} --run`).error).toBe(false);
      const g = smiLifecycle(plain, { cpu, writes: [{ port: 0xb3, value: 0, width: 1, by: 'smi: data port first' }, { port: 0xb2, value: cmd, width: 1, by: 'smi: command port' }] });
      while (!g.next().done);
    }
    expect(s.hist.checkpoints).toBeGreaterThan(1);
    expectSamePages(pages(plain.s), pages(s.m.s));
    expect(s.m.s.cpus.map((c) => [...c.regs])).toEqual(plain.s.cpus.map((c) => [...c.regs]));
  });
});
