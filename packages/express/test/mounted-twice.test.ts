import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Express, Request, RequestHandler } from 'express';
import express4 from 'express4';
import express5 from 'express5';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type PlugSessionExpressOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { AAT, APP_ID, expectInjected, send } from './support.js';

// API.md: "A middleware mounted twice on the same request (an app and a router, a root and a
// child scope) makes one resolution: the inner mount reuses what the outer one resolved (one
// `resolveUser` call, at most one upstream call), so the route and the page see the same token."

/** The page a route renders with the token it was given, as an app rendering it itself would. */
const pageWith = (token: string | undefined): string =>
  `<!doctype html><html><body><p id=t>${token ?? ''}</p></body></html>`;

const render: RequestHandler = (req, res) => {
  res.type('html').send(pageWith(req.plugSessionToken));
};

let emu: Emulator;
const errors: PlugSessionError[] = [];
const resolved: string[] = [];
const running: Array<{ close(): Promise<void> }> = [];
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  errors.length = 0;
  resolved.length = 0;
  emu.clearCalls();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

/** Options without a cache (two resolutions would be two tokens), recording each resolution. */
const options = (mount: string): PlugSessionExpressOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: APP_ID,
  injectScript: { scriptSrc: emu.scriptSrc },
  cache: false,
  resolveUser: (req: Request) => {
    resolved.push(mount);
    const user = req.get('x-user');
    return user ? { user_ref: user } : null;
  },
  onError: (error) => {
    errors.push(error);
  },
});

describe.each([
  { name: 'express4', express: express4 },
  { name: 'express5', express: express5 },
])('$name', ({ express }) => {
  const mountings: Array<{ what: string; path: string; mount: (app: Express) => void }> = [
    {
      what: 'on an app and on a router',
      path: '/page',
      mount(app) {
        const router = express.Router();
        router.use(plugSession(options('inner')));
        router.get('/page', render);
        app.use(router);
      },
    },
    {
      what: 'on an app and on a sub-app mounted under a path',
      path: '/sub/page',
      mount(app) {
        const sub = express();
        sub.use(plugSession(options('inner')));
        sub.get('/page', render);
        app.use('/sub', sub);
      },
    },
  ];

  for (const { what, path, mount } of mountings) {
    test(`mounted ${what}, the route renders the same token as the injected snippet, from one resolveUser call and one DevRev call`, async () => {
      const app = express();
      app.use(plugSession(options('outer')));
      mount(app);
      const server = await listen(app);
      running.push(server);

      const reply = await send(`${server.url}${path}`, { headers: { 'x-user': 'alice' } });
      expect(reply.status).toBe(200);
      const rendered = /<p id=t>([^<]*)<\/p>/.exec(reply.body.toString())?.[1];
      expect(rendered, 'the route got a token').toBeTruthy();
      const injected = expectInjected(reply.body, pageWith(rendered), emu.scriptSrc);
      expect(injected, 'the snippet carries the token the route rendered').toBe(rendered);
      expect(resolved, 'only the outer mount calls resolveUser').toEqual(['outer']);
      expect(emu.callCount, 'one DevRev call').toBe(1);
      expect(emu.verifyToken(rendered ?? '')).toMatchObject({
        valid: true,
        claims: { sub: 'alice' },
      });
      expect(errors).toEqual([]);
    });

    test(`mounted ${what}, an anonymous visitor is resolved once and gets an anonymous snippet`, async () => {
      const app = express();
      app.use(plugSession(options('outer')));
      mount(app);
      const server = await listen(app);
      running.push(server);

      const reply = await send(`${server.url}${path}`);
      expect(resolved, 'only the outer mount calls resolveUser').toEqual(['outer']);
      expect(emu.callCount).toBe(0);
      expect(expectInjected(reply.body, pageWith(undefined), emu.scriptSrc)).toBeUndefined();
    });
  }
});
