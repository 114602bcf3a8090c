import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { EXERCISE_FRAME_HEADER_POLICY } from '../../../src-main/host/exercise-frame';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEvent, ApiReply, SocketMessage } from '../../../src-main/host/api-contract';
import { startWebHost, type WebHost } from '../../../src-main/web/web-host';
import { decodeFrame, encodeFrame } from '../../../src-main/host/wire-codec';

let root: string;
let web: WebHost;
const received: { name: unknown; args: unknown }[] = [];
const logged: string[] = [];
let emit: (event: ApiEvent) => void = () => {};

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-web-test-'));
  mkdirSync(path.join(root, 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'renderer', 'index.html'), '<!doctype html><title>Scratchnet</title>');
  writeFileSync(path.join(root, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'renderer', 'exercise-frame.html'), '<!doctype html><title>sandbox</title>');
  writeFileSync(path.join(root, 'secret.txt'), 'not for the page');
  web = await startWebHost({
    log: (line) => logged.push(line),
    rendererDir: path.join(root, 'renderer'),
    api: {
      async handle(name, args): Promise<ApiReply> {
        received.push({ name, args });
        if (name === 'model:predict') {
          const pixels = (args as { pixels: Uint8Array }).pixels;
          return { ok: true, result: { logits: new Float64Array([pixels.length, NaN]) } };
        }
        return { ok: false, error: `unknown call "${String(name)}"` };
      },
      onEvent(listener) {
        emit = listener;
        return () => {};
      },
    },
  });
});

afterAll(async () => {
  await web.close();
  rmSync(root, { recursive: true, force: true });
});

