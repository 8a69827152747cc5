/**
 * The `ovmf` boot after PiSmmCpuDxeSmm registered the SMM entry point: the DXE phase as SMM sees
 * it. It replays, in order, every Communicate SMI of a real boot of the edk2 version SmiScope
 * models (OvmfBootRequests.ts, written by scripts/real-boot-table.ts from a logged QEMU boot),
 * each built as the upstream DXE caller builds it and sent through the real path: PiSmmIpl's
 * Communicate / Communicate3 -> SmmControl2 Trigger on CPU 0 (AL = 0) -> SMI on every CPU ->
 * SmmEntryPoint -> MmiManage -> the GUID handler. Then the OS loader calls ExitBootServices.
 *
 * What the table cannot give, and what the model does instead (also said in the trace):
 *  - the data of SetVariable requests (the log records sizes only): zeros, except the language
 *    variables whose values are PCDs (PcdUefiVariableDefaultLangCodes & co.);
 *  - the attributes of SetVariable (by variable, from the UEFI specification / upstream callers);
 *  - "unnamed" requests: a GetVariable of L"" with the logged size (EFI_NOT_FOUND, nothing changes);
 *  - DXE logic: it is a replay; a request is sent even where the model's answer would have led a
 *    real driver elsewhere (e.g. a GetNextVariableName walk is as long as the logged one).
 */

import { serialNote } from '../machine/Debugcon';
import type { EfiStatus } from '../lib/EfiStatus';
import { ev, type Gen, lazyEv, tag } from '../pi/Fw';
import { type Guid, GUIDS, registerGuidName } from '../lib/Guid';
import { installUefiProtocol } from '../pi/ProtocolDb';
import { CORE_GUIDS } from '../modules/PiSmmCore';
import { iplFw, smmIplDispatchDriver, smmIplEndOfDxeEventNotify, smmIplGuidedEventNotify, smmIplReadyToLockEventNotify } from '../modules/PiSmmIpl';
import { gEfiRuntimeArchProtocolGuid } from '../modules/SmmFaultTolerantWriteDxe';
import { VARIABLE_POLICY_TYPE, type PolicyEntry } from '../modules/VarCheckPolicyLib';
import { SMM_VARIABLE_FUNCTION } from '../modules/VariableSmm';
import { accessVariablePayload, getNextPayload, readNextAnswer, registerVariablePolicyDxe, sendVariableRequest, smmVariableReady } from '../modules/VariableSmmRuntimeDxe';
import { EFI_GLOBAL_VARIABLE_GUID } from '../modules/VariableServices';
import { fromUcs2, ucs2 } from '../modules/VariableStore';
import type { Machine } from '../pi/Platform';
import { OVMF_BOOT_REQUESTS } from '../profiles/OvmfBootRequests';

/**
 * Where the DXE drivers the model runs sit (runtime code, below TSEG): the load addresses of the
 * logged boot, so the interface pointers the DXE core prints look like the real ones.
 */
export const DXE_IMAGE_BASE: Record<string, number> = {
  SmmControl2Dxe: 0x7eec1000,
  PiSmmIpl: 0x7eeb8000,
  VariableSmmRuntimeDxe: 0x7eeae000,
};

export type RequestKind = 'dispatch' | 'endofdxe' | 'readytolock' | 'readytoboot' | 'var' | 'policy';

export interface BootRequest {
  smi: number;
  kind: RequestKind;
  fn: string;
  name: string;
  vendor: string;
  size: number;
  basis: string;
}

let parsed: BootRequest[] | null = null;

/** The table of OvmfBootRequests.ts, parsed once. */
export function bootRequests(): BootRequest[] {
  if (parsed) return parsed;
  parsed = [];
  for (const line of OVMF_BOOT_REQUESTS.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 7) continue;
    parsed.push({ smi: Number(f[0]), kind: f[1] as RequestKind, fn: f[2], name: f[3], vendor: f[4], size: parseInt(f[5], 16), basis: f[6] });
  }
  return parsed;
}

