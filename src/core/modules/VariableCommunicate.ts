/**
 * The message a caller sends to VariableSmm's SmmVariableHandler for GetVariable / SetVariable, as
 * MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmmRuntimeDxe.c (RuntimeServiceGetVariable,
 * RuntimeServiceSetVariable) builds it after the Communicate header, and its decoding before and
 * after the call (console `communicate variable get|set`). Layouts: SmmVariableCommon.h.
 *
 *   SMM_VARIABLE_COMMUNICATE_HEADER          { UINTN Function; EFI_STATUS ReturnStatus; }   16 bytes
 *   SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE { EFI_GUID Guid; UINTN DataSize; UINTN NameSize;
 *                                              UINT32 Attributes; CHAR16 Name[]; }          36 + NameSize
 *   then DataSize bytes: the data to set, or room for the data GetVariable returns.
 */

import { statusFromValue } from '../lib/EfiStatus';
import { type Guid, guidFromBytes, guidName } from '../lib/Guid';
import { hex } from '../pi/Fw';
import { EFI_VARIABLE_APPEND_WRITE, EFI_VARIABLE_BOOTSERVICE_ACCESS, EFI_VARIABLE_NON_VOLATILE, EFI_VARIABLE_RUNTIME_ACCESS, fromUcs2, ucs2 } from './VariableStore';
import { ACCESS_VARIABLE_NAME_OFFSET, SMM_VARIABLE_COMMUNICATE_HEADER_SIZE, SMM_VARIABLE_FUNCTION, SMM_VARIABLE_FUNCTION_NAMES, VARIABLE_BUFFER_PAYLOAD_SIZE } from './VariableSmm';
import { accessVariablePayload } from './VariableSmmRuntimeDxe';

/** EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS: what `set` uses unless told. */
export const NV_BS_RT = EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS;

/** The most a request may carry: SmmVariableHandler refuses a payload over mVariableBufferPayloadSize. */
export const MAX_VARIABLE_PAYLOAD = VARIABLE_BUFFER_PAYLOAD_SIZE;

export interface VariableRequest {
  fn: 'get' | 'set';
  name: string;
  guid: Guid;
  /** get: the caller's DataSize (room for the answer); set: ignored (the data's length). */
  dataSize: number;
  attributes: number;
  /** set: the data. */
  data: Uint8Array | null;
}

/**
 * SMM_VARIABLE_COMMUNICATE_HEADER {Function, ReturnStatus = 0} + ACCESS_VARIABLE + Name + data:
 * the Communicate message (what follows EFI_SMM_COMMUNICATE_HEADER or the V3 header). GetVariable
 * sends Attributes 0 and DataSize zero bytes of room, as RuntimeServiceGetVariable does.
 */
export function variableMessage(req: VariableRequest): Uint8Array {
  const name = ucs2(req.name);
  const set = req.fn === 'set';
  const data = set ? (req.data ?? new Uint8Array(0)) : null;
  const payload = accessVariablePayload(req.guid, name, set ? data!.length : req.dataSize, set ? req.attributes : 0, data);
  const msg = new Uint8Array(SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + payload.length);
  new DataView(msg.buffer).setBigUint64(0, BigInt(set ? SMM_VARIABLE_FUNCTION.SET_VARIABLE : SMM_VARIABLE_FUNCTION.GET_VARIABLE), true);
  msg.set(payload, SMM_VARIABLE_COMMUNICATE_HEADER_SIZE);
  return msg;
}

/** "NV|BS|RT": the EFI_VARIABLE_* bits of Attributes. */
export function attributesText(a: number): string {
  const bits: string[] = [];
  if (a & EFI_VARIABLE_NON_VOLATILE) bits.push('NV');
  if (a & EFI_VARIABLE_BOOTSERVICE_ACCESS) bits.push('BS');
  if (a & EFI_VARIABLE_RUNTIME_ACCESS) bits.push('RT');
  if (a & 0x8) bits.push('HR');
  if (a & 0x10) bits.push('AW');
  if (a & 0x20) bits.push('TAW');
  if (a & EFI_VARIABLE_APPEND_WRITE) bits.push('AP');
  const rest = a & ~0x7f;
  if (rest) bits.push(hex(rest));
  return bits.length ? bits.join('|') : '0';
}

function u64(b: Uint8Array, o: number): bigint {
  return o + 8 <= b.length ? new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(o, true) : 0n;
}

