/**
 * Vite plugin for the Build it view's sandbox, used by the app's build and the renderer tests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { EXERCISE_FRAME_FILE, EXERCISE_FRAME_HEADER_POLICY, exerciseFrameHtml } from '../src-main/host/exercise-frame';

const WORKER_MODULE = 'virtual:exercise-worker';

/**
 * The Build it view's sandbox: the exercise frame page (emitted beside index.html) and the source
 * of the Worker it runs learner code in, bundled whole (engine ops included) into one string
 * that the app hands to the frame (`import source from 'virtual:exercise-worker'`).
 * @param root the repository's folder (a config bundled by electron-vite has no folder of its own)
 */
export function exerciseSandbox(root: string): Plugin {
  const frameHtml = () => exerciseFrameHtml(readFileSync(resolve(root, 'src-renderer/sandbox/frame-script.js'), 'utf8'));
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
      this.emitFile({ type: 'asset', fileName: EXERCISE_FRAME_FILE, source: frameHtml() });
    },
    // `electron-vite dev`: the frame is served with its own policy, not the app page's
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.split('?')[0] !== `/${EXERCISE_FRAME_FILE}`) return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.setHeader('Content-Security-Policy', EXERCISE_FRAME_HEADER_POLICY);
        res.end(frameHtml());
      });
    },
  };
}

