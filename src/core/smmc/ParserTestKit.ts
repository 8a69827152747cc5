/**
 * What the parser's tests share: parse a C text, get the first error as gcc/clang print it, find
 * a function or a global, and a small set of edk2-style base types (written here for the tests;
 * the shipped headers are a separate file set).
 */

import type { Node, Obj, Program } from './Ast';
import { dump } from './AstDump';
import { tokenize } from './Lexer';
import { parse } from './Parser';
import { CDiagnostic } from './Source';

/** edk2's X64 base types (ProcessorBind.h, Base.h, UefiBaseType.h), in SMM-C's own words. */
export const BASE_TYPES = `
typedef unsigned long long UINT64; typedef long long INT64;
typedef unsigned int UINT32; typedef int INT32;
typedef unsigned short UINT16; typedef short INT16; typedef unsigned short CHAR16;
typedef unsigned char UINT8; typedef signed char INT8; typedef char CHAR8;
typedef unsigned char BOOLEAN;
typedef UINT64 UINTN; typedef INT64 INTN;
typedef void VOID;
typedef UINTN RETURN_STATUS; typedef RETURN_STATUS EFI_STATUS;
typedef VOID *EFI_HANDLE;
typedef struct { UINT32 Data1; UINT16 Data2; UINT16 Data3; UINT8 Data4[8]; } GUID;
typedef GUID EFI_GUID;
`;

export function parseC(text: string, name = 'Test.c'): Program {
  return parse(tokenize({ name, text, shipped: false }));
}

/** The diagnostic a text stops with (formatted: file:line:col, source line, caret). */
export function errorOf(text: string, name = 'Test.c'): string {
  try {
    parseC(text, name);
  } catch (e) {
    if (e instanceof CDiagnostic) return e.format();
    throw e;
  }
  throw new Error('parsed without an error');
}

/** Just the message of the first error. */
export function messageOf(text: string): string {
  return errorOf(text).split('\n')[0].replace(/^[^:]*:\d+:\d+: error: /, '');
}

export function global(p: Program, name: string): Obj {
  const o = p.globals.find((g) => g.name === name);
  if (!o) throw new Error(`no global ${name}`);
  return o;
}

export function fn(p: Program, name: string): Obj {
  const o = p.functions.find((g) => g.name === name);
  if (!o) throw new Error(`no function ${name}`);
  return o;
}

/** The statements of function `name`'s body, dumped. */
export function bodyOf(p: Program, name: string): string[] {
  return fn(p, name).body!.body.map(dump);
}

/** The expression of the only statement in `f` (an expression statement or a return). */
export function exprIn(text: string, decls = ''): Node {
  const p = parseC(`${BASE_TYPES}${decls}\nvoid f(void) { ${text}; }`);
  const s = fn(p, 'f').body!.body;
  return s[s.length - 1].lhs!;
}
