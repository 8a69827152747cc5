/**
 * The Intel save-state map's I/O state field, IOMisc (SMRAM_SAVE_STATE_IOMISC in edk2
 * MdePkg/Include/Register/Intel/SmramSaveStateMap.h; Intel SDM Vol. 3C "I/O State Implementation",
 * Tables 34-5 and 34-6; facts §7.5, §10.7): what a CPU records about the I/O instruction an SMI
 * came right after.
 */

/**
 * IOMisc instruction types (bits 7:4; Intel SDM Vol. 3C Table 34-6, edk2 SMM_IO_TYPE_*). SmiScope's
 * OS side executes `out dx, al|ax|eax` (SmiLifecycle executeOut), so it records OUT_DX.
 */
export const SMM_IO_TYPE = { OUT_DX: 0, IN_DX: 1, OUTS: 2, INS: 3, REP_OUTS: 6, REP_INS: 7, OUT_IMMEDIATE: 8, IN_IMMEDIATE: 9 } as const;

/** The I/O instruction a CPU just retired (CpuState.lastIo): port, length in bytes, IOMisc type. Plain data. */
export interface RetiredIo {
  port: number;
  length: 1 | 2 | 4;
  type: number;
}

/**
 * The Intel map's IOMisc (I/O state field, facts §7.5, §10.7): SmiFlag (bit 0) = 1, Length
 * (bits 3:1, the byte count 1/2/4), Type (bits 7:4), Port (bits 31:16). 0 (SmiFlag clear) when the
 * SMI did not come right after an I/O instruction of this CPU. OUT DX, AL to 0xB2 -> 0x00B20003.
 */
export function ioMiscValue(io: RetiredIo | null | undefined): number {
  if (!io) return 0;
  return (((io.port & 0xffff) << 16) | ((io.type & 0xf) << 4) | ((io.length & 0x7) << 1) | 1) >>> 0;
}

const IO_TYPE_NAME: Record<number, string> = { 0: 'OUT DX', 1: 'IN DX', 2: 'OUTS', 3: 'INS', 6: 'REP OUTS', 7: 'REP INS', 8: 'OUT imm8', 9: 'IN imm8' };

/** IOMisc decoded for event text, e.g. "SmiFlag 1: OUT DX, 1 byte, port 0xB2". */
export function describeIoMisc(v: number): string {
  if (!(v & 1)) return 'SmiFlag 0: the SMI did not come right after an I/O instruction of this CPU';
  const len = (v >>> 1) & 7;
  const type = (v >>> 4) & 0xf;
  return `SmiFlag 1: ${IO_TYPE_NAME[type] ?? `type ${type}`}, ${len} byte${len === 1 ? '' : 's'}, port 0x${(v >>> 16).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC (edk2 SmramSaveStateMap.h): the first revision with IOMisc. */
export const SMRAM_SAVE_STATE_MIN_REV_ID_IOMISC = 0x30004;
