/**
 * An SMM-C module from its sources to a firmware module, as the edk2 build and PiSmmCore's
 * loader would make it (smm-c-facts §6): the .inf names the sources, the entry point and the
 * depex; every .c is preprocessed against the module's own headers and the shipped ones, parsed
 * and linked; the image goes into SMRAM where the dispatcher allocated it; _ModuleEntryPoint runs
 * the library constructors (gSmst, gMmst, gImageHandle, gST, gBS) and calls ENTRY_POINT with
 * (ImageHandle, SystemTable). Every C function is also an MMI handler and a protocol-notify
 * function the module can register, called with the edk2 signatures.
 */

import { type EfiStatus, efiStatusName } from '../lib/EfiStatus';
import { guidToBytes } from '../lib/Guid';
import { writeBytes } from '../machine/Memory';
import { ev, type Gen, hex } from '../pi/Fw';
import type { Fw, MmiHandlerFn, ModuleDef, NotifyFn } from '../pi/Platform';
import type { Program, Val } from '../smmc/Ast';
import { shippedHeader, shippedHeaderNames } from '../smmc/HeaderSet';
import { type InfModule, parseInf } from '../smmc/Inf';
import { link, type LinkedImage } from '../smmc/Link';
import { parse } from '../smmc/Parser';
import { preprocess } from '../smmc/Preprocessor';
import { CDiagnostic, type SourceFile } from '../smmc/Source';
import { memOf } from './CMem';
import { type CModuleCode, registerCModule, runC, runCThen } from './CRun';
import { LIBRARY_FUNCTIONS, libraryEnv, UEFI_BOOT_SERVICES, UEFI_SYSTEM_TABLE, undefinedHint } from './Library';

/** A file of a module as the editor, a session or the CLI holds it (plain data). */
export interface CModuleFile {
  name: string;
  text: string;
}

export interface CModuleSource {
  inf: CModuleFile;
  files: CModuleFile[];
}

/** Where `load` reads files: the CLI's file system, the page's editor buffers (paths as the user types them). */
export interface Workspace {
  read(path: string): string | null;
  /** The files there are (for "no such file" messages). */
  list(): string[];
}

export interface CompiledCModule {
  inf: InfModule;
  files: SourceFile[];
  programs: Program[];
  def: ModuleDef;
  code: CModuleCode;
}

/** Where a module's image says its code was called from (PiSmmCore's SmmDispatcher / SmiManage), for return addresses. */
const FIRMWARE_CALLER = 0x1000 + 0x0a40;

const baseName = (n: string) => n.replace(/\\/g, '/').split('/').pop()!;

/** How a module the model runs partly in TypeScript gets its entry point. */
export interface CompileOptions {
  /**
   * The entry point is the model's: the image is loaded and the library constructors run as for
   * any SMM-C module, then this generator runs instead of a C ENTRY_POINT (which the sources need
   * not define). It gets the linked image to reach the module's C globals by symbol.
   */
  modelEntry?: (fw: Fw, image: LinkedImage) => Gen<EfiStatus>;
}

