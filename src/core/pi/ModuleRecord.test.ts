/** The dispatcher's module records (facts §1.9), found by name the way SmiManage finds a handler's module. */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { findModule, type ModuleRecord } from './ModuleRecord';

describe('module records by name (facts §1.9)', () => {
  it('§1.9 findModule answers as modules.find by name: the first record of the name, none for an unknown one, records pushed later included', () => {
    const s = Session.create({ cpus: 2 });
    const mods = s.m.s.modules;
    for (const r of mods) expect(findModule(mods, r.name)).toBe(mods.find((x) => x.name === r.name));
    expect(findModule(mods, 'NoSuchModule')).toBeUndefined();
    const extra: ModuleRecord = { ...structuredClone(mods[mods.length - 1]), name: 'Extra' };
    const twin: ModuleRecord = { ...structuredClone(mods[0]) };
    mods.push(extra, twin);
    expect(findModule(mods, 'Extra')).toBe(extra);
    expect(findModule(mods, twin.name)).toBe(mods[0]);
    // A restored state has its own list (a structured clone): found in it, not in the old one.
    const copy = structuredClone(mods);
    expect(findModule(copy, 'Extra')).toBe(copy[copy.length - 2]);
  });
});
