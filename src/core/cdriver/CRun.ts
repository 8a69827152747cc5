/**
 * Running SMM-C code inside the firmware model. The C run loop (smmc/Thread) goes until it calls
 * something that is not C; then this generator runs that firmware service (whose events reach the
 * debugger like every other firmware event) and hands the result back. Faults print what OVMF
 * prints and dead-loop the CPU; a function that never returns spends the per-SMI budget of
 * statements and is reported hung at its line, with the machine still usable (reset works).
 *
 * Stacks (smm-c-facts §5.1): C frames sit on the executing CPU's SMI stack, below room left for
 * the firmware frames that called it (SmiRendezvous > BSPHandler > SmmEntryPoint > MmiManage);
 * code that runs before PiSmmCpuDxeSmm has allocated the SMM stacks uses the DXE stack in
 * boot-services data, as drivers dispatched then do.
 */

import { CpuDeadLoop, ev, type Gen, type TraceEvent } from '../pi/Fw';
import type { Fw, Machine, ModuleDef, NativeImpl, NativeOut } from '../pi/Platform';
import { nativeAt } from '../pi/Native';
import type { ModuleRecord } from '../pi/ModuleRecord';
import type { Program, Val } from '../smmc/Ast';
import { type FnCode, type Frame } from '../smmc/FnCode';
import type { LinkedImage } from '../smmc/Link';
import { CFault, MEM } from '../smmc/MemPort';
import { type Callable, type CallResolver, CThread, type StatementCheck } from '../smmc/Thread';
import { smmAccessPolicy } from './AccessPolicy';
import { type CDebugHook, cDebugHook, cStopEvent } from './CHook';
import { type FaultContext, reportFault } from './FaultReport';

/** A firmware service or library function C can call: C arguments in, C return value out (pi/Platform). */
export type { NativeImpl } from '../pi/Platform';

/** An SMM-C module as the firmware sees it: its image at a load address. */
export interface CModuleCode {
  name: string;
  /** The CodeView path the build would record (what fault dumps print). */
  pdbPath: string;
  /** The image linked at `base` (the same object for the same base). */
  image(base: number): LinkedImage;
  /** The C function of ENTRY_POINT. */
  entryPoint: string;
  /** The module's translation units (their file scopes are where `print` parses). */
  programs: readonly Program[];
}

const C_MODULES = new WeakMap<ModuleDef, CModuleCode>();

export function registerCModule(def: ModuleDef, code: CModuleCode): void {
  C_MODULES.set(def, code);
}

export function cModuleOf(def: ModuleDef | undefined): CModuleCode | undefined {
  return def ? C_MODULES.get(def) : undefined;
}


/** Statements one CPU may run in one SMI before the model calls it hung (a model choice: about a second of C at full speed). */
export const SMI_STATEMENT_BUDGET = 20_000_000;
/** Statements per slice: a long-running handler reports progress (and lets the page breathe) this often. */
export const C_SLICE = 1 << 18;
/** What a progress event of one slice weighs for a host's slicing (debug/Debugger advance): about the time of that many ordinary events. */
export const C_SLICE_COST = 1000;
/** Stack left for the firmware frames between the SMI entry and the first C frame. */
const FIRMWARE_FRAMES = 0x200;

export interface CodeAtAddress {
  module: ModuleRecord;
  image: LinkedImage | null;
  fn: FnCode | null;
}

/** Per machine state: the C images of loaded modules, by address range (found once, then looked up). */
const IMAGES = new WeakMap<object, { lo: number; hi: number; module: ModuleRecord; image: LinkedImage | null }[]>();

function imagesOf(m: Machine): { lo: number; hi: number; module: ModuleRecord; image: LinkedImage | null }[] {
  let list = IMAGES.get(m.s.modules);
  if (!list) {
    list = [];
    for (const rec of m.s.modules) {
      if (rec.imageBase === 0) continue;
      const code = cModuleOf(m.defs.get(rec.name));
      list.push({ lo: rec.imageBase, hi: rec.imageBase + rec.imageSize, module: rec, image: code ? code.image(rec.imageBase) : null });
    }
    // Modules load (get an image base) during the boot: remember the list only once they all have.
    if (m.s.stage === 'os') IMAGES.set(m.s.modules, list);
  }
  return list;
}

