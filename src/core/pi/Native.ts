/**
 * Firmware functions behind pointers. C code (SMM-C) calls a function through an address: a C
 * function runs as C; any other address is asked "what is there?" here, and a firmware service
 * (the SMST's members, a protocol's members) runs as the model's TypeScript generator, a
 * NativeImpl, with the C arguments.
 *
 * The model runs no x86 code, so the functions of a module it writes in TypeScript sit at fixed
 * places of the module's image (the addresses C code sees, stores and compares):
 *   +0x1000              the entry point (_ModuleEntryPoint: "Loading SMM driver at ... EntryPoint=")
 *   +0x1100 + 0x40 * i   ModuleDef.handlers, in declaration order (MMI / SW dispatch handlers; i < 16)
 *   +0x1500 + 0x40 * i   ModuleDef.notifies (SmmRegisterProtocolNotify functions; i < 8)
 *   +0x1800              PiSmmCore's SmmEntryPoint (modules/PiSmmCore.ts)
 *   +0x1C00 + 0x10 * i   ModuleDef.natives (i < 64)
 *   +0x2000 .. +0x2FF8   interfaces of protocols the model has no struct for (ProtocolDb)
 * A module whose functions are C (ModuleDef.functionAt / functionAddress) places its own
 * functions; its natives, if any, still use the slots above.
 */

import type { EfiStatus } from '../lib/EfiStatus';
import { efiStatusValue } from '../lib/EfiStatus';
import { type Guid, guidFromBytes } from '../lib/Guid';
import { readBytes, read32, write32, write8, writeBytes } from '../machine/Memory';
import type { Val } from '../smmc/Ast';
import type { ModuleRecord } from './ModuleRecord';
import type { Fw, Machine, ModuleDef, NativeImpl, NativeOut, OneEventNativeFn } from './Platform';

export type { NativeImpl } from './Platform';

export const ENTRY_POINT_OFFSET = 0x1000;
const HANDLER_CODE = 0x1100;
const HANDLER_STRIDE = 0x40;
const MAX_HANDLERS = 16;
const NOTIFY_CODE = 0x1500;
const NOTIFY_STRIDE = 0x40;
const MAX_NOTIFIES = 8;
const NATIVE_CODE = 0x1c00;
const NATIVE_STRIDE = 0x10;
const MAX_NATIVES = 64;

/** What kind of function of its module an address names. */
export type FunctionKind = 'entry' | 'handler' | 'notify' | 'native' | 'function';

/** The loaded module whose image holds `addr` (an image the dispatcher unloaded again does not count). */
export function moduleAt(m: Machine, addr: number): ModuleRecord | null {
  const mods = m.s.modules;
  for (let i = 0; i < mods.length; i++) {
    const r = mods[i];
    if (r.imageBase === 0 || addr < r.imageBase || addr >= r.imageBase + r.imageSize) continue;
    if (r.state === 'failed' || r.state === 'unloaded') continue;
    return r;
  }
  return null;
}

function slot(off: number, base: number, stride: number, max: number, names: string[]): string | null {
  const i = (off - base) / stride;
  return Number.isInteger(i) && i >= 0 && i < max && i < names.length ? names[i] : null;
}

/** The model's layout (above): the function of `def` at image offset `off`, or null. */
function layoutAt(def: ModuleDef, off: number): { kind: FunctionKind; name: string } | null {
  if (off === ENTRY_POINT_OFFSET) return { kind: 'entry', name: '_ModuleEntryPoint' };
  let name = slot(off, HANDLER_CODE, HANDLER_STRIDE, MAX_HANDLERS, Object.keys(def.handlers));
  if (name !== null) return { kind: 'handler', name };
  name = slot(off, NOTIFY_CODE, NOTIFY_STRIDE, MAX_NOTIFIES, Object.keys(def.notifies ?? {}));
  if (name !== null) return { kind: 'notify', name };
  name = slot(off, NATIVE_CODE, NATIVE_STRIDE, MAX_NATIVES, Object.keys(def.natives ?? {}));
  return name === null ? null : { kind: 'native', name };
}

function kindOf(def: ModuleDef, name: string): FunctionKind {
  if (name in def.handlers) return 'handler';
  if (def.notifies && name in def.notifies) return 'notify';
  if (def.natives && name in def.natives) return 'native';
  return 'function';
}

/** The function that starts at `addr`: its module, C name and kind; null when none does. */
export function functionAt(m: Machine, addr: number): { module: string; name: string; kind: FunctionKind } | null {
  const rec = moduleAt(m, addr);
  if (rec === null) return null;
  const def = m.defs.get(rec.name);
  if (!def) return null;
  const off = addr - rec.imageBase;
  if (def.natives && off >= NATIVE_CODE && off < NATIVE_CODE + NATIVE_STRIDE * MAX_NATIVES) {
    const name = slot(off, NATIVE_CODE, NATIVE_STRIDE, MAX_NATIVES, Object.keys(def.natives));
    return name === null ? null : { module: rec.name, name, kind: 'native' };
  }
  if (def.functionAt) {
    const name = def.functionAt(rec.imageBase, addr);
    return name === null ? null : { module: rec.name, name, kind: kindOf(def, name) };
  }
  const f = layoutAt(def, off);
  return f === null ? null : { module: rec.name, ...f };
}

