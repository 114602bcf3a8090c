/**
 * The renderer's test project: Svelte components and rune classes compiled by the Svelte plugin,
 * in happy-dom, resolving Svelte's browser build (not its server build), DOM cleaned after each test. The root vitest config
 * lists this file in `test.projects`; run alone with `npx vitest run -c test/renderer/vitest.config.mts`.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { resolve } from 'node:path';
import { defineProject } from 'vitest/config';
import { exerciseSandbox } from '../../scripts/exercise-sandbox-plugin';

export default defineProject({
  root: resolve(import.meta.dirname, '../..'),
  // svelteTesting: Svelte's browser build (resolve.conditions 'browser') and DOM cleanup after each test.
  plugins: [svelte(), svelteTesting(), exerciseSandbox(resolve(import.meta.dirname, '../..'))],
  test: {
    // NOTE: a project's files are found from its `dir`, which defaults to this file's folder.
    dir: resolve(import.meta.dirname, '../..'),
    name: 'renderer',
    include: ['test/renderer/**/*.test.ts'],
    environment: 'happy-dom',
  },
});
