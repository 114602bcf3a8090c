import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The engine core must run anywhere (utility process, browser, tests): no Node, Electron, DOM or hidden randomness. */
const NODE_ONLY = ['src-engine/node', 'src-engine/worker.ts', 'src-engine/kernels/threads'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (NODE_ONLY.includes(p)) return [];
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('engine core purity', () => {
  const core = files('src-engine');
  it('has files to check', () => expect(core.length).toBeGreaterThan(20));
  for (const f of core) {
    it(f, () => {
      const src = readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      expect(src).not.toMatch(/from ['"](node:|fs|path|os|child_process|worker_threads|electron)/);
      expect(src).not.toMatch(/\brequire\(/);
      expect(src).not.toMatch(/Math\.random|Date\.now|new Date\(|performance\.now|\bdocument\.|\bwindow\./);
    });
  }
});
