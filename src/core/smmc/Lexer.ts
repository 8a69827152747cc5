/**
 * SMM-C's tokenizer: C99 translation phases 1-3 (line splices, comments, preprocessing tokens) for
 * one source file. Keywords stay identifiers here (the preprocessor must see `if`, `defined` and
 * macro names alike); the parser tells keywords from identifiers. Numbers are classified by
 * C99 6.4.4.1 on X64 LP64 with gcc (int 4 bytes, long and long long 8).
 */

import { CDiagnostic, type Loc, type SourceFile } from './Source';

export type TokenKind = 'ident' | 'punct' | 'num' | 'char' | 'str' | 'eof';

/** The type C gives an integer constant (or a character constant: int; L'x': CHAR16). */
export type NumType = 'int' | 'uint' | 'long' | 'ulong' | 'char16';

export interface Token {
  kind: TokenKind;
  /** The spelling: `0x10ULL`, `->`, `"a\n"`, `L'x'`. */
  text: string;
  loc: Loc;
  /** First token on its line (for `#` directives). */
  atBol: boolean;
  /** Whitespace came before it (the preprocessor's # stringizing keeps one space). */
  hasSpace: boolean;
  /** 'num' and 'char': the value; its type in numType. */
  value?: bigint;
  numType?: NumType;
  /** 'str': the code units without the terminating zero (bytes, or UTF-16 units when wide). */
  units?: number[];
  /** 'str' and 'char': an L prefix (CHAR16: edk2 builds with -fshort-wchar). */
  wide?: boolean;
  /** Macro names whose expansion produced this token (the preprocessor's hide set). */
  hideset?: ReadonlySet<string>;
  /** Where the outermost macro that produced this token was used (for "in expansion of macro").
   *  The preprocessor also sets `loc` to that place for tokens a replacement list spelled (see
   *  MacroExpand.ts); tokens from macro arguments keep their own loc. */
  expandedFrom?: Loc;
  /** Tokens a macro produced: right after the outermost macro use (its name, or its closing parenthesis). */
  useEnd?: Loc;
  /** A token produced by a macro: the macro whose replacement list spelled it, and where (gcc's
   *  "note: expanded from macro 'X'" points there). Tokens that came from macro arguments have none. */
  macro?: string;
  spelling?: Loc;
  /** tokenize(file, { deferErrors: true }): the error this token carries (a stray character, an
   *  unterminated literal, a bad number). The preprocessor reports it only if the token is used, so
   *  text in a skipped `#if 0` group may be anything, as in gcc. */
  error?: string;
}

/**
 * A token with every field present, in one order: all tokens share one object shape, which keeps
 * the preprocessor's copying fast (V8 inline caches stay monomorphic).
 */
export function newToken(
  kind: TokenKind,
  text: string,
  loc: Loc,
  atBol: boolean,
  hasSpace: boolean,
  value?: bigint,
  numType?: NumType,
  units?: number[],
  wide?: boolean,
  error?: string,
): Token {
  return { kind, text, loc, atBol, hasSpace, value, numType, units, wide, hideset: undefined, expandedFrom: undefined, useEnd: undefined, macro: undefined, spelling: undefined, error };
}

/** A copy of `t` with the same (full) shape, to change. */
export function copyToken(t: Token): Token {
  return {
    kind: t.kind,
    text: t.text,
    loc: t.loc,
    atBol: t.atBol,
    hasSpace: t.hasSpace,
    value: t.value,
    numType: t.numType,
    units: t.units,
    wide: t.wide,
    hideset: t.hideset,
    expandedFrom: t.expandedFrom,
    useEnd: t.useEnd,
    macro: t.macro,
    spelling: t.spelling,
    error: t.error,
  };
}

export interface TokenizeOptions {
  /** Record bad tokens in Token.error instead of throwing (an unterminated comment still throws). */
  deferErrors?: boolean;
}

const PUNCTS = [
  '<<=', '>>=', '...',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##',
  '[', ']', '(', ')', '{', '}', '.', '&', '*', '+', '-', '~', '!', '/', '%', '<', '>', '^', '|', '?', ':', ';', '=', ',', '#',
];

/** The punctuators by first character, longest first. */
const PUNCT_BY_CHAR = new Map<string, string[]>();
for (const p of PUNCTS) {
  const list = PUNCT_BY_CHAR.get(p[0]) ?? [];
  list.push(p);
  PUNCT_BY_CHAR.set(p[0], list);
}

