import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { contentSecurityPolicy, devServerPolicy } from './src-main/host/csp';
import { EXERCISE_FRAME_FILE, exerciseFrameHtml } from './src-main/host/exercise-frame';

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

const WORKER_MODULE = 'virtual:exercise-worker';

/**
 * The Build it view's sandbox: the exercise frame page (emitted beside index.html) and the source
 * of the Worker it runs learner code in, bundled whole (engine ops included) into one string
 * that the app hands to the frame (`import source from 'virtual:exercise-worker'`).
 */
function exerciseSandbox(): Plugin {
  return {
    name: 'scratchnet:exercise-sandbox',
    resolveId: (id) => (id === WORKER_MODULE ? '\0' + WORKER_MODULE : undefined),
    async load(id) {
      if (id !== '\0' + WORKER_MODULE) return undefined;
      const { build } = await import('esbuild');
      const out = await build({
        entryPoints: [resolve(root, 'src-renderer/sandbox/exercise-worker.ts')],
        bundle: true, write: false, format: 'iife', target: 'es2022', platform: 'browser', minify: true,
      });
      return `export default ${JSON.stringify(out.outputFiles[0].text)};`;
    },
    generateBundle() {
      const script = readFileSync(resolve(root, 'src-renderer/sandbox/frame-script.js'), 'utf8');
      this.emitFile({ type: 'asset', fileName: EXERCISE_FRAME_FILE, source: exerciseFrameHtml(script) });
    },
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
    plugins: [svelte(), cspMeta(), exerciseSandbox()],
    server: { headers: { 'Content-Security-Policy': devServerPolicy() } },
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
