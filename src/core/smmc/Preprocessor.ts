/**
 * SMM-C's preprocessor: C99 6.10 (translation phase 4) as gcc -E does it, after chibicc's
 * preprocess.c. Directives (#include, #define/#undef, conditionals, #error, #pragma once/pack,
 * _Pragma) are read here from each file's tokens; macro replacement is MacroExpand.ts and the #if
 * arithmetic PpExpr.ts. The result is one token list ending in 'eof' for the parser; adjacent string
 * literals are still separate (the parser joins them).
 *
 * Every tokenize() result is cached per SourceFile object (the same shipped header is included by
 * many files and many compiles), and headers wholly wrapped in `#ifndef X ... #endif` are not read
 * again while X is defined (chibicc's include-guard shortcut, exact for such files). The tokens
 * returned are fresh objects: the parser may change them without touching the cache.
 */

import type { Token } from './Lexer';
import { copyToken, newToken, tokenize } from './Lexer';
import { Expander, type Macro, type TokenReader } from './MacroExpand';
import { evalPpExpr } from './PpExpr';
import { PackPragma } from './PpPragma';
import { CDiagnostic, type SourceFile } from './Source';

export interface PreprocessOptions {
  /** Finds an #include: `quoted` for "X.h" (search the including file's module first, then the shipped headers), false for <X.h> (shipped headers only). Returns null when not found. */
  resolve(name: string, quoted: boolean, from: SourceFile): SourceFile | null;
  /** Every include name that exists (for the "not found" message). */
  available(): string[];
  /** Extra object-like macros (-D), name -> replacement text. */
  defines?: Record<string, string>;
}

/** gcc's -fmax-include-depth default. */
export const MAX_INCLUDE_DEPTH = 200;

/**
 * What gcc 12 predefines for an edk2 X64 build that the headers test (gcc -dM -E with
 * -fshort-wchar -ffreestanding), plus edk2's MDE_CPU_X64 (tools_def.txt passes -D MDE_CPU_X64).
 * __FILE__, __FILE_NAME__, __LINE__ and __COUNTER__ are computed (MacroExpand.ts).
 */
const PREDEFINED: SourceFile = {
  name: '<built-in>',
  shipped: true,
  text: [
    '#define __STDC__ 1',
    '#define __STDC_VERSION__ 199901L',
    '#define __STDC_HOSTED__ 0',
    '#define __GNUC__ 12',
    '#define __GNUC_MINOR__ 2',
    '#define __GNUC_PATCHLEVEL__ 0',
    '#define __x86_64__ 1',
    '#define __x86_64 1',
    '#define __LP64__ 1',
    '#define _LP64 1',
    '#define __CHAR_BIT__ 8',
    '#define __SIZEOF_INT__ 4',
    '#define __SIZEOF_LONG__ 8',
    '#define __SIZEOF_LONG_LONG__ 8',
    '#define __SIZEOF_POINTER__ 8',
    '#define __SIZEOF_WCHAR_T__ 2',
    '#define MDE_CPU_X64 1',
    '',
  ].join('\n'),
};

interface CacheEntry {
  text: string;
  toks: Token[];
  /** X when the file is `#ifndef X` ... `#endif` and nothing else. */
  guard: string | null;
}

const cache = new WeakMap<SourceFile, CacheEntry>();

function fileTokens(file: SourceFile): CacheEntry {
  let e = cache.get(file);
  if (e === undefined || e.text !== file.text) {
    const toks = tokenize(file, { deferErrors: true });
    e = { text: file.text, toks, guard: includeGuard(toks) };
    cache.set(file, e);
  }
  return e;
}

const isHash = (t: Token | undefined): boolean => t !== undefined && t.atBol && t.kind === 'punct' && t.text === '#';
const isPunct = (t: Token | undefined, text: string): boolean => t !== undefined && t.kind === 'punct' && t.text === text;

