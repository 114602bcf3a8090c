/**
 * The exported notebook, written by the real command line and executed for real: headless by
 * Jupyter's nbconvert, or its code cells by python3 where Jupyter is absent. Its own assertions
 * (numpy's forward, backward and SGD step equal Scratchnet's; the same test accuracy; PyTorch's
 * outputs equal) must pass, and it must refuse a model file that changed since the export.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../src-engine/checkpoint/codec';
import { notebookProblem } from '../../src-engine/export/notebook';
import { tempDir } from '../main/library/model-fixtures';
import { NBCONVERT, PY, warnMissing } from './python-tools';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'mnist-500');
const tmp = tempDir('scratchnet-notebook-');
afterAll(() => tmp.cleanup());

warnMissing('running the exported notebook (python3 with numpy)', !PY.numpy);
warnMissing('the notebook under Jupyter (jupyter-nbconvert), so its code cells run with python3 instead', !NBCONVERT);
warnMissing("the notebook's PyTorch section (python3-torch)", !PY.torch);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string; json: Record<string, unknown> | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src-engine/node/cli.ts'), ...args, '--json'], { cwd: ROOT, encoding: 'utf8' });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json: r.status === 0 ? (JSON.parse(last) as Record<string, unknown>) : null };
}

/** The notebook's code cells run as one script with python3 (they use no IPython magics). */
function runCells(notebook: string): { status: number | null; output: string } {
  const nb = JSON.parse(readFileSync(notebook, 'utf8')) as { cells: { cell_type: string; source: string[] }[] };
  const script = notebook.replace(/\.ipynb$/, '.py');
  writeFileSync(script, nb.cells.filter((c) => c.cell_type === 'code').map((c) => c.source.join('')).join('\n\n\n'));
  const r = spawnSync(PY.python!, [script], { cwd: path.dirname(notebook), encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** Execute with nbconvert (the kernel is Jupyter's python3); the text of every cell's outputs. */
function runNotebook(notebook: string): { status: number | null; output: string } {
  const executed = notebook.replace(/\.ipynb$/, '.run.ipynb');
  const r = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', '--output', path.basename(executed), notebook], { cwd: path.dirname(notebook), encoding: 'utf8' });
  if (r.status !== 0) return { status: r.status, output: r.stderr };
  const nb = JSON.parse(readFileSync(executed, 'utf8')) as { cells: { outputs?: { text?: string[] }[] }[] };
  return { status: 0, output: nb.cells.flatMap((c) => c.outputs ?? []).map((o) => (o.text ?? []).join('')).join('') };
}

function expectAllChecksPassed(output: string, lossName: string): void {
  expect(output).toMatch(/layer 0 \(linear\) output +\= Scratchnet's/);
  expect(output).toMatch(new RegExp(`${lossName} loss +\\= Scratchnet's`));
  expect(output).toMatch(/gradient of 0\.weight +\= Scratchnet's/);
  expect(output).toMatch(/0\.weight after the step +\= Scratchnet's/);
  expect(output).toMatch(/loss after the step +\= Scratchnet's/);
  if (PY.torch) {
    expect(output).toMatch(/PyTorch's output for the example += Scratchnet's/);
    expect(output).toMatch(/test accuracy after 300 more steps in PyTorch: \d+\.\d\d%/);
  } else expect(output).toContain('PyTorch is not installed here: skipping this section');
}

describe.skipIf(!PY.numpy)(`exported notebook (numpy ${PY.numpy}, torch ${PY.torch ?? 'absent'}, nbconvert ${NBCONVERT ?? 'absent'})`, () => {
  it(`784-32-10 relu on MNIST: every check passes ${NBCONVERT ? 'under Jupyter' : 'in python3'}, with the CLI's exact accuracy`, () => {
    const model = path.join(tmp.dir, 'mnist.safetensors');
    const notebook = path.join(tmp.dir, 'mnist.ipynb');
    expect(cli('train', '--layers', '784,32,10', '--limit', '3000', '--epochs', '1', '--seed', '4', '--out', model).status).toBe(0);
    const accuracy = cli('eval', model).json!.test_accuracy as number;
    const exported = cli('export', model, '--notebook', notebook);
    expect(exported.json).toEqual({ notebook });
    const nb = JSON.parse(readFileSync(notebook, 'utf8')) as { nbformat: number; cells: { source: string[] }[] };
    expect(nb.nbformat).toBe(4);
    expect(nb.cells[1].source.join('')).toContain(`MODEL_PATH = ${JSON.stringify(path.resolve(model))}`);
    const { status, output } = NBCONVERT ? runNotebook(notebook) : runCells(notebook);
    expect(output).not.toContain('Error');
    expect(status).toBe(0);
    expect(output).toContain(`accuracy: ${(accuracy * 100).toFixed(2)}% (${Math.round(accuracy * 10000)} of 10000 test images)`);
    expect(output).toContain("the same as Scratchnet's evaluation of these images");
    expectAllChecksPassed(output, 'cross_entropy');
  }, 180_000);

  it('a 3-vs-7 tanh bce model trained with Adam on a folder of .gz files, and a leaky_relu mse model with dropout', () => {
    const bce = path.join(tmp.dir, 'three-seven.safetensors');
    expect(cli('train', '--dataset', `idx:${FIXTURE}`, '--layers', '784,12,6,1', '--activation', 'tanh', '--loss', 'bce', '--classes', '3,7', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '2', '--out', bce).status).toBe(0);
    const refused = cli('export', bce, '--notebook', path.join(tmp.dir, 'refused.ipynb'));
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^error: .*was not trained on the bundled MNIST; give the notebook an MNIST-layout folder of its images with --dataset idx:DIR/);
    expect(cli('export', bce, '--notebook', path.join(tmp.dir, 'three-seven.ipynb'), '--dataset', `idx:${FIXTURE}`).status).toBe(0);
    const r1 = runCells(path.join(tmp.dir, 'three-seven.ipynb'));
    expect(r1.output).not.toContain('Error');
    expect(r1.status).toBe(0);
    expectAllChecksPassed(r1.output, 'bce');

    const mse = path.join(tmp.dir, 'leaky.safetensors');
    // with dropout: the identity in numpy's forward and backward, nn.Dropout in PyTorch's Sequential
    expect(cli('train', '--layers', '784,16,8,10', '--activation', 'leaky_relu', '--loss', 'mse', '--dropout', '0.3,0', '--limit', '1000', '--epochs', '1', '--out', mse).status).toBe(0);
    expect(cli('export', mse, '--notebook', path.join(tmp.dir, 'leaky.ipynb')).status).toBe(0);
    const r2 = runCells(path.join(tmp.dir, 'leaky.ipynb'));
    expect(r2.output).not.toContain('Error');
    expect(r2.status).toBe(0);
    expectAllChecksPassed(r2.output, 'mse');
  }, 180_000);

  it('refuses, in one sentence, a model file that changed after the export', () => {
    const model = path.join(tmp.dir, 'changed.safetensors');
    const notebook = path.join(tmp.dir, 'changed.ipynb');
    expect(cli('train', '--layers', '784,8,10', '--limit', '500', '--epochs', '1', '--out', model).status).toBe(0);
    expect(cli('export', model, '--notebook', notebook).status).toBe(0);
    appendFileSync(model, ' ');
    const { status, output } = runCells(notebook);
    expect(status).not.toBe(0);
    expect(output).toContain(`RuntimeError: ${path.resolve(model)} is not the file this notebook was exported from (its SHA-256 differs): was it trained further? Export the notebook again from Scratchnet.`);
  }, 60_000);
});

describe('notebook export: what it cannot do, and bad calls', () => {
  it('names a layer it cannot express in one sentence', () => {
    const c = decodeCheckpoint(new Uint8Array(readFileSync(path.join(ROOT, 'test/fixtures/golden-784-4-10.safetensors'))), 'golden');
    expect(notebookProblem(c)).toBeNull();
    const odd = { ...c, architecture: { ...c.architecture, layers: [{ type: 'conv2d' }, ...c.architecture.layers] } } as unknown as typeof c;
    expect(notebookProblem(odd)).toBe('The notebook export cannot express layer 0 (conv2d): its numpy code knows linear, relu, leaky_relu, sigmoid, tanh and dropout layers.');
  });

  it('says what is missing, in one line, and writes nothing (never over the model file)', () => {
    const noTarget = cli('export', 'whatever.safetensors');
    expect(noTarget.status).toBe(2);
    expect(noTarget.stderr.trim()).toBe('error: export needs --notebook FILE.ipynb or --onnx FILE.onnx (or both)');
    const float32 = cli('export', 'x.safetensors', '--notebook', path.join(tmp.dir, 'n.ipynb'), '--float32');
    expect(float32.stderr.trim()).toBe('error: --float32 applies to --onnx only');
    const missing = cli('export', path.join(tmp.dir, 'nope.safetensors'), '--onnx', path.join(tmp.dir, 'nope.onnx'));
    expect(missing.stderr.trim()).toBe(`error: ${path.join(tmp.dir, 'nope.safetensors')}: no such file`);
    const model = path.join(tmp.dir, 'keep.safetensors');
    writeFileSync(model, readFileSync(path.join(ROOT, 'test/fixtures/golden-784-4-10.safetensors')));
    const itself = cli('export', model, '--onnx', model);
    expect(itself.stderr.trim()).toBe(`error: ${model} is the model file itself; choose another name for the export`);
    expect(readFileSync(model).equals(readFileSync(path.join(ROOT, 'test/fixtures/golden-784-4-10.safetensors')))).toBe(true);
  });
});
