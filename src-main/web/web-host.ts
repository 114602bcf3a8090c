/**
 * Browser mode's server: the built renderer over HTTP and the renderer API over a WebSocket,
 * bound to 127.0.0.1 on a random port. A page needs the per-launch token in its URL; its assets
 * need the token or the cookie the page load sets, and the socket needs the token itself. Every
 * request must come with our own Origin when it has one; anything else is refused with 403
 * before it is read. Large files come over a streaming upload (POST /upload) into a folder with
 * a size cap, not inside a socket message. Nothing a client sends may take the host down: a
 * broken request, socket or frame is answered or closed, and the host serves on.
 * NOTE: the cookie carries a second secret, never the token: cookies are not scoped by port, so
 * every other server on 127.0.0.1 gets them, and the cookie only opens the static files.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline, Transform, type Duplex } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { SOCKET_PATH, type ApiEvent, type ApiReply, type SocketCall, type SocketMessage } from '../host/api-contract';
import { contentSecurityPolicy } from '../host/csp';
import { EXERCISE_FRAME_FILE, EXERCISE_FRAME_HEADER_POLICY } from '../host/exercise-frame';
import { uploadFile } from '../host/upload-folders';
import { byteSize, MAX_SOCKET_MESSAGE_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOADS_IN_FLIGHT, MAX_UPLOADS_KEPT, UPLOAD_PATH } from '../host/upload-limits';
import { decodeFrame, encodeFrame } from '../host/wire-codec';

/** The part of ApiServer the web host needs. */
export interface ApiEndpoint {
  handle(name: unknown, args: unknown): Promise<ApiReply>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

export interface WebHostOptions {
  api: ApiEndpoint;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to 32 random bytes, base64url. */
  token?: string;
  /** Largest WebSocket message accepted, bytes (default MAX_SOCKET_MESSAGE_BYTES). */
  maxMessageBytes?: number;
  /**
   * Where POST /upload streams files (as `incoming-<id>`), and the most bytes one may have
   * (default MAX_UPLOAD_BYTES). Without it, uploads are refused.
   */
  uploads?: { dir: string; maxBytes?: number };
  /** Told of trouble the host survived: a broken socket, a failed request (default console.warn). */
  log?: (line: string) => void;
  /** Told the number of open pages (WebSockets) whenever one connects or goes away. */
  onConnections?: (count: number) => void;
}

export interface WebHost {
  /** http://127.0.0.1:PORT/?token=... */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The one address the host binds to. */
export const LOOPBACK = '127.0.0.1';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

function sameSecret(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(req: http.IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

class UploadTooLarge extends Error {}

/** Start the browser-mode host; resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const assetSecret = randomBytes(32).toString('base64url');
  const root = path.resolve(options.rendererDir);
  const server = http.createServer();
  const log = options.log ?? ((line: string) => console.warn(`[web-host] ${line}`));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_SOCKET_MESSAGE_BYTES });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  const cookieName = `scratchnet-${port}`;
  const csp = contentSecurityPolicy([`ws://${LOOPBACK}:${port}`], true);

  /** Why a request is refused, or null when it may proceed. */
  const refusal = (req: http.IncomingMessage, url: URL, allowCookie: boolean): string | null => {
    const host = req.headers.host;
    if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`) return 'unexpected Host header';
    const from = req.headers.origin;
    if (from !== undefined && from !== origin && from !== `http://localhost:${port}`) return 'foreign Origin';
    if (sameSecret(url.searchParams.get('token'), token)) return null;
    if (allowCookie && sameSecret(cookie(req, cookieName), assetSecret)) return null;
    return 'missing or wrong token';
  };

  const refuse = (res: http.ServerResponse, why: string) => {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`Forbidden (${why}). Open the address Scratchnet printed when it started; it carries the access token.\n`);
  };

  const answer = (res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}) => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
    res.end(text);
  };

  /** The request's target as a URL, or null when it is not a valid one (e.g. `http://a:99999/`). */
  const target = (req: http.IncomingMessage): URL | null => {
    try {
      return new URL(req.url ?? '/', origin);
    } catch {
      return null;
    }
  };

  let uploadsInFlight = 0;
  /** Finished uploads, oldest first (one that was used is already gone; removing it is harmless). */
  const kept: string[] = [];

