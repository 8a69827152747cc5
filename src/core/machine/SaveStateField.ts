/**
 * The vocabulary of an SMRAM save-state map: where the map sits (the SMBASE offsets), what one
 * field is (its offset, width, and where its value comes from), and the plain-data descriptions
 * the UI decodes the bytes with. The layouts built from these are in SaveStateMap.ts; the copies
 * SMM entry and RSM run are in SaveStateCopies.ts.
 *
 * Offsets count from SMBASE + 0x8000 as the SDM and edk2 headers do; the 0x400-byte map lives at
 * SMBASE + 0xFC00 (facts §7.1; edk2 MdePkg/Include/Register/Intel/SmramSaveStateMap.h
 * SMRAM_SAVE_STATE_MAP_OFFSET).
 */

/** One save-state map field, described as data so the UI can decode it from bytes. */
export interface SaveStateFieldDesc {
  name: string;
  /** Offset from SMBASE + 0x8000 (as the SDM and edk2 headers count). */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** Written on SMM entry (QEMU TCG writes only some fields of the AMD64 map; KVM zeroes the rest). */
  written: boolean;
  /** Restored by RSM. */
  restored: boolean;
  note?: string;
}

export interface SaveStateLayoutDesc {
  name: string; // e.g. "AMD64 (QEMU TCG, revision 0x00020064)"
  /**
   * The accelerator whose SMM entry wrote the map (`platform ovmf --accel`); null when no QEMU
   * accelerator is involved and the processor itself writes it (the Intel 64 map): `writer` says so.
   */
  accel: 'tcg' | 'kvm' | null;
  /** Who writes the map, with the upstream file and function (or the manual's table). */
  writer: string;
  /** What that writer means for the fields the CPU does not save. */
  accelNote: string;
  revision: number;
  /** Map begins at SMBASE + mapOffset (0xFC00) and is mapSize (0x400) bytes long. */
  mapOffset: number;
  mapSize: number;
  fields: SaveStateFieldDesc[];
}

export const SMM_DEFAULT_SMBASE = 0x30000;
export const SMM_HANDLER_OFFSET = 0x8000;
export const SMRAM_SAVE_STATE_MAP_OFFSET = 0xfc00;
export const SMRAM_SAVE_STATE_MAP_SIZE = 0x400;
/** Field offsets are relative to SMBASE + 0x8000; the map starts at offset 0x7C00 of that. */
export const MAP_FIELD_BASE = SMRAM_SAVE_STATE_MAP_OFFSET - SMM_HANDLER_OFFSET; // 0x7C00

/**
 * Where a field's value comes from: a register (whole, or one 32-bit half of it: the Intel map
 * splits the descriptor-table bases into a low and a high dword far apart), SMBASE, the
 * revision, 0 ('zero': the CPU writes it, and writes 0 in every case SmiScope models), the I/O
 * state of the instruction the CPU just retired ('ioMisc'), whether the CPU was halted
 * ('autoHalt'), or nothing ('none').
 */
export type FieldSource = { reg: number; half?: 'lo' | 'hi' } | 'smbase' | 'revision' | 'zero' | 'ioMisc' | 'autoHalt' | 'none';

export interface SaveStateField extends SaveStateFieldDesc {
  source: FieldSource;
}

/** The save-state layouts SmiScope models (SaveStateMap.ts builds one of each). */
export type SaveStateLayoutId = 'amd64-qemu' | 'amd64-kvm' | 'intel64';

/** KVM's enter_smm builds a 512-byte image of SMBASE + 0xFE00..0xFFFF, zeroed, and writes it whole. */
export const KVM_SMRAM_IMAGE_OFFSET = 0xfe00;
export const KVM_SMRAM_IMAGE_SIZE = 0x200;
