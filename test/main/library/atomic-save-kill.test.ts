import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlpArchitecture } from '../../../src-engine/architecture';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src-engine/checkpoint/codec';
import { Model } from '../../../src-engine/nn/model';
import { Random } from '../../../src-engine/random';
import { modelCheckpoint } from '../../../src-engine/checkpoint/layout';
import { CheckpointStore } from '../../../src-main/library/checkpoint-store';
import { tempDir } from './model-fixtures';

const ROUNDS = 30;
const tmp = tempDir('scratchnet-kill-');
afterAll(() => tmp.cleanup());

/** A large checkpoint (784-1024-10: about 6.5 MB of weights) whose weights depend on the seed. */
function bigModel(seed: number): Uint8Array {
  const arch = mlpArchitecture([784, 1024, 10], 'relu', 'cross_entropy', [...'0123456789']);
  return encodeCheckpoint(modelCheckpoint(new Model(arch, new Random(seed)), null, null, [], null, `2026-11-22T00:00:0${seed}.000Z`, 'test'));
}

/** Start the writer, wait until it is saving, let it run `ms`, then SIGKILL it. */
function killMidSave(args: string[], ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'save-loop.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited on its own (code ${code})`))));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), ms));
  });
}

describe('atomic save', () => {
  it(`survives the writer being killed with SIGKILL mid-save (${ROUNDS} rounds): the file always decodes, old or new`, async () => {
    const a = bigModel(1);
    const b = bigModel(2);
    const dir = path.join(tmp.dir, 'models');
    writeFileSync(path.join(tmp.dir, 'a.bin'), a);
    writeFileSync(path.join(tmp.dir, 'b.bin'), b);
    const store = new CheckpointStore(dir);
    await store.init();
    store.save('big', a);
    const seen = { a: 0, b: 0 };
    let leftovers = 0;
    const random = new Random(7);
    for (let round = 0; round < ROUNDS; round++) {
      await killMidSave([dir, 'big', path.join(tmp.dir, 'a.bin'), path.join(tmp.dir, 'b.bin')], Math.floor(random.next() * 250));
      const bytes = new Uint8Array(readFileSync(path.join(dir, 'big.safetensors')));
      expect(() => decodeCheckpoint(bytes, 'big.safetensors')).not.toThrow();
      const isA = Buffer.from(bytes).equals(Buffer.from(a));
      const isB = Buffer.from(bytes).equals(Buffer.from(b));
      expect(isA || isB).toBe(true);
      seen[isA ? 'a' : 'b']++;
      const temps = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
      leftovers += temps.length;
      // the next start cleans what the killed writer left
      expect((await new CheckpointStore(dir).init()).sort()).toEqual(temps.sort());
      expect(readdirSync(dir)).toEqual(['big.safetensors']);
    }
    // the kills did land mid-save, and both versions were on disk at some point
    expect(leftovers).toBeGreaterThan(0);
    expect(seen.a + seen.b).toBe(ROUNDS);
    console.log(`atomic save: ${ROUNDS} kills, ${leftovers} interrupted saves cleaned, file was the old version ${seen.a} times and the new one ${seen.b} times`);
  }, 180_000);
});
