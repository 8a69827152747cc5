/**
 * EFI_HANDLEs of the SMM protocol database (MdeModulePkg/Core/PiSmmCore/Handle.c): an IHANDLE
 * ('shdl') record in the SMM pool, its address the handle C code holds. SmmValidateHandle reads
 * the record's Signature, so a handle is valid exactly while its bytes say so.
 *
 * The model keeps its protocol database as data (SmmCoreState.protocols); only handles are bytes.
 * Interfaces C code installs get the handle it passes or a new one, as upstream. Interfaces the
 * model's TypeScript drivers install carry none until C code asks for one (SmmLocateHandle,
 * SmmHandleProtocol's callers, a notification): then each such driver gets one handle for all its
 * interfaces (upstream, most of them make a new handle per install) - made on demand so the pool
 * addresses the boot prints stay as they were.
 */

import { read32, write32, write64, writeBytes } from '../machine/Memory';
import { type Guid, guidToBytes } from '../lib/Guid';
import type { Machine } from './Platform';
import type { ProtocolEntry } from './SmmCoreState';
import { smmAllocatePool } from './SmramAlloc';

/** EFI_HANDLE_SIGNATURE in PiSmmCore.h: SIGNATURE_32 ('s','h','d','l'). */
export const EFI_HANDLE_SIGNATURE = 0x6c646873;
/** sizeof (IHANDLE): Signature, AllHandles, Protocols, LocateRequest. */
export const IHANDLE_SIZE = 48;
/** PROTOCOL_ENTRY_SIGNATURE: SIGNATURE_32 ('s','p','t','e'); sizeof (PROTOCOL_ENTRY) = 72, ProtocolID @24. */
export const PROTOCOL_ENTRY_SIGNATURE = 0x65747073;
const PROTOCOL_ENTRY_SIZE = 72;

/** A new IHANDLE in the pool (AllocateZeroPool; Signature; empty Protocols list); null when the pool is exhausted. */
export function newHandle(m: Machine): number | null {
  const h = smmAllocatePool(m, IHANDLE_SIZE);
  if (h === null) return null;
  const mem = m.s.mem;
  write64(mem, h, BigInt(EFI_HANDLE_SIGNATURE));
  write64(mem, h + 8, BigInt(h + 8)); // AllHandles: the model keeps the list as data
  write64(mem, h + 16, BigInt(h + 8));
  write64(mem, h + 24, BigInt(h + 24)); // Protocols
  write64(mem, h + 32, BigInt(h + 24));
  write64(mem, h + 40, 0n);
  return h;
}

/** SmmValidateHandle: not NULL and the record's Signature is 'shdl'. */
export function validHandle(m: Machine, h: number): boolean {
  return h !== 0 && read32(m.s.mem, h) === EFI_HANDLE_SIGNATURE && read32(m.s.mem, h + 4) === 0;
}

/** The handle is freed (its last protocol went): Signature = 0, as SmmUninstallProtocolInterface does. */
export function freeHandle(m: Machine, h: number): void {
  write32(m.s.mem, h, 0);
  const mh = m.s.smm.moduleHandles;
  if (mh) for (const k of Object.keys(mh)) if (mh[k] === h) delete mh[k];
}

/** The entry's handle, made on demand for an interface a TypeScript driver installed (0: pool exhausted). */
export function handleOf(m: Machine, e: ProtocolEntry): number {
  if (e.handle !== undefined) return e.handle;
  const smm = m.s.smm;
  const mh = (smm.moduleHandles ??= {});
  let h: number | null | undefined = mh[e.module];
  if (h === undefined || !validHandle(m, h)) {
    h = newHandle(m);
    if (h === null) return 0;
    mh[e.module] = h;
  }
  for (const x of smm.protocols) if (x.handle === undefined && x.module === e.module && x.database === 'smm') x.handle = h;
  return h;
}

/** gHandleList in creation order (first install on each handle), every SMM interface given its handle. */
export function allHandles(m: Machine): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  for (const e of m.s.smm.protocols) {
    const h = handleOf(m, e);
    if (h !== 0 && !seen.has(h)) {
      seen.add(h);
      out.push(h);
    }
  }
  return out;
}

/** The handle an interface of `guid` at `iface` sits on (for a C notification function's Handle argument); 0 when none. */
export function protocolHandle(m: Machine, guid: Guid, iface: number): number {
  const e = m.s.smm.protocols.find((x) => x.guid === guid && x.iface === iface);
  return e ? handleOf(m, e) : 0;
}

/**
 * &ProtEntry->ProtocolID: the GUID in the PROTOCOL_ENTRY ('spte') upstream keeps per protocol,
 * which SmmNotifyProtocol passes to a notification function. Made on demand in the pool; 0 when
 * the pool is exhausted.
 */
export function protocolIdAddress(m: Machine, guid: Guid): number {
  const smm = m.s.smm;
  const pe = (smm.protocolEntries ??= {});
  const known = pe[guid];
  if (known !== undefined) return known + 24;
  const a = smmAllocatePool(m, PROTOCOL_ENTRY_SIZE);
  if (a === null) return 0;
  write64(m.s.mem, a, BigInt(PROTOCOL_ENTRY_SIGNATURE));
  writeBytes(m.s.mem, a + 24, guidToBytes(guid));
  pe[guid] = a;
  return a + 24;
}
