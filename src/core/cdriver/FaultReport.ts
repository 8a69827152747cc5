/**
 * What OVMF prints when SMM code faults, and the dead loop after it (smm-c-facts §4.3, §4.4): the
 * #PF handler SmiPFHandler (UefiCpuPkg/PiSmmCpuDxeSmm/X64/PageTbl.c) decides by the faulting
 * address and prints its DEBUG lines on the debug port; DumpCpuContext
 * (UefiCpuPkg/Library/CpuExceptionHandlerLib) writes the register dump to COM1 through
 * SerialPortLib; DumpModuleInfoByIp names the module on the debug port; then CpuDeadLoop. Vectors
 * without a registered handler (#DE, #GP, #UD, #BP...) take CpuExceptionHandlerLib's default path:
 * the dump and "Find image based on IP" on COM1.
 */

import { edk2Sprint } from '../lib/PrintLib';
import { com1Write, debugconWrite } from '../machine/Debugcon';
import type { Fw } from '../pi/Platform';
import type { Val } from '../smmc/Ast';
import type { FaultInfo } from '../smmc/MemPort';
import { hexVal } from '../smmc/Values';

const EXCEPTION_NAMES = [
  '#DE - Divide Error', '#DB - Debug', 'NMI Interrupt', '#BP - Breakpoint', '#OF - Overflow', '#BR - BOUND Range Exceeded',
  '#UD - Invalid Opcode', '#NM - Device Not Available', '#DF - Double Fault', 'Coprocessor Segment Overrun', '#TS - Invalid TSS',
  '#NP - Segment Not Present', '#SS - Stack Fault Fault', '#GP - General Protection', '#PF - Page-Fault', 'Reserved',
  '#MF - x87 FPU Floating-Point Error', '#AC - Alignment Check', '#MC - Machine-Check', '#XM - SIMD floating-point',
  '#VE - Virtualization', '#CP - Control Protection',
];

/** Vectors that push an error code (mErrorCodeFlag 0x20227D00). */
const ERROR_CODE_FLAG = 0x20227d00;

export function exceptionName(vector: number): string {
  return vector === 29 ? '#VC - VMM Communication' : (EXCEPTION_NAMES[vector] ?? 'Reserved');
}

/** The CPU state a dump shows: what the model knows of the C frame, the rest as SMM sets it up. */
export interface FaultContext {
  rip: number;
  rsp: number;
  rbp: number;
  /** *(UINTN *)RSP at the fault: the return address (what an instruction-fetch fault reports). */
  returnAddress: number;
  imageBase: number;
  entryPoint: number;
  pdbPath: string;
  /** The C source place the model maps RIP back to. */
  where: string;
}

const u64 = (v: Val | number) => (typeof v === 'number' && v < 0 ? BigInt.asUintN(64, BigInt(v)) : BigInt(v));