/** The loaded C module whose image holds `addr`, and the C function there (null if none). */
export function cCodeAt(m: Machine, addr: number): CodeAtAddress | null {
  for (const e of imagesOf(m)) {
    if (addr < e.lo || addr >= e.hi) continue;
    if (!e.image) return { module: e.module, image: null, fn: null };
    let fn = e.image.fnByAddress.get(addr) ?? null;
    if (fn === null) fn = e.image.functions.find((f) => addr >= f.address && addr < f.address + Math.max(f.ops.length * 4, 16)) ?? null;
    return { module: e.module, image: e.image, fn };
  }
  return null;
}

const RESOLVERS = new WeakMap<Machine, (addr: Val) => Callable | null>();

/** What a call to `addr` reaches on `m` (one function per machine: it reads the machine as it is when asked). */
function resolver(m: Machine): (addr: Val) => Callable | null {
  let r = RESOLVERS.get(m);
  if (!r) RESOLVERS.set(m, (r = makeResolver(m)));
  return r;
}

function makeResolver(m: Machine): (addr: Val) => Callable | null {
  // Once the machine has booted its modules do not move: what an address reaches is remembered
  // (for this module list; a restored checkpoint brings another list and a fresh memory).
  let forModules: unknown = null;
  let known = new Map<number, Callable | null>();
  const find = (a: number): Callable | null => {
    const at = cCodeAt(m, a);
    if (at?.image) {
      if (at.fn && at.fn.address === a) return { kind: 'c', fn: at.fn };
      return at.image.natives.get(a) ?? null;
    }
    const n = nativeAt(m, a);
    return n ? { kind: 'native', name: n.name, impl: n.impl } : null;
  };
  return (a) => {
    if (typeof a !== 'number') return null;
    if (m.s.stage !== 'os') return find(a);
    if (forModules !== m.s.modules) {
      forModules = m.s.modules;
      known = new Map();
    }
    let c = known.get(a);
    if (c === undefined) known.set(a, (c = find(a)));
    return c;
  };
}

/**
 * A C thread the firmware runs: besides the registers, the debugger's hook while someone steps or
 * has a C breakpoint, and its place in the machine's list of running threads (for the level).
 */
class FwThread extends CThread {
  hook: CDebugHook | null = null;
  /** Index in CRuns.active while it runs. */
  index = 0;
  /** Where a one-event native leaves its event (NativeOut). */
  readonly out: NativeOut = { event: null, after: null };
  /** The statement check the loop calls while the hook is on (made once per thread, not per slice). */
  readonly hookCheck: StatementCheck = (t, f) => this.hook!.statement(t, f, this.index * 10000 + this.depth);
}

/** Per machine state: the threads running C now, and finished ones kept for the next call. */
interface CRuns {
  /** Innermost last (a service C called may call C again). */
  active: FwThread[];
  /** Threads whose call has ended: the next call takes one instead of making a new one. */
  spare: FwThread[];
  /** The machine the resolver below belongs to, and the resolver. */
  m: Machine | null;
  resolve: CallResolver | null;
}

const RUNS = new WeakMap<object, CRuns>();

function runsOf(m: Machine): CRuns {
  let r = RUNS.get(m.s);
  if (r === undefined) RUNS.set(m.s, (r = { active: [], spare: [], m: null, resolve: null }));
  if (r.m !== m) {
    r.m = m;
    r.resolve = resolver(m);
  }
  return r;
}

/** The C threads running on `m` now, outermost first. */
export function activeCThreads(m: Machine): readonly CThread[] {
  return RUNS.get(m.s)?.active ?? [];
}

/** How deep C is nested on `m` (thread index and frame depth) - what `step over` and `step out` compare. */
export function cLevel(m: Machine, t: CThread): number {
  const i = RUNS.get(m.s)?.active.indexOf(t as FwThread) ?? 0;
  return i * 10000 + t.depth;
}

/** Where the C frames of a call on `cpu` go: below the innermost C frame of that CPU, else below the SMI entry's firmware frames. */
function stackFor(m: Machine, cpu: number, active: CThread[], t: CThread): void {
  const outer = active.length ? active[active.length - 1] : undefined;
  if (outer?.frame && outer.cpu === cpu) {
    t.stackTop = outer.frame.sp - FIRMWARE_FRAMES;
    t.stackLimit = outer.stackLimit;
    return;
  }
  const st = m.s.smm.smmStacks;
  if (st && m.s.cpus[cpu]?.inSmm) {
    const base = st.base + cpu * st.size;
    // The top UINTN holds the CPU index (InstallSmiHandler); the known-good page and the guard page are below the SMI stack.
    t.stackTop = base + st.size - 8 - FIRMWARE_FRAMES;
    t.stackLimit = base + 0x2000;
    return;
  }
  const bs = m.s.config.uefiMemoryMap.find((e) => e.type === 4);
  const top = bs ? bs.base + bs.size - 0x100 : 0x7f000;
  t.stackTop = top;
  t.stackLimit = top - 0x20000;
}

