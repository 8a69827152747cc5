/**
 * MdeModulePkg/Library/VarCheckPolicyLib (linked into VariableSmm as a NULL library) and the
 * policy engine it wraps, MdeModulePkg/Library/VariablePolicyLib: a GUID MMI handler on
 * gVarCheckPolicyLibMmiHandlerGuid (VarCheckPolicyLibMmiHandler) that DXE's VariablePolicySmmDxe
 * talks to through EFI_MM_COMMUNICATION2_PROTOCOL, a table of VARIABLE_POLICY_ENTRY records kept
 * as bytes in SMRAM, and ValidateSetVariable, which VarCheckLib calls for every SetVariable after
 * End of DXE. LOCK_ON_VAR_STATE policies are stored but not enforced (simplification).
 */

import { read32, readBytes, write64, writeBytes } from '../machine/Memory';
import { DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import { type EfiStatus, statusValue } from '../lib/EfiStatus';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { hex, lazyEv } from '../pi/Fw';
import { type Guid, guidFromBytes, guidName, registerGuidName } from '../lib/Guid';
import { smmIsBufferOutsideSmmValid } from '../pi/SmmMemLib';
import { smmAllocatePages } from '../pi/SmramAlloc';
import { fromUcs2, sameName } from './VariableStore';

/** MdeModulePkg/MdeModulePkg.dec. */
export const gVarCheckPolicyLibMmiHandlerGuid: Guid = 'da1b0d11-d1a7-46c4-9dc9-f3714875c6eb';
registerGuidName(gVarCheckPolicyLibMmiHandlerGuid, 'gVarCheckPolicyLibMmiHandlerGuid');

/** VAR_CHECK_POLICY_COMM_HEADER (pack 1): Signature 'VCPC', Revision 1, Command, Result (EFI_STATUS). */
export const VAR_CHECK_POLICY_COMM_SIG = 0x43504356;
export const VAR_CHECK_POLICY_COMM_REVISION = 1;
export const VAR_CHECK_POLICY_COMM_HEADER_SIZE = 20;
export const VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE = 0x4000;
export const VAR_CHECK_POLICY_COMMAND = { DISABLE: 1, IS_ENABLED: 2, REGISTER: 3, DUMP: 4, LOCK: 5, GET_INFO: 6, GET_LOCK_VAR_STATE_INFO: 7 } as const;
const COMMAND_NAMES = ['?', 'DISABLE', 'IS_ENABLED', 'REGISTER', 'DUMP', 'LOCK', 'GET_INFO', 'GET_LOCK_VAR_STATE_INFO'];

/** VARIABLE_POLICY_ENTRY (MdeModulePkg/Include/Protocol/VariablePolicy.h, pack 1): 44 bytes, then the name. */
export const VARIABLE_POLICY_ENTRY_SIZE = 44;
export const VARIABLE_POLICY_ENTRY_REVISION = 0x00010000;
export const VARIABLE_POLICY_TYPE = { NO_LOCK: 0, LOCK_NOW: 1, LOCK_ON_CREATE: 2, LOCK_ON_VAR_STATE: 3 } as const;
const LOCK_NAMES = ['NO_LOCK', 'LOCK_NOW', 'LOCK_ON_CREATE', 'LOCK_ON_VAR_STATE'];

const TABLE_BYTES = 0x2000;

export interface PolicyEntry {
  namespace: Guid;
  minSize: number;
  maxSize: number;
  mustHave: number;
  cantHave: number;
  lockType: number;
  /** UCS-2 name with NUL; null = every variable of the namespace. */
  name: Uint8Array | null;
}

/** Builds a VARIABLE_POLICY_ENTRY as VariablePolicyHelperLib's CreateBasicVariablePolicy does. */
export function encodePolicyEntry(p: PolicyEntry): Uint8Array {
  const nameLen = p.name ? p.name.length : 0;
  const b = new Uint8Array(VARIABLE_POLICY_ENTRY_SIZE + nameLen);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, VARIABLE_POLICY_ENTRY_REVISION, true);
  dv.setUint16(4, b.length, true);
  dv.setUint16(6, p.name ? VARIABLE_POLICY_ENTRY_SIZE : b.length, true);
  const g = p.namespace.replace(/-/g, '');
  dv.setUint32(8, parseInt(g.slice(0, 8), 16), true);
  dv.setUint16(12, parseInt(g.slice(8, 12), 16), true);
  dv.setUint16(14, parseInt(g.slice(12, 16), 16), true);
  for (let i = 0; i < 8; i++) b[16 + i] = parseInt(g.slice(16 + 2 * i, 18 + 2 * i), 16);
  dv.setUint32(24, p.minSize, true);
  dv.setUint32(28, p.maxSize, true);
  dv.setUint32(32, p.mustHave, true);
  dv.setUint32(36, p.cantHave, true);
  b[40] = p.lockType;
  if (p.name) b.set(p.name, VARIABLE_POLICY_ENTRY_SIZE);
  return b;
}

