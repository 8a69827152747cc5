/**
 * Expressions to closures: each typed node becomes a JS function of the frame that computes its
 * value with the arithmetic of its type (Values.ts) and reads or writes memory through MEM. Calls
 * never appear here: lowering (Lower.ts) has already turned each call into an operation of its
 * own whose result sits in a temporary, so an expression closure runs start to end without
 * stopping and the run loop can stop only between operations.
 */

import type { BinaryOp, CType, Member, Node, Obj, Val } from './Ast';
import { CDiagnostic } from './Source';
import type { Frame } from './FnCode';
import { CFault, MEM } from './MemPort';
import { isSigned, isWide, load, reprOf, store } from './Repr';
import {
  add64, and64, convert, div64, mod64, mul64, neg64, normU64, not64, or64, type Repr, shl64, shr64, sub64, truthy, xor64,
} from './Values';

export type Ev = (f: Frame) => Val;

export interface ExprEnv {
  /** Frame offset of a local (parameters included). */
  localOffset(o: Obj): number;
  /** Absolute address of a global variable, a string literal or a function (entry). */
  globalAddress(o: Obj): number;
  /** Nodes whose value lowering put in a temporary (call results, short-circuits with calls). */
  temps: WeakMap<Node, number>;
}

const divideError = () => new CFault({ vector: 0, address: 0, access: 'read', message: null });

function reprOrThrow(t: CType, n: Node): Repr {
  const r = reprOf(t);
  if (r === null) throw new CDiagnostic(n.loc, `SMM-C: a value of type with kind '${t.kind}' cannot be used here`);
  return r;
}

/** True for types whose value is their address (arrays, functions, structs and unions). */
function byAddress(t: CType): boolean {
  return t.kind === 'array' || t.kind === 'func' || t.kind === 'struct' || t.kind === 'union';
}

export function genExpr(n: Node, env: ExprEnv): Ev {
  const k = env.temps.get(n);
  if (k !== undefined) return (f) => f.t[k];
  switch (n.kind) {
    case 'num': {
      const v = n.val;
      return () => v;
    }
    case 'var':
    case 'member':
    case 'deref':
      return genLoad(n, env);
    case 'addr':
      return genAddr(n.lhs!, env);
    case 'cast':
      return genCast(n, env);
    case 'neg': {
      const r = reprOrThrow(n.ty, n);
      const L = genExpr(n.lhs!, env);
      if (r === 'i32') return (f) => -(L(f) as number) | 0;
      if (r === 'u32') return (f) => -(L(f) as number) >>> 0;
      const s = isSigned(r);
      return (f) => neg64(L(f), s);
    }
    case 'bitnot': {
      const r = reprOrThrow(n.ty, n);
      const L = genExpr(n.lhs!, env);
      if (r === 'i32') return (f) => ~(L(f) as number);
      if (r === 'u32') return (f) => ~(L(f) as number) >>> 0;
      const s = isSigned(r);
      return (f) => not64(L(f), s);
    }
    case 'not': {
      const L = genExpr(n.lhs!, env);
      return (f) => (truthy(L(f)) ? 0 : 1);
    }
    case 'add':
    case 'sub':
    case 'mul':
    case 'div':
    case 'mod':
    case 'bitand':
    case 'bitor':
    case 'bitxor':
    case 'shl':
    case 'shr':
      return genBinary(n.kind, reprOrThrow(n.ty, n), genExpr(n.lhs!, env), genExpr(n.rhs!, env));
    case 'eq':
    case 'ne':
    case 'lt':
    case 'le':
      return genCompare(n, env);
    case 'logand': {
      const L = genExpr(n.lhs!, env);
      const R = genExpr(n.rhs!, env);
      return (f) => (truthy(L(f)) && truthy(R(f)) ? 1 : 0);
    }
    case 'logor': {
      const L = genExpr(n.lhs!, env);
      const R = genExpr(n.rhs!, env);
      return (f) => (truthy(L(f)) || truthy(R(f)) ? 1 : 0);
    }
    case 'cond': {
      const C = genExpr(n.cond!, env);
      const T = genExpr(n.then!, env);
      const E = genExpr(n.els!, env);
      return (f) => (truthy(C(f)) ? T(f) : E(f));
    }
    case 'comma': {
      const L = genExpr(n.lhs!, env);
      const R = genExpr(n.rhs!, env);
      return (f) => {
        L(f);
        return R(f);
      };
    }
    case 'assign':
      return genAssign(n, env);
    case 'incdec':
      return genIncDec(n, env);
    case 'memzero': {
      const o = n.obj!;
      const off = env.localOffset(o);
      const size = o.ty.size;
      return (f) => {
        MEM.fill(f.bp + off, size, 0);
        return 0;
      };
    }
    case 'funcall':
      throw new CDiagnostic(n.loc, 'SMM-C internal error: a call was not lowered');
    default:
      throw new CDiagnostic(n.loc, `SMM-C internal error: '${n.kind}' is not an expression`);
  }
}

