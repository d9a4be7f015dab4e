import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fetch-style handler, as Hono, Bun, Deno and Workers have. */
export type WebHandler = (request: Request) => Response | Promise<Response>;

/** The Node request as a Web `Request` (no body: the tests send none). */
function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, one);
    }
  }
  return new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers });
}

/**
 * Writes a Web `Response` to the socket as it comes: status, headers, then each chunk of its
 * body as soon as the body gives it (honouring back-pressure), as `@hono/node-server` does.
 */
async function send(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value as Uint8Array | string)) await once(res, 'drain');
    }
    res.end();
  } catch (error) {
    res.destroy(error as Error);
  }
}

/** A node:http server on 127.0.0.1 that answers every request with `handler`'s Response. */
export async function startWebServer(
  handler: WebHandler,
): Promise<{ url: string; close(): Promise<void> }> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(toRequest(req, origin)))
      .then((response) => send(response, res))
      .catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
