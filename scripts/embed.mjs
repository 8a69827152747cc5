// What scripts/gen-headers.mjs and scripts/gen-samples.mjs share: write a generated TypeScript file
// when its text changed, or (--check) fail when the file in the tree is out of date.
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
