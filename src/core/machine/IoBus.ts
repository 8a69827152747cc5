/**
 * The I/O port space as Q35 decodes it for this model: APM (0xB2/0xB3), PCI config mechanism #1
 * (0xCF8/0xCFC) reaching the ICH9 LPC function, the ACPI PM block at PMBASE (PM1_CNT, SMI_EN,
 * SMI_STS), QEMU's CPU hotplug block at 0x0CD8 and the debugcon device at 0x402 (Debugcon.ts). Other ports are unassigned: QEMU's
 * unassigned_io_ops (system/ioport.c) ignore writes and read all 1s.
 *
 * APM is a 2-byte region whose ops take 1-byte accesses only (hw/isa/apm.c, `.impl` min = max = 1).
 * A 2- or 4-byte access that touches it is split by QEMU's memory core (system/memory.c,
 * flatview_write_continue / access_with_adjusted_size) into byte accesses at ascending addresses:
 * `out dx, ax` with DX = 0xB2 writes AL to 0xB2 (the SMI callback runs) and AH to 0xB3. Bytes past
 * 0xB3 (0xB4, 0xB5) fall on no device on Q35: written nowhere, read as 0xFF.
 */

import { DEBUGCON_IOBASE, DEBUGCON_READBACK, debugconWrite } from './Debugcon';
import { type ApmOutcome, apmCntWrite, configRead, configWrite, ICH9_APM_CNT, ICH9_APM_STS, ICH9_CPU_HOTPLUG_BASE, ICH9_PMBASE_OFS_PM1_CNT, ICH9_PMBASE_OFS_SMI_EN, ICH9_PMBASE_OFS_SMI_STS, pmBase, writeSmiEn } from './Ich9Lpc';
import type { HardwareState } from './Hardware';
import { PCH_PMC_FUNCTION, pchApmCntWrite } from './PchLpc';

/** What the I/O bus decodes against: the hardware state (a Machine passes as itself). */
type Bus = { s: HardwareState };

export type IoWidth = 1 | 2 | 4;

/** One OUT a CPU executes: port, value, width, and who executes it (for the trace). */
export interface PortWrite {
  port: number;
  value: number;
  width: IoWidth;
  /** Who executes it, for the trace ("SmmControl2Dxe Trigger", "chipsec-style smi send"). */
  by: string;
}

export interface IoWriteResult {
  /** Set when the write went to APM_CNT: whether and to whom the chipset raised SMI#. */
  apm?: ApmOutcome;
  /** The byte that reached APM_CNT (0xB2), when one did. */
  apmValue?: number;
  device: string;
}

/** True when an access of `width` bytes at `port` touches the APM region 0xB2..0xB3. */
export function touchesApm(port: number, width: IoWidth): boolean {
  return port <= ICH9_APM_STS && port + width - 1 >= ICH9_APM_CNT;
}

const h2 = (n: number) => '0x' + n.toString(16).toUpperCase().padStart(2, '0');
/** On the PCH, APM_CNT and APM_STS are two byte registers side by side: a wider write fills them byte lane by byte lane. */
const PCH_SPLIT_WHY = 'one byte per port, lowest port first (APM_CNT and APM_STS are adjacent byte registers of the PCH)';
const SPLIT_WHY = "split into byte accesses at ascending ports (QEMU system/memory.c access_with_adjusted_size: hw/isa/apm.c's apm-io takes 1-byte accesses only)";

/** A wide access that touches APM, as QEMU performs it: one byte at a time, lowest port first. */
function apmSplitWrite(m: Bus, port: number, width: IoWidth, value: number): IoWriteResult {
  const parts: string[] = [];
  const out: IoWriteResult = { device: '' };
  for (let i = 0; i < width; i++) {
    const p = port + i;
    const b = (value >>> (8 * i)) & 0xff;
    const r = ioWrite(m, p, 1, b);
    if (r.apm) {
      out.apm = r.apm;
      out.apmValue = b;
    }
    parts.push(`${h2(p)} <- ${h2(b)} (${p === ICH9_APM_CNT ? 'APM_CNT' : r.device})`);
  }
  out.device = `${m.s.lpc.variant === 'pch' ? PCH_SPLIT_WHY : SPLIT_WHY}: ${parts.join(', ')}`;
  return out;
}

const LPC_BDF = (0 << 16) | (31 << 11) | (0 << 8); // B0:D31:F0, ICH9's LPC bridge
const PMC_BDF = (0 << 16) | (31 << 11) | (PCH_PMC_FUNCTION << 8); // B0:D31:F2, the PCH's PMC

/** The config offset CONFIG_ADDRESS selects in the function that holds ABASE and SMI_LOCK (null: another function). */
function lpcConfigOffset(addr: number, variant: Bus['s']['lpc']['variant']): number | null {
  if (!(addr & 0x80000000)) return null;
  if ((addr & 0x00ffff00) !== (variant === 'pch' ? PMC_BDF : LPC_BDF)) return null;
  return addr & 0xfc;
}

const configName = (variant: Bus['s']['lpc']['variant']) => (variant === 'pch' ? 'PCH PMC (B0:D31:F2) config' : 'ICH9 LPC config');