/** The guard macro of a file whose every token lies inside one `#ifndef X` ... `#endif`. */
function includeGuard(toks: Token[]): string | null {
  if (!isHash(toks[0]) || toks[1]?.text !== 'ifndef' || toks[1].atBol || toks[2]?.kind !== 'ident' || toks[2].atBol) return null;
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    if (!isHash(toks[i]) || toks[i + 1].atBol) continue;
    const d = toks[i + 1].text;
    if (d === 'if' || d === 'ifdef' || d === 'ifndef') depth++;
    else if ((d === 'elif' || d === 'else') && depth === 1) return null;
    else if (d === 'endif' && --depth === 0) {
      let j = i + 2;
      while (toks[j].kind !== 'eof' && !toks[j].atBol) j++;
      return toks[j].kind === 'eof' ? toks[2].text : null;
    }
  }
  return null;
}

/** The tokens of `main` with every directive done and every macro replaced; ends with one 'eof' token. Throws CDiagnostic. */
export function preprocess(main: SourceFile, opts: PreprocessOptions): Token[] {
  return new Preprocessor(opts).run(main);
}

/** One #if ... #endif being read. */
interface Cond {
  /** The `if`/`ifdef`/`ifndef` directive name (for "unterminated conditional directive"). */
  start: Token;
  /** Some group of it was (or is being) included. */
  taken: boolean;
  inElse: boolean;
}

interface Frame {
  file: SourceFile;
  toks: Token[];
  pos: number;
  conds: Cond[];
}

class Preprocessor implements TokenReader {
  private readonly ex = new Expander();
  private readonly frames: Frame[] = [];
  /** Tokens put back in front of the file (macro replacements being rescanned), last read first. */
  private readonly pending: Token[] = [];
  private readonly once = new Set<SourceFile>();
  private readonly pack = new PackPragma();

  constructor(private readonly opts: PreprocessOptions) {}