/** The data as text when it reads as text: L"..." (UCS-2) or "..." (ASCII), a trailing NUL allowed. */
export function printable(data: Uint8Array): string | null {
  if (data.length === 0) return null;
  const ok = (c: number) => c >= 0x20 && c < 0x7f;
  if (data.length % 2 === 0 && data.length >= 2) {
    let s = '';
    let ucs = true;
    for (let i = 0; i < data.length; i += 2) {
      const c = data[i] | (data[i + 1] << 8);
      if (c === 0 && i === data.length - 2) break;
      if (!ok(c)) {
        ucs = false;
        break;
      }
      s += String.fromCharCode(c);
    }
    if (ucs && s.length > 0) return `L"${s}"`;
  }
  let s = '';
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0 && i === data.length - 1) break;
    if (!ok(data[i])) return null;
    s += String.fromCharCode(data[i]);
  }
  return s.length > 0 ? `"${s}"` : null;
}

/** Hex bytes, 16 to a line (at most `max` bytes shown). */
function hexLines(data: Uint8Array, indent: string, max = 256): string[] {
  const out: string[] = [];
  const n = Math.min(data.length, max);
  for (let i = 0; i < n; i += 16) {
    out.push(indent + Array.from(data.subarray(i, Math.min(i + 16, n)), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' '));
  }
  if (data.length > max) out.push(`${indent}... (${data.length - max} more bytes)`);
  return out;
}

/**
 * The message decoded field by field: SMM_VARIABLE_COMMUNICATE_HEADER (Function by name,
 * ReturnStatus as a status name), then ACCESS_VARIABLE (Guid, DataSize, NameSize, Attributes,
 * Name) and the data, hex and as text when printable. `bytes` is the message as it lies in the
 * buffer (after the Communicate header). `when` says whose values these are.
 */
export function decodeVariableMessage(bytes: Uint8Array, when: 'before' | 'after'): string[] {
  const out: string[] = [];
  if (bytes.length < SMM_VARIABLE_COMMUNICATE_HEADER_SIZE) return [`  (only ${bytes.length} bytes: no SMM_VARIABLE_COMMUNICATE_HEADER)`];
  const fn = Number(u64(bytes, 0));
  const rs = u64(bytes, 8);
  const rsName = statusFromValue(rs);
  const rsText = when === 'before'
    ? `${hex(rs)} (the caller's; SmmVariableHandler writes its answer here)`
    : `${hex(rs)} (${rsName ?? 'not an EFI_STATUS'})`;
  out.push(`  SMM_VARIABLE_COMMUNICATE_HEADER: Function ${fn} (SMM_VARIABLE_FUNCTION_${SMM_VARIABLE_FUNCTION_NAMES[fn] ?? '?'}), ReturnStatus ${rsText}`);
  const p = SMM_VARIABLE_COMMUNICATE_HEADER_SIZE;
  if (bytes.length < p + ACCESS_VARIABLE_NAME_OFFSET) return out;
  const guid = guidFromBytes(bytes, p);
  const dataSize = Number(u64(bytes, p + 16));
  const nameSize = Number(u64(bytes, p + 24));
  const attributes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(p + 32, true);
  const nameAt = p + ACCESS_VARIABLE_NAME_OFFSET;
  const name = bytes.subarray(nameAt, Math.min(nameAt + nameSize, bytes.length));
  out.push(
    `  SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE: Guid ${guidName(guid)}${guidName(guid) === guid ? '' : ` (${guid})`}, ` +
      `DataSize ${hex(dataSize)}, NameSize ${hex(nameSize)}, Attributes ${hex(attributes)} (${attributesText(attributes)}), Name L"${fromUcs2(name)}"`,
  );
  const dataAt = nameAt + nameSize;
  const room = Math.max(0, bytes.length - dataAt);
  const shown = Math.min(dataSize, room);
  const data = bytes.subarray(dataAt, dataAt + shown);
  const fnName = SMM_VARIABLE_FUNCTION_NAMES[fn];
  if (when === 'after' && fnName === 'GET_VARIABLE' && rsName === 'EFI_BUFFER_TOO_SMALL') {
    out.push(`  data: none; DataSize ${hex(dataSize)} is the size the variable needs (the buffer had room for ${hex(room)})`);
    return out;
  }
  if (when === 'after' && fnName === 'GET_VARIABLE' && rsName !== 'EFI_SUCCESS') return out;
  if (when === 'before' && fnName === 'GET_VARIABLE') {
    out.push(`  data: ${hex(room)} bytes of room for the answer`);
    return out;
  }
  const text = printable(data);
  out.push(`  data (${shown} byte${shown === 1 ? '' : 's'})${text ? `: ${text}` : ''}${shown < dataSize ? `; DataSize says ${hex(dataSize)}, the buffer holds ${hex(room)}` : ''}`);
  out.push(...hexLines(data, '    '));
  return out;
}
