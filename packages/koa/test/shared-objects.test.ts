import { Readable } from 'node:stream';
import {
  dripped,
  expectInjectedOnce,
  HTML,
  PAGE,
  type RunningApp,
  type SharedObjects,
  sharedObjectsTests,
  split,
} from '@plug-session/conformance';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { describe, expect, test } from 'vitest';
import { plugSession } from '../src/index.js';
import { koa2Driver, koa3Driver, listen } from './driver.js';

// What Koa shares beyond one request: an app's `request`, `response` and `context`, which
// every request's inherit, and Koa's own prototypes above them.

/** A page sent as a string, as a Buffer, in chunks and streamed; and plain JSON. */
const pages: Middleware = async (ctx, next) => {
  switch (ctx.path) {
    case '/string':
      ctx.type = HTML;
      ctx.body = PAGE;
      return;
    case '/buffer':
      ctx.type = HTML;
      ctx.body = Buffer.from(PAGE);
      return;
    case '/chunks':
      ctx.type = HTML;
      ctx.body = Readable.from(split(PAGE, 7));
      return;
    case '/stream':
      ctx.type = HTML;
      ctx.body = dripped(split(PAGE, 5));
      return;
    case '/json':
      ctx.body = { plain: true };
      return;
    default:
      return next();
  }
};

/** Starts `app`, its error events silenced: Koa would print them. */
function listenQuietly(app: Koa): Promise<RunningApp> {
  app.on('error', () => {});
  return listen(app);
}

describe.each([
  ['koa2', Koa2, koa2Driver],
  ['koa3', Koa3, koa3Driver],
] as const)('%s', (name, KoaApp: typeof Koa, driver) => {
  /** Koa's own objects (koa/lib/response, request, context), and those of each app given. */
  function watch(shared: SharedObjects, apps: Record<string, Koa>): void {
    for (const [label, app] of Object.entries(apps)) {
      shared.add(`${name}'s response`, Object.getPrototypeOf(app.response));
      shared.add(`${name}'s request`, Object.getPrototypeOf(app.request));
      shared.add(`${name}'s context`, Object.getPrototypeOf(app.context));
      shared.add(`${label}.response`, app.response);
      shared.add(`${label}.request`, app.request);
      shared.add(`${label}.context`, app.context);
    }
  }

  const h = sharedObjectsTests(driver, {
    scopes: [''],
    watched: 'Node’s prototypes, an app’s request, response and context, or Koa’s prototypes',
    async start(shared, options) {
      const app = new KoaApp();
      if (options) app.use(plugSession(options));
      app.use(pages);
      watch(shared, { app });
      return listenQuietly(app);
    },
    async startOther(shared) {
      const other = new KoaApp();
      other.use(pages);
      watch(shared, { 'other app': other });
      return listenQuietly(other);
    },
  });

  test('puts the token on the request’s own ctx.state and ctx.request, not on a shared object', async () => {
    const app = new KoaApp();
    app.use(plugSession(h.injecting()));
    const seen: unknown[] = [];
    app.use((ctx: Context) => {
      const holders: unknown[] = [];
      for (const start of [ctx, ctx.request]) {
        for (let proto = Object.getPrototypeOf(start); proto !== null; ) {
          if (Object.hasOwn(proto, 'plugSessionToken')) holders.push(proto);
          proto = Object.getPrototypeOf(proto);
        }
      }
      seen.push({
        state: Object.hasOwn(ctx.state, 'plugSessionToken') && ctx.state.plugSessionToken,
        request: Object.hasOwn(ctx.request, 'plugSessionToken') && ctx.request.plugSessionToken,
        holders: holders.length,
      });
      ctx.type = HTML;
      ctx.body = PAGE;
    });
    const reply = await h.track(await listenQuietly(app)).send('/', { user: 'alice' });
    const { arg } = expectInjectedOnce(reply.body, Buffer.from(PAGE), h.emu.scriptSrc);
    const token = String(arg.session_token);
    expect(h.emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    expect(seen).toEqual([{ state: token, request: token, holders: 0 }]);
  });
});
