/**
 * Macro replacement (C99 6.10.3), the design of chibicc's preprocess.c: every token carries a hide
 * set (Prosser's algorithm), the names of the macros whose expansion produced it, and a macro name
 * in its own hide set is not expanded again, which is what ends recursion (6.10.3.4p2). A
 * function-like macro's result is hidden by (name's hide set ∩ closing paren's hide set) ∪ {name}.
 *
 * Arguments are fully macro-expanded before they replace a parameter, except next to # and ##
 * (6.10.3.1): that is why edk2's `_ASSERT (E)`, which hands E on to `DEBUG_EXPRESSION_STRING`
 * before it is stringized, describes `Buffer != NULL` as "Buffer != ((void *) 0)".
 *
 * Locations (the choice the parser relies on): a token a macro's replacement list spelled gets
 * `loc` = the place the macro was USED (the outermost use, since a nested use inside a replacement
 * list already carries the outer use's loc), so errors and line steps land on the user's line as
 * gcc's caret does; `expandedFrom` is that same outermost use, `macro` the macro whose replacement
 * list spelled it and `spelling` where (for gcc's "expanded from macro 'X'" note). A token that came
 * from an argument keeps its own loc (the user wrote it there). `__LINE__` is the line of its loc,
 * which is what gcc 12 prints: the macro name's line for a replacement list, the argument's own
 * line inside a multi-line call.
 */

import { copyToken, newToken, tokenize, type Token } from './Lexer';
import { CDiagnostic, type Loc, type SourceFile } from './Source';

export interface Macro {
  name: string;
  /** Parameter names (a variadic macro's last one is `__VA_ARGS__`, or gcc's `args...` name); null: object-like. */
  params: string[] | null;
  variadic: boolean;
  /** The replacement list, as written. */
  body: Token[];
  /** `__FILE__`, `__LINE__`, ...: the token that replaces a use. */
  builtin?: (use: Token) => Token;
  /** The macro name in its #define (for "macro defined here"); null when predefined. */
  loc: Loc | null;
}

/** Where expansion reads unexpanded tokens from, and puts results back in front of. */
export interface TokenReader {
  /** The next token; an 'eof' token, not consumed, at the end of the current file or list. */
  next(): Token;
  /** Puts `toks` back in front of the input, toks[0] first. */
  unread(toks: readonly Token[]): void;
}

/** Reads a fixed token list (a macro argument, a directive line). */
export class ListReader implements TokenReader {
  private pos = 0;
  private readonly pending: Token[] = [];

  constructor(
    private readonly toks: readonly Token[],
    private readonly eof: Token,
  ) {}

  next(): Token {
    if (this.pending.length > 0) return this.pending.pop()!;
    return this.pos < this.toks.length ? this.toks[this.pos++] : this.eof;
  }

  unread(toks: readonly Token[]): void {
    for (let i = toks.length - 1; i >= 0; i--) this.pending.push(toks[i]);
  }
}

/** Nested argument pre-expansion deeper than this is an error (not a JS stack overflow). */
const MAX_NESTING = 200;
/** A runaway expansion (`#define a b b`, `#define b c c`, ...) stops here. */
const MAX_TOKENS = 1_000_000;

const BUILTIN: SourceFile = { name: '<built-in>', text: '', shipped: true };

export class Expander {
  readonly macros = new Map<string, Macro>();
  private nesting = 0;
  private produced = 0;
  private counter = 0;
  /** Hide sets are shared: (hide set, macro name) -> the hide set with that name added. */
  private readonly withNames = new Map<ReadonlySet<string> | undefined, Map<string, ReadonlySet<string>>>();

  constructor() {
    const def = (name: string, builtin: (use: Token) => Token) => this.macros.set(name, { name, params: null, variadic: false, body: [], builtin, loc: null });
    def('__FILE__', (use) => stringToken(use.loc.file.name, use));
    def('__FILE_NAME__', (use) => stringToken(use.loc.file.name.replace(/^.*[\\/]/, ''), use));
    def('__LINE__', (use) => numberToken(use.loc.line, use));
    def('__COUNTER__', (use) => numberToken(this.counter++, use));
  }

