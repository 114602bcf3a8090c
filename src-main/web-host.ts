/**
 * Browser mode's server: the built renderer over HTTP and the renderer API over a WebSocket,
 * bound to 127.0.0.1 on a random port. A page needs the per-launch token in its URL; its assets
 * need the token or the cookie the page load sets, and the socket needs the token itself. Every
 * request must come with our own Origin when it has one; anything else is refused with 403
 * before it is read.
 * NOTE: the cookie carries a second secret, never the token: cookies are not scoped by port, so
 * every other server on 127.0.0.1 gets them, and the cookie only opens the static files.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline, type Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SOCKET_PATH, type ApiEvent, type ApiReply, type SocketCall, type SocketMessage } from './api-contract';
import { contentSecurityPolicy } from './csp';
import { decodeFrame, encodeFrame } from './wire-codec';

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
  /** Largest WebSocket message accepted (uploads), bytes. */
  maxMessageBytes?: number;
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

/** Start the browser-mode host; resolves once it listens. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const assetSecret = randomBytes(32).toString('base64url');
  const root = path.resolve(options.rendererDir);
  const server = http.createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 256 * 1024 * 1024 });
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

  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const why = refusal(req, url, true);
    if (why) return refuse(res, why);
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
      'Content-Security-Policy': csp,
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
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const why = url.pathname !== SOCKET_PATH ? 'unknown socket path' : refusal(req, url, false);
    if (why) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nForbidden (${why})\n`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serve(ws));
  });

  const send = (ws: WebSocket, message: SocketMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(message));
  };

  const serve = (ws: WebSocket) => {
    const stop = options.api.onEvent((event) => send(ws, { kind: 'event', event }));
    options.onConnections?.(sockets.clients.size);
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
