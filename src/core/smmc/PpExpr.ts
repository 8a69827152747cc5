/**
 * The integer constant expression of `#if` / `#elif` (C99 6.10.1), evaluated the way gcc's
 * libcpp expr.c (`_cpp_parse_expr`) does: every value is intmax_t or uintmax_t (64 bits on X64),
 * an operation is unsigned when either operand is (the usual arithmetic conversions, C99 6.3.1.8),
 * `&&`, `||` and `?:` do not evaluate the side they skip (so `0 && 1/0` is fine), results wrap.
 * The caller has already replaced `defined X` by 1 or 0 and expanded every macro; identifiers that
 * remain are 0 (6.10.1p4). Error texts are gcc's.
 */

import type { Token } from './Lexer';
import { CDiagnostic } from './Source';

/** A value of the #if arithmetic: `v` normalized to 64 bits, signed unless `u`. */
interface Val {
  v: bigint;
  u: boolean;
}

const PREC: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** Deeper than this (parentheses, unary operators) is an error rather than a JS stack overflow. */
const MAX_DEPTH = 256;

const norm = (v: bigint, u: boolean): Val => ({ v: u ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v), u });
const asU = (x: Val): bigint => BigInt.asUintN(64, x.v);
const truth = (x: Val): boolean => x.v !== 0n;
const bool = (b: boolean): Val => ({ v: b ? 1n : 0n, u: false });

/** The value of the expression `toks` of directive `dir` (`if` or `elif`): true when non-zero. */
export function evalPpExpr(toks: readonly Token[], dir: Token): boolean {
  if (toks.length === 0) throw new CDiagnostic(dir.loc, `#${dir.text} with no expression`);
  const p = new ExprParser(toks);
  const v = p.comma(true);
  if (p.i < toks.length) p.trailing(toks[p.i]);
  return truth(v);
}

class ExprParser {
  i = 0;
  private depth = 0;

