/**
 * The parser's state for one translation unit: the token cursor, the scopes (ordinary identifiers
 * and tags, C99 6.2.1/6.2.3), the program being built and the function being parsed. One object
 * per parse (no module-level state: SmiScope compiles several modules and keeps earlier ones).
 */

import type { Binding, CType, FileScope, Node, Obj, Program } from './Ast';
export type { Binding, FileScope } from './Ast';
import type { Token } from './Lexer';
import { CDiagnostic, type Loc } from './Source';
import { copyType, root } from './Types';

/** One block's names (made on first use: most blocks declare nothing). */
interface Scope {
  vars: Map<string, Binding> | null;
  tags: Map<string, CType> | null;
  /** Locals declared in this block (their scopeEnd is set when the block closes). */
  locals: Obj[] | null;
}

/** The function whose body is being parsed. */
export interface FuncState {
  obj: Obj;
  locals: Obj[];
  labels: Map<string, Loc>;
  gotos: { name: string; loc: Loc }[];
  /** `__func__`, made on first use. */
  funcName: Obj | null;
  loops: number;
  /** The innermost switch: its node and the case values seen (duplicates are errors). */
  switches: { node: Node; seen: Map<bigint, Loc> }[];
}

const KEYWORDS = new Set([
  'void', '_Bool', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '__signed__', '__signed',
  'struct', 'union', 'enum', 'typedef', 'static', 'extern', 'inline', '__inline', '__inline__', 'register', 'auto',
  'const', '__const', '__const__', 'volatile', '__volatile', '__volatile__', 'restrict', '__restrict', '__restrict__',
  '_Noreturn', '__attribute__', '__attribute', '__declspec', '_Static_assert', 'sizeof', '_Alignof', '__alignof__',
  '__alignof', '_Alignas', 'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'default', 'break', 'continue',
  'return', 'goto', '__builtin_offsetof', '__extension__', '__builtin_va_list', '__builtin_ms_va_list', 'asm',
  '__asm__', '__asm', '_Complex', '__int128',
]);

/** Words that start a declaration (with the typedef names in scope). */
const DECL_START = new Set([
  'void', '_Bool', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '__signed__', '__signed',
  'struct', 'union', 'enum', 'typedef', 'static', 'extern', 'inline', '__inline', '__inline__', 'register', 'auto',
  'const', '__const', '__const__', 'volatile', '__volatile', '__volatile__', 'restrict', '__restrict', '__restrict__',
  '_Noreturn', '__attribute__', '__attribute', '__declspec', '_Alignas', '__builtin_va_list', '__builtin_ms_va_list',
  '_Complex', '__int128',
]);

export class State {
  readonly toks: Token[];
  pos = 0;
  readonly program: Program = { globals: [], functions: [] };
  /** `#pragma pack` in effect (0 = natural alignment), from the preprocessor's `__pragma_pack` tokens. */
  pack = 0;
  fn: FuncState | null = null;
  private scopes: Scope[] = [{ vars: new Map(), tags: new Map(), locals: null }];
  private strCount = 0;
  private staticCount = 0;
  /** Renamed/qualified copies of structs not complete yet: completed with them (see Types.copyType). */
  private pendingCopies = new Map<CType, CType[]>();
  /** Enum types whose enumerator list has been read (a second list is a redefinition). */
  readonly definedEnums = new Set<CType>();
  /**
   * The grammar's entry points that lower files call back into (set by Parser.ts, so no two
   * files import each other): a type name (casts, sizeof, offsetof), an expression, an assignment.
   */
  typeName: () => CType = unset;
  expr: () => Node = unset;
  assign: () => Node = unset;

  constructor(toks: Token[]) {
    this.toks = toks;
  }

  /** The file scope's names and tags (kept with the program for the debugger's `print`). */
  fileScope(): FileScope {
    return { vars: this.scopes[0].vars!, tags: this.scopes[0].tags! };
  }

  /** Starts from another unit's file scope (read through, never written: new names go to a scope of their own). */
  useFileScope(f: FileScope): void {
    this.scopes = [{ vars: f.vars as Map<string, Binding>, tags: f.tags as Map<string, CType>, locals: null }, { vars: new Map(), tags: new Map(), locals: null }];
  }

  get tok(): Token {
    return this.toks[this.pos];
  }

