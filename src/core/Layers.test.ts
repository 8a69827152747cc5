/**
 * The floors of the code and their one direction (README, Design): inside src/core a folder may
 * import only from its own floor or the floors below it, and no group of files anywhere under
 * src/ imports itself in a loop. Reads the sources (type-only imports count: a type pointing up
 * is a layer pointing up).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(CORE, '..');

/** Floors of src/core, bottom up; a folder may import its own floor and every floor below. */
export const CORE_FLOORS: Record<string, number> = {
  lib: 1, // MdePkg base: EFI_STATUS, EFI_GUID, BasePrintLib; imports nothing of the project's
  machine: 1, // hardware: CPUs, memory, ICH9, I/O bus, save-state layouts; knows no firmware
  smmc: 1, // SMM-C, the C language: tokens, preprocessor, parser, types, closures; knows no firmware
  pi: 2, // the PI MM core and the platform state it works on; knows no driver
  modules: 3, // firmware drivers (edk2 / OVMF modules, the seed thread's samples)
  cdriver: 3, // SMM-C drivers as firmware modules: loading, running C, its library, faults
  profiles: 4, // platform profiles: configuration and which modules a firmware volume holds
  system: 5, // what spans hardware and firmware: building the machine, boot stages, the SMI lifecycle
  debug: 6, // stepping, breakpoints, replay, the view of the machine
  console: 7, // the command language, the session that runs it
  compare: 8, // one script on two platforms: the traces recorded, aligned by phase, the differences explained
  teach: 8, // teaching: the lesson format, its checks, the shipped lessons (and explanations of events)
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(n) && !/\.test\.tsx?$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

function importsOf(file: string, src: string): string[] {
  const out: string[] = [];
  const re = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*\(\s*(['"])([^'"]+)\3\s*\)/g;
  for (const m of src.matchAll(re)) {
    const spec = m[2] ?? m[4];
    if (!spec.startsWith('.')) continue;
    let target = resolve(dirname(file), spec);
    for (const ext of ['.ts', '.tsx', '/index.ts']) {
      try {
        if (statSync(target + ext).isFile()) {
          target += ext;
          break;
        }
      } catch {
        /* try the next extension */
      }
    }
    out.push(target);
  }
  return out;
}

function floorOf(file: string): string | null {
  const rel = relative(CORE, file);
  if (rel.startsWith('..')) return null;
  const top = rel.split('/')[0];
  return top in CORE_FLOORS ? top : null;
}

export function upwardImports(graph: Map<string, string[]>): string[] {
  const bad: string[] = [];
  for (const [file, targets] of graph) {
    const from = floorOf(file);
    if (!from) continue;
    for (const t of targets) {
      const to = floorOf(t);
      if (to && CORE_FLOORS[to] > CORE_FLOORS[from]) bad.push(`${relative(SRC, file)} -> ${relative(SRC, t)} (${from} imports ${to})`);
    }
  }
  return bad;
}

/** Every import loop, as one file list per strongly connected component (Tarjan). */
export function importLoops(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const loops: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) loops.push(comp.map((f) => relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return loops;
}

function graphOf(files: string[]): Map<string, string[]> {
  return new Map(files.map((f) => [f, importsOf(f, readFileSync(f, 'utf8'))]));
}

describe('layers: one direction, no loops', () => {
  it('the checks catch an upward import and a loop', () => {
    const a = join(CORE, 'pi', 'A.ts');
    const b = join(CORE, 'modules', 'B.ts');
    const g = new Map([
      [a, [b]],
      [b, [a]],
    ]);
    expect(upwardImports(g)).toEqual(['core/pi/A.ts -> core/modules/B.ts (pi imports modules)']);
    expect(importLoops(g)).toEqual([['core/modules/B.ts', 'core/pi/A.ts']]);
    expect(importLoops(new Map([[a, [b]], [b, []]]))).toEqual([]);
  });

  it('every folder of src/core is a floor, and no file imports a floor above its own', () => {
    const folders = readdirSync(CORE).filter((n) => statSync(join(CORE, n)).isDirectory());
    expect(folders.filter((f) => !(f in CORE_FLOORS))).toEqual([]);
    expect(upwardImports(graphOf(sources(CORE)))).toEqual([]);
  });

  it('no import loop anywhere under src (core, protocol, worker, cli, ui)', () => {
    expect(importLoops(graphOf(sources(SRC)))).toEqual([]);
  });
});