function decodePolicyEntry(b: Uint8Array): PolicyEntry {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const size = dv.getUint16(4, true);
  const off = dv.getUint16(6, true);
  return {
    namespace: guidFromBytes(b, 8),
    minSize: dv.getUint32(24, true),
    maxSize: dv.getUint32(28, true),
    mustHave: dv.getUint32(32, true),
    cantHave: dv.getUint32(36, true),
    lockType: b[40],
    name: off < size ? b.slice(off, size) : null,
  };
}

/** VarCheckPolicyLibConstructor / InitVariablePolicyLib: the policy table (bytes in SMRAM) and the flags. */
export function initVariablePolicyLib(fw: Fw): boolean {
  const table = smmAllocatePages(fw.m, TABLE_BYTES, 'VariablePolicyLib mPolicyTable (VARIABLE_POLICY_ENTRY records)', 'core-data');
  if (table === null) return false;
  const g = fw.mod.globals;
  g.mPolicyTable = table;
  g.mCurrentTableUsage = 0;
  g.mCurrentTableCount = 0;
  g.mInterfaceLocked = false;
  g.mProtectionDisabled = false;
  return true;
}

function policies(fw: Fw): { at: number; p: PolicyEntry }[] {
  const g = fw.mod.globals;
  const out: { at: number; p: PolicyEntry }[] = [];
  let at = g.mPolicyTable as number;
  for (let i = 0; i < (g.mCurrentTableCount as number); i++) {
    const size = readBytes(fw.m.s.mem, at + 4, 2);
    const n = size[0] | (size[1] << 8);
    out.push({ at, p: decodePolicyEntry(readBytes(fw.m.s.mem, at, n)) });
    at += n;
  }
  return out;
}

/** RegisterVariablePolicy: refused once locked (EndOfDxe), EFI_ALREADY_STARTED for a second policy on the same variable. */
export function registerVariablePolicy(fw: Fw, entry: Uint8Array): EfiStatus {
  const g = fw.mod.globals;
  if (g.mInterfaceLocked === true) return 'EFI_WRITE_PROTECTED';
  const dv = new DataView(entry.buffer, entry.byteOffset, entry.length);
  const size = dv.getUint16(4, true);
  const off = dv.getUint16(6, true);
  const p = decodePolicyEntry(entry.subarray(0, size));
  // IsValidVariablePolicyStructure, the parts that matter here.
  if (size < VARIABLE_POLICY_ENTRY_SIZE || off > size || p.lockType > 3 || (p.maxSize !== 0 && p.minSize > p.maxSize) || (p.name && (p.name.length % 2 !== 0 || p.name[p.name.length - 2] !== 0 || p.name[p.name.length - 1] !== 0))) {
    return 'EFI_INVALID_PARAMETER';
  }
  for (const q of policies(fw)) {
    if (q.p.namespace === p.namespace && ((q.p.name === null && p.name === null) || (q.p.name !== null && p.name !== null && sameName(q.p.name, p.name)))) return 'EFI_ALREADY_STARTED';
  }
  const used = g.mCurrentTableUsage as number;
  if (used + size > TABLE_BYTES) return 'EFI_OUT_OF_RESOURCES';
  writeBytes(fw.m.s.mem, (g.mPolicyTable as number) + used, entry.subarray(0, size));
  g.mCurrentTableUsage = used + size;
  g.mCurrentTableCount = (g.mCurrentTableCount as number) + 1;
  return 'EFI_SUCCESS';
}

