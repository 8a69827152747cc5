/**
 * The wall around the emulation core: nothing under src/core reaches into the UI or the worker,
 * no UI library, no host globals, no clock or randomness (determinism, replay). Reads the sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(CORE, '..');
const ALLOWED_ROOTS = [CORE, join(SRC, 'protocol')];
/** UI-side packages the core must never pull in (pure libraries such as zod are fine). */
const FORBIDDEN_PACKAGES = /^(react|react-dom|zustand|@xterm\/|@vitejs\/|vite)(\/|$)/;
const FORBIDDEN_GLOBALS = ['document', 'window', 'Math.random', 'Date.now', 'setTimeout', 'setInterval', 'performance.now', 'crypto.getRandomValues', 'new Date', 'localStorage', 'navigator'];

function coreFiles(dir = CORE): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return coreFiles(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) ? [p] : [];
  });
}

/** Removes comments and the text of string literals (template `${...}` code is kept). */
export function codeOnly(src: string): string {
  let out = '';
  let i = 0;
  const braces: number[] = []; // template nesting: brace depth where each ${ started
  let depth = 0;
  const template = () => {
    // inside a template literal, up to the closing backtick or a ${
    while (i < src.length) {
      if (src[i] === '\\') i += 2;
      else if (src[i] === '`') {
        out += '`';
        i++;
        return;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        out += '${';
        i += 2;
        braces.push(depth);
        depth++;
        return;
      } else i++;
    }
  };
  while (i < src.length) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === "'" || c === '"') {
      out += c;
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
      out += c;
      i++;
    } else if (c === '`') {
      out += '`';
      i++;
      template();
    } else if (c === '{') {
      depth++;
      out += c;
      i++;
    } else if (c === '}') {
      depth--;
      out += c;
      i++;
      if (braces.length && braces[braces.length - 1] === depth) {
        braces.pop();
        template();
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function specifiers(src: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*\(\s*(['"])([^'"]+)\3\s*\)|\bimport\s+(['"])([^'"]+)\5/g;
  for (const m of src.matchAll(re)) out.push(m[2] ?? m[4] ?? m[6]);
  return out;
}

function violations(file: string, src: string): string[] {
  const bad: string[] = [];
  for (const spec of specifiers(src)) {
    if (!spec.startsWith('.')) {
      if (FORBIDDEN_PACKAGES.test(spec) || spec.startsWith('@xterm/')) bad.push(`imports package "${spec}"`);
      continue;
    }
    const target = resolve(dirname(file), spec);
    if (!ALLOWED_ROOTS.some((r) => target === r || target.startsWith(r + '/'))) bad.push(`imports ${relative(SRC, target)}`);
  }
  const code = codeOnly(src);
  for (const g of FORBIDDEN_GLOBALS) {
    const re = new RegExp(`(^|[^\\w.$])${g.replace('.', '\\s*\\.\\s*')}\\b`);
    if (re.test(code)) bad.push(`uses ${g}`);
  }
  return bad;
}

describe('import wall around src/core', () => {
  it('§6/§8 (determinism) the checker itself catches what it must (UI/worker/package imports, host globals, clock, randomness)', () => {
    const f = join(CORE, 'machine', 'Fake.ts');
    expect(violations(f, "import { create } from 'zustand';")).toEqual(['imports package "zustand"']);
    expect(violations(f, "import React from 'react';\nexport * from '@xterm/xterm';")).toEqual(['imports package "react"', 'imports package "@xterm/xterm"']);
    expect(violations(f, "import { App } from '../../ui/App';")).toEqual(['imports ui/App']);
    expect(violations(f, "const w = await import('../../worker/main');")).toEqual(['imports worker/main']);
    expect(violations(f, "import type { X } from '../../protocol/messages';\nimport { y } from '../pi/Fw';\nimport { z } from 'zod';")).toEqual([]);
    expect(violations(f, "import { createRoot } from 'react-dom/client';\nimport { useStore } from 'zustand/react';")).toEqual(['imports package "react-dom/client"', 'imports package "zustand/react"']);
    expect(violations(f, "import { x } from '../../cli/main';")).toEqual(['imports cli/main']);
    expect(violations(f, 'const t = Date.now();')).toEqual(['uses Date.now']);
    expect(violations(f, 'const r = Math.random() * 2;')).toEqual(['uses Math.random']);
    expect(violations(f, 'setTimeout(() => 0, 1);')).toEqual(['uses setTimeout']);
    expect(violations(f, 'const el = document.body;')).toEqual(['uses document']);
    expect(violations(f, 'const x = `${window.innerWidth}px`;')).toEqual(['uses window']);
    // words in comments and strings are not code
    expect(violations(f, "// the SMRAM window\nconst s = 'SMM IPL opened SMRAM window'; /* document */ const t = `window ${1}`;")).toEqual([]);
    expect(violations(f, 'const windowSize = 4; m.document = 1;')).toEqual([]);
  });

  it('§6/§8 (determinism) no file under src/core imports src/ui, src/worker, react, zustand, @xterm, or uses document/window/Math.random/Date.now/setTimeout', () => {
    const files = coreFiles();
    expect(files.length).toBeGreaterThan(30);
    expect(files.some((f) => f.endsWith(join('pi', 'Mmi.ts')))).toBe(true);
    const report: string[] = [];
    for (const f of files) for (const v of violations(f, readFileSync(f, 'utf8'))) report.push(`${relative(SRC, f)}: ${v}`);
    expect(report).toEqual([]);
  });
});
