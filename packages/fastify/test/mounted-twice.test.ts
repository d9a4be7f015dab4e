import { expectInjectedOnce } from '@plug-session/conformance';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PlugSessionFastifyOptions, plugSession } from '../src/index.js';

// API.md: "A middleware mounted twice on the same request (an app and a router, a root and a
// child scope) makes one resolution: the inner mount reuses what the outer one resolved (one
// `resolveUser` call, at most one upstream call), so the route and the page see the same token."

const AAT = 'aat-fastify-mounted-twice';
const APP_ID = 'app-fastify-mounted-twice';

/** The page a route renders with the token it was given, as an app rendering it itself would. */
const pageWith = (token: string | undefined): string =>
  `<!doctype html><html><body><p id=t>${token ?? ''}</p></body></html>`;

let emu: Emulator;
const errors: PlugSessionError[] = [];
const resolved: string[] = [];
const apps: FastifyInstance[] = [];
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
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** Options without a cache (two resolutions would be two tokens), recording each resolution. */
const options = (mount: string): PlugSessionFastifyOptions => ({
  appAccessToken: AAT,
  endpoint: emu.endpoint,
  appId: APP_ID,
  injectScript: { scriptSrc: emu.scriptSrc },
  cache: false,
  resolveUser: (request) => {
    resolved.push(mount);
    const user = request.headers['x-user'];
    return typeof user === 'string' ? { user_ref: user } : null;
  },
  onError: (error) => {
    errors.push(error);
  },
});

/** The plugin on the root and again in a child scope that holds the route. */
async function start(): Promise<string> {
  const app = Fastify();
  apps.push(app);
  await app.register(plugSession, options('outer'));
  await app.register(async (child) => {
    await child.register(plugSession, options('inner'));
    child.get('/page', async (request, reply) =>
      reply.type('text/html; charset=utf-8').send(pageWith(request.plugSessionToken)),
    );
  });
  return app.listen({ port: 0, host: '127.0.0.1' });
}

async function page(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/page`, { headers });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

describe('fastify5', () => {
  it('registered on a root and in a child scope, the route renders the same token as the injected snippet, from one resolveUser call and one DevRev call', async () => {
    const reply = await page(await start(), { 'x-user': 'alice' });
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

  it('registered on a root and in a child scope, an anonymous visitor is resolved once and gets an anonymous snippet', async () => {
    const reply = await page(await start());
    expect(resolved, 'only the outer mount calls resolveUser').toEqual(['outer']);
    expect(emu.callCount).toBe(0);
    const { arg } = expectInjectedOnce(reply.body, Buffer.from(pageWith(undefined)), emu.scriptSrc);
    expect(arg).toStrictEqual({ app_id: APP_ID });
  });
});
