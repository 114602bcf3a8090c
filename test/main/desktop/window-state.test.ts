import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, fitToDisplays, loadBounds, parseBounds, saveBounds } from '../../../src-main/desktop/window-state';

describe('remembered window size', () => {
  it('round-trips through userData', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-window-'));
    try {
      expect(loadBounds(dir)).toEqual(DEFAULT_BOUNDS);
      saveBounds(dir, { x: 40, y: 30, width: 1500, height: 900, maximized: false });
      expect(loadBounds(dir)).toEqual({ x: 40, y: 30, width: 1500, height: 900, maximized: false });
      writeFileSync(path.join(dir, 'window-state.json'), '{"width": "huge"');
      expect(loadBounds(dir)).toEqual(DEFAULT_BOUNDS);
      expect(readFileSync(path.join(dir, 'window-state.json'), 'utf8')).toContain('huge');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never opens smaller than the layout needs', () => {
    expect(parseBounds('{"width": 200, "height": 100}')).toEqual({ width: 960, height: 640, maximized: false });
  });

  it('drops a position that is on no display any more (e.g. an unplugged monitor)', () => {
    const laptop = [{ x: 0, y: 0, width: 1440, height: 900 }];
    expect(fitToDisplays({ x: 2400, y: 100, width: 1200, height: 800, maximized: false }, laptop)).toEqual({ width: 1200, height: 800, maximized: false });
    expect(fitToDisplays({ x: 100, y: 50, width: 1200, height: 800, maximized: true }, laptop).x).toBe(100);
  });
});