function get(pathAndQuery: string, headers: http.OutgoingHttpHeaders = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: web.port, path: pathAndQuery, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.port}/api${query}`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<SocketMessage> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(decodeFrame(data as Buffer) as SocketMessage)));
}

describe('web host (browser mode)', () => {
  it('listens on 127.0.0.1 only, on a random port, with a long random token in its address', async () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(web.port).toBeGreaterThan(0);
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
        http.get({ host: external.address, port: web.port, path: '/' }).on('error', resolve);
      });
      expect(error.code).toBe('ECONNREFUSED');
    }
  });

  it('refuses a request without the token, or with a wrong one', async () => {
    const none = await get('/');
    expect(none.status).toBe(403);
    expect(none.body).toContain('Open the address Scratchnet printed');
    expect((await get('/?token=guess')).status).toBe(403);
    expect((await get('/assets/app.js')).status).toBe(403);
  });

  it('serves the page with the token, under a strict CSP, and lets its assets through by cookie', async () => {
    const page = await get(`/?token=${web.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Scratchnet</title>');
    expect(page.headers['content-security-policy']).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; frame-src 'self'; ` +
        `connect-src 'self' ws://127.0.0.1:${web.port}; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'`,
    );
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    expect(page.headers['set-cookie']?.[0]).toContain('HttpOnly; SameSite=Strict');
    const asset = await get('/assets/app.js', { cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it("serves the exercise sandbox frame under its own policy: no connections, embedded only by the app", async () => {
    const frame = await get(`/exercise-frame.html?token=${web.token}`);
    expect(frame.status).toBe(200);
    expect(frame.headers['content-security-policy']).toBe(EXERCISE_FRAME_HEADER_POLICY);
    expect(frame.headers['content-security-policy']).toContain("connect-src 'none'");
  });

  it('never puts the token in a cookie (cookies reach every port of 127.0.0.1), and the cookie cannot open the socket', async () => {
    const page = await get(`/?token=${web.token}`);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    const [name, value] = cookie.split('=');
    expect(name).toBe(`scratchnet-${web.port}`);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(value).not.toBe(web.token);
    expect((await get('/assets/app.js', { cookie: `${name}=${web.token}` })).status).toBe(403);
    await expect(connect('', { Cookie: cookie })).rejects.toThrow('HTTP 403');
  });

  // NOTE: /proc/self/mem stats as a regular file and opens, but reading it from offset 0 fails (EIO).
  it.skipIf(!existsSync('/proc/self/mem'))('a file that fails while it is read does not take the host down', async () => {
    symlinkSync('/proc/self/mem', path.join(root, 'renderer', 'assets', 'unreadable.js'));
    const broken = await get(`/assets/unreadable.js?token=${web.token}`).catch((e: Error) => e);
    expect(broken instanceof Error || broken.body === '').toBe(true);
    expect((await get(`/assets/app.js?token=${web.token}`)).status).toBe(200);
  });

  it('refuses a foreign Origin or Host even with the token', async () => {
    expect((await get(`/?token=${web.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(`/?token=${web.token}`, { host: `rebound.example:${web.port}` })).status).toBe(403);
    expect((await get(`/?token=${web.token}`, { origin: `http://127.0.0.1:${web.port}` })).status).toBe(200);
  });

  it('never serves files outside the built renderer', async () => {
    const escape = await get(`/..%2fsecret.txt?token=${web.token}`);
    expect(escape.status).toBe(403);
    expect(escape.body).toContain('path outside the app');
    const dots = await get(`/%2e%2e/secret.txt?token=${web.token}`);
    expect(dots.body).not.toContain('not for the page');
    expect((await get(`/missing.js?token=${web.token}`)).status).toBe(404);
  });

  it('refuses sockets without the token or from a foreign Origin', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 403');
    await expect(connect('?token=guess')).rejects.toThrow('HTTP 403');
    await expect(connect(`?token=${web.token}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('says nothing when a page that had opened its socket goes away (its tab closed, the connection reset)', async () => {
    const ws = await connect(`?token=${web.token}`, { Origin: web.origin });
    (ws as unknown as { _socket: import('node:net').Socket })._socket.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the host sees the reset
    expect(logged.filter((l) => /socket/.test(l))).toEqual([]);
  });

  it('carries calls, replies and events over the socket with typed arrays intact', async () => {
    const ws = await connect(`?token=${web.token}`, { Origin: web.origin });
    ws.send(encodeFrame({ kind: 'call', id: 7, name: 'model:predict', args: { pixels: new Uint8Array(784), saliency: false } }));
    const reply = await nextMessage(ws);
    expect(reply).toMatchObject({ kind: 'reply', id: 7, ok: true });
    const logits = (reply as { result: { logits: Float64Array } }).result.logits;
    expect(logits).toBeInstanceOf(Float64Array);
    expect(logits[0]).toBe(784);
    expect(logits[1]).toBeNaN();
    expect((received.at(-1)!.args as { pixels: Uint8Array }).pixels).toBeInstanceOf(Uint8Array);

    const event = nextMessage(ws);
    emit({ type: 'batch', runId: 1, epoch: 1, firstStep: 0, losses: new Float64Array([2.3]), accuracy: 0.1, lr: 0.1, stepInEpoch: 1, stepsPerEpoch: 10, samplesPerSecond: 100, eta: 5, seconds: 1 });
    const e = (await event) as Extract<SocketMessage, { kind: 'event' }>;
    expect(e.event.type === 'batch' && e.event.losses).toEqual(new Float64Array([2.3]));
    ws.close();
  });

  it('answers a malformed message with a refusal and keeps the socket open', async () => {
    const ws = await connect(`?token=${web.token}`);
    ws.send('{"kind":"call"}');
    expect(await nextMessage(ws)).toEqual({ kind: 'refused', error: 'malformed message: text messages are not accepted' });
    ws.send(new Uint8Array([9, 9, 9, 9, 9]));
    expect(await nextMessage(ws)).toEqual({ kind: 'refused', error: 'malformed message: malformed frame: header runs past the end' });
    ws.send(encodeFrame({ kind: 'call', id: 1, name: 'nope', args: {} }));
    expect(await nextMessage(ws)).toEqual({ kind: 'reply', id: 1, ok: false, error: 'unknown call "nope"' });
    ws.close();
  });
});
