/**
 * PiSmmCpuDxeSmm's SMI rendezvous (edk2 UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c): SmiRendezvous on
 * every CPU that entered SMM, the BSP (monarch) election through PlatformSmmBspElection (or the
 * InterlockedCompareExchange race when the platform hook declines), BSPHandler / APHandler in
 * traditional or relaxed sync mode, SmmWaitForApArrival with its SMI IPIs, SmmEntryPoint on the
 * BSP, release, then back to the stub (RSM).
 *
 * CPUs run concurrently on hardware; the model interleaves them in one deterministic order: the
 * CPUs that took the SMI together run SmiRendezvous up to the election in arrival order before the
 * BSP sets InsideSmm (in relaxed mode only those up to the BSP; the rest arrive while it runs the
 * handlers). Time is the virtual clock (MachineState.clockUs): a wait that runs out adds its
 * timeout; a wait that ends because the awaited CPUs arrived adds nothing (no instruction is timed).
 */

import { smmEnter } from '../machine/Cpu';
import { SMRAM_SAVE_STATE_MAP_OFFSET } from '../machine/SaveStateField';
import { DEBUG, DEBUG_ERROR } from '../pi/Debug';
import { type Gen, hex, lazyEv } from '../pi/Fw';
import type { Fw, Machine } from '../pi/Platform';
import { SmmEntryPoint } from '../pi/SmmEntryPoint';
import { setEntryContextCpu } from '../pi/Smst';
import { hookLibrary, platformSmmBspElection } from './SmmCpuPlatformHook';
import { findModule } from '../pi/ModuleRecord';

function fwOf(m: Machine, module: string, cpu: number): Fw {
  const mod = findModule(m.s.modules, module);
  if (!mod) throw new Error(`internal: ${module} is not loaded`);
  return { m, mod, cpu };
}

const us = (n: number) => `${n} µs`;
const list = (cpus: number[]) => cpus.map((c) => `CPU${c}`).join(', ');

/**
 * Everything between SMM entry and RSM for the CPUs in `entered` (arrival order, first = first to
 * enter). CPUs that SmmWaitForApArrival pulls in with SMI IPIs enter SMM here and are appended to
 * `entered`, so the caller RSMs them too. Returns the BSP's CpuIndex, or null when no BSP ran
 * (an SMI that reached only APs: they give up and no MMI handler runs).
 */
