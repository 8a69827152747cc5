/**
 * SMM-C's parser: preprocessed tokens of one translation unit in, a typed Program out (Ast.ts).
 * A hand-written recursive descent parser in chibicc's manner (parse.c), split by concept:
 * Decl.ts (types of declarations), Expr.ts/Postfix.ts (expressions), Nodes.ts (the operators'
 * typing rules), Init.ts (initializers), Stmt.ts (statements), Globals.ts (file-scope names),
 * ConstEval.ts (constant expressions), Layout.ts (struct layout). The first error stops the
 * parse with a CDiagnostic at its token.
 *
 * What the tree looks like, beyond Ast.ts's comments (AstDump.ts prints it):
 * - An array or function used as a value is an 'addr' of it, typed pointer to the element (or to
 *   the function); `&arr` is an 'addr' typed pointer to the array. No node of array or function
 *   type is ever evaluated for its value, except a call's callee.
 * - A call's callee is a 'var' of function type (a direct call) or an expression of pointer-to-
 *   function type (`fp(x)` and `(*fp)(x)` are the same call).
 * - `p + i`, `p - i`, `p += i`: 'add'/'sub' typed as the pointer; the integer side is
 *   `(T *)((long)i * sizeof *p)` (folded when constant), so both operands have the pointer type.
 *   `p - q` is `((long)p - (long)q) / sizeof *p`. `a > b` is `b < a`, `a >= b` is `b <= a`.
 * - 'num' nodes may have pointer types (folded casts such as `(VOID *)0`); val is in the range
 *   of its type (unsigned types hold non-negative values).
 * - 'for' init is a statement (an 'exprstmt', or a 'block' of a declaration's statements) or
 *   null; cond and inc are expressions with their own locs.
 * - A local's initializer is an 'exprstmt' at the declaration: a scalar is one 'assign'; an
 *   aggregate is 'memzero' then assignments to its non-zero parts, joined by 'comma'.
 * - Struct-typed 'assign', 'cond' and call results copy bytes.
 */

import type { FileScope, Node, Obj, Program } from './Ast';
import { declarator, declspec, newAttr, pragmaPack, staticAssert, typeName_, type Declarator, type DeclAttr } from './Decl';
import { assign, expr } from './Expr';
import { declareGlobal, declareTypedef } from './Globals';
import { globalInit, initializer } from './Init';
import type { Token } from './Lexer';
import { newObj, State } from './State';
import { compound } from './Stmt';
import { typeName } from './Types';

/** Parses a translation unit (tokens ending with 'eof'). Throws CDiagnostic at the first error. */
export function parse(tokens: Token[]): Program {
  const p = new State(tokens);
  try {
    return unit(p);
  } catch (e) {
    // Absurdly deep nesting (thousands of parentheses) must not escape as a JS error.
    if (e instanceof RangeError) p.error(p.tok, 'nesting is too deep');
    throw e;
  }
}

/**
 * One expression in the scope of a translation unit and a function's locals (the debugger's
 * `print` and watches). Throws CDiagnostic.
 */
export function parseExpression(tokens: Token[], scope: FileScope, locals: readonly Obj[]): Node {
  const p = new State(tokens);
  p.useFileScope(scope);
  p.typeName = () => typeName_(p);
  p.expr = () => expr(p);
  p.assign = () => assign(p);
  for (const o of locals) p.bind(o.cName ?? o.name, { kind: 'obj', obj: o });
  try {
    if (p.tok.kind === 'eof') p.error(p.tok, 'expected expression');
    const n = expr(p);
    if (p.tok.kind !== 'eof') p.error(p.tok, 'expected end of expression');
    return n;
  } catch (e) {
    if (e instanceof RangeError) p.error(p.tok, 'nesting is too deep');
    throw e;
  }
}

function unit(p: State): Program {
  p.typeName = () => typeName_(p);
  p.expr = () => expr(p);
  p.assign = () => assign(p);
  while (p.tok.kind !== 'eof') topLevel(p);
  for (const o of p.program.globals) {
    if (o.isFunction || !o.isDefinition || o.init) continue;
    if (o.ty.size < 0) p.error(o.loc, `tentative definition has type '${typeName(o.ty)}' that is never completed`);
    o.init = new Uint8Array(o.ty.size);
  }
  p.program.scope = p.fileScope();
  return p.program;
}

