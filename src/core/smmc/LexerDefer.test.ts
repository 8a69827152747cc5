/**
 * The tokenizer changes the preprocessor needs (Lexer.ts): errors deferred to the tokens that carry
 * them (so `#if 0` text may be anything, as in gcc), line splices that are not whitespace (C99
 * 5.1.1.2 phase 2), and line numbers that stay right after a splice inside a string literal.
 */
import { describe, expect, it } from 'vitest';
import { tokenize } from './Lexer';
import { CDiagnostic } from './Source';

const file = (text: string) => ({ name: 'L.c', text, shipped: false });

describe('tokenize: deferred errors and line splices', () => {
  it('by default a bad token still throws at its place', () => {
    expect(() => tokenize(file('x = 1.5;'))).toThrow(CDiagnostic);
    expect(() => tokenize(file('a @ b'))).toThrow("stray '@' in program");
  });

  it('deferErrors: a bad token carries its error and lexing goes on', () => {
    const toks = tokenize(file("a @ 1.5 'x\nb \"\\q\" 0x"), { deferErrors: true });
    expect(toks.map((t) => [t.text, t.error ?? null])).toEqual([
      ['a', null],
      ['@', "stray '@' in program"],
      ['1.5', 'floating-point constants are not supported: SMM code is built without floating point'],
      ["'x", "missing terminating ' character"],
      ['b', null],
      ['"\\q"', "unknown escape sequence '\\q'"],
      ['0x', "invalid integer constant '0x'"],
      ['', null],
    ]);
    expect(toks[5].loc.line).toBe(2);
  });

  it('deferErrors: an unterminated comment still throws (gcc rejects it even in #if 0)', () => {
    expect(() => tokenize(file('a /* b'), { deferErrors: true })).toThrow('unterminated /* comment');
  });

  it('C99 5.1.1.2: a backslash-newline is deleted, not whitespace', () => {
    const toks = tokenize(file('#define X a\\\n+b\\\n c'));
    expect(toks.map((t) => [t.text, t.hasSpace, t.atBol])).toEqual([
      ['#', false, true],
      ['define', false, false],
      ['X', true, false],
      ['a', true, false],
      ['+', false, false],
      ['b', false, false],
      ['c', true, false],
      ['', false, true],
    ]);
  });

  it('a splice inside a string literal keeps the line numbers of what follows', () => {
    const toks = tokenize(file('"ab\\\ncd" x\ny'));
    expect(toks[0].units).toEqual([97, 98, 99, 100]);
    expect([toks[1].text, toks[1].loc.line, toks[1].loc.col]).toEqual(['x', 2, 5]);
    expect([toks[2].text, toks[2].loc.line]).toEqual(['y', 3]);
  });
});
