/**
 * A module's translation units to one image, as the edk2 build's link step and PiSmmCore's
 * loader would leave it in SMRAM: a header page, .text (each C function at its own address, then a
 * stub for each library function the module calls), .data (initialised globals and string
 * literals, the library and AutoGen globals such as gSmst and the GUIDs), .bss (zeroed globals).
 * OVMF builds SMM drivers with 4 KiB section alignment (smm-c-facts §4.2), so each section starts
 * on a page. Every symbol a unit uses but no unit defines must come from the link environment
 * (the firmware's libraries); anything else is ld's "undefined reference".
 */

import type { Node, Obj, Program, Val } from './Ast';
import { CDiagnostic } from './Source';
import type { FnCode } from './FnCode';
import { compileFunction, type LoweredFn, lowerFunction } from './Lower';
import type { NativeCallable } from './Thread';
import { OP_BYTES } from './FnCode';

export const IMAGE_ALIGN = 0x1000;

/** What the firmware's libraries and AutoGen supply for a symbol the module does not define. */
export type ExternalDef =
  /**
   * `inline`: the same function run at once inside the run loop (it never yields an event and
   * never stops the CPU), so a call costs no stop; `ctx` is the run's context (CThread.ctx).
   */
  | { kind: 'function'; impl: unknown; inline?: (ctx: unknown, args: Val[]) => Val }
  /** A global the library or AutoGen defines in the module's image: its initial bytes (the loader's constructors may fill it later). */
  | { kind: 'data'; bytes: Uint8Array };

export interface LinkEnv {
  external(name: string, decl: Obj): ExternalDef | null;
}

export interface ImageSection {
  name: '.hdr' | '.text' | '.data' | '.bss';
  base: number;
  size: number;
}

export interface ImageSymbol {
  name: string;
  address: number;
  size: number;
  obj: Obj;
  /** 'data' for library / AutoGen data, 'native' for a library function stub. */
  origin: 'c' | 'data' | 'native';
}

export interface LinkedImage {
  base: number;
  size: number;
  sections: ImageSection[];
  functions: FnCode[];
  /** The C functions by name (file-static ones too: the first of a name) and by entry address. */
  fnByName: Map<string, FnCode>;
  fnByAddress: Map<number, FnCode>;
  /** Library function stubs in .text, by address. */
  natives: Map<number, NativeCallable>;
  /** Every symbol the image holds, by name (file-static ones as `File.c:name`). */
  symbols: Map<string, ImageSymbol>;
  /** What the loader copies into the image (everything else is zero). */
  chunks: { address: number; bytes: Uint8Array }[];
}

function referenced(programs: Program[]): Set<Obj> {
  const out = new Set<Obj>();
  const seen = new Set<Node>();
  const walk = (n: Node | null): void => {
    if (!n || seen.has(n)) return;
    seen.add(n);
    if (n.obj) out.add(n.obj);
    walk(n.lhs);
    walk(n.rhs);
    walk(n.cond);
    walk(n.then);
    walk(n.els);
    walk(n.init);
    walk(n.inc);
    walk(n.callee);
    for (const a of n.args) walk(a);
    for (const b of n.body) walk(b);
  };
  const visitObj = (o: Obj) => {
    for (const r of o.relocs) out.add(r.target);
  };
  for (const p of programs) {
    for (const f of p.functions) walk(f.body);
    for (const g of p.globals) visitObj(g);
  }
  // Globals referenced only from other globals' initialisers, transitively.
  let grew = true;
  while (grew) {
    grew = false;
    for (const o of [...out]) {
      for (const r of o.relocs) {
        if (!out.has(r.target)) {
          out.add(r.target);
          grew = true;
        }
      }
    }
  }
  return out;
}

const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

