// What scripts/gen-headers.mjs, gen-samples.mjs and gen-lessons.mjs share: file order, a text as a
// literal, and writing a generated TypeScript file when its text changed, or (--check) failing when
// the file in the tree is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Writes `text` to `out` if it differs; with --check, exits 1 when it differs instead. */
export function writeGenerated(root, out, text, from, script) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    /* not generated yet */
  }
  if (process.argv.includes('--check')) {
    if (current !== text) {
      console.error(`${relative(root, out)} is out of date with ${from}: run node ${script}`);
      process.exit(1);
    }
  } else if (current !== text) {
    writeFileSync(out, text);
    console.log(`wrote ${relative(root, out)}`);
  }
}

/** Code-unit order: the same on every machine and locale. */
export const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The text as a template literal when it can be one verbatim (readable diffs), else a JSON string. */
export function literal(text) {
  if (!text.includes('`') && !text.includes('${') && !text.endsWith('\\')) return 'String.raw`' + text + '`';
  return JSON.stringify(text);
}
