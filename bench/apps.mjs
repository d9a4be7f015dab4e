// The measured apps. Routes, the same in every scenario: `GET /` sends the 10 KB page as a
// string, `GET /big` streams the 2 MiB page in 64 KiB chunks, each the way an app of that
// framework does (Hono: `c.html(page)` and `c.body(readableStream)`, on @hono/node-server).
// The 10 KB page in each alphabet, as a string and as a Buffer, has a route of its own
// (`pages.mjs`: `/10k/<alphabet>/<string|buffer>`), sent the same way as `GET /`.
// The setup decides how routes send a page and what `resolveUser` returns:
//   today    Express `res.send(page)`, Fastify `return reply.type(HTML).send(page)`, Koa
//            `ctx.type = HTML; ctx.body = page`; rev_info `{ user_ref, user_traits:
//            { display_name } }`
//   outside  issue 18's outside measurement: Fastify `reply.type(HTML); return page`, Koa
//            `ctx.type = 'html'; ctx.body = page` (Express and Hono as today); rev_info
//            `{ user_ref, user_traits: { email, display_name } }`
// The scenario only decides the middleware in front of them:
//   bare        nothing
//   noop        one middleware that does nothing (async where the framework's hooks are)
//   plug        plug-session, no injection
//   inject      plug-session with injectScript
//   livereload  connect-livereload (Express only)
import { pipeline } from 'node:stream';
import { PAGE_10K, PAGES_10K, streamPage2M, webStreamPage2M } from './pages.mjs';

export const SCENARIOS = ['bare', 'noop', 'plug', 'inject', 'livereload'];
export const SETUPS = ['today', 'outside'];
/** Whether the scenario mounts plug-session (and so needs tokens minted before it is timed). */
export const mountsPlugSession = (scenario) => scenario === 'plug' || scenario === 'inject';
const HTML = 'text/html; charset=utf-8';

/**
 * `x-user: u17` → `{ user_ref: 'u17', user_traits: { display_name: 'User 17' } }`; in the
 * outside setup with `email: 'u17@example.com'` among the traits. A new object every time, as
 * an app's resolver builds it from its session.
 */
export const revInfoOf = (id, setup = 'today') => {
  if (typeof id !== 'string' || id === '') return null;
  const display_name = `User ${id.slice(1)}`;
  return setup === 'outside'
    ? { user_ref: id, user_traits: { email: `${id}@example.com`, display_name } }
    : { user_ref: id, user_traits: { display_name } };
};

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve(server));
  });
}

/** `GET /` and the 10 KB page routes: `[path, body]`. */
const PAGE_ROUTES = [['/', PAGE_10K], ...PAGES_10K.map(({ path, body }) => [path, body])];

/**
 * Each builder takes { scenario, setup, plugOptions(resolveUser), reached(rawRequest) } and
 * resolves to a listening `http.Server` on 127.0.0.1. `reached` is called as each route starts.
 */
export const apps = {
  async express({ scenario, setup, plugOptions, reached }) {
    const { default: createApp } = await import('express');
    const app = createApp();
    if (scenario === 'noop') app.use((_req, _res, next) => next());
    if (scenario === 'livereload') {
      const { default: livereload } = await import('connect-livereload');
      app.use(livereload({ port: 35729 }));
    }
    if (mountsPlugSession(scenario)) {
      const { plugSession } = await import('@plug-session/express');
      app.use(plugSession(plugOptions((req) => revInfoOf(req.headers['x-user'], setup))));
    }
    for (const [path, page] of PAGE_ROUTES) {
      app.get(path, (req, res) => {
        reached(req);
        // A string goes out as HTML by default, bytes as application/octet-stream.
        if (typeof page !== 'string') res.type('html');
        res.send(page);
      });
    }
    app.get('/big', (req, res) => {
      reached(req);
      res.type('html');
      pipeline(streamPage2M(), res, () => undefined);
    });
    return listen(app.listen(0, '127.0.0.1'));
  },

  async fastify({ scenario, setup, plugOptions, reached }) {
    if (scenario === 'livereload') throw new Error('connect-livereload is Express middleware');
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    if (scenario === 'noop') app.addHook('preHandler', async () => undefined);
    if (mountsPlugSession(scenario)) {
      const { plugSession } = await import('@plug-session/fastify');
      await app.register(
        plugSession,
        plugOptions((req) => revInfoOf(req.headers['x-user'], setup)),
      );
    }
    for (const [path, page] of PAGE_ROUTES) {
      const send =
        setup === 'outside'
          ? (req, reply) => {
              reached(req.raw);
              reply.type(HTML);
              return page;
            }
          : (req, reply) => {
              reached(req.raw);
              return reply.type(HTML).send(page);
            };
      app.get(path, send);
    }
    app.get('/big', (req, reply) => {
      reached(req.raw);
      return reply.type(HTML).send(streamPage2M());
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server;
  },

  async koa({ scenario, setup, plugOptions, reached }) {
    if (scenario === 'livereload') throw new Error('connect-livereload is Express middleware');
    const { default: Koa } = await import('koa');
    const app = new Koa();
    // A load generator that stops mid-stream resets connections; Koa would print each one.
    app.on('error', () => undefined);
    if (scenario === 'noop') {
      app.use(async (_ctx, next) => {
        await next();
      });
    }
    if (mountsPlugSession(scenario)) {
      const { plugSession } = await import('@plug-session/koa');
      app.use(plugSession(plugOptions((ctx) => revInfoOf(ctx.headers['x-user'], setup))));
    }
    const pages = new Map(PAGE_ROUTES);
    const type = setup === 'outside' ? 'html' : HTML;
    app.use((ctx) => {
      if (ctx.method !== 'GET') return;
      reached(ctx.req);
      const page = pages.get(ctx.path);
      if (page !== undefined) {
        ctx.type = type;
        ctx.body = page;
      } else if (ctx.path === '/big') {
        ctx.type = HTML;
        ctx.body = streamPage2M();
      }
    });
    return listen(app.listen(0, '127.0.0.1'));
  },

  async hono({ scenario, setup, plugOptions, reached }) {
    if (scenario === 'livereload') throw new Error('connect-livereload is Express middleware');
    const { Hono } = await import('hono');
    const { createAdaptorServer } = await import('@hono/node-server');
    const app = new Hono();
    if (scenario === 'noop') {
      app.use(async (_c, next) => {
        await next();
      });
    }
    if (mountsPlugSession(scenario)) {
      const { plugSession } = await import('@plug-session/hono');
      app.use(plugSession(plugOptions((c) => revInfoOf(c.req.header('x-user'), setup))));
    }
    // c.env: @hono/node-server's bindings, whose `incoming` is Node's raw request.
    for (const [path, page] of PAGE_ROUTES) {
      app.get(path, (c) => {
        reached(c.env.incoming);
        return typeof page === 'string'
          ? c.html(page)
          : c.body(page, 200, { 'content-type': HTML });
      });
    }
    app.get('/big', (c) => {
      reached(c.env.incoming);
      return c.body(webStreamPage2M(), 200, { 'content-type': HTML });
    });
    const server = createAdaptorServer({ fetch: app.fetch });
    return listen(server.listen(0, '127.0.0.1'));
  },
};