/** Links `programs` (one per .c file, in [Sources] order) into an image at `base`. Throws CDiagnostic. */
export function link(programs: Program[], env: LinkEnv, base: number): LinkedImage {
  // 1. Definitions: external names are module-wide; statics stay in their file.
  const defs = new Map<string, Obj>();
  const fileOf = new Map<Obj, string>();
  for (const p of programs) {
    for (const g of p.globals) {
      if (!g.isDefinition) continue;
      fileOf.set(g, g.loc.file.name);
      if (g.isStatic) continue;
      const prev = defs.get(g.name);
      if (prev && prev !== g) throw new CDiagnostic(g.loc, `multiple definition of '${g.name}' (first defined at ${prev.loc.file.name}:${prev.loc.line})`);
      defs.set(g.name, g);
    }
  }
  const used = referenced(programs);
  // The entry points are looked up by name later; keep every function definition.
  for (const p of programs) for (const f of p.functions) used.add(f);

  // 2. Resolve every used declaration to a definition or an external.
  const target = new Map<Obj, Obj>();
  const externals = new Map<string, { decl: Obj; def: ExternalDef }>();
  for (const o of used) {
    if (o.isLocal) continue;
    if (o.isDefinition) {
      target.set(o, o);
      continue;
    }
    const d = defs.get(o.name);
    if (d) {
      target.set(o, d);
      continue;
    }
    let ext = externals.get(o.name);
    if (!ext) {
      const def = env.external(o.name, o);
      if (!def) throw new CDiagnostic(o.loc, `undefined reference to '${o.name}'`);
      if ((def.kind === 'function') !== o.isFunction) throw new CDiagnostic(o.loc, `'${o.name}' is declared as a ${o.isFunction ? 'function' : 'variable'} but the library defines a ${def.kind === 'function' ? 'function' : 'variable'}`);
      ext = { decl: o, def };
      externals.set(o.name, ext);
    }
    target.set(o, ext.decl);
  }

  // 3. Layout.
  const symbols = new Map<string, ImageSymbol>();
  const addr = new Map<Obj, number>();
  const symName = (o: Obj) => (o.isStatic ? `${fileOf.get(o) ?? o.loc.file.name}:${o.name}` : o.name);
  const sections: ImageSection[] = [{ name: '.hdr', base, size: IMAGE_ALIGN }];
  let cur = base + IMAGE_ALIGN;
  const textBase = cur;
  const lowered: LoweredFn[] = [];
  for (const p of programs) {
    for (const f of p.functions) {
      const lf = lowerFunction(f);
      lowered.push(lf);
      addr.set(f, cur);
      const size = alignUp(Math.max(lf.ir.length * OP_BYTES, 16), 16);
      symbols.set(symName(f), { name: f.name, address: cur, size, obj: f, origin: 'c' });
      cur += size;
    }
  }
  const natives = new Map<number, NativeCallable>();
  for (const [name, e] of externals) {
    if (e.def.kind !== 'function') continue;
    addr.set(e.decl, cur);
    natives.set(cur, { kind: 'native', name, impl: e.def.impl, inline: e.def.inline });
    symbols.set(name, { name, address: cur, size: 16, obj: e.decl, origin: 'native' });
    cur += 16;
  }
  sections.push({ name: '.text', base: textBase, size: alignUp(cur - textBase, IMAGE_ALIGN) });
  cur = textBase + alignUp(cur - textBase, IMAGE_ALIGN);

  const chunks: { address: number; bytes: Uint8Array }[] = [];
  const chunkObj = new Map<{ address: number; bytes: Uint8Array }, Obj>();
  const dataBase = cur;
  const place = (o: Obj, bytes: Uint8Array | null, origin: ImageSymbol['origin']) => {
    cur = alignUp(cur, Math.max(o.ty.align, 1));
    addr.set(o, cur);
    const size = Math.max(o.ty.size, bytes?.length ?? 0, 1);
    symbols.set(symName(o), { name: o.name, address: cur, size, obj: o, origin });
    if (bytes) {
      const c = { address: cur, bytes: bytes.slice() };
      chunks.push(c);
      if (origin === 'c') chunkObj.set(c, o);
    }
    cur += size;
  };
  const dataObjs: Obj[] = [];
  const bssObjs: Obj[] = [];
  for (const o of target.values()) {
    if (o.isFunction || addr.has(o) || externals.get(o.name)?.decl === o) continue;
    if (o.init && o.init.some((b) => b !== 0)) dataObjs.push(o);
    else if (o.relocs.length) dataObjs.push(o);
    else bssObjs.push(o);
  }
  const uniq = (xs: Obj[]) => [...new Set(xs)];
  for (const o of uniq(dataObjs)) place(o, o.init ?? new Uint8Array(o.ty.size), 'c');
  for (const [, e] of externals) if (e.def.kind === 'data') place(e.decl, e.def.bytes, 'data');
  sections.push({ name: '.data', base: dataBase, size: alignUp(Math.max(cur - dataBase, 1), IMAGE_ALIGN) });
  cur = dataBase + alignUp(Math.max(cur - dataBase, 1), IMAGE_ALIGN);
  const bssBase = cur;
  for (const o of uniq(bssObjs)) place(o, null, 'c');
  if (cur > bssBase) {
    sections.push({ name: '.bss', base: bssBase, size: alignUp(cur - bssBase, IMAGE_ALIGN) });
    cur = bssBase + alignUp(cur - bssBase, IMAGE_ALIGN);
  }

  const addressOf = (o: Obj): number => {
    const t = target.get(o) ?? o;
    const a = addr.get(t);
    if (a === undefined) throw new CDiagnostic(o.loc, `SMM-C internal error: no address for '${o.name}'`);
    return a;
  };

  // 4. Relocations in the initialised data.
  for (const c of chunks) {
    const obj = chunkObj.get(c);
    if (!obj) continue;
    for (const r of obj.relocs) {
      const v = BigInt(addressOf(r.target) + r.addend);
      for (let i = 0; i < 8; i++) c.bytes[r.offset + i] = Number((v >> BigInt(8 * i)) & 0xffn);
    }
  }

  // 5. Code, now that every address is known.
  const functions = lowered.map((lf) => {
    const offsets = new Map(lf.slots.map((s) => [s.obj, s.offset]));
    return compileFunction(lf, { localOffset: (o) => offsets.get(o) ?? missingLocal(o), globalAddress: addressOf }, addr.get(lf.obj)!);
  });
  const fnByName = new Map<string, FnCode>();
  for (const f of functions) if (!fnByName.has(f.name)) fnByName.set(f.name, f);
  const fnByAddress = new Map(functions.map((f) => [f.address, f]));
  return { base, size: cur - base, sections, functions, fnByName, fnByAddress, natives, symbols, chunks };
}

function missingLocal(o: Obj): never {
  throw new CDiagnostic(o.loc, `SMM-C internal error: '${o.name}' has no frame slot`);
}
