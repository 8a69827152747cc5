/**
 * Statements (C99 6.8) and block-scope declarations. Every statement node's loc is its first
 * token (the debugger steps by it); a for loop's init, condition and increment keep their own
 * locs. Locals go to the function's list (the compiler gives them frame slots); a block-scope
 * `static` is a global named `Name.N`; a local's initializer is a statement of its own.
 */

import type { Node } from './Ast';
import { wrap, toVal } from './ConstEval';
import { declarator, declspec, newAttr, pragmaPack, staticAssert } from './Decl';
import { constExpr, expr } from './Expr';
import { declareGlobal, declareTypedef } from './Globals';
import { globalInit, initializer, localInit } from './Init';
import type { Token } from './Lexer';
import { assignConvert, checkScalar, convert, mk, rv, VOID } from './Nodes';
import { newObj, type State } from './State';
import { integerPromote, isInteger, typeName } from './Types';

function stmtNode(kind: Node['kind'], t: Token): Node {
  return mk(kind, t.loc, VOID);
}

/** `{ ... }` (the `{` is the current token); ownScope false for a function's outermost block (it shares the parameters' scope). */
export function compound(p: State, ownScope: boolean): Node {
  const open = p.next();
  const n = stmtNode('block', open);
  if (ownScope) p.enterScope();
  for (;;) {
    const t = p.tok;
    if (t.kind === 'eof') p.error(t, "expected '}'");
    if (t.kind === 'punct' && t.text === '}') break;
    blockItem(p, n.body);
  }
  const close = p.next(); // the caller finds it at p.toks[p.pos - 1] (a function's endLoc)
  if (ownScope) p.leaveScope(close.loc);
  return n;
}

function blockItem(p: State, out: Node[]): void {
  const t = p.tok;
  if (t.kind === 'ident') {
    if (t.text === '_Static_assert') return staticAssert(p);
    if (t.text === '__pragma_pack') return pragmaPack(p);
    const next = p.peek();
    const label = next.kind === 'punct' && next.text === ':' && !p.isKeyword(t);
    if (!label && p.isTypename(t)) return localDecl(p, out);
    if (!label && !p.isKeyword(t) && !p.lookup(t.text) && next.kind === 'ident' && !p.isKeyword(next)) {
      p.error(t, `unknown type name '${t.text}'`);
    }
  }
  out.push(stmt(p));
}

/** A declaration inside a function: locals, block-scope statics, externs, typedefs. */
function localDecl(p: State, out: Node[]): void {
  const start = p.tok;
  const attr = newAttr();
  const base = declspec(p, attr);
  if (p.consume(';')) return;
  let first = true;
  for (;;) {
    const d = declarator(p, base, 'named');
    const name = d.name!;
    if (attr.isTypedef) declareTypedef(p, name, d.ty);
    else if (d.ty.kind === 'func' || attr.isExtern) {
      if (p.is('=')) p.error(p.tok, `declaration of block scope identifier with linkage cannot have an initializer`);
      const here = p.lookupHere(name.text);
      if (here && !(here.kind === 'obj' && !here.obj.isLocal)) p.error(name, `redefinition of '${name.text}'`);
      declareGlobal(p, name, d.ty, { ...attr, isStatic: false });
    } else {
      if (p.lookupHere(name.text)) p.error(name, `redefinition of '${name.text}'`);
      if (attr.isStatic) staticLocal(p, name, d.ty);
      else {
        const o = newObj(name.text, d.ty, name.loc, true);
        p.bind(name.text, { kind: 'obj', obj: o });
        p.addLocal(o);
        if (p.consume('=')) {
          const { init, ty } = initializer(p, d.ty);
          o.ty = ty;
          const s = mk('exprstmt', first ? start.loc : name.loc, VOID);
          s.lhs = localInit(o, init, s.loc);
          out.push(s);
        }
        if (o.ty.size < 0 || o.ty.kind === 'void') p.error(name, `variable has incomplete type '${typeName(o.ty)}'`);
      }
    }
    first = false;
    if (!p.consume(',')) break;
  }
  p.expectAfter(';', "expected ';' at end of declaration");
}

