import { describe, expect, it } from 'vitest';
import { commandFor, shortcutLabel } from '../../../src-renderer/lib/shortcuts';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey', boolean>> = {}) => ({
  key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods,
});

describe('keyboard shortcuts', () => {
  it('maps the menu accelerators to commands', () => {
    expect(commandFor(key('Enter', { ctrlKey: true }), false)).toBe('training:start');
    expect(commandFor(key('p', { ctrlKey: true }), false)).toBe('training:toggle-pause');
    expect(commandFor(key('.', { ctrlKey: true }), false)).toBe('training:stop');
    expect(commandFor(key('3', { ctrlKey: true }), false)).toBe('view:digit-pad');
    expect(commandFor(key('Enter', { metaKey: true }), true)).toBe('training:start');
  });

  it('ignores keys without the modifier, with extra modifiers, or typed into fields', () => {
    expect(commandFor(key('Enter'), false)).toBeNull();
    expect(commandFor(key('p', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(commandFor(key('Enter', { ctrlKey: true }), true)).toBeNull();
  });

  it('labels shortcuts for the platform', () => {
    expect(shortcutLabel('training:start', false)).toBe('Ctrl+Enter');
    expect(shortcutLabel('training:stop', true)).toBe('⌘.');
  });
});
