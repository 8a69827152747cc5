/**
 * The platforms SmiScope models, by name (`platform NAME` in the console), and the firmware volume
 * of a configuration: the platform's modules, then the samples `--module` adds, then the SMM-C
 * modules the user loaded.
 *  - `ovmf`: QEMU Q35 (ICH9) + OVMF X64 (profiles/ovmf.ts).
 *  - `ovmf-swdispatch`: the same, plus the seed thread's generic EFI_MM_SW_DISPATCH_PROTOCOL producer
 *    (GenericSwDispatcher, SMM-C) in the firmware volume after CpuHotplugSmm.
 *  - `pch`: an Intel PCH machine with the silicon SW dispatcher (profiles/pch.ts).
 */

import { type CModuleSource, compileCModule } from '../cdriver/CModule';
import type { Accel } from '../machine/SaveStateMap';
import { SW_DISPATCHER as GENERIC_SW_DISPATCHER } from '../modules/GenericSwDispatcher';
import { PCH_SW_DISPATCHER } from '../modules/PchSmiDispatcher';
import type { ArrivalOrder, ModuleDef, PlatformConfig, PlatformName } from '../pi/Platform';
import { OVMF_MODULES, ovmfConfig, SAMPLE_MODULES } from './ovmf';
import { pchConfig, pchModules } from './pch';

export const PLATFORM_NAMES: readonly PlatformName[] = ['ovmf', 'ovmf-swdispatch', 'pch'];

/** One line per platform, for `help platform` and the page. */
export const PLATFORM_SUMMARY: Record<PlatformName, string> = {
  ovmf: 'QEMU Q35 (ICH9) + OVMF X64: no driver produces EFI_MM_SW_DISPATCH_PROTOCOL; QEMU writes the AMD64 save-state map without I/O information; CPU0 is always the monarch',
  'ovmf-swdispatch': "OVMF plus the seed thread's GenericSwDispatcher (SMM-C): EFI_MM_SW_DISPATCH_PROTOCOL exists, but no save state says which CPU wrote 0xB2",
  pch: "an Intel PCH machine: the PCH SMI dispatcher (after edk2-platforms AlderlakeSiliconPkg PchSmmSw.c, SMM-C) produces EFI_MM_SW_DISPATCH_PROTOCOL and finds SwSmiCpuIndex from the Intel save state's IOMisc; the first CPU to check in is the monarch",
};

export function isPlatformName(name: string): name is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(name);
}

export interface PlatformConfigOptions {
  platform?: PlatformName;
  cpus?: number;
  broadcast?: boolean;
  hotplugSmi?: boolean;
  syncMode?: PlatformConfig['syncMode'];
  modules?: string[];
  accel?: Accel;
  arrival?: ArrivalOrder;
}

/** The configuration of platform `opts.platform` (default `ovmf`) with the console's options. */
export function platformConfig(opts: PlatformConfigOptions): PlatformConfig {
  const name = opts.platform ?? 'ovmf';
  if (name === 'pch') return pchConfig({ cpus: opts.cpus, syncMode: opts.syncMode, modules: opts.modules, arrival: opts.arrival });
  return ovmfConfig({ cpus: opts.cpus, broadcast: opts.broadcast, hotplugSmi: opts.hotplugSmi ?? opts.broadcast, syncMode: opts.syncMode, modules: opts.modules, accel: opts.accel, arrival: opts.arrival, swDispatch: name === 'ovmf-swdispatch' });
}

function platformModules(config: PlatformConfig): ModuleDef[] {
  switch (config.profile) {
    case 'pch':
      return pchModules();
    case 'ovmf-swdispatch': {
      const d = SAMPLE_MODULES.find((x) => x.name === GENERIC_SW_DISPATCHER)!.def();
      const at = OVMF_MODULES.findIndex((x) => x.name === 'CpuHotplugSmm') + 1;
      return [...OVMF_MODULES.slice(0, at), d, ...OVMF_MODULES.slice(at)];
    }
    default:
      return OVMF_MODULES;
  }
}

export function moduleDefs(config: PlatformConfig): Map<string, ModuleDef> {
  const defs = new Map<string, ModuleDef>();
  for (const d of platformModules(config)) defs.set(d.name, d);
  for (const name of config.extraModules) {
    const d = SAMPLE_MODULES.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!d) throw new Error(`unknown module "${name}" (known: ${SAMPLE_MODULES.map((x) => x.name).join(', ')})`);
    if (defs.has(d.name)) throw new Error(`${d.name} is already in the ${config.profile} firmware volume`);
    defs.set(d.name, d.def());
  }
  for (const src of config.cModules ?? []) {
    const d = cModuleDef(src);
    if (defs.has(d.name)) throw new Error(`a module named ${d.name} is already in the firmware volume`);
    defs.set(d.name, d);
  }
  return defs;
}

/** Compiled SMM-C modules by their sources (the same sources compile to the same module). */
const C_DEFS = new Map<string, ModuleDef>();

/** The ModuleDef of SMM-C sources (compiled once per distinct sources); throws CDiagnostic. */
export function cModuleDef(src: CModuleSource): ModuleDef {
  const key = JSON.stringify(src);
  let d = C_DEFS.get(key);
  if (!d) {
    d = compileCModule(src).def;
    if (C_DEFS.size > 32) C_DEFS.delete(C_DEFS.keys().next().value!);
    C_DEFS.set(key, d);
  }
  return d;
}

/** The machine's title for the page and `state --json` platformInfo.name. */
export function platformTitle(config: PlatformConfig): string {
  switch (config.profile) {
    case 'pch':
      return 'Intel PCH (Alder Lake-style) + edk2 SMM core';
    case 'ovmf-swdispatch':
      return 'QEMU Q35 (ICH9) + OVMF X64 + GenericSwDispatcher';
    default:
      return 'QEMU Q35 (ICH9) + OVMF X64';
  }
}

/** The module that produces EFI_MM_SW_DISPATCH_PROTOCOL in this firmware volume, if any (by design of the platform). */
export function swDispatcherOf(config: PlatformConfig): string | null {
  if (config.profile === 'pch') return PCH_SW_DISPATCHER;
  if (config.profile === 'ovmf-swdispatch' || config.extraModules.some((n) => n.toLowerCase() === GENERIC_SW_DISPATCHER.toLowerCase())) return GENERIC_SW_DISPATCHER;
  return null;
}
