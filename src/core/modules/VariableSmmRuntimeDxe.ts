/**
 * MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmmRuntimeDxe.c (with VariablePolicySmmDxe.c,
 * built into the same driver): the DXE half of the SMM variable stack. It owns the communication
 * buffers and turns gRT->GetVariable & co. into Communicate calls:
 *  - variable requests through EFI_MM_COMMUNICATION3_PROTOCOL: mVariableBuffer starts with an
 *    EFI_MM_COMMUNICATE_HEADER_V3 whose BufferSize is the whole buffer (0x843C) and whose
 *    MessageSize is the SMM_VARIABLE_COMMUNICATE_HEADER plus the payload (InitCommunicateBuffer,
 *    which zeroes the buffer first, and SendCommunicateBuffer);
 *  - VarCheckPolicy requests through EFI_MM_COMMUNICATION2_PROTOCOL with the legacy header over a
 *    16 KiB buffer (VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE).
 * Both buffers are runtime data (the model puts them in its runtime-data region).
 */

import { fill, read64, readBytes, write32, write64, writeBytes } from '../machine/Memory';
import type { Machine } from '../pi/Platform';
import { serialWrite } from '../machine/Debugcon';
import { type EfiStatus, statusFromValue } from '../lib/EfiStatus';
import type { Fw } from '../pi/Platform';
import type { Gen } from '../pi/Fw';
import { type Guid, GUIDS, guidFromBytes, guidToBytes } from '../lib/Guid';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { MM_COMMUNICATE_HEADER_V3_SIZE, SMM_COMMUNICATE_HEADER_SIZE } from '../pi/SmmEntryPoint';
import type { ModuleDef } from '../pi/Platform';
import { type CommunicateResult, MmCommunicationMmCommunicate3, SmmCommunicationMmCommunicate2, writeHeaderV3 } from './PiSmmIpl';
import { encodePolicyEntry, gVarCheckPolicyLibMmiHandlerGuid, type PolicyEntry, VAR_CHECK_POLICY_COMM_HEADER_SIZE, VAR_CHECK_POLICY_COMM_REVISION, VAR_CHECK_POLICY_COMM_SIG, VAR_CHECK_POLICY_COMMAND, VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE } from './VarCheckPolicyLib';
import { ACCESS_VARIABLE_NAME_OFFSET, GET_NEXT_NAME_OFFSET, SMM_VARIABLE_COMMUNICATE_HEADER_SIZE, SMM_VARIABLE_FUNCTION } from './VariableSmm';

/** gEdkiiVariablePolicyProtocolGuid, gEfiVariableArchProtocolGuid (MdeModulePkg.dec, MdePkg.dec). */
const VARIABLE_POLICY_PROTOCOL_GUID: Guid = '81d1675c-86f6-48df-bd95-9a6e4f0925c3';
const VARIABLE_ARCH_PROTOCOL_GUID: Guid = '1e5668e2-8481-11d4-bcf1-0080c73c8881';

/** Where the model puts the driver's buffers inside the runtime-data region. */
const PAYLOAD_QUERY_OFFSET = 0x8000;
const VARIABLE_BUFFER_OFFSET = 0x10000;
const POLICY_BUFFER_OFFSET = 0x20000;

export interface VarReply {
  /** What Communicate returned (the SMM core's ReturnStatus). */
  communicate: EfiStatus;
  /** SMM_VARIABLE_COMMUNICATE_HEADER.ReturnStatus: the variable service's answer. */
  status: EfiStatus | string;
  /** Address of the payload (after the variable function header), to read answers. */
  payload: number;
}

function dxeFw(m: Machine): Fw {
  const mod = m.s.modules.find((x) => x.name === 'VariableSmmRuntimeDxe');
  if (!mod) throw new Error('internal: VariableSmmRuntimeDxe not present');
  return { m, mod, cpu: 0 };
}

function readStatus(m: Machine, at: number): EfiStatus | string {
  const v = read64(m.s.mem, at);
  return statusFromValue(v) ?? '0x' + v.toString(16).toUpperCase();
}

