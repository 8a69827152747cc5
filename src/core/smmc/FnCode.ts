/**
 * A compiled C function: a flat list of operations (closures), each of which runs one piece of a
 * statement and returns the index of the next, so the run loop can stop between any two of them
 * (a call into a firmware service, a breakpoint, a line step, the end of a time slice) and go on
 * later without a generator frame. Each operation has an instruction address in the module's
 * image (entry + 4 * index), which is what RIP shows in a fault dump and what the debugger maps
 * back to a source line.
 */

import type { Obj } from './Ast';
import type { Val } from './Ast';
import type { Loc } from './Source';

/** Returns the next operation's index, or a signal below zero. */
export type Op = (f: Frame) => number;

/** The operation started a call: f.callAddr, f.callArgs and f.callDst say which and where the result goes. */
export const SIG_CALL = -1;
/** The function returned f.ret. */
export const SIG_RET = -2;

/** Bytes of image per operation (the fake instruction length RIP advances by). */
export const OP_BYTES = 4;

export interface LocalSlot {
  obj: Obj;
  /** Offset from the frame base (negative: locals sit below RBP). */
  offset: number;
}

export interface FnCode {
  obj: Obj;
  name: string;
  /** The function's entry address in the module image. */
  address: number;
  ops: Op[];
  /** Source place of each operation. */
  locs: Loc[];
  /** 1 where an operation begins a statement (where a line step may stop). */
  stmtStart: Uint8Array;
  /** Bytes of locals below RBP (a multiple of 16). */
  frameSize: number;
  /** Parameters in order, then every other local, with their frame offsets. */
  slots: LocalSlot[];
  params: LocalSlot[];
  temps: number;
}

/**
 * A C call frame as the run loop sees it. The frame's bytes (parameters, locals, the saved frame
 * pointer and the return address) are in SMRAM on the executing CPU's SMM stack; this object keeps
 * only what a CPU keeps in registers: the frame pointer, the stack pointer, where it is in the
 * function, and the results of calls it made (a compiler's temporaries).
 */
/** The temporaries of a function that has none (shared: nothing is ever stored in it). */
const NO_TEMPS: Val[] = [];

export class Frame {
  /** Index of the next operation of fn.ops to run. */
  pc = 0;
  /** Call results (and the other temporaries lowering creates), by index. */
  readonly t: Val[];
  /** The value a `return` left. */
  ret: Val = 0;
  /** A call in progress: the callee's address, its arguments, and the temporary that gets its result. */
  callAddr: Val = 0;
  callArgs: Val[] = [];
  callDst = -1;

  constructor(
    readonly fn: FnCode,
    /** Frame base (RBP): locals live below it, the saved RBP at it, the return address above. */
    readonly bp: number,
    /** The lowest address the frame uses (RSP after the prologue). */
    readonly sp: number,
    readonly caller: Frame | null,
  ) {
    this.t = fn.temps === 0 ? NO_TEMPS : new Array<Val>(fn.temps).fill(0);
  }
}