  constructor(private readonly toks: readonly Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isPunct(t: Token | undefined, text: string): boolean {
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }

  /** A token left over after a complete expression. */
  trailing(t: Token): never {
    if (this.isPunct(t, ')')) throw new CDiagnostic(t.loc, "missing '(' in expression");
    if (this.isPunct(t, ':')) throw new CDiagnostic(t.loc, "':' without preceding '?'");
    if (t.kind === 'ident' || t.kind === 'num' || t.kind === 'char' || this.isPunct(t, '(')) {
      throw new CDiagnostic(t.loc, `missing binary operator before token "${t.text}"`);
    }
    throw new CDiagnostic(t.loc, `token "${t.text}" is not valid in preprocessor expressions`);
  }

  /** expr , expr (gcc accepts the comma operator in #if; C99 6.6p3 only in unevaluated parts). */
  comma(ev: boolean): Val {
    let v = this.cond(ev);
    while (this.isPunct(this.peek(), ',')) {
      this.i++;
      v = this.cond(ev);
    }
    return v;
  }

  private cond(ev: boolean): Val {
    const c = this.binary(1, ev);
    const q = this.peek();
    if (!this.isPunct(q, '?')) return c;
    this.i++;
    const t = truth(c);
    const a = this.comma(ev && t);
    if (!this.isPunct(this.peek(), ':')) {
      throw new CDiagnostic(this.peek()?.loc ?? q!.loc, "'?' without following ':'");
    }
    this.i++;
    const b = this.cond(ev && !t);
    const u = a.u || b.u;
    return norm(t ? a.v : b.v, u);
  }

  private binary(minPrec: number, ev: boolean): Val {
    let l = this.unary(ev);
    for (;;) {
      const op = this.peek();
      if (!op || op.kind !== 'punct') return l;
      const prec = PREC[op.text];
      if (prec === undefined || prec < minPrec) return l;
      this.i++;
      if (op.text === '&&') {
        const r = this.binary(prec + 1, ev && truth(l));
        l = bool(truth(l) && truth(r));
      } else if (op.text === '||') {
        const r = this.binary(prec + 1, ev && !truth(l));
        l = bool(truth(l) || truth(r));
      } else {
        const r = this.binary(prec + 1, ev);
        l = apply(op, l, r, ev);
      }
    }
  }

  private unary(ev: boolean): Val {
    const t = this.peek();
    if (!t) {
      const prev = this.toks[this.i - 1];
      throw new CDiagnostic(prev.loc, `operator '${prev.text}' has no right operand`);
    }
    if (++this.depth > MAX_DEPTH) throw new CDiagnostic(t.loc, 'preprocessor expression nested too deeply');
    try {
      return this.primary(t, ev);
    } finally {
      this.depth--;
    }
  }

  private primary(t: Token, ev: boolean): Val {
    if (t.error) {
      const floating = t.kind === 'num' && /floating/.test(t.error);
      throw new CDiagnostic(t.loc, floating ? 'floating constant in preprocessor expression' : t.error);
    }
    if (t.kind === 'punct') {
      switch (t.text) {
        case '+':
        case '-':
        case '~':
        case '!': {
          this.i++;
          const x = this.unary(ev);
          if (t.text === '+') return x;
          if (t.text === '-') return norm(-x.v, x.u);
          if (t.text === '~') return norm(~x.v, x.u);
          return bool(!truth(x));
        }
        case '(': {
          this.i++;
          if (this.isPunct(this.peek(), ')')) throw new CDiagnostic(this.peek()!.loc, "missing expression between '(' and ')'");
          const x = this.comma(ev);
          if (!this.isPunct(this.peek(), ')')) throw new CDiagnostic(t.loc, "missing ')' in expression");
          this.i++;
          return x;
        }
        case ')': {
          const prev = this.toks[this.i - 1];
          if (prev && prev.kind === 'punct' && prev.text !== ')') {
            throw new CDiagnostic(prev.loc, `operator '${prev.text}' has no right operand`);
          }
          throw new CDiagnostic(t.loc, "missing '(' in expression");
        }
        default:
          if (PREC[t.text] !== undefined || t.text === '?' || t.text === ':' || t.text === ',') {
            const prev = this.toks[this.i - 1];
            if (prev) throw new CDiagnostic(prev.loc, `operator '${prev.text}' has no right operand`);
            throw new CDiagnostic(t.loc, `operator '${t.text}' has no left operand`);
          }
          throw new CDiagnostic(t.loc, `token "${t.text}" is not valid in preprocessor expressions`);
      }
    }
    this.i++;
    switch (t.kind) {
      case 'num':
        return norm(t.value ?? 0n, t.numType === 'uint' || t.numType === 'ulong');
      case 'char':
        // A character constant is an int (L'x' a CHAR16, promoted to int): never unsigned here.
        return norm(t.value ?? 0n, false);
      case 'ident':
        return { v: 0n, u: false };
      default:
        throw new CDiagnostic(t.loc, `token "${t.text}" is not valid in preprocessor expressions`);
    }
  }
}

/** A binary operator other than && and ||, in the common type of its operands. */
function apply(op: Token, l: Val, r: Val, ev: boolean): Val {
  const u = l.u || r.u;
  const a = u ? asU(l) : l.v;
  const b = u ? asU(r) : r.v;
  switch (op.text) {
    case '*':
      return norm(a * b, u);
    case '/':
    case '%':
      if (b === 0n) {
        if (ev) throw new CDiagnostic(op.loc, 'division by zero in preprocessor expression');
        return { v: 0n, u };
      }
      return norm(op.text === '/' ? a / b : a % b, u);
    case '+':
      return norm(a + b, u);
    case '-':
      return norm(a - b, u);
    case '<<':
    case '>>':
      return shift(op.text === '<<', l, r);
    case '<':
      return bool(a < b);
    case '>':
      return bool(a > b);
    case '<=':
      return bool(a <= b);
    case '>=':
      return bool(a >= b);
    case '==':
      return bool(a === b);
    case '!=':
      return bool(a !== b);
    case '&':
      return norm(a & b, u);
    case '^':
      return norm(a ^ b, u);
    case '|':
      return norm(a | b, u);
  }
  throw new CDiagnostic(op.loc, `token "${op.text}" is not valid in preprocessor expressions`);
}

/** The result has the left operand's type; a negative count shifts the other way (as libcpp does). */
function shift(left: boolean, l: Val, r: Val): Val {
  let n = r.u ? asU(r) : r.v;
  if (n < 0n) {
    left = !left;
    n = -n;
  }
  const x = l.u ? asU(l) : l.v;
  if (n >= 64n) return { v: left || l.u || x >= 0n ? 0n : -1n, u: l.u };
  return norm(left ? x << n : x >> n, l.u);
}
