/**
 * MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmm.c (VariableSmm.inf, OVMF's SMM variable
 * driver; replaces the first version's VariableSmmLite): the UEFI variable store lives in SMM, and
 * DXE's VariableSmmRuntimeDxe sends every GetVariable / GetNextVariableName / SetVariable /
 * QueryVariableInfo of the boot to SmmVariableHandler on gEfiSmmVariableProtocolGuid as an SMI.
 *
 * Buffer layouts (MdeModulePkg/Include/Guid/SmmVariableCommon.h):
 *   SMM_VARIABLE_COMMUNICATE_HEADER          { UINTN Function; EFI_STATUS ReturnStatus; UINT8 Data[]; }
 *   SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE { EFI_GUID Guid; UINTN DataSize; UINTN NameSize;
 *                                              UINT32 Attributes; CHAR16 Name[]; } then the data
 *   SMM_VARIABLE_COMMUNICATE_GET_NEXT_VARIABLE_NAME { EFI_GUID Guid; UINTN NameSize; CHAR16 Name[]; }
 *   SMM_VARIABLE_COMMUNICATE_QUERY_VARIABLE_INFO { UINT64 Max, Remaining, MaxVariableSize; UINT32 Attributes; }
 *   SMM_VARIABLE_COMMUNICATE_GET_PAYLOAD_SIZE { UINTN VariablePayloadSize; }
 * The handler always returns EFI_SUCCESS; the answer is ReturnStatus (CommBuffer + 8). It copies
 * the payload into SMRAM (mVariableBufferPayload) before looking at it, as upstream does against
 * time-of-check/time-of-use attacks, and copies GET results back.
 */

