import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { exerciseSandbox } from './scripts/exercise-sandbox-plugin';
import { contentSecurityPolicy, devServerPolicy } from './src-main/host/csp';

const root = import.meta.dirname;

/** Put the Content-Security-Policy meta tag into the built page (the dev server sends its own policy as a header). */
function cspMeta(): Plugin {
  return {
    name: 'scratchnet:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy() }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/desktop/index.ts'),
          // NOTE: the engine worker is a second main-process entry: utilityProcess.fork and
          // child_process.fork both run out/main/engine-worker.js.
          'engine-worker': resolve(root, 'src-engine/worker.ts'),
          web: resolve(root, 'src-main/web/web.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // NOTE: a sandboxed preload cannot require anything but electron: bundle everything.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/desktop/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte(), cspMeta(), exerciseSandbox(root)],
    server: { headers: { 'Content-Security-Policy': devServerPolicy() } },
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
