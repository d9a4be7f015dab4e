// The measured apps. Routes, the same in every scenario: `GET /` sends the 10 KB page as a
// string, `GET /big` streams the 2 MiB page in 64 KiB chunks. The scenario only decides the
// middleware in front of them:
//   bare        nothing
//   noop        one middleware that does nothing (async where the framework's hooks are)
//   plug        plug-session, no injection
//   inject      plug-session with injectScript
//   livereload  connect-livereload (Express only)
import { pipeline } from 'node:stream';
import { PAGE_10K, streamPage2M } from './pages.mjs';

export const SCENARIOS = ['bare', 'noop', 'plug', 'inject', 'livereload'];
/** Whether the scenario mounts plug-session (and so needs tokens minted before it is timed). */
export const mountsPlugSession = (scenario) => scenario === 'plug' || scenario === 'inject';
const HTML = 'text/html; charset=utf-8';

/** `x-user: u17` → `{ user_ref: 'u17', user_traits: { display_name: 'User 17' } }`. */
export const revInfoOf = (id) =>
  typeof id === 'string' && id !== ''
    ? { user_ref: id, user_traits: { display_name: `User ${id.slice(1)}` } }
    : null;

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => resolve(server));
  });
}

/**
 * Each builder takes { scenario, plugOptions(resolveUser), reached(rawRequest) } and resolves
 * to a listening `http.Server` on 127.0.0.1. `reached` is called as each route starts.
 */
export const apps = {
  async express({ scenario, plugOptions, reached }) {
    const { default: createApp } = await import('express');
    const app = createApp();
    if (scenario === 'noop') app.use((_req, _res, next) => next());
    if (scenario === 'livereload') {
      const { default: livereload } = await import('connect-livereload');
      app.use(livereload({ port: 35729 }));
    }
    if (mountsPlugSession(scenario)) {
      const { plugSession } = await import('@plug-session/express');
      app.use(plugSession(plugOptions((req) => revInfoOf(req.headers['x-user']))));
    }
    app.get('/', (req, res) => {
      reached(req);
      res.send(PAGE_10K);
    });
    app.get('/big', (req, res) => {
      reached(req);
      res.type('html');
      pipeline(streamPage2M(), res, () => undefined);
    });
    return listen(app.listen(0, '127.0.0.1'));
  },

  async fastify({ scenario, plugOptions, reached }) {
    if (scenario === 'livereload') throw new Error('connect-livereload is Express middleware');
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    if (scenario === 'noop') app.addHook('preHandler', async () => undefined);
    if (mountsPlugSession(scenario)) {
      const { plugSession } = await import('@plug-session/fastify');
      await app.register(
        plugSession,
        plugOptions((req) => revInfoOf(req.headers['x-user'])),
      );
    }
    app.get('/', (req, reply) => {
      reached(req.raw);
      return reply.type(HTML).send(PAGE_10K);
    });
    app.get('/big', (req, reply) => {
      reached(req.raw);
      return reply.type(HTML).send(streamPage2M());
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server;
  },

  async koa({ scenario, plugOptions, reached }) {
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
      app.use(plugSession(plugOptions((ctx) => revInfoOf(ctx.headers['x-user']))));
    }
    app.use((ctx) => {
      if (ctx.method !== 'GET') return;
      reached(ctx.req);
      if (ctx.path === '/') {
        ctx.type = HTML;
        ctx.body = PAGE_10K;
      } else if (ctx.path === '/big') {
        ctx.type = HTML;
        ctx.body = streamPage2M();
      }
    });
    return listen(app.listen(0, '127.0.0.1'));
  },
};