let boundTo: Machine | null = null;

/**
 * Points the memory port at `m`; when it already is, makes it forget its remembered pages if the
 * memory changed under it (a service or the debugger, while C waited, copied a page or took a checkpoint).
 */
function bind(m: Machine): void {
  if (boundTo === m && MEM.mem === m.s.mem) {
    MEM.refresh();
    return;
  }
  const c = m.s.config;
  MEM.bind(m.s.mem, c.tsegBase, c.tsegBase + c.tsegSize, smmAccessPolicy(m));
  boundTo = m;
}

/** Where frame `f` is, as data. */
export function placeOf(f: Frame): { file: string; line: number; fn: string } {
  const loc = f.fn.locs[f.pc] ?? f.fn.locs[f.fn.locs.length - 1];
  return { file: loc.file.name, line: loc.line, fn: f.fn.name };
}

/** Where frame `f` is in its C source, as "File.c:42 (Function)". */
export function whereOf(f: Frame): string {
  const loc = f.fn.locs[f.pc] ?? f.fn.locs[f.fn.locs.length - 1];
  return `${loc.file.name}:${loc.line} (${f.fn.name})`;
}

/**
 * Calls C function `fn` of the module `mod` on CPU fw.cpu with `args` and returns its value.
 * `returnAddress` is the firmware code that calls it (for the stack and fault dumps).
 */
export function runC(
  fw: Fw,
  fn: FnCode,
  args: Val[] | ((scratch: number) => Val[]),
  returnAddress: number,
  after?: (scratch: number) => void,
  callers: string[] = [],
): Gen<Val> {
  return runCThen(fw, fn, args, returnAddress, callers, (value, scratch) => {
    after?.(scratch);
    return value;
  });
}

/**
 * runC, and what the firmware does with the value once C has returned (`then` also reads what the
 * caller passed by pointer at `scratch`): the caller's answer comes straight out of this generator,
 * with no generator of the caller's own around it (each event C raises passes every generator
 * between it and the debugger).
 */
