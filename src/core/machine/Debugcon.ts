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
 * stores them in the log (HardwareState.serial, serialWrite). Blank lines are kept. SmiScope adds
 * its own explanations to the same log, marked with NOTE_PREFIX.
 */

import type { HardwareState } from './Hardware';

/** Anything that carries the hardware state (a Machine passes as itself). */
type Hw = { s: HardwareState };

/** How many lines the log keeps; older ones are dropped and `firstSeq` counts them. */
export const SERIAL_LOG_LIMIT = 20000;

/** OVMF's PcdDebugIoPort, where the debugcon device sits on this machine. */
export const DEBUGCON_IOBASE = 0x402;
/** isa-debugcon's `readback` property default (BOCHS_DEBUG_PORT_MAGIC in OVMF). */
export const DEBUGCON_READBACK = 0xe9;

/** Bytes written to the debugcon port (one OUT or a whole IoWriteFifo8), as a Latin-1 string. */
export function debugconWrite(m: Hw, bytes: string): void {
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

/**
 * Appends to the firmware log: `text` is one or more lines separated by "\n"; a final "\n" ends
 * the last line. Empty lines in between are kept (ASSERT_EFI_ERROR prints a blank line first).
 */
export function serialWrite(m: Hw, text: string): void {
  const ser = m.s.serial;
  const parts = text.split('\n');
  const n = parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
  for (let i = 0; i < n; i++) ser.lines.push(parts[i]);
  const extra = ser.lines.length - SERIAL_LOG_LIMIT;
  if (extra > 0) {
    ser.lines.splice(0, extra);
    ser.firstSeq += extra;
  }
}

/** Marks lines SmiScope adds to the serial log to explain what happens; firmware never prints them. */
export const NOTE_PREFIX = '[smiscope] ';

export function serialNote(m: Hw, text: string): void {
  serialWrite(m, NOTE_PREFIX + text);
}

/**
 * COM1 (the 16550 UART at 0x3F8), where CpuExceptionHandlerLib writes its exception dumps through
 * SerialPortLib even in OVMF's default build (smm-c-facts §7). QEMU shows it apart from the debugcon
 * file (-serial stdio); the model keeps one log in time order and marks the UART's lines.
 */
export const COM1_PREFIX = '[COM1] ';

export function com1Write(m: Hw, text: string): void {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  serialWrite(m, lines.map((l) => COM1_PREFIX + l).join('\n') + '\n');
}
