import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // NOTE: the machine has 2 cores; CPU-heavy engine tests run better without oversubscription.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**', 'test/e2e/**'], environment: 'node' },
      },
      'test/renderer/vitest.config.mts',
      {
        extends: true,
        // One browser test file at a time: on two cores, parallel files slow each other's timing checks.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], environment: 'node', fileParallelism: false },
      },
    ],
  },
});
