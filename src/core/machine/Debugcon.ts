/**
 * QEMU's Bochs-style debug console, isa-debugcon (qemu hw/char/debugcon.c), where OVMF's DEBUG
 * output goes (facts §12.9). OVMF's DebugLib, OvmfPkg/Library/PlatformDebugLibIoPort, writes each
 * formatted message with IoWriteFifo8 to PcdDebugIoPort = 0x402 (OvmfPkg/OvmfPkg.dec). The device's
 * own default iobase is 0xE9; OVMF users start QEMU with `-debugcon file:debug.log -global
 * isa-debugcon.iobase=0x402`, which is the machine modelled here. A read returns the readback
 * value 0xE9, which is how PlatformDebugLibIoPortDetect (DebugIoPortQemu.c) finds the device.
 *
 * The device only forwards bytes to its character backend; this model is that backend: it
 * assembles the bytes into lines (a "\r" before "\n" is dropped, as a terminal shows it) and
 * stores them in the machine's log (MachineState.serial, serialWrite). Blank lines are kept.
 */

import { type Machine, serialWrite } from './Machine';

/** OVMF's PcdDebugIoPort, where the debugcon device sits on this machine. */
export const DEBUGCON_IOBASE = 0x402;
/** isa-debugcon's `readback` property default (BOCHS_DEBUG_PORT_MAGIC in OVMF). */
export const DEBUGCON_READBACK = 0xe9;

/** Bytes written to the debugcon port (one OUT or a whole IoWriteFifo8), as a Latin-1 string. */
export function debugconWrite(m: Machine, bytes: string): void {
  const log = m.s.serial;
  const text = log.partial ? log.partial + bytes : bytes;
  const nl = text.lastIndexOf('\n');
  if (nl < 0) {
    log.partial = text;
    return;
  }
  log.partial = nl === text.length - 1 ? '' : text.slice(nl + 1);
  const complete = text.slice(0, nl + 1);
  serialWrite(m, complete.includes('\r') ? complete.replace(/\r\n/g, '\n') : complete);
}
