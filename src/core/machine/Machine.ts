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
import { createIch9Lpc, type Ich9LpcState } from './Ich9Lpc';
import { createMemory, type MemoryState } from './Memory';
import { type SaveStateLayout, layoutById } from './SaveStateMap';

export interface PlatformConfig {
  profile: 'ovmf';
  cpuCount: number;
  /** QEMU offers broadcast SMI (etc/smi/supported-features bit 0); OVMF negotiates it when offered. */
  broadcast: boolean;
  /** Override PcdCpuSmmSyncMode after negotiation (null = what OVMF would pick). */
  syncMode: SyncMode | null;
  /** Extra (sample / user) SMM modules in the firmware volume, by name. */
  extraModules: string[];
  layout: SaveStateLayout['id'];
  ramSize: number;
  tsegBase: number;
  tsegSize: number;
  /** SMRAM at the default SMBASE (QEMU q35 >= 5.1, PcdQ35SmramAtDefaultSmbase). */
  defaultSmbaseSmram: { base: number; size: number } | null;
  /** gSmmCorePrivate and PiSmmIpl's communication buffer live here (EfiRuntimeServicesData). */
  runtimeDataBase: number;
  runtimeDataSize: number;
  /** PcdDebugPrintErrorLevel: which DEBUG() levels reach the serial port. */
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
  /** Serial port: DEBUG() output. `firstSeq` is the sequence number of lines[0] (bounded log). */
  serial: { firstSeq: number; lines: string[] };
  smiSeq: number;
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
    lpc: createIch9Lpc(config.broadcast),
    pciConfigAddress: 0,
    smm,
    mp,
    modules: [],
    sw: [],
    uefiProtocols: [],
    serial: { firstSeq: 0, lines: [] },
    smiSeq: 0,
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

export function serialWrite(m: Machine, text: string): void {
  const ser = m.s.serial;
  for (const line of text.split('\n')) {
    if (line === '' ) continue;
    ser.lines.push(line);
  }
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
