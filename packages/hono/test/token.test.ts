import { Hono } from 'hono';
import { describe, expect, test } from 'vitest';
import { type PlugSessionHonoOptions, plugSession } from '../src/index.js';
import { PAGE, send, snippetIn, tokenIn, useSetup } from './support.js';

const s = useSetup();

/** A route recording what `c.get` and `c.var` held, and whether the variable was set at all. */
function recorder() {
  const seen: Array<{ get: string | undefined; var: string | undefined; set: boolean }> = [];
  const route = (app: Hono) =>
    app.get('/echo', (c) => {
      seen.push({
        get: c.get('plugSessionToken'),
        var: c.var.plugSessionToken,
        set: Object.hasOwn(c.var, 'plugSessionToken'),
      });
      return c.text('ok');
    });
  return { seen, route };
}

/** An earlier middleware that puts a value of its own where the token goes. */
const forging = (app: Hono) =>
  app.use((c, next) => {
    c.set('plugSessionToken', 'forged-by-an-earlier-middleware');
    return next();
  });

const invalid = (given: Record<string, unknown>) => () =>
  plugSession({ ...s.options(), ...given } as unknown as PlugSessionHonoOptions);

describe('the token on the context', () => {
  test('plugSession() throws at once for invalid options, naming the option', () => {
    expect(invalid({ appAccessToken: undefined })).toThrow(/appAccessToken/);
    expect(invalid({ appAccessToken: ' \n' })).toThrow(/appAccessToken/);
    expect(invalid({ appId: undefined })).toThrow(/appId/);
    expect(invalid({ endpoint: 'not a url' })).toThrow(/endpoint/);
    expect(invalid({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(invalid({ timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  test('sets the token at c.get and c.var before the route runs, over a value an earlier middleware set', async () => {
    const { seen, route } = recorder();
    const app = new Hono();
    forging(app);
    app.use(s.plugSession());
    route(app);
    const url = await s.serve(app);
    expect((await send(`${url}/echo`, { headers: { 'x-user': 'alice' } })).status).toBe(200);
    const [first] = seen;
    expect(first?.var).toBe(first?.get);
    expect(s.emulator.verifyToken(first?.get ?? '')).toMatchObject({
      valid: true,
      claims: { sub: 'alice' },
    });
    expect(s.errors).toEqual([]);
  });

  test('sets undefined for an anonymous visitor and a skipped request, over a forged value', async () => {
    const { seen, route } = recorder();
    const app = new Hono();
    forging(app);
    app.use(s.plugSession({ skip: (c) => c.req.header('x-skip') === '1' }));
    route(app);
    const url = await s.serve(app);
    await send(`${url}/echo`);
    await send(`${url}/echo`, { headers: { 'x-user': 'alice', 'x-skip': '1' } });
    const unset = { get: undefined, var: undefined, set: true };
    expect(seen).toEqual([unset, unset]);
    expect(s.emulator.callCount).toBe(0);
  });

  test('resolves, attaches and injects nothing when skip says so', async () => {
    const resolved: string[] = [];
    const app = new Hono();
    app.use(
      s.plugSession({
        skip: (c) => c.req.path.startsWith('/static/'),
        resolveUser: (c) => {
          resolved.push(c.req.path);
          return { user_ref: 'alice' };
        },
      }),
    );
    app.get('/static/page', (c) => c.html(PAGE));
    app.get('/page', (c) => c.html(PAGE));
    const url = await s.serve(app);
    expect((await send(`${url}/static/page`)).text).toBe(PAGE);
    expect(resolved).toEqual([]);
    const injected = snippetIn((await send(`${url}/page`)).body, PAGE, s.emulator.scriptSrc);
    expect(tokenIn(injected)).toEqual(expect.any(String));
    expect(resolved).toEqual(['/page']);
  });

  test('answers the token route at c.req.path, from the cache, and passes other methods and paths on', async () => {
    const app = new Hono();
    app.use(s.plugSession({ tokenRoute: '/plug/session' }));
    app.post('/plug/session', (c) => c.text('app: POST'));
    app.get('/plug/session/more', (c) => c.text('app: more'));
    const url = await s.serve(app);
    const alice = { headers: { 'x-user': 'alice' } };
    const first = await send(`${url}/plug/session?x=1`, alice);
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    const answer = JSON.parse(first.text) as { session_token: string; expires_at: string };
    expect(s.emulator.verifyToken(answer.session_token)).toMatchObject({ valid: true });
    expect(Number.isNaN(Date.parse(answer.expires_at))).toBe(false);
    const second = JSON.parse((await send(`${url}/plug/session`, alice)).text);
    expect(second.session_token).toBe(answer.session_token);
    expect(s.emulator.callCount).toBe(1);
    expect(JSON.parse((await send(`${url}/plug/session`)).text)).toEqual({ session_token: null });
    expect((await send(`${url}/plug/session`, { ...alice, method: 'POST' })).text).toBe(
      'app: POST',
    );
    expect((await send(`${url}/plug/session/more`, alice)).text).toBe('app: more');
  });

  test('answers the token route 503 with the code when no token could be had', async () => {
    const app = new Hono();
    app.use(s.plugSession({ tokenRoute: '/plug/session' }));
    const url = await s.serve(app);
    s.emulator.setFault({ type: 'status', status: 401 });
    const reply = await send(`${url}/plug/session`, { headers: { 'x-user': 'alice' } });
    expect([reply.status, JSON.parse(reply.text)]).toEqual([503, { error: 'UNAUTHORIZED' }]);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(s.errors.map((error) => error.code)).toEqual(['UNAUTHORIZED']);
  });

  test('leaves HEAD and non-HTML responses untouched, resolving nobody for HEAD', async () => {
    const resolved: string[] = [];
    const app = new Hono();
    app.use(
      s.plugSession({
        resolveUser: (c) => {
          resolved.push(c.req.method);
          return { user_ref: 'alice' };
        },
      }),
    );
    app.get('/page', (c) => c.html(PAGE, 200, { 'cache-control': 'public, max-age=60' }));
    app.get('/json', (c) => c.json({ html: '<html><body></body></html>' }));
    app.get('/css', (c) =>
      c.body('a::after { content: "</body>" }', 200, { 'content-type': 'text/css' }),
    );
    const url = await s.serve(app);
    const head = await send(`${url}/page`, { method: 'HEAD' });
    expect([head.status, head.text]).toEqual([200, '']);
    expect(head.headers['cache-control']).toBe('public, max-age=60');
    expect(resolved).toEqual([]);
    const json = await send(`${url}/json`);
    expect(JSON.parse(json.text)).toEqual({ html: '<html><body></body></html>' });
    expect((await send(`${url}/css`)).text).toBe('a::after { content: "</body>" }');
    expect(resolved).toEqual(['GET', 'GET']);
  });

  test('close() lets go of the HTTP client, and can be awaited after serving', async () => {
    const middleware = plugSession(s.options());
    const app = new Hono();
    app.use(middleware);
    app.get('/page', (c) => c.html(PAGE));
    const url = await s.serve(app);
    snippetIn(
      (await send(`${url}/page`, { headers: { 'x-user': 'alice' } })).body,
      PAGE,
      s.emulator.scriptSrc,
    );
    await expect(middleware.close()).resolves.toBeUndefined();
  });
});
