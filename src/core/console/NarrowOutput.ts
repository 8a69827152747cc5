/**
 * The layouts the inspecting commands use below LEGACY_COLUMNS (a laptop's terminal panel is
 * 50-90 columns): the same facts as the wide layout, with columns dropped, folded or wrapped
 * (console/Columns.ts) so that no line is wider than the terminal.
 */

import type { Debugger } from '../debug/Debugger';
import { getReg, hex64, REG, REG_NAMES, type RegName } from '../machine/Registers';
import { fieldAddress, readSaveStateField } from '../machine/SaveStateMap';
import { hex } from '../pi/Fw';
import { type Col, grid, table, wrap, wrapLines } from './Columns';

/** `cpus`: RAX, RIP, SMBASE, then MSR_SMI_COUNT are left out (in that order) until a row fits. */
export function narrowCpus(s: Debugger, cols: number): string[] {
  const smi = s.m.s.currentSmi ?? s.m.s.lastSmi;
  const rows = s.m.s.cpus.map((c) => [
    `CPU${c.index}`,
    `SMBASE=${hex(c.smbase, 8)}`,
    c.inSmm ? 'in SMM' : 'OS',
    `SMI_COUNT=${c.smiCount}`,
    c.activity,
    `RIP=${hex64(getReg(c.regs, REG.RIP))}`,
    `RAX=${hex64(getReg(c.regs, REG.RAX))}`,
    [smi?.cpu === c.index ? '[OUT]' : '', smi?.bsp === c.index ? '[BSP]' : ''].filter(Boolean).join(' '),
  ]);
  const spec: Col[] = [{}, { drop: 2 }, {}, { drop: 3 }, {}, { drop: 1 }, { drop: 0 }, {}];
  const { lines, dropped } = table(rows, spec, cols, { gap: 1 });
  if (dropped.length === 0) return lines;
  const names = ['', 'SMBASE', '', 'SMI_COUNT', '', 'RIP', 'RAX'];
  const left = dropped.map((j) => names[j]).join(', ');
  return [...lines, ...wrap(`(${left} left out to fit ${cols} columns: \`regs N\` shows them)`, cols, 1)];
}

/** Register groups of `regs`, each laid out as a grid of as many registers per row as fit. */
const REG_GROUPS: readonly (readonly RegName[])[] = [
  REG_NAMES.slice(0, REG_NAMES.indexOf('CR0')),
  REG_NAMES.slice(REG_NAMES.indexOf('CR0'), REG_NAMES.indexOf('ES_SEL')),
  REG_NAMES.slice(REG_NAMES.indexOf('ES_SEL'), REG_NAMES.indexOf('GDTR_LIMIT')),
  REG_NAMES.slice(REG_NAMES.indexOf('GDTR_LIMIT')),
];

export function narrowRegs(s: Debugger, n: number, head: string, cols: number): string[] {
  const c = s.m.s.cpus[n];
  const out = wrap(head, cols, 2);
  for (const group of REG_GROUPS) {
    const pad = Math.max(...group.map((r) => r.length));
    out.push(...grid(group.map((r) => `${r.padEnd(pad)}=${hex64(getReg(c.regs, REG[r]))}`), cols, 4));
  }
  return out;
}

/** `savestate`: the absolute address column goes first; fields the writer (QEMU, the processor) leaves alone get a `*`. */
export function narrowSavestate(s: Debugger, n: number, head: string, cols: number): string[] {
  const c = s.m.s.cpus[n];
  let unwritten = false;
  const rows = s.m.layout.fields.map((f) => {
    const v = readSaveStateField(s.m.s.mem, c.smbase, f);
    if (!f.written) unwritten = true;
    return [hex(f.offset, 4), hex(fieldAddress(c.smbase, f), 8), f.name, hex(v, 2 * f.size) + (f.written ? '' : ' *')];
  });
  const { lines } = table(rows, [{}, { drop: 0 }, {}, {}], cols, { gap: 1, indent: 2 });
  return [...wrap(head, cols, 2), ...lines, ...(unwritten ? wrap(`  * not written by ${s.m.layout.writerShort} (the bytes are what SMRAM held)`, cols, 4) : [])];
}

/** Any other output: lines wider than the terminal wrap at word boundaries, hanging. */
export function narrowLines(lines: readonly string[], cols: number): string[] {
  return wrapLines(lines, cols);
}