  /** Stream the request body into the uploads folder; at most maxBytes, nothing kept on failure. */
  const receiveUpload = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!options.uploads) return answer(res, 404, 'This host takes no uploads.\n');
    const limit = options.uploads.maxBytes ?? MAX_UPLOAD_BYTES;
    const tooLarge = `The file is larger than ${byteSize(limit)}, the most an upload may be. Type its path on this machine instead.\n`;
    // NOTE: a declared length over the cap is refused before a byte is read or written.
    if (Number(req.headers['content-length']) > limit) return answer(res, 413, tooLarge, { Connection: 'close' });
    if (uploadsInFlight >= MAX_UPLOADS_IN_FLIGHT) {
      return answer(res, 429, `${MAX_UPLOADS_IN_FLIGHT} uploads are already under way; wait for them to finish, then send this file again.\n`, { Connection: 'close' });
    }
    uploadsInFlight++;
    try {
      await streamUpload(req, res, options.uploads.dir, limit, tooLarge);
    } finally {
      uploadsInFlight--;
    }
  };

  const streamUpload = async (req: http.IncomingMessage, res: http.ServerResponse, dir: string, limit: number, tooLarge: string) => {
    const id = randomBytes(16).toString('base64url');
    const file = uploadFile(dir, id);
    let bytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(bytes > limit ? new UploadTooLarge() : null, chunk);
      },
    });
    try {
      await pipelineAsync(req, count, createWriteStream(file, { flags: 'wx' }));
    } catch (error) {
      await rm(file, { force: true });
      if (error instanceof UploadTooLarge) return answer(res, 413, tooLarge, { Connection: 'close' });
      if (!req.complete) return void res.destroy(); // the page went away mid-upload
      log(`an upload could not be stored: ${(error as Error).message}`);
      return answer(res, 500, `The upload could not be stored (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).\n`);
    }
    kept.push(file);
    while (kept.length > MAX_UPLOADS_KEPT) await rm(kept.shift()!, { force: true });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ id, bytes }));
  };

  server.on('request', (req, res) => {
    serveRequest(req, res).catch((error: unknown) => {
      log(`a request failed: ${error instanceof Error ? error.message : String(error)}`);
      answer(res, 500, 'Internal error; the host carries on.\n');
    });
  });

  const serveRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = target(req);
    if (!url) return answer(res, 400, 'Bad request (the address is not a valid URL).\n', { Connection: 'close' });
    const why = refusal(req, url, req.method !== 'POST');
    if (why) return refuse(res, why);
    if (req.method === 'POST' && url.pathname === UPLOAD_PATH) return receiveUpload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return refuse(res, 'malformed path');
    }
    const file = path.resolve(root, '.' + (pathname === '/' ? '/index.html' : pathname));
    if (!file.startsWith(root + path.sep)) return refuse(res, 'path outside the app');
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('Not found\n');
    }
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      'Content-Security-Policy': pathname === `/${EXERCISE_FRAME_FILE}` ? EXERCISE_FRAME_HEADER_POLICY : csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (sameSecret(url.searchParams.get('token'), token)) {
      headers['Set-Cookie'] = `${cookieName}=${assetSecret}; Path=/; HttpOnly; SameSite=Strict`;
    }
    if (req.method === 'HEAD') {
      res.writeHead(200, headers);
      return res.end();
    }
    // NOTE: the file can still fail after stat (deleted, unreadable, a disk error): before the
    // headers that is a 500; after them the response is cut off. Either way the host lives on.
    const stream = createReadStream(file);
    stream.once('error', (error) => {
      if (res.headersSent) return;
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(`Could not read ${path.basename(file)} (${(error as NodeJS.ErrnoException).code ?? error.message}).\n`);
    });
    stream.once('open', () => {
      res.writeHead(200, headers);
      pipeline(stream, res, () => undefined);
    });
  };

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const beforeOpen = (error: Error) => log(`a socket failed before it opened: ${error.message}`);
    socket.on('error', beforeOpen);
    const url = target(req);
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nBad request (the address is not a valid URL)\n');
      return;
    }
    const why = url.pathname !== SOCKET_PATH ? 'unknown socket path' : refusal(req, url, false);
    if (why) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nForbidden (${why})\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      // NOTE: from here ws reports the socket's errors; a page closed mid-connection is no failure to open.
      socket.off('error', beforeOpen);
      serve(ws);
    });
  });

  const send = (ws: WebSocket, message: SocketMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    let frame: Uint8Array;
    try {
      frame = encodeFrame(message);
    } catch (error) {
      // NOTE: a reply that cannot be encoded still answers its call, with the reason.
      log(`could not encode a ${message.kind}: ${(error as Error).message}`);
      if (message.kind !== 'reply') return;
      frame = encodeFrame({ kind: 'reply', id: message.id, ok: false, error: `the host could not send the answer: ${(error as Error).message}` });
    }
    ws.send(frame);
  };

  const serve = (ws: WebSocket) => {
    const stop = options.api.onEvent((event) => send(ws, { kind: 'event', event }));
    options.onConnections?.(sockets.clients.size);
    // NOTE: ws closes the socket itself after an error (1002 for a broken frame, 1009 for one
    // over maxPayload); without a listener the error would be thrown and end the process.
    ws.on('error', (error) => log(`a page's socket failed: ${error.message}`));
    ws.on('close', () => {
      stop();
      options.onConnections?.(sockets.clients.size);
    });
    ws.on('message', async (data, isBinary) => {
      let call: SocketCall;
      try {
        if (!isBinary) throw new Error('text messages are not accepted');
        const decoded = decodeFrame(data instanceof Buffer ? data : Buffer.concat(data as Buffer[]));
        const c = decoded as Partial<SocketCall> | null;
        if (!c || c.kind !== 'call' || typeof c.id !== 'number' || typeof c.name !== 'string') throw new Error('not a call');
        call = c as SocketCall;
      } catch (error) {
        return send(ws, { kind: 'refused', error: `malformed message: ${(error as Error).message}` });
      }
      const reply = await options.api.handle(call.name, call.args);
      send(ws, { kind: 'reply', id: call.id, ...reply });
    });
  };

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
