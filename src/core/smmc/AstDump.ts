/**
 * A compact text form of the typed tree, for tests and for reading what the parser made:
 * `assign<UINTN>(x, add<UINTN>(x, cast<UINTN>(i)))`. Expressions carry their C type in <>,
 * `int` is left out; statements print as a small pseudo-C.
 */

import type { Node } from './Ast';
import { typeName } from './Types';

function t(n: Node): string {
  const s = typeName(n.ty);
  return s === 'int' ? '' : `<${s}>`;
}

export function dump(n: Node | null): string {
  if (!n) return '_';
  const l = () => dump(n.lhs);
  const r = () => dump(n.rhs);
  switch (n.kind) {
    case 'num':
      return `${n.val}${t(n)}`;
    case 'var':
      return n.obj!.name;
    case 'member':
      return `${l()}.${n.member!.name || '<anon>'}`;
    case 'funcall':
      return `call${t(n)}(${[dump(n.callee), ...n.args.map(dump)].join(', ')})`;
    case 'memzero':
      return `memzero(${n.obj!.name})`;
    case 'assign':
      return n.op ? `assign${n.op}${t(n)}[${typeName(n.opTy!)}](${l()}, ${r()})` : `assign${t(n)}(${l()}, ${r()})`;
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
      return `${n.kind}[${typeName(n.opTy!)}](${l()}, ${r()})`;
    case 'incdec':
      return `${n.prefix ? 'pre' : 'post'}${n.delta > 0 ? '+' : ''}${n.delta}${t(n)}(${l()})`;
    case 'cond':
      return `cond${t(n)}(${dump(n.cond)}, ${dump(n.then)}, ${dump(n.els)})`;
    case 'block':
      return `{${n.body.map(dump).join(' ')}}`;
    case 'exprstmt':
      return `${l()};`;
    case 'return':
      return n.lhs ? `return ${l()};` : 'return;';
    case 'if':
      return `if (${dump(n.cond)}) ${dump(n.then)}${n.els ? ` else ${dump(n.els)}` : ''}`;
    case 'for':
      return `for (${dump(n.init)} ${dump(n.cond)}; ${dump(n.inc)}) ${dump(n.then)}`;
    case 'do':
      return `do ${dump(n.then)} while (${dump(n.cond)});`;
    case 'switch':
      return `switch (${dump(n.cond)}) ${dump(n.then)}`;
    case 'case':
      return `${n.caseVal === null ? 'default' : `case ${n.caseVal}`}: ${dump(n.then)}`;
    case 'break':
    case 'continue':
      return `${n.kind};`;
    case 'goto':
      return `goto ${n.label};`;
    case 'label':
      return `${n.label}: ${dump(n.then)}`;
    case 'null':
      return ';';
    default:
      return n.rhs ? `${n.kind}${t(n)}(${l()}, ${r()})` : `${n.kind}${t(n)}(${l()})`;
  }
}