/** The address an lvalue designates. */
export function genAddr(n: Node, env: ExprEnv): Ev {
  switch (n.kind) {
    case 'var': {
      const o = n.obj!;
      if (o.isLocal) {
        const off = env.localOffset(o);
        return (f) => f.bp + off;
      }
      const a = env.globalAddress(o);
      return () => a;
    }
    case 'deref':
      return genExpr(n.lhs!, env);
    case 'member': {
      const off = n.member!.offset;
      const base = genAddr(n.lhs!, env);
      if (off === 0) return base;
      return (f) => {
        const b = base(f);
        return typeof b === 'number' ? b + off : normU64(b + BigInt(off));
      };
    }
    case 'comma': {
      const L = genExpr(n.lhs!, env);
      const R = genAddr(n.rhs!, env);
      return (f) => {
        L(f);
        return R(f);
      };
    }
    case 'cond': {
      // A struct-valued ?: yields the address of the chosen operand.
      const C = genExpr(n.cond!, env);
      const T = genAddr(n.then!, env);
      const E = genAddr(n.els!, env);
      return (f) => (truthy(C(f)) ? T(f) : E(f));
    }
    case 'assign':
      if (byAddress(n.ty)) return genExpr(n, env);
      break;
    default:
      if (env.temps.has(n) && byAddress(n.ty)) return genExpr(n, env);
  }
  throw new CDiagnostic(n.loc, 'lvalue required');
}

function genLoad(n: Node, env: ExprEnv): Ev {
  const A = genAddr(n, env);
  if (byAddress(n.ty)) return A;
  const m = n.kind === 'member' ? n.member! : null;
  if (m && m.bitWidth !== null) return genBitLoad(A, m);
  const r = reprOrThrow(n.ty, n);
  if (n.kind === 'var' && n.obj!.isLocal) {
    // A local: one closure, frame base plus a constant (the commonest load there is).
    const off = env.localOffset(n.obj!);
    switch (r) {
      case 'u32':
        return (f) => MEM.r32(f.bp + off);
      case 'i32':
        return (f) => MEM.r32(f.bp + off) | 0;
      case 'u64':
        return (f) => MEM.r64(f.bp + off);
      case 'u8':
      case 'bool':
        return (f) => MEM.r8(f.bp + off);
      default:
        return (f) => load(MEM, r, f.bp + off);
    }
  }
  switch (r) {
    case 'u8':
    case 'bool':
      return (f) => MEM.r8(A(f));
    case 'u16':
      return (f) => MEM.r16(A(f));
    case 'u32':
      return (f) => MEM.r32(A(f));
    case 'i32':
      return (f) => MEM.r32(A(f)) | 0;
    case 'u64':
      return (f) => MEM.r64(A(f));
    default:
      return (f) => load(MEM, r, A(f));
  }
}

function bitMask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

function genBitLoad(A: Ev, m: Member): Ev {
  const unit = reprOf(m.ty)!;
  const unitR: Repr = unit[0] === 'i' ? (('u' + unit.slice(1)) as Repr) : unit;
  const width = m.bitWidth!;
  const shift = BigInt(m.bitOffset);
  const mask = bitMask(width);
  const signed = isSigned(unit) && unit !== 'bool';
  return (f) => {
    const raw = BigInt(load(MEM, unitR, A(f)));
    let v = (raw >> shift) & mask;
    if (signed && width > 0 && (v >> BigInt(width - 1)) & 1n) v -= 1n << BigInt(width);
    return convert(v, unit);
  };
}

function genBitStore(A: Ev, m: Member, v: Val, a: Val): Val {
  const unit = reprOf(m.ty)!;
  const unitR: Repr = unit[0] === 'i' ? (('u' + unit.slice(1)) as Repr) : unit;
  const mask = bitMask(m.bitWidth!) << BigInt(m.bitOffset);
  const raw = BigInt(load(MEM, unitR, a));
  const next = (raw & ~mask) | ((BigInt.asUintN(64, BigInt(v)) << BigInt(m.bitOffset)) & mask);
  store(MEM, unitR, a, convert(next, unitR));
  // The value of the assignment is the field as it now reads back.
  let back = BigInt.asUintN(m.bitWidth!, BigInt(v));
  if (isSigned(unit) && unit !== 'bool' && (back >> BigInt(m.bitWidth! - 1)) & 1n) back -= 1n << BigInt(m.bitWidth!);
  void A;
  return convert(back, unit);
}