function topLevel(p: State): void {
  const t = p.tok;
  if (t.kind === 'ident' && t.text === '__pragma_pack') return pragmaPack(p);
  if (t.kind === 'ident' && t.text === '_Static_assert') return staticAssert(p);
  if (p.consume(';')) return;
  if (!p.isTypename(t)) {
    if (t.kind === 'punct' && t.text === '}') p.error(t, "extraneous closing brace ('}')");
    if (t.kind === 'ident' && !p.isKeyword(t) && !p.lookup(t.text)) {
      const n = p.peek();
      if (n.kind === 'ident' || (n.kind === 'punct' && n.text === '*')) p.error(t, `unknown type name '${t.text}'`);
      p.error(t, "type specifier missing, defaults to 'int'; ISO C99 and later do not support implicit int");
    }
    if (t.kind === 'ident' && (t.text === 'float' || t.text === 'double')) p.error(t, 'floating point is not supported in SMM code');
    p.error(t, "expected identifier or '('");
  }
  const attr = newAttr();
  const base = declspec(p, attr);
  if (p.consume(';')) return;
  let first = true;
  for (;;) {
    const d = declarator(p, base, 'named');
    const name = d.name!;
    if (attr.isTypedef) declareTypedef(p, name, d.ty);
    else if (d.ty.kind === 'func') {
      const o = declareGlobal(p, name, d.ty, attr);
      if (first && p.is('{')) return functionDefinition(p, o, d, attr);
      if (p.is('=')) p.error(p.tok, `illegal initializer (only variables can be initialized)`);
    } else globalVariable(p, d, attr);
    first = false;
    if (!p.consume(',')) break;
  }
  p.expectAfter(';', "expected ';' after top level declarator");
}

function globalVariable(p: State, d: Declarator, attr: DeclAttr): void {
  const name = d.name!;
  if (d.ty.kind === 'void') p.error(name, "variable has incomplete type 'void'");
  const o = declareGlobal(p, name, d.ty, attr);
  if (!attr.isExtern) o.isDefinition = true;
  if (!p.consume('=')) return;
  if (o.init) p.error(name, `redefinition of '${name.text}'`);
  const { init, ty } = initializer(p, o.ty);
  o.ty = ty;
  if (ty.size < 0) p.error(name, `variable has incomplete type '${typeName(ty)}'`);
  o.isDefinition = true;
  globalInit(p, o, init);
}

function functionDefinition(p: State, o: Obj, d: Declarator, attr: DeclAttr): void {
  const name = d.name!;
  if (o.isDefinition) p.error(name, `redefinition of '${name.text}'`);
  const ft = d.ty;
  if (ft.variadic) {
    p.error(name, `variadic function definitions are not supported in SMM-C ('${name.text}'); calls to variadic functions such as DebugPrint are`);
  }
  const ret = ft.returnTy!;
  if (ret.size < 0 && ret.kind !== 'void') p.error(name, `incomplete result type '${typeName(ret)}' in function definition`);
  o.ty = ft;
  o.loc = name.loc;
  o.isDefinition = true;
  o.isStatic = o.isStatic || attr.isStatic;
  p.fn = { obj: o, locals: [], labels: new Map(), gotos: [], funcName: null, loops: 0, switches: [] };
  p.enterScope();
  const params: Obj[] = [];
  for (const pd of d.params ?? []) {
    if (!pd.name) p.error(pd.loc, 'parameter name omitted');
    if (p.lookupHere(pd.name.text)) p.error(pd.name, `redefinition of parameter '${pd.name.text}'`);
    if (pd.ty.size < 0) p.error(pd.name, `variable has incomplete type '${typeName(pd.ty)}'`);
    const po = newObj(pd.name.text, pd.ty, pd.name.loc, true);
    p.bind(po.name, { kind: 'obj', obj: po });
    p.addLocal(po);
    params.push(po);
  }
  o.params = params;
  o.body = compound(p, false);
  const close = p.toks[p.pos - 1];
  p.leaveScope(close.loc);
  for (const g of p.fn.gotos) if (!p.fn.labels.has(g.name)) p.error(g.loc, `use of undeclared label '${g.name}'`);
  o.locals = p.fn.locals;
  o.endLoc = close.loc;
  p.program.functions.push(o);
  p.fn = null;
}
