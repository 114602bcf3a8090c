import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layers must import one way: no file may reach itself through its imports (type imports count too). */
const ROOTS = ['src-engine', 'src-main'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : /\.ts$/.test(p) && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The project files a file imports or re-exports from, by relative specifier. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.flatMap((s) => {
    const base = resolve(dirname(file), s);
    const hit = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
    return hit ? [relative(process.cwd(), hit)] : [];
  });
}

/** One import cycle (its files in order, the first repeated at the end), or null. */
function findCycle(files: string[], edges: (f: string) => string[]): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 'done') return null;
    if (state.get(f) === 'open') return [...path.slice(path.indexOf(f)), f];
    state.set(f, 'open');
    path.push(f);
    for (const g of edges(f)) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, 'done');
    return null;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

describe('import graph', () => {
  it('finds a cycle when there is one (the check is not vacuous)', () => {
    const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
    expect(findCycle(['d', 'a'], (f) => graph[f] ?? [])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(['a'], (f) => (f === 'a' ? ['b'] : []))).toBeNull();
  });

  it('reads relative imports, type imports and re-exports', () => {
    expect(importsOf('src-engine/protocol.ts')).toEqual(
      expect.arrayContaining(['src-engine/architecture.ts', 'src-engine/train/config.ts', 'src-engine/kernels/kernels-info.ts']),
    );
  });

  for (const root of ROOTS) {
    it(`${root} has no circular import`, () => {
      const files = sourceFiles(root);
      expect(files.length).toBeGreaterThan(10);
      expect(findCycle(files, importsOf)?.join(' -> ') ?? null).toBeNull();
    });
  }
});