/** The address of `module`'s function `name` (handler, notify, native; C functions through the module's hook); null when it has none. */
export function functionAddressOf(m: Machine, module: string, name: string): number | null {
  const rec = m.s.modules.find((x) => x.name === module);
  const def = m.defs.get(module);
  if (!rec || !def) return null;
  const base = rec.imageBase;
  const nat = def.natives ? Object.keys(def.natives).indexOf(name) : -1;
  if (nat >= 0 && nat < MAX_NATIVES) return base + NATIVE_CODE + NATIVE_STRIDE * nat;
  if (def.functionAddress) return def.functionAddress(base, name);
  const h = Object.keys(def.handlers).indexOf(name);
  if (h >= 0 && h < MAX_HANDLERS) return base + HANDLER_CODE + HANDLER_STRIDE * h;
  const n = def.notifies ? Object.keys(def.notifies).indexOf(name) : -1;
  if (n >= 0 && n < MAX_NOTIFIES) return base + NOTIFY_CODE + NOTIFY_STRIDE * n;
  return null;
}

/** The native at `addr` (exactly at its slot), or null. */
export function nativeAt(m: Machine, addr: number): { module: string; name: string; impl: NativeImpl } | null {
  const f = functionAt(m, addr);
  if (f === null || f.kind !== 'native') return null;
  const impl = m.defs.get(f.module)!.natives![f.name];
  return { module: f.module, name: f.name, impl };
}

/** The address of `module`'s native `name`; throws when the module has no such native (a model bug). */
export function nativeAddress(m: Machine, module: string, name: string): number {
  const def = m.defs.get(module);
  if (!def?.natives || !(name in def.natives)) throw new Error(`internal: ${module} has no native ${name}`);
  const a = functionAddressOf(m, module, name);
  if (a === null) throw new Error(`internal: ${module} is not loaded`);
  return a;
}

/** A handler address (SmiHandlerRegister, SW dispatch Register) -> the module and its name in ModuleDef.handlers. */
export function handlerAt(m: Machine, addr: number): { module: string; handler: string } | null {
  const f = functionAt(m, addr);
  return f !== null && f.kind === 'handler' ? { module: f.module, handler: f.name } : null;
}

/** A notification function address (SmmRegisterProtocolNotify) -> the module and its name in ModuleDef.notifies. */
export function notifyAt(m: Machine, addr: number): { module: string; fn: string } | null {
  const f = functionAt(m, addr);
  if (f === null) return null;
  // Every function of an SMM-C module is both an MMI handler and a notification function
  // (cdriver/CModule.ts): functionAt calls it a handler, its module's notifies hold it too.
  return f.kind === 'notify' || m.defs.get(f.module)?.notifies?.[f.name] !== undefined ? { module: f.module, fn: f.name } : null;
}

/**
 * A native written as a plain function that leaves at most one event in `out.event` (and what it
 * does after that event in `out.after`): as a NativeImpl it does its work, yields the event, runs
 * `after`, returns - the order of a generator with one `yield`. The C run loop calls `once`
 * directly and yields the event itself (cdriver/CRun), one generator less per call.
 */
export function oneEventNative(fn: OneEventNativeFn): NativeImpl {
  const impl: NativeImpl = function* (fw, args) {
    const out: NativeOut = { event: null, after: null };
    const value = fn(fw, args, out);
    if (out.event !== null) yield out.event;
    return out.after !== null ? out.after() : value;
  };
  impl.once = fn;
  return impl;
}

// ---- C values in and out of natives ----

const TWO32 = 0x100000000;

/** A C value as an address (pointers are physical addresses; NULL = 0). */
export function addrOf(v: Val): number {
  return typeof v === 'number' ? v : Number(BigInt.asUintN(64, v));
}

/** A C value as a UINT64 / UINTN. */
export function u64Of(v: Val): bigint {
  return BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(v));
}

/** A UINT64 in C's value form: a number when safe, else a bigint. */
export function valOf(v: bigint): Val {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** An EFI_STATUS as the C return value. */
export function statusVal(s: EfiStatus): Val {
  return efiStatusValue(s);
}

/** *(UINTN *)addr, as C's value form. */
export function readUintn(m: Machine, addr: number): Val {
  const lo = read32(m.s.mem, addr);
  const hi = read32(m.s.mem, addr + 4);
  if (hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** *(UINTN *)addr = v (8 bytes, little endian). */
export function writeUintn(m: Machine, addr: number, v: Val): void {
  if (typeof v === 'number') {
    write32(m.s.mem, addr, v >>> 0);
    write32(m.s.mem, addr + 4, Math.floor(v / TWO32) >>> 0);
    return;
  }
  const u = BigInt.asUintN(64, v);
  write32(m.s.mem, addr, Number(u & 0xffffffffn));
  write32(m.s.mem, addr + 4, Number(u >> 32n));
}

/** The EFI_GUID at `addr`. */
export function readGuid(m: Machine, addr: number): Guid {
  return guidFromBytes(readBytes(m.s.mem, addr, 16));
}

/** The context a native of `module` runs in for its own DEBUG lines: its module, the caller's CPU. */
export function ownFw(fw: Fw, module: string): Fw {
  if (fw.mod.name === module) return fw;
  const mod = fw.m.s.modules.find((x) => x.name === module);
  return mod ? { m: fw.m, mod, cpu: fw.cpu } : fw;
}

/** `n` bytes (up to 8) of `v`, little endian, to `addr`. */
export function writeLE(m: Machine, addr: number, n: number, v: bigint): void {
  // Two 32-bit halves, then byte by byte (no byte array or BigInt per byte: C's I/O reads land here).
  const lo = Number(BigInt.asUintN(32, v));
  const hi = n > 4 ? Number(BigInt.asUintN(32, v >> 32n)) : 0;
  for (let i = 0; i < n && i < 8; i++) write8(m.s.mem, addr + i, i < 4 ? (lo >>> (8 * i)) & 0xff : (hi >>> (8 * (i - 4))) & 0xff);
}

/** `n` bytes (up to 8) at `addr`, little endian. */
export function readLE(m: Machine, addr: number, n: number): bigint {
  const b = readBytes(m.s.mem, addr, Math.min(n, 8));
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
