/// <reference types="vite/client" />
/**
 * The engine's source files the app shows, bundled into it at build time (Vite's ?raw): the ops
 * for the Step inside view, and with the optimizer and the plain kernels, the engine's version of
 * each Build it exercise. The app shows the very code the engine runs.
 */
const files = import.meta.glob<string>(['../../src-engine/ops/*.ts', '../../src-engine/optim/optimizer.ts', '../../src-engine/kernels/js-kernels.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Keyed by path under src-engine ("ops/matmul.ts"). */
export const ENGINE_SOURCES: Record<string, string> = Object.fromEntries(Object.entries(files).map(([path, text]) => [path.slice(path.indexOf('src-engine/') + 'src-engine/'.length), text]));

/** The op files, keyed by file name ("matmul.ts"). */
export const OP_SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(ENGINE_SOURCES)
    .filter(([path]) => path.startsWith('ops/'))
    .map(([path, text]) => [path.slice('ops/'.length), text]),
);
