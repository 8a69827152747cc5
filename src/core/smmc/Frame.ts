/**
 * A C call frame as the run loop sees it. The frame's bytes (parameters, locals, the saved frame
 * pointer and the return address) are in SMRAM on the executing CPU's SMM stack; this object keeps
 * only what a CPU keeps in registers: the frame pointer, the stack pointer, where it is in the
 * function, and the results of calls it made (a compiler's temporaries).
 */

import type { Val } from './Ast';
import type { FnCode } from './FnCode';

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
    this.t = new Array<Val>(fn.temps).fill(0);
  }
}
