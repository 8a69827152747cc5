/**
 * PiSmmCpuDxeSmm's SMI rendezvous (facts §8; edk2 UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c):
 * SmiRendezvous on every CPU, BSP election (first to check in), BSPHandler / APHandler in
 * traditional or relaxed sync mode, SmmEntryPoint on the BSP, release, then back to the stub (RSM).
 * CPUs run concurrently on hardware; the model interleaves them in one deterministic order.
 */

import type { Machine } from '../pi/Platform';
import { type Fw } from '../pi/Platform';
import { type Gen, lazyEv } from '../pi/Fw';
import { SmmEntryPoint } from '../pi/SmmEntryPoint';

function coreFw(m: Machine, cpu: number): Fw {
  const mod = m.s.modules.find((x) => x.name === 'PiSmmCore');
  if (!mod) throw new Error('internal: PiSmmCore is not loaded');
  return { m, mod, cpu };
}

function* checkInAp(m: Machine, ap: number, when: string): Gen<void> {
  const mp = m.s.mp;
  mp.checkedIn[ap] = true;
  mp.present[ap] = true;
  m.s.cpus[ap].activity = 'ap-wait';
  yield lazyEv('rendezvous', ap, () => `CPU${ap}: SmiRendezvous: checks in; BSP already in progress (InsideSmm) -> APHandler: Present, waits for the BSP's release${when}`);
}

/** Everything between SMM entry and RSM, for the CPUs in `arrival` order (first = first to check in). */
export function* smiRendezvous(m: Machine, arrival: number[]): Gen<number> {
  const mp = m.s.mp;
  const traditional = mp.syncMode === 'traditional';
  const [bsp, ...aps] = arrival;
  mp.checkedIn.fill(false);
  mp.present.fill(false);

  // The first CPU to check in wins InterlockedCompareExchange32 (&BspIndex, MAX_UINT32, CpuIndex).
  mp.checkedIn[bsp] = true;
  mp.bspIndex = bsp;
  m.s.cpus[bsp].activity = 'bsp';
  if (m.s.currentSmi) m.s.currentSmi.bsp = bsp;
  yield lazyEv('rendezvous', bsp, () => `CPU${bsp}: SmiRendezvous: PlatformValidSmi()=TRUE, InsideSmm=FALSE -> checks in first, wins the BSP election (BspIndex=${bsp}) -> BSPHandler`);
  mp.insideSmm = true;
  mp.present[bsp] = true;
  yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp}: InsideSmm=TRUE; ClearTopLevelSmiStatus() before the handlers run; SmmCoreEntryContext.CurrentlyExecutingCpu=${bsp}`);

  if (traditional) {
    for (const ap of aps) yield* checkInAp(m, ap, '');
    mp.allCpusInSync = true;
    mp.doorLocked = true;
    yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp} (traditional sync): SmmWaitForApArrival: ${aps.length} AP(s) arrived within PcdCpuSmmApSyncTimeout (${mp.apSyncTimeout} us); AllCpusInSync=TRUE; door locked (CpuCount=${arrival.length}); ReleaseAllAPs`,
      'phase',
    );
  } else {
    yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp} (relaxed sync): does not wait for APs; runs SmmEntryPoint now${aps.length ? ` while ${aps.length} AP(s) are still arriving` : ''}`, 'phase');
  }

  yield* SmmEntryPoint(coreFw(m, bsp));

  if (!traditional) {
    for (const ap of aps) yield* checkInAp(m, ap, ' (arrived while the BSP ran the handlers)');
    mp.allCpusInSync = true;
    mp.doorLocked = true;
    yield lazyEv('exit', bsp, () => `BSP CPU${bsp} (relaxed sync): after the handlers: AllCpusInSync=TRUE, door locked, waits until the ${aps.length} arrived AP(s) are Present`);
  }

  mp.insideSmm = false;
  for (const ap of aps) {
    m.s.cpus[ap].activity = 'released';
    mp.present[ap] = false;
  }
  m.s.cpus[bsp].activity = 'released';
  yield lazyEv('exit', bsp, () => `BSP CPU${bsp}: SmmEntryPoint returned (InSmm=FALSE); InsideSmm=FALSE; ReleaseAllAPs -> APs leave their wait loop; BspIndex=MAX_UINT32; AllCpusInSync=FALSE`, 'phase');
  mp.present[bsp] = false;
  mp.bspIndex = -1;
  mp.allCpusInSync = false;
  mp.doorLocked = false;
  return bsp;
}
