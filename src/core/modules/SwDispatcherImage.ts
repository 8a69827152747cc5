/**
 * Reading a SW SMI dispatcher's children out of its SMM-C image: where a loaded C module's globals
 * are (the linked image's symbol table), the layout the compiler gave its C types (struct member
 * offsets), UINT64s in SMRAM, and the SwRegistration a DispatchFunction pointer makes. The
 * dispatchers' decoders (GenericSwDispatcher.ts, PchSmiDispatcher.ts) walk their own data
 * structures with these, so what `handlers`, `state --json` and the Handlers panel list is what the
 * C code wrote - and changes when it does.
 */

import { cModuleOf, type CModuleCode } from '../cdriver/CRun';
import { read32 } from '../machine/Memory';
import { hex } from '../pi/Fw';
import { functionAt, moduleAt } from '../pi/Native';
import type { Machine, SwRegistration } from '../pi/Platform';
import type { CType, Member } from '../smmc/Ast';
import type { ImageSymbol } from '../smmc/Link';

/** A loaded SMM-C module: its C code and the image linked where the dispatcher loaded it. */
export interface LoadedCImage {
  code: CModuleCode;
  base: number;
}

/** The C image of module `name` when it is loaded (an image in SMRAM that is not failed, unloaded or still waiting on its depex). */
export function loadedCImage(m: Machine, name: string): LoadedCImage | null {
  const rec = m.s.modules.find((r) => r.name === name);
  if (!rec || rec.imageBase === 0 || rec.state === 'failed' || rec.state === 'unloaded' || rec.state === 'dependent') return null;
  const code = cModuleOf(m.defs.get(name));
  return code ? { code, base: rec.imageBase } : null;
}

/** A global of the image by its C name; a file-scope `static` one is keyed "File.c:name" in the symbol table, and found by its name too. */
export function globalSymbol(img: LoadedCImage, name: string): ImageSymbol | null {
  const symbols = img.code.image(img.base).symbols;
  const sym = symbols.get(name);
  if (sym) return sym;
  for (const [key, s] of symbols) if (s.name === name && key.endsWith(`:${name}`) && s.origin === 'c') return s;
  return null;
}

/** A typedef of the module's C (the first translation unit that declares it), or null. */
export function typedefOf(img: LoadedCImage, name: string): CType | null {
  for (const p of img.code.programs) {
    const b = p.scope?.vars.get(name);
    if (b?.kind === 'typedef') return b.ty;
  }
  return null;
}

/** A struct's members, through the typedef / qualified copies that point at the complete type. */
function membersOf(ty: CType | null): Member[] | null {
  for (let t = ty; t !== null; t = t.origin) if (t.members !== null) return t.members;
  return null;
}

export function member(ty: CType | null, name: string): Member | null {
  return membersOf(ty)?.find((x) => x.name === name) ?? null;
}

/** A little-endian UINT64 (a pointer, a UINTN) at `addr`, as a number. */
export function u64(m: Machine, addr: number): number {
  const lo = read32(m.s.mem, addr);
  const hi = read32(m.s.mem, addr + 4);
  return hi * 0x100000000 + lo;
}

/**
 * A child for `value` whose DispatchFunction is at `fnAddr` and whose DispatchHandle is `handle`:
 * its module and C name, or its address when no function starts there.
 */
export function swRegistrationAt(m: Machine, value: number, fnAddr: number, handle: number): SwRegistration {
  const f = functionAt(m, fnAddr);
  return f !== null
    ? { value, module: f.module, handler: f.name, handle }
    : { value, module: moduleAt(m, fnAddr)?.name ?? '(no module)', handler: hex(fnAddr), handle, address: fnAddr };
}
