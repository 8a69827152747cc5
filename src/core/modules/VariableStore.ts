/**
 * The UEFI variable store as bytes, in edk2's authenticated-variable format
 * (MdeModulePkg/Include/Guid/VariableFormat.h, MdeModulePkg/Universal/Variable/RuntimeDxe/
 * VariableParsing.c): a VARIABLE_STORE_HEADER followed by variables, each an
 * AUTHENTICATED_VARIABLE_HEADER (60 bytes), the UCS-2 name, padding to 4, the data, padding to 4.
 *
 * Where the stores live in this model:
 *  - non-volatile: QEMU's second pflash (OVMF_VARS.fd) at 0xFFC00000, laid out as
 *    OvmfPkg/Include/Fdf/VarStore.fdf.inc does for a 4 MiB build: an EFI_FIRMWARE_VOLUME_HEADER
 *    (0x48 bytes), the store header, 0x3FFB8 bytes of store, then NV_EVENT_LOG, NV_FTW_WORKING
 *    (0x41000) and NV_FTW_SPARE (0x42000). Erased flash reads 0xFF.
 *  - volatile: PcdVariableStoreSize (0x40000) bytes VariableSmm allocates in SMRAM.
 * Simplifications (said in the UI too): one copy of the NV store (edk2 keeps an SMRAM cache of it
 * and writes the flash through FVB); the flash takes plain byte writes (no CFI command set); no
 * reclaim: a full store answers EFI_OUT_OF_RESOURCES; the volatile store's free space is zeros
 * (edk2 fills it with 0xFF); HOB variables are not modelled.
 */

import { PAGE_SIZE, readBytes, writeBytes, type MemoryState } from '../machine/Memory';
import { type Guid, guidFromBytes, guidToBytes } from '../lib/Guid';

export const VARIABLE_DATA = 0x55aa;
export const VAR_IN_DELETED_TRANSITION = 0xfe;
export const VAR_DELETED = 0xfd;
export const VAR_HEADER_VALID_ONLY = 0x7f;
export const VAR_ADDED = 0x3f;
export const AUTH_VARIABLE_HEADER_SIZE = 60;
export const VARIABLE_STORE_HEADER_SIZE = 28;
export const VARIABLE_STORE_FORMATTED = 0x5a;
export const VARIABLE_STORE_HEALTHY = 0xfe;

export const EFI_VARIABLE_NON_VOLATILE = 0x1;
export const EFI_VARIABLE_BOOTSERVICE_ACCESS = 0x2;
export const EFI_VARIABLE_RUNTIME_ACCESS = 0x4;
export const EFI_VARIABLE_APPEND_WRITE = 0x40;

/** QEMU pflash unit 1 (OVMF_VARS.fd, 4 MiB build) and its regions (PcdOvmfFlashNvStorage*). */
export const OVMF_VARS_FLASH_BASE = 0xffc00000;
export const NV_STORAGE_VARIABLE_SIZE = 0x40000;
export const NV_FTW_WORKING_OFFSET = 0x41000;
export const NV_FTW_SPARE_OFFSET = 0x42000;
export const FV_HEADER_LENGTH = 0x48;

/** gEfiAuthenticatedVariableGuid, gEfiSystemNvDataFvGuid, gEdkiiWorkingBlockSignatureGuid. */
const AUTH_VARIABLE_GUID: Guid = 'aaf32c78-947b-439a-a180-2e144ec37792';
const SYSTEM_NV_DATA_FV_GUID: Guid = 'fff12b8d-7696-4c8b-a985-2747075b4f50';
const WORKING_BLOCK_SIGNATURE_GUID: Guid = '9e58292b-7c68-497d-a0ce-6500fd9f1b95';

export interface VarStore {
  /** Address of the VARIABLE_STORE_HEADER. */
  base: number;
  /** Its Size field: header + variables. */
  size: number;
  volatile: boolean;
}

export interface VarHit {
  store: VarStore;
  /** Address of the variable header. */
  addr: number;
  state: number;
  attributes: number;
  nameSize: number;
  dataSize: number;
  /** VendorGuid (formatted on first use). */
  readonly guid: Guid;
  /** Name bytes (UCS-2, NUL included; read on first use). */
  readonly name: Uint8Array;
  dataAddr: number;
  /** Header of the next variable. */
  next: number;
  /** VendorGuid equals these 16 bytes (no string work). */
  guidIs(bytes: Uint8Array): boolean;
}

class Hit implements VarHit {
  private g: Guid | undefined;
  private n: Uint8Array | undefined;
  constructor(
    private readonly mem: MemoryState,
    readonly store: VarStore,
    readonly addr: number,
    private readonly hdr: Uint8Array,
    readonly state: number,
    readonly attributes: number,
    readonly nameSize: number,
    readonly dataSize: number,
    readonly dataAddr: number,
    readonly next: number,
  ) {}
  get guid(): Guid {
    return (this.g ??= guidFromBytes(this.hdr, 44));
  }
  get name(): Uint8Array {
    return (this.n ??= readBytes(this.mem, this.addr + AUTH_VARIABLE_HEADER_SIZE, this.nameSize));
  }
  guidIs(bytes: Uint8Array): boolean {
    for (let i = 0; i < 16; i++) if (this.hdr[44 + i] !== bytes[i]) return false;
    return true;
  }
}