export function* smiRendezvous(m: Machine, entered: number[]): Gen<number | null> {
  const s = m.s;
  const mp = s.mp;
  const cpus = s.cpus;
  const traditional = mp.syncMode === 'traditional';
  const hook = s.config.bspElection;
  // (loops: Array.prototype.fill costs more than the stores on the few CPUs most machines have)
  for (let i = 0; i < mp.checkedIn.length; i++) mp.checkedIn[i] = false;
  for (let i = 0; i < mp.present.length; i++) mp.present[i] = false;
  mp.bspIndex = -1;

  // SmiRendezvous up to the election, for the CPUs that sample InsideSmm = FALSE.
  let bsp = -1;
  let early = 0;
  const firstArrivals = entered.length;
  for (; early < firstArrivals; early++) {
    if (!traditional && bsp >= 0) break;
    const c = entered[early];
    mp.checkedIn[c] = true;
    cpus[c].activity = 'rendezvous';
    yield lazyEv('rendezvous', c, () => `CPU${c}: SmiRendezvous: ValidSmi, InsideSmm=FALSE -> checks in, elects a BSP`);
    const h = platformSmmBspElection(hook, cpus[c]);
    const before = mp.bspIndex;
    if (h.status === 'EFI_SUCCESS') {
      if (h.isBsp) mp.bspIndex = c;
    } else if (mp.bspIndex < 0) {
      mp.bspIndex = c; // InterlockedCompareExchange32 (&BspIndex, MAX_UINT32, CpuIndex) succeeds
    }
    const isBsp = mp.bspIndex === c;
    if (isBsp) {
      bsp = c;
      cpus[c].activity = 'bsp';
      if (s.currentSmi) s.currentSmi.bsp = c;
    } else cpus[c].activity = 'ap-wait';
    const timeout = mp.apSyncTimeout;
    yield lazyEv('rendezvous', c, () => {
      // An AP that finds no BSP yet waits up to the timeout for one (APHandler's first loop).
      const role = isBsp
        ? `BspIndex=${c} -> BSPHandler`
        : before < 0
          ? `BspIndex=MAX_UINT32 -> APHandler: waits up to PcdCpuSmmApSyncTimeout (${us(timeout)}) for InsideSmm`
          : `BspIndex=${before} -> APHandler`;
      if (h.status === 'EFI_SUCCESS') {
        return `CPU${c}: PlatformSmmBspElection: IA32_APIC_BASE.BSP=${isBsp ? 1 : 0} -> IsBsp=${isBsp ? 'TRUE' : 'FALSE'}${isBsp ? ` (${hookLibrary(hook)}, EFI_SUCCESS)` : ''}; ${role}`;
      }
      return `CPU${c}: PlatformSmmBspElection = EFI_NOT_READY${isBsp ? ` (${hookLibrary(hook)})` : ''} -> ` +
        (isBsp ? `InterlockedCompareExchange32 (&BspIndex, MAX_UINT32, ${c}) wins: first to check in; ${role}` : `BspIndex already set (CPU${before} checked in first), no exchange; ${role}`);
    });
  }

  if (bsp < 0) return yield* noBsp(m, entered);

  // BSPHandler.
  mp.insideSmm = true;
  mp.present[bsp] = true;
  setEntryContextCpu(m, mp.entryContext, bsp);
  yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp}: BSPHandler: InsideSmm=TRUE; Present; ClearTopLevelSmiStatus() before the handlers run; SmmCoreEntryContext.CurrentlyExecutingCpu=${bsp}`);
  let waiting = 0;
  for (let i = 0; i < early; i++) {
    const c = entered[i];
    if (c === bsp) continue;
    mp.present[c] = true;
    waiting++;
  }
  if (waiting > 0) {
    const aps = entered.slice(0, early).filter((c) => c !== bsp);
    yield lazyEv('rendezvous', -1, () => `${list(aps)} (APHandler): InsideSmm=TRUE within the timeout -> Present${traditional ? '; signal the BSP, wait for its release' : '; wait for the BSP'}`);
  }

  if (traditional) {
    // Every CPU checked in already (a broadcast SMI): SmmWaitForApArrival returns at once.
    if (checkedInCount(mp.checkedIn) !== cpus.length) yield* smmWaitForApArrival(m, bsp, entered);
    const count = checkedInCount(mp.checkedIn);
    mp.allCpusInSync = true;
    mp.doorLocked = true;
    yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp} (traditional sync): AllCpusInSync=TRUE; SmmCpuSyncLockDoor (CpuCount=${count}); waits for the ${count - 1} AP(s); ReleaseAllAPs`, 'phase');
  } else {
    const arriving = entered.length - early;
    yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp} (relaxed sync): does not wait for APs; runs SmmEntryPoint now${arriving > 0 ? ` while ${arriving} AP(s) are still arriving` : ''}`, 'phase');
  }

  yield* SmmEntryPoint(fwOf(m, 'PiSmmCore', bsp), mp.entryContext);
  if (m.s.smm.readyToLock && m.s.smm.pagingLocked !== true) {
    // BSPHandler -> PerformRemainingTasks (UefiCpuPkg/PiSmmCpuDxeSmm/PiSmmCpuDxeSmm.c): the first SMI
    // that sees mSmmReadyToLock locks the SMM page table down (UpdateUefiMemMapAttributes).
    m.s.smm.pagingLocked = true;
    yield lazyEv('exit', bsp, () => `BSP CPU${bsp}: PerformRemainingTasks: SmmReadyToLock came in this SMI, so UpdateUefiMemMapAttributes makes memory outside SMRAM no-execute and boot-services, loader and conventional memory (page 0 included) not-present; from now on SMM code that touches it takes a #PF`);
  }

  if (!traditional) {
    for (let i = early; i < entered.length; i++) {
      const c = entered[i];
      mp.checkedIn[c] = true;
      mp.present[c] = true;
      cpus[c].activity = 'ap-wait';
      yield lazyEv('rendezvous', c, () => `CPU${c}: SmiRendezvous: checks in; InsideSmm=TRUE (BSP in progress) -> APHandler without an election: Present (arrived while the BSP ran the handlers)`);
    }
    const aps = entered.length - 1;
    mp.allCpusInSync = true;
    mp.doorLocked = true;
    yield lazyEv('exit', bsp, () => `BSP CPU${bsp} (relaxed sync): after the handlers: AllCpusInSync=TRUE, door locked (CpuCount=${aps + 1}), waits until the ${aps} arrived AP(s) are Present`);
  }

  mp.insideSmm = false;
  for (const c of entered) {
    cpus[c].activity = 'released';
    mp.present[c] = false;
  }
  yield lazyEv('exit', bsp, () => `BSP CPU${bsp}: SmmEntryPoint returned (InSmm=FALSE); InsideSmm=FALSE; ReleaseAllAPs -> APs leave their wait loop; BspIndex=MAX_UINT32; AllCpusInSync=FALSE`, 'phase');
  mp.bspIndex = -1;
  mp.allCpusInSync = false;
  mp.doorLocked = false;
  return bsp;
}

function checkedInCount(checkedIn: readonly boolean[]): number {
  let n = 0;
  for (let i = 0; i < checkedIn.length; i++) if (checkedIn[i]) n++;
  return n;
}

