/**
 * DEBUG(), ASSERT() and ASSERT_EFI_ERROR() as OVMF builds them (facts §12.9): the macros of
 * MdePkg/Include/Library/DebugLib.h over OVMF's DebugLib instance, OvmfPkg/Library/
 * PlatformDebugLibIoPort (DebugLib.c). DebugPrint formats the message with PrintLib into a
 * MAX_DEBUG_MESSAGE_LENGTH (0x200) buffer and writes it with IoWriteFifo8 to PcdDebugIoPort 0x402,
 * QEMU's debugcon; nothing goes to the serial port (that is BaseDebugLibSerialPort, used only in
 * builds with -D DEBUG_ON_SERIAL_PORT). A failed ASSERT prints "ASSERT %a(%Lu): %a\n" with the
 * source file's basename (__FILE_NAME__, clang or GCC >= 12) and no module name, then dead-loops
 * (OVMF's PcdDebugPropertyMask 0x2F has DEBUG_PROPERTY_ASSERT_DEADLOOP_ENABLED).
 *
 * The text follows edk2 at the pinned commit c5aa7e7d (2026-08, after edk2-stable202411), where
 * EFI_ERROR expands to `((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL`.
 */

import { edk2Sprint, type PrintArg } from '../lib/PrintLib';
import { DEBUGCON_READBACK } from '../machine/Debugcon';
import { ioRead, ioWriteFifo8 } from '../machine/IoBus';
import type { Machine } from './Platform';
import { type EfiStatus, isError } from '../lib/EfiStatus';
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
/** OvmfPkg/OvmfPkg.dec: PcdDebugIoPort. */
export const PCD_DEBUG_IO_PORT = 0x402;
/** PlatformDebugLibIoPort/DebugLib.c: the message buffer (AsciiVSPrint keeps one byte for the NUL). */
export const PLATFORM_DEBUG_MESSAGE_LENGTH = 0x200;

/** Which edk2 and DebugLib the DEBUG text follows (shown in the UI and README). */
export const DEBUG_TEXT_SOURCE =
  'edk2 c5aa7e7d (2026-08, after edk2-stable202411), DebugLib = OvmfPkg/Library/PlatformDebugLibIoPort: DEBUG and ASSERT text goes to QEMU debugcon, I/O port 0x402';

/** The stringized `!EFI_ERROR (Status)` at the pinned commit (RETURN_ERROR since edk2-stable202411). */
export function efiErrorAssertText(statusName = 'Status'): string {
  return `!(((RETURN_STATUS)(${statusName})) >= 0x8000000000000000ULL)`;
}

/** ASSERT (FALSE): FALSE is expanded before it is stringized (MdePkg/Include/Base.h). */
export const ASSERT_FALSE_TEXT = '((BOOLEAN)(0==1))';

/**
 * PlatformDebugLibIoPortFound: the first call in a module reads the port and expects 0xE9; the
 * answer is cached in that module's copy of the library (mDebugIoPortFound).
 */
function ioPortFound(fw: Fw): boolean {
  const g = fw.mod.globals;
  let found = g.mDebugIoPortFound;
  if (found === undefined) {
    found = ioRead(fw.m, PCD_DEBUG_IO_PORT, 1).value === DEBUGCON_READBACK;
    g.mDebugIoPortFound = found;
  }
  return found === true;
}

/** DebugPrintMarker: the formatted bytes (PrintLib turns "\n" into "\r\n") to the debugcon port. */
function debugPortWrite(m: Machine, text: string): void {
  ioWriteFifo8(m, PCD_DEBUG_IO_PORT, text.length < PLATFORM_DEBUG_MESSAGE_LENGTH ? text : text.slice(0, PLATFORM_DEBUG_MESSAGE_LENGTH - 1));
}

export function DEBUG(fw: Fw, level: number, fmt: string, ...args: PrintArg[]): void {
  if (((level & fw.m.s.config.debugPrintErrorLevel) >>> 0) === 0) return;
  if (!ioPortFound(fw)) return;
  debugPortWrite(fw.m, edk2Sprint(fmt, ...args));
}

/** The basename, as __FILE_NAME__ gives it (SmiScope's callers pass the upstream path). */
function fileName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

/** The line DebugAssert prints (without the line end). */
export function assertLine(file: string, line: number, expr: string): string {
  return `ASSERT ${fileName(file)}(${line}): ${expr}`;
}

/**
 * ASSERT (Expression): on failure DebugAssert prints "ASSERT File(Line): Expression" and calls
 * CpuDeadLoop (). `file` is the upstream source path; `line` its line at the pinned commit.
 */
export function ASSERT(fw: Fw, ok: boolean, expr: string, file: string, line: number): void {
  if (ok) return;
  const msg = assertLine(file, line, expr);
  if (ioPortFound(fw)) debugPortWrite(fw.m, edk2Sprint('ASSERT %a(%Lu): %a\n', fileName(file), BigInt(line), expr));
  throw new CpuDeadLoop(fw.cpu, fw.mod.name, msg);
}

/**
 * ASSERT_EFI_ERROR (Status) from MdePkg/Include/Library/DebugLib.h: DEBUG_ERROR
 * "\nASSERT_EFI_ERROR (Status = %r)\n" (a blank line first), then the ASSERT of
 * `!EFI_ERROR (Status)` expanded. `statusName` is the variable the caller passed.
 */
export function ASSERT_EFI_ERROR(fw: Fw, status: EfiStatus, file: string, line: number, statusName = 'Status'): void {
  if (!isError(status)) return;
  DEBUG(fw, DEBUG_ERROR, '\nASSERT_EFI_ERROR (Status = %r)\n', { status });
  ASSERT(fw, false, efiErrorAssertText(statusName), file, line);
}
