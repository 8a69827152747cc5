import { describe, expect, it } from 'vitest';
import type { CStopInfo, CVarView } from '../../protocol/messages';
import { changedLocals, diagnosticRange, lineStarts } from './sourceMarks';

const text = ['int a;', '  Rax = 0x5A5A0000ULL | Command', '\tfoo (x);', ''].join('\n');

describe('editor marks: a compile error as a range (issue 7 §1: errors inline at line and column)', () => {
  it('lineStarts numbers every line, the empty last one included', () => {
    expect(lineStarts(text)).toEqual([0, 7, 39, 49]);
  });

  it('an identifier or number at line:col is covered whole', () => {
    const r = diagnosticRange(text, 2, 9);
    expect(text.slice(r.from, r.to)).toBe('0x5A5A0000ULL');
    const id = diagnosticRange(text, 2, 25);
    expect(text.slice(id.from, id.to)).toBe('Command');
  });

  it('a column past the end of the line ("expected \';\' after expression") is an empty range at the line end', () => {
    const r = diagnosticRange(text, 2, 32);
    expect(r).toEqual({ from: 38, to: 38 });
    expect(text[r.from]).toBe('\n');
  });

  it('a tab counts one column, as gcc counts it; punctuation is one character', () => {
    const r = diagnosticRange(text, 3, 2);
    expect(text.slice(r.from, r.to)).toBe('foo');
    const p = diagnosticRange(text, 3, 6);
    expect(text.slice(p.from, p.to)).toBe('(');
  });

  it('lines and columns outside the text are clamped, never out of range', () => {
    expect(diagnosticRange(text, 99, 5)).toEqual({ from: 49, to: 49 });
    expect(diagnosticRange(text, 0, 0)).toEqual({ from: 0, to: 3 });
    expect(diagnosticRange('', 3, 3)).toEqual({ from: 0, to: 0 });
  });
});

describe('locals that a step changed', () => {
  const stop = (line: number, fn = 'H'): CStopInfo => ({ cpu: 0, module: 'M', file: 'M.c', line, col: 3, fn, ip: 0x1000 + line });
  const v = (name: string, value: string, address = 0x7ffb0000): CVarView => ({ name, type: 'UINT64', address, size: 8, value, param: false });

  it('names the locals whose value text differs at the next stop of the same function', () => {
    expect(changedLocals({ stop: stop(27), locals: [v('Rax', '0', 1), v('Status', '0x0', 2)] }, { stop: stop(28), locals: [v('Rax', '0x5A', 1), v('Status', '0x0', 2)] })).toEqual(['Rax']);
  });

  it('nothing is "changed" across functions, CPUs, or without a previous stop', () => {
    expect(changedLocals(null, { stop: stop(28), locals: [v('Rax', '1')] })).toEqual([]);
    expect(changedLocals({ stop: stop(27, 'A'), locals: [v('Rax', '0')] }, { stop: stop(28, 'B'), locals: [v('Rax', '1')] })).toEqual([]);
    expect(changedLocals({ stop: { ...stop(27), cpu: 1 }, locals: [v('Rax', '0')] }, { stop: stop(28), locals: [v('Rax', '1')] })).toEqual([]);
  });

  it('a local at another address (a new frame of a recursive call) is not compared', () => {
    expect(changedLocals({ stop: stop(27), locals: [v('X', '0', 8)] }, { stop: stop(28), locals: [v('X', '1', 16)] })).toEqual([]);
  });
});
