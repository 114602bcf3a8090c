/**
 * examples/load_pytorch.py run for real with PyTorch, both ways: models the engine wrote load
 * with load_state_dict and get exactly the CLI's test accuracy; a model trained in PyTorch and
 * saved with save_for_scratchnet (with the safetensors package made unimportable) is evaluated
 * by the CLI with the same prediction for every test digit. Skipped, saying so, without torch.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistDataDir } from '../../src-engine/node/dataset-files';
import { PY, warnMissing } from '../export/python-tools';
import { tempDir } from '../main/library/model-fixtures';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCRIPT = path.join(ROOT, 'examples', 'load_pytorch.py');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'mnist-500');
const T10K = path.join(mnistDataDir(), 't10k-images-idx3-ubyte');

warnMissing('examples/load_pytorch.py tests (python3 with torch)', !PY.torch);
const tmp = tempDir('scratchnet-pytorch-');
afterAll(() => tmp.cleanup());

function cli(...args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-engine/node/cli.ts'), ...args, '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

function python(args: string[], input?: string): Record<string, unknown> {
  const r = spawnSync(PY.python!, args, { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

type Prediction = { class: string; logits: number[] };

describe.skipIf(!PY.torch)(`examples/load_pytorch.py (torch ${PY.torch ?? 'not installed'})`, () => {
  it('loads engine-written models with load_state_dict: the CLI eval accuracy exactly, outputs to 1e-9', () => {
    const model = path.join(tmp.dir, 'mnist.safetensors');
    cli('train', '--layers', '784,32,10', '--limit', '3000', '--epochs', '1', '--seed', '4', '--out', model);
    const engine = cli('eval', model);
    const torch = python([SCRIPT, model, '--json']);
    expect(torch.count).toBe(10000);
    expect(torch.accuracy).toBe(engine.test_accuracy);
    const predicted = cli('predict', model, '--images', T10K, '--limit', '10').predictions as Prediction[];
    (torch.outputs as number[][]).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - predicted[i].logits[j])).toBeLessThan(1e-9)));

    const bce = path.join(tmp.dir, 'three-seven.safetensors');
    cli('train', '--dataset', `idx:${FIXTURE}`, '--layers', '784,12,6,1', '--activation', 'tanh', '--loss', 'bce', '--classes', '3,7', '--epochs', '3', '--out', bce);
    const engineBce = cli('eval', bce, '--dataset', `idx:${FIXTURE}`);
    const torchBce = python([SCRIPT, bce, '--data', FIXTURE, '--json']);
    expect(torchBce.count).toBe(engineBce.count);
    expect(torchBce.accuracy).toBe(engineBce.test_accuracy);
  }, 120_000);

  it('save_for_scratchnet, without the safetensors package: the CLI predicts the same class for all 10,000 test digits', () => {
    const saved = path.join(tmp.dir, 'from-pytorch.safetensors');
    const program = `
import json, sys
sys.modules["safetensors"] = None  # as on Debian: no safetensors package
sys.path.insert(0, "examples")
import numpy as np, torch
from torch import nn
from load_pytorch import read_idx, find, save_for_scratchnet

torch.manual_seed(0)
data = ${JSON.stringify(mnistDataDir())}
x = read_idx(find(data, "train-images-idx3-ubyte"))[:6400].reshape(-1, 784).astype(np.float64) / 255
y = read_idx(find(data, "train-labels-idx1-ubyte"))[:6400].astype(np.int64)
model = nn.Sequential(nn.Linear(784, 24), nn.Tanh(), nn.Linear(24, 16), nn.LeakyReLU(0.05), nn.Linear(16, 10)).double()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(200):
    idx = slice((step * 32) % 6400, (step * 32) % 6400 + 32)
    opt.zero_grad()
    nn.functional.cross_entropy(model(torch.from_numpy(x[idx])), torch.from_numpy(y[idx])).backward()
    opt.step()
save_for_scratchnet(model, sys.argv[1], classes=range(10))
test = read_idx(find(data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float64) * (1 / 255)
labels = read_idx(find(data, "t10k-labels-idx1-ubyte")).astype(np.int64)
with torch.no_grad():
    out = model(torch.from_numpy(test)).numpy()
print(json.dumps({"predicted": out.argmax(axis=1).tolist(), "accuracy": float((out.argmax(axis=1) == labels).mean()), "outputs": out[:10].tolist()}))
`;
    const torch = python(['-', saved], program) as { predicted: number[]; accuracy: number; outputs: number[][] };
    expect(torch.accuracy).toBeGreaterThan(0.7);
    const engine = cli('eval', saved);
    expect(engine.test_accuracy).toBe(torch.accuracy);
    const predictions = cli('predict', saved, '--images', T10K).predictions as Prediction[];
    expect(predictions.map((p) => Number(p.class))).toEqual(torch.predicted);
    torch.outputs.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - predictions[i].logits[j])).toBeLessThan(1e-9)));

    // and on through a notebook: a model with no training state trains on with the default recipe
    const notebook = path.join(tmp.dir, 'from-pytorch.ipynb');
    cli('export', saved, '--notebook', notebook);
    const nb = JSON.parse(readFileSync(notebook, 'utf8')) as { cells: { cell_type: string; source: string[] }[] };
    const script = path.join(tmp.dir, 'from-pytorch.py');
    writeFileSync(script, nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join('')).join('\n\n'));
    const run = spawnSync(PY.python!, [script], { cwd: tmp.dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`accuracy: ${(torch.accuracy * 100).toFixed(2)}%`);
    expect(run.stdout).toMatch(/gradient of 4\.weight +\= Scratchnet's/);
    expect(run.stdout).toMatch(/test accuracy after 300 more steps in PyTorch/);
  }, 180_000);
});
