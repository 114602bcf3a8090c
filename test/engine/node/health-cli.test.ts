/** The command line's health and outcome in `train --json`, and `lr-find`. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { cli } from './run-cli';

const FIXTURE = 'idx:test/fixtures/mnist-500';

describe('command line: health and outcomes', () => {
  it('train --json says how the run ended and gives each layer\'s health at the end', () => {
    const r = cli('train', '--dataset', FIXTURE, '--layers', '784,16,10', '--epochs', '2', '--json');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.outcome).toBe('done');
    expect(j.health).toHaveLength(2);
    expect(j.health[0]).toEqual(expect.objectContaining({ layer: '0', activation: 'relu', dead_fraction: expect.any(Number), saturated_fraction: null, grad_norm: expect.any(Number), update_ratio: expect.any(Number) }));
    expect(j.health[1]).toEqual(expect.objectContaining({ layer: '2', activation: 'none', dead_fraction: null, saturated_fraction: null }));
  });

  it('a run at learning rate 10 is "not_learning", in the JSON, on stderr and in the saved file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'scratchnet-health-cli-')), 'bad.safetensors');
    const r = cli('train', '--dataset', FIXTURE, '--epochs', '3', '--lr', '10', '--out', out, '--json');
    expect(r.code).toBe(0);
    expect(r.json().outcome).toBe('not_learning');
    expect(r.json().health[0].dead_fraction).toBeGreaterThan(0.5);
    expect(r.stderr).toMatch(/outcome: not learning — test accuracy \d+\.\d+% is at chance level/);
    expect(decodeCheckpoint(new Uint8Array(readFileSync(out)), out).outcome?.kind).toBe('not_learning');
  });

  it('a diverged run is "diverged" with a non-zero exit, and its file keeps the last good weights', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'scratchnet-health-cli-')), 'diverged.safetensors');
    const r = cli('train', '--dataset', FIXTURE, '--epochs', '3', '--lr', '10', '--activation', 'leaky_relu', '--loss', 'mse', '--out', out, '--json');
    expect(r.code).toBe(1);
    const j = r.json();
    expect(j.outcome).toBe('diverged');
    expect(j.outcome_message).toMatch(/^loss became (NaN|infinite) at epoch 1, step \d+/);
    const saved = decodeCheckpoint(new Uint8Array(readFileSync(out)), out); // the decoder refuses non-finite weights
    expect(saved.outcome).toMatchObject({ kind: 'diverged', epoch: 1 });
  });

  it('lr-find prints the curve and, with --json, suggested_lr on the last line', () => {
    const r = cli('lr-find', '--dataset', FIXTURE, '--layers', '784,32,10', '--momentum', '0', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ +lr +loss +smoothed$/m);
    expect(r.stdout).toMatch(/suggested learning rate: \d/);
    const j = r.json();
    expect(j.suggested_lr).toBeGreaterThan(0);
    expect(j.points.length).toBeGreaterThan(50);
    expect(j.points[0].lr).toBe(1e-6);
  });

  it('lr-find refuses bad flags like train does', () => {
    const r = cli('lr-find', '--lr', '-1');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe('error: learning rate must be a positive number (got -1)');
  });
});
