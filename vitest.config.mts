import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // NOTE: the machine has 2 cores; CPU-heavy engine tests run better without oversubscription.
    maxWorkers: 2,
  },
});