import { copyBytes, read32, read64, readBytes, write64, writeBytes } from '../machine/Memory';
import { DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import { type EfiStatus, statusValue } from '../lib/EfiStatus';
import { type Fw, type MmiHandlerFn, type NotifyFn } from '../pi/Platform';
import { type Gen, hex, lazyEv } from '../pi/Fw';
import { type Guid, GUIDS, guidFromBytes, guidName, guidToBytes, registerGuidName } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { installUefiProtocol, SmmInstallProtocolInterface, smmLocateProtocolQuiet, SmmRegisterProtocolNotify } from '../pi/ProtocolDb';
import { smmIsBufferOutsideSmmValid, smmMemLibConstructor } from '../pi/SmmMemLib';
import { smmAllocatePages } from '../pi/SmramAlloc';
import type { ModuleDef } from '../pi/Platform';
import { CORE_GUIDS } from './PiSmmCore';
import { gEfiSmmFaultTolerantWriteProtocolGuid } from './SmmFaultTolerantWriteDxe';
import { encodePolicyEntry, gVarCheckPolicyLibMmiHandlerGuid, initVariablePolicyLib, lockVariablePolicy, registerVariablePolicy, VarCheckPolicyLibMmiHandler, VARIABLE_POLICY_TYPE } from './VarCheckPolicyLib';
import { getNextVariableName, getVariable, MAX_VARIABLE_SIZE, queryVariableInfo, setVariable, updateVariable } from './VariableServices';
import type { Machine } from '../pi/Platform';
import { AUTH_VARIABLE_HEADER_SIZE, EFI_VARIABLE_BOOTSERVICE_ACCESS, EFI_VARIABLE_NON_VOLATILE, EFI_VARIABLE_RUNTIME_ACCESS, FV_HEADER_LENGTH, findVariable, formatVolatileStore, fromUcs2, isLive, lastVariableEnd, OVMF_VARS_FLASH_BASE, ucs2, VAR_ADDED, VAR_HEADER_VALID_ONLY, VARIABLE_STORE_HEADER_SIZE, type VarStore, variables } from './VariableStore';

/** MdeModulePkg/MdeModulePkg.dec. */
export const gEdkiiSmmVarCheckProtocolGuid: Guid = 'b0d8f3c1-b7de-4c11-bc89-2fb562c8c411';
export const gSmmVariableWriteGuid: Guid = '93ba1826-dffb-45dd-82a7-e7dcaa3bbdf3';
export const gEdkiiVarErrorFlagGuid: Guid = '04b37fe8-f6ae-480b-bdd5-37d98c5e89aa';
registerGuidName(gEdkiiSmmVarCheckProtocolGuid, 'gEdkiiSmmVarCheckProtocolGuid');
registerGuidName(gSmmVariableWriteGuid, 'gSmmVariableWriteGuid');
registerGuidName(gEdkiiVarErrorFlagGuid, 'gEdkiiVarErrorFlagGuid');

export const SMM_VARIABLE_COMMUNICATE_HEADER_SIZE = 16;
/** OFFSET_OF (SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE, Name): GUID 16 + UINTN 8 + UINTN 8 + UINT32 4. */
export const ACCESS_VARIABLE_NAME_OFFSET = 36;
/** OFFSET_OF (SMM_VARIABLE_COMMUNICATE_GET_NEXT_VARIABLE_NAME, Name). */
export const GET_NEXT_NAME_OFFSET = 24;
/** sizeof (SMM_VARIABLE_COMMUNICATE_QUERY_VARIABLE_INFO): three UINT64 and a UINT32, padded to 8. */
export const QUERY_VARIABLE_INFO_SIZE = 32;
/** OFFSET_OF (SMM_VARIABLE_COMMUNICATE_VAR_CHECK_VARIABLE_PROPERTY, Name): GUID, UINTN, VAR_CHECK_VARIABLE_PROPERTY (24). */
const VAR_CHECK_PROPERTY_NAME_OFFSET = 48;
/** mVariableBufferPayloadSize = GetMaxVariableSize () + 48 - sizeof (AUTHENTICATED_VARIABLE_HEADER) = 0x83F4 on OVMF. */
export const VARIABLE_BUFFER_PAYLOAD_SIZE = MAX_VARIABLE_SIZE + VAR_CHECK_PROPERTY_NAME_OFFSET - AUTH_VARIABLE_HEADER_SIZE;
/** PcdVariableStoreSize (OvmfPkg/OvmfPkgX64.dsc, 4 MiB build): the volatile store in SMRAM. */
const VOLATILE_STORE_SIZE = 0x40000;

export const SMM_VARIABLE_FUNCTION = {
  GET_VARIABLE: 1,
  GET_NEXT_VARIABLE_NAME: 2,
  SET_VARIABLE: 3,
  QUERY_VARIABLE_INFO: 4,
  READY_TO_BOOT: 5,
  EXIT_BOOT_SERVICE: 6,
  GET_STATISTICS: 7,
  LOCK_VARIABLE: 8,
  VAR_CHECK_VARIABLE_PROPERTY_SET: 9,
  VAR_CHECK_VARIABLE_PROPERTY_GET: 10,
  GET_PAYLOAD_SIZE: 11,
  INIT_RUNTIME_VARIABLE_CACHE_CONTEXT: 12,
  SYNC_RUNTIME_CACHE: 13,
  GET_RUNTIME_CACHE_INFO: 14,
} as const;
export const SMM_VARIABLE_FUNCTION_NAMES: Record<number, string> = Object.fromEntries(Object.entries(SMM_VARIABLE_FUNCTION).map(([k, v]) => [v, k]));

/** The name's UCS-2 bytes end in a NUL where NameSize says (the handler's "A Null-terminated string" check). */
function nulTerminated(b: Uint8Array, nameSize: number, off: number): boolean {
  return nameSize >= 2 && b[off + nameSize - 2] === 0 && b[off + nameSize - 1] === 0;
}

/** A UINTN field as a number (exact below 2^53; larger values only ever fail the size checks they feed). */
function u64(b: Uint8Array, o: number): number {
  const lo = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  const hi = (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0;
  return hi * 0x100000000 + lo;
}

function putU64(b: Uint8Array, o: number, v: number): void {
  new DataView(b.buffer, b.byteOffset, b.length).setBigUint64(o, BigInt(v), true);
}

const SmmVariableHandler: MmiHandlerFn = function* (fw, _h, _ctx, commBuffer, commBufferSize) {
  const { m } = fw;
  const mem = m.s.mem;
  const g = fw.mod.globals;
  if (commBuffer === 0 || commBufferSize === null) return 'EFI_SUCCESS';
  const size = commBufferSize.value;
  if (size < SMM_VARIABLE_COMMUNICATE_HEADER_SIZE) {
    DEBUG(fw, DEBUG_ERROR, 'SmmVariableHandler: SMM communication buffer size invalid!\n');
    return 'EFI_SUCCESS';
  }
  const payloadSize = size - SMM_VARIABLE_COMMUNICATE_HEADER_SIZE;
  if (payloadSize > VARIABLE_BUFFER_PAYLOAD_SIZE) {
    DEBUG(fw, DEBUG_ERROR, 'SmmVariableHandler: SMM communication buffer payload size invalid!\n');
    return 'EFI_SUCCESS';
  }
  if (smmIsBufferOutsideSmmValid(m, commBuffer, size) !== null) {
    DEBUG(fw, DEBUG_ERROR, 'SmmVariableHandler: SMM Primary Buffer (CommBuffer) is not valid!\n');
    return 'EFI_SUCCESS';
  }
  const fn = Number(read64(mem, commBuffer));
  const dataAt = commBuffer + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE;
  const payloadBuf = g.mVariableBufferPayload as number;
  let status: EfiStatus = 'EFI_UNSUPPORTED';
  let what: () => string = () => '';
  switch (fn) {
    case SMM_VARIABLE_FUNCTION.GET_VARIABLE:
    case SMM_VARIABLE_FUNCTION.SET_VARIABLE: {
      const label = fn === SMM_VARIABLE_FUNCTION.GET_VARIABLE ? 'GetVariable' : 'SetVariable';
      if (payloadSize < ACCESS_VARIABLE_NAME_OFFSET) {
        DEBUG(fw, DEBUG_ERROR, '%a: SMM communication buffer size invalid!\n', label);
        return 'EFI_SUCCESS';
      }
      // CopyMem (mVariableBufferPayload, SmmVariableFunctionHeader->Data, CommBufferPayloadSize): from
      // here on only the SMRAM copy is read, so the OS cannot change the request behind the checks.
      copyBytes(mem, payloadBuf, dataAt, payloadSize);
      const h = readBytes(mem, payloadBuf, ACCESS_VARIABLE_NAME_OFFSET);
      const guid = guidFromBytes(h, 0);
      const dataSize = u64(h, 16);
      const nameSize = u64(h, 24);
      const attributes = new DataView(h.buffer).getUint32(32, true);
      if (ACCESS_VARIABLE_NAME_OFFSET + dataSize + nameSize > payloadSize) {
        DEBUG(fw, DEBUG_ERROR, '%a: Data size exceed communication buffer size limit!\n', label);
        status = 'EFI_ACCESS_DENIED';
        what = () => `${label}: NameSize + DataSize larger than the buffer`;
        break;
      }
      const name = readBytes(mem, payloadBuf + ACCESS_VARIABLE_NAME_OFFSET, nameSize);
      if (!nulTerminated(name, nameSize, 0)) {
        status = 'EFI_ACCESS_DENIED';
        what = () => `${label}: the name is not NUL-terminated inside NameSize`;
        break;
      }
      if (fn === SMM_VARIABLE_FUNCTION.GET_VARIABLE) {
        const r = getVariable(fw, name, guid, dataSize);
        status = r.status;
        putU64(h, 16, r.dataSize);
        if (r.attributes !== null) new DataView(h.buffer).setUint32(32, r.attributes, true);
        writeBytes(mem, payloadBuf, h);
        if (r.data) writeBytes(mem, payloadBuf + ACCESS_VARIABLE_NAME_OFFSET + nameSize, r.data);
        // CopyMem (SmmVariableFunctionHeader->Data, mVariableBufferPayload, CommBufferPayloadSize)
        copyBytes(mem, dataAt, payloadBuf, payloadSize);
        const sizeOut = r.dataSize;
        what = () => `GetVariable (L"${fromUcs2(name)}", ${guidName(guid)}): DataSize in ${hex(dataSize)}, out ${hex(sizeOut)}`;
      } else {
        const data = readBytes(mem, payloadBuf + ACCESS_VARIABLE_NAME_OFFSET + nameSize, dataSize);
        const r = setVariable(fw, name, guid, attributes, data);
        status = r.status;
        what = () => `SetVariable (L"${fromUcs2(name)}", ${guidName(guid)}, Attributes ${hex(attributes)}, ${dataSize} bytes): ${r.what()}`;
      }
      break;
    }
    case SMM_VARIABLE_FUNCTION.GET_NEXT_VARIABLE_NAME: {
      if (payloadSize < GET_NEXT_NAME_OFFSET) {
        DEBUG(fw, DEBUG_ERROR, 'GetNextVariableName: SMM communication buffer size invalid!\n');
        return 'EFI_SUCCESS';
      }
      copyBytes(mem, payloadBuf, dataAt, payloadSize);
      const h = readBytes(mem, payloadBuf, GET_NEXT_NAME_OFFSET);
      const nameSize = u64(h, 16);
      if (GET_NEXT_NAME_OFFSET + nameSize > payloadSize) {
        DEBUG(fw, DEBUG_ERROR, 'GetNextVariableName: Data size exceed communication buffer size limit!\n');
        status = 'EFI_ACCESS_DENIED';
        what = () => 'GetNextVariableName: NameSize larger than the buffer';
        break;
      }
      const nameBufferSize = (payloadSize - GET_NEXT_NAME_OFFSET) & ~1;
      const last = readBytes(mem, payloadBuf + GET_NEXT_NAME_OFFSET + nameBufferSize - 2, 2);
      if (nameBufferSize < 2 || last[0] !== 0 || last[1] !== 0) {
        status = 'EFI_ACCESS_DENIED';
        what = () => 'GetNextVariableName: the name buffer does not end in NUL';
        break;
      }
      const inBytes = readBytes(mem, payloadBuf + GET_NEXT_NAME_OFFSET, nameSize);
      const r = getNextVariableName(fw, inBytes, nameSize, guidFromBytes(h, 0));
      status = r.status;
      if (status === 'EFI_SUCCESS' || status === 'EFI_BUFFER_TOO_SMALL') putU64(h, 16, r.nameSize);
      if (r.name && r.guid) {
        h.set(guidToBytes(r.guid), 0);
        writeBytes(mem, payloadBuf + GET_NEXT_NAME_OFFSET, r.name);
      }
      writeBytes(mem, payloadBuf, h);
      copyBytes(mem, dataAt, payloadBuf, payloadSize);
      what = () => `GetNextVariableName (after L"${fromUcs2(inBytes)}", NameSize ${hex(nameSize)}): ${r.name ? `L"${fromUcs2(r.name)}" ${guidName(r.guid!)}` : `NameSize out ${hex(r.nameSize)}`}`;
      break;
    }
    case SMM_VARIABLE_FUNCTION.QUERY_VARIABLE_INFO: {
      if (payloadSize < QUERY_VARIABLE_INFO_SIZE) {
        DEBUG(fw, DEBUG_ERROR, 'QueryVariableInfo: SMM communication buffer size invalid!\n');
        return 'EFI_SUCCESS';
      }
      const attributes = read32(mem, dataAt + 24);
      const r = queryVariableInfo(fw, attributes);
      status = r.status;
      if (status === 'EFI_SUCCESS') {
        write64(mem, dataAt, BigInt(r.max));
        write64(mem, dataAt + 8, BigInt(r.remaining));
        write64(mem, dataAt + 16, BigInt(r.maxVar));
      }
      what = () => `QueryVariableInfo (Attributes ${hex(attributes)}): max ${hex(r.max)}, remaining ${hex(r.remaining)}, max variable ${hex(r.maxVar)}`;
      break;
    }
    case SMM_VARIABLE_FUNCTION.GET_PAYLOAD_SIZE:
      if (payloadSize < 8) {
        DEBUG(fw, DEBUG_ERROR, 'GetPayloadSize: SMM communication buffer size invalid!\n');
        return 'EFI_SUCCESS';
      }
      write64(mem, dataAt, BigInt(VARIABLE_BUFFER_PAYLOAD_SIZE));
      status = 'EFI_SUCCESS';
      what = () => `GetPayloadSize: mVariableBufferPayloadSize = ${hex(VARIABLE_BUFFER_PAYLOAD_SIZE)} (PcdMaxVariableSize 0x8400 + 0x30 - sizeof (AUTHENTICATED_VARIABLE_HEADER) 0x3C)`;
      break;
    case SMM_VARIABLE_FUNCTION.READY_TO_BOOT:
      if (g.mAtRuntime === true) {
        status = 'EFI_UNSUPPORTED';
        what = () => 'ReadyToBoot after ExitBootServices';
        break;
      }
      if (g.mEndOfDxe !== true) yield* endOfDxeWork(fw);
      status = 'EFI_SUCCESS';
      what = () => 'ReadyToBoot: ReclaimForOS (the store has room, nothing to reclaim)';
      break;
    case SMM_VARIABLE_FUNCTION.EXIT_BOOT_SERVICE:
      g.mAtRuntime = true;
      status = 'EFI_SUCCESS';
      what = () => 'ExitBootServices: mAtRuntime = TRUE - only EFI_VARIABLE_RUNTIME_ACCESS variables are visible from now on';
      break;
    case SMM_VARIABLE_FUNCTION.GET_STATISTICS:
      status = 'EFI_UNSUPPORTED';
      what = () => 'GetStatistics: gVariableInfo is NULL (PcdVariableCollectStatistics is FALSE on OVMF)';
      break;
    case SMM_VARIABLE_FUNCTION.LOCK_VARIABLE: {
      if (g.mEndOfDxe === true) {
        status = 'EFI_ACCESS_DENIED';
        what = () => 'RequestToLock after End of DXE';
        break;
      }
      // VariableLockRequestToLock: a LOCK_NOW variable policy for the name.
      const nameSize = Number(read64(mem, dataAt + 16));
      const name = readBytes(mem, dataAt + GET_NEXT_NAME_OFFSET, Math.min(nameSize, payloadSize - GET_NEXT_NAME_OFFSET));
      const entry = encodePolicyEntry({ namespace: guidFromBytes(readBytes(mem, dataAt, 16)), minSize: 0, maxSize: 0, mustHave: 0, cantHave: 0, lockType: VARIABLE_POLICY_TYPE.LOCK_NOW, name });
      status = registerVariablePolicy(fw, entry);
      what = () => `RequestToLock (L"${fromUcs2(name)}"): RegisterVariablePolicy (LOCK_NOW) - the deprecated EDKII_VARIABLE_LOCK_PROTOCOL path of VariableLockRequestToLock.c`;
      break;
    }
    default:
      status = 'EFI_UNSUPPORTED';
      what = () => `Function ${fn} (${SMM_VARIABLE_FUNCTION_NAMES[fn] ?? 'unknown'})${SMM_VARIABLE_FUNCTION_NAMES[fn] ? ' is not modelled (the runtime variable cache is disabled on this build)' : ''}`;
  }
  write64(mem, commBuffer + 8, statusValue(status));
  const shown = what;
  const st = status;
  yield lazyEv('handler', fw.cpu, () => `SmmVariableHandler ${SMM_VARIABLE_FUNCTION_NAMES[fn] ?? String(fn)}: ${shown()}; ReturnStatus (CommBuffer+8) = ${st}`);
  return 'EFI_SUCCESS';
};

/** The End of DXE work of SmmEndOfDxeCallback (also done by READY_TO_BOOT if End of DXE never came). */
function* endOfDxeWork(fw: Fw): Gen<void> {
  const g = fw.mod.globals;
  lockVariablePolicy(fw);
  g.mEndOfDxe = true;
  // InitializeVariableQuota -> InitializeVarErrorFlag: VarErrorFlag (NV) holds mCurrentBootVarErrFlag (0xFF: no error).
  DEBUG(fw, DEBUG_INFO, 'Initialize variable error flag (%02x)\n', 0xff);
  const name = ucs2('VarErrorFlag');
  const vg = fw.m.s.mem;
  const have = findVariable(vg, [
    { base: g.volatileBase as number, size: g.volatileSize as number, volatile: true },
    { base: g.nvBase as number, size: g.nvSize as number, volatile: false },
  ], name, gEdkiiVarErrorFlagGuid, false);
  if (!have || readBytes(vg, have.dataAddr, 1)[0] !== 0xff) {
    const r = updateVariable(fw, name, gEdkiiVarErrorFlagGuid, EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS, new Uint8Array([0xff]));
    yield lazyEv('handler', fw.cpu, () => `VariableSmm InitializeVarErrorFlag: L"VarErrorFlag" (gEdkiiVarErrorFlagGuid) = 0xFF: ${r.status}, ${r.what()}`);
  }
}

/** SmmEndOfDxeCallback (gEfiMmEndOfDxeProtocolGuid notification). */
const SmmEndOfDxeCallback: NotifyFn = function* (fw) {
  DEBUG(fw, DEBUG_INFO, '[Variable]SMM_END_OF_DXE is signaled\n');
  yield lazyEv('handler', fw.cpu, () => 'VariableSmm SmmEndOfDxeCallback: LockVariablePolicy (no more policies), mEndOfDxe = TRUE (VarCheckLib and variable policies are enforced on every SetVariable from now on)');
  yield* endOfDxeWork(fw);
  return 'EFI_SUCCESS';
};

/**
 * SmmFtwNotificationEvent: once the SMM FTW protocol is there, point at the flash store, bring up
 * the write service (AuthVariableLib says Unsupported on this build) and tell DXE
 * (VariableNotifySmmWriteReady: gSmmVariableWriteGuid in the UEFI database).
 */
const SmmFtwNotificationEvent: NotifyFn = function* (fw) {
  const g = fw.mod.globals;
  if (g.writeReady === true) return 'EFI_SUCCESS';
  // GetFtwProtocol: gMmst->MmLocateProtocol (gEfiSmmFaultTolerantWriteProtocolGuid).
  if (smmLocateProtocolQuiet(fw, gEfiSmmFaultTolerantWriteProtocolGuid)[0] !== 'EFI_SUCCESS') return 'EFI_NOT_FOUND';
  DEBUG(fw, DEBUG_INFO, 'NOTICE - AuthVariableLibInitialize() returns %r!\n', { status: 'EFI_UNSUPPORTED' });
  DEBUG(fw, DEBUG_INFO, 'Variable driver will continue to work without auth variable support!\n');
  g.writeReady = true;
  installUefiProtocol(fw, gSmmVariableWriteGuid, 0);
  yield lazyEv('handler', fw.cpu, () => 'VariableSmm SmmFtwNotificationEvent: the SMM FTW protocol is ready, NV writes are allowed from now on (VariableWriteServiceInitializeSmm); gSmmVariableWriteGuid tells VariableSmmRuntimeDxe');
  return 'EFI_SUCCESS';
};

function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const g = fw.mod.globals;
  // Library constructors: SmmMemLib, VarCheckUefiLib, VarCheckPolicyLib (NULL libraries of VariableSmm in the OVMF DSC).
  smmMemLibConstructor(fw);
  const base = fw.mod.imageBase;
  DEBUG(fw, DEBUG_INFO, 'VarCheckLibRegisterSetVariableCheckHandler - 0x%x %r\n', base + 0xb877, { status: 'EFI_SUCCESS' });
  if (!initVariablePolicyLib(fw)) return 'EFI_OUT_OF_RESOURCES';
  g.mSecurityEvalBuffer = base + 0x10000; // VarCheckPolicyLib's static mSecurityEvalBuffer[VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE]
  const [ps] = yield* MmiHandlerRegister(fw, 'VarCheckPolicyLibMmiHandler', gVarCheckPolicyLibMmiHandlerGuid);
  if (ps !== 'EFI_SUCCESS') return ps;
  DEBUG(fw, DEBUG_INFO, 'VarCheckLibRegisterSetVariableCheckHandler - 0x%x %r\n', base + 0x8273, { status: 'EFI_SUCCESS' });

  // VariableCommonInitialize: the volatile store in SMRAM, the NV store in the flash.
  const vol = smmAllocatePages(m, VOLATILE_STORE_SIZE, 'VariableSmm volatile variable store (PcdVariableStoreSize)', 'core-data');
  if (vol === null) return 'EFI_OUT_OF_RESOURCES';
  const volatileStore = formatVolatileStore(m.s.mem, vol, VOLATILE_STORE_SIZE);
  g.volatileBase = volatileStore.base;
  g.volatileSize = volatileStore.size;
  const nvBase = OVMF_VARS_FLASH_BASE + FV_HEADER_LENGTH;
  const nvSize = read32(m.s.mem, nvBase + 16);
  if (read32(m.s.mem, OVMF_VARS_FLASH_BASE + 40) !== 0x4856465f || nvSize === 0 || nvSize === 0xffffffff) {
    DEBUG(fw, DEBUG_ERROR, 'Firmware Volume for Variable Store is corrupted\n');
    return 'EFI_NOT_FOUND';
  }
  g.nvBase = nvBase;
  g.nvSize = nvSize;
  const common = nvSize - VARIABLE_STORE_HEADER_SIZE;
  DEBUG(fw, DEBUG_INFO, 'Variable driver common space: 0x%x 0x%x 0x%x\n', common, common, common);
  DEBUG(fw, DEBUG_INFO, 'Variable driver will work with auth variable format!\n');

  yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmVariableProtocolGuid);
  yield* SmmInstallProtocolInterface(fw, gEdkiiSmmVarCheckProtocolGuid);
  const payload = smmAllocatePages(m, VARIABLE_BUFFER_PAYLOAD_SIZE, 'VariableSmm mVariableBufferPayload (SMRAM copy of each request)', 'core-data');
  if (payload === null) return 'EFI_OUT_OF_RESOURCES';
  g.mVariableBufferPayload = payload;
  const [hs] = yield* MmiHandlerRegister(fw, 'SmmVariableHandler', GUIDS.gEfiSmmVariableProtocolGuid);
  if (hs !== 'EFI_SUCCESS') return hs;
  // VariableNotifySmmReady: a NULL gEfiSmmVariableProtocolGuid in the UEFI database wakes VariableSmmRuntimeDxe.
  installUefiProtocol(fw, GUIDS.gEfiSmmVariableProtocolGuid, 0);
  yield* SmmRegisterProtocolNotify(fw, CORE_GUIDS.gEfiSmmEndOfDxeProtocolGuid, 'SmmEndOfDxeCallback');
  yield* SmmRegisterProtocolNotify(fw, gEfiSmmFaultTolerantWriteProtocolGuid, 'SmmFtwNotificationEvent');
  yield* SmmFtwNotificationEvent(fw, gEfiSmmFaultTolerantWriteProtocolGuid, 0);
  return 'EFI_SUCCESS';
}