/** `static T x = ...;` in a function: a global (`x.N`) visible only in this block. */
function staticLocal(p: State, name: Token, t: Node['ty']): void {
  const o = p.newGlobal(p.staticName(name.text), t, name.loc);
  o.isStatic = true;
  o.isDefinition = true;
  o.cName = name.text;
  p.bind(name.text, { kind: 'obj', obj: o });
  const f = p.fn!.obj;
  (f.statics ??= []).push(o);
  if (p.consume('=')) {
    const { init, ty } = initializer(p, t);
    o.ty = ty;
    if (ty.size < 0) p.error(name, `variable has incomplete type '${typeName(ty)}'`);
    globalInit(p, o, init);
  } else {
    if (t.size < 0 || t.kind === 'void') p.error(name, `variable has incomplete type '${typeName(t)}'`);
    o.init = new Uint8Array(t.size);
  }
}

function condition(p: State, kw: Token): Node {
  p.expect('(', `expected '(' after '${kw.text}'`);
  const at = p.tok;
  const c = checkScalar(expr(p), at.loc);
  p.expect(')', "expected ')'");
  return c;
}

/** A statement after a label must exist (C99: a label cannot end a block). */
function labeled(p: State): Node {
  if (p.is('}')) p.error(p.tok, 'label at end of compound statement: expected statement');
  return stmt(p);
}

function loopBody(p: State): Node {
  const f = p.fn!;
  f.loops++;
  const s = stmt(p);
  f.loops--;
  return s;
}

export function stmt(p: State): Node {
  const t = p.tok;
  const f = p.fn!;
  if (t.kind === 'punct') {
    if (t.text === '{') return compound(p, true);
    if (t.text === ';') {
      p.next();
      return stmtNode('null', t);
    }
  }
  if (t.kind === 'ident' && !(p.peek().kind === 'punct' && p.peek().text === ':' && !p.isKeyword(t))) {
    switch (t.text) {
      case 'if': {
        p.next();
        const n = stmtNode('if', t);
        n.cond = condition(p, t);
        n.then = stmt(p);
        if (p.consume('else')) n.els = stmt(p);
        return n;
      }
      case 'while': {
        p.next();
        const n = stmtNode('for', t);
        n.cond = condition(p, t);
        n.then = loopBody(p);
        return n;
      }
      case 'do': {
        p.next();
        const n = stmtNode('do', t);
        n.then = loopBody(p);
        if (!p.is('while')) p.error(p.tok, "expected 'while' in do/while loop");
        n.cond = condition(p, p.next());
        p.expectAfter(';', "expected ';' after do/while statement");
        return n;
      }
      case 'for':
        return forStmt(p, t);
      case 'switch':
        return switchStmt(p, t);
      case 'case':
      case 'default':
        return caseStmt(p, t);
      case 'break':
        p.next();
        if (f.loops === 0 && f.switches.length === 0) p.error(t, "'break' statement not in loop or switch statement");
        p.expectAfter(';', "expected ';' after break statement");
        return stmtNode('break', t);
      case 'continue':
        p.next();
        if (f.loops === 0) p.error(t, "'continue' statement not in loop statement");
        p.expectAfter(';', "expected ';' after continue statement");
        return stmtNode('continue', t);
      case 'goto': {
        p.next();
        const name = p.tok;
        if (name.kind !== 'ident' || p.isKeyword(name)) p.error(name, 'expected identifier');
        p.next();
        f.gotos.push({ name: name.text, loc: name.loc });
        p.expectAfter(';', "expected ';' after goto statement");
        const n = stmtNode('goto', t);
        n.label = name.text;
        return n;
      }
      case 'return':
        return returnStmt(p, t);
      case 'else':
        p.error(t, 'expected expression');
    }
  }
  if (t.kind === 'ident' && !p.isKeyword(t) && p.peek().text === ':' && p.peek().kind === 'punct') {
    p.next();
    p.next();
    if (f.labels.has(t.text)) p.error(t, `redefinition of label '${t.text}'`);
    f.labels.set(t.text, t.loc);
    const n = stmtNode('label', t);
    n.label = t.text;
    n.then = labeled(p);
    return n;
  }
  if (p.isTypename(t)) p.error(t, 'expected expression'); // a declaration where only a statement may stand
  const e = expr(p);
  p.expectAfter(';', "expected ';' after expression");
  const n = stmtNode('exprstmt', t);
  n.lhs = rv(e);
  return n;
}