function genCast(n: Node, env: ExprEnv): Ev {
  const L = genExpr(n.lhs!, env);
  const to = n.ty;
  if (to.kind === 'void') {
    return (f) => {
      L(f);
      return 0;
    };
  }
  const from = n.lhs!.ty;
  const tr = reprOf(to);
  if (tr === null) return L; // to an aggregate (a no-op cast the parser kept)
  const fr = byAddress(from) ? 'u64' : reprOf(from);
  if (fr === tr) return L;
  if (tr === 'u64' && (fr === 'u8' || fr === 'u16' || fr === 'u32' || fr === 'bool')) return L;
  if (tr === 'i64' && fr !== null && fr !== 'u64') return L; // any narrower value already fits
  if (tr === 'i32' && fr !== null && !isWide(fr)) return (f) => (L(f) as number) | 0;
  if (tr === 'u32' && fr !== null && !isWide(fr)) return (f) => (L(f) as number) >>> 0;
  return (f) => convert(L(f), tr);
}

function genBinary(op: BinaryOp, r: Repr, L: Ev, R: Ev): Ev {
  if (r === 'i32' || r === 'u32') {
    const u = r === 'u32';
    switch (op) {
      case 'add':
        return u ? (f) => ((L(f) as number) + (R(f) as number)) >>> 0 : (f) => ((L(f) as number) + (R(f) as number)) | 0;
      case 'sub':
        return u ? (f) => ((L(f) as number) - (R(f) as number)) >>> 0 : (f) => ((L(f) as number) - (R(f) as number)) | 0;
      case 'mul':
        return u ? (f) => Math.imul(L(f) as number, R(f) as number) >>> 0 : (f) => Math.imul(L(f) as number, R(f) as number);
      case 'div':
        return (f) => {
          const a = L(f) as number;
          const b = R(f) as number;
          if (b === 0) throw divideError();
          if (!u && a === -2147483648 && b === -1) throw divideError(); // idiv overflow raises #DE too
          return u ? Math.trunc(a / b) >>> 0 : Math.trunc(a / b) | 0;
        };
      case 'mod':
        return (f) => {
          const a = L(f) as number;
          const b = R(f) as number;
          if (b === 0) throw divideError();
          if (!u && a === -2147483648 && b === -1) throw divideError();
          return u ? a % b >>> 0 : (a % b) | 0;
        };
      case 'bitand':
        return u ? (f) => ((L(f) as number) & (R(f) as number)) >>> 0 : (f) => (L(f) as number) & (R(f) as number);
      case 'bitor':
        return u ? (f) => ((L(f) as number) | (R(f) as number)) >>> 0 : (f) => (L(f) as number) | (R(f) as number);
      case 'bitxor':
        return u ? (f) => ((L(f) as number) ^ (R(f) as number)) >>> 0 : (f) => (L(f) as number) ^ (R(f) as number);
      case 'shl':
        return u ? (f) => ((L(f) as number) << Number(R(f))) >>> 0 : (f) => (L(f) as number) << Number(R(f));
      case 'shr':
        return u ? (f) => (L(f) as number) >>> Number(R(f)) : (f) => (L(f) as number) >> Number(R(f));
    }
  }
  const s = isSigned(r);
  switch (op) {
    case 'add':
      return (f) => add64(L(f), R(f), s);
    case 'sub':
      return (f) => sub64(L(f), R(f), s);
    case 'mul':
      return (f) => mul64(L(f), R(f), s);
    case 'div':
      return (f) => {
        const a = L(f);
        const b = R(f);
        if (b === 0) throw divideError();
        if (s && b === -1 && a === -(2n ** 63n)) throw divideError();
        return div64(a, b, s);
      };
    case 'mod':
      return (f) => {
        const a = L(f);
        const b = R(f);
        if (b === 0) throw divideError();
        if (s && b === -1 && a === -(2n ** 63n)) throw divideError();
        return mod64(a, b, s);
      };
    case 'bitand':
      return (f) => and64(L(f), R(f), s);
    case 'bitor':
      return (f) => or64(L(f), R(f), s);
    case 'bitxor':
      return (f) => xor64(L(f), R(f), s);
    case 'shl':
      return (f) => shl64(L(f), Number(BigInt.asUintN(8, BigInt(R(f)))), s);
    case 'shr':
      return (f) => shr64(L(f), Number(BigInt.asUintN(8, BigInt(R(f)))), s);
  }
}

