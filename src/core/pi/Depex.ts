/**
 * SMM dependency expressions (facts §1.9).
 *
 * - Opcodes: edk2 MdePkg/Include/Pi/PiDependency.h (values also in BaseTools GenDepex.py).
 * - compileDepex: what edk2 BaseTools/Source/Python/AutoGen/GenDepex.py (DependencyExpression) emits
 *   for a DXE_SMM_DRIVER [Depex] section. Its shunting-yard gives NOT priority 2 and AND and OR the
 *   SAME priority 1, and pops an operator only for a strictly higher priority on the stack. So a
 *   chain of AND/OR without parentheses groups to the RIGHT:
 *   "A AND B OR C" compiles to A AND (B OR C), "A OR B AND C" to A OR (B AND C).
 *   NOT binds tightest: "NOT A AND B" is (NOT A) AND B.
 * - evaluateDepex: SmmIsSchedulable in edk2 MdeModulePkg/Core/PiSmmCore/Dependency.c, with the
 *   BEFORE/AFTER pre-processing of SmmPreProcessDepex (Dispatcher.c).
 */

import { edk2Sprint } from '../lib/PrintLib';
import { hex } from './Fw';
import { guidFromBytes, guidName, guidToBytes, parseGuid, type Guid } from '../lib/Guid';

export const DEPEX_OP = {
  BEFORE: 0x00,
  AFTER: 0x01,
  PUSH: 0x02,
  AND: 0x03,
  OR: 0x04,
  NOT: 0x05,
  TRUE: 0x06,
  FALSE: 0x07,
  END: 0x08,
  SOR: 0x09,
  REPLACE_TRUE: 0xff,
} as const;

const GUID_SIZE = 16;
const DEPENDENCY_C = 'MdeModulePkg/Core/PiSmmCore/Dependency.c';
/** ASSERT (FALSE) as DebugAssert prints it: FALSE is expanded before stringizing (Base.h). */
const ASSERT_FALSE_TEXT = '((BOOLEAN)(0==1))';

export class DepexSyntaxError extends Error {
  /** 1-based column of the offending token (0 when the problem is the whole expression). */
  readonly column: number;
  readonly token: string;
  constructor(message: string, token = '', column = 0) {
    super(message);
    this.name = 'DepexSyntaxError';
    this.token = token;
    this.column = column;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiler
// ---------------------------------------------------------------------------------------------

type TokKind = 'lparen' | 'rparen' | 'op' | 'guid' | 'const';
interface Tok {
  kind: TokKind;
  text: string;
  col: number;
  guid?: Guid;
}

const KEYWORDS = new Set(['BEFORE', 'AFTER', 'SOR', 'AND', 'OR', 'NOT', 'TRUE', 'FALSE', 'END', 'PUSH']);
const PRIORITY: Record<string, number> = { AND: 1, OR: 1, NOT: 2 };
/** GenDepex "SupportedOpcode" minus PUSH/END: after one of these an operand is expected. */
const EXPECTS_OPERAND = new Set(['BEFORE', 'AFTER', 'SOR', 'AND', 'OR', 'NOT']);

const REGISTRY_GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/;
const C_STRUCT_GUID = /^\{\s*(0x[0-9a-fA-F]{1,8})\s*,\s*(0x[0-9a-fA-F]{1,4})\s*,\s*(0x[0-9a-fA-F]{1,4})\s*,\s*\{((?:\s*0x[0-9a-fA-F]{1,2}\s*,){7}\s*0x[0-9a-fA-F]{1,2}\s*)\}\s*\}/;
const WORD = /^\w+/;

function fail(message: string, tok: { text: string; col: number }): never {
  throw new DepexSyntaxError(`${message} at column ${tok.col} ('${tok.text}')`, tok.text, tok.col);
}

function cStructGuid(m: RegExpExecArray): Guid {
  const hex = (s: string, w: number) => parseInt(s, 16).toString(16).padStart(w, '0');
  const d4 = m[4].split(',').map((s) => hex(s.trim(), 2));
  return `${hex(m[1], 8)}-${hex(m[2], 4)}-${hex(m[3], 4)}-${d4.slice(0, 2).join('')}-${d4.slice(2).join('')}`;
}

function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i];
    const col = i + 1;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      // .inf comment to end of line
      while (i < expr.length && expr[i] !== '\n') i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      toks.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch, col });
      i++;
      continue;
    }
    const rest = expr.slice(i);
    let m = REGISTRY_GUID.exec(rest);
    if (m && !/^\w/.test(rest.slice(m[0].length))) {
      toks.push({ kind: 'guid', text: m[0], col, guid: m[0].toLowerCase() });
      i += m[0].length;
      continue;
    }
    if (ch === '{') {
      m = C_STRUCT_GUID.exec(rest);
      if (!m) fail('malformed C-structure GUID', { text: rest.split(/\s/)[0], col });
      toks.push({ kind: 'guid', text: m[0], col, guid: cStructGuid(m) });
      i += m[0].length;
      continue;
    }
    m = WORD.exec(rest);
    if (!m) fail('unexpected character', { text: ch, col });
    const word = m[0];
    if (KEYWORDS.has(word)) {
      toks.push({ kind: word === 'TRUE' || word === 'FALSE' ? 'const' : 'op', text: word, col });
    } else {
      // An unknown name is reported when the parser reaches it, so errors come left to right.
      toks.push({ kind: 'guid', text: word, col, guid: parseGuid(word) ?? undefined });
    }
    i += word.length;
  }
  return toks;
}

