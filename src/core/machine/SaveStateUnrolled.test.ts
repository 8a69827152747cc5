import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemory, readBytes } from './Memory';
import { createRegFile } from './Registers';
import { AMD64_KVM_LAYOUT, AMD64_QEMU_LAYOUT, decodeSaveState, encodeSaveState, INTEL64_LAYOUT, type SaveStateLayout } from './SaveStateMap';
import { SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE } from './SaveStateField';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const LAYOUTS = [AMD64_QEMU_LAYOUT, AMD64_KVM_LAYOUT, INTEL64_LAYOUT];

/** The same layout with the generated code switched off: SMM entry and RSM walk the index lists. */
const withLoops = (l: SaveStateLayout): SaveStateLayout => ({ ...l, copies: { ...l.copies, unrolled: null } });

describe('save-state copies as straight-line code (SaveStateUnrolled.ts, issue 10)', () => {
  it('SaveStateUnrolled.ts is up to date with the layouts (run `npx tsx scripts/gen-savestate.ts` after changing one)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'gen-savestate.ts'), '--check'], { encoding: 'utf8', cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('every layout uses its generated code (the signature matches its index lists)', () => {
    for (const l of LAYOUTS) expect(l.copies.unrolled, l.id).not.toBeNull();
  });

  it('§6.3/§6.4/§10.4: SMM entry writes the same bytes and RSM reloads the same registers as the index lists, for any register values', () => {
    const smbase = 0x7f000000;
    fc.assert(
      fc.property(fc.constantFrom(...LAYOUTS), fc.uint32Array({ minLength: 240, maxLength: 240 }), fc.uint32Array({ minLength: 256, maxLength: 256 }), (l, values, mapWords) => {
        const regs = createRegFile();
        regs.set(values.subarray(0, regs.length));
        const outs = [l, withLoops(l)].map((layout) => {
          const mem = createMemory();
          encodeSaveState(mem, smbase, regs, layout, 0x12345678, 1);
          const written = readBytes(mem, smbase + SMRAM_SAVE_STATE_MAP_OFFSET, SMRAM_SAVE_STATE_MAP_SIZE);
          // RSM from a map whose bytes SMM code changed: every word different.
          const map = new Uint8Array(mapWords.buffer, mapWords.byteOffset, SMRAM_SAVE_STATE_MAP_SIZE);
          const mem2 = createMemory();
          encodeSaveState(mem2, smbase, regs, layout);
          const base = smbase + SMRAM_SAVE_STATE_MAP_OFFSET;
          for (let i = 0; i < map.length; i++) mem2.pages.get(Math.floor((base + i) / 4096))![(base + i) & 4095] = map[i];
          const back = createRegFile();
          back.set(regs);
          const newBase = decodeSaveState(mem2, smbase, back, layout);
          return { written: [...written], back: [...back], newBase };
        });
        expect(outs[0]).toEqual(outs[1]);
      }),
      { numRuns: 200 },
    );
  });
});
