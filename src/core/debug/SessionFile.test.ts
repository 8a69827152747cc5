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

describe('session files: SMM-C modules (issue 7 §3)', () => {
  const inf = '[Defines]\n  INF_VERSION = 0x00010005\n  BASE_NAME = Tiny\n  FILE_GUID = 0A1B2C3D-0000-4000-8000-000000000042\n  MODULE_TYPE = DXE_SMM_DRIVER\n  ENTRY_POINT = TinyEntry\n[Sources]\n  Tiny.c\n[Depex]\n  TRUE\n';
  const c = '#include <PiSmm.h>\n#include <Library/DebugLib.h>\n\nEFI_STATUS\nEFIAPI\nTinyEntry (\n  IN EFI_HANDLE        ImageHandle,\n  IN EFI_SYSTEM_TABLE  *SystemTable\n  )\n{\n  DEBUG ((DEBUG_INFO, "Tiny: hello\\n"));\n  return EFI_SUCCESS;\n}\n';

  it('issue 7 §3: a session with a loaded module replays it (platform.cModules survives the import), line breakpoints included', () => {
    const s = Session.create({ cpus: 2 });
    const files: Record<string, string> = { 'Tiny.inf': inf, 'Tiny.c': c };
    s.workspace = { read: (p) => files[p] ?? null, list: () => Object.keys(files) };
    expect(s.exec('load Tiny.inf').error).toBe(false);
    expect(s.exec('break Tiny.c:11').error).toBe(false);
    const exported = JSON.parse(JSON.stringify(s.exportSession()));
    expect(exported.platform.cModules).toHaveLength(1);
    const t = Session.create({ cpus: 2 }); // no workspace: the module comes from the file alone
    const r = t.importSession(JSON.stringify(exported));
    expect(r.error, r.lines.join('\n')).toBe(false);
    expect(t.platform.cModules?.[0].files[0]).toEqual({ name: 'Tiny.c', text: c });
    expect(t.m.s.serial.lines).toContain('Tiny: hello');
  });

  it('issue 7 §3: a module file without a name is rejected naming the field', () => {
    const bad = Session.create({ cpus: 1 }).importSession(file({ cModules: [{ inf: { name: '', text: inf }, files: [] }] }));
    expect(bad.error).toBe(true);
    expect(bad.lines[0]).toMatch(/platform\.cModules\.0\.inf\.name/);
  });
});