/** Vendor GUIDs of the table's keys (upstream .dec / .inf files). */
export const VENDOR_GUIDS: Record<string, Guid> = {
  global: EFI_GLOBAL_VARIABLE_GUID,
  pcrtc: '378d7b65-8da9-4773-b6e4-a47826a833e1', // gEfiCallerIdGuid of PcAtChipsetPkg/PcatRealTimeClockRuntimeDxe
  mtc: 'eb704011-1402-11d3-8e77-00a0c969723b', // gMtcVendorGuid (MonotonicCounterRuntimeDxe)
  ovmfplatformconfig: '7235c51c-0c80-4cab-87ac-3b084a6304b1', // gOvmfPlatformConfigGuid
  memorytypeinfo: '4c19049f-4137-4dd3-9c10-8b97a83ffdfa', // gEfiMemoryTypeInformationGuid
};
registerGuidName(VENDOR_GUIDS.mtc, 'gMtcVendorGuid');
registerGuidName(VENDOR_GUIDS.ovmfplatformconfig, 'gOvmfPlatformConfigGuid');
registerGuidName(VENDOR_GUIDS.memorytypeinfo, 'gEfiMemoryTypeInformationGuid');

const NV_BS_RT = 0x7;
const BS_RT = 0x6;
const NV_BS = 0x3;
/** Attributes the upstream callers use (UEFI specification section 3.3 for the global variables). */
const VOLATILE_GLOBALS = new Set(['BootOptionSupport', 'LangCodes', 'PlatformLangCodes', 'OsIndicationsSupported', 'ConInDev', 'ConOutDev', 'ErrOutDev', 'BootCurrent']);
function attributesFor(name: string): number {
  if (VOLATILE_GLOBALS.has(name) || name.startsWith('PlatformRecovery')) return BS_RT;
  if (name === 'PlatformConfig' || name === 'MemoryTypeInformation') return NV_BS;
  return NV_BS_RT;
}

/** Values that are PCDs (MdePkg/MdePkg.dec PcdUefiVariableDefault*): used when the logged size matches. */
const KNOWN_DATA: Record<string, string> = {
  LangCodes: 'engfraengfra',
  PlatformLangCodes: 'en;fr;en-US;fr-FR',
  Lang: 'eng',
  PlatformLang: 'en',
};

function dataFor(name: string, size: number): Uint8Array {
  const d = new Uint8Array(size);
  const known = KNOWN_DATA[name];
  if (known !== undefined && known.length + 1 === size) for (let i = 0; i < known.length; i++) d[i] = known.charCodeAt(i);
  return d;
}

/** The VarCheckPolicy registrations, as the upstream callers make them (RegisterBasicVariablePolicy). */
const NO_MAX = 0xffffffff;
function policyFor(name: string): PolicyEntry {
  const n = ucs2(name);
  if (name === 'RTCALARM' || name === 'RTC') {
    // PcRtcEntry.c OnVariablePolicyProtocolNotification: exact size, BS|RT|NV only.
    const size = name === 'RTC' ? 4 : 16;
    return { namespace: VENDOR_GUIDS.pcrtc, minSize: size, maxSize: size, mustHave: NV_BS_RT, cantHave: ~NV_BS_RT >>> 0, lockType: VARIABLE_POLICY_TYPE.NO_LOCK, name: n };
  }
  // BdsEntry.c mReadOnlyVariables and BmLoadOption.c PlatformRecovery####: LOCK_NOW.
  return { namespace: EFI_GLOBAL_VARIABLE_GUID, minSize: 0, maxSize: NO_MAX, mustHave: 0, cantHave: 0, lockType: VARIABLE_POLICY_TYPE.LOCK_NOW, name: n };
}

const ACCESS_OVERHEAD = 16 + 36; // SMM_VARIABLE_COMMUNICATE_HEADER + OFFSET_OF (ACCESS_VARIABLE, Name)
const GET_NEXT_OVERHEAD = 16 + 24;

