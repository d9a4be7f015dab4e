import { IncomingMessage, OutgoingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { type SharedObjects, watchSharedObjects } from '@plug-session/conformance';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Express, Request } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type PlugSessionExpressOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { AAT, APP_ID, expectInjected, HTML, pieces, type Reply, send } from './support.js';

// Issue 16 and STYLE.md, "What a library may touch": serving a page changes no object that is
// shared beyond one request or response.

const PAGE =
  '<!doctype html><html><head><title>Café</title></head><body><h1>Grüße, 世界</h1></body></html>\n';
const PAGES = ['/string', '/buffer', '/chunks', '/stream'];
const USERS = [undefined, 'alice'];
const METHODS = ['writeHead', 'write', 'end'] as const;

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

const options = (): PlugSessionExpressOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: APP_ID,
  injectScript: { scriptSrc: emu.scriptSrc },
  resolveUser: (req) => {
    const user = req.get('x-user');
    return user ? { user_ref: user } : null;
  },
  onError: (error) => {
    errors.push(error);
  },
});

const as = (user: string | undefined) => (user ? { headers: { 'x-user': user } } : {});

/** A page sent as a string, as a Buffer, written in chunks and streamed; and plain JSON. */
function addPages(app: Express): void {
  app.get('/string', (_req, res) => {
    res.type('html').send(PAGE);
  });
  app.get('/buffer', (_req, res) => {
    res.type('html').send(Buffer.from(PAGE));
  });
  app.get('/chunks', (_req, res) => {
    res.setHeader('content-type', HTML);
    for (const chunk of pieces(PAGE, [7, 3, 11])) res.write(chunk);
    res.end();
  });
  app.get('/stream', (_req, res) => {
    res.setHeader('content-type', HTML);
    Readable.from(pieces(PAGE, [5, 13])).pipe(res);
  });
  app.get('/json', (_req, res) => {
    res.json({ plain: true });
  });
}

/** Where the token is: on the request itself, and which of its prototypes hold one. */
function tokenPlace(req: Request, names: Map<object, string>) {
  const holders: string[] = [];
  for (
    let proto = Object.getPrototypeOf(req);
    proto !== null;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (Object.hasOwn(proto, 'plugSessionToken')) holders.push(names.get(proto) ?? 'a prototype');
  }
  return { own: Object.hasOwn(req, 'plugSessionToken'), token: req.plugSessionToken, holders };
}

