import { IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { expectInjectedOnce, watchSharedObjects } from '@plug-session/conformance';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type PlugSessionKoaOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { get, type RawResponse } from './http.js';

// Issue 16 and STYLE.md, "What a library may touch": serving a page changes no object that is
// shared beyond one request or response: Node's prototypes, an app's `request`, `response` and
// `context`, and Koa's own prototypes above them.

const AAT = 'aat-koa-shared-objects';
const APP_ID = 'app-koa-shared-objects';
const HTML = 'text/html; charset=utf-8';
const PAGE =
  '<!doctype html><html><head><title>Café</title></head><body><h1>Grüße, 世界</h1></body></html>\n';
const PAGES = ['/string', '/buffer', '/chunks', '/stream'];
const USERS = [undefined, 'alice'];

let emu: Emulator;
const errors: PlugSessionError[] = [];
const running: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
  expect(errors.splice(0), 'onError calls').toEqual([]);
});

const options = (): PlugSessionKoaOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: APP_ID,
  injectScript: { scriptSrc: emu.scriptSrc },
  resolveUser: (ctx) => {
    const user = ctx.get('x-user');
    return user ? { user_ref: user } : null;
  },
  onError: (error) => {
    errors.push(error);
  },
});

const as = (user: string | undefined): Record<string, string> => (user ? { 'x-user': user } : {});

/** `PAGE` in pieces of `size` bytes (multi-byte characters cut on purpose). */
function pieces(size: number): Buffer[] {
  const all = Buffer.from(PAGE);
  const out: Buffer[] = [];
  for (let at = 0; at < all.length; at += size) out.push(all.subarray(at, at + size));
  return out;
}

/** A stream written piece by piece, one piece per turn of the event loop. */
function dripped(): Readable {
  const stream = new PassThrough();
  const rest = pieces(5);
  const next = () => {
    const piece = rest.shift();
    if (piece === undefined) stream.end();
    else stream.write(piece, () => setImmediate(next));
  };
  setImmediate(next);
  return stream;
}

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
      ctx.body = Readable.from(pieces(7));
      return;
    case '/stream':
      ctx.type = HTML;
      ctx.body = dripped();
      return;
    case '/json':
      ctx.body = { plain: true };
      return;
    default:
      return next();
  }
};

describe.each([
  ['koa2', Koa2],
  ['koa3', Koa3],
] as const)('%s', (name, KoaApp: typeof Koa) => {
  function watch(apps: Record<string, Koa>) {
    const shared = watchSharedObjects();
    shared.add('http.ServerResponse.prototype', ServerResponse.prototype);
    shared.add('http.OutgoingMessage.prototype', OutgoingMessage.prototype);
    shared.add('http.IncomingMessage.prototype', IncomingMessage.prototype);
    for (const [label, app] of Object.entries(apps)) {
      // Koa's own objects (koa/lib/response, request, context), which every app's inherit.
      shared.add(`${name}'s response`, Object.getPrototypeOf(app.response));
      shared.add(`${name}'s request`, Object.getPrototypeOf(app.request));
      shared.add(`${name}'s context`, Object.getPrototypeOf(app.context));
      shared.add(`${label}.response`, app.response);
      shared.add(`${label}.request`, app.request);
      shared.add(`${label}.context`, app.context);
    }
    return shared;
  }

  async function start(app: Koa): Promise<string> {
    app.on('error', () => {});
    const server = await listen(app);
    running.push(server);
    return server.url;
  }

  async function serveAll(url: string): Promise<Map<string, RawResponse>> {
    const replies = new Map<string, RawResponse>();
    for (const path of [...PAGES, '/json']) {
      for (const user of USERS) {
        replies.set(`${path} as ${user ?? 'anonymous'}`, await get(`${url}${path}`, as(user)));
      }
    }
    return replies;
  }

  test('the framework alone changes none of the watched objects while serving (the control for the tests below)', async () => {
    const app = new KoaApp();
    app.use(pages);
    const shared = watch({ app });
    const replies = await serveAll(await start(app));
    expect(shared.changes()).toEqual([]);
    expect(replies.get('/stream as alice')?.body.toString()).toBe(PAGE);
  });

  test('serving injected and plain pages adds, removes or replaces no property of Node’s prototypes, an app’s request, response and context, or Koa’s prototypes', async () => {
    const app = new KoaApp();
    app.use(plugSession(options()));
    app.use(pages);
    // A second app in the same process that never mounts plug-session.
    const other = new KoaApp();
    other.use(pages);
    const shared = watch({ app, 'other app': other });
    const url = await start(app);
    const otherUrl = await start(other);

    const replies = await serveAll(url);
    const otherReply = await get(`${otherUrl}/string`, as('alice'));

    expect(shared.changes(), 'properties changed on shared objects').toEqual([]);
    for (const path of PAGES) {
      for (const user of USERS) {
        const reply = replies.get(`${path} as ${user ?? 'anonymous'}`)!;
        expect(reply.status, path).toBe(200);
        const { arg } = expectInjectedOnce(reply.body, Buffer.from(PAGE), emu.scriptSrc, path);
        if (user) expect(emu.verifyToken(String(arg.session_token))).toMatchObject({ valid: true });
        else expect(arg).toStrictEqual({ app_id: APP_ID });
      }
    }
    for (const user of USERS) {
      const json = replies.get(`/json as ${user ?? 'anonymous'}`)!;
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(json.body.toString())).toEqual({ plain: true });
    }
    expect(otherReply.body.toString()).toBe(PAGE);
  });

  test('puts the token on the request’s own ctx.state and ctx.request, not on a shared object', async () => {
    const app = new KoaApp();
    app.use(plugSession(options()));
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
    const url = await start(app);
    const reply = await get(`${url}/`, as('alice'));
    const { arg } = expectInjectedOnce(reply.body, Buffer.from(PAGE), emu.scriptSrc);
    const token = String(arg.session_token);
    expect(emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    expect(seen).toEqual([{ state: token, request: token, holders: 0 }]);
  });
});