/** LockVariablePolicy (called by VariableSmm's SmmEndOfDxeCallback and by the LOCK command). */
export function lockVariablePolicy(fw: Fw): EfiStatus {
  if (fw.mod.globals.mInterfaceLocked === true) return 'EFI_WRITE_PROTECTED';
  fw.mod.globals.mInterfaceLocked = true;
  return 'EFI_SUCCESS';
}

/**
 * ValidateSetVariable (VariablePolicyLib.c), the check VarCheckLib runs after End of DXE: the best
 * matching policy (an exact name beats a namespace-wide one) limits size and attributes (not for a
 * delete) and may lock the variable.
 */
export function validateSetVariable(fw: Fw, name: Uint8Array, guid: Guid, attributes: number, dataSize: number, exists: boolean): { status: EfiStatus; why: string } {
  if (fw.mod.globals.mProtectionDisabled === true) return { status: 'EFI_SUCCESS', why: 'protection disabled' };
  const all = policies(fw).filter((q) => q.p.namespace === guid);
  const hit = all.find((q) => q.p.name !== null && sameName(q.p.name, name)) ?? all.find((q) => q.p.name === null);
  if (!hit) return { status: 'EFI_SUCCESS', why: 'no policy' };
  const p = hit.p;
  const isDel = dataSize === 0 && (attributes & 0x40) === 0;
  const label = `policy ${LOCK_NAMES[p.lockType] ?? p.lockType} on ${p.name ? `L"${fromUcs2(p.name)}"` : 'the whole namespace'}`;
  if (!isDel) {
    if ((p.minSize > 0 && dataSize < p.minSize) || (p.maxSize > 0 && dataSize > p.maxSize)) return { status: 'EFI_INVALID_PARAMETER', why: `${label}: size ${dataSize} outside ${p.minSize}..${p.maxSize}` };
    if ((p.mustHave & attributes) !== p.mustHave || (p.cantHave & attributes) !== 0) return { status: 'EFI_INVALID_PARAMETER', why: `${label}: attributes ${hex(attributes)}` };
  }
  if (p.lockType === VARIABLE_POLICY_TYPE.LOCK_NOW) return { status: 'EFI_WRITE_PROTECTED', why: label };
  if (p.lockType === VARIABLE_POLICY_TYPE.LOCK_ON_CREATE && exists) return { status: 'EFI_WRITE_PROTECTED', why: `${label}: it exists` };
  return { status: 'EFI_SUCCESS', why: label };
}

