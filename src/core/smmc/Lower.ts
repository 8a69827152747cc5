/**
 * A function body to operations. Statements become a flat list with explicit jumps (as a
 * compiler's basic blocks would), and every call becomes an operation of its own whose result
 * goes to a temporary, so the run loop can leave the C code at a call into a firmware service
 * and come back. Short-circuit operators and ?: whose conditional part calls a function become
 * jumps too, so a call the C code would skip is never made.
 */

import type { Node, Obj, Val } from './Ast';
import { CDiagnostic, type Loc } from './Source';
import { type Ev, type ExprEnv, genExpr } from './CompileExpr';
import { type FnCode, type LocalSlot, type Op, SIG_CALL, SIG_RET } from './FnCode';
import { reprOf } from './Repr';
import { convert, truthy } from './Values';

type Ir =
  | { k: 'eval'; e: Node; loc: Loc; stmt: boolean }
  | { k: 'jf'; e: Node; to: number; loc: Loc; stmt: boolean }
  | { k: 'jt'; e: Node; to: number; loc: Loc; stmt: boolean }
  | { k: 'jmp'; to: number; loc: Loc; stmt: boolean }
  | { k: 'call'; callee: Node; args: Node[]; dst: number; loc: Loc; stmt: boolean }
  | { k: 'ret'; e: Node | null; loc: Loc; stmt: boolean }
  | { k: 'set'; t: number; e: Node | null; bool: boolean; loc: Loc; stmt: boolean }
  | { k: 'switch'; e: Node; table: [Val, number][]; dflt: number; loc: Loc; stmt: boolean };

/** A function before addresses are known: its operations as data, its frame layout. */
export interface LoweredFn {
  obj: Obj;
  ir: Ir[];
  labelAt: number[];
  temps: WeakMap<Node, number>;
  nTemps: number;
  slots: LocalSlot[];
  params: LocalSlot[];
  frameSize: number;
}

function alignDown(v: number, a: number): number {
  return -Math.ceil(-v / a) * a;
}

/** Lays out the frame and lowers the body. Throws CDiagnostic (an undefined label). */
export function lowerFunction(fn: Obj): LoweredFn {
  // Parameters first (they sit nearest the frame base, as gcc -O0 spills them), then locals.
  const slots: LocalSlot[] = [];
  let off = 0;
  const seen = new Set<Obj>();
  for (const o of [...fn.params, ...fn.locals]) {
    if (seen.has(o)) continue;
    seen.add(o);
    const size = Math.max(o.ty.size, 1);
    off = alignDown(off - size, Math.max(o.ty.align, 1));
    slots.push({ obj: o, offset: off });
  }
  const frameSize = Math.ceil(-off / 16) * 16;
  const params = fn.params.map((p) => slots.find((s) => s.obj === p)!);
  const L = new Lowerer();
  if (fn.body) L.stmt(fn.body);
  L.emit({ k: 'ret', e: null, loc: fn.endLoc ?? fn.loc, stmt: true });
  L.resolveGotos();
  return { obj: fn, ir: L.ir, labelAt: L.labelAt, temps: L.temps, nTemps: L.nTemps, slots, params, frameSize };
}

class Lowerer {
  ir: Ir[] = [];
  labelAt: number[] = [];
  temps = new WeakMap<Node, number>();
  nTemps = 0;
  private hasCallMemo = new WeakMap<Node, boolean>();
  private breakTo: number[] = [];
  private continueTo: number[] = [];
  private named = new Map<string, number>();
  private gotos: { name: string; loc: Loc }[] = [];
  private stmtPending = false;

  label(): number {
    this.labelAt.push(-1);
    return this.labelAt.length - 1;
  }

  place(l: number): void {
    this.labelAt[l] = this.ir.length;
  }

  emit(i: Ir): void {
    if (this.stmtPending) {
      i.stmt = true;
      this.stmtPending = false;
    }
    this.ir.push(i);
  }

  newTemp(): number {
    return this.nTemps++;
  }

  namedLabel(name: string): number {
    let l = this.named.get(name);
    if (l === undefined) {
      l = this.label();
      this.named.set(name, l);
    }
    return l;
  }

