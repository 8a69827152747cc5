/**
 * PiSmmCore's data (facts §1.2): the protocol database, the root handler list (mRootSmiEntry),
 * the GUID-typed SMI_ENTRY list (mSmiEntryList), mSmiManageCallingDepth, and gSmmCorePrivate
 * (SMM_CORE_PRIVATE_DATA, shared with PiSmmIpl outside SMRAM).
 */

import type { EfiStatus } from '../lib/EfiStatus';
import type { Guid } from '../lib/Guid';
import type { SmramDescriptor } from './SmramMap';

/** COMM_BUFFER_SMM_DISPATCH_* (PiSmmCorePrivateData.h, shared by PiSmmIpl and PiSmmCore): what SmmDriverDispatchHandler reports back. */
export const COMM_BUFFER_SMM_DISPATCH_ERROR = 0x00;
export const COMM_BUFFER_SMM_DISPATCH_SUCCESS = 0x01;
export const COMM_BUFFER_SMM_DISPATCH_RESTART = 0x02;

/** SMI_HANDLER ('smih'): `handle` is the record's SMRAM address, which is also its DispatchHandle. */
export interface SmiHandlerRec {
  handle: number;
  handler: string;
  module: string;
  toRemove: boolean;
  /**
   * Set when C code registered a Handler pointer that is no function the model knows (`handler`
   * is then that address in hex): SmiManage faults when it calls it.
   */
  address?: number;
}

/** SMI_ENTRY ('smie'): one per HandlerType GUID, handlers in registration order. */
export interface SmiEntryRec {
  guid: Guid;
  address: number;
  handlers: SmiHandlerRec[];
}

export interface ProtocolEntry {
  guid: Guid;
  module: string;
  iface: number;
  database: 'smm' | 'uefi';
  /** The EFI_HANDLE it is installed on (an IHANDLE in SMRAM, pi/SmmHandles.ts); absent until C code needs it. */
  handle?: number;
}

/**
 * Protocol lookups modules made, as plain data (MachineState.protocolLookups): one entry per
 * module, service and GUID, updated by every repeat. What the Protocols tab's "looked up but
 * nobody installed" list and `protocols` are built from.
 */
export interface ProtocolLookup {
  module: string;
  /** gSmst->SmmLocateProtocol (the SMM database) or gBS->LocateProtocol (the UEFI database). */
  service: 'SmmLocateProtocol' | 'LocateProtocol';
  guid: Guid;
  /** What the last such lookup returned. */
  status: EfiStatus;
  count: number;
  /** The SMI the last lookup ran in (MachineState.smiSeq numbering); null outside any SMI. */
  smi: number | null;
}

export interface SmmCorePrivate {
  /** Physical address of gSmmCorePrivate (EfiRuntimeServicesData, outside SMRAM). */
  address: number;
  size: number;
  inSmm: boolean;
  /** CommunicationBuffer (0 = NULL), BufferSize, ReturnStatus. */
  commBuffer: number;
  bufferSize: number;
  returnStatus: EfiStatus;
  smmEntryPointRegistered: boolean;
  /** gSmmCorePrivate->SmmEntryPoint: the address of PiSmmCore's SmmEntryPoint (0 until SmmMain runs). */
  smmEntryPoint: number;
  /**
   * The buffer PiSmmIpl's last SmmCommunicationCommunicate handed over (CommBuffer, *CommSize), kept
   * after SmmEntryPoint sets CommunicationBuffer back to NULL. Model bookkeeping for the debugger's
   * label of the buffer, not a field of SMM_CORE_PRIVATE_DATA; absent until the first Communicate.
   */
  lastRequest?: { address: number; size: number };
}

