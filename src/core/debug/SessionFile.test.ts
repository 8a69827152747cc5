import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { parseSessionFile, SESSION_FORMAT, SESSION_VERSION } from './SessionFile';

const file = (platform: Record<string, unknown>, commands: string[] = []) =>
  JSON.stringify({ format: SESSION_FORMAT, version: SESSION_VERSION, platform: { cpus: 4, broadcast: false, syncMode: null, modules: [], ...platform }, commands });

describe('session files: --hotplug-smi (§12.4)', () => {
  it('§12.4 a file written before --hotplug-smi existed still loads; hotplug SMI then follows --broadcast (all features off)', () => {
    const parsed = parseSessionFile(file({}));
    expect(parsed.ok).toBe(true);
    const s = Session.create();
    const r = s.importSession(file({}, ['smi 0x04 --cpu 2 --run']));
    expect(r.error).toBe(false);
    expect(s.m.s.config).toMatchObject({ broadcast: false, hotplugSmi: false });
    expect(s.m.s.serial.lines).toContain('NegotiateSmiFeatures: SMI feature negotiation unavailable');
    expect(s.m.s.lastSmi).toMatchObject({ cpu: 2, bsp: null });
  });

  it('§12.4 platform --hotplug-smi is exported and replayed; a non-boolean value is rejected naming the field', () => {
    const s = Session.create();
    expect(s.exec('platform ovmf --broadcast on --hotplug-smi off --cpus 2').error).toBe(false);
    const exported = s.exportSession();
    expect(exported.platform).toMatchObject({ cpus: 2, broadcast: true, hotplugSmi: false });
    const t = Session.create();
    expect(t.importSession(JSON.stringify(exported)).error).toBe(false);
    expect(t.m.s.lpc.smiFeatures).toBe(0x1);
    const bad = t.importSession(file({ hotplugSmi: 'yes' }));
    expect(bad.error).toBe(true);
    expect(bad.lines[0]).toMatch(/platform\.hotplugSmi/);
    expect(t.m.s.cpus.length).toBe(2); // the current session stays
  });

  it('§12.4 the hanging configuration is a valid session: it replays to the same hang', () => {
    const s = Session.create();
    const r = s.importSession(file({ broadcast: false, hotplugSmi: true }));
    expect(r.error).toBe(false);
    expect(s.m.s.hung).toMatchObject({ module: 'SmmControl2Dxe', inSmm: false });
  });
});
