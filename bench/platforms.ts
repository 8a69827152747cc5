/**
 * The same software SMI on each platform (issue 8): `smi 0x05 --cpu 2 --run` through a Session, the
 * path the CLI and the page take, on ovmf, ovmf-swdispatch and pch. What differs is the firmware
 * each SMI runs: on ovmf CpuHotplugSmm's root handler (SMM-C); on ovmf-swdispatch also
 * GenericSwDispatcher's root handler, which asks every CPU's save state for the OUT; on pch
 * PchSmiDispatcher's root handler (SMM-C), which does the same with the Intel MmSaveStateLib and
 * finds it. Also the boot (power-on to the OS) of each platform at 4 CPUs.
 */

import { Session } from '../src/core/console/Session';
import { platformConfig } from '../src/core/profiles/Platforms';
import { bootMachine } from '../src/core/system/Boot';
import { createMachine } from '../src/core/system/OvmfBoot';

export type PlatformId = 'ovmf' | 'ovmf-swdispatch' | 'pch';

/** µs per `smi 0x05 --cpu C --run` (C = 2, or the last CPU below 3 CPUs) on `platform` with `cpus` CPUs. */
export function platformSmiCost(platform: PlatformId, cpus: number, millis: number): number {
  const s = Session.create({ cpus, platform });
  const line = `smi 0x05 --cpu ${Math.min(2, cpus - 1)} --run`;
  for (let i = 0; i < 200; i++) s.exec(line);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < millis) {
    for (let i = 0; i < 20; i++) s.exec(line);
    n += 20;
  }
  return ((performance.now() - t0) * 1000) / n;
}

/** ms per headless boot of `platform` with `cpus` CPUs (the boot generator drained, as bench §4 does for ovmf). */
export function platformBootMs(platform: PlatformId, cpus: number, millis: number): { ms: number; smis: number } {
  let smis = 0;
  let n = 0;
  const t0 = performance.now();
  while (n < 3 || performance.now() - t0 < millis) {
    const m = createMachine(platformConfig({ platform, cpus }));
    const g = bootMachine(m);
    while (!g.next().done) {
      /* drain */
    }
    smis = m.s.smiSeq;
    n++;
  }
  return { ms: (performance.now() - t0) / n, smis };
}
