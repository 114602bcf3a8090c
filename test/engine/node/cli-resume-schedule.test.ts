/**
 * `train --resume FILE --epochs N` for fewer epochs than the run planned (issue 14 #11, the command
 * line): it says on stderr what the learning-rate schedule will do, keeps the planned schedule and
 * stops after the N epochs, so that a later --resume finishes the run bit for bit as an unbroken
 * one; --stretch-schedule lays the schedule over the shorter run instead. It used to squeeze the
 * schedule silently (a cosine rate fell to about 0 at once).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { loadDataset } from '../../../src-engine/node/dataset-files';
import type { TrainConfig } from '../../../src-engine/protocol';
import { DEFAULT_CONFIG } from '../../../src-engine/train/config';
import { prepareData, Trainer } from '../../../src-engine/train/trainer';
import { cli as runCli } from './run-cli';

const FIXTURE = 'idx:test/fixtures/mnist-500';
/** What `train --dataset FIXTURE --layers 784,16,10 --epochs 4 --batch 50` trains. */
const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: { kind: 'idx', dir: 'test/fixtures/mnist-500' }, hidden: [16], epochs: 4, batch: 50 };

/** The real CLI, on the TypeScript kernels (the in-process file below is made with them too). */
const cli = (...args: string[]) => runCli(...args, '--backend', 'typescript');

const read = (path: string) => decodeCheckpoint(new Uint8Array(readFileSync(path)), path);
const weights = (path: string) => [...read(path).params.values()].map((p) => [...p.data]);

describe('train --resume for fewer epochs than planned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-resume-schedule-'));
  const at = (name: string) => join(dir, name);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    // a run of 4 planned epochs stopped after its first (as the app's Stop leaves it)
    const { train, test } = loadDataset(config.dataset);
    const trainer = new Trainer(config, prepareData(config, train, test), () => 0);
    while (!trainer.trainBatch().epochEnded);
    trainer.finishEpoch();
    writeFileSync(at('one-of-four.safetensors'), encodeCheckpoint(trainer.checkpoint('2026-12-01T12:00:00.000Z', 'test')));
  });

  it('says what the schedule does, keeps its plan, stops after the asked epochs, and a later resume matches an unbroken run bit for bit', () => {
    const unbroken = cli('train', '--dataset', FIXTURE, '--layers', '784,16,10', '--epochs', '4', '--batch', '50', '--out', at('unbroken.safetensors'), '--json');
    expect(unbroken.code).toBe(0);

    const first = at('one-of-four.safetensors');
    const kept = cli('train', '--resume', first, '--epochs', '1', '--dataset', FIXTURE, '--out', at('two-of-four.safetensors'), '--json');
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain(
      `${first}: its cosine schedule keeps its plan of 4 epochs: the rate goes from 0.043 to 0.025 through epoch 2, where the run stops; ` +
        'continuing later for 2 more finishes it exactly as if it had never stopped. (--stretch-schedule lays it over 2 epochs instead.)\n',
    );
    expect(kept.stderr).toMatch(/epochs 2-2 of 4 planned/);
    const j = kept.json();
    expect(j.outcome).toBe('stopped');
    expect(j.outcome_message).toBe('stopped after 2 of 4 epochs');
    expect(j.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    const saved = read(at('two-of-four.safetensors'));
    expect([saved.training!.epoch, saved.training!.config.epochs]).toEqual([2, 4]);
    // the rate of epoch 2 is the unbroken run's, not a squeezed schedule's
    expect(saved.history.map((m) => m.lr)).toEqual(read(at('unbroken.safetensors')).history.slice(0, 2).map((m) => m.lr));

    const rest = cli('train', '--resume', at('two-of-four.safetensors'), '--epochs', '2', '--dataset', FIXTURE, '--out', at('finished.safetensors'), '--json');
    expect(rest.code).toBe(0);
    expect(rest.stderr).toContain('its cosine schedule carries on as planned: the rate goes from 0.025 down to 0 by epoch 4, exactly as if the run had never stopped.\n');
    expect(rest.json().outcome).toBe('done');
    expect(weights(at('finished.safetensors'))).toEqual(weights(at('unbroken.safetensors')));
  });

  it('--stretch-schedule lays the schedule over the shorter run, and says so', () => {
    const first = at('one-of-four.safetensors');
    const r = cli('train', '--resume', first, '--epochs', '1', '--stretch-schedule', '--dataset', FIXTURE, '--out', at('stretched.safetensors'), '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `${first}: its cosine schedule is laid over 2 epochs instead of 4: the rate changes at once from 0.043 to 0.025 and falls to 0 by epoch 2. (Without --stretch-schedule it keeps its plan of 4 epochs.)\n`,
    );
    expect(r.json().outcome).toBe('done');
    expect(read(at('stretched.safetensors')).training!.config.epochs).toBe(2);
  });

  it('--stretch-schedule without --resume is one clear line', () => {
    const r = cli('train', '--stretch-schedule', '--dataset', FIXTURE);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: --stretch-schedule applies only with --resume FILE (continuing a run for fewer epochs than it planned)');
  });
});
