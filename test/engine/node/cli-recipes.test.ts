/**
 * The CLI's recipe flags: --preset (the app's presets), --augment and its strengths, --dropout and
 * --time-limit: a good value reaches the saved file, a bad one is one clear sentence.
 */
import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { DEFAULT_AUGMENT } from '../../../src-engine/data/augment';
import { PRESETS } from '../../../src-engine/train/presets';
import { cli, expectOneLineError } from './run-cli';

const expectUsageError = (r: ReturnType<typeof cli>, message: string) => expectOneLineError(r, message, 2);

const FIXTURE = 'idx:test/fixtures/mnist-500';

describe('command line recipes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-recipes-'));

  it('--help names every preset', () => {
    const r = cli('--help');
    for (const p of PRESETS) expect(r.stdout).toContain(p.id);
  });

  it('--preset trains the preset, other flags change it, and the file records augmentation, dropout and time limit', () => {
    const out = join(dir, 'fast.safetensors');
    const r = cli('train', '--preset', 'fast', '--dataset', FIXTURE, '--layers', '784,24,10', '--epochs', '1', '--dropout', '0.2', '--out', out, '--json');
    expect(r.stderr).toContain('training 784-24-10 relu dropout 0.2');
    expect(r.code).toBe(0);
    const c = decodeCheckpoint(new Uint8Array(readFileSync(out)), out);
    const fast = PRESETS.find((p) => p.id === 'fast')!.recipe;
    expect(c.training!.config).toEqual(expect.objectContaining({ preset: 'fast', augment: fast.augment, timeLimit: fast.timeLimit, validation: fast.validation, dropout: [0.2], epochs: 1 }));
    expect(c.architecture.layers).toContainEqual({ type: 'dropout', p: 0.2 });
  });

  it('--augment with strengths reaches the config', () => {
    const out = join(dir, 'aug.safetensors');
    const r = cli('train', '--dataset', FIXTURE, '--layers', '784,8,10', '--epochs', '1', '--augment', 'affine', '--rotation', '5', '--shift', '1', '--out', out);
    expect(r.code).toBe(0);
    const c = decodeCheckpoint(new Uint8Array(readFileSync(out)), out);
    expect(c.training!.config.augment).toEqual({ ...DEFAULT_AUGMENT, kind: 'affine', rotation: 5, shift: 1 });
  });

  it('bad values are one clear sentence', () => {
    expectUsageError(cli('train', '--preset', 'turbo'), `--preset must be one of ${PRESETS.map((p) => p.id).join(', ')} (got "turbo")`);
    expectUsageError(cli('train', '--augment', 'blur'), '--augment must be none, affine or elastic (got "blur")');
    expectUsageError(cli('train', '--rotation', '10'), '--rotation is a distortion strength: it needs --augment affine or elastic');
    expectUsageError(cli('train', '--augment', 'affine', '--sigma', '4'), '--sigma is a strength of the elastic distortion: it needs --augment elastic');
    expectUsageError(cli('train', '--augment', 'affine', '--shift', 'far'), '--shift must be a number (got "far")');
    expectUsageError(cli('train', '--dropout', '1.5'), '--dropout must be probabilities from 0 up to 1, one for all hidden layers or one per hidden layer, e.g. 0.2 or 0.2,0.5 (got "1.5")');
    expectUsageError(cli('train', '--layers', '784,10', '--dropout', '0.5'), '--dropout needs a hidden layer to drop units of (give --layers with one, e.g. 784,800,10)');
    const bad = cli('train', '--augment', 'affine', '--rotation', '90', '--dataset', FIXTURE);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim()).toBe('error: augmentation rotation must be a number from 0 to 45 (got 90)');
    const limit = cli('train', '--time-limit', '0', '--dataset', FIXTURE);
    expect(limit.stderr.trim()).toBe('error: time limit must be a number of minutes above 0 and at most 10080 (got 0)');
  });

  it('--time-limit stops training and keeps the best validated epoch, and says so', () => {
    const out = join(dir, 'limited.safetensors');
    const r = cli('train', '--dataset', FIXTURE, '--layers', '784,16,10', '--epochs', '1000', '--validation', '0.2', '--time-limit', '0.02', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/outcome: stopped — time limit of 0.02 min reached after \d+ of 1000 epochs .*; kept the weights of epoch \d+, the best validation accuracy so far/);
    const j = r.json();
    const c = decodeCheckpoint(new Uint8Array(readFileSync(out)), out);
    expect(c.outcome?.kind).toBe('stopped');
    expect(j.kept_epoch).toBe(c.training!.epoch);
    expect(j.test_accuracy).toBe(c.history.at(-1)!.test_accuracy);
  });
});
