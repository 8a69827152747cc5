import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../pi/Fw';
import { bootOvmf, createOvmfMachine } from '../system/OvmfBoot';
import { ovmfConfig } from '../profiles/ovmf';
import { Session } from '../console/Session';

/**
 * The timeline formats an event's text when it is read, which can be long after the event (a run
 * to the end formats nothing until the view sends it). So a text may depend only on what was true
 * when the event was yielded: these tests read every text once right after its event and once at
 * the end, and want the same words.
 */

const ZEROS16 = '00'.repeat(16);

/** Commands that reach most of the firmware's event texts. */
const SCRIPTS: { opts: Parameters<typeof Session.create>[0]; cmds: string[] }[] = [
  { opts: { cpus: 4 }, cmds: ['smi 0x04 --cpu 1', 'smi 0x05 --cpu 2', 'smi 0x04 0x07 --cpu 3', `communicate gEfiSmmVariableProtocolGuid ${ZEROS16} --cpu 1`, 'communicate gEfiEventReadyToBootGuid', 'communicate gEfiSmmVariableProtocolGuid --at 0x7F000100', 'out 0xb2 0x3405 --width 2'] },
  { opts: { cpus: 3, broadcast: false }, cmds: ['smi 0x04 --cpu 1', 'smi 0x05', 'smi 0x04 --cpu 2'] },
  { opts: { cpus: 4, syncMode: 'relaxed' }, cmds: ['smi 0x04 --cpu 2', 'smi 0x05 --cpu 3'] },
  { opts: { cpus: 2, accel: 'kvm', modules: ['GenericSwDispatcher', 'RootMmiSample'] }, cmds: ['smi 0x42 0x07 --cpu 1', 'smi 0x01', 'smi 0x04 --cpu 1'] },
  { opts: { cpus: 1 }, cmds: ['smi 0x05', 'smi 0x04'] },
];

describe('event texts: formatted late they say what they said at the time', () => {
  it('§6/§8 every event of SMIs and Communicates: text read after the whole script = text read right after the event', () => {
    for (const { opts, cmds } of SCRIPTS) {
      const stepped = Session.create(opts);
      const atOnce: string[] = [];
      for (const c of cmds) {
        stepped.exec(c);
        if (stepped.lastEvent) atOnce.push(stepped.lastEvent.text);
        while (stepped.run) {
          stepped.exec('step event');
          if (stepped.lastEvent) atOnce.push(stepped.lastEvent.text);
        }
      }
      const ran = Session.create(opts);
      const later: TraceEvent[] = [];
      for (const c of cmds) {
        ran.exec(c.includes('--run') || c.startsWith('out 0x80') ? c : `${c} --run`);
        later.push(...ran.timelineEvents());
      }
      expect(later.map((e) => e.text), JSON.stringify(opts)).toEqual(atOnce);
    }
  });

  it('§13 every event of the boot (PEI relocation SMIs, the DXE Communicate SMIs, ReadyToBoot, ExitBootServices) at 1, 3 and 4 CPUs', () => {
    for (const cpus of [1, 3, 4]) {
      const eager: string[] = [];
      const a = createOvmfMachine(ovmfConfig({ cpus }));
      for (const g = bootOvmf(a); ; ) {
        const r = g.next();
        if (r.done) break;
        eager.push(r.value.text);
      }
      const lazy: TraceEvent[] = [];
      const b = createOvmfMachine(ovmfConfig({ cpus }));
      for (const g = bootOvmf(b); ; ) {
        const r = g.next();
        if (r.done) break;
        lazy.push(r.value);
      }
      const late = lazy.map((e) => e.text);
      const i = late.findIndex((t, k) => t !== eager[k]);
      expect(i === -1 ? null : { index: i, late: late[i], atTheTime: eager[i] }, `${cpus} CPUs`).toBeNull();
      expect(late.length).toBe(eager.length);
    }
  });
});