describe.each([
  { name: 'express4', express: express4 },
  { name: 'express5', express: express5 },
])('$name', ({ express }) => {
  /** Node's and Express's shared objects, and those of each app given. */
  function watch(apps: Record<string, Express>): SharedObjects {
    const shared = watchSharedObjects();
    shared.add('http.ServerResponse.prototype', ServerResponse.prototype);
    shared.add('http.OutgoingMessage.prototype', OutgoingMessage.prototype);
    shared.add('http.IncomingMessage.prototype', IncomingMessage.prototype);
    shared.add('express.response', express.response);
    shared.add('express.request', express.request);
    for (const [name, app] of Object.entries(apps)) {
      shared.add(`${name}.response`, app.response);
      shared.add(`${name}.request`, app.request);
    }
    return shared;
  }

  /** An app with the pages, and a sub-app with the same pages mounted under /sub. */
  function appWithSubApp(withPlugSession: boolean): { app: Express; sub: Express } {
    const app = express();
    const sub = express();
    if (withPlugSession) app.use(plugSession(options()));
    addPages(app);
    addPages(sub);
    app.use('/sub', sub);
    return { app, sub };
  }

  /** Every page, anonymous and identified, and the JSON route: what each answered. */
  async function serveAll(url: string): Promise<Map<string, Reply>> {
    const replies = new Map<string, Reply>();
    for (const path of [...PAGES, '/json', ...PAGES.map((page) => `/sub${page}`), '/sub/json']) {
      for (const user of USERS) {
        replies.set(`${path} as ${user ?? 'anonymous'}`, await send(`${url}${path}`, as(user)));
      }
    }
    return replies;
  }

  test('the framework alone changes none of the watched objects while serving (the control for the tests below)', async () => {
    const { app, sub } = appWithSubApp(false);
    const shared = watch({ app, 'sub-app': sub });
    const server = await listen(app);
    running.push(server);
    const replies = await serveAll(server.url);
    expect(shared.changes()).toEqual([]);
    expect(replies.get('/stream as alice')?.body.toString()).toBe(PAGE);
  });

  test('serving injected and plain pages adds, removes or replaces no property of http.ServerResponse.prototype, IncomingMessage.prototype, express.response, express.request or an app’s or sub-app’s prototypes', async () => {
    const { app, sub } = appWithSubApp(true);
    // A second app in the same process that never mounts plug-session.
    const other = express();
    other.get('/page', (_req, res) => {
      res.type('html').send(PAGE);
    });
    // Recorded after the sub-app is mounted (mounting sets its prototypes) and before serving.
    const shared = watch({ app, 'sub-app': sub, 'other app': other });
    const server = await listen(app);
    const otherServer = await listen(other);
    running.push(server, otherServer);

    const replies = await serveAll(server.url);
    const otherReply = await send(`${otherServer.url}/page`, as('alice'));

    expect(shared.changes(), 'properties changed on shared objects').toEqual([]);
    for (const path of [...PAGES, ...PAGES.map((page) => `/sub${page}`)]) {
      for (const user of USERS) {
        const reply = replies.get(`${path} as ${user ?? 'anonymous'}`)!;
        expect(reply.status, path).toBe(200);
        const token = expectInjected(reply.body, PAGE, emu.scriptSrc);
        if (user) expect(emu.verifyToken(token ?? '')).toMatchObject({ valid: true });
        else expect(token).toBeUndefined();
      }
    }
    for (const user of USERS) {
      const json = replies.get(`/json as ${user ?? 'anonymous'}`)!;
      expect(json.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(json.body.toString())).toEqual({ plain: true });
    }
    expect(otherReply.body.toString()).toBe(PAGE);
  });

  test('a response of an app that never mounts plug-session keeps Node’s own writeHead, write and end after another app served injected pages', async () => {
    const app = express();
    app.use(plugSession(options()));
    addPages(app);
    const other = express();
    other.get('/methods', (req, res) => {
      const nodes = METHODS.filter((name) => res[name] === ServerResponse.prototype[name]);
      res.json({ nodes, token: 'plugSessionToken' in req });
    });
    const server = await listen(app);
    const otherServer = await listen(other);
    running.push(server, otherServer);
    for (const path of PAGES) {
      expectInjected((await send(`${server.url}${path}`, as('alice'))).body, PAGE, emu.scriptSrc);
    }
    const reply = await send(`${otherServer.url}/methods`, as('alice'));
    expect(JSON.parse(reply.body.toString())).toEqual({ nodes: [...METHODS], token: false });
  });

  test('puts the token on the request itself: no prototype of the request, express.request or the app’s, holds plugSessionToken', async () => {
    const app = express();
    app.use(plugSession(options()));
    const names = new Map<object, string>([
      [app.request, 'app.request'],
      [express.request, 'express.request'],
      [IncomingMessage.prototype, 'http.IncomingMessage.prototype'],
    ]);
    const seen: Array<ReturnType<typeof tokenPlace>> = [];
    app.get('/echo', (req, res) => {
      seen.push(tokenPlace(req, names));
      res.type('html').send(PAGE);
    });
    const server = await listen(app);
    running.push(server);
    const identified = await send(`${server.url}/echo`, as('alice'));
    await send(`${server.url}/echo`);
    const token = expectInjected(identified.body, PAGE, emu.scriptSrc);
    expect(emu.verifyToken(token ?? '')).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    expect(seen[0]).toEqual({ own: true, token, holders: [] });
    expect(seen[1]?.token).toBeUndefined();
    expect(seen[1]?.holders).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(express.request, 'plugSessionToken')).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(app.request, 'plugSessionToken')).toBeUndefined();
    expect(Object.hasOwn(IncomingMessage.prototype, 'plugSessionToken')).toBe(false);
  });
});