/** Tokens of `file`, ending with one 'eof' token. Throws CDiagnostic at the first bad character (deferErrors: at an unterminated comment only). */
export function tokenize(file: SourceFile, opts: TokenizeOptions = {}): Token[] {
  const src = file.text;
  const defer = opts.deferErrors === true;
  // The first problem of the token being read (deferErrors), attached to it by push.
  let problem: string | undefined;
  const fail = (loc: Loc, message: string): void => {
    if (!defer) throw new CDiagnostic(loc, message);
    problem ??= message;
  };
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let atBol = true;
  let hasSpace = false;
  const locAt = (off: number): Loc => ({ file, line, col: off - lineStart + 1, offset: off });

  // Phase 2 (backslash-newline) is handled where it matters: in skipping whitespace and inside
  // tokens through `splice` (edk2 macros span lines with trailing backslashes).
  const newline = (at: number) => {
    line++;
    lineStart = at + 1;
  };

  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      newline(i);
      i++;
      atBol = true;
      hasSpace = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      hasSpace = true;
      continue;
    }
    if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\r' ? 2 : 1;
      newline(i);
      i++;
      // A line splice is deleted (C99 5.1.1.2 phase 2): it is not whitespace.
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') {
        if (src[i] === '\\' && src[i + 1] === '\n') {
          newline(i + 1);
          i++;
        }
        i++;
      }
      hasSpace = true;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const start = locAt(i);
      i += 2;
      for (;;) {
        if (i >= src.length) throw new CDiagnostic(start, 'unterminated /* comment');
        if (src[i] === '*' && src[i + 1] === '/') {
          i += 2;
          break;
        }
        if (src[i] === '\n') newline(i);
        i++;
      }
      hasSpace = true;
      continue;
    }
    const loc = locAt(i);
    const push = (t: Omit<Token, 'loc' | 'atBol' | 'hasSpace'>) => {
      out.push(newToken(t.kind, t.text, loc, atBol, hasSpace, t.value, t.numType, t.units, t.wide, problem));
      problem = undefined;
      atBol = false;
      hasSpace = false;
    };
    // Wide literals: L"..." and L'x'
    if (c === 'L' && (src[i + 1] === '"' || src[i + 1] === "'")) {
      const q = src[i + 1];
      const [units, end] = readQuoted(src, i + 2, q, loc, true, fail, newline);
      const text = src.slice(i, end);
      i = end;
      if (q === '"') push({ kind: 'str', text, units, wide: true });
      else push(charToken(text, units, true, loc, fail));
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && isIdentPart(src[j])) j++;
      push({ kind: 'ident', text: src.slice(i, j) });
      i = j;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      // A preprocessing number: digits, letters, dots, and e+/e-/p+/p- (C99 6.4.8).
      let j = i + 1;
      while (j < src.length) {
        const d = src[j];
        if ((d === '+' || d === '-') && /[eEpP]/.test(src[j - 1]) && !/^0[xX]/.test(src.slice(i, j))) j++;
        else if ((d === '+' || d === '-') && /[pP]/.test(src[j - 1])) j++;
        else if (isIdentPart(d) || d === '.') j++;
        else break;
      }
      const text = src.slice(i, j);
      push({ kind: 'num', text, ...parseNumber(text, loc, fail) });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      const [units, end] = readQuoted(src, i + 1, c, loc, false, fail, newline);
      const text = src.slice(i, end);
      i = end;
      if (c === '"') push({ kind: 'str', text, units, wide: false });
      else push(charToken(text, units, false, loc, fail));
      continue;
    }
    const p = PUNCT_BY_CHAR.get(c)?.find((s) => s.length === 1 || src.startsWith(s, i));
    if (p) {
      push({ kind: 'punct', text: p });
      i += p.length;
      continue;
    }
    fail(loc, `stray '${c}' in program`);
    push({ kind: 'punct', text: c });
    i++;
  }
  out.push(newToken('eof', '', locAt(i), true, hasSpace));
  return out;
}

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

type Fail = (loc: Loc, message: string) => void;

