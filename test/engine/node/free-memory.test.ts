import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { freeMemory } from '../../../src-engine/node/free-memory';

describe('freeMemory', () => {
  it("is the system's available memory at most, and a set cap lowers it by what the process holds", () => {
    expect(freeMemory({})).toBeGreaterThan(0);
    expect(freeMemory({})).toBeLessThanOrEqual(os.totalmem());
    const capped = freeMemory({ SCRATCHNET_ENGINE_MEMORY_MB: String(Math.ceil(process.memoryUsage.rss() / 2 ** 20) + 100) });
    expect(capped).toBeGreaterThan(90 * 2 ** 20);
    expect(capped).toBeLessThanOrEqual(101 * 2 ** 20);
    expect(freeMemory({ SCRATCHNET_ENGINE_MEMORY_MB: '1' })).toBe(0);
    // a cap that is not a number is ignored (the system's figure moves a little between calls)
    expect(Math.abs(freeMemory({ SCRATCHNET_ENGINE_MEMORY_MB: 'lots' }) - freeMemory({}))).toBeLessThan(256 * 2 ** 20);
  });
});
