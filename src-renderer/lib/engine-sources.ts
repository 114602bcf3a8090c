/// <reference types="vite/client" />
/**
 * The engine's op sources, bundled into the app at build time (Vite's ?raw), so the Step inside
 * view shows the very code the engine runs. Keyed by file name ("matmul.ts").
 */
const files = import.meta.glob<string>('../../src-engine/ops/*.ts', { query: '?raw', import: 'default', eager: true });

export const OP_SOURCES: Record<string, string> = Object.fromEntries(Object.entries(files).map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text]));