/** GetVariablePayloadSize: its own zeroed 0x50-byte buffer (AllocateZeroPool), GET_PAYLOAD_SIZE through Communicate3. */
function* getVariablePayloadSize(m: Machine): Gen<{ status: EfiStatus | string; size: number }> {
  const at = m.s.config.runtimeDataBase + PAYLOAD_QUERY_OFFSET;
  const commSize = MM_COMMUNICATE_HEADER_V3_SIZE + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + 8;
  fill(m.s.mem, at, commSize, 0);
  writeHeaderV3(m, at, commSize, GUIDS.gEfiSmmVariableProtocolGuid, SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + 8);
  write64(m.s.mem, at + MM_COMMUNICATE_HEADER_V3_SIZE, BigInt(SMM_VARIABLE_FUNCTION.GET_PAYLOAD_SIZE));
  yield* MmCommunicationMmCommunicate3(m, 0, at);
  const status = readStatus(m, at + MM_COMMUNICATE_HEADER_V3_SIZE + 8);
  return { status, size: Number(read64(m.s.mem, at + MM_COMMUNICATE_HEADER_V3_SIZE + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE)) };
}

/**
 * SmmVariableReady (the notification on gEfiSmmVariableProtocolGuid): locate MM Communication 3,
 * ask SMM for the payload size, allocate mVariableBuffer, no runtime cache (no
 * gEdkiiVariableRuntimeCacheInfoHobGuid HOB on OVMF), install the Variable Policy and Variable
 * Architectural protocols.
 */
export function* smmVariableReady(m: Machine): Gen<EfiStatus | string> {
  const fw = dxeFw(m);
  const g = fw.mod.globals;
  const r = yield* getVariablePayloadSize(m);
  g.mVariableBufferPayloadSize = r.size;
  g.mVariableBufferSize = MM_COMMUNICATE_HEADER_V3_SIZE + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + r.size;
  g.mVariableBuffer = m.s.config.runtimeDataBase + VARIABLE_BUFFER_OFFSET;
  g.mMmCommunicationBuffer = m.s.config.runtimeDataBase + POLICY_BUFFER_OFFSET;
  serialWrite(m, 'Variable driver runtime cache is disabled.');
  installUefiProtocol(fw, VARIABLE_POLICY_PROTOCOL_GUID);
  installUefiProtocol(fw, VARIABLE_ARCH_PROTOCOL_GUID, 0);
  return r.status;
}

/** InitCommunicateBuffer + SendCommunicateBuffer for one variable function with `payload` bytes. */
export function* sendVariableRequest(m: Machine, fn: number, payload: Uint8Array): Gen<VarReply> {
  const g = dxeFw(m).mod.globals;
  const buf = g.mVariableBuffer as number;
  const size = g.mVariableBufferSize as number;
  if (typeof buf !== 'number' || payload.length + MM_COMMUNICATE_HEADER_V3_SIZE + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE > size) {
    return { communicate: 'EFI_INVALID_PARAMETER', status: 'EFI_INVALID_PARAMETER', payload: 0 };
  }
  // ZeroMem (mVariableBuffer, mVariableBufferSize). Only this driver writes the buffer and the SMM
  // side copies back the payload it was given, so past the furthest byte the previous request
  // reached the buffer is still zero: zeroing up to there gives the same bytes, cheaper.
  const used = typeof g.dirtyExtent === 'number' ? g.dirtyExtent : size;
  fill(m.s.mem, buf, Math.min(used, size), 0);
  const extent = MM_COMMUNICATE_HEADER_V3_SIZE + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + payload.length;
  g.dirtyExtent = extent;
  writeHeaderV3(m, buf, size, GUIDS.gEfiSmmVariableProtocolGuid, SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + payload.length);
  const fnAt = buf + MM_COMMUNICATE_HEADER_V3_SIZE;
  write64(m.s.mem, fnAt, BigInt(fn));
  writeBytes(m.s.mem, fnAt + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE, payload);
  const r: CommunicateResult = yield* MmCommunicationMmCommunicate3(m, 0, buf);
  return { communicate: r.status, status: readStatus(m, fnAt + 8), payload: fnAt + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE };
}

/** SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE {Guid, DataSize, NameSize, Attributes, Name} + data. */
export function accessVariablePayload(guid: Guid, name: Uint8Array, dataSize: number, attributes: number, data: Uint8Array | null): Uint8Array {
  const p = new Uint8Array(ACCESS_VARIABLE_NAME_OFFSET + name.length + dataSize);
  const dv = new DataView(p.buffer);
  p.set(guidToBytes(guid), 0);
  dv.setBigUint64(16, BigInt(dataSize), true);
  dv.setBigUint64(24, BigInt(name.length), true);
  dv.setUint32(32, attributes, true);
  p.set(name, ACCESS_VARIABLE_NAME_OFFSET);
  if (data) p.set(data.subarray(0, dataSize), ACCESS_VARIABLE_NAME_OFFSET + name.length);
  return p;
}

/** SMM_VARIABLE_COMMUNICATE_GET_NEXT_VARIABLE_NAME {Guid, NameSize = the caller's buffer, Name (zero padded)}. */
export function getNextPayload(guid: Guid, name: Uint8Array, bufferSize: number): Uint8Array {
  const p = new Uint8Array(GET_NEXT_NAME_OFFSET + Math.max(bufferSize, name.length));
  p.set(guidToBytes(guid), 0);
  new DataView(p.buffer).setBigUint64(16, BigInt(bufferSize), true);
  p.set(name, GET_NEXT_NAME_OFFSET);
  return p;
}

/** The GetNextVariableName answer: name (UCS-2 with NUL) and GUID, read from the buffer. */
export function readNextAnswer(m: Machine, payload: number): { name: Uint8Array; guid: Guid } {
  const nameSize = Number(read64(m.s.mem, payload + 16));
  return { guid: guidFromBytes(readBytes(m.s.mem, payload, 16)), name: readBytes(m.s.mem, payload + GET_NEXT_NAME_OFFSET, nameSize) };
}

/**
 * ProtocolRegisterVariablePolicy (VariablePolicySmmDxe.c): the legacy header over the whole 16 KiB
 * buffer (MessageLength = 0x4000 - 0x18), VAR_CHECK_POLICY_COMM_HEADER {'VCPC', 1, REGISTER},
 * the policy entry, EFI_MM_COMMUNICATION2_PROTOCOL.Communicate with *CommSize = 0x4000.
 */
export function* registerVariablePolicyDxe(m: Machine, policy: PolicyEntry): Gen<{ communicate: EfiStatus; result: EfiStatus | string }> {
  const g = dxeFw(m).mod.globals;
  const buf = g.mMmCommunicationBuffer as number;
  const mem = m.s.mem;
  writeBytes(mem, buf, guidToBytes(gVarCheckPolicyLibMmiHandlerGuid));
  write64(mem, buf + 16, BigInt(VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE - SMM_COMMUNICATE_HEADER_SIZE));
  const h = buf + SMM_COMMUNICATE_HEADER_SIZE;
  write32(mem, h, VAR_CHECK_POLICY_COMM_SIG);
  write32(mem, h + 4, VAR_CHECK_POLICY_COMM_REVISION);
  write32(mem, h + 8, VAR_CHECK_POLICY_COMMAND.REGISTER);
  writeBytes(mem, h + VAR_CHECK_POLICY_COMM_HEADER_SIZE, encodePolicyEntry(policy));
  const r = yield* SmmCommunicationMmCommunicate2(m, 0, buf, VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE);
  return { communicate: r.status, result: readStatus(m, h + 12) };
}

// eslint-disable-next-line require-yield
function* entry(): Gen<EfiStatus> {
  // VariableSmmRuntimeInitialize only registers notifications; SmmVariableReady does the work.
  return 'EFI_SUCCESS';
}

export const VariableSmmRuntimeDxe: ModuleDef = {
  name: 'VariableSmmRuntimeDxe',
  fileGuid: '9f7dcade-11ea-448a-a46f-76e003657dd1',
  kind: 'DXE_DRIVER',
  depex: null,
  imageSize: 0xa000,
  entry,
  handlers: {},
  summary: 'The DXE face of the variable services: every gRT->GetVariable / SetVariable and every variable-policy call becomes a Communicate request to VariableSmm',
  path: 'MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmmRuntimeDxe.inf',
  produces: [VARIABLE_POLICY_PROTOCOL_GUID, VARIABLE_ARCH_PROTOCOL_GUID],
};