/**
 * APHandler when no BSP ever sets InsideSmm (an SMI that reached APs only, e.g. a unicast SMI
 * raised on CPU N != 0 on OVMF): each waits PcdCpuSmmApSyncTimeout, finds BspIndex == MAX_UINT32,
 * takes the "Don't know BSP index. Give up without sending IPI to BSP" path, checks out and returns.
 */
function* noBsp(m: Machine, entered: number[]): Gen<null> {
  const s = m.s;
  const mp = s.mp;
  const timeout = mp.apSyncTimeout;
  s.clockUs += timeout; // the APs wait concurrently
  for (let i = 0; i < entered.length; i++) {
    const c = entered[i];
    mp.checkedIn[c] = false; // SmmCpuSyncCheckOutCpu
    s.cpus[c].activity = 'released';
    const last = i === entered.length - 1;
    const pending = s.smm.priv.commBuffer;
    yield lazyEv(
      'exit',
      c,
      () => `CPU${c} (APHandler): InsideSmm still FALSE: waited PcdCpuSmmApSyncTimeout = ${us(timeout)} (virtual) for a BSP that never comes (the SMM BSP is CPU0, which did not take this SMI). ` +
        `BspIndex = MAX_UINT32 -> "Don't know BSP index. Give up without sending IPI to BSP": SmmCpuSyncCheckOutCpu, return; AllCpusInSync=FALSE -> leaves SmiRendezvous -> RSM. No MMI handler runs` +
        (pending ? `; gSmmCorePrivate->CommunicationBuffer stays ${hex(pending)} until an SMI reaches SmmEntryPoint` : ''),
      last ? 'phase' : 'event',
    );
  }
  return null;
}

/**
 * SmmWaitForApArrival (traditional sync): wait PcdCpuSmmApSyncTimeout for every CPU; if some are
 * missing, SendSmiIpi to every CPU that is not Present and wait PcdCpuSmmApSyncTimeout2. A CPU
 * takes the IPI unless it is already in SMM (QEMU delivers CPU_INTERRUPT_SMI only outside SMM);
 * if some CPU still has not checked in, print the DEBUG_ERROR line. On OVMF the delayed / blocked /
 * disabled counts (SmmCpuFeaturesGetSmmRegister) are always 0.
 */
function* smmWaitForApArrival(m: Machine, bsp: number, entered: number[]): Gen<void> {
  const s = m.s;
  const mp = s.mp;
  const n = s.cpus.length;
  const arrived = checkedInCount(mp.checkedIn);
  if (arrived === n) return;

  const t1 = mp.apSyncTimeout;
  s.clockUs += t1;
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!mp.present[i]) missing.push(i);
  yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp}: SmmWaitForApArrival: ${arrived} of ${n} CPUs checked in; the first loop ran out: waited PcdCpuSmmApSyncTimeout = ${us(t1)} (virtual). SendSmiIpi to every CPU that is not Present: ${list(missing)}`, 'phase');

  const late: number[] = [];
  for (const c of missing) {
    const cpu = s.cpus[c];
    if (cpu.inSmm) {
      yield lazyEv('rendezvous', c, () => `CPU${c}: the SMI IPI stays latched: the CPU is already in SMM (QEMU takes CPU_INTERRUPT_SMI only outside SMM)`);
      continue;
    }
    smmEnter(cpu, s.mem, m.layout);
    entered.push(c);
    late.push(c);
    mp.checkedIn[c] = true;
    mp.present[c] = true;
    cpu.activity = 'ap-wait';
    const count = cpu.smiCount;
    const map = cpu.smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
    yield lazyEv('save-state', c, () => `CPU${c}: SMI IPI from BSP CPU${bsp} -> SMM entry #${count} (MSR_SMI_COUNT), state saved at ${hex(map)}; SmiRendezvous: InsideSmm=TRUE (BSP in progress) -> checks in -> APHandler: Present`);
  }
  if (s.currentSmi) s.currentSmi.cpus = entered;
  if (late.length === missing.length) {
    yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp}: SmmWaitForApArrival: ${list(late)} entered SMM late, through the SMI IPI; all ${n} CPUs checked in within PcdCpuSmmApSyncTimeout2 (the model times no instructions: this wait adds 0 µs)`);
    return;
  }
  const t2 = mp.apSyncTimeout2;
  s.clockUs += t2;
  DEBUG(fwOf(m, 'PiSmmCpuDxeSmm', bsp), DEBUG_ERROR, 'SmmWaitForApArrival: Failed to wait all APs enter SMI. Delayed AP Count = %d, Blocked AP Count = %d, Disabled AP Count = %d\n', 0, 0, 0);
  const still = missing.filter((c) => !late.includes(c));
  yield lazyEv('rendezvous', bsp, () => `BSP CPU${bsp}: SmmWaitForApArrival: waited PcdCpuSmmApSyncTimeout2 = ${us(t2)} (virtual); ${list(still)} still missing -> DEBUG_ERROR "Failed to wait all APs enter SMI" (delayed/blocked/disabled counts are 0 on OVMF); the BSP goes on without them`);
}