  resolveGotos(): void {
    for (const g of this.gotos) {
      const l = this.named.get(g.name)!;
      if (this.labelAt[l] < 0) throw new CDiagnostic(g.loc, `use of undeclared label '${g.name}'`);
    }
  }

  hasCall(n: Node | null): boolean {
    if (!n) return false;
    const m = this.hasCallMemo.get(n);
    if (m !== undefined) return m;
    const r =
      n.kind === 'funcall' ||
      this.hasCall(n.lhs) ||
      this.hasCall(n.rhs) ||
      this.hasCall(n.cond) ||
      this.hasCall(n.then) ||
      this.hasCall(n.els) ||
      this.hasCall(n.callee) ||
      n.args.some((a) => this.hasCall(a));
    this.hasCallMemo.set(n, r);
    return r;
  }

  /** Emits the calls inside `e` (in evaluation order); afterwards `e` evaluates without calling. */
  expr(e: Node | null): void {
    if (!e || !this.hasCall(e)) return;
    switch (e.kind) {
      case 'funcall': {
        this.expr(e.callee);
        for (const a of e.args) this.expr(a);
        const t = this.newTemp();
        this.emit({ k: 'call', callee: e.callee!, args: e.args, dst: t, loc: e.loc, stmt: false });
        this.temps.set(e, t);
        return;
      }
      case 'logand':
      case 'logor': {
        this.expr(e.lhs);
        if (!this.hasCall(e.rhs)) return;
        const t = this.newTemp();
        const short = this.label();
        const end = this.label();
        this.emit({ k: e.kind === 'logand' ? 'jf' : 'jt', e: e.lhs!, to: short, loc: e.loc, stmt: false });
        this.expr(e.rhs);
        this.emit({ k: 'set', t, e: e.rhs!, bool: true, loc: e.loc, stmt: false });
        this.emit({ k: 'jmp', to: end, loc: e.loc, stmt: false });
        this.place(short);
        this.emit({ k: 'set', t, e: null, bool: e.kind === 'logor', loc: e.loc, stmt: false });
        this.place(end);
        this.temps.set(e, t);
        return;
      }
      case 'cond': {
        this.expr(e.cond);
        if (!this.hasCall(e.then) && !this.hasCall(e.els)) return;
        const t = this.newTemp();
        const other = this.label();
        const end = this.label();
        this.emit({ k: 'jf', e: e.cond!, to: other, loc: e.loc, stmt: false });
        this.expr(e.then);
        this.emit({ k: 'set', t, e: e.then!, bool: false, loc: e.loc, stmt: false });
        this.emit({ k: 'jmp', to: end, loc: e.loc, stmt: false });
        this.place(other);
        this.expr(e.els);
        this.emit({ k: 'set', t, e: e.els!, bool: false, loc: e.loc, stmt: false });
        this.place(end);
        this.temps.set(e, t);
        return;
      }
      case 'comma': {
        this.expr(e.lhs);
        if (!this.temps.has(e.lhs!)) this.emit({ k: 'eval', e: e.lhs!, loc: e.loc, stmt: false });
        this.expr(e.rhs);
        const t = this.newTemp();
        this.emit({ k: 'set', t, e: e.rhs!, bool: false, loc: e.loc, stmt: false });
        this.temps.set(e, t);
        return;
      }
      default:
        this.expr(e.lhs);
        this.expr(e.rhs);
        for (const a of e.args) this.expr(a);
    }
  }

  /** A condition: emits its calls, then the conditional jump. */
  branch(cond: Node, to: number, whenTrue: boolean, loc: Loc): void {
    this.expr(cond);
    this.emit({ k: whenTrue ? 'jt' : 'jf', e: cond, to, loc, stmt: false });
  }