  peek(n = 1): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)];
  }

  next(): Token {
    const t = this.toks[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  /** Is the current token `s` (a punctuator or a keyword: no string or character literal spells one)? */
  is(s: string): boolean {
    return this.toks[this.pos].text === s;
  }

  consume(s: string): boolean {
    if (!this.is(s)) return false;
    this.pos++;
    return true;
  }

  /** `s` or an error "expected 's'" at the current token. */
  expect(s: string, msg = `expected '${s}'`): Token {
    if (!this.is(s)) this.error(this.tok, msg);
    return this.next();
  }

  /** `s` or an error placed just after the previous token (as clang puts "expected ';' after expression"). */
  expectAfter(s: string, msg: string): void {
    if (this.consume(s)) return;
    this.error(this.pos > 0 ? this.afterPrev() : this.tok, msg);
  }

  /** The place right after the previous token (on its line). */
  afterPrev(): Token {
    const p = this.toks[this.pos - 1];
    // After a macro use: past its name or its closing parenthesis, as clang reports it.
    if (p.useEnd) return { ...p, loc: p.useEnd, expandedFrom: undefined };
    const len = p.kind === 'str' || p.kind === 'char' || !p.expandedFrom ? p.text.length : 0;
    return { ...p, loc: { ...p.loc, col: p.loc.col + len, offset: p.loc.offset + len } };
  }

  error(tok: Token | Loc, msg: string): never {
    if ('kind' in tok) {
      const notes = tok.expandedFrom ? [{ loc: tok.expandedFrom, message: expansionNote(tok) }] : [];
      throw new CDiagnostic(tok.loc, msg, 'error', notes);
    }
    throw new CDiagnostic(tok, msg);
  }

  isKeyword(t: Token): boolean {
    return t.kind === 'ident' && KEYWORDS.has(t.text);
  }

  /** Does `t` start a type name / declaration (a specifier keyword or a typedef name in scope)? */
  isTypename(t: Token = this.tok): boolean {
    if (t.kind !== 'ident') return false;
    if (DECL_START.has(t.text)) return true;
    return this.lookup(t.text)?.kind === 'typedef';
  }

  // ---- scopes

  enterScope(): void {
    this.scopes.push({ vars: null, tags: null, locals: null });
  }

  /** Leaves a block; its locals' scope ends at `end` (the closing brace). */
  leaveScope(end: Loc | null): void {
    const s = this.scopes.pop()!;
    if (end && s.locals) for (const o of s.locals) o.scopeEnd = end;
  }

  get atFileScope(): boolean {
    return this.scopes.length === 1;
  }

  lookup(name: string): Binding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const b = this.scopes[i].vars?.get(name);
      if (b) return b;
    }
    return undefined;
  }

  /** The binding of `name` in the innermost scope only (redefinition checks). */
  lookupHere(name: string): Binding | undefined {
    return this.scopes[this.scopes.length - 1].vars?.get(name);
  }

  bind(name: string, b: Binding): void {
    const s = this.scopes[this.scopes.length - 1];
    (s.vars ??= new Map()).set(name, b);
  }

  /** File scope (globals declared inside a block with `extern` are still file-scope objects). */
  lookupFile(name: string): Binding | undefined {
    return this.scopes[0].vars!.get(name);
  }

  bindFile(name: string, b: Binding): void {
    this.scopes[0].vars!.set(name, b);
  }

  lookupTag(name: string): CType | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i].tags?.get(name);
      if (t) return t;
    }
    return undefined;
  }

  lookupTagHere(name: string): CType | undefined {
    return this.scopes[this.scopes.length - 1].tags?.get(name);
  }

  bindTag(name: string, t: CType): void {
    const s = this.scopes[this.scopes.length - 1];
    (s.tags ??= new Map()).set(name, t);
  }

  /** A new local of the current function, visible from here to the end of the block. */
  addLocal(obj: Obj): void {
    this.fn!.locals.push(obj);
    (this.scopes[this.scopes.length - 1].locals ??= []).push(obj);
  }

  // ---- types

  /** Types.copyType, remembering copies of incomplete structs so completing the struct completes them. */
  copy(t: CType, patch: { name?: string | null; isConst?: boolean; isVolatile?: boolean }): CType {
    const c = copyType(t, patch);
    const r = root(t);
    if (r.size < 0 && (r.kind === 'struct' || r.kind === 'union')) {
      const list = this.pendingCopies.get(r);
      if (list) list.push(c);
      else this.pendingCopies.set(r, [c]);
    }
    return c;
  }

  /** After a struct/union is laid out: its earlier copies get its size, alignment and members. */
  completed(r: CType): void {
    const list = this.pendingCopies.get(r);
    if (!list) return;
    for (const c of list) {
      c.size = r.size;
      c.align = r.align;
      c.members = r.members;
      c.packed = r.packed;
    }
    this.pendingCopies.delete(r);
  }

  // ---- objects

  newGlobal(name: string, t: CType, loc: Loc): Obj {
    const o = newObj(name, t, loc, false);
    this.program.globals.push(o);
    return o;
  }

  /** `.str.N` for a string literal. */
  stringName(): string {
    return `.str.${this.strCount++}`;
  }

  /** The global name of a block-scope static (`Counter.0`, as gcc names it in its symbol table). */
  staticName(name: string): string {
    return `${name}.${this.staticCount++}`;
  }
}

/** "in expansion of macro 'DEBUG'" (gcc's note) when the token names the one macro that made it. */
function expansionNote(t: Token): string {
  const names = t.hideset ? [...t.hideset] : [];
  return names.length === 1 ? `in expansion of macro '${names[0]}'` : 'in expansion of a macro';
}

function unset(): never {
  throw new Error('parser hook not set');
}

export function newObj(name: string, t: CType, loc: Loc, isLocal: boolean): Obj {
  return {
    name,
    ty: t,
    loc,
    isLocal,
    isFunction: t.kind === 'func',
    isStatic: false,
    isDefinition: false,
    init: null,
    relocs: [],
    params: [],
    locals: [],
    body: null,
    endLoc: null,
  };
}