function forStmt(p: State, t: Token): Node {
  p.next();
  const f = p.fn!;
  p.expect('(', "expected '(' after 'for'");
  p.enterScope();
  const n = stmtNode('for', t);
  if (!p.consume(';')) {
    if (p.isTypename()) {
      const decls: Node[] = [];
      const at = p.tok;
      localDecl(p, decls);
      if (decls.length === 1) n.init = decls[0];
      else if (decls.length > 1) {
        const b = stmtNode('block', at);
        b.body = decls;
        n.init = b;
      }
    } else {
      const at = p.tok;
      const init = stmtNode('exprstmt', at);
      init.lhs = rv(expr(p));
      n.init = init;
      p.expectAfter(';', "expected ';' in 'for' statement specifier");
    }
  }
  if (!p.is(';')) {
    const at = p.tok;
    n.cond = checkScalar(expr(p), at.loc);
  }
  p.expectAfter(';', "expected ';' in 'for' statement specifier");
  if (!p.is(')')) n.inc = rv(expr(p));
  p.expect(')', "expected ')'");
  f.loops++;
  n.then = stmt(p);
  f.loops--;
  p.leaveScope(p.toks[p.pos - 1].loc);
  return n;
}

function switchStmt(p: State, t: Token): Node {
  p.next();
  const f = p.fn!;
  p.expect('(', "expected '(' after 'switch'");
  const at = p.tok;
  let c = rv(expr(p));
  p.expect(')', "expected ')'");
  if (!isInteger(c.ty)) p.error(at, `statement requires expression of integer type ('${typeName(c.ty)}' invalid)`);
  c = convert(c, integerPromote(c.ty));
  const n = stmtNode('switch', t);
  n.cond = c;
  f.switches.push({ node: n, seen: new Map() });
  n.then = stmt(p);
  f.switches.pop();
  return n;
}

function caseStmt(p: State, t: Token): Node {
  p.next();
  const f = p.fn!;
  const sw = f.switches[f.switches.length - 1];
  const n = stmtNode('case', t);
  if (t.text === 'default') {
    if (!sw) p.error(t, "'default' statement not in switch statement");
    p.expect(':', "expected ':' after 'default'");
    if (sw.node.defaultCase) p.error(t, 'multiple default labels in one switch');
    sw.node.defaultCase = n;
  } else {
    if (!sw) p.error(t, "'case' statement not in switch statement");
    const at = p.tok;
    const v = wrap(constExpr(p), sw.node.cond!.ty);
    if (p.is('...')) p.error(p.tok, 'case ranges are not supported in SMM-C');
    p.expect(':', "expected ':' after 'case'");
    if (sw.seen.has(v)) p.error(at, `duplicate case value '${v}'`);
    sw.seen.set(v, at.loc);
    n.caseVal = toVal(v);
    sw.node.cases.push(n);
  }
  n.then = labeled(p);
  return n;
}

function returnStmt(p: State, t: Token): Node {
  p.next();
  const f = p.fn!;
  const ret = f.obj.ty.returnTy!;
  const n = stmtNode('return', t);
  if (p.is(';')) {
    p.next();
    if (ret.kind !== 'void') p.error(t, `non-void function '${f.obj.name}' should return a value`);
    return n;
  }
  const at = p.tok;
  const e = rv(expr(p));
  p.expectAfter(';', "expected ';' after return statement");
  if (ret.kind === 'void') {
    if (e.ty.kind !== 'void') p.error(at, `void function '${f.obj.name}' should not return a value`);
    n.lhs = e;
    return n;
  }
  n.lhs = assignConvert(e, ret, { kind: 'return', loc: at.loc });
  return n;
}
