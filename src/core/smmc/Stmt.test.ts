import { describe, expect, it } from 'vitest';
import type { Node } from './Ast';
import { dump } from './AstDump';
import { BASE_TYPES, bodyOf, errorOf, fn, messageOf, parseC } from './ParserTestKit';

const at = (n: Node) => `${n.loc.line}:${n.loc.col}`;

describe('statements: shapes', () => {
  const p = parseC(`${BASE_TYPES}
UINTN Loops(UINTN n) {
  UINTN s = 0;
  for (UINTN i = 0; i < n; i++) { if (i == 3) continue; s += i; }
  while (s > 100) s -= 7;
  do { s++; } while (s < 5);
  for (;;) break;
  if (s) s = 1; else if (n) s = 2; else ;
  return s;
}
UINT32 Sw(UINT8 v) {
  switch (v) {
  case 1:
  case 0x101:
    return 10;
  case 'A': { return 20; }
  default:
    break;
  }
  goto Done;
Done:
  return 0;
}`);

  it('while is a for without init and inc; do, if/else, break, continue, the empty statement', () => {
    expect(bodyOf(p, 'Loops')).toEqual([
      'assign<UINTN>(s, 0<UINTN>);',
      'for (assign<UINTN>(i, 0<UINTN>); lt[UINTN](i, n); post+1<UINTN>(i)) {if (eq[UINTN](i, 3<UINTN>)) continue; assignadd<UINTN>[UINTN](s, i);}',
      'for (_ lt[UINTN](100<UINTN>, s); _) assignsub<UINTN>[UINTN](s, 7<UINTN>);',
      'do {post+1<UINTN>(s);} while (lt[UINTN](s, 5<UINTN>));',
      'for (_ _; _) break;',
      'if (s) assign<UINTN>(s, 1<UINTN>); else if (n) assign<UINTN>(s, 2<UINTN>); else ;',
      'return s;',
    ]);
  });

  it('a for loop with a declaration: the variable is a local of the loop scope', () => {
    const f = fn(p, 'Loops');
    expect(f.locals.map((l) => l.name)).toEqual(['n', 's', 'i']);
  });

  it('statements start at their first token; for init, condition and increment have their own locs', () => {
    const b = fn(p, 'Loops').body!.body;
    expect(b.map(at)).toEqual(['15:3', '16:3', '17:3', '18:3', '19:3', '20:3', '21:3']);
    const f = b[1];
    expect([at(f.init!), at(f.cond!), at(f.inc!), at(f.then!)]).toEqual(['16:8', '16:21', '16:28', '16:33']);
    const end = fn(p, 'Loops').endLoc!;
    expect(`${end.line}:${end.col}`).toBe('22:1');
  });

  it('switch: the condition promoted, case values converted to it, the cases listed, default apart', () => {
    const sw = fn(p, 'Sw').body!.body[0];
    expect(dump(sw.cond)).toBe('cast(v)');
    expect(sw.cases.map((c) => c.caseVal)).toEqual([1, 257, 65]);
    expect(sw.defaultCase!.caseVal).toBeNull();
    expect(dump(sw.cases[0])).toBe('case 1: case 257: return 10<UINT32>;');
    expect(sw.cases.map(at)).toEqual(['25:3', '26:3', '28:3']);
  });

  it('goto and labels', () => {
    expect(bodyOf(p, 'Sw').slice(1)).toEqual(['goto Done;', 'Done: return 0<UINT32>;']);
  });
});

describe('statements: errors', () => {
  const cases: [string, string][] = [
    ['UINTN x = 1\n  return x;', "expected ';' at end of declaration"],
    ['UINTN x; x = 1\n  return x;', "expected ';' after expression"],
    ['return 1', "expected ';' after return statement"],
    ['for (;;) { break }', "expected ';' after break statement"],
    ['while (1) { continue }', "expected ';' after continue statement"],
    ['do { } while (0)', "expected ';' after do/while statement"],
    ['do { } (0);', "expected 'while' in do/while loop"],
    ['if 1) ;', "expected '(' after 'if'"],
    ['if (1 ;', "expected ')'"],
    ['for (UINTN i = 0; i < 3 i++) ;', "expected ';' in 'for' statement specifier"],
    ['break;', "'break' statement not in loop or switch statement"],
    ['switch (1) { case 1: continue; }', "'continue' statement not in loop statement"],
    ['case 1: ;', "'case' statement not in switch statement"],
    ['default: ;', "'default' statement not in switch statement"],
    ['switch (1) { case 1: case 1: ; }', "duplicate case value '1'"],
    ['switch (1) { default: ; default: ; }', 'multiple default labels in one switch'],
    ['UINTN n = 2; switch (1) { case n: ; }', 'expression is not an integer constant expression'],
    ['EFI_GUID g; switch (g) { }', "statement requires expression of integer type ('EFI_GUID' invalid)"],
    ['EFI_GUID g; if (g) ;', "statement requires expression of scalar type ('EFI_GUID' invalid)"],
    ['switch (1) { case 1 ... 3: ; }', 'case ranges are not supported in SMM-C'],
    ['switch (1) { default: }', 'label at end of compound statement: expected statement'],
    ['goto Nowhere;', "use of undeclared label 'Nowhere'"],
    ['L: ; L: ;', "redefinition of label 'L'"],
    ['return;', "non-void function 'f' should return a value"],
    ['else ;', 'expected expression'],
    ['{', "expected '}'"],
    ['EFI_GUID g; return g;', "returning 'EFI_GUID' from a function with incompatible result type 'UINTN'"],
  ];
  for (const [src, msg] of cases) {
    it(`${src.replace(/\n/g, ' ')} -> ${msg}`, () => expect(messageOf(`${BASE_TYPES}UINTN f(VOID) {\n  ${src}\n}`)).toBe(msg));
  }

  it("expected ';' goes right after the last token of the line (as clang puts it)", () => {
    expect(errorOf('int f(void) {\n  int x = 1\n  return x;\n}')).toBe(
      ["Test.c:2:12: error: expected ';' at end of declaration", '  int x = 1', '           ^'].join('\n'),
    );
    expect(errorOf('int f(int x) {\n  x = x + 1\n  return x;\n}')).toBe(
      ["Test.c:2:12: error: expected ';' after expression", '  x = x + 1', '           ^'].join('\n'),
    );
  });

  it('a void function may return a void expression; a value is an error', () => {
    parseC('void g(void); void f(void) { return g(); }');
    expect(messageOf('void f(void) { return 1; }')).toBe("void function 'f' should not return a value");
  });
});