  stmt(s: Node): void {
    const startsHere = s.kind !== 'block' && s.kind !== 'null' && s.kind !== 'label' && s.kind !== 'case';
    if (startsHere) this.stmtPending = true;
    switch (s.kind) {
      case 'block':
        for (const b of s.body) this.stmt(b);
        break;
      case 'null':
        break;
      case 'exprstmt': {
        const e = s.lhs!;
        this.expr(e);
        if (!this.temps.has(e)) this.emit({ k: 'eval', e, loc: s.loc, stmt: false });
        break;
      }
      case 'return':
        this.expr(s.lhs);
        this.emit({ k: 'ret', e: s.lhs, loc: s.loc, stmt: false });
        break;
      case 'if': {
        const other = this.label();
        const end = this.label();
        this.branch(s.cond!, other, false, s.loc);
        this.stmt(s.then!);
        if (s.els) {
          this.emit({ k: 'jmp', to: end, loc: s.loc, stmt: false });
          this.place(other);
          this.stmt(s.els);
        } else {
          this.place(other);
        }
        this.place(end);
        break;
      }
      case 'for': {
        if (s.init) {
          this.stmtPending = false;
          if (s.init.kind === 'exprstmt' || s.init.kind === 'block' || s.init.kind === 'null') this.stmt(s.init);
          else this.stmt({ ...s.init, kind: 'exprstmt', lhs: s.init, loc: s.init.loc } as Node);
        }
        const top = this.label();
        const cont = this.label();
        const brk = this.label();
        this.place(top);
        if (s.cond) {
          this.stmtPending = true;
          this.branch(s.cond, brk, false, s.cond.loc);
        }
        this.breakTo.push(brk);
        this.continueTo.push(cont);
        this.stmt(s.then!);
        this.breakTo.pop();
        this.continueTo.pop();
        this.place(cont);
        if (s.inc) {
          this.expr(s.inc);
          if (!this.temps.has(s.inc)) this.emit({ k: 'eval', e: s.inc, loc: s.inc.loc, stmt: false });
        }
        this.emit({ k: 'jmp', to: top, loc: s.loc, stmt: false });
        this.place(brk);
        break;
      }
      case 'do': {
        const top = this.label();
        const cont = this.label();
        const brk = this.label();
        this.stmtPending = false;
        this.place(top);
        this.breakTo.push(brk);
        this.continueTo.push(cont);
        this.stmt(s.then!);
        this.breakTo.pop();
        this.continueTo.pop();
        this.place(cont);
        this.stmtPending = true;
        this.branch(s.cond!, top, true, s.cond!.loc);
        this.place(brk);
        break;
      }
      case 'switch': {
        this.expr(s.cond);
        const brk = this.label();
        const table: [Val, number][] = [];
        const caseLabels = new Map<Node, number>();
        const r = reprOf(s.cond!.ty) ?? 'i32';
        for (const c of s.cases) {
          const l = this.label();
          caseLabels.set(c, l);
          table.push([convert(c.caseVal!, r), l]);
        }
        let dflt = brk;
        if (s.defaultCase) {
          dflt = this.label();
          caseLabels.set(s.defaultCase, dflt);
        }
        this.emit({ k: 'switch', e: s.cond!, table, dflt, loc: s.loc, stmt: false });
        this.breakTo.push(brk);
        this.caseLabels.push(caseLabels);
        this.stmt(s.then!);
        this.caseLabels.pop();
        this.breakTo.pop();
        this.place(brk);
        break;
      }
      case 'case': {
        const labels = this.caseLabels[this.caseLabels.length - 1];
        const l = labels?.get(s);
        if (l !== undefined) this.place(l);
        this.stmt(s.then!);
        break;
      }
      case 'break': {
        const to = this.breakTo[this.breakTo.length - 1];
        if (to === undefined) throw new CDiagnostic(s.loc, "'break' statement not in loop or switch statement");
        this.emit({ k: 'jmp', to, loc: s.loc, stmt: false });
        break;
      }
      case 'continue': {
        const to = this.continueTo[this.continueTo.length - 1];
        if (to === undefined) throw new CDiagnostic(s.loc, "'continue' statement not in loop statement");
        this.emit({ k: 'jmp', to, loc: s.loc, stmt: false });
        break;
      }
      case 'goto':
        this.gotos.push({ name: s.label!, loc: s.loc });
        this.emit({ k: 'jmp', to: this.namedLabel(s.label!), loc: s.loc, stmt: false });
        break;
      case 'label':
        this.place(this.namedLabel(s.label!));
        this.stmt(s.then!);
        break;
      default:
        // A bare expression node where a statement was expected (the parser's declarations).
        this.expr(s);
        if (!this.temps.has(s)) this.emit({ k: 'eval', e: s, loc: s.loc, stmt: false });
    }
    if (startsHere) this.stmtPending = false;
  }