/** A protocol notification registered with SmmRegisterProtocolNotify (mProtocolDatabase's Notify list). */
export interface ProtocolNotifyRec {
  guid: Guid;
  module: string;
  fn: string;
  /**
   * Set when C code registered it: the PROTOCOL_NOTIFY record's address (its Registration), and
   * Position, how many interfaces of the GUID SmmLocateProtocol / SmmLocateHandle (ByRegisterNotify)
   * have walked past (upstream: the ProtEntry->Protocols link it last returned).
   */
  registration?: number;
  position?: number;
  /** Set when C code registered a Function pointer that is no notification function the model knows (`fn` is then its address in hex). */
  address?: number;
}

export interface SmmCoreState {
  loaded: boolean;
  protocols: ProtocolEntry[];
  root: SmiHandlerRec[];
  entries: SmiEntryRec[];
  /** mSmiManageCallingDepth: deferred removal happens when it returns to 0 (facts §1.4, §1.5). */
  callingDepth: number;
  priv: SmmCorePrivate;
  /** gSmmCoreSmst's address (in PiSmmCore's image; pi/Smst.ts); 0 until SmmMain runs. */
  smstAddress: number;
  /** EFI_SMM_ENTRY_CONTEXT fields SmmEntryPoint copies into the SMST (facts §1.1, §3.5, §8.5). */
  currentlyExecutingCpu: number;
  numberOfCpus: number;
  /** The handle made on demand for the interfaces a TypeScript driver installed, by module (pi/SmmHandles.ts). */
  moduleHandles?: Record<string, number>;
  /** PROTOCOL_ENTRY records made on demand for C notification functions' Protocol argument, by GUID. */
  protocolEntries?: Record<string, number>;
  /** SmmRegisterProtocolNotify registrations, in registration order. */
  notifies: ProtocolNotifyRec[];
  /** mInLegacyBoot (PiSmmCore.c): set by SmmLegacyBootHandler; SmmEntryPoint then ignores gSmmCorePrivate. */
  inLegacyBoot: boolean;
  /** SmmReadyToLockHandler sets gST = gBS = NULL: SMM code can no longer use UEFI boot services. */
  bootServicesGone: boolean;
  smramOpen: boolean;
  smramLocked: boolean;
  endOfDxe: boolean;
  readyToLock: boolean;
  /**
   * PiSmmCpuDxeSmm's PerformRemainingTasks ran after SmmReadyToLock (end of that SMI on the BSP):
   * memory outside SMRAM is no-execute and boot-services / conventional memory not-present.
   */
  pagingLocked?: boolean;
  /** PiSmmCore's Pool.c bins for the drivers' SmmAllocatePool (pi/Pool.ts): free blocks per type and bin. */
  pool?: { free: number[][][] };
  /** PiSmmCpuDxeSmm's Stacks: CPU i's stack is [base + i*size, base + (i+1)*size): known-good page, guard page, SMI stack (smm-c-facts §5.1). */
  smmStacks?: { base: number; size: number };
  dispatcherRunning: boolean;
  /** mScheduledQueue (module names, in order): survives the EFI_NOT_READY return so BEFORE/AFTER order is kept. */
  scheduledQueue: string[];
  requestDispatch: boolean;
  /** SMRAM page allocator: pages are taken top-down. */
  allocTop: number;
  allocBottom: number;
  /** SMRAM pool (core data: SMI_HANDLER / SMI_ENTRY records). */
  poolNext: number;
  poolEnd: number;
  /**
   * gSmmCorePrivate->SmramRanges (PiSmmIpl GetFullSmramRanges, then the SMM core's range carved
   * out by ExecuteSmmCoreFromSmram); PiSmmCore copies it to mFullSmramRanges. Empty before the IPL.
   */
  smramRanges: SmramDescriptor[];
  /** Address of PiSmmCore's static mRootSmiEntry (Smi.c), the SMI_ENTRY of the root handlers. */
  rootSmiEntry: number;
  /**
   * SmmMemLib's globals (MdePkg/Library/SmmMemLib/SmmMemLib.c): what its constructor got from
   * SmmAccess2 GetCapabilities and the CPU HOB. Every driver that links the library gets the
   * same values, so the model keeps one copy.
   */
  memLib: { smramRanges: SmramDescriptor[]; maximumSupportAddress: number };
}
