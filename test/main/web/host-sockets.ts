/** Raw sockets to a host on 127.0.0.1, for the tests that attack it (in-process and end to end). */
import net from 'node:net';
import WebSocket from 'ws';

/** Send raw bytes and collect what comes back until the server closes or 5 s pass. */
export function rawExchange(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(done, 5000);
    socket.on('data', (c) => (out += c.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.write(request);
  });
}

/** An open WebSocket on the host's API. */
export function openApiSocket(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