type Item = { op: keyof typeof DEPEX_OP; guid?: Guid };

/**
 * Compile an .inf [Depex] expression to the binary depex section the build emits (postfix, END
 * appended). Operands: GUID C names (resolved with parseGuid), registry-format GUIDs,
 * C-structure GUIDs "{0x..., 0x..., 0x..., {0x.., ...}}", TRUE, FALSE. BEFORE/AFTER/SOR must come
 * first; BEFORE/AFTER take exactly one GUID and nothing else. A trailing END is accepted.
 * Throws DepexSyntaxError naming the bad token and its 1-based column.
 */
export function compileDepex(expr: string): Uint8Array {
  const toks = tokenize(expr);
  if (toks.length === 0) throw new DepexSyntaxError('empty dependency expression');

  const postfix: Item[] = [];
  const stack: Tok[] = [];
  const opcodes: string[] = [];
  let last: Tok | null = null;
  const expectOperand = () => last === null || last.kind === 'lparen' || (last.kind === 'op' && EXPECTS_OPERAND.has(last.text));

  for (let k = 0; k < toks.length; k++) {
    const tok = toks[k];
    if (tok.kind === 'lparen') {
      if (!expectOperand()) fail('missing operator before open parenthesis', tok);
      stack.push(tok);
    } else if (tok.kind === 'rparen') {
      if (!stack.some((t) => t.kind === 'lparen')) fail('mismatched parentheses', tok);
      if (expectOperand()) fail('missing operand before close parenthesis', tok);
      for (let top = stack.pop(); top && top.kind !== 'lparen'; top = stack.pop()) {
        postfix.push({ op: top.text as 'AND' | 'OR' | 'NOT' });
      }
    } else if (tok.kind === 'op' && tok.text in PRIORITY) {
      if (tok.text === 'NOT') {
        if (!expectOperand()) fail('missing operator before NOT', tok);
      } else if (expectOperand()) {
        fail(`missing operand before ${tok.text}`, tok);
      }
      if (opcodes.some((o) => o === 'BEFORE' || o === 'AFTER')) {
        fail(`${opcodes.find((o) => o === 'BEFORE' || o === 'AFTER')} should be the only opcode in the expression`, tok);
      }
      // GenDepex: pop only operators of strictly higher priority (AND and OR are equal).
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.kind === 'lparen' || PRIORITY[tok.text] >= PRIORITY[top.text]) break;
        postfix.push({ op: stack.pop()!.text as 'AND' | 'OR' | 'NOT' });
      }
      stack.push(tok);
      opcodes.push(tok.text);
    } else if (tok.kind === 'op') {
      // BEFORE, AFTER, SOR, END, PUSH
      if (tok.text === 'PUSH') fail('PUSH is implicit; write the GUID alone', tok);
      if (tok.text === 'END') {
        if (k !== toks.length - 1) fail('extra expressions after END', toks[k + 1]);
        break;
      }
      if (k !== 0) fail(`${tok.text} should be the first opcode in the expression`, tok);
      opcodes.push(tok.text);
      postfix.push({ op: tok.text as 'BEFORE' | 'AFTER' | 'SOR' });
    } else {
      // Operand: GUID or TRUE/FALSE.
      if (!expectOperand()) fail(`missing operator before ${tok.text}`, tok);
      if (tok.kind === 'guid' && tok.guid === undefined) fail('unknown GUID name', tok);
      const lastOp = opcodes[opcodes.length - 1];
      if (lastOp === 'BEFORE' || lastOp === 'AFTER') {
        if (tok.kind !== 'guid') fail(`${lastOp} needs a GUID operand`, tok);
        postfix.push({ op: lastOp, guid: tok.guid });
        postfix.splice(postfix.length - 2, 1); // the opcode and its GUID form one item
      } else if (tok.kind === 'const') {
        postfix.push({ op: tok.text as 'TRUE' | 'FALSE' });
      } else {
        postfix.push({ op: 'PUSH', guid: tok.guid });
      }
    }
    last = tok;
  }

  if (last !== null && last.kind === 'op' && EXPECTS_OPERAND.has(last.text)) {
    if (last.text === 'BEFORE' || last.text === 'AFTER' || last.text === 'SOR') fail(`missing operand for ${last.text}`, last);
    fail(`extra ${last.text} at the end of the dependency expression`, last);
  }
  const open = stack.find((t) => t.kind === 'lparen');
  if (open) fail('mismatched parentheses', open);
  while (stack.length > 0) postfix.push({ op: stack.pop()!.text as 'AND' | 'OR' | 'NOT' });
  if (postfix.length === 0) throw new DepexSyntaxError('empty dependency expression');
  postfix.push({ op: 'END' });

  const out: number[] = [];
  for (const item of postfix) {
    out.push(DEPEX_OP[item.op]);
    if (item.guid !== undefined) out.push(...guidToBytes(item.guid));
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Disassembler
// ---------------------------------------------------------------------------------------------

const OP_NAME: Record<number, string> = Object.fromEntries(Object.entries(DEPEX_OP).map(([k, v]) => [v, k]));

/** "PUSH gEfiMmCpuIoProtocolGuid; PUSH gEfiSmmCpuServiceProtocolGuid; AND; END". */
export function disassembleDepex(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let ip = 0; ip < bytes.length; ip++) {
    const op = bytes[ip];
    const name = OP_NAME[op];
    if (name === undefined) {
      parts.push(`UNKNOWN(${hex(op, 2)})`);
      continue;
    }
    if (op === DEPEX_OP.PUSH || op === DEPEX_OP.REPLACE_TRUE || op === DEPEX_OP.BEFORE || op === DEPEX_OP.AFTER) {
      if (ip + GUID_SIZE >= bytes.length) {
        parts.push(`${name} <truncated GUID>`);
        break;
      }
      parts.push(`${name} ${guidName(guidFromBytes(bytes, ip + 1))}`);
      ip += GUID_SIZE;
    } else {
      parts.push(name);
    }
  }
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// Evaluator
// ---------------------------------------------------------------------------------------------

export interface DepexEvaluation {
  result: boolean;
  /** The DEBUG_DISPATCH lines SmmIsSchedulable prints, without line ends. */
  trace: string[];
  /** GUIDs pushed as FALSE (not installed), first occurrence order, no duplicates. */
  missing: Guid[];
  /**
   * Set when edk2 would ASSERT (FALSE) in Dependency.c: NULL depex, or BEFORE/AFTER not at offset 0.
   * A DEBUG build with OVMF's PcdDebugPropertyMask dead-loops there; the evaluation shown is what
   * the code does when the ASSERT returns (RELEASE build, or asserts disabled).
   */
  assertion?: { file: string; line: number; expression: string };
  /**
   * BEFORE/AFTER at offset 0: SmmPreProcessDepex marked the driver Before/After and
   * SmmIsSchedulable returns FALSE at once, printing nothing; the dispatcher schedules it
   * around the named driver (SmmInsertOnScheduledQueueWhileProcessingBeforeAndAfter).
   */
  beforeAfter?: { kind: 'BEFORE' | 'AFTER'; guid: Guid };
}

/** CopyMem (&DriverGuid, Iterator + 1, 16): bytes past the section read as zero here. */
function readGuid(bytes: Uint8Array, off: number): Guid {
  const b = new Uint8Array(GUID_SIZE);
  b.set(bytes.subarray(off, Math.min(off + GUID_SIZE, bytes.length)));
  return guidFromBytes(b);
}

/**
 * SmmIsSchedulable. `isInstalled(guid)` answers SmmLocateProtocol, else gBS->LocateProtocol.
 * Mutates `bytes` like edk2: a PUSH whose GUID is installed becomes REPLACE_TRUE (0xFF), so a
 * later evaluation prints the same "PUSH GUID(..) = TRUE" line without calling isInstalled.
 * An empty (zero-length, non-null) section gives "Attempt to fetch past end of depex".
 */
export function evaluateDepex(
  bytes: Uint8Array | null,
  fileGuid: Guid,
  isInstalled: (g: Guid) => boolean,
): DepexEvaluation {
  const trace: string[] = [];
  const missing: Guid[] = [];
  const g = (guid: Guid) => edk2Sprint('%g', { guid });
  let assertion: DepexEvaluation['assertion'];
  const done = (result: boolean): DepexEvaluation =>
    assertion ? { result, trace, missing, assertion } : { result, trace, missing };

  if (bytes !== null && bytes.length > 0 && (bytes[0] === DEPEX_OP.BEFORE || bytes[0] === DEPEX_OP.AFTER)) {
    const kind = bytes[0] === DEPEX_OP.BEFORE ? 'BEFORE' : 'AFTER';
    return { result: false, trace, missing, beforeAfter: { kind, guid: readGuid(bytes, 1) } };
  }

  trace.push(`Evaluate SMM DEPEX for FFS(${g(fileGuid)})`);
  if (bytes === null) {
    trace.push('  RESULT = FALSE (Depex is empty)');
    assertion = { file: DEPENDENCY_C, line: 198, expression: ASSERT_FALSE_TEXT };
    return done(false);
  }

  const stack: boolean[] = [];
  const unexpected = () => {
    trace.push('  RESULT = FALSE (Unexpected error)');
    return done(false);
  };

  for (let ip = 0; ; ip++) {
    if (ip >= bytes.length) {
      trace.push('  RESULT = FALSE (Attempt to fetch past end of depex)');
      return done(false);
    }
    const op = bytes[ip];
    switch (op) {
      case DEPEX_OP.BEFORE:
      case DEPEX_OP.AFTER:
      case DEPEX_OP.PUSH: {
        if (op !== DEPEX_OP.PUSH) {
          // Not the first opcode: prints, ASSERTs, then falls through into EFI_DEP_PUSH.
          trace.push('  RESULT = FALSE (Unexpected BEFORE or AFTER opcode)');
          assertion = { file: DEPENDENCY_C, line: 233, expression: ASSERT_FALSE_TEXT };
        }
        const guid = readGuid(bytes, ip + 1);
        if (isInstalled(guid)) {
          trace.push(`  PUSH GUID(${g(guid)}) = TRUE`);
          bytes[ip] = DEPEX_OP.REPLACE_TRUE;
          stack.push(true);
        } else {
          trace.push(`  PUSH GUID(${g(guid)}) = FALSE`);
          if (!missing.includes(guid)) missing.push(guid);
          stack.push(false);
        }
        ip += GUID_SIZE;
        break;
      }
      case DEPEX_OP.AND:
      case DEPEX_OP.OR: {
        trace.push(op === DEPEX_OP.AND ? '  AND' : '  OR');
        if (stack.length < 2) return unexpected();
        const a = stack.pop()!;
        const b = stack.pop()!;
        stack.push(op === DEPEX_OP.AND ? a && b : a || b);
        break;
      }
      case DEPEX_OP.NOT:
        trace.push('  NOT');
        if (stack.length < 1) return unexpected();
        stack.push(!stack.pop()!);
        break;
      case DEPEX_OP.TRUE:
        trace.push('  TRUE');
        stack.push(true);
        break;
      case DEPEX_OP.FALSE:
        trace.push('  FALSE');
        stack.push(false);
        break;
      case DEPEX_OP.END: {
        trace.push('  END');
        if (stack.length < 1) return unexpected();
        const result = stack.pop()!;
        trace.push(`  RESULT = ${result ? 'TRUE' : 'FALSE'}`);
        return done(result);
      }
      case DEPEX_OP.REPLACE_TRUE:
        trace.push(`  PUSH GUID(${g(readGuid(bytes, ip + 1))}) = TRUE`);
        stack.push(true);
        ip += GUID_SIZE;
        break;
      default:
        // SOR (0x09) is not handled by the SMM core, nor is any other value.
        trace.push('  RESULT = FALSE (Unknown opcode)');
        return done(false);
    }
  }
}
