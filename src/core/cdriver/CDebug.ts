/**
 * What a source debugger reads of running SMM-C code: the call stack with the firmware frames
 * around the C frames, and the locals of a frame decoded from their bytes on the SMM stack.
 */

import { readBytes } from '../machine/Memory';
import type { Machine } from '../pi/Platform';
import type { Frame } from '../smmc/FnCode';
import { formatValue, typeText } from '../smmc/Format';
import { CThread } from '../smmc/Thread';
import { activeCThreads, cCodeAt, cModuleOf } from './CRun';
import { memOf } from './CMem';
import { type EvalResult, evaluateC, localsInScope } from '../smmc/Evaluate';
import { CDiagnostic } from '../smmc/Source';
import { CFault } from '../smmc/MemPort';
import { hexVal } from '../smmc/Values';
import type { Obj } from '../smmc/Ast';
import { efiStatusName } from '../lib/EfiStatus';

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
      value: formatValue(s.obj.ty, address, peek, efiStatusName),
      param: params.has(s.obj),
    };
  });
}

/**
 * `print EXPR` in C frame `index`: the expression in the scope of that function's file and the
 * locals in scope at its line, read from memory. Throws CDiagnostic (a parse error, a refused
 * side effect) or CFault (an address that cannot be read).
 */
export function cPrint(m: Machine, index: number, text: string): EvalResult {
  const f = cFrameAt(m, index);
  const at = f ? cCodeAt(m, f.fn.address) : null;
  const code = at ? cModuleOf(m.defs.get(at.module.name)) : undefined;
  if (!f || !at?.image || !code) throw new CDiagnostic(null, 'no C code is running');
  const loc = f.fn.locs[f.pc];
  const program = code.programs.find((p) => p.functions.includes(f.fn.obj));
  if (!program?.scope) throw new CDiagnostic(null, `no scope for ${f.fn.name}`);
  const image = at.image;
  const addrOf = new Map<Obj, number>();
  for (const sym of image.symbols.values()) addrOf.set(sym.obj, sym.address);
  const byName = (o: Obj) => image.symbols.get(o.name)?.address ?? image.symbols.get(`${o.loc.file.name}:${o.name}`)?.address ?? null;
  memOf(m);
  return evaluateC(text, {
    frame: f,
    locals: localsInScope(f.fn.obj.locals, f.fn.obj.params, loc),
    scope: program.scope,
    globalAddress: (o) => addrOf.get(o) ?? byName(o),
    peek: (a, len) => {
      // The debugger reads any mapped byte (locked pages too); nothing exists above the address width.
      if (a < 0 || a + len > 2 ** m.s.config.physAddressBits) throw new CFault({ vector: 14, address: a, access: 'read', message: 'beyond the physical address width' });
      return readBytes(m.s.mem, a, len);
    },
    statusName: efiStatusName,
  });
}

/** cPrint, with its refusals and unreadable addresses as an error text instead of an exception. */
export function cEval(m: Machine, index: number, text: string): EvalResult | { error: string } {
  try {
    return cPrint(m, index, text);
  } catch (e) {
    if (e instanceof CDiagnostic) return { error: e.loc && e.loc.file.name === '<print>' ? `column ${e.loc.col}: ${e.message}` : e.message };
    if (e instanceof CFault) return { error: `cannot read memory at ${hexVal(e.info.address)}${e.info.message ? ` (${e.info.message})` : ''}` };
    throw e;
  }
}