  /**
   * If `t` names a macro that is not hidden for it, expands it: reads the arguments from `r` and
   * puts the replacement back into `r` for rescanning (6.10.3.4). False when `t` stays as it is
   * (not a macro, hidden, or a function-like macro name not followed by `(`).
   */
  tryExpand(t: Token, r: TokenReader): boolean {
    const m = this.macros.get(t.text);
    if (m === undefined || t.hideset?.has(m.name)) return false;
    if (m.builtin) {
      r.unread([m.builtin(t)]);
      return true;
    }
    if (m.params === null) {
      const hs = this.withName(t.hideset, m.name);
      this.useEnd = t.useEnd ?? after(t);
      const out = m.body.map((b) => this.fromBody(b, t, m, hs));
      this.finish(out, t, r);
      return true;
    }
    const open = r.next();
    if (open.kind !== 'punct' || open.text !== '(') {
      if (open.kind !== 'eof') r.unread([open]);
      return false;
    }
    const { args, rparen } = this.readArgs(m, t, r);
    const hs = this.withName(intersect(t.hideset, rparen.hideset), m.name);
    // gcc deletes the comma of `, ## __VA_ARGS__` only when the variable arguments are left out
    // entirely (`P("c")`), not when they are present and empty (`P("c",)`).
    const vaOmitted = m.variadic && args.length < m.params.length;
    if (vaOmitted) args.push([]);
    this.useEnd = t.useEnd ?? rparen.useEnd ?? after(rparen);
    this.finish(this.subst(m, args, t, hs, vaOmitted), t, r);
    return true;
  }

  /** `toks` fully macro-replaced on their own (an argument, 6.10.3.1; a #if or #include line). */
  expandList(toks: readonly Token[], at: Token, inIf = false): Token[] {
    if (++this.nesting > MAX_NESTING) {
      throw new CDiagnostic(at.loc, `macro arguments nested more than ${MAX_NESTING} deep`);
    }
    const last = toks.length > 0 ? toks[toks.length - 1] : at;
    const r = new ListReader(toks, newToken('eof', '', last.loc, true, false));
    const out: Token[] = [];
    for (;;) {
      const t = r.next();
      if (t.kind === 'eof') break;
      if (t.kind === 'ident') {
        if (inIf && t.text === 'defined') {
          out.push(this.readDefined(t, r));
          continue;
        }
        if (this.tryExpand(t, r)) continue;
      }
      out.push(t);
    }
    this.nesting--;
    return out;
  }

  /** `defined X` / `defined ( X )` in #if: 1 or 0, the name not macro-expanded (6.10.1p1). */
  private readDefined(t: Token, r: TokenReader): Token {
    let n = r.next();
    const paren = n.kind === 'punct' && n.text === '(';
    if (paren) n = r.next();
    if (n.kind !== 'ident') throw new CDiagnostic(n.kind === 'eof' ? t.loc : n.loc, 'operator "defined" requires an identifier');
    if (paren) {
      const c = r.next();
      if (c.kind !== 'punct' || c.text !== ')') throw new CDiagnostic(n.loc, 'missing \')\' after "defined"');
    }
    return numberToken(this.macros.has(n.text) ? 1 : 0, t);
  }

