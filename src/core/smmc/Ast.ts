/**
 * The shared shapes of SMM-C (as chibicc's chibicc.h is for its stages): C types with their X64
 * layout, the typed syntax tree the parser builds, and the objects (variables, functions) it
 * declares. The parser does the semantic work: every expression node carries its type, implicit
 * conversions are explicit 'cast' nodes, pointer arithmetic is scaled, sizeof and offsetof are
 * folded to numbers. The code generator (Compile.ts) turns functions into closures.
 */

import type { Loc } from './Source';

/** A C integer value: a JS number when it is a safe integer, otherwise a bigint (64-bit types only). */
export type Val = number | bigint;

export type TypeKind =
  | 'void'
  | 'bool' // _Bool (edk2's BOOLEAN is unsigned char, not _Bool)
  | 'char' // 1 byte; plain char is signed on X64 gcc
  | 'short'
  | 'int'
  | 'long' // long and long long: both 8 bytes on X64 LP64
  | 'enum' // 4 bytes, int-compatible (smm-c-facts §0)
  | 'ptr'
  | 'array'
  | 'func'
  | 'struct'
  | 'union';

export interface CType {
  kind: TypeKind;
  /** sizeof; -1 while incomplete (a struct declared but not defined, an array of unknown length). */
  size: number;
  align: number;
  /** Integer kinds only. */
  unsigned: boolean;
  /** 'ptr': the pointee; 'array': the element type. */
  base: CType | null;
  /** 'array': element count (-1 = unknown). */
  arrayLen: number;
  /** 'struct' / 'union': members in declaration order (null while incomplete). */
  members: Member[] | null;
  /** 'struct' / 'union' declared inside `#pragma pack(1)` (or packed): alignment 1. */
  packed: boolean;
  /** 'func': return type, parameter types (null = `()` with no prototype), variadic `...`. */
  returnTy: CType | null;
  params: CType[] | null;
  variadic: boolean;
  /** Tag of a struct/union/enum (`_EFI_SMM_SYSTEM_TABLE2`), else null. */
  tag: string | null;
  /** The typedef name this type was reached through (EFI_STATUS, UINTN): what the debugger prints. */
  name: string | null;
  isConst: boolean;
  isVolatile: boolean;
  /**
   * A qualified or renamed copy points at the type it copies (so a completed struct is seen by
   * every typedef of it): compare types with sameType(), never with ===.
   */
  origin: CType | null;
}

export interface Member {
  name: string;
  ty: CType;
  /** Byte offset in the struct (0 for every union member). */
  offset: number;
  /** Bit fields: width in bits and the bit offset inside the storage unit at `offset` (of size ty.size). */
  bitWidth: number | null;
  bitOffset: number;
  loc: Loc;
}

/** A variable or a function (C's "object" and function designators). */
export interface Obj {
  name: string;
  ty: CType;
  loc: Loc;
  isLocal: boolean;
  isFunction: boolean;
  /** `static` (file scope: not visible to other files of the module). */
  isStatic: boolean;
  /** `extern` declaration or a function prototype: defined elsewhere (another file, a library, AutoGen). */
  isDefinition: boolean;
  /**
   * Global variables: the initial bytes (length ty.size) and the places in them that hold an
   * address of another object (a function pointer in a protocol struct, a pointer to a string).
   */
  init: Uint8Array | null;
  relocs: Reloc[];
  /** Functions: parameters in order (locals too), every local of every scope, the body. */
  params: Obj[];
  locals: Obj[];
  body: Node | null;
  /** Function definitions: the line of the closing brace (where `step out` shows the return). */
  endLoc: Loc | null;
  /** Locals: the closing brace of the block that declares it (visible from `loc` to here: shadowing). */
  scopeEnd?: Loc;
  /** A block-scope static (a global named `Counter.3`): its name in the source (`Counter`). */
  cName?: string;
  /** Function definitions: the block-scope statics of the body (globals, also in Program.globals). */
  statics?: Obj[];
}

