import { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import {
  expectInjectedOnce,
  HTML,
  PAGE,
  PAGE_PATHS,
  type SharedObjects,
  sharedObjectsTests,
} from '@plug-session/conformance';
import type { Express, Request } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { describe, expect, test } from 'vitest';
import { plugSession } from '../src/index.js';
import { express4Driver, express5Driver, listen } from './driver.js';
import { pieces } from './support.js';

// What Express shares beyond one request: `express.request` and `express.response`, and each
// app's `request` and `response` (the prototypes Express gives its requests and responses).

const METHODS = ['writeHead', 'write', 'end'] as const;

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
  { name: 'express4', express: express4, driver: express4Driver },
  { name: 'express5', express: express5, driver: express5Driver },
])('$name', ({ express, driver }) => {
  /** Express's shared objects, and those of each app given. */
  function watch(shared: SharedObjects, apps: Record<string, Express>): void {
    shared.add('express.response', express.response);
    shared.add('express.request', express.request);
    for (const [name, app] of Object.entries(apps)) {
      shared.add(`${name}.response`, app.response);
      shared.add(`${name}.request`, app.request);
    }
  }

  const h = sharedObjectsTests(driver, {
    scopes: ['', '/sub'],
    watched:
      'http.ServerResponse.prototype, IncomingMessage.prototype, express.response, express.request or an app’s or sub-app’s prototypes',
    /** An app with the pages, and a sub-app with the same pages mounted under /sub. */
    async start(shared, options) {
      const app = express();
      const sub = express();
      if (options) app.use(plugSession(options));
      addPages(app);
      addPages(sub);
      app.use('/sub', sub);
      // Recorded after the sub-app is mounted: mounting sets its prototypes.
      watch(shared, { app, 'sub-app': sub });
      return listen(app);
    },
    async startOther(shared) {
      const other = express();
      other.get('/string', (_req, res) => {
        res.type('html').send(PAGE);
      });
      watch(shared, { 'other app': other });
      return listen(other);
    },
  });

  test('a response of an app that never mounts plug-session keeps Node’s own writeHead, write and end after another app served injected pages', async () => {
    const app = express();
    app.use(plugSession(h.injecting()));
    addPages(app);
    const other = express();
    other.get('/methods', (req, res) => {
      const nodes = METHODS.filter((name) => res[name] === ServerResponse.prototype[name]);
      res.json({ nodes, token: 'plugSessionToken' in req });
    });
    const server = h.track(await listen(app));
    const otherServer = h.track(await listen(other));
    for (const path of PAGE_PATHS) {
      const reply = await server.send(path, { user: 'alice' });
      expectInjectedOnce(reply.body, Buffer.from(PAGE), h.emu.scriptSrc, path);
    }
    const reply = await otherServer.send('/methods', { user: 'alice' });
    expect(reply.json()).toEqual({ nodes: [...METHODS], token: false });
  });

  test('puts the token on the request itself: no prototype of the request, express.request or the app’s, holds plugSessionToken', async () => {
    const app = express();
    app.use(plugSession(h.injecting()));
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
    const server = h.track(await listen(app));
    const identified = await server.send('/echo', { user: 'alice' });
    await server.send('/echo');
    const { arg } = expectInjectedOnce(identified.body, Buffer.from(PAGE), h.emu.scriptSrc);
    const token = String(arg.session_token);
    expect(h.emu.verifyToken(token)).toMatchObject({ valid: true, claims: { sub: 'alice' } });
    expect(seen[0]).toEqual({ own: true, token, holders: [] });
    expect(seen[1]?.token).toBeUndefined();
    expect(seen[1]?.holders).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(express.request, 'plugSessionToken')).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(app.request, 'plugSessionToken')).toBeUndefined();
    expect(Object.hasOwn(IncomingMessage.prototype, 'plugSessionToken')).toBe(false);
  });
});
