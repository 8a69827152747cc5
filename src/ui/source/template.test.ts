/**
 * The New module template must load and work in the core as the page loads it (the test reaches
 * into src/core on purpose: the page itself only sends `workspace` and `load`).
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../core/console/Session';
import { loadLine } from './editorFiles';
import { newModuleFiles } from './template';

describe('New module template (issue 7 §4: a root MMI handler that reads 0xB2)', () => {
  it('loads through the line Load sends, registers, answers 0x5A with 0x5A5A0000 | data in the BSP\'s saved RAX, and steps aside for 0x04', () => {
    const files = newModuleFiles('MyHandler');
    const ws = Object.fromEntries(files.map((f) => [f.name, f.text]));
    const s = Session.create({ cpus: 2 });
    s.workspace = { read: (p) => ws[p] ?? null, list: () => Object.keys(ws) };
    const line = loadLine(files, 'MyHandler.c');
    expect(line).toEqual({ line: 'load MyHandler.inf' });
    const r = s.exec((line as { line: string }).line);
    expect(r.error, r.lines.join('\n')).toBe(false);
    expect(s.m.s.serial.lines).toContain('MyHandler: root MMI handler for command 0x5A registered: Success');
    expect(s.exec('smi 0x5a 0x07 --run').lines.join('\n')).toMatch(/MyHandler\.MyHandler -> EFI_SUCCESS/);
    expect(s.m.s.serial.lines).toContain('MyHandler: command 0x5A data 0x7 (call 1): RAX = 0x5A5A0007, Success');
    const cpu0 = JSON.parse(s.exec('state --json').lines.join('\n')).cpus[0];
    expect(cpu0.rax).toBe('0x5A5A0007'); // RSM restored it from the save state the handler wrote
    expect(s.exec('smi 0x04 --run').lines.join('\n')).toMatch(/MyHandler\.MyHandler -> EFI_WARN_INTERRUPT_SOURCE_QUIESCED/);
  });
});
