/**
 * Source files and diagnostics of SMM-C (SmiScope's edk2-style C for SMM drivers). Every error of
 * every stage (tokens, preprocessor, parser, loader, runtime) is a CDiagnostic: it names
 * file:line:column and prints the source line with a caret under the column, the way gcc and
 * clang do, so a C programmer reads it without learning anything new.
 */

/** One file the compiler reads: a module's .c/.h/.inf, or a header SmiScope ships. */
export interface SourceFile {
  /** As the user (or the #include line) names it: `MySmm.c`, `Library/DebugLib.h`. */
  name: string;
  text: string;
  /** True for the headers SmiScope ships (read-only in the editor). */
  shipped: boolean;
}

/** A place in a source file: 1-based line and column (columns count UTF-16 units, tabs as 1). */
export interface Loc {
  file: SourceFile;
  line: number;
  col: number;
  /** Offset of the first character in file.text. */
  offset: number;
}

export type Severity = 'error' | 'warning' | 'note';

/** An error (or warning) at a place; thrown by the stage that finds it (the first error stops the compile). */
export class CDiagnostic extends Error {
  readonly loc: Loc | null;
  readonly severity: Severity;
  /** Where a macro that produced the token was expanded, innermost first ("in expansion of macro X"). */
  readonly notes: { loc: Loc; message: string }[];

  constructor(loc: Loc | null, message: string, severity: Severity = 'error', notes: { loc: Loc; message: string }[] = []) {
    super(message);
    this.loc = loc;
    this.severity = severity;
    this.notes = notes;
  }

  /** `MySmm.c:42:17: error: expected ';' after expression`, the source line, and a caret line. */
  format(): string {
    const lines = [...formatAt(this.loc, this.severity, this.message)];
    for (const n of this.notes) {
      // A note at the very place of the error does not repeat its source line and caret.
      const same = this.loc !== null && n.loc.file === this.loc.file && n.loc.offset === this.loc.offset;
      lines.push(...(same ? formatAt(n.loc, 'note', n.message).slice(0, 1) : formatAt(n.loc, 'note', n.message)));
    }
    return lines.join('\n');
  }

  /** What the editor marks: file, line, column and the message. */
  where(): { file: string; line: number; col: number; message: string } | null {
    return this.loc ? { file: this.loc.file.name, line: this.loc.line, col: this.loc.col, message: this.message } : null;
  }
}

function formatAt(loc: Loc | null, severity: Severity, message: string): string[] {
  if (!loc) return [`${severity}: ${message}`];
  const text = sourceLine(loc.file, loc.line);
  const caret = ' '.repeat(Math.max(0, loc.col - 1)) + '^';
  return [`${loc.file.name}:${loc.line}:${loc.col}: ${severity}: ${message}`, text.replace(/\t/g, ' '), caret];
}

/** The text of 1-based line `line` of `file` (no line ending). */
export function sourceLine(file: SourceFile, line: number): string {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = file.text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = file.text.indexOf('\n', start);
  return file.text.slice(start, end < 0 ? file.text.length : end).replace(/\r$/, '');
}

/** Throws the error diagnostic. */
export function errorAt(loc: Loc | null, message: string): never {
  throw new CDiagnostic(loc, message);
}
