/**
 * DebugLib and BaseLib's CPU functions as OVMF links them into an SMM driver (smm-c-facts §2.1,
 * §3.2, §3.3): OvmfPkg/Library/PlatformDebugLibIoPort (DEBUG and ASSERT text on port 0x402,
 * PcdDebugPropertyMask 0x2F: asserts enabled, ASSERT dead-loops), MdePkg/Library/BaseLib
 * CpuDeadLoop / CpuPause / CpuBreakpoint.
 */

import type { PrintArg } from '../lib/PrintLib';
import { ASSERT, DEBUG } from '../pi/Debug';
import { CpuDeadLoop, ev } from '../pi/Fw';
import type { Val } from '../smmc/Ast';
import { CFault } from '../smmc/MemPort';
import { readAscii, readGuid, readUnicode } from './CMem';
import type { NativeImpl } from './CRun';
import type { Fw } from '../pi/Platform';

/** OvmfPkgX64.dsc PcdDebugPropertyMask: ASSERT_ENABLED | PRINT_ENABLED | CODE_ENABLED | CLEAR_MEMORY_ENABLED | ASSERT_DEADLOOP_ENABLED. */
export const PCD_DEBUG_PROPERTY_MASK = 0x2f;
/** MdePkg.dec default of PcdFixedDebugPrintErrorLevel (OVMF does not set it). */
const PCD_FIXED_DEBUG_PRINT_ERROR_LEVEL = 0xffffffff;

/**
 * The C arguments of a PrintLib format as PrintArgs: pointers become the strings and GUIDs they
 * point at, in the order BasePrintLib's VA_ARG reads them. Missing arguments read as 0 (what a
 * stale register would hold is unknowable; the model says 0).
 */
export function printArgs(fw: Fw, fmt: string, args: Val[]): PrintArg[] {
  const out: PrintArg[] = [];
  let k = 0;
  const next = (): Val => (k < args.length ? args[k++] : 0);
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') continue;
    for (i++; i < fmt.length; i++) {
      const c = fmt[i];
      if (c === '*') out.push(next());
      else if (!'.-+ ,Ll0123456789'.includes(c)) break;
    }
    const conv = fmt[i];
    switch (conv) {
      case 'd':
      case 'u':
      case 'x':
      case 'X':
      case 'p':
      case 'c':
      case 'r': {
        const v = next();
        out.push(conv === 'r' ? BigInt.asUintN(64, BigInt(v)) : v);
        break;
      }
      case 'a':
        out.push(readAscii(fw.m, next()));
        break;
      case 's':
      case 'S':
        out.push(readUnicode(fw.m, next()));
        break;
      case 'g': {
        const g = readGuid(fw.m, next());
        out.push({ guid: g });
        break;
      }
      case 't':
        next();
        out.push(0);
        break;
      default:
        break;
    }
  }
  return out;
}

/** DebugPrint (ErrorLevel, Format, ...): the level filter, then PrintLib to the debug port. */
export const DebugPrint: NativeImpl = function* (fw, args) {
  const fmt = readAscii(fw.m, args[1]) ?? '';
  const level = Number(BigInt.asUintN(32, BigInt(args[0])));
  const rest = args.slice(2);
  const pa = printArgs(fw, fmt.replace(/%t/g, '%%t'), rest);
  DEBUG(fw, level, fmt, ...pa);
  return 0;
};

/** DebugAssert (FileName, LineNumber, Description): "ASSERT %a(%Lu): %a\n", then CpuDeadLoop (PcdDebugPropertyMask bit 0x20). */
export const DebugAssert: NativeImpl = function* (fw, args) {
  const file = readAscii(fw.m, args[0]) ?? '';
  const line = Number(BigInt.asUintN(64, BigInt(args[1])));
  const desc = readAscii(fw.m, args[2]) ?? '';
  yield ev('handler', fw.cpu, `${fw.mod.name}: ASSERT ${file}(${line}): ${desc} - DebugAssert prints it and calls CpuDeadLoop (): CPU${fw.cpu} spins forever`);
  ASSERT(fw, false, desc, file, line);
  return 0;
};

const constant = (v: number): NativeImpl =>
  // eslint-disable-next-line require-yield
  function* () {
    return v;
  };

export const DebugAssertEnabled = constant(PCD_DEBUG_PROPERTY_MASK & 0x01 ? 1 : 0);
export const DebugPrintEnabled = constant(PCD_DEBUG_PROPERTY_MASK & 0x02 ? 1 : 0);
export const DebugCodeEnabled = constant(PCD_DEBUG_PROPERTY_MASK & 0x04 ? 1 : 0);
export const DebugClearMemoryEnabled = constant(PCD_DEBUG_PROPERTY_MASK & 0x08 ? 1 : 0);

// eslint-disable-next-line require-yield
export const DebugPrintLevelEnabled: NativeImpl = function* (_fw, args) {
  return (Number(BigInt.asUintN(32, BigInt(args[0]))) & PCD_FIXED_DEBUG_PRINT_ERROR_LEVEL) !== 0 ? 1 : 0;
};

/** CpuDeadLoop (): spins while a volatile local equals mDeadLoopComparator - forever, unless a debugger changes it. */
export const CpuDeadLoopFn: NativeImpl = function* (fw) {
  yield ev('handler', fw.cpu, `${fw.mod.name}: CpuDeadLoop (): CPU${fw.cpu} spins forever`);
  throw new CpuDeadLoop(fw.cpu, fw.mod.name, 'CpuDeadLoop ()');
};

export const CpuPause = constant(0);

/** CpuBreakpoint (): int3. No debugger is attached in SMM, so #BP goes to the default exception handler. */
// eslint-disable-next-line require-yield
export const CpuBreakpoint: NativeImpl = function* () {
  throw new CFault({ vector: 3, address: 0, access: 'fetch', message: null });
};
