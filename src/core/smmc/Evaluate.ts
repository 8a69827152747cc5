/**
 * A C expression evaluated where the debugger is paused (`print EXPR`, watches): parsed in the
 * scope of the paused function's translation unit with the locals that are in scope at the line,
 * compiled like the program's own expressions, and read from memory. It never changes the
 * machine: assignments, ++/-- and calls are refused.
 */

import type { CType, FileScope, Node, Obj, Val } from './Ast';
import { genAddr, genExpr } from './CompileExpr';
import { type Frame } from './FnCode';
import { formatValue, type PeekFn, type StatusNamer, typeText } from './Format';
import { tokenize } from './Lexer';
import { parseExpression } from './Parser';
import { reprOf } from './Repr';
import { CDiagnostic, type Loc } from './Source';

export interface EvalEnv {
  frame: Frame | null;
  /** The locals in scope, innermost declaration last (a later one hides an earlier one of the same name). */
  locals: readonly Obj[];
  scope: FileScope;
  globalAddress(o: Obj): number | null;
  peek: PeekFn;
  statusName: StatusNamer;
}

export interface EvalResult {
  type: string;
  value: string;
  /** Where the value lives (an lvalue), else null. */
  address: number | null;
}

const FORBIDDEN: Partial<Record<Node['kind'], string>> = {
  assign: 'an assignment',
  incdec: '++ or --',
  funcall: 'a function call',
  memzero: 'an initialisation',
};

function refuseEffects(n: Node | null): void {
  if (!n) return;
  const what = FORBIDDEN[n.kind];
  if (what) throw new CDiagnostic(n.loc, `print does not change the machine: ${what} is not allowed here`);
  for (const c of [n.lhs, n.rhs, n.cond, n.then, n.els, n.callee, ...n.args]) refuseEffects(c);
}

/** Locals of `fn` visible at `loc` (declared before it, their block not closed yet). */
export function localsInScope(all: readonly Obj[], params: readonly Obj[], loc: Loc): Obj[] {
  const before = (a: Loc, b: Loc) => a.offset <= b.offset;
  return [...params, ...all.filter((o) => !params.includes(o) && o.loc.file === loc.file && before(o.loc, loc) && (!o.scopeEnd || before(loc, o.scopeEnd)))];
}

function isLvalue(n: Node): boolean {
  return n.kind === 'var' || n.kind === 'deref' || n.kind === 'member';
}

function scalarText(t: CType, v: Val, statusName: StatusNamer): string {
  const hex = '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).toUpperCase();
  if (t.kind === 'ptr') return v === 0 ? 'NULL' : hex;
  if (t.name === 'EFI_STATUS' || t.name === 'RETURN_STATUS') return `${hex}${statusName(v) ? ` (${statusName(v)})` : ''}`;
  if (t.name === 'BOOLEAN') return v === 0 ? 'FALSE' : v === 1 ? 'TRUE' : String(v);
  return t.size >= 4 ? `${v} (${hex})` : String(v);
}

/** Evaluates `text`. Throws CDiagnostic for a parse error or a refused expression; a bad address is a CFault from MemPort. */
export function evaluateC(text: string, env: EvalEnv): EvalResult {
  const file = { name: '<print>', text, shipped: false };
  const node = parseExpression(tokenize(file), env.scope, env.locals);
  refuseEffects(node);
  const offsets = new Map(env.frame ? env.frame.fn.slots.map((s) => [s.obj, s.offset] as const) : []);
  const cenv = {
    localOffset: (o: Obj) => {
      const off = offsets.get(o);
      if (off === undefined) throw new CDiagnostic(node.loc, `'${o.name}' is not a local of the paused function`);
      return off;
    },
    globalAddress: (o: Obj) => {
      const a = env.globalAddress(o);
      if (a === null) throw new CDiagnostic(node.loc, `'${o.name}' is not in the module's image (declared but never used there)`);
      return a;
    },
    temps: new WeakMap<Node, number>(),
  };
  const frame = env.frame ?? ({ bp: 0, t: [] } as unknown as Frame);
  const ty = node.ty;
  if (isLvalue(node)) {
    const a = genAddr(node, cenv)(frame);
    const address = Number(a);
    return { type: typeText(ty), value: formatValue(ty, address, env.peek, env.statusName), address };
  }
  const v = genExpr(node, cenv)(frame);
  if (reprOf(ty) === null) return { type: typeText(ty), value: formatValue(ty, Number(v), env.peek, env.statusName), address: Number(v) };
  return { type: typeText(ty), value: scalarText(ty, v, env.statusName), address: null };
}