/** One logged variable request, built as VariableSmmRuntimeDxe builds it and sent through Communicate3. */
function* variableRequest(m: Machine, r: BootRequest, walk: { name: Uint8Array; guid: Guid }): Gen<void> {
  const fnNo = SMM_VARIABLE_FUNCTION[r.fn as keyof typeof SMM_VARIABLE_FUNCTION];
  if (r.fn === 'GET_VARIABLE' || r.fn === 'SET_VARIABLE' || r.fn === '?') {
    const unnamed = r.fn === '?' || r.name === 'unnamed';
    const name = unnamed ? ucs2('') : ucs2(r.name);
    const guid = unnamed ? '00000000-0000-0000-0000-000000000000' : VENDOR_GUIDS[r.vendor] ?? EFI_GLOBAL_VARIABLE_GUID;
    const dataSize = r.size - ACCESS_OVERHEAD - name.length;
    const set = r.fn === 'SET_VARIABLE';
    const payload = accessVariablePayload(guid, name, dataSize, set ? attributesFor(r.name) : 0, set ? dataFor(r.name, dataSize) : null);
    const reply = yield* sendVariableRequest(m, set ? SMM_VARIABLE_FUNCTION.SET_VARIABLE : SMM_VARIABLE_FUNCTION.GET_VARIABLE, payload);
    const st = reply.status;
    yield lazyEv('trigger', 0, () =>
      unnamed
        ? `DXE request #${r.smi} (unnamed): the log does not say which variable or function; the model sent GetVariable (L"") with the logged MessageSize 0x${r.size.toString(16).toUpperCase()} -> ${st} (nothing changes)`
        : `DXE request #${r.smi}: gRT->${set ? 'SetVariable' : 'GetVariable'} (L"${r.name}", DataSize ${dataSize}) via MM Communicate 3 -> ${st} (name from: ${r.basis})`);
    return;
  }
  if (r.fn === 'GET_NEXT_VARIABLE_NAME') {
    const bufferSize = r.size - GET_NEXT_OVERHEAD;
    // A 2-byte name buffer is a walk start (L""); otherwise the caller passes back the previous answer.
    if (bufferSize <= 2) {
      walk.name = ucs2('');
      walk.guid = '00000000-0000-0000-0000-000000000000';
    }
    const input = walk.name.length <= bufferSize ? walk.name : ucs2('');
    const reply = yield* sendVariableRequest(m, SMM_VARIABLE_FUNCTION.GET_NEXT_VARIABLE_NAME, getNextPayload(walk.guid, input, bufferSize));
    const inText = fromUcs2(input);
    if (reply.status === 'EFI_SUCCESS') {
      const a = readNextAnswer(m, reply.payload);
      walk.name = a.name;
      walk.guid = a.guid;
    }
    const outText = fromUcs2(walk.name);
    const st = reply.status;
    yield lazyEv('trigger', 0, () => `DXE request #${r.smi}: gRT->GetNextVariableName (after L"${inText}", buffer ${bufferSize} bytes) -> ${st}${st === 'EFI_SUCCESS' ? ` L"${outText}"` : ''}`);
    return;
  }
  if (fnNo === undefined) throw new Error(`internal: variable function ${r.fn} in the boot table`);
  const payloadSize = r.size - 16;
  const reply = yield* sendVariableRequest(m, fnNo, new Uint8Array(payloadSize));
  const st = reply.status;
  yield lazyEv('trigger', 0, () => `DXE request #${r.smi}: ${r.fn} via MM Communicate 3 -> ${st}`);
}

/** RuntimeDxe installs EFI_RUNTIME_ARCH_PROTOCOL at the start of DXE (SmmFaultTolerantWriteDxe's depex needs it). */
export function installDxeArchProtocols(m: Machine): void {
  if (!m.s.uefiProtocols.some((p) => p.guid === gEfiRuntimeArchProtocolGuid)) {
    m.s.uefiProtocols.push({ guid: gEfiRuntimeArchProtocolGuid, module: 'RuntimeDxe', iface: 0, database: 'uefi' });
  }
}

/**
 * The DXE phase after the first DXE-dispatch event (whose SMI #1 dispatched the rest of the SMM
 * drivers): every remaining request of the table, then ExitBootServices. Returns the number of
 * requests sent.
 */
