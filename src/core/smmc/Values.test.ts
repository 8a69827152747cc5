/**
 * C's integer arithmetic on X64 (C99 6.3.1 conversions, 6.5 operators with wrap-around on unsigned
 * and two's complement on signed, as gcc's code behaves): every 64-bit operation against a BigInt
 * reference, for values in the number form and the bigint form alike.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Val } from './Ast';
import {
  add64, and64, convert, div64, hexVal, hi32, join64, lo32, mod64, mul64, neg64, normI64, normU64, not64, or64, shl64, shr64, sub64, xor64,
} from './Values';

const u64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: 0n, max: 2n ** 53n }),
  fc.bigInt({ min: 0n, max: 300n }),
  fc.constantFrom(0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 0x800000000000000en),
);
const canonU = (b: bigint): Val => normU64(b);
const canonI = (b: bigint): Val => normI64(BigInt.asIntN(64, b));
const ref = (v: Val) => BigInt(v);

describe('SMM-C 64-bit values (C99 6.2.5: unsigned arithmetic wraps modulo 2^64)', () => {
  it('each value has one form: a safe integer is a number, anything else a bigint', () => {
    expect(normU64(5n)).toBe(5);
    expect(normU64(-1)).toBe(0xffffffffffffffffn);
    expect(normU64(2n ** 53n)).toBe(2n ** 53n);
    expect(normI64(0xffffffffffffffffn)).toBe(-1);
    expect(normU64(0x800000000000000en)).toBe(0x800000000000000en);
  });

  for (const signed of [false, true]) {
    const canon = signed ? canonI : canonU;
    const wrap = (b: bigint) => (signed ? BigInt.asIntN(64, b) : BigInt.asUintN(64, b));
    const name = signed ? 'signed' : 'unsigned';
    it(`${name} + - * & | ^ match BigInt with wrap-around`, () => {
      fc.assert(
        fc.property(u64, u64, (x, y) => {
          const a = canon(x);
          const b = canon(y);
          const A = ref(a);
          const B = ref(b);
          expect(ref(add64(a, b, signed))).toBe(wrap(A + B));
          expect(ref(sub64(a, b, signed))).toBe(wrap(A - B));
          expect(ref(mul64(a, b, signed))).toBe(wrap(A * B));
          expect(ref(and64(a, b, signed))).toBe(wrap(A & B));
          expect(ref(or64(a, b, signed))).toBe(wrap(A | B));
          expect(ref(xor64(a, b, signed))).toBe(wrap(A ^ B));
          // the result is canonical
          const r = add64(a, b, signed);
          expect(r).toStrictEqual(canon(BigInt(r)));
        }),
        { numRuns: 400 },
      );
    });
    it(`${name} / and % truncate toward zero (C99 6.5.5)`, () => {
      fc.assert(
        fc.property(u64, u64, (x, y) => {
          const a = canon(x);
          const b = canon(y);
          if (ref(b) === 0n) return;
          if (signed && ref(a) === -(2n ** 63n) && ref(b) === -1n) return; // #DE in hardware
          expect(ref(div64(a, b, signed))).toBe(wrap(ref(a) / ref(b)));
          expect(ref(mod64(a, b, signed))).toBe(wrap(ref(a) % ref(b)));
        }),
        { numRuns: 400 },
      );
    });
    it(`${name} shifts, - and ~`, () => {
      fc.assert(
        fc.property(u64, fc.integer({ min: 0, max: 63 }), (x, n) => {
          const a = canon(x);
          expect(ref(shl64(a, n, signed))).toBe(wrap(ref(a) << BigInt(n)));
          expect(ref(shr64(a, n, signed))).toBe(wrap(ref(a) >> BigInt(n)));
          expect(ref(neg64(a, signed))).toBe(wrap(-ref(a)));
          expect(ref(not64(a, signed))).toBe(wrap(~ref(a)));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('conversions to narrower types keep the low bits (C99 6.3.1.3) and sign-extend signed ones', () => {
    expect(convert(0x1ff, 'u8')).toBe(0xff);
    expect(convert(0xff, 'i8')).toBe(-1);
    expect(convert(0x100000005n, 'u32')).toBe(5);
    expect(convert(0xffffffffffffffffn, 'i32')).toBe(-1);
    expect(convert(-1, 'u16')).toBe(0xffff);
    expect(convert(-1, 'u64')).toBe(0xffffffffffffffffn);
    expect(convert(2, 'bool')).toBe(1);
    expect(convert(0n, 'bool')).toBe(0);
  });

  it('prints values in upper-case hex', () => {
    expect(hexVal(0x800000000000000en)).toBe('0x800000000000000E');
    expect(hexVal(-1)).toBe('0xFFFFFFFFFFFFFFFF');
  });
});

describe('SMM-C 64-bit values remembered between conversions (EFI_ERROR after every call, smm-c-facts §2.2)', () => {
  it('§2.2 conversions, splits and joins of values seen just before give the same answers as fresh ones, in any order', () => {
    fc.assert(
      fc.property(fc.array(u64, { minLength: 1, maxLength: 12 }), (xs) => {
        // Each value twice in a row and interleaved: a remembered answer must never leak to another value.
        for (const b of [...xs, ...xs.flatMap((x) => [x, x]), ...xs.reverse()]) {
          const s = BigInt.asIntN(64, b);
          expect(ref(normU64(b))).toBe(b);
          expect(ref(normI64(b))).toBe(s);
          expect(ref(normU64(s))).toBe(b);
          const lo = Number(b & 0xffffffffn);
          const hi = Number(b >> 32n);
          expect(lo32(b)).toBe(lo);
          expect(hi32(b)).toBe(hi);
          expect(lo32(s)).toBe(lo);
          expect(hi32(s)).toBe(hi);
          expect(ref(join64(hi, lo))).toBe(b);
          expect(join64(hi, lo)).toBe(normU64(b));
        }
      }),
    );
  });
});