/** VarCheckPolicyLibMmiHandler: checks, a copy into SMRAM (mSecurityEvalBuffer), then the command. */
export const VarCheckPolicyLibMmiHandler: MmiHandlerFn = function* (fw, _h, _ctx, commBuffer, commBufferSize) {
  const { m } = fw;
  const mem = m.s.mem;
  if (commBuffer === 0 || commBufferSize === null) {
    DEBUG(fw, DEBUG_INFO, '%a - Invalid comm buffer pointers!\n', 'VarCheckPolicyLibMmiHandler');
    return 'EFI_INVALID_PARAMETER';
  }
  const size = commBufferSize.value;
  if (size > VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE || smmIsBufferOutsideSmmValid(m, commBuffer, size) !== null) {
    DEBUG(fw, DEBUG_ERROR, '%a - Invalid Primary Buffer (CommBuffer) supplied! 0x%016lX[0x%016lX]\n', 'VarCheckPolicyLibMmiHandler', commBuffer, size);
    return 'EFI_INVALID_PARAMETER';
  }
  if (size < VAR_CHECK_POLICY_COMM_HEADER_SIZE) {
    DEBUG(fw, DEBUG_INFO, '%a - Bad comm buffer size! %d < %d\n', 'VarCheckPolicyLibMmiHandler', size, VAR_CHECK_POLICY_COMM_HEADER_SIZE);
    return 'EFI_INVALID_PARAMETER';
  }
  const evalBuf = fw.mod.globals.mSecurityEvalBuffer as number;
  writeBytes(mem, evalBuf, readBytes(mem, commBuffer, size));
  const sig = read32(mem, evalBuf);
  const rev = read32(mem, evalBuf + 4);
  const cmd = read32(mem, evalBuf + 8);
  const setResult = (s: EfiStatus) => write64(mem, commBuffer + 12, statusValue(s));
  if (sig !== VAR_CHECK_POLICY_COMM_SIG || rev !== VAR_CHECK_POLICY_COMM_REVISION) {
    DEBUG(fw, DEBUG_INFO, '%a - Signature or revision are incorrect!\n', 'VarCheckPolicyLibMmiHandler');
    setResult('EFI_INVALID_PARAMETER');
    return 'EFI_SUCCESS';
  }
  let result: EfiStatus = 'EFI_ABORTED';
  let what = '';
  switch (cmd) {
    case VAR_CHECK_POLICY_COMMAND.DISABLE:
      // PcdAllowVariablePolicyEnforcementDisable is FALSE on OVMF.
      result = 'EFI_WRITE_PROTECTED';
      what = 'DisableVariablePolicy: PcdAllowVariablePolicyEnforcementDisable is FALSE';
      break;
    case VAR_CHECK_POLICY_COMMAND.IS_ENABLED:
      if (size < VAR_CHECK_POLICY_COMM_HEADER_SIZE + 1) result = 'EFI_INVALID_PARAMETER';
      else {
        writeBytes(mem, commBuffer + VAR_CHECK_POLICY_COMM_HEADER_SIZE, new Uint8Array([fw.mod.globals.mProtectionDisabled === true ? 0 : 1]));
        result = 'EFI_SUCCESS';
      }
      break;
    case VAR_CHECK_POLICY_COMMAND.REGISTER: {
      const entryAt = evalBuf + VAR_CHECK_POLICY_COMM_HEADER_SIZE;
      const head = readBytes(mem, entryAt, VARIABLE_POLICY_ENTRY_SIZE);
      const dv = new DataView(head.buffer);
      const esize = dv.getUint16(4, true);
      if (size < VAR_CHECK_POLICY_COMM_HEADER_SIZE + VARIABLE_POLICY_ENTRY_SIZE || dv.getUint32(0, true) !== VARIABLE_POLICY_ENTRY_REVISION || esize < VARIABLE_POLICY_ENTRY_SIZE || size < VAR_CHECK_POLICY_COMM_HEADER_SIZE + esize) {
        DEBUG(fw, DEBUG_INFO, '%a - Bad policy entry contents!\n', 'VarCheckPolicyLibMmiHandler');
        result = 'EFI_INVALID_PARAMETER';
        break;
      }
      const entry = readBytes(mem, entryAt, esize);
      result = registerVariablePolicy(fw, entry);
      const p = decodePolicyEntry(entry);
      what = `RegisterVariablePolicy (${guidName(p.namespace)}, ${p.name ? `L"${fromUcs2(p.name)}"` : 'any name'}, ${LOCK_NAMES[p.lockType] ?? p.lockType})`;
      break;
    }
    case VAR_CHECK_POLICY_COMMAND.LOCK:
      result = lockVariablePolicy(fw);
      break;
    default:
      what = `command ${cmd} (${COMMAND_NAMES[cmd] ?? 'unknown'}) is not modelled: Result stays EFI_ABORTED`;
  }
  setResult(result);
  const shown = what;
  yield lazyEv('handler', fw.cpu, () => `VarCheckPolicyLibMmiHandler: ${COMMAND_NAMES[cmd] ?? cmd}${shown ? ` - ${shown}` : ''}; Result (CommBuffer+0xC) = ${result}`);
  return 'EFI_SUCCESS';
};
