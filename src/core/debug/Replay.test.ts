import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../machine/Memory';
import type { MachineState } from '../pi/Platform';
import { Session } from '../console/Session';

/**
 * Reverse execution over the whole recorded session: restore the nearest checkpoint, replay the
 * operations after it. Forward N events, back M, forward M again must give the machine it gave the
 * first time: the same memory bytes, the same tables, CPUs, log and SMI records.
 */

const ZEROS16 = '00'.repeat(16);

/** The machine as comparable data: memory as one hex digest per page, the rest as plain data. */
function image(s: MachineState): { pages: [number, string][]; rest: unknown } {
  const { mem, ...rest } = s;
  const pages = [...mem.pages].sort((a, b) => a[0] - b[0]).map(([n, p]) => [n, Buffer.from(p).toString('base64')] as [number, string]);
  return { pages, rest: structuredClone(rest) };
}

function expectSameMachine(b: MachineState, a: MachineState, what: string): void {
  const ia = image(a);
  const ib = image(b);
  expect(ib.pages.map((p) => p[0]), what).toEqual(ia.pages.map((p) => p[0]));
  for (let i = 0; i < ia.pages.length; i++) if (ia.pages[i][1] !== ib.pages[i][1]) expect.fail(`${what}: page 0x${(ia.pages[i][0] * PAGE_SIZE).toString(16)} differs`);
  expect(ib.rest, what).toEqual(ia.rest);
}

/** Runs events forward: steps the run in progress, starts the script's next run when none is. */
function forward(s: Session, events: number, script: string[]): void {
  const target = s.eventSeq + events;
  while (s.eventSeq < target) {
    if (!s.run) {
      const next = script.shift();
      if (next === undefined) return;
      const r = s.exec(next);
      expect(r.error, `${next}: ${r.lines.join(' ')}`).toBe(false);
      continue;
    }
    const r = s.exec(`step event ${Math.min(target - s.eventSeq, 1_000_000)}`);
    expect(r.error).toBe(false);
  }
}

/** SMIs and Communicates a script may hold (paused at their first event). */
const runArb = fc.oneof(
  fc.tuple(fc.constantFrom(0x04, 0x05, 0x42, 0x07), fc.integer({ min: 0, max: 3 })).map(([c, cpu]) => `smi 0x${c.toString(16)} --cpu ${cpu}`),
  fc.constantFrom(`communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --cpu 1`, 'communicate gEfiEventReadyToBootGuid', 'out 0xb2 0x3405 --width 2'),
);

