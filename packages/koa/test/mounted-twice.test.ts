import { expectInjectedOnce } from '@plug-session/conformance';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type Koa from 'koa';
import type { Context } from 'koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type PlugSessionKoaOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';
import { get } from './http.js';

// API.md: "A middleware mounted twice on the same request (an app and a router, a root and a
// child scope) makes one resolution: the inner mount reuses what the outer one resolved (one
// `resolveUser` call, at most one upstream call), so the route and the page see the same token."

const AAT = 'aat-koa-mounted-twice';
const APP_ID = 'app-koa-mounted-twice';

/** The page a route renders with the token it was given, as an app rendering it itself would. */
const pageWith = (token: string | undefined): string =>
  `<!doctype html><html><body><p id=t>${token ?? ''}</p></body></html>`;

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
const options = (mount: string): PlugSessionKoaOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: APP_ID,
  injectScript: { scriptSrc: emu.scriptSrc },
  cache: false,
  resolveUser: (ctx) => {
    resolved.push(mount);
    const user = ctx.get('x-user');
    return user ? { user_ref: user } : null;
  },
  onError: (error) => {
    errors.push(error);
  },
});

describe.each([
  ['koa2', Koa2],
  ['koa3', Koa3],
] as const)('%s', (_name, KoaApp: typeof Koa) => {
  /** Two `app.use(plugSession(…))`, then a route rendering both places of the token. */
  async function start(): Promise<string> {
    const app = new KoaApp();
    app.on('error', () => {});
    app.use(plugSession(options('outer')));
    app.use(plugSession(options('inner')));
    app.use((ctx: Context) => {
      const { plugSessionToken } = ctx.state as { plugSessionToken?: string };
      ctx.type = 'html';
      ctx.body =
        plugSessionToken === ctx.request.plugSessionToken
          ? pageWith(plugSessionToken)
          : 'ctx.state and ctx.request differ';
    });
    const server = await listen(app);
    running.push(server);
    return server.url;
  }

  test('mounted twice with app.use, the route renders the same token as the injected snippet, from one resolveUser call and one DevRev call', async () => {
    const url = await start();
    const reply = await get(`${url}/page`, { 'x-user': 'alice' });
    expect(reply.status).toBe(200);
    const rendered = /<p id=t>([^<]*)<\/p>/.exec(reply.body.toString())?.[1];
    expect(rendered, 'the route got a token').toBeTruthy();
    const { arg } = expectInjectedOnce(reply.body, Buffer.from(pageWith(rendered)), emu.scriptSrc);
    expect(arg.session_token, 'the snippet carries the token the route rendered').toBe(rendered);
    expect(resolved, 'only the outer mount calls resolveUser').toEqual(['outer']);
    expect(emu.callCount, 'one DevRev call').toBe(1);
    expect(emu.verifyToken(rendered ?? '')).toMatchObject({
      valid: true,
      claims: { sub: 'alice' },
    });
    expect(errors).toEqual([]);
  });

  test('mounted twice with app.use, an anonymous visitor is resolved once and gets an anonymous snippet', async () => {
    const url = await start();
    const reply = await get(`${url}/page`);
    expect(resolved, 'only the outer mount calls resolveUser').toEqual(['outer']);
    expect(emu.callCount).toBe(0);
    const { arg } = expectInjectedOnce(reply.body, Buffer.from(pageWith(undefined)), emu.scriptSrc);
    expect(arg).toStrictEqual({ app_id: APP_ID });
  });
});
