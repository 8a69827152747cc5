/**
 * SMM-C executes C as gcc's X64 code does (C99 6.5 expressions, 6.8 statements; chibicc's
 * test/*.c method): each ASSERT_EQ line is compiled, run, and compared.
 */
import { describe, expect, it } from 'vitest';
import { failures } from './ExecKit';

const run = (body: string) => failures(body);

describe('SMM-C runs C (C99 6.5, 6.8)', () => {
  it('arithmetic and precedence', () => {
    expect(run(`int main() {
      ASSERT_EQ(47, 5+6*7);
      ASSERT_EQ(15, 5*(9-6));
      ASSERT_EQ(4, (3+5)/2);
      ASSERT_EQ(-10, -10);
      ASSERT_EQ(10, - -10);
      ASSERT_EQ(1, 7 % 3);
      ASSERT_EQ(-1, -7 % 3);
      ASSERT_EQ(-2, -7 / 3);
      ASSERT_EQ(0, 1 > 2);
      ASSERT_EQ(1, 1 <= 1);
      ASSERT_EQ(1, 3 == 3 && 2 != 3);
      return 0; }`)).toEqual([]);
  });

  it('unsigned wrap-around and integer promotions', () => {
    expect(run(`int main() {
      unsigned int u = 0; u = u - 1;
      ASSERT_EQ(4294967295LL, u);
      unsigned char c = 255; c++;
      ASSERT_EQ(0, c);
      ASSERT_EQ(256, (unsigned char)255 + 1);
      signed char s = 127; s++;
      ASSERT_EQ(-128, s);
      unsigned long long big = 0; big--;
      ASSERT_EQ(-1, big);
      ASSERT_EQ(1, big == 0xFFFFFFFFFFFFFFFFULL);
      ASSERT_EQ(1, -1 < 0u ? 0 : 1);
      long long x = 0x7FFFFFFFFFFFFFFFLL; x = x + 1;
      ASSERT_EQ(1, x < 0);
      ASSERT_EQ(0x100000000LL, 1ULL << 32);
      ASSERT_EQ(5, (unsigned int)0x100000005ULL);
      return 0; }`)).toEqual([]);
  });

  it('locals, pointers and arrays live in memory', () => {
    expect(run(`int main() {
      int a = 3; int *p = &a; *p = 7;
      ASSERT_EQ(7, a);
      int arr[4] = {1, 2, 3, 4};
      int *q = arr + 2;
      ASSERT_EQ(3, *q);
      ASSERT_EQ(2, q - arr);
      ASSERT_EQ(16, sizeof arr);
      ASSERT_EQ(4, arr[3]);
      char buf[3]; buf[0] = 'a'; buf[1] = 'b'; buf[2] = 0;
      ASSERT_EQ(98, buf[1]);
      return 0; }`)).toEqual([]);
  });

  it('control flow: if, for, while, do, switch, break, continue, goto', () => {
    expect(run(`int main() {
      int i, s = 0;
      for (i = 0; i < 10; i++) { if (i == 3) continue; if (i == 8) break; s += i; }
      ASSERT_EQ(25, s);
      i = 0; while (i < 5) i += 2;
      ASSERT_EQ(6, i);
      i = 0; do { i++; } while (i < 3);
      ASSERT_EQ(3, i);
      s = 0;
      for (i = 0; i < 5; i++) { switch (i) { case 0: s += 1; break; case 1: case 2: s += 10; break; default: s += 100; } }
      ASSERT_EQ(221, s);
      i = 0;
    again:
      i++;
      if (i < 4) goto again;
      ASSERT_EQ(4, i);
      return 0; }`)).toEqual([]);
  });

  it('functions, recursion and function pointers', () => {
    expect(run(`
      int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
      int add(int a, int b) { return a + b; }
      typedef int (*BINOP)(int, int);
      int apply(BINOP f, int x, int y) { return f(x, y); }
      int main() {
        ASSERT_EQ(55, fib(10));
        ASSERT_EQ(7, apply(add, 3, 4));
        BINOP g = add;
        ASSERT_EQ(9, (*g)(4, 5));
        ASSERT_EQ(1, add(1, 0) && add(0, 0) == 0);
        return 0; }`)).toEqual([]);
  });

  it('structs, unions, members and bit fields', () => {
    expect(run(`
      typedef struct { unsigned int Data1; unsigned short Data2; unsigned short Data3; unsigned char Data4[8]; } GUID;
      struct P { int x; long long y; };
      union U { unsigned int w; unsigned char b[4]; };
      struct B { unsigned int lo : 4; unsigned int hi : 4; int neg : 3; };
      int main() {
        GUID g; g.Data1 = 0x18a3c6dc; g.Data4[7] = 0x99;
        ASSERT_EQ(16, sizeof(GUID));
        ASSERT_EQ(0x99, g.Data4[7]);
        struct P p = { 1, 2 }; struct P *pp = &p; pp->y = 40;
        ASSERT_EQ(41, p.x + p.y);
        ASSERT_EQ(16, sizeof(struct P));
        union U u; u.w = 0x11223344;
        ASSERT_EQ(0x44, u.b[0]);
        struct B b; b.lo = 15; b.hi = 1; b.neg = -1;
        ASSERT_EQ(15, b.lo); ASSERT_EQ(1, b.hi); ASSERT_EQ(-1, b.neg);
        b.lo++;
        ASSERT_EQ(0, b.lo);
        struct P q = p;
        ASSERT_EQ(40, q.y);
        return 0; }`)).toEqual([]);
  });

  it('short-circuit operators skip the calls they skip', () => {
    expect(run(`
      int n;
      int bump(void) { n++; return 1; }
      int main() {
        n = 0;
        if (0 && bump()) {}
        ASSERT_EQ(0, n);
        if (1 || bump()) {}
        ASSERT_EQ(0, n);
        int r = bump() ? bump() : bump() + 10;
        ASSERT_EQ(2, n);
        ASSERT_EQ(1, r);
        r = (bump(), bump(), 5);
        ASSERT_EQ(4, n);
        ASSERT_EQ(5, r);
        return 0; }`)).toEqual([]);
  });

  it('strings: narrow and L"" (CHAR16, -fshort-wchar)', () => {
    expect(run(`int main() {
      char *s = "hi";
      ASSERT_EQ(104, s[0]);
      ASSERT_EQ(0, s[2]);
      unsigned short *w = L"ok";
      ASSERT_EQ(107, w[1]);
      ASSERT_EQ(6, sizeof(L"ok"));
      return 0; }`)).toEqual([]);
  });

  it('division by zero raises #DE', () => {
    const r = run(`int main() { int z = 0; return 5 / z; }`);
    expect(r.join()).toContain('"vector":0');
  });
});