  private caseLabels: Map<Node, number>[] = [];
}

/**
 * The operations of a lowered function, once the module's addresses are known (`env` gives them).
 * A `continue` inside a switch inside a loop is resolved by the loop (continueTo is not pushed by switch).
 */
export function compileFunction(lf: LoweredFn, env: Omit<ExprEnv, 'temps'>, address: number): FnCode {
  const fullEnv: ExprEnv = { ...env, temps: lf.temps };
  // Jump threading: an operation whose successor is a plain jump (no statement of its own) goes
  // straight to the jump's target, so a loop's back edge costs no operation.
  const follow = (pc: number): number => {
    let at = pc;
    for (let hops = 0; hops < 64 && at < lf.ir.length; hops++) {
      const i = lf.ir[at];
      if (i.k !== 'jmp' || i.stmt) break;
      at = lf.labelAt[i.to];
    }
    return at;
  };
  const target = (l: number) => follow(lf.labelAt[l]);
  const ops: Op[] = lf.ir.map((i, pc): Op => {
    const next = follow(pc + 1);
    switch (i.k) {
      case 'eval': {
        const E = genExpr(i.e, fullEnv);
        return (f) => {
          E(f);
          return next;
        };
      }
      case 'jf': {
        const C = genExpr(i.e, fullEnv);
        const to = target(i.to);
        return (f) => (truthy(C(f)) ? next : to);
      }
      case 'jt': {
        const C = genExpr(i.e, fullEnv);
        const to = target(i.to);
        return (f) => (truthy(C(f)) ? to : next);
      }
      case 'jmp': {
        const to = target(i.to);
        return () => to;
      }
      case 'call': {
        const C = genExpr(i.callee, fullEnv);
        const A: Ev[] = i.args.map((a) => genExpr(a, fullEnv));
        const dst = i.dst;
        const n = A.length;
        return (f) => {
          f.callAddr = C(f);
          const args = new Array(n);
          for (let k = 0; k < n; k++) args[k] = A[k](f);
          f.callArgs = args;
          f.callDst = dst;
          return SIG_CALL;
        };
      }
      case 'ret': {
        if (!i.e) {
          return (f) => {
            f.ret = 0;
            return SIG_RET;
          };
        }
        const E = genExpr(i.e, fullEnv);
        return (f) => {
          f.ret = E(f);
          return SIG_RET;
        };
      }
      case 'set': {
        const t = i.t;
        if (!i.e) {
          const v = i.bool ? 1 : 0;
          return (f) => {
            f.t[t] = v;
            return next;
          };
        }
        const E = genExpr(i.e, fullEnv);
        if (i.bool) {
          return (f) => {
            f.t[t] = truthy(E(f)) ? 1 : 0;
            return next;
          };
        }
        return (f) => {
          f.t[t] = E(f);
          return next;
        };
      }
      case 'switch': {
        const E = genExpr(i.e, fullEnv);
        const table = new Map<Val, number>(i.table.map(([v, l]) => [v, target(l)]));
        const dflt = target(i.dflt);
        return (f) => table.get(E(f)) ?? dflt;
      }
    }
  });
  const stmtStart = new Uint8Array(lf.ir.length);
  lf.ir.forEach((i, k) => (stmtStart[k] = i.stmt ? 1 : 0));
  return {
    obj: lf.obj,
    name: lf.obj.name,
    address,
    ops,
    locs: lf.ir.map((i) => i.loc),
    stmtStart,
    frameSize: lf.frameSize,
    slots: lf.slots,
    params: lf.params,
    temps: lf.nTemps,
  };
}
