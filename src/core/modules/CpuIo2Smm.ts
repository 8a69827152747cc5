/** UefiCpuPkg/CpuIo2Smm: EFI_MM_CPU_IO_PROTOCOL (port I/O from SMM), here over the model's I/O bus. */

import { ioRead, type IoWidth } from '../machine/IoBus';
import type { EfiStatus } from '../lib/EfiStatus';
import { type Fw } from '../pi/Platform';
import { type Gen, hex, lazyEv } from '../pi/Fw';
import { GUIDS } from '../lib/Guid';
import { SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import type { ModuleDef } from '../pi/Platform';

/** MM_IO_UINT8 = 0, MM_IO_UINT16 = 1, MM_IO_UINT32 = 2. */
export function* MmCpuIoRead(fw: Fw, width: 0 | 1 | 2, port: number): Gen<[EfiStatus, number]> {
  const bytes = ([1, 2, 4] as IoWidth[])[width];
  const r = ioRead(fw.m, port, bytes);
  yield lazyEv('handler', fw.cpu, () => `${fw.mod.name}: mMmCpuIo->Io.Read (MM_IO_UINT${8 * bytes}, ${hex(port, 2)}, 1) = EFI_SUCCESS, value ${hex(r.value, 2 * bytes)} (${r.device})`);
  return ['EFI_SUCCESS', r.value];
}

function* entry(fw: Fw): Gen<EfiStatus> {
  return yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmCpuIo2ProtocolGuid);
}

export const CpuIo2Smm: ModuleDef = {
  name: 'CpuIo2Smm',
  fileGuid: 'a47ee2d8-f60e-42fd-8e58-7bd65ee4c29b',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x5000,
  entry,
  handlers: {},
  summary: 'Gives SMM drivers I/O-port and MMIO access (EFI_MM_CPU_IO_PROTOCOL)',
  path: 'UefiCpuPkg/CpuIo2Smm/CpuIo2Smm.inf',
  produces: [GUIDS.gEfiSmmCpuIo2ProtocolGuid],
};
