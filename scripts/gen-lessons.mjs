/**
 * Builds src/core/teach/ShippedLessons.ts, the texts of the lessons SmiScope ships, from the
 * Markdown files in src/core/teach/lessons/*.md (README "Lessons"), so the core reads them without
 * a bundler plugin: in Vite's worker, in Node with tsx and in Vitest alike. The texts are embedded
 * as they are; the worker parses them with teach/LessonParse.ts.
 *
 *   node scripts/gen-lessons.mjs           write the file
 *   node scripts/gen-lessons.mjs --check   exit 1 if the file is not what the lesson files give
 *
 * src/core/teach/ShippedLessons.test.ts runs the check, so a lesson edit without a regeneration
 * fails the unit tests.
 */
import { byName, literal, writeGenerated } from './embed.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LESSONS = join(ROOT, 'src', 'core', 'teach', 'lessons');
const OUT = join(ROOT, 'src', 'core', 'teach', 'ShippedLessons.ts');



/** The generated module's text. */
export function render() {
  const files = readdirSync(LESSONS).filter((n) => n.endsWith('.md')).sort(byName);
  const entries = files.map((n) => `  ${JSON.stringify(n)}: ${literal(readFileSync(join(LESSONS, n), 'utf8').replace(/\r\n/g, '\n'))},\n`);
  return (
    '/**\n' +
    ' * The lessons SmiScope ships, by file name: each one\'s Markdown text (README "Lessons"). Generated\n' +
    ' * by scripts/gen-lessons.mjs from src/core/teach/lessons/*.md, do not edit: change the files there\n' +
    ' * and run `node scripts/gen-lessons.mjs`.\n' +
    ' */\n' +
    'export const SHIPPED_LESSON_FILES: Readonly<Record<string, string>> = {\n' +
    entries.join('') +
    '};\n'
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeGenerated(ROOT, OUT, render(), 'src/core/teach/lessons', 'scripts/gen-lessons.mjs');
}
