import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import type { Driver, RouteSpec, RunningApp, StartOptions } from '@plug-session/conformance';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { plugSession } from '../src/index.js';

type KoaClass = typeof Koa;

/** The JSON an `echoToken` route answers: both of Koa's places must agree. */
function echo(ctx: Context): { token: string | null; seen: boolean } {
  const fromState = ctx.state.plugSessionToken;
  const fromRequest = ctx.request.plugSessionToken;
  const seen =
    Object.hasOwn(ctx.state, 'plugSessionToken') && Object.hasOwn(ctx.request, 'plugSessionToken');
  // A mismatch would be an adapter bug; answering a value no test expects makes it fail.
  const token =
    fromState === fromRequest ? (fromState ?? null) : 'ctx.state and ctx.request differ';
  return { token, seen };
}

/** A router as small as the specs: method + path, and the body handed over Koa's way. */
export function routesMiddleware(routes: RouteSpec[]): Middleware {
  return async (ctx, next) => {
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    const spec = routes.find(
      (route) => (route.method ?? 'GET') === method && route.path === ctx.path,
    );
    if (!spec) return next();
    for (const [name, value] of Object.entries(spec.headers ?? {})) ctx.set(name, value);
    ctx.status = spec.status ?? 200;
    if (spec.echoToken) {
      ctx.body = echo(ctx);
      return;
    }
    switch (spec.style) {
      case 'string':
        // Decoded once: a chunk may end inside a multi-byte character.
        ctx.body = Buffer.concat(spec.chunks.map((chunk) => Buffer.from(chunk))).toString('utf8');
        return;
      case 'buffer':
        ctx.body = Buffer.concat(spec.chunks.map((chunk) => Buffer.from(chunk)));
        return;
      default:
        ctx.body = Readable.from(spec.chunks);
    }
  };
}

/** Starts `app` on 127.0.0.1:0. */
export async function listen(app: Koa): Promise<RunningApp> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function driverFor(name: string, KoaApp: KoaClass): Driver {
  return {
    name,
    async start({ options, routes, innerMount, forgedToken, log }: StartOptions) {
      const app = new KoaApp();
      // What Koa's default error handler would print goes to the suite's sink when it wants
      // to read it (for secrets), and is silenced otherwise (failing bodies are expected).
      app.on('error', (error: unknown) => log?.(inspect(error)));
      if (forgedToken !== undefined) {
        app.use((ctx, next) => {
          ctx.state.plugSessionToken = forgedToken;
          ctx.request.plugSessionToken = forgedToken;
          return next();
        });
      }
      app.use(plugSession(options));
      if (innerMount) app.use(plugSession(innerMount));
      app.use(routesMiddleware(routes));
      return listen(app);
    },
    header(req, headerName) {
      const value = (req as Context).get(headerName);
      return value === '' ? undefined : value;
    },
  };
}

export const koa2Driver: Driver = driverFor('koa2', Koa2);
export const koa3Driver: Driver = driverFor('koa3', Koa3);
