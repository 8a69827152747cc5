import { describe, expect, it } from 'vitest';
import { actionForKey, DEBUG_ACTIONS, KEY_ORDER, toolbarActions } from './debugActions';

/** A key press as the page's keydown handler sees it (only the fields the mapping reads). */
const key = (k: string, mods: { shift?: boolean; ctrl?: boolean; alt?: boolean; meta?: boolean; code?: string } = {}) =>
  ({ key: k, code: mods.code ?? k, shiftKey: !!mods.shift, ctrlKey: !!mods.ctrl, altKey: !!mods.alt, metaKey: !!mods.meta }) as KeyboardEvent;

describe('debugger keys in C and outside it (issue 7 §3: VS Code\'s F10/F11/Shift+F11, plus laptop keys)', () => {
  it('paused in C: F10 / F11 / Shift+F11 and Ctrl+\' / Ctrl+; / Ctrl+Shift+; step over / into / out (⌘ too)', () => {
    expect(actionForKey(key('F10'), false, true)).toBe('step-over');
    expect(actionForKey(key('F11'), false, true)).toBe('step-into');
    expect(actionForKey(key('F11', { shift: true }), false, true)).toBe('step-out');
    expect(actionForKey(key("'", { ctrl: true, code: 'Quote' }), false, true)).toBe('step-over');
    expect(actionForKey(key(';', { ctrl: true, code: 'Semicolon' }), false, true)).toBe('step-into');
    expect(actionForKey(key(':', { ctrl: true, shift: true, code: 'Semicolon' }), false, true)).toBe('step-out');
    expect(actionForKey(key(';', { meta: true, code: 'Semicolon' }), false, true)).toBe('step-into');
  });

  it('outside C the same keys keep their phase / event meaning, and Shift+F11 does nothing', () => {
    expect(actionForKey(key('F10'))).toBe('step-phase');
    expect(actionForKey(key('F11'))).toBe('step-event');
    expect(actionForKey(key("'", { ctrl: true, code: 'Quote' }))).toBe('step-phase');
    expect(actionForKey(key('F11', { shift: true }))).toBeNull();
    expect(actionForKey(key(':', { ctrl: true, shift: true, code: 'Semicolon' }))).toBeNull();
  });

  it('in C the other keys are unchanged: Shift+F10 steps the SMI, F9 goes back, F5 continues, F8 pauses a run', () => {
    expect(actionForKey(key('F10', { shift: true }), false, true)).toBe('step-smi');
    expect(actionForKey(key('F9'), false, true)).toBe('back');
    expect(actionForKey(key('F5'), false, true)).toBe('continue');
    expect(actionForKey(key('F8'), true, true)).toBe('pause');
  });

  it('the toolbar shows the line steps in C, the phase steps elsewhere; the key list has both, each with two keys', () => {
    expect(toolbarActions(true).slice(0, 3)).toEqual(['step-over', 'step-into', 'step-out']);
    expect(toolbarActions(false)).not.toContain('step-over');
    for (const a of ['step-over', 'step-into', 'step-out'] as const) {
      expect(KEY_ORDER).toContain(a);
      expect(DEBUG_ACTIONS[a].keys).toHaveLength(2);
    }
  });
});