/** DumpCpuContext's lines (X64 ArchExceptionHandler.c), for COM1. */
export function dumpCpuContext(fw: Fw, f: FaultInfo, c: FaultContext): string {
  const v = f.vector;
  const apic = fw.m.s.cpus[fw.cpu]?.apicId ?? fw.cpu;
  let out = edk2Sprint('!!!! X64 Exception Type - %02x(%a)  CPU Apic ID - %08x !!!!\n', v, exceptionName(v), apic);
  if (((ERROR_CODE_FLAG >>> v) & 1) === 1) {
    // #PF error code: P (present) 0 for a not-present page, W for a write, I/D for a fetch.
    const write = f.access === 'write' ? 1 : 0;
    const fetch = f.access === 'fetch' ? 1 : 0;
    const code = v === 14 ? (write << 1) | (fetch << 4) : 0;
    out += edk2Sprint('ExceptionData - %016lx', BigInt(code));
    if (v === 14) out += edk2Sprint('  I:%x R:%x U:%x W:%x P:%x PK:%x SS:%x SGX:%x', fetch, 0, 0, write, 0, 0, 0, 0);
    out += edk2Sprint('\n');
  }
  const cr2 = v === 14 ? u64(f.address) : 0n;
  const z = 0n;
  out += edk2Sprint('RIP  - %016lx, CS  - %016lx, RFLAGS - %016lx\n', BigInt(c.rip), 0x38n, 0x2n);
  out += edk2Sprint('RAX  - %016lx, RCX - %016lx, RDX - %016lx\n', z, z, z);
  out += edk2Sprint('RBX  - %016lx, RSP - %016lx, RBP - %016lx\n', z, BigInt(c.rsp), BigInt(c.rbp));
  out += edk2Sprint('RSI  - %016lx, RDI - %016lx\n', z, z);
  out += edk2Sprint('R8   - %016lx, R9  - %016lx, R10 - %016lx\n', z, z, z);
  out += edk2Sprint('R11  - %016lx, R12 - %016lx, R13 - %016lx\n', z, z, z);
  out += edk2Sprint('R14  - %016lx, R15 - %016lx\n', z, z);
  out += edk2Sprint('DS   - %016lx, ES  - %016lx, FS  - %016lx\n', 0x40n, 0x40n, 0x40n);
  out += edk2Sprint('GS   - %016lx, SS  - %016lx\n', 0x40n, 0x40n);
  out += edk2Sprint('CR0  - %016lx, CR2 - %016lx, CR3 - %016lx\n', 0x80010033n, cr2, z);
  out += edk2Sprint('CR4  - %016lx, CR8 - %016lx\n', 0x668n, z);
  out += edk2Sprint('DR0  - %016lx, DR1 - %016lx, DR2 - %016lx\n', z, z, z);
  out += edk2Sprint('DR3  - %016lx, DR6 - %016lx, DR7 - %016lx\n', z, 0xffff0ff0n, 0x400n);
  out += edk2Sprint('GDTR - %016lx %016lx, LDTR - %016lx\n', z, z, z);
  out += edk2Sprint('IDTR - %016lx %016lx,   TR - %016lx\n', z, z, z);
  out += edk2Sprint('FXSAVE_STATE - %016lx\n', BigInt(c.rsp - 0x200));
  return out;
}

function moduleImageInfo(ip: number, c: FaultContext): string {
  return edk2Sprint('!!!! Find image based on IP(0x%x) %a (ImageBase=%016lp, EntryPoint=%016p) !!!!\n', ip >>> 0, c.pdbPath, BigInt(c.imageBase), BigInt(c.entryPoint));
}

function debugPort(fw: Fw, text: string): void {
  debugconWrite(fw.m, text);
}

/** DumpModuleInfoByIp (PiSmmCpuCommon.c): DEBUG_ERROR on the debug port. */
function moduleInfoByIp(fw: Fw, ip: number, c: FaultContext): void {
  debugPort(fw, edk2Sprint('It is invoked from the instruction before IP(0x%p)', BigInt(ip)) + edk2Sprint(' in module (%a)\n', c.pdbPath));
}

/**
 * Prints what OVMF prints for fault `f` on CPU fw.cpu; returns the one-line summary the hang
 * records (the CPU then dead-loops in the handler).
 */
export function reportFault(fw: Fw, f: FaultInfo, c: FaultContext): string {
  const dump = dumpCpuContext(fw, f, c);
  const addr = hexVal(f.address);
  if (f.vector === 14) {
    if (f.message?.startsWith('Access SMM communication forbidden')) {
      // HEAD: the message, then the common dump (smm-c-facts §4.3 step 3, then step 4).
      debugPort(fw, f.message + '\r\n');
      com1Write(fw.m, dump);
      moduleInfoByIp(fw, c.rip, c);
    } else if (f.message?.startsWith('Code executed')) {
      com1Write(fw.m, dump);
      debugPort(fw, f.message + '\r\n');
      moduleInfoByIp(fw, c.returnAddress, c);
    } else {
      // Inside SMRAM (the stack guard page) or above the mapped range.
      com1Write(fw.m, dump);
      if (f.message) debugPort(fw, f.message + '\r\n');
      else debugPort(fw, edk2Sprint('SMM exception at access (0x%lx)\n', u64(f.address)));
      if (!f.message?.startsWith('Do not support')) moduleInfoByIp(fw, c.rip, c);
    }
    return `#PF at ${addr} in ${c.where}${f.message ? `: ${f.message}` : ''}`;
  }
  // The default handler (CommonExceptionHandlerWorker): the dump and the image, all on COM1.
  com1Write(fw.m, dump + moduleImageInfo(c.rip, c));
  return `${exceptionName(f.vector)} in ${c.where}${f.vector === 13 && f.address !== 0 ? ` (non-canonical address ${addr})` : ''}`;
}
