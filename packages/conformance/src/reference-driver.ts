import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createPlugSession, handleNodeRequest, type PlugSessionOptions } from '@plug-session/core';
import type { Driver, RouteSpec, StartOptions } from './driver.js';

type Req = IncomingMessage & { plugSessionToken?: string | undefined };

const toBuffer = (chunk: string | Uint8Array): Buffer =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);

/** Answers one route the way its style says, with node:http's own API. */
function answer(route: RouteSpec, req: Req, res: ServerResponse, seen: boolean): void {
  if (route.echoToken) {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ token: req.plugSessionToken ?? null, seen }));
    return;
  }
  res.statusCode = route.status ?? 200;
  for (const [name, value] of Object.entries(route.headers ?? {})) res.setHeader(name, value);
  const whole = Buffer.concat(route.chunks.map(toBuffer));
  switch (route.style) {
    case 'string':
      res.end(whole.toString('utf8'));
      return;
    case 'buffer':
      res.end(whole);
      return;
    case 'chunks':
      for (const chunk of route.chunks) res.write(chunk);
      res.end();
      return;
    case 'stream':
      Readable.from(route.chunks.map(toBuffer)).pipe(res);
      return;
  }
}

/**
 * The suite's reference driver: a plain `node:http` server on core's `handleNodeRequest`,
 * the way core's docs tell users of other frameworks to do it. It checks the suite itself
 * (and core's Node path) with no framework in between; adapters bring their own drivers.
 */
export const nodeHttpDriver: Driver = {
  name: 'node-http',
  header(req, name) {
    const value = (req as IncomingMessage).headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  },
  async start({ options, routes, innerMount, forgedToken }: StartOptions) {
    const outer = createPlugSession(options as PlugSessionOptions<Req>);
    const inner = innerMount ? createPlugSession(innerMount as PlugSessionOptions<Req>) : undefined;
    const server = createServer(async (request, res) => {
      const req = request as Req;
      if (forgedToken !== undefined) req.plugSessionToken = forgedToken;
      for (const engine of inner ? [outer, inner] : [outer]) {
        const outcome = await handleNodeRequest(engine, req, res);
        if (outcome.kind === 'answered') return;
        req.plugSessionToken = outcome.token;
      }
      const path = (req.url ?? '/').split('?')[0];
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const route = routes.find((r) => r.path === path && (r.method ?? 'GET') === method);
      if (route) answer(route, req, res, Object.hasOwn(req, 'plugSessionToken'));
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([outer.close(), inner?.close()]);
      },
    };
  },
};
