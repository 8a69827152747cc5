/**
 * The whole machine as plain data (MachineState) plus the code it runs (module definitions and
 * the save-state layout). structuredClone(state) between SMIs is a complete checkpoint.
 */

import type { HandlerCall, SmiSummary, SmramRegion } from '../../protocol/messages';
import type { ModuleDef } from '../modules/ModuleDef';
import type { ModuleRecord } from '../pi/ModuleRecord';
import type { MpSyncState, SyncMode } from '../pi/MpSyncState';
import type { ProtocolEntry, SmmCoreState } from '../pi/SmmCoreState';
import { type CpuState, createCpu } from './Cpu';
import { createIch9Lpc, type Ich9LpcState, smiHostFeatures } from './Ich9Lpc';
import { createMemory, type MemoryState } from './Memory';
import { type Accel, type SaveStateLayout, layoutById } from './SaveStateMap';

export interface PlatformConfig {
  profile: 'ovmf';
  cpuCount: number;
  /** QEMU offers broadcast SMI (-global ICH9-LPC.x-smi-broadcast; etc/smi/supported-features bit 0). */
  broadcast: boolean;
  /**
   * QEMU offers CPU hotplug and hot-unplug with SMI (x-smi-cpu-hotplug, x-smi-cpu-hot-unplug;
   * feature bits 1 and 2). OVMF requests them with broadcast; QEMU rejects them without it.
   */
  hotplugSmi: boolean;
  /**
   * How PiSmmCpuDxeSmm's SmiRendezvous elects the SMM BSP (monarch) of each SMI:
   * 'apic-bsp-hook' = the platform's PlatformSmmBspElection succeeds and picks the CPU whose
   * IA32_APIC_BASE.BSP is set (OVMF: OvmfPkg/Library/SmmCpuPlatformHookLibQemu);
   * 'first-to-check-in' = the hook returns EFI_NOT_READY (UefiCpuPkg SmmCpuPlatformHookLibNull)
   * and the first CPU to win InterlockedCompareExchange32 (&BspIndex) becomes BSP.
   */
  bspElection: 'apic-bsp-hook' | 'first-to-check-in';
  /** Override PcdCpuSmmSyncMode after negotiation (null = what OVMF would pick). */
  syncMode: SyncMode | null;
  /** Extra (sample / user) SMM modules in the firmware volume, by name. */
  extraModules: string[];
  layout: SaveStateLayout['id'];
  /** `--accel`: QEMU TCG or KVM runs the vCPUs; decides who writes the save state (facts §12.10). */
  accel: Accel;
  ramSize: number;
  tsegBase: number;
  tsegSize: number;
  /** SMRAM at the default SMBASE (QEMU q35 >= 5.1, PcdQ35SmramAtDefaultSmbase). */
  defaultSmbaseSmram: { base: number; size: number } | null;
  /** gSmmCorePrivate and PiSmmIpl's communication buffer live here (EfiRuntimeServicesData). */
  runtimeDataBase: number;
  runtimeDataSize: number;
  /** PcdDebugPrintErrorLevel: which DEBUG() levels reach the debugcon port. */
  debugPrintErrorLevel: number;
  /** Physical address width QEMU reports in CPUID 0x80000008 (PlatformPei puts it in the CPU HOB). */
  physAddressBits: number;
  /** Where the HOB list lives (PEI builds it; DXE and SMM drivers read it). Outside SMRAM. */
  hobListBase: number;
  /** The PEI page SmmRelocationLib gets for its relocation stack (the model has no PEI allocator). */
  peiRelocationStackPage: number;
  /** The UEFI memory map at EndOfDxe (what SmmMemLib copies), in ascending address order. */
  uefiMemoryMap: MemoryMapEntry[];
  /** The UEFI Memory Attributes Table (runtime images: code read-only, data no-execute). */
  memoryAttributesTable: MemoryMapEntry[];
}

/** An EFI_MEMORY_DESCRIPTOR, as bytes count: type is the EFI_MEMORY_TYPE number, attribute the EFI_MEMORY_* bits below bit 32. */
export interface MemoryMapEntry {
  base: number;
  size: number;
  type: number;
  attribute: number;
  /** What the model keeps there. */
  what: string;
}

/** The SMI record is exactly what the UI's summary shows: one shape, defined in the protocol. */
export type HandlerCallRec = HandlerCall;
export type SmiRecord = SmiSummary;

/** A child of EFI_MM_SW_DISPATCH_PROTOCOL (GenericSwDispatcher); the record lives in SMRAM at `handle`. */
export interface SwRegistration {
  value: number;
  module: string;
  handler: string;
  handle: number;
}