export function* runCThen<T>(
  fw: Fw,
  fn: FnCode,
  args: Val[] | ((scratch: number) => Val[]),
  returnAddress: number,
  callers: string[],
  then: (value: Val, scratch: number) => T,
): Gen<T> {
  const m = fw.m;
  const runs = runsOf(m);
  const active = runs.active;
  const thread = runs.spare.pop() ?? new FwThread(runs.resolve!, 0, 0, 0);
  thread.reset(runs.resolve!, 0, 0, returnAddress, fw.cpu);
  stackFor(m, fw.cpu, active, thread);
  // Room in the caller's (firmware) frame for what it passes by pointer (SmmEntryPoint's BufferSize, a GUID).
  const scratch = thread.stackTop + 0x40;
  thread.callers = callers;
  thread.ctx = fw;
  thread.hook = null;
  thread.index = active.length;
  active.push(thread);
  try {
    bind(m);
    const argv = typeof args === 'function' ? args(scratch) : args;
    try {
      thread.start(fn, argv);
    } catch (e) {
      if (!(e instanceof CFault)) throw e;
      yield* fault(fw, thread, e.info);
    }
    let spent = 0;
    for (;;) {
      const h = cDebugHook();
      thread.hook = h;
      thread.check = h === null ? null : thread.hookCheck;
      let stop;
      try {
        stop = thread.run(C_SLICE);
      } catch (e) {
        // A library function run inline that dead-loops (FreePool's ASSERT): say where C called it.
        const f = thread.frame;
        if (e instanceof CpuDeadLoop && e.where === undefined && f) throw new CpuDeadLoop(e.cpu, e.module, `${e.message} (called at ${whereOf(f)})`, placeOf(f));
        throw e;
      }
      switch (stop.kind) {
        case 'done':
          cDebugHook()?.threadDone(thread.index * 10000 + thread.depth);
          bind(m);
          return then(stop.value, scratch);
        case 'native': {
          const caller = thread.frame!;
          // The module whose code made the call (services print its name): most often the one called.
          const a = caller.fn.address;
          const rec = a >= fw.mod.imageBase && a < fw.mod.imageBase + fw.mod.imageSize ? fw.mod : (moduleOfFn(m, caller.fn) ?? fw.mod);
          const impl = stop.target.impl as NativeImpl;
          const ctx = rec === fw.mod ? fw : { m, mod: rec, cpu: fw.cpu };
          let value: Val;
          try {
            const once = impl.once;
            if (once !== undefined) {
              // A native with one event (pi/Native.ts oneEventNative): its work, its event from here, then what it does after it.
              const out = thread.out;
              out.event = null;
              out.after = null;
              value = once(ctx, stop.args, out);
              // (read back what the call left: TypeScript still sees the nulls set above)
              const e = out.event as TraceEvent | null;
              const after = out.after as (() => Val) | null;
              out.event = null;
              out.after = null;
              if (e !== null) yield e;
              if (after !== null) value = after();
            } else {
              value = yield* impl(ctx, stop.args);
            }
          } catch (e) {
            if (e instanceof CFault) {
              yield* fault(fw, thread, e.info);
              break;
            }
            if (e instanceof CpuDeadLoop && e.where === undefined) {
              throw new CpuDeadLoop(e.cpu, e.module, `${e.message} (called at ${whereOf(caller)})`, placeOf(caller));
            }
            throw e;
          }
          thread.resume(value);
          // The service (or the debugger while it was paused) may have written memory behind the port.
          bind(m);
          break;
        }
        case 'fault':
          yield* fault(fw, thread, stop.fault);
          break;
        case 'budget': {
          spent += C_SLICE;
          const f = thread.frame!;
          if (spent >= SMI_STATEMENT_BUDGET) {
            const rec = moduleOfFn(m, f.fn) ?? fw.mod;
            const where = whereOf(f);
            yield ev('handler', fw.cpu, `${rec.name}: ${f.fn.name} has run ${grouped(spent)} C statements without returning (SmiScope's per-SMI budget): CPU${fw.cpu} is stuck in an endless loop at ${where}`);
            throw new CpuDeadLoop(fw.cpu, rec.name, `endless loop at ${where}`, placeOf(f));
          }
          const progress = ev('handler', fw.cpu, `${f.fn.name}: still running at ${whereOf(f)} (${grouped(spent)} C statements so far)`);
          progress.cost = C_SLICE_COST;
          yield progress;
          bind(m);
          break;
        }
        case 'break':
          // The debugger stops here; when it pulls again, the same statement is not checked twice.
          thread.skipCheck = true;
          yield cStopEvent(moduleOfFn(m, thread.frame!.fn)?.name ?? fw.mod.name, fw.cpu, thread.frame!);
          bind(m);
          break;
      }
    }
  } finally {
    active.pop();
    thread.hook = null;
    runs.spare.push(thread);
  }
}

function moduleOfFn(m: Machine, fn: FnCode): ModuleRecord | null {
  return cCodeAt(m, fn.address)?.module ?? null;
}

function* fault(fw: Fw, thread: CThread, info: CFault['info']): Gen<never> {
  const m = fw.m;
  const f = thread.frame;
  const at = f ? cCodeAt(m, f.fn.address) : null;
  const code = at ? cModuleOf(m.defs.get(at.module.name)) : undefined;
  const image = at?.image ?? null;
  const entry = image && code ? (image.symbols.get(code.entryPoint)?.address ?? image.base) : 0;
  const ctx: FaultContext = {
    rip: f ? CThread.ip(f) : thread.returnAddress,
    rsp: f ? f.sp : thread.stackTop,
    rbp: f ? f.bp : 0,
    returnAddress: f ? Number(MEM.r64(f.bp + 8)) : thread.returnAddress,
    imageBase: image?.base ?? 0,
    entryPoint: entry,
    pdbPath: code?.pdbPath ?? '(No PDB)',
    where: f ? whereOf(f) : 'the call',
  };
  const summary = reportFault(fw, info, ctx);
  const name = at?.module.name ?? fw.mod.name;
  yield ev('handler', fw.cpu, `${name}: CPU exception on CPU${fw.cpu}: ${summary}. The handler prints the dump and calls CpuDeadLoop (): the CPU never leaves SMM`);
  throw new CpuDeadLoop(fw.cpu, name, summary, f ? placeOf(f) : undefined);
}

/** 1048576 -> "1,048,576" (no locale: the core is deterministic). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
