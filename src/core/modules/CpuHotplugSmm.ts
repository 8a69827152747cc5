/**
 * OvmfPkg/CpuHotplugSmm (facts §4.5): a ROOT MMI handler that reads APM_CNT (0xB2) through
 * EFI_MM_CPU_IO_PROTOCOL and acts only on ICH9_APM_CNT_CPU_HOTPLUG (4); anything else returns
 * EFI_WARN_INTERRUPT_SOURCE_QUIESCED. OVMF has no EFI_MM_SW_DISPATCH_PROTOCOL producer: this root
 * handler is how OVMF handles its one software MMI (seed thread, commit 17efae27acaf).
 */

import { addRegion } from '../pi/Platform';
import { ICH9_APM_CNT, ICH9_APM_CNT_CPU_HOTPLUG } from '../machine/Ich9Lpc';
import { ASSERT, ASSERT_FALSE_TEXT, DEBUG, DEBUG_ERROR } from '../pi/Debug';
import type { EfiStatus } from '../lib/EfiStatus';
import { CpuDeadLoop, ev, type Gen, hex, lazyEv } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { GUIDS } from '../lib/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { SmmLocateProtocol } from '../pi/ProtocolDb';
import { MmCpuIoRead } from './CpuIo2Smm';
import type { ModuleDef } from '../pi/Platform';
import { compileCModule } from '../cdriver/CModule';
import { SHIPPED_SAMPLES } from '../cdriver/ShippedSamples';
import { writeUintn } from '../pi/Native';

const FILE = 'OvmfPkg/CpuHotplugSmm/CpuHotplug.c';

const CpuHotplugMmi: MmiHandlerFn = function* (fw, dispatchHandle, context) {
  ASSERT(fw, dispatchHandle === fw.mod.globals.mDispatchHandle, 'DispatchHandle == mDispatchHandle', FILE, 621);
  ASSERT(fw, context === 0, 'Context == NULL', FILE, 627);
  const [status, apmControl] = yield* MmCpuIoRead(fw, 0, ICH9_APM_CNT);
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, '%a: failed to read ICH9_APM_CNT: %r\n', 'CpuHotplugMmi', { status });
    fatal(fw, 696); // goto Fatal
  }
  if (apmControl !== ICH9_APM_CNT_CPU_HOTPLUG) {
    yield lazyEv('handler', fw.cpu, () => `CpuHotplugMmi: ApmControl ${hex(apmControl, 2)} != ICH9_APM_CNT_CPU_HOTPLUG (0x04): "The MMI is not for us" -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED`);
    return 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED';
  }
  // QemuCpuhpCollectApicIds scans QEMU's CPU hotplug registers at 0x0CD8 (DEBUG_VERBOSE lines only).
  yield ev('handler', fw.cpu, 'CpuHotplugMmi: ApmControl 0x04 = CPU hotplug MMI: QemuCpuhpCollectApicIds finds PluggedCount=0 ToUnplugCount=0 (no hotplug events in this model) -> EFI_SUCCESS');
  return 'EFI_SUCCESS';
};

/**
 * The `Fatal:` label of CpuHotplugMmi and CpuHotplugEntry: ASSERT (FALSE); CpuDeadLoop (). The
 * `return` after it is never reached on OVMF (DEBUG build, PcdDebugPropertyMask dead-loops; the
 * CpuDeadLoop () call does so in any build).
 */
function fatal(fw: Fw, line: number): never {
  ASSERT(fw, false, ASSERT_FALSE_TEXT, FILE, line);
  throw new CpuDeadLoop(fw.cpu, fw.mod.name, `${FILE}: Fatal: CpuDeadLoop ()`);
}

/**
 * CpuHotplugEntry. Only two paths return a status (EFI_UNSUPPORTED: no SMRAM at the default
 * SMBASE, or one possible CPU); every failure after that jumps to Fatal (through the Release*
 * labels, which fall through into it), so the boot hangs instead of loading without the handler.
 */
