/**
 * `#pragma pack` as gcc's handle_pragma_pack (gcc/c-family/c-pragma.cc) keeps it: `pack(N)` sets
 * N, `pack()` the default, `pack(push[, N])` saves the current value (then sets N), `pack(pop)`
 * restores the saved one (the default when nothing was saved). The preprocessor turns each pack
 * pragma into one `__pragma_pack` token whose value is the packing now in force (0n = default);
 * the parser lays out the structs that follow with it.
 */

import type { Token } from './Lexer';
import { CDiagnostic } from './Source';

const isPunct = (t: Token | undefined, text: string): boolean => t !== undefined && t.kind === 'punct' && t.text === text;

export class PackPragma {
  /** The packing in force: 1, 2, 4, 8, 16, or 0n for the default. */
  value = 0n;
  private readonly stack: bigint[] = [];

  /** Applies `pack` + `x` (its tokens after `pack`, macros already expanded: gcc registers pack with expansion). */
  apply(x: readonly Token[], kind: Token): bigint {
    const malformed = (t: Token | undefined) => new CDiagnostic((t ?? x[x.length - 1] ?? kind).loc, "malformed '#pragma pack' directive");
    if (!isPunct(x[0], '(')) throw malformed(x[0]);
    let i = 1;
    const word = x[i]?.kind === 'ident' ? x[i].text : null;
    if (isPunct(x[i], ')')) this.value = 0n;
    else if (word === 'push' || word === 'pop') {
      i++;
      if (word === 'push') this.stack.push(this.value);
      else this.value = this.stack.pop() ?? 0n;
      if (isPunct(x[i], ',') && x[i + 1]?.kind === 'ident') i += 2; // an MSVC-style label: not kept
      if (isPunct(x[i], ',')) {
        this.value = alignment(x[i + 1], malformed);
        i += 2;
      }
    } else {
      this.value = alignment(x[i], malformed);
      i++;
    }
    if (!isPunct(x[i], ')')) throw malformed(x[i]);
    return this.value;
  }
}

function alignment(t: Token | undefined, malformed: (t: Token | undefined) => CDiagnostic): bigint {
  if (t?.kind !== 'num' || t.error !== undefined || t.value === undefined) throw malformed(t);
  const n = t.value;
  if (n !== 0n && n !== 1n && n !== 2n && n !== 4n && n !== 8n && n !== 16n) {
    throw new CDiagnostic(t.loc, `alignment must be a small power of two, not ${n}`);
  }
  return n;
}
