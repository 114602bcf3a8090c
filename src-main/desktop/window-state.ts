/**
 * The main window's size and position, remembered in userData/window-state.json. A missing or
 * damaged file, or bounds that no longer fit on any display, fall back to the defaults.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The size a first launch opens at. */
export const DEFAULT_BOUNDS: WindowBounds = { width: 1320, height: 860, maximized: false };
/** The smallest window the layout supports. */
export const MIN_SIZE = { width: 960, height: 640 };

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parse saved bounds; the defaults when the text is not sound. */
export function parseBounds(text: string | null): WindowBounds {
  try {
    const b = JSON.parse(text ?? '') as Record<string, unknown>;
    if (!isNum(b.width) || !isNum(b.height)) return DEFAULT_BOUNDS;
    const width = Math.max(MIN_SIZE.width, Math.round(b.width));
    const height = Math.max(MIN_SIZE.height, Math.round(b.height));
    const placed = isNum(b.x) && isNum(b.y) ? { x: Math.round(b.x), y: Math.round(b.y) } : {};
    return { ...placed, width, height, maximized: b.maximized === true };
  } catch {
    return DEFAULT_BOUNDS;
  }
}

/** Drop the position when the window's title bar would not be on any of the displays. */
export function fitToDisplays(bounds: WindowBounds, displays: Area[]): WindowBounds {
  if (bounds.x === undefined || bounds.y === undefined) return bounds;
  const { x, y } = bounds;
  const visible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50);
  return visible ? bounds : { width: bounds.width, height: bounds.height, maximized: bounds.maximized };
}

/** Read the saved bounds from a userData folder. */
export function loadBounds(userData: string): WindowBounds {
  try {
    return parseBounds(readFileSync(path.join(userData, 'window-state.json'), 'utf8'));
  } catch {
    return DEFAULT_BOUNDS;
  }
}

/** Save bounds atomically (temporary file, then rename). */
export function saveBounds(userData: string, bounds: WindowBounds): void {
  const file = path.join(userData, 'window-state.json');
  try {
    writeFileSync(file + '.tmp', JSON.stringify(bounds));
    renameSync(file + '.tmp', file);
  } catch {
    // NOTE: losing the window size is not worth an error dialog.
  }
}
