import { type Emulator, startEmulator } from '@plug-session/emulator';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { plugSession } from '../src/index.js';
import { AAT } from './support.js';

// A unit test through Hono's own `app.request()`, which takes a Worker's execution context as
// its fourth argument: the rest of the suite serves over real sockets, where there is none.

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ appAccessToken: AAT });
});
afterAll(() => emu.close());

function appWith() {
  const middleware = plugSession({
    appAccessToken: AAT,
    endpoint: emu.endpoint,
    tokenRoute: '/plug/session',
    resolveUser: (c) => {
      const user = c.req.header('x-user');
      return user ? { user_ref: user } : null;
    },
    onError: () => undefined,
  });
  const app = new Hono();
  app.use(middleware);
  app.get('/', (c) => c.text(`token: ${c.var.plugSessionToken ?? 'none'}`));
  return { app, middleware };
}

/** A Worker's execution context, as Hono receives it from `fetch(request, env, ctx)`. */
const executionContext = () => ({
  waitUntil: vi.fn<(promise: Promise<unknown>) => void>(),
  passThroughOnException: () => undefined,
  props: {},
});

describe("plugSession and a Worker's waitUntil", () => {
  it('hands the token mint of a request to executionCtx.waitUntil, once', async () => {
    const { app, middleware } = appWith();
    const ctx = executionContext();
    const headers = { 'x-user': 'wait-until-hono' };
    const response = await app.request('/', { headers }, {}, ctx);
    expect(await response.text()).toMatch(/^token: ey/);
    expect(ctx.waitUntil).toHaveBeenCalledTimes(1);
    await expect(ctx.waitUntil.mock.calls[0]?.[0]).resolves.toBeUndefined();

    // Cached: nothing to hand over.
    const again = executionContext();
    await app.request('/plug/session', { headers }, {}, again);
    expect(again.waitUntil).not.toHaveBeenCalled();
    await middleware.close();
  });

  it('leaves an anonymous request and one without an execution context alone', async () => {
    const { app, middleware } = appWith();
    const ctx = executionContext();
    expect(await (await app.request('/', {}, {}, ctx)).text()).toBe('token: none');
    expect(ctx.waitUntil).not.toHaveBeenCalled();
    // No execution context (Node, Bun, Deno): Hono's getter throws, and the token still comes.
    const headers = { 'x-user': 'no-execution-context' };
    expect(await (await app.request('/', { headers })).text()).toMatch(/^token: ey/);
    await middleware.close();
  });
});
