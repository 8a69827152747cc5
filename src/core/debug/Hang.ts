/** A CPU that dead-loops (CpuDeadLoop after an ASSERT, a fault, an endless loop): what the machine state records. */

import type { CpuDeadLoop } from '../pi/Fw';
import type { Machine } from '../pi/Platform';

/** Records the hang in the machine state; returns whether the CPU dead-loops inside SMM. */
export function applyHang(m: Machine, e: CpuDeadLoop): boolean {
  const s = m.s;
  const inSmm = s.cpus[e.cpu]?.inSmm ?? false;
  s.hung = { cpu: e.cpu, module: e.module, message: e.message, inSmm };
  const rec = s.modules.find((x) => x.name === e.module);
  if (rec) {
    rec.state = 'hung';
    rec.reason = `${e.message} -> CpuDeadLoop()`;
  }
  for (const c of s.cpus) if (c.inSmm) c.activity = c.index === e.cpu ? 'hung' : 'ap-wait';
  if (s.cpus[e.cpu]) s.cpus[e.cpu].activity = 'hung';
  s.tablesVersion++;
  return inSmm;
}
