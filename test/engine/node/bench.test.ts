import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { denseFlopsPerSample } from '../../../src-engine/node/bench';

describe('npm run bench', () => {
  it('counts the dense work of a training sample: forward and weight gradients, input gradients past layer 1', () => {
    expect(denseFlopsPerSample([784, 128, 10])).toBe(2 * 784 * 128 * 2 + 2 * 128 * 10 * 3);
    expect(denseFlopsPerSample([784, 256, 128, 10])).toBe(2 * 784 * 256 * 2 + 2 * 256 * 128 * 3 + 2 * 128 * 10 * 3);
  });

  it('prints seconds, samples/s and GFLOP/s of a workload next to numpy measured in the same run, with the ratio', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-engine/node/cli.ts', 'bench', '--workloads', 'W', '--backend', 'wasm-relaxed-simd', '--rows', 'engine,numpy', '--repeat', '1', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^workload\s+backend\s+s\/epoch\s+samples\/s\s+GFLOP\/s\s+test acc\s+vs numpy\s+vs torch$/);
    const { rows, paired } = JSON.parse(lines[lines.length - 1]!) as {
      rows: { backend: string; seconds: number; gflops: number; test_accuracy: number; samples_per_second: number; round_seconds: number[] }[];
      paired: { workload: string; of: string; over: string; median: number; rounds: number[] }[];
    };
    const ours = rows.find((x) => x.backend === 'wasm-relaxed-simd')!;
    expect(ours.test_accuracy).toBeGreaterThan(0.93); // the bar for W: accuracy unchanged
    expect(ours.round_seconds).toEqual([ours.seconds]);
    expect(r.stdout).toContain('best of 1 round: in each round every row is measured once');
    expect(ours.gflops).toBeCloseTo((denseFlopsPerSample([784, 128, 10]) * ours.samples_per_second) / 1e9, 6);
    const numpy = rows.find((x) => x.backend.startsWith('numpy'));
    if (numpy) {
      // python3 with numpy is here: its row and our ratio to it are printed
      expect(r.stdout).toMatch(new RegExp(`W\\s+wasm-relaxed-simd\\s+${ours.seconds.toFixed(2)}\\s+\\d+\\s+[\\d.]+\\s+9\\d\\.\\d\\d%\\s+${(ours.seconds / numpy.seconds).toFixed(2)}x`));
      // one round: the paired ratio is that round's, ours ÷ numpy as measured side by side
      const p = paired.find((x) => x.of === 'wasm-relaxed-simd' && x.over === 'numpy')!;
      expect(p.rounds).toEqual([ours.round_seconds[0]! / numpy.round_seconds[0]!]);
      expect(r.stdout).toContain(`wasm-relaxed-simd ÷ numpy, paired by round: ${p.median.toFixed(2)} (rounds: ${p.rounds[0]!.toFixed(2)})`);
    } else {
      expect(r.stdout).toMatch(/numpy reference skipped: /);
      expect(paired).toEqual([]);
    }
  }, 120_000);
});