  run(main: SourceFile): Token[] {
    this.readBuiltins(PREDEFINED);
    const d = this.opts.defines;
    if (d && Object.keys(d).length > 0) {
      const text = Object.entries(d).map(([k, v]) => `#define ${k} ${v.replace(/[\r\n]+/g, ' ')}\n`).join('');
      this.readBuiltins({ name: '<command-line>', text, shipped: true });
    }
    this.push(main);
    const out: Token[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof') {
        const f = this.frames[this.frames.length - 1];
        this.checkConds(f);
        if (this.frames.length > 1) {
          this.frames.pop();
          continue;
        }
        const eof = copyToken(t);
        eof.atBol = true;
        out.push(eof);
        return out;
      }
      if (t.kind === 'ident') {
        if (this.ex.tryExpand(t, this)) continue;
        if (t.text === '_Pragma') {
          const p = this.pragmaOperator(t);
          if (p) out.push(p);
          continue;
        }
      }
      if (t.error !== undefined) throw new CDiagnostic(t.loc, t.error);
      out.push(t.hideset === undefined ? copyToken(t) : t);
    }
  }

  /** Runs the #define lines of a built-in file (predefined macros, -D). */
  private readBuiltins(file: SourceFile): void {
    this.push(file);
    const t = this.next();
    if (t.kind !== 'eof') throw new CDiagnostic(t.loc, 'only #define lines are allowed here');
    this.frames.pop();
  }

  private push(file: SourceFile): void {
    const e = fileTokens(file);
    this.frames.push({ file, toks: e.toks, pos: 0, conds: [] });
  }

  next(): Token {
    if (this.pending.length > 0) return this.pending.pop()!;
    for (;;) {
      const f = this.frames[this.frames.length - 1];
      const t = f.toks[f.pos];
      if (t.kind === 'eof') return t;
      if (isHash(t)) {
        const emitted = this.directive(f);
        if (emitted) return emitted;
        continue;
      }
      f.pos++;
      return t;
    }
  }

  unread(toks: readonly Token[]): void {
    for (let i = toks.length - 1; i >= 0; i--) this.pending.push(toks[i]);
  }

  private checkConds(f: Frame): void {
    const c = f.conds[f.conds.length - 1];
    if (c) throw new CDiagnostic(c.start.loc, 'unterminated conditional directive');
  }

  /** The rest of the directive line from f.pos (which moves past it). */
  private line(f: Frame): Token[] {
    const start = f.pos;
    while (f.toks[f.pos].kind !== 'eof' && !f.toks[f.pos].atBol) f.pos++;
    return f.toks.slice(start, f.pos);
  }

  /** The directive whose `#` is at f.pos; returns a token to emit (a #pragma pack), else null. */
  private directive(f: Frame): Token | null {
    const hash = f.toks[f.pos++];
    const name = f.toks[f.pos];
    if (name.kind === 'eof' || name.atBol) return null; // the null directive (6.10.7)
    f.pos++;
    if (name.kind === 'num') {
      this.line(f); // a gcc line marker `# 33 "file"`: ignored like #line
      return null;
    }
    if (name.kind !== 'ident') throw new CDiagnostic(name.loc, `invalid preprocessing directive #${name.text}`);
    const line = this.line(f);
    switch (name.text) {
      case 'include':
        this.include(f, name, line);
        return null;
      case 'define':
        this.define(name, line);
        return null;
      case 'undef': {
        const id = this.macroName(name, line);
        this.ex.macros.delete(id.text);
        return null;
      }
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let v: boolean;
        if (name.text === 'if') v = this.ifValue(name, line);
        else v = this.ex.macros.has(this.macroName(name, line).text) === (name.text === 'ifdef');
        f.conds.push({ start: name, taken: v, inElse: false });
        if (!v) this.skip(f);
        return null;
      }
      case 'elif': {
        const c = f.conds[f.conds.length - 1];
        if (!c) throw new CDiagnostic(name.loc, '#elif without #if');
        if (c.inElse) throw new CDiagnostic(name.loc, '#elif after #else', 'error', [{ loc: c.start.loc, message: 'the conditional began here' }]);
        // Once a group was taken, later #elif expressions are not evaluated (gcc; C23 6.10.2 says so).
        if (c.taken || !this.ifValue(name, line)) this.skip(f);
        else c.taken = true;
        return null;
      }
      case 'else': {
        const c = f.conds[f.conds.length - 1];
        if (!c) throw new CDiagnostic(name.loc, '#else without #if');
        if (c.inElse) throw new CDiagnostic(name.loc, '#else after #else', 'error', [{ loc: c.start.loc, message: 'the conditional began here' }]);
        c.inElse = true;
        if (c.taken) this.skip(f);
        else c.taken = true;
        return null;
      }
      case 'endif':
        if (!f.conds.pop()) throw new CDiagnostic(name.loc, '#endif without #if');
        return null;
      case 'error':
        throw new CDiagnostic(name.loc, `#error ${spell(line)}`.trimEnd());
      case 'warning':
      case 'line':
      case 'ident':
      case 'sccs':
        return null;
      case 'pragma':
        return this.pragma(f, hash, line);
      default:
        throw new CDiagnostic(name.loc, `invalid preprocessing directive #${name.text}`);
    }
  }

  /** The identifier a directive names (#undef, #ifdef, #ifndef, #define). */
  private macroName(dir: Token, line: Token[]): Token {
    const id = line[0];
    if (!id) throw new CDiagnostic(dir.loc, `no macro name given in #${dir.text} directive`);
    if (id.kind !== 'ident') throw new CDiagnostic(id.loc, 'macro names must be identifiers');
    if (id.text === 'defined' && dir.text !== 'ifdef' && dir.text !== 'ifndef') {
      throw new CDiagnostic(id.loc, '"defined" cannot be used as a macro name');
    }
    return id;
  }

  private ifValue(dir: Token, line: Token[]): boolean {
    if (line.length === 0) throw new CDiagnostic(dir.loc, `#${dir.text} with no expression`);
    return evalPpExpr(this.ex.expandList(line, dir, true), dir);
  }

  /** Skips a group not taken: f.pos moves to the `#` of the #elif/#else/#endif that ends it (6.10.1p6). */
  private skip(f: Frame): void {
    const toks = f.toks;
    let depth = 0;
    for (;;) {
      const t = toks[f.pos];
      if (t.kind === 'eof') return;
      if (isHash(t) && toks[f.pos + 1].kind === 'ident' && !toks[f.pos + 1].atBol) {
        const d = toks[f.pos + 1].text;
        if (d === 'if' || d === 'ifdef' || d === 'ifndef') depth++;
        else if (d === 'endif') {
          if (depth === 0) return;
          depth--;
        } else if ((d === 'elif' || d === 'else') && depth === 0) return;
      }
      f.pos++;
    }
  }

  /** #define (6.10.3): object-like, or function-like when `(` follows the name with no space. */
  private define(dir: Token, line: Token[]): void {
    const id = this.macroName(dir, line);
    let i = 1;
    let params: string[] | null = null;
    let variadic = false;
    if (isPunct(line[1], '(') && !line[1].hasSpace) {
      params = [];
      i = 2;
      if (isPunct(line[i], ')')) i++;
      else {
        for (;;) {
          const t = line[i];
          if (isPunct(t, '...')) {
            variadic = true;
            params.push('__VA_ARGS__');
            i++;
            if (!isPunct(line[i], ')')) throw new CDiagnostic((line[i] ?? t).loc, "missing ')' in macro parameter list");
            i++;
            break;
          }
          if (t === undefined || t.kind !== 'ident') {
            throw new CDiagnostic((t ?? line[i - 1]).loc, `expected parameter name, found "${t?.text ?? 'end of line'}"`);
          }
          if (t.text === '__VA_ARGS__') throw new CDiagnostic(t.loc, '__VA_ARGS__ can only appear in the expansion of a C99 variadic macro');
          if (params.includes(t.text)) throw new CDiagnostic(t.loc, `duplicate macro parameter "${t.text}"`);
          params.push(t.text);
          i++;
          const sep = line[i];
          if (isPunct(sep, '...')) {
            // gcc's named variable arguments: `#define f(fmt, args...)`
            variadic = true;
            i++;
            if (!isPunct(line[i], ')')) throw new CDiagnostic((line[i] ?? sep).loc, "missing ')' in macro parameter list");
            i++;
            break;
          }
          if (isPunct(sep, ')')) {
            i++;
            break;
          }
          if (!isPunct(sep, ',')) throw new CDiagnostic((sep ?? t).loc, `expected ',' or ')', found "${sep?.text ?? 'end of line'}"`);
          i++;
        }
      }
    }
    const body = line.slice(i);
    if (isPunct(body[0], '##') || isPunct(body[body.length - 1], '##')) {
      throw new CDiagnostic((isPunct(body[0], '##') ? body[0] : body[body.length - 1]).loc, "'##' cannot appear at either end of a macro expansion");
    }
    if (params) {
      for (let k = 0; k < body.length; k++) {
        if (isPunct(body[k], '#')) {
          const p = body[k + 1];
          if (!p || p.kind !== 'ident' || !params.includes(p.text)) throw new CDiagnostic(body[k].loc, "'#' is not followed by a macro parameter");
        }
      }
    }
    // Redefining a macro differently is accepted silently (gcc warns); the new one replaces it.
    const m: Macro = { name: id.text, params, variadic, body, loc: id.loc };
    this.ex.macros.set(id.text, m);
  }

  /** #include "name" / <name> / MACRO (6.10.2). */
  private include(f: Frame, dir: Token, line: Token[]): void {
    const first = line[0];
    const bad = () => new CDiagnostic((first ?? dir).loc, '#include expects "FILENAME" or <FILENAME>');
    if (!first) throw bad();
    let name: string;
    let quoted: boolean;
    if (first.kind === 'str' && !first.wide && first.text.startsWith('"')) {
      name = first.text.slice(1, first.text.endsWith('"') && first.text.length > 1 ? -1 : undefined);
      quoted = true;
    } else if (isPunct(first, '<') && first.hideset === undefined) {
      // The header name is the raw text up to `>` (6.4.7): not tokens (`<Library/DebugLib.h>`).
      const text = f.file.text;
      const start = first.loc.offset + 1;
      const nl = text.indexOf('\n', start);
      const end = text.indexOf('>', start);
      if (end < 0 || (nl >= 0 && end > nl)) throw new CDiagnostic(first.loc, 'missing terminating > character');
      name = text.slice(start, end);
      quoted = false;
    } else {
      const x = this.ex.expandList(line, dir);
      if (x[0]?.kind === 'str' && !x[0].wide) {
        name = x[0].text.slice(1, -1);
        quoted = true;
      } else if (isPunct(x[0], '<')) {
        const close = x.findIndex((t) => isPunct(t, '>'));
        if (close < 0) throw new CDiagnostic(first.loc, 'missing terminating > character');
        name = spell(x.slice(1, close));
        quoted = false;
      } else throw bad();
    }
    if (name === '') throw new CDiagnostic(first.loc, 'empty filename in #include');
    if (this.frames.length > MAX_INCLUDE_DEPTH) {
      throw new CDiagnostic(first.loc, `#include nested depth ${this.frames.length} exceeds maximum of ${MAX_INCLUDE_DEPTH}`);
    }
    const file = this.opts.resolve(name, quoted, f.file);
    if (!file) throw this.notFound(name, first);
    if (this.once.has(file)) return;
    const e = fileTokens(file);
    if (e.guard !== null && this.ex.macros.has(e.guard)) return;
    this.push(file);
  }

  /** `'Foo.h' file not found` (clang's words), with the headers that exist, one line per folder. */
  private notFound(name: string, at: Token): CDiagnostic {
    const all = [...new Set(this.opts.available())].sort();
    const base = (n: string) => n.slice(n.lastIndexOf('/') + 1).toLowerCase();
    const like = all.filter((n) => n !== name && (base(n) === base(name) || n.toLowerCase() === name.toLowerCase()));
    const groups = new Map<string, string[]>();
    for (const n of all) {
      const slash = n.lastIndexOf('/');
      const dir = slash < 0 ? '' : n.slice(0, slash + 1);
      let g = groups.get(dir);
      if (!g) groups.set(dir, (g = []));
      g.push(n.slice(slash + 1));
    }
    const dirs = [...groups.keys()].filter((d) => d !== '').sort();
    if (groups.has('')) dirs.push('');
    const lines = dirs.map((d) => `  ${d === '' ? 'top level' : d}: ${groups.get(d)!.join(', ')}`);
    const hint = like.length > 0 ? `; did you mean '${like[0]}'?` : '';
    const notes = all.length > 0 ? [{ loc: at.loc, message: `the headers that exist are:\n${lines.join('\n')}` }] : [];
    return new CDiagnostic(at.loc, `'${name}' file not found${hint}`, 'error', notes);
  }

  /** #pragma: `once`, `pack(...)` (returned as one `__pragma_pack` token, PpPragma.ts); other pragmas are dropped. */
  private pragma(f: Frame, at: Token, line: Token[]): Token | null {
    const kind = line[0];
    if (kind?.kind !== 'ident') return null;
    if (kind.text === 'once') {
      this.once.add(f.file);
      return null;
    }
    if (kind.text === 'pack') {
      const value = this.pack.apply(this.ex.expandList(line.slice(1), kind), kind);
      return newToken('ident', '__pragma_pack', at.loc, true, false, value);
    }
    return null;
  }

  /** `_Pragma ( "..." )` (C99 6.10.9): destringized and done as a #pragma line. */
  private pragmaOperator(op: Token): Token | null {
    const open = this.next();
    const str = isPunct(open, '(') ? this.next() : open;
    const close = str.kind === 'str' ? this.next() : str;
    if (!isPunct(open, '(') || str.kind !== 'str' || !isPunct(close, ')')) {
      throw new CDiagnostic(op.loc, '_Pragma takes a parenthesized string literal');
    }
    const text = str.text.replace(/^L/, '').slice(1, -1).replace(/\\(["\\])/g, '$1');
    const f = this.frames[this.frames.length - 1];
    const toks = tokenize({ name: op.loc.file.name, text, shipped: op.loc.file.shipped }, { deferErrors: true });
    const line = toks.slice(0, -1).map((t) => {
      const c = copyToken(t);
      c.loc = op.loc;
      return c;
    });
    return this.pragma(f, op, line);
  }
}

/** Tokens spelled back with one space where there was whitespace (#error text, <...> from a macro). */
function spell(toks: readonly Token[]): string {
  let s = '';
  for (let i = 0; i < toks.length; i++) s += (i > 0 && toks[i].hasSpace ? ' ' : '') + toks[i].text;
  return s;
}
