import { describe, expect, it } from 'vitest';
import { SESSION_FORMAT, SESSION_VERSION } from '../debug/SessionFile';
import { Session } from './Session';

const file = (commands: string[], platform: Record<string, unknown> = {}) =>
  JSON.stringify({ format: SESSION_FORMAT, version: SESSION_VERSION, platform: { cpus: 4, broadcast: true, syncMode: null, modules: [], ...platform }, commands });

describe('issue 6 §4: a restored session shows how it got there (importSession transcript)', () => {
  it('the transcript is the boot log, then each command with its output and log, in order; the result line says where the session stands', () => {
    const live = Session.create();
    const liveOut = ['smi 0x04 --cpu 1', 'step phase', 'step phase'].map((l) => live.exec(l).lines);
    const s = Session.create();
    const r = s.importSession(file(['smi 0x04 --cpu 1', 'step phase', 'step phase']));
    expect(r.error).toBe(false);
    const t = r.transcript!;
    expect(t[0].kind).toBe('log');
    expect(t[0].kind === 'log' && t[0].lines.join('\n')).toContain('SMM IPL locked SMRAM window');
    const commands = t.filter((x) => x.kind === 'command');
    expect(commands.map((c) => c.line)).toEqual(['smi 0x04 --cpu 1', 'step phase', 'step phase']);
    expect(commands.map((c) => c.lines)).toEqual(liveOut); // what the live session printed
    expect(r.lines[0]).toMatch(/^session loaded: 4 CPU\(s\), 3 command\(s\) replayed; SMI #530 paused at smi-delivery \(event 3 of the SMI, session event #\d+\)$/);
    // The log went out with the transcript: nothing is drained twice.
    expect(s.drainLog().lines).toEqual([]);
  });

  it('an idle or hung session says so', () => {
    const s = Session.create();
    expect(s.importSession(file(['smi 0x05 --run'])).lines[0]).toMatch(/; no SMI in progress \(the last was #530\)$/);
    const hung = s.importSession(file([], { modules: ['SwDispatch2Locate'] }));
    expect(hung.lines[0]).toMatch(/; the machine is hung: /);
  });

  it('a rejected file has no transcript and keeps the session; the transcript is laid out for the session\'s columns', () => {
    const s = Session.create();
    s.columns = 40;
    const bad = s.importSession(file(['smi 0x1FF']));
    expect(bad.error).toBe(true);
    expect(bad.transcript).toBeUndefined();
    const r = s.importSession(file(['smi 0x04 --cpu 1']));
    const out = r.transcript!.filter((x) => x.kind === 'command').flatMap((c) => c.lines);
    expect(Math.max(...out.map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(Math.max(...r.lines.map((l) => l.length))).toBeLessThanOrEqual(40);
  });
});
