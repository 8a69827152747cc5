/**
 * File-scope names (C99 6.9, 6.2.2): a global variable or function declared several times is one
 * Obj (a prototype then the definition, `extern` then the definition, tentative definitions);
 * typedefs may be repeated with the same type. Shared by the file-scope parser and by block-scope
 * `extern` declarations.
 */

import type { CType, Obj } from './Ast';
import type { DeclAttr } from './Decl';
import type { Token } from './Lexer';
import type { State } from './State';
import { newObj } from './State';
import { sameType, typeName } from './Types';

/** Declares (or re-declares) the file-scope object `name` of type t; returns the one Obj. */
export function declareGlobal(p: State, name: Token, t: CType, attr: DeclAttr): Obj {
  const prev = p.lookupFile(name.text);
  if (prev && prev.kind !== 'obj') p.error(name, `redefinition of '${name.text}' as different kind of symbol`);
  if (prev) {
    const o = prev.obj;
    if (o.isFunction !== (t.kind === 'func')) p.error(name, `redefinition of '${name.text}' as different kind of symbol`);
    if (!sameType(o.ty, t)) {
      if (o.isFunction) p.error(name, `conflicting types for '${name.text}'`);
      p.error(name, `redefinition of '${name.text}' with a different type: '${typeName(t)}' vs '${typeName(o.ty)}'`);
    }
    if (attr.isStatic && !o.isStatic) p.error(name, `static declaration of '${name.text}' follows non-static declaration`);
    // The more complete type wins: a prototype over `()`, a sized array over `[]`.
    if (t.kind === 'func' && o.ty.params === null && t.params !== null) o.ty = t;
    if (t.kind === 'array' && o.ty.arrayLen < 0 && t.arrayLen >= 0) o.ty = t;
    if (!p.atFileScope) p.bind(name.text, prev);
    return o;
  }
  const o = newObj(name.text, t, name.loc, false);
  o.isStatic = attr.isStatic;
  p.program.globals.push(o);
  p.bindFile(name.text, { kind: 'obj', obj: o });
  if (!p.atFileScope) p.bind(name.text, { kind: 'obj', obj: o });
  return o;
}

/** `typedef T Name;` (a repeat with the same type is allowed, as C11 and the edk2 headers do). */
export function declareTypedef(p: State, name: Token, t: CType): void {
  const prev = p.lookupHere(name.text);
  if (prev) {
    if (prev.kind !== 'typedef') p.error(name, `redefinition of '${name.text}' as different kind of symbol`);
    if (!sameType(prev.ty, t)) {
      const was = typeName({ ...prev.ty, name: null });
      p.error(name, `typedef redefinition with different types ('${typeName(t)}' vs '${was}')`);
    }
    return;
  }
  p.bind(name.text, { kind: 'typedef', ty: p.copy(t, { name: name.text }), loc: name.loc });
}