/** Compiles and links `src` (at a trial base) and builds its ModuleDef. Throws CDiagnostic at the first error. */
export function compileCModule(src: CModuleSource, opts: CompileOptions = {}): CompiledCModule {
  const infFile: SourceFile = { name: src.inf.name, text: src.inf.text, shipped: false };
  const inf = parseInf(infFile);
  const files = src.files.map((f): SourceFile => ({ name: f.name, text: f.text, shipped: false }));
  const byName = new Map(files.map((f) => [baseName(f.name).toLowerCase(), f]));
  const programs: Program[] = [];
  for (const s of inf.sources) {
    const file = byName.get(baseName(s).toLowerCase());
    if (!file) {
      throw new CDiagnostic(inf.where.get(`source:${s}`) ?? null, `${s}: no such file in the module (it has ${files.map((f) => f.name).join(', ') || 'no files'})`);
    }
    if (!/\.c$/i.test(s)) continue;
    const tokens = preprocess(file, {
      resolve: (name, quoted) => {
        const own = quoted ? byName.get(baseName(name).toLowerCase()) : undefined;
        return own ?? shippedHeader(name);
      },
      available: () => [...files.filter((f) => /\.h$/i.test(f.name)).map((f) => f.name), ...shippedHeaderNames()],
    });
    programs.push(parse(tokens));
  }
  const entryObj = programs.flatMap((p) => p.functions).find((f) => f.name === inf.entryPoint);
  if (!entryObj && !opts.modelEntry) {
    throw new CDiagnostic(inf.where.get('ENTRY_POINT') ?? null, `ENTRY_POINT ${inf.entryPoint} is not defined in ${inf.sources.filter((s) => /\.c$/i.test(s)).join(', ')}`);
  }
  const images = new Map<number, LinkedImage>();
  const linkAt = (base: number): LinkedImage => {
    let img = images.get(base);
    if (!img) {
      try {
        img = link(programs, libraryEnv(inf, { smst: 0, imageHandle: 0 }), base);
      } catch (e) {
        if (e instanceof CDiagnostic) {
          const m = /^undefined reference to '(\w+)'$/.exec(e.message);
          const hint = m ? undefinedHint(inf, m[1]) : null;
          if (hint) throw new CDiagnostic(e.loc, `${e.message}: ${hint}`);
        }
        throw e;
      }
      if (images.size > 8) images.clear();
      images.set(base, img);
    }
    return img;
  };
  const trial = linkAt(0x10000000);
  const code: CModuleCode = {
    name: inf.baseName,
    pdbPath: `/home/user/edk2/Build/OvmfX64/DEBUG_GCC5/X64/SmiScope/${inf.baseName}/${inf.baseName}/DEBUG/${inf.baseName}.dll`,
    entryPoint: inf.entryPoint,
    image: linkAt,
    programs,
  };
  const handlers: Record<string, MmiHandlerFn> = {};
  const notifies: Record<string, NotifyFn> = {};
  for (const f of programs.flatMap((p) => p.functions)) {
    handlers[f.name] = handlerOf(code, f.name);
    notifies[f.name] = notifyOf(code, f.name);
  }
  const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
  const def: ModuleDef = {
    name: inf.baseName,
    fileGuid: inf.fileGuid,
    kind: 'DXE_SMM_DRIVER',
    depex: inf.depex,
    imageSize: trial.size,
    entry: opts.modelEntry ? (fw) => modelEntryPoint(fw, code, opts.modelEntry!) : (fw) => entryPoint(fw, code, inf),
    handlers,
    notifies,
    summary: `SMM-C module from ${infFile.name} (${lines} lines of C): ENTRY_POINT ${inf.entryPoint}`,
    path: null,
    functionAt: (base, addr) => code.image(base).fnByAddress.get(addr)?.name ?? null,
    functionAddress: (base, name) => code.image(base).fnByName.get(name)?.address ?? null,
  };
  registerCModule(def, code);
  return { inf, files, programs, def, code };
}

function fnOf(code: CModuleCode, base: number, name: string) {
  const fn = code.image(base).fnByName.get(name);
  if (!fn) throw new Error(`SMM-C: ${code.name} has no function ${name}`);
  return fn;
}

/** The status a C function returned, as the model names it (a value edk2 has no name for is treated as an error). */
function statusOf(v: Val): EfiStatus {
  const name = efiStatusName(v);
  if (name) return name;
  return 'EFI_PROTOCOL_ERROR';
}

/**
 * The firmware frames above a C function that `inner` (PiSmmCore functions, innermost first)
 * calls on CPU fw.cpu: inside an SMI, the BSP's SmiRendezvous > BSPHandler > SmmEntryPoint; outside
 * SMM (a driver dispatched before the SMM entry was registered), PiSmmIpl's Communicate calls
 * SmiManage directly (smm-c-facts §5.1).
 */
function smiCallers(fw: Fw, inner: readonly string[]): string[] {
  const inSmm = fw.m.s.cpus[fw.cpu]?.inSmm ?? false;
  // The lists are the same for every call: made once per (inner, inSmm).
  let byInner = CALLERS.get(inner);
  if (!byInner) CALLERS.set(inner, (byInner = [[...inner, 'SmmCommunicationCommunicate (PiSmmIpl, outside SMM)'], [...inner, 'SmmEntryPoint', 'BSPHandler', 'SmiRendezvous']]));
  return byInner[inSmm ? 1 : 0];
}

const CALLERS = new Map<readonly string[], [string[], string[]]>();
const SMI_MANAGE = ['SmiManage'] as const;
const NOTIFY = ['SmmNotifyProtocol', 'SmmInstallProtocolInterface'] as const;
const ENTRY = ['_ModuleEntryPoint', 'SmmDispatcher', 'SmmDriverDispatchHandler', 'SmiManage'] as const;

/** _ModuleEntryPoint, called by the SMM dispatcher from its SMI handler (gEfiEventDxeDispatchGuid). */
function entryCallers(fw: Fw): string[] {
  return smiCallers(fw, ENTRY);
}

