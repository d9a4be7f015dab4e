import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Driver, RouteSpec, RunningApp, StartOptions } from '@plug-session/conformance';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import { plugSession } from '../src/index.js';

const encoder = new TextEncoder();
const toBytes = (chunk: string | Uint8Array): Uint8Array =>
  typeof chunk === 'string' ? encoder.encode(chunk) : chunk;

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const whole = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.length;
  }
  return whole;
}

/** A Web stream of `chunks`: all at once (`chunks`), or one per turn of the event loop. */
function streamOf(chunks: readonly Uint8Array[], dripped: boolean): ReadableStream<Uint8Array> {
  const rest = [...chunks];
  return new ReadableStream({
    start(controller) {
      if (dripped) return;
      for (const chunk of rest.splice(0)) controller.enqueue(chunk);
      controller.close();
    },
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      const chunk = rest.shift();
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  });
}

/** The JSON an `echoToken` route answers: `c.get` and `c.var` must agree. */
function echo(c: Context) {
  const seen = Object.hasOwn(c.var, 'plugSessionToken');
  const token = c.get('plugSessionToken');
  // A mismatch would be an adapter bug; answering a value no test expects makes it fail.
  return {
    token: token === c.var.plugSessionToken ? (token ?? null) : 'c.get and c.var differ',
    seen,
  };
}

/** Answers one route spec with Hono's own API: `c.body` with a string, bytes or a stream. */
export function answer(spec: RouteSpec, c: Context): Response {
  if (spec.echoToken) return c.json(echo(c));
  for (const [name, value] of Object.entries(spec.headers ?? {})) c.header(name, value);
  const chunks = spec.chunks.map(toBytes);
  // A null-body status (204, 304) cannot have a body at all in a Web Response.
  if (spec.status === 204 || spec.status === 304) return c.body(null, spec.status as StatusCode);
  const status = (spec.status ?? 200) as ContentfulStatusCode;
  switch (spec.style) {
    case 'string':
      // Decoded once: a chunk may end inside a multi-byte character.
      return c.body(new TextDecoder().decode(concat(chunks)), status);
    case 'buffer':
      return c.body(concat(chunks), status);
    default:
      return c.body(streamOf(chunks, spec.style === 'stream'), status);
  }
}

/** Serves `app` with `@hono/node-server` on 127.0.0.1:0; `close` also closes `closing`. */
export async function listen(
  app: Hono,
  ...closing: Array<{ close(): Promise<void> }>
): Promise<RunningApp> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
      resolve(started),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await Promise.all(closing.map((item) => item.close()));
    },
  };
}

/** The conformance suite's driver: one Hono app, the adapter on `app.use`, routes on `app.on`. */
export const honoDriver: Driver = {
  name: 'hono4',
  async start({ options, routes, innerMount, forgedToken }: StartOptions) {
    const app = new Hono();
    if (forgedToken !== undefined) {
      app.use((c, next) => {
        c.set('plugSessionToken', forgedToken);
        return next();
      });
    }
    const mounts = [plugSession(options)];
    if (innerMount) mounts.push(plugSession(innerMount));
    for (const mount of mounts) app.use(mount);
    for (const spec of routes) app.on(spec.method ?? 'GET', spec.path, (c) => answer(spec, c));
    return listen(app, ...mounts);
  },
  header(req, name) {
    return (req as Context).req.header(name);
  },
};
