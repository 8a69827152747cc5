/**
 * What a source debugger reads of running SMM-C code: the call stack with the firmware frames
 * around the C frames, and the locals of a frame decoded from their bytes on the SMM stack.
 */

import { readBytes } from '../machine/Memory';
import type { Machine } from '../pi/Platform';
import type { Frame } from '../smmc/FnCode';
import { formatValue, typeText } from '../smmc/Format';
import { CThread } from '../smmc/Thread';
import { activeCThreads, cCodeAt } from './CRun';
import { efiStatusName } from './Status';

export interface CFrameView {
  /** 0 = innermost. */
  index: number;
  kind: 'c' | 'firmware';
  fn: string;
  module: string | null;
  file: string | null;
  line: number | null;
  /** RIP of the frame (C frames) */
  ip: number | null;
  bp: number | null;
}

export interface CVarView {
  name: string;
  type: string;
  address: number;
  size: number;
  value: string;
  param: boolean;
}

function peekOf(m: Machine) {
  return (a: number, len: number) => readBytes(m.s.mem, a, len);
}

const statusName = (v: number | bigint) => efiStatusName(v);

/** Every C frame running on machine `m`, innermost first, with the firmware frames that called C. */
export function cBacktrace(m: Machine): CFrameView[] {
  const out: CFrameView[] = [];
  const threads = activeCThreads(m);
  for (let ti = threads.length - 1; ti >= 0; ti--) {
    const t = threads[ti];
    for (let f = t.frame; f !== null; f = f.caller) {
      const loc = f.fn.locs[f.pc] ?? f.fn.locs[f.fn.locs.length - 1];
      out.push({ index: out.length, kind: 'c', fn: f.fn.name, module: cCodeAt(m, f.fn.address)?.module.name ?? null, file: loc.file.name, line: loc.line, ip: CThread.ip(f), bp: f.bp });
    }
    for (const name of t.callers) out.push({ index: out.length, kind: 'firmware', fn: name, module: null, file: null, line: null, ip: null, bp: null });
  }
  return out;
}

/** The C frame `index` of cBacktrace (firmware frames have none). */
export function cFrameAt(m: Machine, index: number): Frame | null {
  let k = 0;
  const threads = activeCThreads(m);
  for (let ti = threads.length - 1; ti >= 0; ti--) {
    const t = threads[ti];
    for (let f = t.frame; f !== null; f = f.caller) {
      if (k === index) return f;
      k++;
    }
    k += t.callers.length;
  }
  return null;
}

/** The parameters and locals of frame `f`, decoded from the stack bytes. */
export function cLocals(m: Machine, f: Frame): CVarView[] {
  const peek = peekOf(m);
  const params = new Set(f.fn.params.map((p) => p.obj));
  return f.fn.slots.map((s) => {
    const address = f.bp + s.offset;
    return {
      name: s.obj.name,
      type: typeText(s.obj.ty),
      address,
      size: s.obj.ty.size,
      value: formatValue(s.obj.ty, address, peek, statusName),
      param: params.has(s.obj),
    };
  });
}
