import { describe, expect, it } from 'vitest';
import type { CView } from '../../protocol/messages';
import { cPatch } from './sourceSlice';

const view = (line: number, value: string, modules?: CView['modules']): CView => ({
  stop: { cpu: 0, module: 'M', file: 'M.c', line, col: 3, fn: 'H', ip: 0x1000 + line },
  frames: [],
  locals: [{ name: 'X', type: 'UINT64', address: 0x7ffb0000, size: 8, value, param: false }],
  diagnostic: null,
  hung: null,
  lineBreakpoints: [],
  watches: [],
  ...(modules ? { modules } : {}),
});

describe('the Source view\'s part of a snapshot (ViewSnapshot.c)', () => {
  it('a step to another line marks the locals it changed', () => {
    expect(cPatch(view(27, '0'), view(28, '5')).cChanged).toEqual(['X']);
  });

  it('a snapshot that only answers a view change (same stop, same values) keeps the marks', () => {
    expect(cPatch(view(28, '5'), view(28, '5'))).not.toHaveProperty('cChanged');
  });

  it('the loaded sources are taken when the snapshot carries them, and only then', () => {
    const mods = [{ name: 'M', inf: { name: 'M.inf', text: 'I' }, files: [{ name: 'M.c', text: 'C' }] }];
    expect(cPatch(undefined, view(1, '0', mods)).cModules).toBe(mods);
    expect(cPatch(undefined, view(1, '0'))).not.toHaveProperty('cModules');
    expect(cPatch(view(1, '0'), undefined)).toEqual({});
  });
});