export function ioWidthFor(port: number, m: Bus): IoWidth {
  const pm = pmBase(m.s.lpc);
  if (port === 0xcf8 || (pm !== 0 && (port === pm + ICH9_PMBASE_OFS_SMI_EN || port === pm + ICH9_PMBASE_OFS_SMI_STS))) return 4;
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_PM1_CNT) return 2;
  return 1;
}

export function ioWrite(m: Bus, port: number, width: IoWidth, value: number): IoWriteResult {
  const lpc = m.s.lpc;
  const pm = pmBase(lpc);
  if (width === 1 && (port === ICH9_APM_CNT || port === ICH9_APM_STS)) {
    if (port === ICH9_APM_STS) {
      lpc.apms = value & 0xff;
      return { device: 'APM_STS (scratchpad): stored, no SMI' };
    }
    const apm = lpc.variant === 'pch' ? pchApmCntWrite(lpc, value & 0xff) : apmCntWrite(lpc, value & 0xff);
    return { device: 'APM_CNT', apm, apmValue: value & 0xff };
  }
  if (width !== 1 && touchesApm(port, width)) return apmSplitWrite(m, port, width, value);
  if (port === 0xcf8 && width === 4) {
    m.s.pciConfigAddress = value >>> 0;
    return { device: 'PCI CONFIG_ADDRESS' };
  }
  if (port >= 0xcfc && port <= 0xcff) {
    const off = lpcConfigOffset(m.s.pciConfigAddress, lpc.variant);
    if (off === null) return { device: 'PCI CONFIG_DATA (no device selected: ignored)' };
    configWrite(lpc, off + (port - 0xcfc), width, value);
    return { device: `${configName(lpc.variant)} 0x${(off + port - 0xcfc).toString(16).toUpperCase()}` };
  }
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_SMI_EN) {
    writeSmiEn(lpc, value);
    return { device: 'SMI_EN' };
  }
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_SMI_STS) {
    lpc.smiSts &= ~value; // write 1 to clear
    return { device: 'SMI_STS (write 1 to clear)' };
  }
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_PM1_CNT) {
    lpc.pm1Cnt = value & 0xffff;
    return { device: 'PM1_CNT' };
  }
  if (lpc.variant !== 'pch' && port >= ICH9_CPU_HOTPLUG_BASE && port < ICH9_CPU_HOTPLUG_BASE + 12) {
    return { device: 'QEMU CPU hotplug register block (no hotplug events in this model)' };
  }
  if (port === DEBUGCON_IOBASE) {
    debugconWrite(m, String.fromCharCode(value & 0xff));
    return { device: 'debugcon (firmware log)' };
  }
  return { device: 'unassigned (write ignored)' };
}

export function ioRead(m: Bus, port: number, width: IoWidth): { value: number; device: string } {
  const lpc = m.s.lpc;
  const pm = pmBase(lpc);
  const ones = width === 4 ? 0xffffffff : width === 2 ? 0xffff : 0xff;
  if (width === 1 && (port === ICH9_APM_CNT || port === ICH9_APM_STS)) {
    return port === ICH9_APM_CNT ? { value: lpc.apmc, device: 'APM_CNT' } : { value: lpc.apms, device: 'APM_STS' };
  }
  if (width !== 1 && touchesApm(port, width)) {
    let value = 0;
    const parts: string[] = [];
    for (let i = 0; i < width; i++) {
      const r = ioRead(m, port + i, 1);
      value |= r.value << (8 * i);
      parts.push(`${h2(port + i)} = ${h2(r.value)} (${r.device})`);
    }
    return { value: value >>> 0, device: `${SPLIT_WHY}: ${parts.join(', ')}` };
  }
  if (port === 0xcf8 && width === 4) return { value: m.s.pciConfigAddress, device: 'PCI CONFIG_ADDRESS' };
  if (port >= 0xcfc && port <= 0xcff) {
    const off = lpcConfigOffset(m.s.pciConfigAddress, lpc.variant);
    if (off === null) return { value: ones, device: 'PCI CONFIG_DATA (no device)' };
    return { value: configRead(lpc, off + (port - 0xcfc), width), device: configName(lpc.variant) };
  }
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_SMI_EN) return { value: lpc.smiEn, device: 'SMI_EN' };
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_SMI_STS) return { value: lpc.smiSts, device: 'SMI_STS' };
  if (pm !== 0 && port === pm + ICH9_PMBASE_OFS_PM1_CNT) return { value: lpc.pm1Cnt, device: 'PM1_CNT' };
  if (lpc.variant !== 'pch' && port >= ICH9_CPU_HOTPLUG_BASE && port < ICH9_CPU_HOTPLUG_BASE + 12) return { value: 0, device: 'QEMU CPU hotplug' };
  if (port === DEBUGCON_IOBASE) return { value: DEBUGCON_READBACK, device: 'debugcon (readback 0xE9)' };
  return { value: ones, device: 'unassigned' };
}

/**
 * IoWriteFifo8 (MdePkg IoLib, `rep outsb`): `bytes` (Latin-1) to one port, byte after byte. The
 * debugcon port takes the whole string at once; the result is the same as one OUT per byte.
 */
export function ioWriteFifo8(m: Bus, port: number, bytes: string): void {
  if (port === DEBUGCON_IOBASE) {
    debugconWrite(m, bytes);
    return;
  }
  for (let i = 0; i < bytes.length; i++) ioWrite(m, port, 1, bytes.charCodeAt(i) & 0xff);
}

export class IoError extends Error {}
