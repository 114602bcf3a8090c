/**
 * End to end (issue 15, items 1 to 4): the real browser-mode host (`node out/main/web.js`) with
 * its real engine, attacked over real sockets on 127.0.0.1, must answer or refuse and serve on;
 * the largest network the form allows is refused with the memory estimate instead of hanging the
 * engine; and the page in Chromium refuses a file too large to upload before sending a byte,
 * while a CSV it can upload streams to the host and opens.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SocketMessage } from '../../src-main/host/api-contract';
import { DEFAULT_CONFIG, MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS } from '../../src-engine/train/config';
import { MAX_UPLOAD_BYTES } from '../../src-main/host/upload-limits';
import { decodeFrame, encodeFrame } from '../../src-main/host/wire-codec';
import { openApiSocket, rawExchange } from '../main/web/host-sockets';
import { launchChromium, openApp, useBrowserMode } from './browser-mode';

const pageProblems: string[] = [];

// NOTE: a 2 GiB cap makes the memory check's answer the same on any machine with that much free.
const app = useBrowserMode('hardening', { env: { SCRATCHNET_ENGINE_MEMORY_MB: '2048' }, browser: false });
let port: number;
let token: string;

beforeAll(() => {
  const url = new URL(app.host.url);
  port = Number(url.port);
  token = url.searchParams.get('token')!;
});

const raw = (request: string | Buffer) => rawExchange(port, request);
const connect = () => openApiSocket(port, token);

/** Send one frame on a fresh socket and wait for the answer (any reply or refusal). */
async function exchange(frame: Uint8Array, ms = 60_000): Promise<SocketMessage> {
  const ws = await connect();
  try {
    return await new Promise<SocketMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      ws.on('message', (d) => {
        const m = decodeFrame(d as Buffer) as SocketMessage;
        if (m.kind === 'event') return;
        clearTimeout(timer);
        resolve(m);
      });
      ws.send(frame);
    });
  } finally {
    ws.close();
  }
}

const call = (id: number, name: string, args: unknown) => encodeFrame({ kind: 'call', id, name, args });

/** The host still answers a call. */
async function alive(): Promise<void> {
  const reply = await exchange(call(1, 'app:info', {}));
  expect(reply).toMatchObject({ kind: 'reply', id: 1, ok: true, result: { mode: 'browser' } });
}