function* entryWith(fw: Fw, keep: (name: 'mMmCpuIo' | 'mMmCpuService' | 'mDispatchHandle', value: number) => void): Gen<EfiStatus> {
  const { m } = fw;
  if (!m.s.config.defaultSmbaseSmram) return 'EFI_UNSUPPORTED'; // PcdQ35SmramAtDefaultSmbase FALSE
  let [status, iface] = yield* SmmLocateProtocol(fw, GUIDS.gEfiMmCpuIoProtocolGuid);
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, '%a: locate MmCpuIo: %r\n', 'CpuHotplugEntry', { status });
    fatal(fw, 930);
  }
  keep('mMmCpuIo', iface);
  [status, iface] = yield* SmmLocateProtocol(fw, GUIDS.gEfiSmmCpuServiceProtocolGuid);
  if (status !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, '%a: locate MmCpuService: %r\n', 'CpuHotplugEntry', { status });
    fatal(fw, 930);
  }
  keep('mMmCpuService', iface);
  // mCpuHotPlugData->ArrayLength == 1: the possible CPU count is 1, nothing to hot-plug.
  if (m.s.cpus.length === 1) return 'EFI_UNSUPPORTED';
  const [rs, handle] = yield* MmiHandlerRegister(fw, 'CpuHotplugMmi', null);
  if (rs !== 'EFI_SUCCESS') {
    DEBUG(fw, DEBUG_ERROR, '%a: MmiHandlerRegister(): %r\n', 'CpuHotplugEntry', { status: rs });
    fatal(fw, 930); // goto ReleasePostSmmPen, which falls through to Fatal
  }
  keep('mDispatchHandle', handle);
  const d = m.s.config.defaultSmbaseSmram!;
  addRegion(m, { base: d.base + 0x8000, size: 0x1000, kind: 'smi-entry', label: 'CpuHotplugSmm first SMI handler for hot-added CPUs (default SMBASE 0x30000 + 0x8000)' });
  return 'EFI_SUCCESS';
}

function entry(fw: Fw): Gen<EfiStatus> {
  return entryWith(fw, (name, value) => {
    fw.mod.globals[name] = value;
  });
}

export const CpuHotplugSmm: ModuleDef = {
  name: 'CpuHotplugSmm',
  fileGuid: '84eea114-c6be-4445-8f90-51d97863e363',
  kind: 'DXE_SMM_DRIVER',
  depex: 'gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuServiceProtocolGuid',
  imageSize: 0x8000,
  entry,
  handlers: { CpuHotplugMmi },
  summary: 'QEMU CPU hotplug in SMM: a root MMI handler that acts on APM command 0x04 (relocates hot-added CPUs) and ignores every other SMI',
  path: 'OvmfPkg/CpuHotplugSmm/CpuHotplugSmm.inf',
};

/**
 * CpuHotplugSmm with its root handler in SMM-C (src/core/cdriver/samples/CpuHotplugSmm/CpuHotplug.c):
 * the same entry point, which also stores what it located and registered in the C globals
 * mMmCpuIo and mDispatchHandle, and registers the C function CpuHotplugMmi. The image keeps the
 * TypeScript module's size, so every later load address stays the real boot's. Built on first use.
 * It is the one OVMF_MODULES boots (profiles/ovmf.ts): CpuHotplugMmi runs on every SMI at 2 CPUs
 * and more, and one call of it costs about 0.75 µs through the C call path against 0.1 µs for the
 * TypeScript handler above (README, bench section 8). CpuHotplugSmmC.test.ts boots it and holds
 * it to the TypeScript module's boot log.
 */
let cVariant: ModuleDef | null = null;

export function cpuHotplugSmmInC(): ModuleDef {
  if (cVariant === null) {
    const d = compileCModule(SHIPPED_SAMPLES.CpuHotplugSmm, {
      modelEntry: (fw, image) =>
        entryWith(fw, (name, value) => {
          fw.mod.globals[name] = value;
          const sym = image.symbols.get(name);
          if (sym) writeUintn(fw.m, sym.address, value);
        }),
    }).def;
    if (d.imageSize > CpuHotplugSmm.imageSize) throw new Error(`internal: CpuHotplugSmm's C image (${d.imageSize} bytes) outgrew the model's`);
    d.imageSize = CpuHotplugSmm.imageSize;
    d.summary = CpuHotplugSmm.summary;
    d.path = CpuHotplugSmm.path;
    cVariant = d;
  }
  return cVariant;
}