function charToken(text: string, units: number[], wide: boolean, loc: Loc, fail: Fail): Omit<Token, 'loc' | 'atBol' | 'hasSpace'> {
  if (units.length === 0) {
    fail(loc, 'empty character constant');
    return { kind: 'char', text, value: 0n, numType: 'int', wide };
  }
  if (wide) return { kind: 'char', text, value: BigInt(units[0]), numType: 'char16', wide };
  // A plain character constant has type int; char is signed on X64 gcc, so '\xff' is -1.
  const v = units[0] >= 0x80 ? units[0] - 0x100 : units[0];
  return { kind: 'char', text, value: BigInt(v), numType: 'int', wide };
}

/** Reads up to the closing quote; returns the code units (escapes applied) and the end offset. */
function readQuoted(
  src: string,
  start: number,
  quote: string,
  loc: Loc,
  wide: boolean,
  fail: Fail,
  newline: (at: number) => void,
): [number[], number] {
  const units: number[] = [];
  let i = start;
  for (;;) {
    if (i >= src.length || src[i] === '\n') {
      // gcc keeps the rest of the line as one token; so does deferErrors.
      fail(loc, quote === '"' ? 'missing terminating " character' : "missing terminating ' character");
      const end = Math.min(i, src.length);
      return [units, end > start && src[end - 1] === '\r' ? end - 1 : end];
    }
    const c = src[i];
    if (c === quote) return [units, i + 1];
    if (c !== '\\') {
      const cp = src.codePointAt(i)!;
      if (wide) units.push(cp > 0xffff ? 0xfffd : cp);
      else if (cp < 0x80) units.push(cp);
      else utf8(cp, units);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = src[i + 1];
    i += 2;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };
    if (e in simple) {
      units.push(simple[e]);
    } else if (e === 'x') {
      let j = i;
      while (j < src.length && /[0-9a-fA-F]/.test(src[j])) j++;
      if (j === i) fail(loc, '\\x used with no following hex digits');
      const v = parseInt(src.slice(i, j), 16);
      units.push(v & (wide ? 0xffff : 0xff));
      i = j;
    } else if (e >= '0' && e <= '7') {
      let j = i - 1;
      while (j < i + 2 && src[j] >= '0' && src[j] <= '7') j++;
      units.push(parseInt(src.slice(i - 1, j), 8) & (wide ? 0xffff : 0xff));
      i = j;
    } else if (e === '\n') {
      newline(i - 1); // a line splice inside a literal
    } else if (e === '\r' && src[i] === '\n') {
      newline(i);
      i++;
    } else if (e === undefined) {
      i = src.length; // a backslash at the very end of the file: the check above reports it
    } else {
      fail(loc, `unknown escape sequence '\\${e}'`);
      units.push(e.charCodeAt(0));
    }
  }
}

const U32 = 0xffffffffn;
const I32 = 0x7fffffffn;
const I64 = 0x7fffffffffffffffn;
const U64 = 0xffffffffffffffffn;

/** C99 6.4.4.1: the value and type of an integer constant (decimal: int, long; octal/hex may be unsigned). */
function parseNumber(text: string, loc: Loc, fail: Fail): { value: bigint; numType: NumType } {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?$/.exec(text);
  if (!m) {
    if (/^[0-9]*\.|[eEpP]/.test(text) && !/^0[xX]/.test(text)) {
      fail(loc, 'floating-point constants are not supported: SMM code is built without floating point');
    } else {
      fail(loc, `invalid integer constant '${text}'`);
    }
    return { value: 0n, numType: 'int' };
  }
  const digits = m[1];
  const value = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits[0] === '0' ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  const suffix = (m[2] ?? '').toLowerCase();
  const unsigned = suffix.includes('u');
  const long = suffix.includes('l');
  const decimal = !/^0/.test(digits) || digits === '0';
  if (value > U64) {
    fail(loc, 'integer constant is too large for its type');
    return { value: 0n, numType: 'ulong' };
  }
  let t: NumType;
  if (!long && !unsigned) t = value <= I32 ? 'int' : !decimal && value <= U32 ? 'uint' : value <= I64 ? 'long' : 'ulong';
  else if (!long && unsigned) t = value <= U32 ? 'uint' : 'ulong';
  else if (long && !unsigned) t = value <= I64 ? 'long' : 'ulong';
  else t = 'ulong';
  return { value, numType: t };
}

/** The UTF-8 bytes of code point `cp` (a narrow string literal holds its source text's bytes). */
function utf8(cp: number, out: number[]): void {
  if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}