export function* runOvmfDxePhase(m: Machine): Gen<number> {
  const rows = bootRequests();
  const walk = { name: ucs2(''), guid: '00000000-0000-0000-0000-000000000000' as Guid };
  let sent = 0;
  for (const r of rows) {
    if (r.smi === 1) continue; // the restart round of the first SmmIplDxeDispatchEventNotify, already sent
    if (m.s.hung) return sent;
    switch (r.kind) {
      case 'dispatch':
        yield tag(ev('trigger', 0, `DXE #${r.smi}: the DXE dispatcher finished a pass and signals gEfiEventDxeDispatchGuid -> PiSmmIpl SmmIplDxeDispatchEventNotify`), { boot: 'DXE' });
        yield* smmIplDispatchDriver(m);
        break;
      case 'endofdxe':
        yield tag(ev('trigger', 0, `DXE #${r.smi}: PlatformBootManagerBeforeConsole signals EndOfDxe -> PiSmmIpl SmmIplGuidedEventNotify (and SmmIplEndOfDxeEventNotify: mEndOfDxe = TRUE)`), { boot: 'DXE' });
        smmIplEndOfDxeEventNotify(m);
        yield* smmIplGuidedEventNotify(m, GUIDS.gEfiEndOfDxeEventGroupGuid);
        break;
      case 'readytolock':
        yield tag(ev('trigger', 0, `DXE #${r.smi}: PlatformBootManagerBeforeConsole installs gEfiDxeSmmReadyToLockProtocolGuid -> PiSmmIpl SmmIplReadyToLockEventNotify`), { boot: 'DXE' });
        installUefiProtocol(iplFw(m), GUIDS.gEfiDxeSmmReadyToLockProtocolGuid, 0);
        yield* smmIplReadyToLockEventNotify(m);
        break;
      case 'readytoboot':
        yield tag(ev('trigger', 0, `DXE #${r.smi}: BDS signals ReadyToBoot -> PiSmmIpl SmmIplGuidedEventNotify (SmmIplReadyToLockEventNotify returns at once: SMRAM is already locked)`), { boot: 'DXE' });
        yield* smmIplGuidedEventNotify(m, CORE_GUIDS.gEfiEventReadyToBootGuid);
        break;
      case 'policy': {
        const res = yield* registerVariablePolicyDxe(m, policyFor(r.name));
        const result = res.result;
        const caller = r.name.startsWith('RTC') ? 'PcAtChipsetPkg PcRtcEntry.c' : r.name.startsWith('PlatformRecovery') ? 'UefiBootManagerLib BmLoadOption.c' : 'BdsDxe BdsEntry.c mReadOnlyVariables';
        yield lazyEv('trigger', 0, () => `DXE request #${r.smi}: EDKII_VARIABLE_POLICY_PROTOCOL.RegisterVariablePolicy (L"${r.name}") via MM Communicate 2 -> ${result} (the log has no names for these; the caller the log shows here is ${caller})`);
        break;
      }
      case 'var':
        if (r.fn === 'GET_PAYLOAD_SIZE' && r.smi === 2) {
          // VariableSmmRuntimeDxe's SmmVariableReady: the first variable request of the boot.
          const rec = m.s.modules.find((x) => x.name === 'VariableSmmRuntimeDxe');
          if (rec) {
            rec.imageBase = DXE_IMAGE_BASE.VariableSmmRuntimeDxe;
            rec.state = 'dispatched';
            rec.reason = 'DXE driver; SmmVariableReady ran when VariableSmm announced gEfiSmmVariableProtocolGuid';
            rec.entryStatus = 'EFI_SUCCESS';
          }
          yield ev('trigger', 0, 'DXE #2: VariableSmmRuntimeDxe SmmVariableReady - GetVariablePayloadSize through EFI_MM_COMMUNICATION3_PROTOCOL');
          yield* smmVariableReady(m);
        } else {
          yield* variableRequest(m, r, walk);
        }
        break;
    }
    sent++;
  }
  return sent;
}

/**
 * The OS loader calls gBS->ExitBootServices: VariableSmmRuntimeDxe's OnExitBootServices (TPL_NOTIFY)
 * sends SMM_VARIABLE_FUNCTION_EXIT_BOOT_SERVICE, then PiSmmIpl's SmmIplGuidedEventNotify
 * (TPL_CALLBACK) Communicates gEfiEventExitBootServicesGuid. The logged boots stop in BDS, so these
 * two SMIs come from the upstream code, not from the table.
 */
export function* exitBootServices(m: Machine): Gen<void> {
  yield tag(ev('trigger', 0, 'OS loader: gBS->ExitBootServices - EVT_SIGNAL_EXIT_BOOT_SERVICES notifications run by TPL: VariableSmmRuntimeDxe (TPL_NOTIFY), then PiSmmIpl (TPL_CALLBACK)'), { boot: 'DXE' });
  const reply = yield* sendVariableRequest(m, SMM_VARIABLE_FUNCTION.EXIT_BOOT_SERVICE, new Uint8Array(0));
  const st: EfiStatus | string = reply.status;
  yield lazyEv('trigger', 0, () => `ExitBootServices: SMM_VARIABLE_FUNCTION_EXIT_BOOT_SERVICE -> ${st}`);
  yield* smmIplGuidedEventNotify(m, CORE_GUIDS.gEfiEventExitBootServicesGuid);
  serialNote(m, 'ExitBootServices: the logged real boots stop in BDS; these two Communicate SMIs follow the upstream code (VariableSmmRuntimeDxe OnExitBootServices, PiSmmIpl SmmIplGuidedEventNotify)');
}
