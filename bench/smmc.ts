/**
 * SMM-C benchmarks (issue 7 §2 "Speed"): simple C statements per second when no breakpoint is set
 * (a loop of assignments and additions on UINTN locals, which live in SMRAM bytes like every local),
 * the time to compile a driver that includes the shipped headers, and the cost of a C root MMI
 * handler on the SMI path.
 */

import { compileCModule } from '../src/core/cdriver/CModule';
import { Session } from '../src/core/console/Session';
import { CpuHotplugSmm } from '../src/core/modules/CpuHotplugSmm';
import { runSandbox } from '../src/core/smmc/Sandbox';

const LOOP = (n: number) => `
unsigned long long main () {
  unsigned long long Sum = 0;
  unsigned long long Index;
  unsigned int       Hash = 1;
  for (Index = 0; Index < ${n}; Index++) {
    Sum += Index;
    Hash = Hash * 31 + 7;
  }
  return Sum + Hash;
}`;

export interface CSpeed {
  statementsPerSecond: number;
  /** Statements counted as C counts them: per iteration the condition, two assignments and the increment. */
  statements: number;
  millis: number;
}

/** Median of 5 runs of a 2,000,000-iteration loop (8,000,000 statements). */
export function cStatementsPerSecond(): CSpeed {
  const n = 2_000_000;
  const src = LOOP(n);
  runSandbox(LOOP(1000), {}, { budget: 1e9 }); // warm-up (compile and JIT)
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = runSandbox(src, {}, { budget: 1e9 });
    times.push(performance.now() - t0);
    if (r.stop.kind !== 'done') throw new Error('bench: the C loop did not finish');
  }
  times.sort((a, b) => a - b);
  const statements = 4 * n;
  return { statementsPerSecond: statements / (times[2] / 1000), statements, millis: times[2] };
}

const DRIVER_INF = `[Defines]
  INF_VERSION = 0x00010005
  BASE_NAME = BenchSmm
  FILE_GUID = 6D6B8E00-0000-4000-8000-000000000001
  MODULE_TYPE = DXE_SMM_DRIVER
  ENTRY_POINT = BenchEntry
[Sources]
  BenchSmm.c
[Protocols]
  gEfiSmmCpuProtocolGuid
[Depex]
  gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuProtocolGuid
`;

const DRIVER_C = `#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/BaseLib.h>
#include <Library/BaseMemoryLib.h>
#include <Library/IoLib.h>
#include <Library/MemoryAllocationLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Library/SmmMemLib.h>
#include <Protocol/SmmCpu.h>
#include <Protocol/SmmSwDispatch2.h>
#include <IndustryStandard/Q35MchIch9.h>

EFI_HANDLE  mHandle;

EFI_STATUS
EFIAPI
BenchHandler (IN EFI_HANDLE DispatchHandle, IN CONST VOID *Context, IN OUT VOID *CommBuffer, IN OUT UINTN *CommBufferSize)
{
  UINT8  Command;

  gSmst->SmmIo.Io.Read (&gSmst->SmmIo, SMM_IO_UINT8, ICH9_APM_CNT, 1, &Command);
  if (Command != 0x5A) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }
  return EFI_SUCCESS;
}

EFI_STATUS
EFIAPI
BenchEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  return gSmst->SmiHandlerRegister (BenchHandler, NULL, &mHandle);
}
`;

/** Median ms to preprocess, parse and link a driver that includes 11 shipped headers (the headers' tokens cached after the first). */
export function cCompileMillis(): { millis: number; coldMillis: number } {
  const src = (k: number) => ({ inf: { name: 'BenchSmm.inf', text: DRIVER_INF }, files: [{ name: 'BenchSmm.c', text: DRIVER_C + `\n// ${k}\n` }] });
  const t0 = performance.now();
  compileCModule(src(0));
  const coldMillis = performance.now() - t0;
  const times: number[] = [];
  for (let i = 1; i <= 7; i++) {
    const t = performance.now();
    compileCModule(src(i));
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { millis: times[3], coldMillis };
}

/**
 * µs per `smi 0x05 --run` with and without a C root handler that reads 0xB2 and answers QUIESCED:
 * the two sessions alternate in short rounds (load from other processes hits both alike), each
 * figure the median round, the difference the median of the rounds' differences.
 */
export function cHandlerCost(cpus: number, millis: number, rounds = 5): { withoutUs: number; withUs: number; deltaUs: number } {
  const time = (s: Session, ms: number) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 50; i++) s.exec('smi 0x05 --run');
      n += 50;
    }
    return ((performance.now() - t0) * 1000) / n;
  };
  const plain = Session.create({ cpus });
  const withC = Session.create({ cpus });
  withC.workspace = { read: (p) => (p === 'B/BenchSmm.inf' ? DRIVER_INF : p === 'B/BenchSmm.c' ? DRIVER_C : null), list: () => [] };
  withC.exec('load B/BenchSmm.inf');
  for (let i = 0; i < 100; i++) {
    plain.exec('smi 0x05 --run');
    withC.exec('smi 0x05 --run');
  }
  const a: number[] = [];
  const b: number[] = [];
  const d: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const x = time(plain, millis / rounds / 2);
    const y = time(withC, millis / rounds / 2);
    a.push(x);
    b.push(y);
    d.push(y - x);
  }
  return { withoutUs: median(a), withUs: median(b), deltaUs: median(d) };
}

/**
 * µs per call of OVMF's root handler CpuHotplugMmi alone, as SmiManage makes it (the handler's
 * generator drained; CPU0 in SMM on a booted 2-CPU machine): the SMM-C handler the platform runs,
 * and the TypeScript one it replaced (CpuHotplugSmm.ts), in alternating rounds, medians.
 */
export function cHandlerCallCost(millis: number, rounds = 9): { cUs: number; tsUs: number } {
  const s = Session.create({ cpus: 2 });
  const m = s.m;
  const mod = m.s.modules.find((x) => x.name === 'CpuHotplugSmm')!;
  const fw = { m, mod, cpu: 0 };
  m.s.cpus[0].inSmm = true; // the C frames go on CPU0's SMM stack, as in an SMI
  const handle = Number(mod.globals.mDispatchHandle);
  const inC = m.defs.get('CpuHotplugSmm')!.handlers.CpuHotplugMmi;
  const inTs = CpuHotplugSmm.handlers.CpuHotplugMmi;
  const call = (h: typeof inC) => () => {
    const g = h(fw, handle, 0, 0, null);
    while (!g.next().done) {
      /* drain */
    }
  };
  const c = call(inC);
  const t = call(inTs);
  for (let i = 0; i < 20000; i++) {
    c();
    t();
  }
  const time = (fn: () => void, ms: number) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
    }
    return ((performance.now() - t0) * 1000) / n;
  };
  const cs: number[] = [];
  const ts: number[] = [];
  for (let r = 0; r < rounds; r++) {
    cs.push(time(c, millis / rounds / 2));
    ts.push(time(t, millis / rounds / 2));
  }
  return { cUs: median(cs), tsUs: median(ts) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