export interface HungInfo {
  cpu: number;
  module: string;
  message: string;
  /** Whether the CPU dead-loops inside SMM (an SMM driver) or outside it (a DXE driver). */
  inSmm: boolean;
}

export interface MachineState {
  format: 'smiscope-machine';
  version: 1;
  config: PlatformConfig;
  cpus: CpuState[];
  mem: MemoryState;
  lpc: Ich9LpcState;
  pciConfigAddress: number;
  smm: SmmCoreState;
  mp: MpSyncState;
  modules: ModuleRecord[];
  /** SW MMI registrations of a SW dispatcher (empty on stock OVMF: it has none). */
  sw: SwRegistration[];
  /** The UEFI (gBS) protocol database, as far as SMM depex evaluation and PiSmmIpl care. */
  uefiProtocols: ProtocolEntry[];
  /**
   * The firmware log: DEBUG() output as the debugcon device (port 0x402, Debugcon.ts) receives it,
   * plus SmiScope's notes. The field keeps its old name. `firstSeq` is the sequence number of
   * lines[0] (bounded log); `partial` holds bytes after the last line end.
   */
  serial: { firstSeq: number; lines: string[]; partial: string };
  smiSeq: number;
  /**
   * The virtual clock, in microseconds. No instruction is timed: only the waits the firmware
   * models advance it, by what they wait (PcdCpuSmmApSyncTimeout / ...Timeout2 when they time out).
   */
  clockUs: number;
  currentSmi: SmiRecord | null;
  lastSmi: SmiRecord | null;
  hung: HungInfo | null;
  stage: 'reset' | 'boot' | 'os';
  smramRegions: SmramRegion[];
  /** Bumped when handler / protocol / module tables or the SMRAM picture change. */
  tablesVersion: number;
  regionsVersion: number;
}

export interface Machine {
  s: MachineState;
  layout: SaveStateLayout;
  defs: ReadonlyMap<string, ModuleDef>;
}

export const SERIAL_LOG_LIMIT = 20000;

export function createMachineState(config: PlatformConfig, smm: SmmCoreState, mp: MpSyncState): MachineState {
  const cpus: CpuState[] = [];
  for (let i = 0; i < config.cpuCount; i++) cpus.push(createCpu(i));
  return {
    format: 'smiscope-machine',
    version: 1,
    config,
    cpus,
    mem: createMemory(),
    lpc: createIch9Lpc(smiHostFeatures(config.broadcast, config.hotplugSmi)),
    pciConfigAddress: 0,
    smm,
    mp,
    modules: [],
    sw: [],
    uefiProtocols: [],
    serial: { firstSeq: 0, lines: [], partial: '' },
    smiSeq: 0,
    clockUs: 0,
    currentSmi: null,
    lastSmi: null,
    hung: null,
    stage: 'reset',
    smramRegions: [],
    tablesVersion: 0,
    regionsVersion: 0,
  };
}

export function machineFromState(s: MachineState, defs: ReadonlyMap<string, ModuleDef>): Machine {
  return { s, layout: layoutById(s.config.layout), defs };
}

/**
 * Appends to the firmware log: `text` is one or more lines separated by "\n"; a final "\n" ends
 * the last line. Empty lines in between are kept (ASSERT_EFI_ERROR prints a blank line first).
 */
export function serialWrite(m: Machine, text: string): void {
  const ser = m.s.serial;
  const parts = text.split('\n');
  const n = parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
  for (let i = 0; i < n; i++) ser.lines.push(parts[i]);
  const extra = ser.lines.length - SERIAL_LOG_LIMIT;
  if (extra > 0) {
    ser.lines.splice(0, extra);
    ser.firstSeq += extra;
  }
}

/** Marks lines SmiScope adds to the serial log to explain what happens; firmware never prints them. */
export const NOTE_PREFIX = '[smiscope] ';

export function serialNote(m: Machine, text: string): void {
  serialWrite(m, NOTE_PREFIX + text);
}

export function isSmram(m: Machine, addr: number, len = 1): boolean {
  const c = m.s.config;
  const overlaps = (b: number, sz: number) => addr < b + sz && b < addr + len;
  return overlaps(c.tsegBase, c.tsegSize) || (c.defaultSmbaseSmram !== null && overlaps(c.defaultSmbaseSmram.base, c.defaultSmbaseSmram.size));
}

export function bumpTables(m: Machine): void {
  m.s.tablesVersion++;
}

export function addRegion(m: Machine, r: SmramRegion): void {
  m.s.smramRegions.push(r);
  m.s.smramRegions.sort((a, b) => a.base - b.base || b.size - a.size);
  m.s.regionsVersion++;
}