function genCompare(n: Node, env: ExprEnv): Ev {
  const L = genExpr(n.lhs!, env);
  const R = genExpr(n.rhs!, env);
  switch (n.kind) {
    case 'eq':
      return (f) => (L(f) === R(f) ? 1 : 0);
    case 'ne':
      return (f) => (L(f) !== R(f) ? 1 : 0);
    case 'lt':
      return (f) => (L(f) < R(f) ? 1 : 0);
    default:
      return (f) => (L(f) <= R(f) ? 1 : 0);
  }
}

function genAssign(n: Node, env: ExprEnv): Ev {
  const lhs = n.lhs!;
  const A = genAddr(lhs, env);
  const V = genExpr(n.rhs!, env);
  const t = lhs.ty;
  if (t.kind === 'struct' || t.kind === 'union') {
    const size = t.size;
    return (f) => {
      const a = A(f);
      MEM.copy(a, V(f), size);
      return a;
    };
  }
  const r = reprOrThrow(t, n);
  const bit = lhs.kind === 'member' && lhs.member!.bitWidth !== null ? lhs.member! : null;
  if (n.op === null) {
    if (bit) return (f) => genBitStore(A, bit, V(f), A(f));
    switch (r) {
      case 'u32':
      case 'i32':
        return (f) => {
          const a = A(f);
          const v = V(f);
          MEM.w32(a, (v as number) >>> 0);
          return v;
        };
      case 'u64':
      case 'i64':
        return (f) => {
          const a = A(f);
          const v = V(f);
          MEM.w64(a, v);
          return v;
        };
      default:
        return (f) => {
          const a = A(f);
          const v = V(f);
          store(MEM, r, a, v);
          return v;
        };
    }
  }
  // Compound: lhs = (lhs type)((opTy)lhs OP rhs)
  const opR = reprOrThrow(n.opTy!, n);
  if (!bit && opR === r && (r === 'u64' || r === 'i64' || r === 'u32' || r === 'i32')) {
    // The operation is done in the lhs type itself (UINTN Sum += Index): no conversions.
    const cell: { a: Val } = { a: 0 };
    const wide = r === 'u64' || r === 'i64';
    const cur: Ev = wide ? () => MEM.r64(cell.a) : r === 'i32' ? () => MEM.r32(cell.a) | 0 : () => MEM.r32(cell.a);
    const curS: Ev = r === 'i64' ? () => load(MEM, 'i64', cell.a) : cur;
    const op = genBinary(n.op, opR, curS, V);
    if (wide) {
      return (f) => {
        const a = A(f);
        cell.a = a;
        const v = op(f);
        MEM.w64(a, v);
        return v;
      };
    }
    return (f) => {
      const a = A(f);
      cell.a = a;
      const v = op(f);
      MEM.w32(a, (v as number) >>> 0);
      return v;
    };
  }
  const cur = (f: Frame, a: Val): Val => convert(bit ? bitRead(bit, a) : load(MEM, r, a), opR);
  let slot: Val = 0;
  const op = genBinary(n.op, opR, (f) => cur(f, slot), V);
  return (f) => {
    const a = A(f);
    slot = a;
    const v = convert(op(f), r);
    if (bit) return genBitStore(A, bit, v, a);
    store(MEM, r, a, v);
    return v;
  };
}

function bitRead(m: Member, a: Val): Val {
  return genBitLoad(() => a, m)(null as unknown as Frame);
}

function genIncDec(n: Node, env: ExprEnv): Ev {
  const lhs = n.lhs!;
  const A = genAddr(lhs, env);
  const r = reprOrThrow(lhs.ty, n);
  const d = n.delta;
  const bit = lhs.kind === 'member' && lhs.member!.bitWidth !== null ? lhs.member! : null;
  const pre = n.prefix;
  if (!bit && (r === 'i32' || r === 'u32')) {
    const u = r === 'u32';
    return (f) => {
      const a = A(f);
      const old = MEM.r32(a);
      const nv = (old + d) >>> 0;
      MEM.w32(a, nv);
      return pre ? (u ? nv : nv | 0) : u ? old : old | 0;
    };
  }
  const wide = isWide(r);
  const s = isSigned(r);
  return (f) => {
    const a = A(f);
    const old = bit ? bitRead(bit, a) : load(MEM, r, a);
    const nv = wide ? (d >= 0 ? add64(old, d, s) : sub64(old, -d, s)) : convert((old as number) + d, r);
    if (bit) genBitStore(A, bit, nv, a);
    else store(MEM, r, a, nv);
    return pre ? (bit ? bitRead(bit, a) : nv) : old;
  };
}
