/**
 * DEBUG() and ASSERT() as edk2 DebugLib does them on OVMF: a line reaches the serial port when its
 * level is in PcdDebugPrintErrorLevel; a failed ASSERT prints "ASSERT [Module] File(Line): Expr"
 * and dead-loops (OVMF's PcdDebugPropertyMask has DEBUG_PROPERTY_ASSERT_DEADLOOP_ENABLED).
 */

import { edk2SprintLf, type PrintArg } from '../lib/PrintLib';
import { serialWrite } from './Platform';
import { type EfiStatus, isError } from './EfiStatus';
import { CpuDeadLoop } from './Fw';
import { type Fw } from './Platform';

export const DEBUG_INIT = 0x00000001;
export const DEBUG_WARN = 0x00000002;
export const DEBUG_LOAD = 0x00000004;
export const DEBUG_INFO = 0x00000040;
export const DEBUG_DISPATCH = 0x00000080;
export const DEBUG_VERBOSE = 0x00400000;
export const DEBUG_ERROR = 0x80000000;
/** OvmfPkg DSC: PcdDebugPrintErrorLevel = 0x8000004F (ERROR | INFO | FS | LOAD | WARN | INIT). */
export const OVMF_DEBUG_PRINT_ERROR_LEVEL = 0x8000004f;

export function DEBUG(fw: Fw, level: number, fmt: string, ...args: PrintArg[]): void {
  if (((level & fw.m.s.config.debugPrintErrorLevel) >>> 0) === 0) return;
  serialWrite(fw.m, edk2SprintLf(fmt, ...args));
}

/** ASSERT(expr): on failure print the DebugAssert line and CpuDeadLoop(). */
export function ASSERT(fw: Fw, ok: boolean, expr: string, file: string, line: number): void {
  if (ok) return;
  const msg = `ASSERT [${fw.mod.name}] ${file}(${line}): ${expr}`;
  serialWrite(fw.m, msg);
  throw new CpuDeadLoop(fw.cpu, fw.mod.name, msg);
}

/** ASSERT_EFI_ERROR(Status) from MdePkg/Include/Library/DebugLib.h. */
export function ASSERT_EFI_ERROR(fw: Fw, status: EfiStatus, file: string, line: number): void {
  if (!isError(status)) return;
  DEBUG(fw, DEBUG_ERROR, '\nASSERT_EFI_ERROR (Status = %r)\n', { status });
  ASSERT(fw, false, '!(((INTN)(RETURN_STATUS)(Status)) < 0)', file, line);
}
