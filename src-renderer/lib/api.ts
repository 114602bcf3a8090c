/**
 * The only module that touches the transport. In the desktop app the preload has put the typed
 * API on window.scratchnet (Electron IPC); in browser mode it is a WebSocket to the loopback
 * host, carrying the token from the page's own address and frames of the shared wire codec.
 */
import {
  SOCKET_PATH,
  type ApiEvent,
  type ApiReply,
  type ScratchnetApi,
  type SocketCall,
  type SocketMessage,
} from '../../src-main/host/api-contract';
import { UPLOAD_PATH } from '../../src-main/host/upload-limits';
import { decodeFrame, encodeFrame } from '../../src-main/host/wire-codec';

declare global {
  interface Window {
    /** Set by the desktop app's preload. */
    scratchnet?: ScratchnetApi;
  }
}

/** The browser-mode API: one WebSocket, calls matched to replies by id. */
export function socketApi(location: Pick<Location, 'host' | 'search'>, WebSocketImpl: typeof WebSocket = WebSocket): ScratchnetApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const ws = new WebSocketImpl(`ws://${location.host}${SOCKET_PATH}?token=${encodeURIComponent(token)}`);
  ws.binaryType = 'arraybuffer';
  const listeners = new Set<(event: ApiEvent) => void>();
  const pending = new Map<number, (reply: ApiReply) => void>();
  const waiting: Uint8Array[] = [];
  let nextId = 1;
  let lost: string | null = null;

  const emit = (event: ApiEvent) => listeners.forEach((l) => l(event));
  ws.addEventListener('open', () => waiting.splice(0).forEach((frame) => ws.send(frame)));
  ws.addEventListener('message', (e: MessageEvent) => {
    if (!(e.data instanceof ArrayBuffer)) return;
    const message = decodeFrame(new Uint8Array(e.data)) as SocketMessage;
    if (message.kind === 'event') emit(message.event);
    else if (message.kind === 'reply') {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    } else console.error(`Scratchnet host refused a message: ${message.error}`);
  });
  ws.addEventListener('close', () => {
    lost = token
      ? 'The connection to the Scratchnet host was lost (was it stopped?). Start it again with `npm run web` and open the address it prints.'
      : 'This page was opened without its access token. Open the full address Scratchnet printed when it started (…/?token=…).';
    for (const resolve of pending.values()) resolve({ ok: false, error: lost });
    pending.clear();
    emit({ type: 'connection:lost', message: lost });
  });

  return {
    mode: 'browser',
    call(name, args) {
      if (lost) return Promise.reject(new Error(lost));
      const id = nextId++;
      const frame = encodeFrame({ kind: 'call', id, name, args } satisfies SocketCall);
      return new Promise((resolve, reject) => {
        pending.set(id, (reply) => (reply.ok ? resolve(reply.result as never) : reject(new Error(reply.error))));
        if (ws.readyState === WebSocketImpl.OPEN) ws.send(frame);
        else waiting.push(frame);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async upload(file) {
      if (lost) throw new Error(lost);
      // NOTE: a File body is streamed from disk by the browser, never read into memory whole.
      const reply = await fetch(`http://${location.host}${UPLOAD_PATH}?token=${encodeURIComponent(token)}`, { method: 'POST', body: file });
      const text = await reply.text();
      if (!reply.ok) throw new Error(text.trim() || `The upload failed (HTTP ${reply.status}).`);
      return (JSON.parse(text) as { id: string }).id;
    },
  };
}

let current: ScratchnetApi | null = null;

/** The app's API: the preload's in the desktop app, a WebSocket in the browser. */
export function getApi(): ScratchnetApi {
  current ??= window.scratchnet ?? socketApi(window.location);
  return current;
}
