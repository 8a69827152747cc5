/**
 * UefiCpuPkg/CpuIo2Smm (CpuIo2Mm.c): EFI_MM_CPU_IO_PROTOCOL (= EFI_SMM_CPU_IO2_PROTOCOL), port I/O
 * over the model's I/O bus and "MMIO" over physical memory (the model has no MMIO devices). Its
 * static mSmmCpuIo2 {Mem.Read, Mem.Write, Io.Read, Io.Write} lies at +0x3020 of the image, where
 * the real DEBUG boot log of the pinned commit prints it ("SmmInstallProtocolInterface:
 * 3242A9D8-... 7FFE6020", image at 7FFE3000); the entry point copies it into gSmst->SmmIo, then
 * installs it (CommonCpuIo2Initialize).
 */

import { ioRead, ioWrite, type IoWidth } from '../machine/IoBus';
import { copyBytes, readBytes, write8, writeBytes } from '../machine/Memory';
import type { EfiStatus } from '../lib/EfiStatus';
import { ASSERT_EFI_ERROR } from '../pi/Debug';
import { type Fw } from '../pi/Platform';
import { type Gen, hex, lazyEv, tag } from '../pi/Fw';
import { GUIDS } from '../lib/Guid';
import { addrOf, nativeAddress, oneEventNative, readLE, statusVal, u64Of, writeLE, writeUintn } from '../pi/Native';
import { SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import type { ModuleDef, NativeImpl, NativeOut } from '../pi/Platform';
import { SMM_CPU_IO2_PROTOCOL_SIZE, SMST } from '../pi/Smst';
import type { Val } from '../smmc/Ast';

const MODULE = 'CpuIo2Smm';
export const SMM_CPU_IO2_OFFSET = 0x3020;
/** mStride[]: SMM_IO_UINT8..SMM_IO_UINT64. */
const STRIDE = [1, 2, 4, 8];
/** MAX_IO_PORT_ADDRESS (CpuIo2Mm.h) and MAX_ADDRESS (X64 ProcessorBind.h). */
const MAX_IO_PORT_ADDRESS = 0xffffn;
const MAX_ADDRESS = 0xffffffffffffffffn;
/** The model's own limit on one call (a C loop has its per-SMI budget; a native has none). */
const MAX_MODEL_COUNT = 0x100000n;

/** MM_IO_UINT8 = 0, MM_IO_UINT16 = 1, MM_IO_UINT32 = 2. */
export function* MmCpuIoRead(fw: Fw, width: 0 | 1 | 2, port: number): Gen<[EfiStatus, number]> {
  const bytes = ([1, 2, 4] as IoWidth[])[width];
  const r = ioRead(fw.m, port, bytes);
  yield lazyEv('handler', fw.cpu, () => `${fw.mod.name}: mMmCpuIo->Io.Read (MM_IO_UINT${8 * bytes}, ${hex(port, 2)}, 1) = EFI_SUCCESS, value ${hex(r.value, 2 * bytes)} (${r.device})`);
  return ['EFI_SUCCESS', r.value];
}

/** CpuIoCheckParameter: the checks every member makes, in upstream order; null when they pass. */
export function cpuIoCheckParameter(mmio: boolean, width: number, address: bigint, count: bigint, buffer: number): { status: EfiStatus; why: string } | null {
  if (buffer === 0) return { status: 'EFI_INVALID_PARAMETER', why: 'Buffer is NULL' };
  if (width >>> 0 > 3) return { status: 'EFI_INVALID_PARAMETER', why: `Width ${width} > SMM_IO_UINT64` };
  if (!mmio && width === 3) return { status: 'EFI_INVALID_PARAMETER', why: 'I/O port access with SMM_IO_UINT64' };
  const limit = mmio ? MAX_ADDRESS : MAX_IO_PORT_ADDRESS;
  const w = BigInt(width);
  if (count === 0n) {
    if (address > limit) return { status: 'EFI_UNSUPPORTED', why: `Address ${hex(address)} > ${hex(limit)}` };
  } else {
    const maxCount = limit >> w;
    if (maxCount < count - 1n) return { status: 'EFI_UNSUPPORTED', why: `Count ${hex(count)} runs past ${hex(limit)}` };
    if (address > BigInt.asUintN(64, (maxCount - count + 1n) << w)) return { status: 'EFI_UNSUPPORTED', why: `Address ${hex(address)} + Count runs past ${hex(limit)}` };
  }
  if ((address & BigInt(STRIDE[width] - 1)) !== 0n) return { status: 'EFI_UNSUPPORTED', why: `Address ${hex(address)} is not aligned to ${STRIDE[width]} bytes` };
  return null;
}

const WIDTH_NAME = ['MM_IO_UINT8', 'MM_IO_UINT16', 'MM_IO_UINT32', 'MM_IO_UINT64'];

function refuse(fw: Fw, out: NativeOut, call: () => string, bad: { status: EfiStatus; why: string }): Val {
  out.event = tag(lazyEv('handler', fw.cpu, () => `${fw.mod.name}: ${call()} = ${bad.status} (CpuIoCheckParameter: ${bad.why})`), { status: bad.status });
  return statusVal(bad.status);
}

/**
 * The four members: (This, Width, Address, Count, Buffer). Each does its accesses and reports them
 * in one event at its end (pi/Native.ts oneEventNative: C calls them without a generator).
 */
function member(mmio: boolean, write: boolean): NativeImpl {
  return oneEventNative((fw, args, out) => {
    const { m } = fw;
    if (!mmio && !write) {
      // The common call (every root handler reads 0xB2 this way): one port read of 1, 2 or 4
      // bytes, aligned, below 0x10000, into a buffer: the same checks and the same event as
      // below, in plain numbers.
      const w = args[1];
      const port = args[2];
      const buf = args[4];
      if ((w === 0 || w === 1 || w === 2) && args[3] === 1 && typeof port === 'number' && typeof buf === 'number' && buf !== 0) {
        const stride = STRIDE[w];
        if (port + stride - 1 <= 0xffff && (port & (stride - 1)) === 0) {
          const r = ioRead(m, port, stride as IoWidth);
          for (let i = 0; i < stride; i++) write8(m.s.mem, buf + i, (r.value >>> (8 * i)) & 0xff);
          const v = r.value;
          const device = r.device;
          out.event = lazyEv('handler', fw.cpu, () => `${fw.mod.name}: mMmCpuIo->Io.Read (MM_IO_UINT${8 * stride}, ${hex(port, 2)}, 1) = EFI_SUCCESS, value ${hex(v, 2 * stride)} (${device})`);
          return 0;
        }
      }
    }
    const width = Number(args[1]) | 0;
    const address = u64Of(args[2]);
    const count = u64Of(args[3]);
    const buffer = addrOf(args[4]);
    // Formatted only when the event is read (this runs on every C call of the CPU I/O protocol).
    const call = () => `mMmCpuIo->${mmio ? 'Mem' : 'Io'}.${write ? 'Write' : 'Read'} (${WIDTH_NAME[width] ?? width}, ${hex(address, 2)}, ${count}, ${buffer ? hex(buffer) : 'NULL'})`;
    const bad = cpuIoCheckParameter(mmio, width, address, count, buffer);
    if (bad) return refuse(fw, out, call, bad);
    if (count > MAX_MODEL_COUNT) return refuse(fw, out, call, { status: 'EFI_UNSUPPORTED', why: `SmiScope does at most ${hex(MAX_MODEL_COUNT)} accesses per call` });
    const stride = STRIDE[width];
    const n = Number(count);
    const at = Number(address);
    if (mmio) {
      // No MMIO device in the model: the accesses are RAM reads and writes.
      if (write) writeBytes(m.s.mem, at, readBytes(m.s.mem, buffer, n * stride));
      else copyBytes(m.s.mem, buffer, at, n * stride);
      const first = n > 0 ? readLE(m, write ? at : buffer, stride) : 0n;
      out.event = tag(lazyEv('handler', fw.cpu, () => `${fw.mod.name}: ${call()} = EFI_SUCCESS${n > 0 ? `, first value ${hex(first, 2 * stride)}` : ''} (no MMIO device in SmiScope: physical memory)`), { status: 'EFI_SUCCESS' });
      return statusVal('EFI_SUCCESS');
    }
    const values: number[] = [];
    let raised = false;
    let device = '';
    for (let i = 0; i < n; i++) {
      const port = (at + i * stride) & 0xffff;
      if (write) {
        const v = Number(readLE(m, buffer + i * stride, stride));
        const r = ioWrite(m, port, stride as IoWidth, v);
        if (r.apm?.smi) raised = true;
        values.push(v);
        device = r.device;
      } else {
        const r = ioRead(m, port, stride as IoWidth);
        writeLE(m, buffer + i * stride, stride, BigInt(r.value));
        values.push(r.value);
        device = r.device;
      }
    }
    if (!write && n === 1 && width < 3) {
      // The text the model's own drivers print for their single reads (MmCpuIoRead).
      const v = values[0];
      out.event = lazyEv('handler', fw.cpu, () => `${fw.mod.name}: mMmCpuIo->Io.Read (MM_IO_UINT${8 * stride}, ${hex(at, 2)}, 1) = EFI_SUCCESS, value ${hex(v, 2 * stride)} (${device})`);
      return statusVal('EFI_SUCCESS');
    }
    out.event = tag(lazyEv('handler', fw.cpu, () => `${fw.mod.name}: ${call()} = EFI_SUCCESS, ${write ? 'wrote' : 'read'} ${values.map((v) => hex(v, 2 * stride)).join(' ')}${device ? ` (${device})` : ''}` +
      (raised ? '; the write raises an SMI, which on hardware stays pending until this SMI ends - SmiScope does not deliver an SMI raised from inside SMM' : '')), { status: 'EFI_SUCCESS' });
    return statusVal('EFI_SUCCESS');
  });
}

export const CpuMemoryServiceRead = member(true, false);
export const CpuMemoryServiceWrite = member(true, true);
export const CpuIoServiceRead = member(false, false);
export const CpuIoServiceWrite = member(false, true);

const MEMBERS = ['CpuMemoryServiceRead', 'CpuMemoryServiceWrite', 'CpuIoServiceRead', 'CpuIoServiceWrite'];

/** CommonCpuIo2Initialize: mSmmCpuIo2's bytes, CopyMem (&gMmst->MmIo, &mSmmCpuIo2, ...), install. */
function* entry(fw: Fw): Gen<EfiStatus> {
  const { m } = fw;
  const iface = fw.mod.imageBase + SMM_CPU_IO2_OFFSET;
  MEMBERS.forEach((name, i) => writeUintn(m, iface + 8 * i, nativeAddress(m, MODULE, name)));
  const smst = m.s.smm.smstAddress;
  if (smst !== 0) copyBytes(m.s.mem, smst + SMST.SmmIo, iface, SMM_CPU_IO2_PROTOCOL_SIZE);
  const status = yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuIo2ProtocolGuid, iface);
  ASSERT_EFI_ERROR(fw, status, 'UefiCpuPkg/CpuIo2Smm/CpuIo2Mm.c', 402);
  return status;
}

export const CpuIo2Smm: ModuleDef = {
  name: MODULE,
  fileGuid: 'a47ee2d8-f60e-42fd-8e58-7bd65ee4c29b',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x5000,
  entry,
  handlers: {},
  natives: { CpuMemoryServiceRead, CpuMemoryServiceWrite, CpuIoServiceRead, CpuIoServiceWrite },
  summary: 'Gives SMM drivers I/O-port and MMIO access (EFI_MM_CPU_IO_PROTOCOL)',
  path: 'UefiCpuPkg/CpuIo2Smm/CpuIo2Smm.inf',
  produces: [GUIDS.gEfiSmmCpuIo2ProtocolGuid],
};