/** Round up to 4 (arithmetic, not `& ~3`: flash addresses are above 2^31 and JS bit operators are 32-bit signed). */
const align4 = (n: number) => n + ((4 - (n % 4)) % 4);

function le32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = v >>> 24;
}

/** The empty OVMF_VARS.fd of a 4 MiB build, as QEMU maps it before the firmware runs. */
export function formatOvmfVarsFlash(mem: MemoryState): VarStore {
  const fv = new Uint8Array(NV_STORAGE_VARIABLE_SIZE).fill(0xff);
  fv.fill(0, 0, 16); // ZeroVector
  fv.set(guidToBytes(SYSTEM_NV_DATA_FV_GUID), 16);
  put32(fv, 32, 0x84000); // FvLength (low half)
  put32(fv, 36, 0);
  fv.set([0x5f, 0x46, 0x56, 0x48], 40); // "_FVH"
  put32(fv, 44, 0x0004feff); // Attributes
  fv.set([FV_HEADER_LENGTH, 0x00, 0xaf, 0xb8, 0x00, 0x00, 0x00, 0x02], 48); // HeaderLength, Checksum, ExtHeaderOffset, Reserved, Revision
  put32(fv, 56, 0x84); // BlockMap[0].NumBlocks
  put32(fv, 60, 0x1000); // BlockMap[0].Length
  fv.fill(0, 64, 72); // BlockMap[1]: end
  const storeSize = NV_STORAGE_VARIABLE_SIZE - FV_HEADER_LENGTH;
  writeStoreHeader(fv, FV_HEADER_LENGTH, storeSize);
  writeBytes(mem, OVMF_VARS_FLASH_BASE, fv);
  // NV_FTW_WORKING: EFI_FAULT_TOLERANT_WORKING_BLOCK_HEADER {Signature, Crc, valid bits, WriteQueueSize 0xFE0}.
  const work = new Uint8Array(0x1000).fill(0xff);
  work.set(guidToBytes(WORKING_BLOCK_SIGNATURE_GUID), 0);
  work.set([0x2c, 0xaf, 0x2c, 0x64, 0xfe, 0xff, 0xff, 0xff, 0xe0, 0x0f, 0, 0, 0, 0, 0, 0], 16);
  writeBytes(mem, OVMF_VARS_FLASH_BASE + NV_FTW_WORKING_OFFSET, work);
  return { base: OVMF_VARS_FLASH_BASE + FV_HEADER_LENGTH, size: storeSize, volatile: false };
}

function writeStoreHeader(b: Uint8Array, o: number, size: number): void {
  b.set(guidToBytes(AUTH_VARIABLE_GUID), o);
  put32(b, o + 16, size);
  b[o + 20] = VARIABLE_STORE_FORMATTED;
  b[o + 21] = VARIABLE_STORE_HEALTHY;
  b.fill(0, o + 22, o + 28);
}

/** VariableCommonInitialize's volatile store: a store header at `base` (in SMRAM). */
export function formatVolatileStore(mem: MemoryState, base: number, size: number): VarStore {
  const h = new Uint8Array(VARIABLE_STORE_HEADER_SIZE);
  writeStoreHeader(h, 0, size);
  writeBytes(mem, base, h);
  return { base, size, volatile: true };
}

/** GetStartPointer / GetEndPointer. */
export function storeStart(st: VarStore): number {
  return align4(st.base + VARIABLE_STORE_HEADER_SIZE);
}

export function storeEnd(st: VarStore): number {
  return st.base + st.size;
}

/** `len` bytes at `addr`: a view into the page when they lie in one existing page (no copy), else a copy. */
function peek(mem: MemoryState, addr: number, len: number): Uint8Array {
  const off = addr % PAGE_SIZE;
  if (off + len <= PAGE_SIZE) {
    const p = mem.pages.get(Math.floor(addr / PAGE_SIZE));
    if (p) return p.subarray(off, off + len);
  }
  return readBytes(mem, addr, len);
}

/** Every header of the store in order (IsValidVariableHeader: StartId == 0x55AA), whatever its State. */
export function* variables(mem: MemoryState, st: VarStore): Generator<VarHit> {
  const end = storeEnd(st);
  let p = storeStart(st);
  while (p + AUTH_VARIABLE_HEADER_SIZE <= end) {
    const h = peek(mem, p, AUTH_VARIABLE_HEADER_SIZE);
    if ((h[0] | (h[1] << 8)) !== VARIABLE_DATA) return;
    const nameSize = le32(h, 36);
    const dataSize = le32(h, 40);
    const dataAddr = p + AUTH_VARIABLE_HEADER_SIZE + nameSize + ((4 - (nameSize & 3)) & 3);
    const next = align4(dataAddr + dataSize);
    yield new Hit(mem, st, p, h, h[2], le32(h, 4), nameSize, dataSize, dataAddr, next);
    p = next;
  }
}

