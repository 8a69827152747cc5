/**
 * The SMM-C modules SmiScope ships (src/core/cdriver/samples, embedded by scripts/gen-samples.mjs):
 * the seed thread's samples and GenericSwDispatcher, which `platform ovmf --module NAME` adds to
 * the firmware volume, and the platform modules a profile puts in its volume itself
 * (PCH_SMI_DISPATCHER, the `pch` platform's SW SMI dispatcher). Each is compiled from its .inf and
 * sources on first use (once per process: the same sources give the same module) and keeps the
 * name, summary and path the Modules tab and `state --json` show. Their sources are what the
 * page's editor opens.
 */

import { GUIDS, type Guid } from '../lib/Guid';
import type { ModuleDef } from '../pi/Platform';
import { parseInf } from '../smmc/Inf';
import { type CModuleSource, compileCModule } from './CModule';
import { SHIPPED_SAMPLES } from './ShippedSamples';

export interface ShippedModule {
  name: string;
  fileGuid: string;
  /** One line: what the module does (the Modules tab). */
  summary: string;
  /** The upstream .inf path (in edk2 or edk2-platforms), or null for a module that is not upstream (an SmiScope sample). */
  path: string | null;
  /** The module's .inf and files, as the editor and compileCModule take them. */
  source: CModuleSource;
  /** The compiled module (compiled on the first call). */
  def(): ModuleDef;
}

/** Protocols the .inf marks `## PRODUCES` (the edk2 usage comment), as GUID values. */
function produced(infText: string): Guid[] {
  const names = GUIDS as Record<string, string>;
  const out: Guid[] = [];
  for (const m of infText.matchAll(/^\s*(g\w+Guid)\s*##\s*PRODUCES\b/gm)) if (m[1] in names) out.push(names[m[1]]);
  return out;
}

function shipped(name: string, summary: string, path: string | null): ShippedModule {
  const source = SHIPPED_SAMPLES[name];
  if (!source) throw new Error(`internal: no shipped sources for ${name}`);
  const inf = parseInf({ name: source.inf.name, text: source.inf.text, shipped: true });
  let def: ModuleDef | null = null;
  return {
    name: inf.baseName,
    fileGuid: inf.fileGuid,
    summary,
    path,
    source,
    def() {
      if (def === null) {
        const d = compileCModule(source).def;
        d.summary = summary;
        d.path = path;
        const p = produced(source.inf.text);
        if (p.length) d.produces = p;
        def = d;
      }
      return def;
    },
  };
}

export const SwDispatch2Locate = shipped(
  'SwDispatch2Locate',
  "The seed thread's first try: its entry calls SmmLocateProtocol (gEfiSmmSwDispatch2ProtocolGuid), gets EFI_NOT_FOUND on OVMF and hangs in ASSERT_EFI_ERROR",
  null,
);

export const SwDispatch2Depex = shipped(
  'SwDispatch2Depex',
  "The seed thread's second try: gEfiSmmSwDispatch2ProtocolGuid in its [Depex]; nothing on OVMF installs it, so it is never loaded",
  null,
);

export const RootMmiSample = shipped(
  'RootMmiSample',
  "The seed thread's fix (Laszlo Ersek's advice): a root MMI handler for APM command 0x42 (> 4); writes 0x5A5A00dd into the SMM BSP's (CPU0's) saved RAX, not the caller's",
  null,
);

export const GenericSwDispatcher = shipped(
  'GenericSwDispatcher',
  "The 'universal' SW dispatcher the seed thread sketches: EFI_MM_SW_DISPATCH_PROTOCOL over 0xB2/0xB3 (not in upstream OVMF)",
  null,
);

/** The modules `--module` adds, in the order the help lists them. */
export const SHIPPED_SAMPLE_MODULES: readonly ShippedModule[] = [SwDispatch2Locate, SwDispatch2Depex, RootMmiSample, GenericSwDispatcher];

/**
 * The `pch` platform's chipset SW SMI dispatcher (not a --module sample): Alder Lake's
 * PchSmiDispatcher cut down to its software-SMI source, producing EFI_SMM_SW_DISPATCH2_PROTOCOL.
 */
export const PCH_SMI_DISPATCHER: ShippedModule = shipped(
  'PchSmiDispatcher',
  "Intel PCH SW SMI dispatcher (Alder Lake's PchSmiDispatcher, SW source only): EFI_SMM_SW_DISPATCH2_PROTOCOL; a root handler that, on APMC_EN and APM_STS, finds the CPU whose save state shows the OUT to 0xB2 and calls the children of the value it wrote",
  'Silicon/Intel/AlderlakeSiliconPkg/Pch/PchSmiDispatcher/Smm/PchSmiDispatcher.inf',
);

/** The shipped SMM-C modules a platform puts in its own firmware volume (not --module samples). */
export const SHIPPED_PLATFORM_MODULES: readonly ShippedModule[] = [PCH_SMI_DISPATCHER];
