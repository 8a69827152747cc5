/**
 * A compiled C function: a flat list of operations (closures), each of which runs one piece of a
 * statement and returns the index of the next, so the run loop can stop between any two of them
 * (a call into a firmware service, a breakpoint, a line step, the end of a time slice) and go on
 * later without a generator frame. Each operation has an instruction address in the module's
 * image (entry + 4 * index), which is what RIP shows in a fault dump and what the debugger maps
 * back to a source line.
 */

import type { Obj } from './Ast';
import type { Frame } from './Frame';
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