/** The image written into SMRAM and the library constructors run (gSmst, gMmst, gImageHandle, gST, gBS). */
function loadCImage(fw: Fw, code: CModuleCode): { image: LinkedImage; smst: number; imageHandle: number } {
  const base = fw.mod.imageBase;
  const image = code.image(base);
  for (const c of image.chunks) writeBytes(fw.m.s.mem, c.address, c.bytes);
  // The library constructors (ProcessLibraryConstructorList): SmmServicesTableLib and
  // MmServicesTableLib locate the SMST; UefiBootServicesTableLib keeps ImageHandle, gST, gBS.
  const smst = fw.m.s.smm.smstAddress ?? 0;
  const imageHandle = base - 0x100; // an opaque DXE handle (the DXE core's handle database)
  const mem = memOf(fw.m);
  const set = (name: string, v: number) => {
    const sym = image.symbols.get(name);
    if (sym) mem.rawSet64(sym.address, v);
  };
  set('gSmst', smst);
  set('gMmst', smst);
  set('gImageHandle', imageHandle);
  set('gST', UEFI_SYSTEM_TABLE);
  set('gBS', UEFI_BOOT_SERVICES);
  return { image, smst, imageHandle };
}

/** _ModuleEntryPoint: write the image, run the library constructors, call ENTRY_POINT (ImageHandle, SystemTable). */
function* entryPoint(fw: Fw, code: CModuleCode, inf: InfModule): Gen<EfiStatus> {
  const { image, smst, imageHandle } = loadCImage(fw, code);
  const fn = fnOf(code, image.base, inf.entryPoint);
  yield ev('handler', fw.cpu, `${inf.baseName}: _ModuleEntryPoint: library constructors set gSmst = gMmst = ${hex(smst)}, gImageHandle = ${hex(imageHandle)}; calls ${inf.entryPoint} (ImageHandle, SystemTable = ${hex(UEFI_SYSTEM_TABLE)})`);
  const v = yield* runC(fw, fn, [imageHandle, UEFI_SYSTEM_TABLE], image.base + FIRMWARE_CALLER, undefined, entryCallers(fw));
  return statusOf(v);
}

/** A module whose entry point is the model's (CompileOptions.modelEntry): its image and library globals, then that entry. */
function* modelEntryPoint(fw: Fw, code: CModuleCode, entry: NonNullable<CompileOptions['modelEntry']>): Gen<EfiStatus> {
  const { image } = loadCImage(fw, code);
  return yield* entry(fw, image);
}

/**
 * EFI_MM_HANDLER_ENTRY_POINT (DispatchHandle, Context, CommBuffer, CommBufferSize): CommBufferSize
 * points into the caller's frame. The handler is the C call's own generator (runCThen), so C's
 * events reach SmiManage through no extra generator.
 */
function handlerOf(code: CModuleCode, name: string): MmiHandlerFn {
  return (fw, dispatchHandle, context, commBuffer, commBufferSize) => {
    const fn = fnOf(code, fw.mod.imageBase, name);
    const callers = smiCallers(fw, SMI_MANAGE);
    if (commBufferSize === null) {
      // A root handler (or a GUID handler without a size): nothing passed by pointer.
      return runCThen(fw, fn, [dispatchHandle, context, commBuffer, 0], fw.mod.imageBase + FIRMWARE_CALLER, callers, statusOf);
    }
    const mem = memOf(fw.m);
    return runCThen(
      fw,
      fn,
      (scratch) => {
        mem.rawSet64(scratch, commBufferSize.value);
        return [dispatchHandle, context, commBuffer, scratch];
      },
      fw.mod.imageBase + FIRMWARE_CALLER,
      callers,
      (v, scratch) => {
        commBufferSize.value = Number(mem.r64(scratch));
        return statusOf(v);
      },
    );
  };
}

/** EFI_MM_NOTIFY_FN (Protocol, Interface, Handle): the GUID is passed by pointer. */
function notifyOf(code: CModuleCode, name: string): NotifyFn {
  return (fw, protocol, iface) =>
    runCThen(
      fw,
      fnOf(code, fw.mod.imageBase, name),
      (scratch) => {
        writeBytes(fw.m.s.mem, scratch, guidToBytes(protocol));
        return [scratch, iface, 0];
      },
      fw.mod.imageBase + FIRMWARE_CALLER,
      smiCallers(fw, NOTIFY),
      statusOf,
    );
}

export { LIBRARY_FUNCTIONS };