describe('replay: back anywhere in the session, then forward again', () => {
  it('§6/§8/§13 forward N events, back M, forward M: identical machine bytes and tables, across SMIs and the boot', () => {
    fc.assert(
      fc.property(
        fc.record({
          cpus: fc.constantFrom(1, 2, 4),
          broadcast: fc.boolean(),
          script: fc.array(runArb, { minLength: 3, maxLength: 8 }),
          // Where N lands: in the boot (12 000-22 000 events at 1-4 CPUs) or in the SMIs after it.
          inBoot: fc.boolean(),
          nFrac: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
          mFrac: fc.double({ min: 0, max: 1, noNaN: true }),
          interval: fc.constantFrom(64, 200, 1000, 16384),
        }),
        ({ cpus, broadcast, script, inBoot, nFrac, mFrac, interval }) => {
          const opts = { cpus, broadcast, syncMode: null, modules: [], accel: 'tcg' as const };
          const cmds = script.map((c) => c.replace(/--cpu (\d)/, (_x, d) => `--cpu ${Math.min(Number(d), cpus - 1)}`));
          const session = () => {
            const s = new Session();
            s.historyLimits = { interval, maxCheckpoints: 8, maxOps: 1000 };
            s.powerOn(opts);
            return s;
          };
          // A dry run: how many events the boot and the whole script make.
          const dry = session();
          forward(dry, Infinity, [...cmds]);
          const total = dry.eventSeq;
          const boot = dry.hist.eventsOf(0);
          const n = inBoot || total === boot ? 1 + Math.floor(nFrac * (boot - 1)) : boot + 1 + Math.floor(nFrac * (total - boot - 1));
          const m = Math.max(1, Math.round(mFrac * (total - n)));
          if (n >= total) return;

          const a = session();
          const afterN = [...cmds];
          forward(a, n - a.eventSeq, afterN); // afterN: the commands still to run after event N
          expect(a.eventSeq).toBe(n);
          const imageN = structuredClone(image(a.m.s));
          const textN = a.lastEvent?.text;

          const b = session();
          const rest = [...cmds];
          forward(b, n - b.eventSeq, rest);
          forward(b, m, rest);
          const atNM = b.eventSeq;
          expect(atNM).toBe(n + m);
          const imageNM = image(b.m.s);
          const r = b.exec(`back --to ${n}`);
          expect(r.error, r.lines.join(' ')).toBe(false);
          expect(b.eventSeq).toBe(n);
          expect(b.lastEvent?.text).toBe(textN);
          expect(image(b.m.s).pages).toEqual(imageN.pages);
          expect(image(b.m.s).rest).toEqual(imageN.rest);
          forward(b, m, [...afterN]);
          expect(b.eventSeq).toBe(atNM);
          expect(image(b.m.s)).toEqual(imageNM);
        },
      ),
      {
        numRuns: 14,
        examples: [
          // Back into the third SMI: the two before it replay without recording (their SMI records must still be filled in).
          [{ cpus: 1, broadcast: false, script: ['smi 0x4 --cpu 0', 'smi 0x4 --cpu 0', 'smi 0x4 --cpu 0'], inBoot: false, nFrac: 0.34, mFrac: 0, interval: 64 }],
          // From the SMIs after the boot back into the boot's DXE Communicate SMIs, at 4 CPUs.
          [{ cpus: 4, broadcast: true, script: ['smi 0x5 --cpu 2', `communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --cpu 1`, 'smi 0x4 --cpu 3'], inBoot: true, nFrac: 0.9, mFrac: 0.5, interval: 1000 }],
        ],
      },
    );
  }, 120_000);

  it('§6.4 back --to crosses SMIs: the session is paused in the earlier SMI at that event, as it was', () => {
    const s = Session.create({ cpus: 4 });
    s.historyLimits = { interval: 100, maxCheckpoints: 8, maxOps: 1000 };
    s.exec('reset');
    const marks: { pos: number; state: MachineState; text: string }[] = [];
    for (const c of ['smi 0x04 --cpu 1', 'smi 0x05 --cpu 2', `communicate gEfiSmmVariableProtocolGuid ${ZEROS16}`, 'smi 0x04']) {
      s.exec(c);
      s.exec('step event 5');
      marks.push({ pos: s.eventSeq, state: structuredClone({ ...s.m.s, mem: null }) as unknown as MachineState, text: s.lastEvent!.text });
      s.exec('continue');
    }
    const end = s.eventSeq;
    const r = s.exec(`back --to ${marks[1].pos}`);
    expect(r.error).toBe(false);
    expect(r.lines).toEqual([`[${s.lastEvent!.phase}] ${marks[1].text}`]);
    expect(s.run).not.toBeNull();
    expect(s.eventSeq).toBe(marks[1].pos);
    expect({ ...structuredClone({ ...s.m.s, mem: null }) }).toEqual(marks[1].state);
    expect(s.m.s.lastSmi!.command).toBe(0x04); // SMI 0x05 is in progress again, 0x04 was the last one
    expect(s.m.s.currentSmi!.command).toBe(0x05);
    // What came after is forgotten: the session ends with this SMI now.
    s.exec('continue');
    expect(s.eventSeq).toBeLessThan(end);
    expect(s.exec(`back --to ${end}`).lines[0]).toMatch(/back goes only backwards/);
    // `back` within the SMI in progress still clamps at its first event.
    s.exec('smi 0x04');
    s.exec('step event 3');
    const first = s.eventSeq - 3;
    s.exec('back 100');
    expect(s.eventSeq).toBe(first);
  });

  it('§6.4 back --to replays the session file: a session exported after it loads into the same machine', () => {
    const s = Session.create({ cpus: 2 });
    s.exec('smi 0x04 --run');
    s.exec('smi 0x05 --cpu 1');
    s.exec('step event 4');
    const pos = s.eventSeq;
    s.exec('continue');
    s.exec('out 0xb3 0x33');
    s.exec('smi 0x04 --run');
    expect(s.exec(`back --to ${pos}`).error).toBe(false);
    const file = JSON.stringify(s.exportSession());
    const t = new Session();
    expect(t.importSession(file).error).toBe(false);
    expect(t.eventSeq).toBe(pos);
    expectSameMachine(t.m.s, s.m.s, 'imported');
  });

  it('§6.4 a bad --to changes nothing; back without an SMI in progress still says so', () => {
    const s = Session.create({ cpus: 2 });
    expect(s.exec('back --to 0').lines[0]).toMatch(/numbered from 1/);
    const end = s.eventSeq; // the boot's events come first (issue 6 §1: the boot is a recorded run)
    expect(end).toBeGreaterThan(1000);
    expect(s.exec(`back --to ${end + 5}`).lines[0]).toMatch(new RegExp(`the session is at event ${end}`));
    expect(s.exec('back').lines[0]).toMatch(/nothing is paused to step back in/);
    s.exec('smi 0x04 --run');
    expect(s.exec('back 2 --to 3').error).toBe(true);
    const before = image(s.m.s);
    expect(s.exec('back --to x').error).toBe(true);
    expect(image(s.m.s)).toEqual(before);
  });

  it('§8 the history stays bounded: checkpoints are merged and the oldest operations fall off, and back still restores exactly', () => {
    const s = Session.create({ cpus: 2 });
    s.historyLimits = { interval: 40, maxCheckpoints: 5, maxOps: 40 };
    s.exec('reset');
    const states = new Map<number, ReturnType<typeof image>>();
    for (let i = 0; i < 60; i++) {
      s.exec(`smi 0x0${4 + (i % 2)} --cpu ${i % 2}`);
      s.exec('step event 3');
      states.set(s.eventSeq, structuredClone(image(s.m.s)));
      s.exec('continue');
    }
    expect(s.hist.checkpoints).toBeLessThanOrEqual(5);
    expect(s.hist.opCount).toBeLessThanOrEqual(40);
    const first = s.hist.firstPos;
    expect(first).toBeGreaterThan(1);
    expect(s.exec('back --to 1').lines[0]).toMatch(/before the oldest event the history keeps/);
    const kept = [...states.keys()].filter((p) => p >= first).sort((a, b) => b - a);
    for (const p of kept.slice(0, 6)) {
      expect(s.exec(`back --to ${p}`).error).toBe(false);
      expect(image(s.m.s)).toEqual(states.get(p));
    }
  });
});
