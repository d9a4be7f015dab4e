import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { freshJwt } from './fake-jwt.js';

/** One request the fake token endpoint received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: one port for several requests means a reused connection. */
  remotePort: number | undefined;
}

/** How the fake endpoint answers one request. */
export type Answer = (res: ServerResponse, request: ReceivedRequest) => void;

/**
 * A tiny token endpoint on 127.0.0.1:0 for what the emulator does not expose: the exact
 * request headers, 200 versus 201, an HTTP-date `Retry-After`, odd bodies. Answers are
 * taken from a queue, then `fallback` (a 201 with a fresh JWT).
 */
export async function startFakeDevRev() {
  const requests: ReceivedRequest[] = [];
  const queue: Answer[] = [];
  const sockets = new Set<Socket>();
  let fallback: Answer = json(201, () => ({ access_token: freshJwt(), expires_in: 3600 }));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: req.socket.remotePort,
      };
      requests.push(request);
      (queue.shift() ?? fallback)(res, request);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: new URL(`http://127.0.0.1:${port}/internal/auth-tokens.create`),
    requests,
    /** Queues answers for the next requests. */
    answer: (...answers: Answer[]) => queue.push(...answers),
    /** Answers every request not queued for. */
    always: (answer: Answer) => {
      fallback = answer;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers `status` with `body` as JSON (a function is called per request). */
export function json(
  status: number,
  body: unknown | (() => unknown),
  headers: Record<string, string> = {},
): Answer {
  return (res) => {
    const value = typeof body === 'function' ? (body as () => unknown)() : body;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
}

/** Answers `status` with a raw body. */
export function raw(status: number, body: string | Buffer, type = 'application/json'): Answer {
  return (res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
}

/** Never answers. */
export const hang: Answer = () => undefined;

/** Resets the connection without answering. */
export const reset: Answer = (res) => {
  res.socket?.resetAndDestroy();
};