/** The first free byte (where the next variable goes). */
export function lastVariableEnd(mem: MemoryState, st: VarStore): number {
  let end = storeStart(st);
  for (const v of variables(mem, st)) end = v.next;
  return end;
}

/** A variable counts while VAR_ADDED is set: State VAR_ADDED, or VAR_ADDED & VAR_IN_DELETED_TRANSITION. */
export function isLive(state: number): boolean {
  return state === VAR_ADDED || state === (VAR_ADDED & VAR_IN_DELETED_TRANSITION);
}

export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** UCS-2 name bytes with the NUL, as StrSize gives them. */
export function ucs2(name: string): Uint8Array {
  const b = new Uint8Array(2 * (name.length + 1));
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    b[2 * i] = c & 0xff;
    b[2 * i + 1] = c >>> 8;
  }
  return b;
}

export function fromUcs2(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    const c = b[i] | (b[i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/**
 * FindVariable over the stores in edk2's order (volatile, then NV): a live variable with this name
 * and GUID, preferring VAR_ADDED over one caught IN_DELETED_TRANSITION. At runtime only
 * EFI_VARIABLE_RUNTIME_ACCESS variables are visible.
 */
export function findVariable(mem: MemoryState, stores: VarStore[], name: Uint8Array, guid: Guid, atRuntime: boolean): VarHit | null {
  let inTransition: VarHit | null = null;
  const gb = guidToBytes(guid);
  for (const st of stores) {
    for (const v of variables(mem, st)) {
      if (!isLive(v.state) || v.nameSize !== name.length || !v.guidIs(gb) || !sameName(v.name, name)) continue;
      if (atRuntime && !(v.attributes & EFI_VARIABLE_RUNTIME_ACCESS)) continue;
      if (v.state === VAR_ADDED) return v;
      inTransition ??= v;
    }
  }
  return inTransition;
}

/** Every live variable in GetNextVariableName order (volatile store first, then NV). */
export function liveVariables(mem: MemoryState, stores: VarStore[], atRuntime: boolean): VarHit[] {
  const out: VarHit[] = [];
  for (const st of stores) {
    for (const v of variables(mem, st)) {
      if (!isLive(v.state)) continue;
      if (atRuntime && !(v.attributes & EFI_VARIABLE_RUNTIME_ACCESS)) continue;
      // An IN_DELETED_TRANSITION copy next to its VAR_ADDED successor shows up once.
      if (v.state !== VAR_ADDED && out.some((o) => o.nameSize === v.nameSize && o.guid === v.guid && sameName(o.name, v.name))) continue;
      out.push(v);
    }
  }
  return out;
}

/** Total bytes a new variable takes in the store (header, name, padding, data, padding). */
export function variableFootprint(nameSize: number, dataSize: number): number {
  return align4(AUTH_VARIABLE_HEADER_SIZE + nameSize + ((4 - (nameSize & 3)) & 3) + dataSize);
}

/**
 * UpdateVariable's write of a new copy: header with State VAR_HEADER_VALID_ONLY, name, data, then
 * State VAR_ADDED (the order edk2 uses so a power cut leaves a recognisable half-written record).
 * Returns the header address, or null when the store is full.
 */
export function appendVariable(mem: MemoryState, st: VarStore, name: Uint8Array, guid: Guid, attributes: number, data: Uint8Array): number | null {
  const at = lastVariableEnd(mem, st);
  const size = variableFootprint(name.length, data.length);
  if (at + size > storeEnd(st)) return null;
  const rec = new Uint8Array(size).fill(st.volatile ? 0 : 0xff);
  rec[0] = VARIABLE_DATA & 0xff;
  rec[1] = VARIABLE_DATA >>> 8;
  rec[2] = VAR_HEADER_VALID_ONLY;
  rec[3] = 0;
  put32(rec, 4, attributes);
  rec.fill(0, 8, 36); // MonotonicCount, TimeStamp, PubKeyIndex: 0 (no authenticated writes in this model)
  put32(rec, 36, name.length);
  put32(rec, 40, data.length);
  rec.set(guidToBytes(guid), 44);
  rec.set(name, AUTH_VARIABLE_HEADER_SIZE);
  const dataOff = AUTH_VARIABLE_HEADER_SIZE + name.length + ((4 - (name.length & 3)) & 3);
  rec.set(data, dataOff);
  writeBytes(mem, at, rec);
  setState(mem, at, VAR_ADDED);
  return at;
}

/** Flash only clears bits: a state change ANDs the new state into the old one, as edk2's writes of the State byte do. */
export function setState(mem: MemoryState, addr: number, state: number): void {
  const old = readBytes(mem, addr + 2, 1)[0];
  writeBytes(mem, addr + 2, new Uint8Array([old & state]));
}
