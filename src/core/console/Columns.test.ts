import { describe, expect, it } from 'vitest';
import { clampColumns, DEFAULT_COLUMNS, grid, hanging, isNarrow, MIN_COLUMNS, table, wrap, wrapLines } from './Columns';
import { firstSentence } from './HelpLayout';
import { Session } from './Session';

const longest = (lines: string[]) => Math.max(0, ...lines.map((l) => l.length));

describe('issue 6 §4: console output laid out for the terminal width (Columns)', () => {
  it('wrap: a line that fits comes back as it is; a long one breaks at spaces with a hanging indent', () => {
    expect(wrap('short line', 20)).toEqual(['short line']);
    expect(wrap('alpha beta gamma delta epsilon', 12, 2)).toEqual(['alpha beta', '  gamma', '  delta', '  epsilon']);
    // The rows keep the line's own leading spaces on the first row, and never end in spaces.
    expect(wrap('    one two three four', 14, 6)).toEqual(['    one two', '      three', '      four']);
    for (const w of [10, 17, 33]) {
      const rows = wrap('SmmInstallProtocolInterface: 47B7FA8C-F4BD-4AF6-8200-333086F0D2C8 0', w, 2);
      expect(longest(rows)).toBeLessThanOrEqual(w);
      expect(rows.every((r) => r === r.trimEnd())).toBe(true);
    }
  });

  it('wrap: a word longer than a row is cut after punctuation in its second half, else at the row end', () => {
    expect(wrap('EFI_SMM_COMMUNICATION_PROTOCOL.Communicate from', 35, 0)).toEqual(['EFI_SMM_COMMUNICATION_PROTOCOL.', 'Communicate from']);
    expect(wrap('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 10, 0)).toEqual(['ABCDEFGHIJ', 'KLMNOPQRST', 'UVWXYZ']);
    // The words of a line are all there, in order.
    const text = 'the quick brown fox jumps over the lazy dog '.repeat(5).trim();
    expect(wrap(text, 23, 3).map((r) => r.trim()).join(' ')).toBe(text);
  });

  it('wrap: runs of spaces that pad a table are kept where no break falls', () => {
    expect(wrap('  0x7FF8 RAX        0x04 written by the CPU on SMM entry', 30, 4)).toEqual(['  0x7FF8 RAX        0x04', '    written by the CPU on SMM', '    entry']);
  });

  it('wrapLines: only lines wider than the terminal wrap, indented 2 more than their own indent', () => {
    expect(wrapLines(['fits', '  two words here', 'x'], 14)).toEqual(['fits', '  two words', '    here', 'x']);
    const json = JSON.stringify({ a: 'a long string value with spaces in it' }, null, 2);
    expect(wrapLines([json], 14)).toEqual([json]); // state --json stays whole
  });

  it('hanging: text wraps under itself beside a label, or below it when there is no room', () => {
    expect(hanging('help', 8, 'List the commands, or explain one.', 26)).toEqual(['help    List the commands,', '        or explain one.']);
    expect(hanging('a-very-long-label', 8, 'text', 30)).toEqual(['a-very-long-label', '    text']);
  });

  it('table: fits as is; too wide, droppable columns go lowest rank first', () => {
    const rows = [
      ['CPU0', 'SMBASE=0x7EFF9000', 'OS', 'RIP=0xFFFFFFFF81E0A1B2', '[BSP]'],
      ['CPU12', 'SMBASE=0x7F011000', 'in SMM', 'RIP=0x0000000000008000', ''],
    ];
    const cols = [{}, { drop: 1 }, {}, { drop: 0 }, {}];
    const wide = table(rows, cols, 200, { gap: 1 });
    expect(wide.dropped).toEqual([]);
    expect(wide.lines[0]).toBe('CPU0  SMBASE=0x7EFF9000 OS     RIP=0xFFFFFFFF81E0A1B2 [BSP]');
    const mid = table(rows, cols, 40, { gap: 1 });
    expect(mid.dropped).toEqual([3]);
    expect(mid.lines).toEqual(['CPU0  SMBASE=0x7EFF9000 OS     [BSP]', 'CPU12 SMBASE=0x7F011000 in SMM']);
    const narrow = table(rows, cols, 20, { gap: 1 });
    expect(narrow.dropped).toEqual([3, 1]);
    expect(narrow.lines).toEqual(['CPU0  OS     [BSP]', 'CPU12 in SMM']);
  });

  it('table: free text in the last column wraps under itself, or each row wraps on its own when too little room is left', () => {
    const rows = [['PiSmmCore', 'dispatched', 'loaded into SMRAM by PiSmmIpl (ExecuteSmmCoreFromSmram)']];
    expect(table(rows, [{}, {}, {}], 50, { gap: 1 }).lines).toEqual(['PiSmmCore dispatched loaded into SMRAM by PiSmmIpl', '                     (ExecuteSmmCoreFromSmram)']);
    expect(table(rows, [{}, {}, {}], 40, { gap: 1 }).lines).toEqual(['PiSmmCore dispatched loaded into SMRAM', '    by PiSmmIpl', '    (ExecuteSmmCoreFromSmram)']);
  });

  it('table: a last column is not wrapped under itself where its longest word would be cut', () => {
    const rows = [['SmmFaultTolerantWriteDxe', 'depex gEfiSmmFirmwareVolumeBlockProtocolGuid AND TRUE']];
    const lines = table(rows, [{}, {}], 60, { gap: 1 }).lines;
    expect(lines).toEqual(['SmmFaultTolerantWriteDxe depex', '    gEfiSmmFirmwareVolumeBlockProtocolGuid AND TRUE']);
  });

  it('grid: as many cells per row as fit, at most max, columns aligned', () => {
    const cells = ['RAX=1', 'RCX=22', 'RDX=333', 'RBX=4'];
    expect(grid(cells, 100, 4)).toEqual(['RAX=1  RCX=22  RDX=333  RBX=4']);
    expect(grid(cells, 16, 4)).toEqual(['RAX=1    RCX=22', 'RDX=333  RBX=4']);
    expect(grid(cells, 5, 4)).toEqual(cells);
  });

  it('clampColumns: whole columns, at least MIN_COLUMNS; nonsense gives the default', () => {
    expect(clampColumns(54.7)).toBe(54);
    expect(clampColumns(3)).toBe(MIN_COLUMNS);
    expect(clampColumns(undefined)).toBe(DEFAULT_COLUMNS);
    expect(clampColumns(Number.NaN)).toBe(DEFAULT_COLUMNS);
    expect(isNarrow(99)).toBe(true);
    expect(isNarrow(100)).toBe(false);
  });

  it('firstSentence: up to the first period before a space; "e.g." does not end a sentence', () => {
    expect(firstSentence('Power on a machine (reset). --cpus 1..256')).toBe('Power on a machine (reset).');
    expect(firstSentence('Stop when handler NAME (e.g. CpuHotplugMmi) is called. Without arguments: list.')).toBe('Stop when handler NAME (e.g. CpuHotplugMmi) is called.');
    expect(firstSentence('No period here')).toBe('No period here');
  });
});

describe('issue 6 §4: the commands at the terminal width', () => {
  const COMMANDS = ['help', 'help platform', 'cpus', 'regs 1', 'savestate 1', 'savestate 1 --raw', 'x 0x7F000000 0x40', 'handlers', 'modules', 'protocols', 'variables'];
  const paused = () => {
    const s = Session.create();
    s.exec('smi 0x04 --cpu 1');
    s.exec('step phase 3');
    return s;
  };
  const outputs = (s: Session, cols: number) => {
    s.columns = cols;
    return COMMANDS.map((c) => s.exec(c).lines);
  };

  it('at 100 columns or more every command prints its wide layout, whatever the width (the CLI default; scripts match it)', () => {
    const s = paused();
    const at100 = outputs(s, 100);
    expect(outputs(s, 400)).toEqual(at100);
    expect(at100[0].find((l) => l.startsWith('help [cmd]'))).toBe('help [cmd]'.padEnd(52) + ' List the commands, or explain one.');
    expect(at100[3]).toHaveLength(16); // regs: the header and 4 registers a row
  });

  it('below 100 columns no line is wider than the terminal, down to 24', () => {
    const s = paused();
    for (const cols of [99, 80, 60, 54, 40, 24]) {
      const out = outputs(s, cols);
      out.forEach((lines, i) => expect(longest(lines), `${COMMANDS[i]} at ${cols} columns`).toBeLessThanOrEqual(cols));
    }
  });

  it('narrow layouts keep the facts: cpus keeps the OUT mark and says what it left out, regs keeps every register, savestate every field', () => {
    const s = paused();
    s.columns = 54;
    const cpus = s.exec('cpus').lines;
    expect(cpus[1]).toMatch(/^CPU1 +in SMM .*rendezvous \[OUT\]$/);
    expect(cpus.join(' ')).toContain('RAX, RIP, SMBASE left out to fit 54 columns');
    const regs = s.exec('regs 1').lines.join('\n');
    for (const r of ['RAX', 'R15', 'RFLAGS', 'CR4', 'EFER', 'CS_BASE', 'GDTR_LIMIT', 'TR_BASE']) expect(regs).toMatch(new RegExp(`\\b${r} *=0x[0-9A-F]{16}\\b`));
    expect(s.exec('regs 1').lines[1]).toMatch(/^RAX +=0x0+4 {2}RCX +=0x/); // two general registers a row at 54 columns
    const ss = s.exec('savestate 1').lines;
    expect(ss.length).toBe(s.m.layout.fields.length + 4); // head (2 rows), fields, legend (2 rows)
    expect(ss.find((l) => l.includes(' RAX '))).toMatch(/0x7FF8 RAX +0x0+4$/);
    expect(ss.find((l) => l.includes('IO_DWord'))).toMatch(/ \*$/);
    const x = s.exec('x 0x7F000000 0x20').lines;
    expect(x).toHaveLength(4); // 8 bytes a row
    expect(s.columns).toBe(54);
  });

  it('the narrow help lists every command with the first sentence of its text', () => {
    const s = Session.create();
    s.columns = 54;
    const help = s.exec('help').lines;
    expect(help[0]).toBe('help         List the commands, or explain one.');
    expect(help.some((l) => l.startsWith('platform     Power on a QEMU Q35 + OVMF machine and'))).toBe(true);
    expect(help.at(-1)).toBe('`help CMD` shows its usage and all of its text.');
    expect(s.exec('help smi').lines[0]).toBe('smi CMD [DATA] [--cpu N] [--run]');
  });

  it('state --json is printed whole at any width (a block to copy, not prose)', () => {
    const s = Session.create();
    const wide = s.exec('state --json').lines;
    s.columns = 40;
    expect(s.exec('state --json').lines).toEqual(wide);
    expect(JSON.parse(wide[0]).platform).toBe('ovmf');
  });

  it('any other output wider than the terminal wraps at word boundaries (smi, step)', () => {
    const s = Session.create();
    s.columns = 40;
    const r = s.exec('smi 0x04 --cpu 1');
    expect(longest(r.lines)).toBeLessThanOrEqual(40);
    expect(r.lines.map((l) => l.trim()).join(' ')).toContain('[trigger] CPU1: OUT 0xB3, 0x00');
  });
});
