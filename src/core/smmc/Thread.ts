/**
 * One CPU running C: a chain of frames, and the loop that runs their operations. The loop stops
 * (returns a Stop) when the outermost function returns, when C calls something that is not C (a
 * firmware service: the caller runs it and hands the result back with resume()), when an
 * operation faults, when the slice's budget of operations is spent, or when the debugger's check
 * says so at the start of a statement. Stopping costs nothing: the frame knows where it is, so
 * run() simply carries on from there.
 */

import type { Val } from './Ast';
import { type FnCode, Frame, OP_BYTES, SIG_CALL, SIG_RET } from './FnCode';
import { CFault, type FaultInfo, MEM } from './MemPort';
import { reprOf, store } from './Repr';

/** What an address in the code of the machine is, as far as a call is concerned. */
export type Callable = { kind: 'c'; fn: FnCode } | NativeCallable;

/** A function the model implements (a firmware service, a library function): `impl` is the firmware layer's. */
export interface NativeCallable {
  kind: 'native';
  name: string;
  impl: unknown;
  /** A function that never yields runs at once in the loop, with the thread's ctx (no stop). */
  inline?: (ctx: unknown, args: Val[]) => Val;
}

export type CallResolver = (addr: Val) => Callable | null;

export type Stop =
  | { kind: 'done'; value: Val }
  | { kind: 'native'; target: NativeCallable; args: Val[] }
  | { kind: 'fault'; fault: FaultInfo }
  | { kind: 'budget' }
  | { kind: 'break' };

/** Decides, at the start of each statement, whether to stop there (breakpoints, line steps). */
export type StatementCheck = (t: CThread, f: Frame) => boolean;

export class CThread {
  frame: Frame | null = null;
  /** Operations this thread has run. */
  steps = 0;
  /** The value the outermost function returned. */
  result: Val = 0;
  /** Set while the debugger wants to look at every statement; null runs at full speed. */
  check: StatementCheck | null = null;
  /** Frames deep (for `step over` / `step out`). */
  depth = 0;
  /** Set after a 'break' stop: the next run() does not check the statement it stopped at again. */
  skipCheck = false;
  /** The firmware functions that called the outermost C frame, innermost first (for a backtrace). */
  callers: string[] = [];
  /** What inline natives get (the firmware's context for this CPU). */
  ctx: unknown = null;

  constructor(
    private resolve: CallResolver,
    /** The first byte above the stack (frames grow down from here). */
    public stackTop: number,
    /** The lowest address a frame may use: below it is the guard page. */
    public stackLimit: number,
    /** What the outermost frame's return address says (the firmware code that called the C function). */
    public returnAddress: number,
    /** The CPU it runs on (the firmware's business; the loop does not look at it). */
    public cpu = 0,
  ) {}

  /**
   * Makes a thread that has finished (or faulted) new again for another call, as the constructor
   * would (a thread is a CPU's registers, nothing the machine keeps: the runtime reuses them).
   */
  reset(resolve: CallResolver, stackTop: number, stackLimit: number, returnAddress: number, cpu: number): void {
    this.resolve = resolve;
    this.stackTop = stackTop;
    this.stackLimit = stackLimit;
    this.returnAddress = returnAddress;
    this.cpu = cpu;
    this.frame = null;
    this.steps = 0;
    this.result = 0;
    this.check = null;
    this.depth = 0;
    this.skipCheck = false;
    this.callers = [];
    this.ctx = null;
  }

  /** Enters `fn` with `args` (already converted to the parameter types; structs as their address). */
  start(fn: FnCode, args: Val[]): void {
    this.enter(fn, args, null, this.returnAddress);
  }

  /** The result of the native call the last run() stopped at. */
  resume(value: Val): void {
    const f = this.frame!;
    f.t[f.callDst] = value;
  }

  /** The instruction address of frame `f` (what RIP would say). */
  static ip(f: Frame): number {
    return f.fn.address + f.pc * OP_BYTES;
  }

  private enter(fn: FnCode, args: Val[], caller: Frame | null, retAddr: number): void {
    const top = caller ? caller.sp : this.stackTop;
    // The call pushes the return address, the prologue pushes RBP and makes room for the locals.
    const bp = top - 16;
    const sp = (bp - fn.frameSize) & ~15;
    if (sp < this.stackLimit) {
      throw new CFault({ vector: 14, address: Math.max(sp, this.stackLimit - 8), access: 'write', message: 'SMM stack overflow!' });
    }
    // The stack is in SMRAM above the guard page checked above: no access check to make.
    MEM.rawSet64(top - 8, retAddr);
    MEM.rawSet64(bp, caller ? caller.bp : 0);
    const f = new Frame(fn, bp, sp, caller);
    const ps = fn.params;
    for (let i = 0; i < ps.length && i < args.length; i++) {
      const p = ps[i];
      const r = reprOf(p.obj.ty);
      if (r === 'u64' || r === 'i64') MEM.rawSet64(bp + p.offset, args[i]); // the frame is on the stack, checked above
      else if (r === null) MEM.copy(bp + p.offset, args[i], p.obj.ty.size);
      else store(MEM, r, bp + p.offset, args[i]);
    }
    this.frame = f;
    this.depth++;
  }

  /** Runs until a Stop; `budget` bounds the operations of this slice. */
  run(budget: number): Stop {
    const first = this.frame;
    if (!first) return { kind: 'done', value: this.result };
    let f: Frame = first;
    let ops = f.fn.ops;
    let pc = f.pc;
    let n = 0;
    const check = this.check;
    let skip = this.skipCheck;
    this.skipCheck = false;
    try {
      for (;;) {
        if (n >= budget) {
          f.pc = pc;
          this.steps += n;
          return { kind: 'budget' };
        }
        if (check !== null && f.fn.stmtStart[pc] === 1) {
          f.pc = pc;
          if (skip) skip = false;
          else if (check(this, f)) {
            this.steps += n;
            return { kind: 'break' };
          }
        }
        n++;
        const next = ops[pc](f);
        if (next >= 0) {
          pc = next;
          continue;
        }
        if (next === SIG_CALL) {
          f.pc = pc + 1;
          const target = this.resolve(f.callAddr);
          if (target === null) {
            f.pc = pc;
            this.steps += n;
            return { kind: 'fault', fault: { vector: 14, address: f.callAddr, access: 'fetch', message: null } };
          }
          if (target.kind === 'native') {
            if (target.inline !== undefined) {
              f.t[f.callDst] = target.inline(this.ctx, f.callArgs);
              pc++;
              continue;
            }
            this.steps += n;
            return { kind: 'native', target, args: f.callArgs };
          }
          this.enter(target.fn, f.callArgs, f, CThread.ip(f));
          f = this.frame!;
          ops = f.fn.ops;
          pc = 0;
          continue;
        }
        // SIG_RET
        const value = f.ret;
        const caller = f.caller;
        this.depth--;
        if (caller === null) {
          this.frame = null;
          this.result = value;
          this.steps += n;
          return { kind: 'done', value };
        }
        caller.t[caller.callDst] = value;
        this.frame = f = caller;
        ops = f.fn.ops;
        pc = f.pc;
      }
    } catch (e) {
      if (!(e instanceof CFault)) throw e;
      if (this.frame) this.frame.pc = this.frame === f ? pc : this.frame.pc;
      this.steps += n;
      return { kind: 'fault', fault: e.info };
    }
  }
}
