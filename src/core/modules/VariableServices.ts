/**
 * The variable services VariableSmm runs on behalf of its MMI handler, after
 * MdeModulePkg/Universal/Variable/RuntimeDxe/Variable.c: VariableServiceGetVariable,
 * VariableServiceGetNextVariableName, VariableServiceSetVariable (with UpdateVariable and
 * AutoUpdateLangVariable) and VariableServiceQueryVariableInfo, over the store bytes of
 * VariableStore.ts. Authenticated writes are not modelled (AuthVariableLib returns
 * EFI_UNSUPPORTED on this OVMF build, so edk2 itself runs without them); VarCheckUefiLib's checks
 * of UEFI-defined variables are not modelled; VarCheckPolicyLib's are.
 */

import { readBytes } from '../machine/Memory';
import { DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import type { Fw } from '../pi/Platform';
import { type Guid, registerGuidName } from '../lib/Guid';
import { validateSetVariable } from './VarCheckPolicyLib';
import { appendVariable, AUTH_VARIABLE_HEADER_SIZE, EFI_VARIABLE_APPEND_WRITE, EFI_VARIABLE_BOOTSERVICE_ACCESS, EFI_VARIABLE_NON_VOLATILE, EFI_VARIABLE_RUNTIME_ACCESS, findVariable, fromUcs2, lastVariableEnd, liveVariables, sameName, setState, storeEnd, ucs2, VAR_DELETED, VAR_IN_DELETED_TRANSITION, type VarStore } from './VariableStore';

/** gEfiGlobalVariableGuid (MdePkg/MdePkg.dec). */
export const EFI_GLOBAL_VARIABLE_GUID: Guid = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
registerGuidName(EFI_GLOBAL_VARIABLE_GUID, 'gEfiGlobalVariableGuid');
/** PcdMaxVariableSize / PcdMaxAuthVariableSize (OvmfPkg/OvmfPkgX64.dsc, 4 MiB build). */
export const MAX_VARIABLE_SIZE = 0x8400;
const EFI_VARIABLE_ATTRIBUTES_MASK = 0x7f;

/** VariableSmm's mVariableModuleGlobal, as far as the model keeps it (in the module's globals). */
export interface VarGlobal {
  stores: VarStore[];
  endOfDxe: boolean;
  atRuntime: boolean;
  /** VariableWriteServiceInitialize ran (SMM FTW protocol found): NV writes allowed. */
  writeReady: boolean;
}

export function varGlobal(fw: Fw): VarGlobal {
  const g = fw.mod.globals;
  return {
    stores: [
      { base: g.volatileBase as number, size: g.volatileSize as number, volatile: true },
      { base: g.nvBase as number, size: g.nvSize as number, volatile: false },
    ],
    endOfDxe: g.mEndOfDxe === true,
    atRuntime: g.mAtRuntime === true,
    writeReady: g.writeReady === true,
  };
}

export interface GetResult {
  status: EfiStatus;
  dataSize: number;
  attributes: number | null;
  data: Uint8Array | null;
}

/** VariableServiceGetVariable: NOT_FOUND for L"" or no match, BUFFER_TOO_SMALL (with the size) when *DataSize is short. */
export function getVariable(fw: Fw, name: Uint8Array, guid: Guid, dataSize: number): GetResult {
  const vg = varGlobal(fw);
  if (name.length < 2 || (name[0] === 0 && name[1] === 0)) return { status: 'EFI_NOT_FOUND', dataSize, attributes: null, data: null };
  const v = findVariable(fw.m.s.mem, vg.stores, name, guid, vg.atRuntime);
  if (!v) return { status: 'EFI_NOT_FOUND', dataSize, attributes: null, data: null };
  if (dataSize >= v.dataSize) return { status: 'EFI_SUCCESS', dataSize: v.dataSize, attributes: v.attributes, data: readBytes(fw.m.s.mem, v.dataAddr, v.dataSize) };
  return { status: 'EFI_BUFFER_TOO_SMALL', dataSize: v.dataSize, attributes: v.attributes, data: null };
}

export interface NextResult {
  status: EfiStatus;
  nameSize: number;
  name: Uint8Array | null;
  guid: Guid | null;
}

/**
 * VariableServiceGetNextVariableName: the input name must be NUL-terminated inside the buffer;
 * L"" starts the walk; an input that is not a live variable is EFI_INVALID_PARAMETER; the end is
 * EFI_NOT_FOUND; a short buffer is EFI_BUFFER_TOO_SMALL with the size needed.
 */
export function getNextVariableName(fw: Fw, nameBuf: Uint8Array, bufferSize: number, guid: Guid): NextResult {
  const vg = varGlobal(fw);
  const maxLen = Math.floor(bufferSize / 2);
  let len = 0;
  while (len < maxLen && (nameBuf[2 * len] | (nameBuf[2 * len + 1] << 8)) !== 0) len++;
  if (maxLen === 0 || len === maxLen) return { status: 'EFI_INVALID_PARAMETER', nameSize: bufferSize, name: null, guid: null };
  const input = nameBuf.subarray(0, 2 * (len + 1));
  const all = liveVariables(fw.m.s.mem, vg.stores, vg.atRuntime);
  let i = 0;
  if (len > 0) {
    const at = all.findIndex((v) => v.nameSize === input.length && v.guid === guid && sameName(v.name, input));
    if (at < 0) return { status: 'EFI_INVALID_PARAMETER', nameSize: bufferSize, name: null, guid: null };
    i = at + 1;
  }
  if (i >= all.length) return { status: 'EFI_NOT_FOUND', nameSize: bufferSize, name: null, guid: null };
  const v = all[i];
  if (v.nameSize <= bufferSize) return { status: 'EFI_SUCCESS', nameSize: v.nameSize, name: v.name, guid: v.guid };
  return { status: 'EFI_BUFFER_TOO_SMALL', nameSize: v.nameSize, name: null, guid: null };
}

/** What SetVariable did, for the event text. */
export interface SetResult {
  status: EfiStatus;
  /** Formatted only when the trace is read. */
  what: () => string;
}

/** VariableServiceSetVariable, the checks in upstream order, then AutoUpdateLangVariable and UpdateVariable. */
export function setVariable(fw: Fw, name: Uint8Array, guid: Guid, attributes: number, data: Uint8Array): SetResult {
  const vg = varGlobal(fw);
  const text = fromUcs2(name);
  if (name.length < 2 || (name[0] === 0 && name[1] === 0)) return { status: 'EFI_INVALID_PARAMETER', what: () => 'empty VariableName' };
  if (attributes & ~EFI_VARIABLE_ATTRIBUTES_MASK) return { status: 'EFI_INVALID_PARAMETER', what: () => `reserved attribute bits in ${hex8(attributes)}` };
  if ((attributes & (EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_BOOTSERVICE_ACCESS)) === EFI_VARIABLE_RUNTIME_ACCESS) return { status: 'EFI_INVALID_PARAMETER', what: () => 'RUNTIME_ACCESS without BOOTSERVICE_ACCESS' };
  if ((attributes & EFI_VARIABLE_ATTRIBUTES_MASK) === EFI_VARIABLE_NON_VOLATILE) return { status: 'EFI_INVALID_PARAMETER', what: () => 'NON_VOLATILE alone' };
  if (attributes & 0x30) return { status: 'EFI_INVALID_PARAMETER', what: () => 'authenticated write attributes: AuthVariableLib is not available on this build (mVariableModuleGlobal->VariableGlobal.AuthSupport = FALSE)' };
  if (name.length + data.length > MAX_VARIABLE_SIZE - AUTH_VARIABLE_HEADER_SIZE) {
    DEBUG(fw, DEBUG_ERROR, '%a: Failed to set variable \'%s\' with Guid %g\n', 'VariableServiceSetVariable', text, { guid });
    return { status: 'EFI_INVALID_PARAMETER', what: () => `name + data ${hex8(name.length + data.length)} > MaxVariableSize - header` };
  }
  if (vg.endOfDxe) {
    // VarCheckLibSetVariableCheck: only after End of DXE (mVarCheckLibEndOfDxe).
    const existing = findVariable(fw.m.s.mem, vg.stores, name, guid, false);
    const p = validateSetVariable(fw, name, guid, attributes, data.length, existing !== null);
    if (p.status !== 'EFI_SUCCESS') return { status: p.status, what: () => `VarCheckPolicyLib ValidateSetVariable: ${p.why}` };
  }
  const existing = findVariable(fw.m.s.mem, vg.stores, name, guid, false);
  if (existing) {
    if (!(existing.attributes & EFI_VARIABLE_RUNTIME_ACCESS) && vg.atRuntime) return { status: 'EFI_WRITE_PROTECTED', what: () => 'boot-services-only variable at runtime' };
    if (attributes !== 0 && (attributes & ~EFI_VARIABLE_APPEND_WRITE) !== existing.attributes) {
      DEBUG(fw, DEBUG_INFO, '[Variable]: Rewritten a preexisting variable(0x%08x) with different attributes(0x%08x) - %g:%s\n', existing.attributes, attributes, { guid }, text);
      return { status: 'EFI_INVALID_PARAMETER', what: () => `existing attributes ${hex8(existing.attributes)} differ` };
    }
  }
  if (guid === EFI_GLOBAL_VARIABLE_GUID) {
    const lang = autoUpdateLangVariable(fw, text, data);
    if (lang !== 'EFI_SUCCESS') return { status: lang, what: () => 'AutoUpdateLangVariable failed' };
  }
  return updateVariable(fw, name, guid, attributes, data);
}

/** UpdateVariable for a plain (non-authenticated) write: delete, unchanged, or a new copy then the old one deleted. */
export function updateVariable(fw: Fw, name: Uint8Array, guid: Guid, attributes: number, data: Uint8Array): SetResult {
  const mem = fw.m.s.mem;
  const vg = varGlobal(fw);
  const existing = findVariable(mem, vg.stores, name, guid, false);
  const del = (data.length === 0 && !(attributes & EFI_VARIABLE_APPEND_WRITE)) || (attributes & (EFI_VARIABLE_RUNTIME_ACCESS | EFI_VARIABLE_BOOTSERVICE_ACCESS)) === 0;
  const nv = existing ? !existing.store.volatile : (attributes & EFI_VARIABLE_NON_VOLATILE) !== 0;
  if (nv && !vg.writeReady) {
    DEBUG(fw, DEBUG_ERROR, 'Update NV variable before EFI_VARIABLE_WRITE_ARCH_PROTOCOL ready - %r\n', { status: 'EFI_NOT_AVAILABLE_YET' });
    return { status: 'EFI_NOT_AVAILABLE_YET', what: () => 'the NV store is not writable before the SMM FTW protocol is ready' };
  }
  if (existing) {
    if (vg.atRuntime) {
      // UpdateVariable at runtime: volatile variables are read-only, and only NV + RT ones may change.
      if (existing.store.volatile) return { status: 'EFI_WRITE_PROTECTED', what: () => 'volatile variables cannot change after ExitBootServices' };
      if (!(existing.attributes & EFI_VARIABLE_NON_VOLATILE) || !(existing.attributes & EFI_VARIABLE_RUNTIME_ACCESS)) return { status: 'EFI_INVALID_PARAMETER', what: () => 'only NV + RT variables can change after ExitBootServices' };
    }
    if (del) {
      setState(mem, existing.addr, VAR_DELETED);
      return { status: 'EFI_SUCCESS', what: () => `deleted (State &= VAR_DELETED at ${hex8(existing.addr)})` };
    }
    let newData = data;
    if (attributes & EFI_VARIABLE_APPEND_WRITE) {
      const old = readBytes(mem, existing.dataAddr, existing.dataSize);
      newData = new Uint8Array(old.length + data.length);
      newData.set(old);
      newData.set(data, old.length);
    } else if (existing.dataSize === data.length && sameName(readBytes(mem, existing.dataAddr, existing.dataSize), data)) {
      return { status: 'EFI_SUCCESS', what: () => 'same data already stored: nothing written' };
    }
    setState(mem, existing.addr, VAR_IN_DELETED_TRANSITION);
    const at = appendVariable(mem, existing.store, name, guid, existing.attributes, newData);
    if (at === null) {
      const used = lastVariableEnd(mem, existing.store);
      return { status: 'EFI_OUT_OF_RESOURCES', what: () => `store full (${hex8(used)} of ${hex8(storeEnd(existing.store))}; reclaim is not modelled)` };
    }
    setState(mem, existing.addr, VAR_DELETED);
    return { status: 'EFI_SUCCESS', what: () => `new copy at ${hex8(at)} (${newData.length} bytes), old copy at ${hex8(existing.addr)} marked IN_DELETED_TRANSITION then DELETED` };
  }
  if (del) return { status: 'EFI_NOT_FOUND', what: () => 'delete of a variable that does not exist' };
  if (vg.atRuntime && (!(attributes & EFI_VARIABLE_RUNTIME_ACCESS) || !(attributes & EFI_VARIABLE_NON_VOLATILE))) {
    return { status: 'EFI_INVALID_PARAMETER', what: () => 'only NV + RT variables can be created after ExitBootServices' };
  }
  const store = vg.stores[nv ? 1 : 0];
  const at = appendVariable(mem, store, name, guid, attributes & ~EFI_VARIABLE_APPEND_WRITE, data);
  if (at === null) return { status: 'EFI_OUT_OF_RESOURCES', what: () => 'store full (reclaim is not modelled)' };
  return { status: 'EFI_SUCCESS', what: () => `added at ${hex8(at)} in the ${nv ? 'NV (flash)' : 'volatile (SMRAM)'} store (${data.length} bytes)` };
}

/**
 * AutoUpdateLangVariable (Variable.c): LangCodes / PlatformLangCodes are remembered; setting Lang
 * (ISO 639-2) sets PlatformLang (RFC 4646) to the code at the same index, and the reverse.
 */
function autoUpdateLangVariable(fw: Fw, name: string, data: Uint8Array): EfiStatus {
  if (data.length === 0) return 'EFI_SUCCESS';
  const g = fw.mod.globals;
  const ascii = (b: Uint8Array) => {
    let s = '';
    for (const c of b) {
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };
  if (name === 'PlatformLangCodes' || name === 'LangCodes') {
    if (g.mAtRuntime === true) return 'EFI_WRITE_PROTECTED';
    g[name] = ascii(data);
    return 'EFI_SUCCESS';
  }
  if (name !== 'Lang' && name !== 'PlatformLang') return 'EFI_SUCCESS';
  const langCodes = typeof g.LangCodes === 'string' ? g.LangCodes : null;
  const platformCodes = typeof g.PlatformLangCodes === 'string' ? g.PlatformLangCodes : null;
  if (!langCodes || !platformCodes) return 'EFI_SUCCESS';
  const iso: string[] = langCodes.match(/.{3}/g) ?? [];
  const rfc = platformCodes.split(';');
  const value = ascii(data);
  const index = name === 'Lang' ? iso.indexOf(value) : rfc.indexOf(value);
  if (index < 0 || index >= iso.length || index >= rfc.length) return 'EFI_SUCCESS';
  const otherName = name === 'Lang' ? 'PlatformLang' : 'Lang';
  const other = name === 'Lang' ? rfc[index] : iso[index];
  const bytes = new Uint8Array(other.length + 1);
  for (let i = 0; i < other.length; i++) bytes[i] = other.charCodeAt(i);
  const r = updateVariable(fw, ucs2(otherName), EFI_GLOBAL_VARIABLE_GUID, EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, bytes);
  if (name === 'Lang') DEBUG(fw, DEBUG_INFO, 'Variable Driver Auto Update Lang, Lang:%a, PlatformLang:%a Status: %r\n', value, other, { status: r.status });
  else DEBUG(fw, DEBUG_INFO, 'Variable Driver Auto Update PlatformLang, PlatformLang:%a, Lang:%a Status: %r\n', value, other, { status: r.status });
  return r.status;
}

/** VariableServiceQueryVariableInfo for NV or volatile storage (HwErrRec storage is not modelled). */
export function queryVariableInfo(fw: Fw, attributes: number): { status: EfiStatus; max: number; remaining: number; maxVar: number } {
  const vg = varGlobal(fw);
  if ((attributes & (EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)) === 0) return { status: 'EFI_INVALID_PARAMETER', max: 0, remaining: 0, maxVar: 0 };
  if (vg.atRuntime && !(attributes & EFI_VARIABLE_RUNTIME_ACCESS)) return { status: 'EFI_INVALID_PARAMETER', max: 0, remaining: 0, maxVar: 0 };
  const st = vg.stores[attributes & EFI_VARIABLE_NON_VOLATILE ? 1 : 0];
  const max = st.size - 28;
  const used = lastVariableEnd(fw.m.s.mem, st) - (st.base + 28);
  return { status: 'EFI_SUCCESS', max, remaining: max - used, maxVar: MAX_VARIABLE_SIZE - AUTH_VARIABLE_HEADER_SIZE };
}

function hex8(n: number): string {
  return '0x' + n.toString(16).toUpperCase();
}