export const VariableSmm: ModuleDef = {
  name: 'VariableSmm',
  fileGuid: '23a089b3-eed5-4ac5-b2ab-43e3298c2343',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x16000,
  entry,
  handlers: { SmmVariableHandler, VarCheckPolicyLibMmiHandler },
  notifies: { SmmEndOfDxeCallback, SmmFtwNotificationEvent },
  summary: 'The UEFI variable store, kept in SMM: SmmVariableHandler answers the Get/Set/GetNext variable requests of DXE and the OS; VarCheckPolicy enforces the variable policies',
  path: 'MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmm.inf',
  produces: [GUIDS.gEfiSmmVariableProtocolGuid, gEdkiiSmmVarCheckProtocolGuid, gSmmVariableWriteGuid],
};

/**
 * The `variables` console command: both stores decoded from their bytes, every record with its
 * State (deleted copies included), as VariableParsing.c walks them.
 */
export function variableStoreReport(m: Machine): string[] {
  const rec = m.s.modules.find((x) => x.name === 'VariableSmm');
  const g = rec?.globals;
  if (!rec || typeof g?.nvBase !== 'number' || typeof g.volatileBase !== 'number') return ['VariableSmm has not run: no variable store yet'];
  const stores: [string, VarStore][] = [
    ['volatile store (SMRAM, PcdVariableStoreSize; free space left as zeros, edk2 fills it with 0xFF)', { base: g.volatileBase, size: g.volatileSize as number, volatile: true }],
    ['NV store (QEMU pflash OVMF_VARS.fd, after the 0x48-byte FV header; one copy, no SMRAM cache, no reclaim)', { base: g.nvBase, size: g.nvSize as number, volatile: false }],
  ];
  const out = [
    'UEFI variable stores (MdeModulePkg VariableFormat.h: VARIABLE_STORE_HEADER, then AUTHENTICATED_VARIABLE_HEADER 60 bytes + name + data, 4-byte aligned)',
    `state: mEndOfDxe=${g.mEndOfDxe === true ? 'TRUE' : 'FALSE'} mAtRuntime=${g.mAtRuntime === true ? 'TRUE' : 'FALSE'} write service ${g.writeReady === true ? 'ready' : 'not ready'}; variable policies: ${g.mCurrentTableCount ?? 0}${g.mInterfaceLocked === true ? ' (locked)' : ''}`,
  ];
  for (const [label, st] of stores) {
    const used = lastVariableEnd(m.s.mem, st) - st.base;
    out.push(`${label}: header at ${hex(st.base)}, Size ${hex(st.size)}, used ${hex(used)}`);
    for (const v of variables(m.s.mem, st)) {
      const state = v.state === VAR_ADDED ? 'ADDED' : isLive(v.state) ? 'ADDED, IN_DELETED_TRANSITION' : v.state === VAR_HEADER_VALID_ONLY ? 'HEADER_VALID_ONLY' : 'DELETED';
      out.push(`  ${hex(v.addr)}  ${state.padEnd(9)}  attr ${hex(v.attributes, 2)}  ${`L"${fromUcs2(v.name)}"`.padEnd(26)} ${guidName(v.guid).padEnd(36)} ${v.dataSize} bytes`);
    }
  }
  return out;
}