describe('the real host survives what used to end it', () => {
  it('a request or upgrade whose target is not a valid URL gets 400', async () => {
    expect(await raw(`GET http://a:99999/ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 400 /);
    expect(
      await raw(
        `GET http://a:99999/api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    ).toMatch(/^HTTP\/1\.1 400 /);
    await alive();
  });

  it('a malformed 7-byte WebSocket frame closes that socket (1002) only', async () => {
    const ws = await connect();
    const code = new Promise<number>((resolve) => ws.once('close', resolve));
    (ws as unknown as { _socket: net.Socket })._socket.write(Buffer.from([0xb2, 0x81, 1, 2, 3, 4, 5]));
    expect(await code).toBe(1002);
    await alive();
  });

  it('a message that references one blob 200 times, or nests 5 million levels deep, is refused', async () => {
    const header = new TextEncoder().encode(
      JSON.stringify({ v: { kind: 'call', id: 2, name: 'model:predict', args: Array.from({ length: 200 }, () => ({ '\u0000blob': 0 })) }, b: [['Uint8Array', 0, 1 << 20]] }),
    );
    const start = (4 + header.length + 7) & ~7;
    const repeated = new Uint8Array(start + (1 << 20));
    new DataView(repeated.buffer).setUint32(0, header.length, true);
    repeated.set(header, 4);
    expect(await exchange(repeated)).toEqual({ kind: 'refused', error: 'malformed message: malformed frame: blob 0 is used more than once' });

    const deep = new TextEncoder().encode(`{"v":${'['.repeat(5_000_000)}${']'.repeat(5_000_000)},"b":[]}`);
    const nested = new Uint8Array(4 + deep.length);
    new DataView(nested.buffer).setUint32(0, deep.length, true);
    nested.set(deep, 4);
    expect(await exchange(nested)).toEqual({ kind: 'refused', error: 'malformed message: malformed frame: nested deeper than 32 levels' });
    await alive();
  });

  it('the largest network the form allows is refused with its memory estimate, and the engine serves on', async () => {
    const largest = { ...DEFAULT_CONFIG, hidden: Array(MAX_HIDDEN_LAYERS).fill(MAX_HIDDEN_UNITS), batch: 64 };
    const reply = await exchange(call(3, 'training:start', { config: largest }));
    expect(reply).toMatchObject({ kind: 'reply', id: 3, ok: false });
    expect((reply as { error: string }).error).toMatch(
      /^This network \(784-4096-4096-4096-4096-4096-4096-4096-4096-10 relu, 120\.7 million parameters\) needs about 13\.3 GB of memory to train with SGD and batch size 64 \(.*\), but only \d+(\.\d)? [GM]B is free on this machine\. Use fewer or smaller hidden layers\.$/,
    );
    const kernels = await exchange(call(4, 'engine:kernels', {}));
    expect(kernels).toMatchObject({ kind: 'reply', id: 4, ok: true });
  });
});

describe('uploads from the page (Chromium)', () => {
  let uploads: string;

  beforeAll(async () => {
    app.browser = await launchChromium();
    const parent = path.join(app.dataDir, 'uploads');
    uploads = path.join(parent, readdirSync(parent).find((n) => n.startsWith(`host-`))!);
  }, 120_000);

  it('refuses a file over the cap before sending a byte, and says what to do instead', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-e2e-big-'));
    try {
      // NOTE: a sparse file: 1.1 GiB long, no disk space used, deleted after the test.
      const big = path.join(dir, 'huge.csv');
      const fd = openSync(big, 'w');
      ftruncateSync(fd, MAX_UPLOAD_BYTES + 100 * 2 ** 20);
      closeSync(fd);
      const page = await openApp(app.browser, app.host.url, pageProblems);
      await page.getByRole('radio', { name: 'CSV file' }).click();
      await page.getByLabel('Upload dataset files').setInputFiles(big);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      await expect.poll(() => page.getByRole('alert').innerText().catch(() => '')).toBe(
        'huge.csv is 1.1 GiB; an upload can be at most 1 GiB. Type its path on this machine instead.',
      );
      expect(readdirSync(uploads)).toEqual([]);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a CSV it can take to the host, which opens it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-e2e-csv-'));
    try {
      const rows = Array.from({ length: 40 }, (_, i) => [i % 2, ...Array.from({ length: 784 }, (_, p) => (p * (i + 1)) % 256)].join(','));
      const file = path.join(dir, 'digits.csv');
      writeFileSync(file, rows.join('\n') + '\n');
      const page = await openApp(app.browser, app.host.url, pageProblems);
      await page.getByRole('radio', { name: 'CSV file' }).click();
      await page.getByLabel('Upload dataset files').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload', exact: true }).click();
      // The status names the file, then where the host keeps it (the picker shows every open dataset's path), then what is in it.
      await expect
        .poll(() => page.locator('.status').innerText(), { timeout: 60_000 })
        .toMatch(/^digits\.csv\n(.+)\n40 train · 0 test · 28×28 · 2 classes\n/);
      const shownPath = (await page.getByTestId('dataset-path').innerText()).trim();
      expect(path.dirname(path.dirname(shownPath))).toBe(uploads);
      expect(readdirSync(uploads).filter((n) => n.startsWith('incoming-'))).toEqual([]);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(pageProblems).toEqual([]);
    // NOTE: longer than the poll above, so that a status that never comes is reported with what it showed.
  }, 90_000);
});