  /** The arguments of a function-like macro use, up to its `)` (6.10.3p10-12). */
  private readArgs(m: Macro, name: Token, r: TokenReader): { args: Token[][]; rparen: Token } {
    const params = m.params!;
    const args: Token[][] = [];
    let cur: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = r.next();
      if (t.kind === 'eof') throw new CDiagnostic(name.loc, `unterminated argument list invoking macro "${m.name}"`);
      if (t.kind === 'punct') {
        if (t.text === '(') depth++;
        else if (t.text === ')') {
          if (depth === 0) {
            args.push(cur);
            return { args: this.checkCount(m, args, t, params), rparen: t };
          }
          depth--;
        } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length === params.length - 1)) {
          args.push(cur);
          cur = [];
          continue;
        }
      }
      cur.push(t);
    }
  }

  private checkCount(m: Macro, args: Token[][], rparen: Token, params: string[]): Token[][] {
    const notes = m.loc ? [{ loc: m.loc, message: `macro "${m.name}" defined here` }] : [];
    if (params.length === 0) {
      if (args.length === 1 && args[0].length === 0) return [];
      throw new CDiagnostic(rparen.loc, `macro "${m.name}" passed ${args.length} arguments, but takes just 0`, 'error', notes);
    }
    if (args.length === params.length) return args;
    if (args.length < params.length) {
      // gcc accepts a variadic macro used without its variable arguments (`f(a)` for `f(a, ...)`).
      if (m.variadic && args.length === params.length - 1) return args;
      throw new CDiagnostic(rparen.loc, `macro "${m.name}" requires ${params.length} arguments, but only ${args.length} given`, 'error', notes);
    }
    throw new CDiagnostic(rparen.loc, `macro "${m.name}" passed ${args.length} arguments, but takes just ${params.length}`, 'error', notes);
  }

  /**
   * The replacement list of `m` with the arguments substituted (6.10.3.1-3): `#p` stringized from
   * the argument as written, `##` operands as written and pasted, other parameters fully expanded.
   * An empty argument next to ## is a placemarker (6.10.3.3p2-3).
   */
  private subst(m: Macro, args: Token[][], use: Token, hs: ReadonlySet<string>, vaOmitted: boolean): Token[] {
    const params = m.params!;
    const body = m.body;
    const expanded: (Token[] | undefined)[] = [];
    const out: Token[] = [];
    let paste = false; // the previous body token was ##
    let placemarker = false; // the previous operand produced no tokens
    let space = false; // an empty operand stood after whitespace: the next token gets a space
    const param = (t: Token | undefined): number => (t !== undefined && t.kind === 'ident' ? params.indexOf(t.text) : -1);
    const vaIndex = m.variadic ? params.length - 1 : -1;
    // Tokens of one earlier expansion share one hide set: join each with hs once.
    const joined = new Map<ReadonlySet<string>, ReadonlySet<string>>();
    const fromArg = (a: Token): Token => {
      const t = copyToken(a);
      if (a.hideset === undefined) t.hideset = hs;
      else {
        let j = joined.get(a.hideset);
        if (j === undefined) joined.set(a.hideset, (j = union(a.hideset, hs)));
        t.hideset = j;
      }
      return t;
    };

    for (let i = 0; i < body.length; i++) {
      const tok = body[i];
      if (tok.kind === 'punct' && tok.text === '##') {
        paste = true;
        continue;
      }
      // gcc's `, ## __VA_ARGS__`: the comma goes away when the variable arguments were left out.
      if (vaIndex >= 0 && tok.kind === 'punct' && tok.text === ',' && isPunct(body[i + 1], '##') && param(body[i + 2]) === vaIndex && !paste) {
        const va = args[vaIndex];
        if (!vaOmitted) {
          out.push(this.fromBody(tok, use, m, hs));
          for (const a of va) out.push(fromArg(a));
        }
        placemarker = vaOmitted;
        i += 2;
        continue;
      }
      let operand: Token[];
      const p = param(tok);
      if (tok.kind === 'punct' && tok.text === '#') {
        const q = param(body[i + 1]);
        operand = [this.stringize(args[q], tok, use, m, hs)];
        i++;
      } else if (p >= 0) {
        const raw = paste || isPunct(body[i + 1], '##');
        const src = raw ? args[p] : (expanded[p] ??= this.expandList(args[p], use));
        operand = src.map(fromArg);
        if (operand.length > 0) operand[0].hasSpace = tok.hasSpace;
      } else {
        operand = [this.fromBody(tok, use, m, hs)];
      }
      if (paste && !placemarker && operand.length > 0 && out.length > 0) {
        out[out.length - 1] = this.paste(out[out.length - 1], operand[0], m, hs);
        for (let k = 1; k < operand.length; k++) out.push(operand[k]);
      } else if (paste && !placemarker) {
        // lhs ## placemarker: the left operand stays as it is
      } else {
        if (operand.length > 0 && space) operand[0].hasSpace = true;
        for (const o of operand) out.push(o);
        placemarker = operand.length === 0;
        space = placemarker && tok.hasSpace;
      }
      paste = false;
      if (operand.length > 0) space = false;
    }
    return out;
  }

  /** `#x`: the argument's spelling, one space where there was whitespace, `"` and `\` escaped in literals (6.10.3.2). */
  private stringize(arg: Token[], hash: Token, use: Token, m: Macro, hs: ReadonlySet<string>): Token {
    let s = '';
    for (let k = 0; k < arg.length; k++) {
      const t = arg[k];
      if (k > 0 && (t.hasSpace || t.atBol)) s += ' ';
      s += t.kind === 'str' || t.kind === 'char' ? t.text.replace(/[\\"]/g, '\\$&') : t.text;
    }
    const str = stringToken(s, use, true);
    str.hasSpace = hash.hasSpace;
    str.macro = m.name;
    str.spelling = hash.loc;
    str.hideset = hs;
    return str;
  }

  /** `a ## b`: the two spellings joined must lex as exactly one token (6.10.3.3p3). */
  private paste(l: Token, r: Token, m: Macro, hs: ReadonlySet<string>): Token {
    const text = l.text + r.text;
    let toks: Token[] = [];
    try {
      toks = tokenize({ name: l.loc.file.name, text, shipped: l.loc.file.shipped }, { deferErrors: true });
    } catch {
      // `/ ## *` opens a comment: not a token either
    }
    if (toks.length !== 2 || toks[0].text !== text) {
      const notes = r.spelling ? [{ loc: r.spelling, message: `in definition of macro '${m.name}'` }] : [];
      throw new CDiagnostic(l.loc, `pasting "${l.text}" and "${r.text}" does not give a valid preprocessing token`, 'error', notes);
    }
    const t = toks[0];
    const out = copyToken(l);
    out.kind = t.kind;
    out.text = text;
    out.value = t.value;
    out.numType = t.numType;
    out.units = t.units;
    out.wide = t.wide;
    out.error = t.error;
    out.hideset = hs;
    return out;
  }

  private withName(hs: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
    let byName = this.withNames.get(hs);
    if (byName === undefined) this.withNames.set(hs, (byName = new Map()));
    let out = byName.get(name);
    if (out === undefined) {
      const s = new Set(hs);
      s.add(name);
      byName.set(name, (out = s));
    }
    return out;
  }

  /** Right after the outermost macro use being expanded (set before its body is copied). */
  private useEnd: Loc | undefined = undefined;

  /** A copy of replacement-list token `b` as produced by the use `use` (see the file comment on locations). */
  private fromBody(b: Token, use: Token, m: Macro, hs: ReadonlySet<string>): Token {
    const t = copyToken(b);
    t.loc = use.loc;
    t.expandedFrom = use.expandedFrom ?? use.loc;
    t.macro = m.name;
    t.spelling = b.loc;
    t.useEnd = this.useEnd;
    t.hideset = b.hideset === undefined ? hs : union(b.hideset, hs);
    return t;
  }

  /** Puts a replacement back for rescanning; its first token takes the macro name's line start and spacing. */
  private finish(out: Token[], use: Token, r: TokenReader): void {
    this.produced += out.length;
    if (this.produced > MAX_TOKENS) throw new CDiagnostic(use.loc, `macro expansion produces more than ${MAX_TOKENS} tokens`);
    if (out.length > 0) {
      out[0].atBol = use.atBol;
      out[0].hasSpace = use.hasSpace;
      r.unread(out);
    } else if (use.hasSpace) {
      // An empty expansion after whitespace leaves the whitespace (gcc stringizes `a E b` as "a b").
      const nx = r.next();
      if (nx.kind !== 'eof' && !nx.hasSpace) {
        const c = copyToken(nx);
        c.hasSpace = true;
        r.unread([c]);
      } else if (nx.kind !== 'eof') r.unread([nx]);
    }
  }
}

function isPunct(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a === undefined || a.size === 0 || a === b) return b;
  let bigger = true;
  for (const x of a) if (!b.has(x)) bigger = false;
  if (bigger) return b;
  const s = new Set(b);
  for (const x of a) s.add(x);
  return s;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a === b) return a;
  const s = new Set<string>();
  for (const x of a) if (b.has(x)) s.add(x);
  return s;
}

/** A narrow string literal token with contents `s` (already escaped when `escaped`), at `use`. */
export function stringToken(s: string, use: Token, escaped = false): Token {
  const text = '"' + (escaped ? s : s.replace(/[\\"]/g, '\\$&')) + '"';
  const t = tokenize({ name: BUILTIN.name, text, shipped: true }, { deferErrors: true })[0];
  const out = copyToken(use);
  out.kind = 'str';
  out.text = text;
  out.value = undefined;
  out.numType = undefined;
  out.units = t.units;
  out.wide = false;
  out.error = t.text === text ? t.error : `invalid string literal ${text}`;
  return out;
}

export function numberToken(n: number, use: Token): Token {
  const out = copyToken(use);
  out.kind = 'num';
  out.text = String(n);
  out.value = BigInt(n);
  out.numType = 'int';
  out.units = undefined;
  out.wide = undefined;
  out.error = undefined;
  return out;
}

/** The place right after token `t` (for a macro use: where a missing ';' is reported). */
function after(t: Token): Loc {
  return { ...t.loc, col: t.loc.col + t.text.length, offset: t.loc.offset + t.text.length };
}