/** At init[offset..offset+8) goes the address of `target` plus `addend`. */
export interface Reloc {
  offset: number;
  target: Obj;
  addend: number;
}

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'bitand' | 'bitor' | 'bitxor' | 'shl' | 'shr';

export type NodeKind =
  // ---- expressions (every one has `ty`)
  | 'num' // val
  | 'var' // obj (a local, a global or a function designator)
  | 'member' // lhs (a struct/union lvalue) . member
  | 'addr' // &lhs
  | 'deref' // *lhs
  | 'cast' // (ty) lhs
  | 'neg' // -lhs
  | 'bitnot' // ~lhs
  | 'not' // !lhs (ty int)
  | BinaryOp // lhs OP rhs: both operands already converted to `ty` (shifts: rhs promoted on its own)
  | 'eq' | 'ne' | 'lt' | 'le' // lhs, rhs converted to a common type `opTy`; ty int
  | 'logand' | 'logor' // ty int
  | 'assign' // lhs = rhs; with `op` set, compound: lhs = (lhs.ty)((opTy)lhs OP rhs), rhs already in opTy
  | 'incdec' // ++/-- on lhs: `prefix`, `delta` (+1/-1, or ±sizeof(*p) for pointers)
  | 'cond' // cond ? then : els
  | 'comma' // lhs, rhs
  | 'funcall' // callee (a function designator or a pointer to function) (args...)
  | 'memzero' // sets obj's bytes to 0 (before a local's initializer assigns its parts)
  // ---- statements (ty is void)
  | 'block' // body
  | 'exprstmt' // lhs
  | 'return' // lhs (null for `return;`), already converted to the function's return type
  | 'if' // cond, then, els
  | 'for' // init, cond, inc, then (while loops: init and inc null)
  | 'do' // then, cond
  | 'switch' // cond; cases lists its 'case' nodes, defaultCase the default one; then is the body
  | 'case' // caseVal (null for default), then
  | 'break'
  | 'continue'
  | 'goto' // label
  | 'label' // label, then
  | 'null'; // an empty statement

export interface Node {
  kind: NodeKind;
  /** Where it starts: statements step by this line; expressions point errors here. */
  loc: Loc;
  /** Expression type (void for statements). */
  ty: CType;
  lhs: Node | null;
  rhs: Node | null;
  /** 'num' */
  val: Val;
  /** 'var', 'memzero' */
  obj: Obj | null;
  /** 'member' */
  member: Member | null;
  /** 'assign' (compound) */
  op: BinaryOp | null;
  /** comparisons and compound assignment: the type the operation is done in */
  opTy: CType | null;
  /** 'incdec' */
  prefix: boolean;
  delta: number;
  /** 'funcall' */
  callee: Node | null;
  args: Node[];
  /** if / for / do / switch / cond */
  cond: Node | null;
  then: Node | null;
  els: Node | null;
  init: Node | null;
  inc: Node | null;
  /** 'block' */
  body: Node[];
  /** 'switch' */
  cases: Node[];
  defaultCase: Node | null;
  /** 'case' (a number; ranges are not C99) */
  caseVal: Val | null;
  /** 'goto', 'label' */
  label: string | null;
}

/** What an ordinary identifier names in a scope. */
export type Binding =
  | { kind: 'obj'; obj: Obj }
  | { kind: 'typedef'; ty: CType; loc: Loc }
  | { kind: 'enumConst'; ty: CType; val: bigint; loc: Loc };

/** What a translation unit declared at file scope: ordinary identifiers and tags. */
export interface FileScope {
  vars: ReadonlyMap<string, Binding>;
  tags: ReadonlyMap<string, CType>;
}

/** What the parser returns for one translation unit (one .c file after preprocessing). */
export interface Program {
  /** The file scope at the end of the unit (the debugger's `print` parses expressions in it). */
  scope?: FileScope;
  /** Every file-scope variable and function the unit declares or defines (string literals are globals named `.str.N`). */
  globals: Obj[];
  /** The function definitions, in source order (also in globals). */
  functions: Obj[];
}
